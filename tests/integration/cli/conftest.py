"""The demo, played once per session for the tests that read it (test_demo.py, test_backtest.py)."""

from __future__ import annotations

import pytest

from tests.support.demo import Demo, play_demo


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """One run of the demo for every test that reads it (it takes a while); tests only read its database or work
    on a copy."""
    return play_demo(tmp_path_factory.mktemp("demo") / "out")
