"""Fixtures of the fast core tests: the test group's bot over in-memory storage (tests/unit/fakes), no database."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.fakes.bot import FakeBot, fake_config


@pytest.fixture
def fake_bot(tmp_path: Path) -> FakeBot:
    return FakeBot.build(fake_config(tmp_path / "reports"))
