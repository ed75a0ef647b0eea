"""The machine-readable Bot API description (`telegram-bot-api.json`) and the validator built on it."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SPEC_ENV = "EST_TELEGRAM_API_SPEC"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    types: tuple[str, ...]
    required: bool
    description: str


@dataclass(frozen=True)
class MethodSpec:
    name: str
    fields: dict[str, FieldSpec]
    returns: tuple[str, ...]


@dataclass(frozen=True)
class TypeSpec:
    name: str
    fields: dict[str, FieldSpec]
    subtypes: tuple[str, ...]


@dataclass(frozen=True)
class ApiSpec:
    """The Bot API as data: methods (looked up case-insensitively) and types."""

    version: str
    methods: dict[str, MethodSpec]  # lower-case name -> spec
    types: dict[str, TypeSpec]

    def method(self, name: str) -> MethodSpec | None:
        return self.methods.get(name.lower())

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ApiSpec:
        def fields(raw: dict[str, Any]) -> dict[str, FieldSpec]:
            return {
                f["name"]: FieldSpec(f["name"], tuple(f["types"]), bool(f["required"]), f.get("description", ""))
                for f in raw.get("fields", [])
            }

        methods = {
            name.lower(): MethodSpec(name, fields(m), tuple(m.get("returns", [])))
            for name, m in data["methods"].items()
        }
        types = {name: TypeSpec(name, fields(t), tuple(t.get("subtypes", []))) for name, t in data["types"].items()}
        return cls(str(data.get("version", "")), methods, types)


def find_spec_path() -> Path:
    """`$EST_TELEGRAM_API_SPEC`, a copy next to this module, or the workspace's `shared/specs/` (first found)."""
    here = Path(__file__).resolve()
    candidates = [
        Path(os.environ[SPEC_ENV]) if os.environ.get(SPEC_ENV) else None,
        here.with_name("telegram-bot-api.json"),
        here.parents[3] / "shared" / "specs" / "telegram-bot-api.json",
    ]
    for path in candidates:
        if path is not None and path.is_file():
            return path
    raise FileNotFoundError(
        f"telegram-bot-api.json not found; set {SPEC_ENV} or copy it to {candidates[1]} "
        f"(looked in: {', '.join(str(c) for c in candidates if c)})"
    )


@functools.lru_cache(maxsize=4)
def load_spec(path: Path | None = None) -> ApiSpec:
    with (path or find_spec_path()).open(encoding="utf-8") as fh:
        return ApiSpec.from_json(json.load(fh))


class _Invalid(Exception):
    def __init__(self, message: str, path: str) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


class _Validator:
    """Checks decoded JSON values against spec type expressions ("Integer", "Array of BotCommand", …)."""

    def __init__(self, spec: ApiSpec) -> None:
        self.spec = spec

    def check_any(self, types: tuple[str, ...], value: Any, path: str) -> None:
        errors: list[_Invalid] = []
        for expr in types:
            try:
                self.check(expr, value, path)
                return
            except _Invalid as exc:
                errors.append(exc)
        raise max(errors, key=lambda e: len(e.path))  # the alternative that matched deepest explains best

    def check(self, expr: str, value: Any, path: str) -> None:
        if expr.startswith("Array of "):
            if not isinstance(value, list):
                raise _Invalid(f"{path} must be an array ({expr}), got {_json_type(value)}", path)
            for i, item in enumerate(value):
                self.check(expr[len("Array of ") :], item, f"{path}[{i}]")
            return
        primitive = _PRIMITIVES.get(expr)
        if primitive is not None:
            if not primitive(value):
                raise _Invalid(f"{path} must be {expr}, got {_json_type(value)}", path)
            return
        spec = self.spec.types.get(expr)
        if spec is None:
            raise _Invalid(f"{path}: unknown type {expr}", path)
        if spec.subtypes and not spec.fields:
            self.check_any(spec.subtypes, value, path)
            return
        if not isinstance(value, dict):
            raise _Invalid(f"{path} must be a {expr} object, got {_json_type(value)}", path)
        for key in value:
            if key not in spec.fields:
                raise _Invalid(f'unknown field "{key}" in {expr} at {path}', f"{path}.{key}")
        for name, f in spec.fields.items():
            if name in value:
                self.check_any(f.types, value[name], f"{path}.{name}")
            elif f.required:
                raise _Invalid(f'missing required field "{name}" in {expr} at {path}', f"{path}.{name}")


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


_PRIMITIVES: dict[str, Callable[[Any], bool]] = {
    "Integer": _is_int,
    "Float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "Boolean": lambda v: isinstance(v, bool),
    "True": lambda v: v is True,
    "String": lambda v: isinstance(v, str),
    "InputFile": lambda v: isinstance(v, str),  # inside JSON: an attach://name reference
}


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null" if value is None else type(value).__name__
