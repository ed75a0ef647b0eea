"""The outbox: every message is a row first; rate limits, errors and parking."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.conversation.messages import Outbound
from bot.domain.model import OutboxItem
from bot.outbox import LIMITER_WAIT, Dispatcher, PermanentFailure, RetryAfter
from bot.ratelimit import Limiter, RateLimiter, Window
from tests.conftest import Bot
from tests.support.pacing import RecordingLimiter


class FlakySender:
    platform = "console"

    def __init__(self, fail: list[Exception | None]) -> None:
        self.fail = fail
        self.calls: list[str] = []
        self.delivered: list[str] = []

    def send(self, item: OutboxItem, out: Outbound, message_id: str | None) -> str | None:
        self.calls.append(item.key)
        exc = self.fail.pop(0) if self.fail else None
        if exc is not None:
            raise exc
        self.delivered.append(item.key)
        return f"m{len(self.delivered)}"


def enqueue(bot: Bot, n: int) -> None:
    with bot.app.services.unit() as uow:
        for i in range(n):
            uow.outbox.enqueue(f"k{i}", "console", f"a{i}", None, Outbound(f"hej {i}").to_json(), bot.clock.now())
        uow.outbox.enqueue("k0", "console", "a0", None, Outbound("dubblett").to_json(), bot.clock.now())
        uow.commit()


def counts(bot: Bot) -> dict[str, int]:
    with bot.app.services.unit() as uow:
        return uow.outbox.counts()


def test_rate_limit_holds_the_platform_and_parks_nothing(bot: Bot) -> None:
    bot.flush()
    enqueue(bot, 40)
    sender = FlakySender([RetryAfter(5)] * 8)
    bot.app.dispatcher.senders["console"] = sender
    for _ in range(8):  # a 429 storm: each drain gets one call through and stops
        assert bot.app.dispatcher.drain("console") == 0
        bot.clock.advance(timedelta(seconds=5))
    assert len(sender.calls) == 8
    assert bot.app.dispatcher.drain("console") == 40
    assert counts(bot).get("parked", 0) == 0
    assert sorted(sender.delivered) == sorted(f"k{i}" for i in range(40))  # each once, the duplicate key not at all


def test_errors_back_off_then_park_and_status_shows_it(bot: Bot) -> None:
    bot.flush()
    enqueue(bot, 1)
    sender = FlakySender([ConnectionError("reset")] * 20)
    bot.app.dispatcher.senders["console"] = sender
    for _ in range(12):
        bot.app.dispatcher.drain("console")
        bot.clock.advance(timedelta(minutes=11))
    assert len(sender.calls) == bot.app.dispatcher.park_after
    assert counts(bot)["parked"] == 1
    bot.app.dispatcher.senders["console"] = bot.sender
    assert "1 meddelande kunde inte levereras" in "\n".join(o.text for o in bot.cmd("sara", "status"))


def test_permanent_failure_parks_at_once(bot: Bot) -> None:
    bot.flush()
    enqueue(bot, 2)
    sender = FlakySender([PermanentFailure("user blocked the bot")])
    bot.app.dispatcher.senders["console"] = sender
    assert bot.app.dispatcher.drain("console") == 1
    assert counts(bot) == {"parked": 1, "sent": 1}


def test_close_lets_the_drain_in_progress_finish_its_message_and_claims_nothing_more(bot: Bot) -> None:
    """Shutdown: a drain sending in another thread ends with the message in hand; nothing after it is sent
    through a client that is about to close, and it all stays pending for the next start."""
    import threading

    bot.flush()
    enqueue(bot, 5)
    sending, release = threading.Event(), threading.Event()

    class HeldSender(FlakySender):
        def send(self, item: OutboxItem, out: Outbound, message_id: str | None) -> str | None:
            sending.set()
            assert release.wait(10)
            return super().send(item, out, message_id)

    sender = HeldSender([])
    bot.app.dispatcher.senders["console"] = sender
    results: list[int] = []
    drain = threading.Thread(target=lambda: results.append(bot.app.dispatcher.drain("console")))
    drain.start()
    assert sending.wait(10)
    closed: list[bool] = []
    closer = threading.Thread(target=lambda: closed.append(bot.app.dispatcher.close(timeout=10)))
    closer.start()
    closer.join(0.2)
    assert closer.is_alive()  # close() waits for the message in flight
    release.set()
    closer.join(10)
    drain.join(10)
    assert closed == [True]
    assert results == [1] and len(sender.delivered) == 1  # that message, and no further claim
    assert bot.app.dispatcher.drain("console") == 0  # a drain after close sends nothing
    assert counts(bot)["pending"] == 4


def test_a_clean_stop_gives_back_the_rows_this_process_still_holds(bot: Bot) -> None:
    """release_held after close: rows leased to this dispatcher and not sent (a drain that ended between claim and
    record) are due again at once for the next process, not after the lease; other claimers' rows stay theirs."""
    bot.flush()
    enqueue(bot, 4)
    dispatcher, now = bot.app.dispatcher, bot.clock.now()
    with bot.app.services.unit() as uow:
        mine = uow.outbox.claim("console", now, 2, lease_until=now + dispatcher.lease, claimer=dispatcher.id)
        theirs = uow.outbox.claim("console", now, 1, lease_until=now + dispatcher.lease, claimer="other:1:x")
        uow.commit()
    assert len(mine) == 2 and len(theirs) == 1
    dispatcher.stop_claiming()
    assert dispatcher.drain("console") == 0  # no claim after the stop began
    assert dispatcher.close(timeout=1)
    assert dispatcher.release_held() == 2
    assert dispatcher.release_held() == 0
    with bot.app.services.unit() as uow:  # the next process, at the same moment: the lease does not hold them
        keys = {i.key for i in uow.outbox.claim("console", now, 10, lease_until=now, claimer="next:2:y")}
    assert keys == {i.key for i in mine} | {"k3"}


