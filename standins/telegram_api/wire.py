"""The HTTP side of the stand-in: requests parsed, checked against the spec, faults applied, calls recorded."""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import math
import re
from collections import deque
from collections.abc import Callable
from typing import Any, Literal
from urllib.parse import SplitResult, unquote

from standins import _http
from standins._http import Reply as _Reply
from standins.telegram_api.model import (
    _TOKEN_RE,
    ApiError,
    Call,
    UploadedFile,
    _bad,
    _check_reply_markup,
    _counts_as_message,
    _Described,
    _json_reply,
    _missing,
    _parse_multipart,
    _Request,
    _too_many,
)
from standins.telegram_api.spec import FieldSpec, MethodSpec, _Invalid
from standins.telegram_api.updates import UpdateQueue


class BotApiServer(UpdateQueue):
    """Routes `/bot<token>/<method>` and `/file/bot<token>/<path>`; decodes, validates, dispatches, records."""

    @functools.cached_property
    def _impl(self) -> dict[str, Callable[[dict[str, Any]], Any]]:
        return {
            "getme": self._get_me,
            "sendmessage": self._send_message,
            "sendphoto": self._send_photo,
            "senddocument": self._send_document,
            "sendchataction": self._send_chat_action,
            "editmessagetext": self._edit_message_text,
            "editmessagecaption": self._edit_message_caption,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "getupdates": self._get_updates,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "getfile": self._get_file,
            "getchat": self._get_chat,
            "getchatmember": self._get_chat_member,
        }

    # ------------------------------------------------------------------ HTTP entry

    def _route(self, handler: _http.FakeRequestHandler, url: SplitResult, body: bytes) -> _Reply | None:
        self._local.connection = handler.connection
        if url.path.startswith("/file/bot"):
            return self._download(url.path[len("/file/bot") :])
        m = re.fullmatch(r"/bot([^/]*)/([^/]*)", url.path)
        if m is None:
            return _json_reply(404, ApiError(404, "Not Found").payload())
        return self._api(handler, unquote(m.group(1)), m.group(2), url.query, body)

    def _send(self, handler: _http.FakeRequestHandler, reply: _Reply) -> None:
        with contextlib.suppress(OSError):  # the client gave up (a cancelled long poll)
            super()._send(handler, reply)

    def _download(self, rest: str) -> _Reply:
        token, _, file_path = unquote(rest).partition("/")  # PTB percent-encodes the path, the token's ":" too
        with self._lock:
            stored = self._file_paths.get(file_path) if token == self.token else None
            if stored is None:
                return _json_reply(404, ApiError(404, "Not Found").payload())
            return _Reply(200, stored.data, "application/octet-stream")

    def _api(self, handler: _http.FakeRequestHandler, token: str, name: str, query: str, body: bytes) -> _Reply | None:
        http_method = handler.command
        spec = self.spec.method(name)
        method_name = spec.name if spec else name
        error: ApiError | None = None
        try:
            request = self._parse_request(handler, spec, method_name, query, body)
        except ApiError as exc:
            request, error = _Request(spec, method_name, {}), exc
        if token != self.token:
            error = ApiError(401, "Unauthorized") if _TOKEN_RE.fullmatch(token) else ApiError(404, "Not Found")
        elif spec is None:
            error = ApiError(404, "Not Found")
        if error is not None:
            return self._record(request, http_method, error.status, error.payload())

        with self._lock:
            fault = self._faults.take(method_name.lower())
            if fault is not None and fault.kind == "pass":
                fault = None  # a call let through before the faults that follow it
        if fault is not None and fault.kind == "delay":
            self._closed.wait(fault.seconds)
        with self._lock:
            try:
                request.params = self._decode(request)
                decode_error: ApiError | None = None
            except ApiError as exc:
                decode_error = exc
            if fault is not None and fault.kind == "status":
                error = ApiError(fault.status, fault.description, fault.parameters)
                return self._record(request, http_method, error.status, error.payload(), "status")
            if fault is not None and fault.kind == "drop" and not fault.after_processing:
                self._record(request, http_method, 0, None, "drop")
                return None
            injected: Literal["status", "drop", "delay"] | None = None
            if fault is not None and fault.kind != "pass":
                injected = fault.kind
            try:
                if decode_error is not None:
                    raise decode_error
                result = self._perform(method_name, request.params)
            except ApiError as exc:
                if injected == "drop":
                    self._record(request, http_method, 0, None, "drop")
                    return None
                return self._record(request, http_method, exc.status, exc.payload(), injected)
            payload: dict[str, Any] = {"ok": True, "result": result}
            if isinstance(result, _Described):
                payload = {"ok": True, "result": result.result, "description": result.description}
            if injected == "drop":
                self._record(request, http_method, 0, None, "drop")
                return None
            return self._record(request, http_method, 200, payload, injected)

    def _record(
        self,
        request: _Request,
        http_method: str,
        status: int,
        payload: dict[str, Any] | None,
        injected: Literal["status", "drop", "delay"] | None = None,
    ) -> _Reply:
        with self._lock:
            call = Call(
                request.method_name,
                copy.deepcopy(request.params),
                status,
                copy.deepcopy(payload),
                http_method,
                request.body_format,
                injected,
            )
            self._calls.append(call)
            self._cond.notify_all()
        return _json_reply(status, payload or {})

    def _parse_request(
        self, handler: _http.FakeRequestHandler, spec: MethodSpec | None, method_name: str, query: str, body: bytes
    ) -> _Request:
        content_type = handler.headers.get("Content-Type", "")
        try:
            parsed = _http.parse_body(query, content_type, body, multipart=_parse_multipart, strict_form=True)
        except _http.BodyError as exc:
            if exc.problem == "object":
                raise _bad("JSON body must be an object") from None
            if exc.problem == "utf-8":
                raise _bad("request body is not UTF-8") from exc.cause
            raise _bad(f"can't parse JSON body: {exc.cause}") from exc.cause
        return _Request(spec, method_name, parsed.params, parsed.files, parsed.format)

    # ------------------------------------------------------------------ parameters

    def _decode(self, request: _Request) -> dict[str, Any]:
        """Decode form strings by their spec types, check required/unknown fields and nested objects."""
        spec = request.method
        assert spec is not None
        raw, files = request.params, request.files
        from_form = request.body_format != "json"
        attached = {
            m.group(1) for v in raw.values() if isinstance(v, str) for m in re.finditer(r"attach://([\w-]+)", v)
        }
        for name in [*raw, *files]:
            if name not in spec.fields and not (name in files and name in attached):
                raise _bad(f'unknown parameter "{name}" for method {spec.name}')
        params: dict[str, Any] = {}
        for name, f in spec.fields.items():
            if name in files and "InputFile" in f.types:
                params[name] = files[name]
                continue
            value = raw.get(name)
            empty_means_missing = from_form and value == "" and (spec.name, name) != ("setWebhook", "url")
            if value is None or empty_means_missing:
                if f.required:
                    raise _missing(spec.name, name)
                continue
            params[name] = self._decode_value(f, value, from_form, files)
        markup = params.get("reply_markup")
        if isinstance(markup, dict):
            _check_reply_markup(markup)
        return params

    def _decode_value(self, f: FieldSpec, value: Any, from_form: bool, files: dict[str, UploadedFile]) -> Any:
        errors: list[_Invalid] = []
        for expr in sorted(f.types, key=lambda t: t == "String"):  # "Integer or String": an integer when it is one
            try:
                return self._coerce(expr, value, from_form, f.name, files)
            except _Invalid as exc:
                errors.append(exc)
        best = max(errors, key=lambda e: len(e.path))
        raise _bad(f"can't parse {f.name}: {best.message}")

    def _coerce(self, expr: str, value: Any, from_form: bool, name: str, files: dict[str, UploadedFile]) -> Any:
        if isinstance(value, str) and expr != "String":
            text = value.strip()
            if expr == "Integer":
                if re.fullmatch(r"-?\d+", text):
                    return int(text)
                raise _Invalid(f"{name} must be Integer, got {value!r}", name)
            if expr == "Float":
                try:
                    return float(text)
                except ValueError:
                    raise _Invalid(f"{name} must be Float, got {value!r}", name) from None
            if expr in ("Boolean", "True"):
                if text.lower() in ("true", "1") or (expr == "Boolean" and text.lower() in ("false", "0")):
                    return text.lower() in ("true", "1")
                raise _Invalid(f"{name} must be {expr}, got {value!r}", name)
            if expr == "InputFile":
                ref = text.removeprefix("attach://")
                if text.startswith("attach://") and ref in files:
                    return files[ref]
                raise _Invalid(f"{name} must be an uploaded file", name)
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                raise _Invalid(f"{name} is not valid JSON", name) from None
        self._validator.check(expr, value, name)
        return value

    # ------------------------------------------------------------------ dispatch

    def _perform(self, method_name: str, params: dict[str, Any]) -> Any:
        key = method_name.lower()
        blocked = self._blocked_answer(params)
        if blocked is not None:
            raise ApiError(*blocked)
        custom = self._handlers.get(key)
        if custom is not None:
            return custom(copy.deepcopy(params))
        impl = self._impl.get(key)
        if impl is None:
            raise ApiError(501, f"Not Implemented: the fake Telegram API has no {method_name}; use fake.set_handler")
        limited = self.enforce_limits and _counts_as_message(key) and not params.get("allow_paid_broadcast")
        keys = self._limit_keys(params) if limited else []
        now = self.clock()
        if keys:
            retry = self._retry_after(keys, now)
            if retry is not None:
                raise _too_many(retry)
        result = impl(params)
        for k, _limit, _window in keys:
            self._hits.setdefault(k, deque()).append(now)
        return result

    def _blocked_answer(self, params: dict[str, Any]) -> tuple[int, str] | None:
        chat_id = params.get("chat_id")
        return self._blocked.get(chat_id) if isinstance(chat_id, int) else None

    def _limit_keys(self, params: dict[str, Any]) -> list[tuple[object, int, float]]:
        keys: list[tuple[object, int, float]] = [("*", self.limits.overall_per_second, 1.0)]
        chat_id = self._resolve_chat(params.get("chat_id", 0))
        if chat_id > 0:
            keys.append((chat_id, self.limits.private_chat_per_second, 1.0))
        elif chat_id < 0:
            keys.append((chat_id, self.limits.group_chat_per_minute, 60.0))
        return keys

    def _retry_after(self, keys: list[tuple[object, int, float]], now: float) -> int | None:
        wait = 0.0
        for key, limit, window in keys:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - window:
                hits.popleft()
            if len(hits) >= limit:
                wait = max(wait, hits[len(hits) - limit] + window - now)
        return max(1, math.ceil(wait)) if wait > 0 else None
