"""kill -9 of a real `est-bot run` during the Tuesday fan-out, in the middle of a reporter's answer and during
the Friday broadcast; a new process over the same SQLite file finishes the work.

The stand-in Telegram API is slowed down so that the kill lands while messages are going out. The only repeat
allowed is the documented at-least-once window (bot/outbox.py): a message in flight at the kill, i.e. an outbox
row the killed process had claimed and not yet recorded. Those are read from the database right after the kill.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from standins.telegram_api import FakeTelegramAPI
from tests.support.realproc import (
    BROADCAST,
    COORDINATOR,
    STOCKHOLM,
    BotProcess,
    Week,
    in_flight,
    pending,
    processes,
    query,
    record,
    reporter_id,
    texts_starting,
    wait_until,
    write_config,
)

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:.*retry_after.*")]


def greeted(fake: FakeTelegramAPI, n: int) -> int:
    return sum(1 for i in range(n) if texts_starting(fake, reporter_id(i), "Hej "))


def test_kill_during_the_tuesday_fan_out(tmp_path: Path) -> None:
    n = 30
    db = f"sqlite:///{tmp_path / 'est.sqlite'}"
    week = Week(datetime(2026, 11, 17, 7, 59, 58, tzinfo=STOCKHOLM))
    with FakeTelegramAPI() as fake, processes() as procs:
        fake.delay_next("sendMessage", 0.1, times=10_000)
        cfg = write_config(tmp_path / "est.toml", fake, db, n)
        first = BotProcess(cfg, fake, week.at(), "first")
        procs.append(first)
        wait_until(lambda: greeted(fake, n) >= 8, what="the fan-out to start")
        first.kill9()
        at_kill = greeted(fake, n)
        window = in_flight(db)
        assert at_kill < n, "the kill came after the fan-out"
        second = BotProcess(cfg, fake, week.at(), "second")
        procs.append(second)
        wait_until(lambda: greeted(fake, n) == n and pending(db) == 0, what="every reporter greeted")
        second.stop()
        per_chat = {i: texts_starting(fake, reporter_id(i), "Hej ") for i in range(n)}
        repeated = {str(reporter_id(i)) for i, c in per_chat.items() if c > 1}
        assert all(c in (1, 2) for c in per_chat.values()), per_chat
        assert repeated <= window, (repeated, window)  # a repeat only where a message was in flight at the kill
        assert len(window) <= 2
        record("fan-out kill", sent_at_kill=at_kill, of=n, in_flight=len(window), repeated=len(repeated))
    assert query(db, "SELECT COUNT(*), COUNT(DISTINCT person_id) FROM responses") == [(n, n)]
    assert query(db, "SELECT week, phase FROM rounds") == [(47, "open")]
    assert query(db, "SELECT COUNT(*) FROM audit WHERE action = 'phase:open'") == [(1,)]


def current(fake: FakeTelegramAPI, chat: int) -> dict[str, object]:
    sent = fake.sent_to(chat)
    assert sent, f"nothing sent to {chat}"
    msg = fake.message(chat, sent[-1]["message_id"])
    assert msg is not None
    return msg


def buttons(msg: dict[str, object]) -> list[tuple[str, str]]:
    markup = msg.get("reply_markup") or {}
    assert isinstance(markup, dict)
    return [(b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row]


def test_kill_in_the_middle_of_a_reporters_answers(tmp_path: Path) -> None:
    """Three kills while one reporter answers twelve questions with buttons and a typed note: after each
    restart the questionnaire goes on where it was; the stored answers are exactly the ones given."""
    db = f"sqlite:///{tmp_path / 'est.sqlite'}"
    anna = reporter_id(0)
    week = Week(datetime(2026, 11, 17, 9, 0, 0, tzinfo=STOCKHOLM))
    levels = {0: 0, 1: 1, 2: 2, 3: 0, 4: 3, 5: 0, 6: 0, 7: 1, 8: 0, 9: 0, 10: 2, 11: 0}
    notes = {2: "Klotter vid busshållplatsen", 4: "Brand i papperskorg kl 22", 10: "Bråk utanför kiosken"}
    kills = {3: "before the update is fetched", 7: "while the answer's edit is on its way", 10: "after the note"}
    with FakeTelegramAPI() as fake, processes() as procs:
        cfg = write_config(tmp_path / "est.toml", fake, db, 1)
        procs.append(BotProcess(cfg, fake, week.at(), "p0"))
        wait_until(lambda: bool(fake.sent_to(anna)), what="the greeting")

        def press(data_suffix: str) -> None:
            msg = current(fake, anna)
            data = next(d for _, d in buttons(msg) if d.endswith(data_suffix))
            message_id = msg["message_id"]
            assert isinstance(message_id, int)
            fake.push_update(fake.callback_update(anna, anna, message_id, data))

        def shows(words: str) -> bool:
            return words in str(current(fake, anna).get("text", ""))

        def restart_after(kill: str) -> None:
            procs[-1].kill9()
            procs.append(BotProcess(cfg, fake, week.at(), f"p{len(procs)}"))

        def handled() -> int:
            return len(query(db, "SELECT 1 FROM processed_events"))

        def handled_more_than(before: int) -> Callable[[], bool]:
            return lambda: handled() > before

        def showing(words: str) -> Callable[[], bool]:
            return lambda: shows(words)

        press(":g:start")
        wait_until(lambda: shows("Fråga 1 av 12"), what="question 1")
        for item in range(12):
            kill = kills.get(item)
            if kill == "while the answer's edit is on its way":
                fake.delay_next("editMessageText", 2.0)
            before = handled()
            press(f":l:{item}:{levels[item]}")
            if kill == "while the answer's edit is on its way":
                wait_until(handled_more_than(before), what="the answer handled")
            if kill in ("before the update is fetched", "while the answer's edit is on its way"):
                restart_after(kill)
            if levels[item] >= 2:
                wait_until(lambda: shows("Var?"), what="the place question")
                press(f":p:{item}:0")  # Stortorget
                wait_until(lambda: shows("Vad hände"), what="the note question")
                fake.push_update(fake.message_update(anna, anna, notes[item]))
                if kill == "after the note":
                    restart_after(kill)
            nxt = f"Fråga {item + 2} av 12" if item < 11 else "Något mer"
            wait_until(showing(nxt), what=nxt)
        press(":m:skip")
        wait_until(lambda: any(d.endswith(":s:send") for _, d in buttons(current(fake, anna))), what="the summary")
        press(":s:send")
        wait_until(lambda: shows("Tack!"), what="the thanks")
        procs[-1].stop()
    rows = query(
        db,
        "SELECT a.factor, a.level, a.note FROM answers a JOIN responses r ON r.id = a.response_id ORDER BY a.id",
    )
    assert len(rows) == 12
    assert [r[1] for r in rows] == [levels[i] for i in range(12)]
    assert {r[2] for r in rows if r[2]} == set(notes.values())
    assert query(db, "SELECT status, version > 0 FROM responses") == [("submitted", 1)]
    record("mid-answer kills", kills=len(kills), answers=len(rows), notes=len([r for r in rows if r[2]]))


def open_the_week_without_platforms(cfg: Path, at: datetime) -> None:
    """The week's round begins (every reporter is asked, through no platform): the bot ran on Tuesday."""
    from bot.bootstrap import build
    from bot.clock import ManualClock
    from bot.config import load_config

    app = build(load_config(cfg), clock=ManualClock(at.astimezone(UTC)), platforms=())
    try:
        assert app.services.tick() == ["tbg 2026-W47 open"]
    finally:
        app.close()


