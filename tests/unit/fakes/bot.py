"""`FakeBot`: the test group's bot over the fake storage, with no database: the same `Services` front and outbox
`Dispatcher` as `bot.bootstrap.build` wires, a console sender that records what was sent, and a hand-moved clock.
It speaks as any person and returns what the bot answered, like `tests.conftest.Bot`. `TranscriptBot` is the
same over any unit of work (the contract test runs it over SQLite too)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.config import Config, parse_config
from standins.config import group_dict
from tests.support.transcript import TranscriptBot
from tests.unit.fakes.uow import FakeStorage, FakeUnitOfWork


def fake_config(reports_dir: Path, **over: Any) -> Config:
    """The test group of tests/conftest.py, with a database URL nothing ever opens."""
    return parse_config(
        {"reports_dir": str(reports_dir), "database": {"url": "sqlite://"}, "groups": [group_dict(**over)]}, "test"
    )


@dataclass
class FakeBot(TranscriptBot):
    """The test group's bot over in-memory storage; `unit()` opens a fake unit of work to look inside."""

    storage: FakeStorage = field(default_factory=FakeStorage)

    @classmethod
    def build(cls, config: Config) -> FakeBot:
        storage = FakeStorage()
        base = TranscriptBot.over(config, storage.unit)
        return cls(base.services, base.dispatcher, base.clock, base.sender, storage=storage)

    def unit(self) -> FakeUnitOfWork:
        return self.storage.unit()