class PacedSender(FlakySender):
    """Asks the bot's limiter for a turn first, as the platform senders do: one a second per address."""

    def __init__(self, limiter: Limiter, fail: list[Exception | None] | None = None) -> None:
        super().__init__(fail or [])
        self.limiter = limiter

    def send(self, item: OutboxItem, out: Outbound, message_id: str | None) -> str | None:
        self.limiter.acquire("console", {"all": Window(30, 1.0), f"a:{item.address}": Window(1, 1.0, own=True)}, 0.25)
        return super().send(item, out, message_id)


def test_one_address_s_limit_reschedules_its_row_and_the_drain_sends_the_others_meanwhile(bot: Bot) -> None:
    """Three messages to one chat among others: the drain does not sleep through that chat's second; its next
    row is given back for when the chat's window allows it, without counting an attempt, in order."""
    bot.flush()
    seconds = [0.0]
    limiter = RateLimiter(lambda: seconds[0], lambda s: seconds.__setitem__(0, seconds[0] + s))
    sender = PacedSender(limiter)
    bot.app.dispatcher.senders["console"] = sender
    with bot.app.services.unit() as uow:
        for n, address in enumerate(["x", "x", "b", "x", "c", "d"]):
            uow.outbox.enqueue(f"k{n}", "console", address, None, Outbound(f"{n}").to_json(), bot.clock.now())
        uow.commit()
    assert bot.app.dispatcher.drain("console") == 4
    assert sender.delivered == ["k0", "k2", "k4", "k5"] and seconds[0] == 0.0  # nobody slept
    with bot.app.services.unit() as uow:
        waiting = uow.outbox.claim("console", bot.clock.now() + timedelta(seconds=1), 10)
    assert [(i.key, i.attempts) for i in waiting] == [("k1", 0), ("k3", 0)]  # no attempt counted
    assert bot.app.dispatcher.drain("console") == 0  # not due yet
    for _ in range(2):
        seconds[0] += 1.0
        bot.clock.advance(timedelta(seconds=1))
        assert bot.app.dispatcher.drain("console") == 1
    assert sender.delivered[4:] == ["k1", "k3"] and counts(bot) == {"sent": 6}


