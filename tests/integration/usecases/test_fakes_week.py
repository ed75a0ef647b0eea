"""The fakes cannot drift from storage: a week of transcripts through the `Services` front (questionnaires, a
batch of presses, status, review, the reminder, the draft and its picture, a vote, finalising, forget, Friday's
report) gives the same messages, word for word, over `FakeUnitOfWork` as over the real `SqlUnitOfWork` on SQLite.
The repositories' contract, scenario by scenario, is tests/integration/storage/test_fakes_contract.py."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from bot.config import Config
from bot.conversation.messages import Inbound
from bot.ports import UnitOfWork
from standins.config import TUE_OPEN
from storage.db import make_session_factory, open_engine
from storage.migrate import migrate
from storage.uow import SqlUnitOfWork
from tests.unit.fakes import FakeStorage
from tests.unit.fakes.bot import TranscriptBot, fake_config

Units = Callable[[], UnitOfWork]


def week(config: Config, units: Units) -> list[tuple[str, str, str, str | None]]:
    """A week of transcripts; every message delivered: (address, kind, text, ref)."""
    bot = TranscriptBot.over(config, units)
    bot.tick()
    for who, levels in (("anna", {5: 3, 6: 2}), ("bo", {5: 2})):
        bot.cmd(who, "rapport")
        bot.press(who, ":g:start")
        if bot.answer_levels(who, levels, "Ny plats", "Ungdomar samlas kvällstid") == "more":
            bot.press(who, ":m:skip")
        bot.press(who, ":s:send")
    bot.flush()
    nothing = bot.last_question("cecilia").all_choices()[1].id
    bot.services.handle_many(  # a batch of presses (storage's write-behind), one delivered twice
        [
            Inbound("console", "cecilia", "choice", choice=nothing, event_id="c1"),
            Inbound("console", "cecilia", "text", text="hej", event_id="c2"),
            Inbound("console", "cecilia", "text", text="hej", event_id="c2"),
        ]
    )
    bot.cmd("sara", "status")
    bot.cmd("sara", "granska")
    bot.clock.set(TUE_OPEN + timedelta(days=1, hours=5))
    bot.tick()  # the reminder, to Cecilia alone (her summary is not sent)
    bot.clock.set(TUE_OPEN + timedelta(days=2, minutes=5))
    bot.tick()  # closed and drafted
    candidate = next(o for o in bot.sender.to("möte") if o.kind == "candidate")
    bot.say("kim", "choice", choice=f"c{candidate.data['candidate_id']}:v")
    bot.cmd("sara", "fastställ")
    bot.cmd("sara", "glöm Bo Berg")
    bot.clock.set(TUE_OPEN + timedelta(days=2, hours=23, minutes=30))
    bot.tick()  # Friday: published
    bot.cmd("sara", "report 2026-W47")
    bot.flush()
    return [(item.address, out.kind, out.text, out.ref) for item, out, _ in bot.sender.sent]


def test_a_week_through_the_front_says_the_same_over_both(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path / 'est.sqlite'}")
    migrate(engine)
    factory, lock = make_session_factory(engine), threading.RLock()
    try:
        over_sql = week(fake_config(tmp_path / "sql"), lambda: SqlUnitOfWork(factory, lock))
    finally:
        engine.dispose()
    over_fakes = week(fake_config(tmp_path / "fake"), FakeStorage().unit)
    assert len(over_sql) > 20
    assert over_fakes == over_sql
