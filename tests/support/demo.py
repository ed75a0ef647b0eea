"""The demo's run as tests read it: its result, what it printed, and its folder (the database, the settings file
`est-bot.toml` for the demo group on it, the reports). Played once per test session by the `demo` fixture in
tests/integration/cli/conftest.py, for every test that reads it (it takes a while)."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

from bot.demo import DemoResult, run_demo


@dataclass(frozen=True)
class Demo:
    result: DemoResult
    echo: str
    out: Path
    elsewhere: list[Path]  # what the run wrote in the folder it was started in (nothing: all goes to `out`)


def play_demo(out: Path) -> Demo:
    echo = io.StringIO()
    started_in = out.parent / "started-in"
    started_in.mkdir(parents=True)
    with contextlib.chdir(started_in):
        result = run_demo(out.resolve(), echo=echo)
    return Demo(result, echo.getvalue(), out, sorted(started_in.rglob("*")))
