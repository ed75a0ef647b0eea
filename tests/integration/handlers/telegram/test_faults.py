"""Telegram-side faults through the real PTB client and the stand-in Bot API: 429 storms, 5xx, timeouts, dropped
connections, a chat that never accepts, and optional calls the server lacks."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application

from bot.bootstrap import App, build
from bot.clock import ManualClock
from bot.conversation.messages import Outbound
from bot.outbox import drainer
from bot.ratelimit import RateLimiter
from handlers.telegram.edge import TelegramSender
from handlers.telegram.listeners import TelegramListeners, register
from handlers.telegram.runner import set_menu
from standins.telegram_api import FakeClock, FakeTelegramAPI
from tests.conftest import TUE_OPEN, group_dict, make_config

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*")
ANNA, BO, CECILIA, SARA = 42, 45, 46, 43
REPORTERS = (ANNA, BO, CECILIA)


class Rig:
    def __init__(
        self,
        fake: FakeTelegramAPI,
        app: App,
        tg: Application[Any, Any, Any, Any, Any, Any],
        listeners: TelegramListeners,
    ) -> None:
        self.fake, self.app, self.tg, self.listeners = fake, app, tg, listeners
        clock = app.services.clock
        assert isinstance(clock, ManualClock)
        self.clock = clock

    async def drain(self) -> int:
        return await asyncio.to_thread(self.app.dispatcher.drain, "telegram", 1000)

    async def drain_until(self, done: Callable[[], bool], step: timedelta, rounds: int = 40) -> int:
        """Drain, move the clock by `step`, again, until `done()`; returns the rounds it took."""
        for n in range(rounds):
            await self.drain()
            if done():
                return n
            self.clock.advance(step)
        raise AssertionError("never done")

    def greetings(self, chat: int) -> int:
        return sum(1 for t in self.fake.texts_to(chat) if t.startswith(("Hej ", "Hi ")))

    def counts(self) -> dict[str, int]:
        with self.app.services.unit() as uow:
            return uow.outbox.counts()


def run(tmp_path: Path, body: Callable[[Rig], Awaitable[None]], read_timeout: float | None = None) -> None:
    g = group_dict()
    ids = {"Anna Andersson": ANNA, "Bo Berg": BO, "Cecilia Ek": CECILIA, "Sara Samordnare": SARA}
    for r in g["reporters"]:
        if r["name"] in ids:
            r["telegram"] = ids[r["name"]]
    cfg = make_config(f"sqlite:///{tmp_path / 'tg.sqlite'}", reporters=g["reporters"], channels={})
    with FakeTelegramAPI() as fake:

        async def main() -> None:
            builder = Application.builder().token(fake.token).base_url(fake.base_url)
            if read_timeout is not None:
                builder = builder.read_timeout(read_timeout)
            tg = builder.build()
            await tg.initialize()
            paced = FakeClock()
            sender = TelegramSender(tg, asyncio.get_running_loop(), limiter=RateLimiter(paced, paced.advance, math.inf))
            app = build(cfg, clock=ManualClock(TUE_OPEN), senders={"telegram": sender})
            # No periodic drain: the tests drain themselves, or settle after an update (handled, replies sent).
            listeners = TelegramListeners(app.core, drainer(app.dispatcher, "telegram"), drain_every=None)
            register(tg, listeners)
            try:
                await asyncio.to_thread(app.services.tick)  # Tuesday 08:00: three greetings queued
                await body(Rig(fake, app, tg, listeners))
            finally:
                await asyncio.to_thread(listeners.close)
                app.close()
                await tg.shutdown()

        asyncio.run(main())


def test_a_429_storm_holds_sending_and_repeats_nothing(tmp_path: Path) -> None:
    async def body(r: Rig) -> None:
        r.fake.fail_next("sendMessage", 429, retry_after=2, times=7)
        rounds = await r.drain_until(lambda: all(r.greetings(c) for c in REPORTERS), timedelta(seconds=2))
        assert rounds >= 7  # every 429 held the platform until its retry_after
        assert [r.greetings(c) for c in REPORTERS] == [1, 1, 1]
        assert r.counts() == {"sent": 3}  # nothing parked: a rate limit is not a failure

    run(tmp_path, body)


def test_5xx_and_dropped_connections_are_retried_with_backoff(tmp_path: Path) -> None:
    async def body(r: Rig) -> None:
        r.fake.fail_next("sendMessage", 500, times=2)
        r.fake.fail_next("sendMessage", 502)
        r.fake.drop_next("sendMessage", times=2)  # the connection closes before Telegram did anything
        assert await r.drain() == 0  # five failures in a row: each row failed once and waits for its backoff
        await r.drain_until(lambda: all(r.greetings(c) for c in REPORTERS), timedelta(seconds=70))
        assert [r.greetings(c) for c in REPORTERS] == [1, 1, 1]  # nothing repeated
        assert r.counts() == {"sent": 3}
        faults = [c for c in r.fake.calls_to("sendMessage") if c.injected]
        assert len(faults) == 5

    run(tmp_path, body)


def test_a_lost_answer_or_timeout_repeats_at_most_that_one_message(tmp_path: Path) -> None:
    """The documented at-least-once window: Telegram did the work but the answer never came (a connection
    dropped after processing, a timeout). The row is retried, so that one message may show twice."""

    async def body(r: Rig) -> None:
        r.fake.drop_next("sendMessage", after_processing=True)
        r.fake.delay_next("sendMessage", 2.0)
        await r.drain_until(lambda: all(r.greetings(c) for c in REPORTERS), timedelta(seconds=70))
        r.fake.wait_for_calls("sendMessage", 5)  # the delayed call lands after the client gave up on it
        counts = [r.greetings(c) for c in REPORTERS]
        assert sorted(counts) == [1, 2, 2], counts
        assert r.counts() == {"sent": 3}

    run(tmp_path, body, read_timeout=0.5)


def test_a_chat_that_never_accepts_is_parked_and_named_in_status(tmp_path: Path) -> None:
    async def body(r: Rig) -> None:
        r.fake.block_chat(BO)  # 403: the bot was blocked; no retry can help
        await r.drain()
        assert r.counts() == {"parked": 1, "sent": 2}
        update = r.fake.push_update(r.fake.command_update(SARA, SARA, "status"))
        await r.tg.process_update(Update.de_json(update, r.tg.bot))
        assert await r.listeners.settle()
        text = r.fake.texts_to(SARA)[-1]
        assert "1 meddelande kunde inte levereras" in text
        assert "till Bo Berg: Forbidden: bot was blocked by the user" in text

    run(tmp_path, body)


def test_a_day_without_telegram_parks_nothing_and_everything_goes_once_it_answers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram answers 500 to everything for a day (its outage, or the network's): the messages wait without
    counting attempts, drains every five minutes try one row and hold, and once Telegram answers each greeting
    goes once. The log says so twice: when it began and when it ended."""

    async def body(r: Rig) -> None:
        r.fake.fail_next("sendMessage", 500, times=100_000)
        start = r.clock.now()
        while r.clock.now() - start < timedelta(hours=24):
            assert await r.drain() == 0
            r.clock.advance(timedelta(minutes=5))
        assert r.counts() == {"pending": 3}  # nothing parked after a day
        with r.app.services.unit() as uow:
            assert uow.outbox.parked_count() == 0
        tries = len(r.fake.calls_to("sendMessage"))
        assert 3 <= tries <= 3 + 3 * 24 * 12  # held between drains: at most one try per drain and row
        r.fake.clear_faults()
        await r.drain_until(lambda: all(r.greetings(c) for c in REPORTERS), timedelta(minutes=5))
        assert [r.greetings(c) for c in REPORTERS] == [1, 1, 1]
        assert r.counts() == {"sent": 3}

    with caplog.at_level(logging.INFO, logger="bot.outbox"):
        run(tmp_path, body)
    said = [rec.getMessage() for rec in caplog.records if rec.name == "bot.outbox" and rec.levelno >= logging.INFO]
    assert len([m for m in said if "cannot be reached" in m]) == 1, said
    assert len([m for m in said if "answers again after 24 h" in m]) == 1, said
    assert not [m for m in said if "parked" in m]


