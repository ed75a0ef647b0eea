"""Reading the settings: a TOML file (UTF-8), validated; the database URL may come from the environment."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.config.base import ConfigError
from bot.config.errors import format_validation_error
from bot.config.group import CONFIG_DIR
from bot.config.model import Config


def parse_config(data: dict[str, Any], source: str = "config", base_dir: Path | None = None) -> Config:
    """The settings in ``data``; files they name (areas' outlines) count from ``base_dir`` (default: the current
    folder)."""
    try:
        return Config.model_validate(data, context={CONFIG_DIR: base_dir or Path.cwd()})
    except ValidationError as err:
        raise ConfigError(format_validation_error(source, data, err)) from None


def load_config(path: str | Path, env: dict[str, str] | None = None) -> Config:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        where = "" if p.is_absolute() else f" in {p.absolute().parent}"
        raise ConfigError(
            f"{p}: file not found{where}; copy config.example.toml there to start, or name the settings file with "
            "--config FILE or EST_CONFIG"
        ) from None
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark (Windows editors) is harmless
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{p}: not UTF-8 text (byte {raw[exc.start]:#04x} on line {line}); save the file with UTF-8 encoding"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: not valid TOML: {' '.join(str(exc).splitlines())}") from None
    cfg = parse_config(data, str(p), p.parent)
    url = (env if env is not None else os.environ).get("EST_DATABASE_URL")
    if url:
        cfg = cfg.model_copy(update={"database": cfg.database.model_copy(update={"url": url})})
    return cfg