def test_a_429_in_one_process_holds_the_platform_in_the_other(bot: Bot) -> None:
    """Two dispatchers (two processes) sharing the bot's limiter: a "retry after" met by one holds the other's
    sending too, without a call to the platform and without counting an attempt."""
    bot.flush()
    enqueue(bot, 6)
    seconds = [0.0]
    limiter = RateLimiter(lambda: seconds[0], lambda s: seconds.__setitem__(0, seconds[0] + s))
    first = PacedSender(limiter, [RetryAfter(5)])
    bot.app.dispatcher.senders["console"] = first
    bot.app.dispatcher.limiter = limiter
    other = Dispatcher(bot.app.dispatcher.uow_factory, bot.clock, {"console": PacedSender(limiter)}, limiter=limiter)
    assert bot.app.dispatcher.drain("console", limit=1) == 0  # the platform answers 429
    assert other.drain("console") == 0  # the other process does not ask it at all
    assert other.senders["console"].calls == []  # type: ignore[attr-defined]
    assert counts(bot).get("pending") == 6
    seconds[0] += 5.0
    bot.clock.advance(timedelta(seconds=5))
    assert other.drain("console") == 6


def _row(bot: Bot, key: str) -> tuple[str | None, int, str]:
    with bot.app.engine.connect() as conn:
        row = conn.execute(text("SELECT last_error, attempts, status FROM outbox WHERE key = :k"), {"k": key}).one()
    return row[0], int(row[1]), str(row[2])


def test_a_limiter_that_cannot_be_asked_counts_no_attempt_drops_nothing_and_says_so(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    """The pacing's database briefly gone: nothing was sent, so the row goes back without an attempt counted, the
    platform waits a few seconds in this process (one line in the log, not one per row), and all goes after."""
    bot.flush()
    enqueue(bot, 3)
    limiter = RecordingLimiter()
    limiter.down = True
    sender = PacedSender(limiter)
    bot.app.dispatcher.senders["console"] = sender
    with caplog.at_level(logging.WARNING, logger="bot.outbox"):
        for _ in range(bot.app.dispatcher.park_after + 2):
            assert bot.app.dispatcher.drain("console") == 0
            bot.clock.advance(timedelta(seconds=LIMITER_WAIT))
    said = [r.getMessage() for r in caplog.records if "could not be asked" in r.getMessage()]
    assert said and all("no attempt counted" in line for line in said)
    assert [_row(bot, f"k{i}")[1:] for i in range(3)] == [(0, "pending")] * 3  # nothing burnt, nothing parked
    assert bot.app.dispatcher.drain("console") == 0  # waits its few seconds in this process
    bot.clock.advance(timedelta(seconds=LIMITER_WAIT))
    limiter.down = False
    assert bot.app.dispatcher.drain("console") == 3 and sender.calls == ["k0", "k1", "k2"]


def test_a_reschedule_for_pacing_keeps_why_the_previous_attempt_failed(bot: Bot) -> None:
    bot.flush()
    enqueue(bot, 1)
    seconds = [0.0]
    limiter = RateLimiter(lambda: seconds[0], lambda s: seconds.__setitem__(0, seconds[0] + s))
    sender = PacedSender(limiter, [ConnectionError("reset by peer")])
    bot.app.dispatcher.senders["console"] = sender
    assert bot.app.dispatcher.drain("console") == 0  # the attempt fails
    assert _row(bot, "k0") == ("ConnectionError: reset by peer", 1, "pending")
    bot.clock.advance(timedelta(minutes=5))
    assert bot.app.dispatcher.drain("console") == 0  # the chat's window: paced, given back for later
    assert sender.calls == ["k0"]
    assert _row(bot, "k0") == ("ConnectionError: reset by peer", 1, "pending")
    seconds[0] += 1.0
    bot.clock.advance(timedelta(seconds=1))
    assert bot.app.dispatcher.drain("console") == 1