def test_a_message_that_keeps_failing_while_others_go_is_parked_after_its_attempts(tmp_path: Path) -> None:
    """A 500 for one chat only, while Telegram delivers the others (Sara asks for `status` between the drains):
    that message's own failure, counted each time and in the end parked, never dropped. Alone in the queue it
    cannot be told from an outage, so it is counted only when something else went through."""

    async def body(r: Rig) -> None:
        r.fake.block_chat(BO, "Internal Server Error", status=500)
        for _ in range(r.app.dispatcher.park_after + 2):
            update = r.fake.push_update(r.fake.command_update(SARA, SARA, "status"))
            await r.tg.process_update(Update.de_json(update, r.tg.bot))
            assert await r.listeners.settle()
            await r.drain()
            r.clock.advance(timedelta(minutes=11))
        assert r.counts()["parked"] == 1
        assert [r.greetings(c) for c in (ANNA, BO, CECILIA)] == [1, 0, 1]
        to_bo = [c for c in r.fake.calls_to("sendMessage") if c.params.get("chat_id") == BO]
        assert len(to_bo) == r.app.dispatcher.park_after

    run(tmp_path, body)


def test_optional_calls_the_server_lacks_degrade_and_the_bot_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async def body(r: Rig) -> None:
        r.fake.fail_next("setMyCommands", 404, description="Not Found", times=10)
        with caplog.at_level(logging.WARNING):
            await set_menu(r.tg, [SARA])  # no menu, no exception
        assert "works without the menu" in caplog.text
        assert r.fake.commands() == []
        await r.drain()
        r.fake.fail_next("sendPhoto", 400, description="Bad Request: PHOTO_INVALID_DIMENSIONS")
        with r.app.services.unit() as uow:  # a message with a picture: the photo fails, the text arrives
            group = r.app.config.groups[0]
            rnd = uow.rounds.recent_rounds(group.id, 1)[0]
            pic = r.app.services.picture(uow, group, rnd)
            out = Outbound("Lägesbild", attachments=r.app.services.heatmap(group, rnd, pic))
            anna = uow.people.person_by_name(group.id, "Anna Andersson")
            assert out.attachments and anna is not None
            r.app.services.send_to_person(uow, anna.id, out, "pic-test")
            uow.commit()
        await r.drain()
        assert r.fake.texts_to(ANNA)[-1] == "Lägesbild"
        assert r.counts() == {"sent": 4}
        assert [c.status for c in r.fake.calls_to("sendPhoto")] == [400]

    run(tmp_path, body)


