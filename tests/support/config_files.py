"""The example settings file and small helpers for the tests that edit it, load it and read its mistakes."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest

from bot.config import ConfigError, load_config
from tests.support.paths import ROOT

EXAMPLE = ROOT / "config.example.toml"
EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")


def edited(old: str, new: str, text: str = EXAMPLE_TEXT) -> str:
    """The example file with one exact piece of text replaced (the piece must be there exactly once)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in config.example.toml"
    return text.replace(old, new)


def write(tmp_path: Path, text: str, name: str = "est-bot.toml") -> Path:
    """The text as a settings file in ``tmp_path``, with the example's area outlines beside it (areas/)."""
    if not (tmp_path / "areas").exists():
        shutil.copytree(ROOT / "areas", tmp_path / "areas")
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def load_error(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    return str(info.value)


def example_data() -> dict[str, Any]:
    return tomllib.loads(EXAMPLE_TEXT)