def test_kill_during_the_friday_broadcast(tmp_path: Path) -> None:
    """The week began on Tuesday; the process starts on Friday after the publication time: it catches the week
    up and publishes the report to the broadcast chat and every reporter; it is killed half-way and a new one
    finishes. (A week that never had a round is left out instead: tests/integration/usecases/test_cycle*.py.)"""
    n = 24
    db = f"sqlite:///{tmp_path / 'est.sqlite'}"
    week = Week(datetime(2026, 11, 20, 7, 30, 5, tzinfo=STOCKHOLM))
    receivers = [BROADCAST, COORDINATOR, *(reporter_id(i) for i in range(n))]

    def reported() -> int:
        return sum(1 for c in receivers if texts_starting(fake, c, "Veckorapport"))

    with FakeTelegramAPI() as fake, processes() as procs:
        fake.delay_next("sendMessage", 0.1, times=10_000)
        cfg = write_config(tmp_path / "est.toml", fake, db, n, broadcast=True)
        open_the_week_without_platforms(cfg, datetime(2026, 11, 17, 8, 0, tzinfo=STOCKHOLM))
        first = BotProcess(cfg, fake, week.at(), "first")
        procs.append(first)
        wait_until(lambda: reported() >= 6, what="the broadcast to start")
        first.kill9()
        window = in_flight(db)
        assert reported() < len(receivers), "the kill came after the broadcast"
        second = BotProcess(cfg, fake, week.at(), "second")
        procs.append(second)
        wait_until(lambda: reported() == len(receivers) and pending(db) == 0, what="the whole broadcast")
        second.stop()
        per_chat = Counter({c: texts_starting(fake, c, "Veckorapport") for c in receivers})
        repeated = {str(c) for c, k in per_chat.items() if k > 1}
        assert all(k in (1, 2) for k in per_chat.values()), per_chat
        assert repeated <= window, (repeated, window)
        assert len(window) <= 2
        record("broadcast kill", of=len(receivers), in_flight=len(window), repeated=len(repeated))
    assert query(db, "SELECT phase FROM rounds") == [("published",)]
    assert query(db, "SELECT COUNT(*) FROM audit WHERE action = 'phase:published'") == [(1,)]