def test_hostile_input_through_the_telegram_edge_shows_as_plain_text(tmp_path: Path) -> None:
    """The bad-input corpus typed in Telegram: every answer is accepted by the Bot API (no "can't parse
    entities", no "message is too long") and carries no entity, so nothing shows as bold, link or mention."""
    from tests.integration.usecases.test_bad_input import PAYLOADS

    async def body(r: Rig) -> None:
        await r.drain()
        for payload in PAYLOADS.values():
            for user, line in (
                (ANNA, payload),
                (ANNA, f"/pause {payload}"),
                (SARA, f"/observe centrum: {payload}"),
                (SARA, f"/reporter add {payload} | Org | centrum"),
                (SARA, f"/review edit 2: {payload}"),
            ):
                update = r.fake.push_update(r.fake.message_update(user, user, line))
                await r.tg.process_update(Update.de_json(update, r.tg.bot))
        assert await r.listeners.settle()
        await r.drain()
        sent = r.fake.sent_to(ANNA) + r.fake.sent_to(SARA)
        assert len(sent) >= 5 * len(PAYLOADS)
        assert all(not m.get("entities") for m in sent), [m for m in sent if m.get("entities")][:1]
        assert r.counts().get("parked", 0) == 0
        r.fake.assert_no_errors()

    run(tmp_path, body)
