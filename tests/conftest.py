"""Shared fixtures: a real database (SQLite file, and PostgreSQL when EST_TEST_PG_URL is set), a moved clock,
a small group, and a `Bot` that speaks as any person and returns what the bot answered."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from bot.bootstrap import App, build
from bot.clock import ManualClock
from bot.config import Config, parse_config
from bot.conversation.messages import Inbound, Outbound
from bot.domain.model import OutboxItem

PG_URL = os.environ.get("EST_TEST_PG_URL")


def group_dict(**over: Any) -> dict[str, Any]:
    g: dict[str, Any] = {
        "id": "tbg",
        "name": "Tryggare Trelleborg",
        "timezone": "Europe/Stockholm",
        "areas": [
            {"code": "centrum", "name": "Centrum", "places": ["Stortorget", "Resecentrum"]},
            {"code": "norr", "name": "Norr", "places": ["Norrskolan"]},
        ],
        "reporters": [
            {"name": "Anna Andersson", "organisation": "Trygghetsvärdar", "areas": ["centrum"], "console": "anna"},
            {"name": "Bo Berg", "organisation": "Bostadsbolaget", "areas": ["centrum", "norr"], "console": "bo"},
            {"name": "Cecilia Ek", "organisation": "Skolan", "areas": ["norr"], "console": "cecilia", "language": "en"},
            {"name": "Sara Samordnare", "organisation": "Säkerhetsenheten", "role": "coordinator", "console": "sara"},
            {"name": "Kim Polis", "organisation": "Polisen", "role": "participant", "console": "kim"},
        ],
        "channels": {"meeting": {"console": "möte"}, "broadcast": {"console": "rapport"}},
    }
    g.update(over)
    return g


def make_config(url: str, **over: Any) -> Config:
    import tempfile

    reports = tempfile.mkdtemp(prefix="est-reports-")
    return parse_config({"reports_dir": reports, "database": {"url": url}, "groups": [group_dict(**over)]}, "test")


class RecordingSender:
    platform = "console"

    def __init__(self) -> None:
        self.sent: list[tuple[OutboxItem, Outbound, str | None]] = []

    def send(self, item: OutboxItem, out: Outbound, message_id: str | None) -> str | None:
        self.sent.append((item, out, message_id))
        return message_id or f"m{len(self.sent)}"

    def to(self, address: str) -> list[Outbound]:
        return [o for i, o, _ in self.sent if i.address == address]


def _backends() -> list[str]:
    return ["sqlite", "postgres"] if PG_URL else ["sqlite"]


@pytest.fixture(params=_backends())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'est.sqlite'}"
        return
    assert PG_URL is not None
    name = "est_test_" + uuid.uuid4().hex[:10]
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    base, _, _ = PG_URL.rpartition("/")
    yield f"{base}/{name}"
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


# Tuesday 2026-11-17 08:00 Stockholm (07:00 UTC) opens week 47.
TUE_OPEN = datetime(2026, 11, 17, 7, 0, tzinfo=UTC)


@dataclass
class Bot:
    app: App
    clock: ManualClock
    sender: RecordingSender
    url: str
    seen: dict[str, int] = field(default_factory=dict)

    def say(self, who: str, kind: str = "text", **kw: Any) -> list[Outbound]:
        self.app.services.handle(Inbound("console", who, kind, **kw))  # type: ignore[arg-type]
        return self.flush(who)

    def text(self, who: str, text: str) -> list[Outbound]:
        return self.say(who, "text", text=text)

    def cmd(self, who: str, line: str) -> list[Outbound]:
        words = line.split()
        return self.say(who, "command", command=words[0], args=tuple(words[1:]))

    def press(self, who: str, label_or_suffix: str) -> list[Outbound]:
        q = self.last_question(who)
        for c in q.all_choices():
            if c.id.endswith(label_or_suffix) or label_or_suffix.casefold() in c.label.casefold():
                return self.say(who, "choice", choice=c.id)
        raise AssertionError(f"{label_or_suffix!r} not among {[c.label for c in q.all_choices()]}")

    def answer_levels(self, who: str, levels: dict[int, int], place: str = "Stortorget", note: str = "Kl 22") -> str:
        """Answer the level questions from where the reporter is (item -> level, others 0); at or above the
        threshold pick or type `place` and write `note`. Returns the step it stopped at (more/summary)."""
        while True:
            q = self.last_question(who)
            step = str(q.data["step"])
            if step == "level":
                self.press(who, f":l:{q.data['item']}:{levels.get(q.data['item'], 0)}")
            elif step == "where":
                if place in q.data["places"]:
                    self.press(who, place)
                else:
                    self.text(who, place)
            elif step == "what":
                self.text(who, note)
            else:
                return step

    def flush(self, who: str | None = None) -> list[Outbound]:
        self.app.dispatcher.drain("console", limit=100_000, batch=500)
        if who is None:
            return []
        msgs = self.sender.to(who)
        start = self.seen.get(who, 0)
        self.seen[who] = len(msgs)
        return msgs[start:]

    def last_question(self, who: str) -> Outbound:
        qs = [o for o in self.sender.to(who) if o.kind == "question"]
        assert qs, f"no question for {who}"
        return qs[-1]

    def tick(self) -> list[str]:
        done = self.app.services.tick()
        self.flush()
        return done

    def restart(self) -> Bot:
        """A new process over the same database: new engine, services, dispatcher; same clock."""
        self.app.close()
        sender = RecordingSender()
        app = build(self.app.config, clock=self.clock, senders={"console": sender})
        return Bot(app, self.clock, sender, self.url)


@pytest.fixture
def bot(db_url: str) -> Iterator[Bot]:
    clock = ManualClock(TUE_OPEN)
    sender = RecordingSender()
    app = build(make_config(db_url), clock=clock, senders={"console": sender})
    b = Bot(app, clock, sender, db_url)
    yield b
    b.app.close()
