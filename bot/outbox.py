"""Draining the outbox: every outgoing message was first a row; senders deliver them.

Several drainers (threads of one process, or several `est-bot run` processes on one PostgreSQL database) share
the work without sending a row twice:

1. **Claim** a few due rows in a short transaction: `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL (SQLite
   takes its write lock up front with BEGIN IMMEDIATE, so claims queue), then stamp them with this drainer's
   id and a lease (`claimed_until`). Commit. Other drainers now skip them until the lease runs out.
2. **Send** each row with no transaction open: the network call never holds a lock or a connection.
3. **Record** the outcome in a short transaction of its own: sent (with the platform's message id, for later
   edits), retried later, or parked. The lease is cleared.

A chat's messages keep their order: a row is claimed only together with every earlier pending row to the same
address (`SqlOutbox.claim`), so two drainers never talk to one chat at once, and a failed row holds back
the later rows to that chat until it is delivered or parked.

The one at-least-once window: a crash (kill -9, power loss) after the platform accepted a message and before
step 3 committed. That row's lease runs out (`lease`, default two minutes) and another drainer sends it again:
one repeated message per drainer that was sending at that moment, never more. A timeout is the same window:
the platform may have taken a message whose answer never came, so it is retried. Updates by `ref` are edits
and repeat harmlessly. A crash anywhere else loses and repeats nothing: unsent claimed rows come back after the
lease, and a half-done step 3 rolls back to "claimed".

A platform's "retry after" holds all of that platform's sending and reschedules the row without counting an
attempt: in this process, and through the bot's `Limiter` (bot/ratelimit.py; storage/pacing.py on PostgreSQL) in
every process, whose senders then answer `Later(everyone=True)` until it has passed. A sender's `Later` for one
address (its chat's or channel's window is further off than the sender's patience) reschedules only that row,
without counting an attempt, and the drain goes on with other addresses' rows instead of sleeping through one
chat's limit. A limiter that cannot be asked (`LimiterUnavailable`: its database briefly gone) is the same: nothing
was sent, the row goes back without an attempt counted, and the platform's sending waits `LIMITER_WAIT` here,
said in the log. Neither overwrites the row's `last_error`, why an earlier attempt failed. An error is retried
with exponential backoff (or after the wait its sender
chose, `RetryLater`: a mail server's greylisting) and, after `park_after` attempts, parked for coordinators to
see in `status`, never dropped; a permanent failure (blocked bot, unknown chat) is parked at once.

A platform that cannot be reached at all (`Unreachable`: refused connections, timeouts, its 5xx) is an outage,
not a fault of the messages: when `OUTAGE_AFTER` sends in a row fail so, with nothing delivered in between, all of
that platform's sending waits, 5 s doubling to 5 minutes, and no attempt is counted, so a day without Telegram
parks nothing and everything goes, in order, once it answers. It is logged once when it begins and once when it
ends. An unreachable send while other messages of the platform go through is that message's own failure: counted,
backed off and in the end parked like any error.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from bot import logs
from bot.clock import Clock
from bot.conversation.messages import Outbound
from bot.domain.model import OutboxItem
from bot.intake import give_way
from bot.ports import Instruments, NoInstruments, UnitOfWork
from bot.ports.pacing import Later, Limiter, LimiterUnavailable

log = logging.getLogger(__name__)


class RetryAfter(Exception):
    """The platform asks for a pause: all its sending waits `seconds`, and no attempt is counted. `quiet`: the
    sender has said why in the log itself (once, not once per message), so the Dispatcher logs it at DEBUG."""

    def __init__(self, seconds: float, message: str = "", quiet: bool = False) -> None:
        super().__init__(message or f"retry after {seconds}s")
        self.seconds = seconds
        self.quiet = quiet


class RetryLater(Exception):
    """This one message is tried again after `seconds`, counted as an attempt, while the platform goes on: for a
    sender that knows its platform's pace better than the outbox's backoff (a mail server's 4xx for one
    recipient, greylisting, lasts minutes, where the backoff's eight tries take two)."""

    def __init__(self, seconds: float, message: str = "") -> None:
        super().__init__(message or f"again in {seconds}s")
        self.seconds = seconds


class Unreachable(Exception):
    """The platform could not be reached or did not answer properly (connection refused or dropped, a timeout, a
    5xx): nothing this message can mend. Senders raise it for those only; the Dispatcher decides whether it is the
    platform's outage (everything fails) or this message's failure (others go through)."""


class PermanentFailure(Exception):
    """The platform says this message can never be delivered (bad address, blocked bot)."""


class Sender(Protocol):
    platform: str

    def send(self, item: OutboxItem, out: Outbound, message_id: str | None) -> str | None:
        """Deliver one message; return the platform's message id (for later edits) if any."""
        ...


#: Unreachable sends in a row, nothing delivered in between, that make it an outage of the platform.
OUTAGE_AFTER = 3
OUTAGE_FIRST_WAIT = 5.0
OUTAGE_LONGEST_WAIT = 300.0
#: How long a platform's sending waits in this process when the bot's limiter cannot be asked (its database
#: briefly gone); the row goes back without an attempt counted.
LIMITER_WAIT = 5.0


@dataclass
class _Outage:
    since: datetime
    wait: float
    tries: int = 0


def backoff(attempt: int) -> float:
    return float(min(600, 2 ** min(attempt, 10)))


def drainer_id() -> str:
    """Who holds a lease: host and process for a person reading the table, and a random part for uniqueness."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class _Outcome:
    kind: str  # sent | retry_after | later | permanent | error | unreachable
    message_id: str | None = None
    seconds: float = 0.0  # retry_after, or an error's wait the sender chose (RetryLater); 0: the backoff
    error: str = ""


class Dispatcher:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        senders: dict[str, Sender],
        park_after: int = 8,
        lease: timedelta = timedelta(minutes=2),
        instruments: Instruments | None = None,
        limiter: Limiter | None = None,
    ) -> None:
        self.uow_factory = uow_factory
        self.limiter = limiter  # the bot's pacing, shared with the senders: a 429's hold goes there too
        self.clock = clock
        self.senders = senders
        self.park_after = park_after
        self.lease = lease
        self.instruments: Instruments = instruments or NoInstruments()  # 429s and errors, for /metrics
        self.id = drainer_id()
        self.paused_until: dict[str, datetime] = {}  # a platform's "retry after" holds all its sending
        self._outages: dict[str, _Outage] = {}  # platforms that cannot be reached, since when
        self._outage_lock = threading.Lock()
        self._drains = threading.Condition()
        self._active = 0  # drains in progress, in any thread
        self._closing = False

    def stop_claiming(self) -> None:
        """No new claims from now on: a drain in progress finishes the message it is sending and returns."""
        with self._drains:
            self._closing = True

    def close(self, timeout: float = 30.0) -> bool:
        """No new claims from now on; wait for the drains in progress to finish their message (shutdown: before
        the platform clients close, so no send meets a closed client). False if one was still busy."""
        with self._drains:
            self._closing = True
            return self._drains.wait_for(lambda: self._active == 0, timeout)

    def release_held(self) -> int:
        """Give back every row this dispatcher still holds, after `close` returned True (a clean stop): another
        process sends them at once instead of after the lease. Returns how many."""
        with self.uow_factory() as uow:
            released = uow.outbox.release_all(self.id)
            uow.commit()
        return released

    def drain(self, platform: str, limit: int = 100, address: str | None = None, batch: int = 1) -> int:
        """Try up to `limit` due rows for one platform; returns how many were delivered.

        `batch` rows are claimed at once and their outcomes recorded in one transaction: faster, but a crash
        may then repeat up to `batch` messages, so the chat platforms keep 1 and only local senders (console,
        demo) use more.
        """
        with self._drains:
            if self._closing:
                return 0
            self._active += 1
        try:
            return self._drain(platform, limit, address, batch)
        finally:
            with self._drains:
                self._active -= 1
                self._drains.notify_all()

    def _drain(self, platform: str, limit: int, address: str | None, batch: int) -> int:
        sender = self.senders[platform]
        delivered = tried = 0
        went = False  # something of this platform was delivered in this drain: it can be reached
        down: list[tuple[OutboxItem, _Outcome]] = []  # unreachable sends not judged yet: outage or own failure
        held = False  # this drain found the platform down and holds it
        try:
            while tried < limit and not self._closing:
                now = self.clock.now()
                if now < self.paused_until.get(platform, now):
                    break
                with self.uow_factory() as uow:
                    items = uow.outbox.claim(
                        platform, now, min(batch, limit - tried), address, now + self.lease, self.id
                    )
                    # an edit's message is read here (is it `fresh`?) and sent as read: not read twice
                    outs = {item.id: Outbound.from_json(item.payload) for item in items if item.ref}
                    existing = {
                        item.id: uow.outbox.message_id_for(item.platform, item.address, item.ref)
                        for item in items
                        if item.ref and not outs[item.id].fresh
                    }
                    uow.commit()
                if not items:
                    break
                outcomes: list[tuple[OutboxItem, _Outcome]] = []
                attempted: set[int] = set()
                failed: set[str] = set()  # addresses whose row failed: their later rows wait, to keep the order
                try:
                    for item in items:
                        if item.address in failed or self._paused(platform):
                            continue
                        tried += 1
                        attempted.add(item.id)
                        outcome = self._send(sender, item, outs.get(item.id), existing.get(item.id))
                        give_way()  # the event loop's acknowledgements first, as the intake does between events
                        if outcome.kind != "sent":
                            failed.add(item.address)
                        if outcome.kind not in ("sent", "later"):
                            self.instruments.platform_outcome(platform, outcome.kind)
                        if outcome.kind == "unreachable" and not went:
                            down.append((item, outcome))  # judged when something goes through, or not
                            if len(down) >= OUTAGE_AFTER and not held:
                                held = True
                                self._outage(platform, outcome.error)
                            continue
                        if outcome.kind == "unreachable":  # others go through: this message's own failure
                            outcome = replace(outcome, kind="error")
                        elif outcome.kind == "sent":
                            went = True
                            self._back(platform)
                            outcomes += [(i, replace(o, kind="error")) for i, o in down]
                            down.clear()
                        outcomes.append((item, outcome))
                        if batch == 1:
                            delivered += self._record(outcomes)
                finally:
                    delivered += self._record(outcomes)
                    untried = [i.id for i in items if i.id not in attempted]
                    if untried:
                        with self.uow_factory() as uow:
                            uow.outbox.release(untried, self.id)
                            uow.commit()
        finally:
            if down:  # nothing went through: the platform is down; its rows wait without counting an attempt
                if not held:
                    self._outage(platform, down[-1][1].error)
                self._record(down)
        return delivered

    def _outage(self, platform: str, why: str) -> None:
        """Hold all of `platform`'s sending: 5 s, doubling each time it is still down, up to 5 minutes."""
        now = self.clock.now()
        with self._outage_lock:
            outage = self._outages.get(platform)
            if outage is None:
                outage = self._outages[platform] = _Outage(now, OUTAGE_FIRST_WAIT)
                log.warning(
                    "%s cannot be reached (%s); its messages wait, nothing is given up, and they go in order when "
                    "it answers again",
                    platform,
                    why,
                )
            else:
                outage.wait = min(OUTAGE_LONGEST_WAIT, outage.wait * 2)
            outage.tries += 1
            self.paused_until[platform] = now + timedelta(seconds=outage.wait)

    def _back(self, platform: str) -> None:
        with self._outage_lock:
            outage = self._outages.pop(platform, None)
        if outage is not None:
            log.info(
                "%s answers again after %s and %d tries; the messages that waited go now",
                platform,
                took((self.clock.now() - outage.since).total_seconds()),
                outage.tries,
            )

    def _paused(self, platform: str) -> bool:
        return platform in self.paused_until and self.clock.now() < self.paused_until[platform]

    def _send(self, sender: Sender, item: OutboxItem, out: Outbound | None, existing: str | None) -> _Outcome:
        # Every line logged while this row is sent (here or by the sender) names its platform and outbox key.
        with logs.context(platform=item.platform, outbox_key=item.key):
            return self._send_logged(sender, item, out, existing)

    def _send_logged(self, sender: Sender, item: OutboxItem, out: Outbound | None, existing: str | None) -> _Outcome:
        if out is None:
            out = Outbound.from_json(item.payload)
        try:
            return _Outcome("sent", message_id=sender.send(item, out, existing))
        except Later as exc:  # the bot's own pacing: not a failure, and nothing was sent
            if exc.everyone:  # another process met the platform's "retry after"
                self.paused_until[item.platform] = self.clock.now() + timedelta(seconds=exc.seconds)
            return _Outcome("later", seconds=exc.seconds, error=str(exc))
        except LimiterUnavailable as exc:  # nothing was sent: not the message's failure, so no attempt counted
            log.warning(
                "outbox %s: %s; %s's sending waits %.0f s here, no attempt counted",
                item.key,
                exc,
                item.platform,
                LIMITER_WAIT,
            )
            self.paused_until[item.platform] = self.clock.now() + timedelta(seconds=LIMITER_WAIT)
            return _Outcome("later", seconds=LIMITER_WAIT, error=str(exc))
        except RetryAfter as exc:
            # The platform asks everyone to wait: hold the whole platform, and do not count it as a failure.
            self.paused_until[item.platform] = self.clock.now() + timedelta(seconds=max(1.0, exc.seconds))
            level = logging.DEBUG if exc.quiet else logging.WARNING
            log.log(level, "outbox %s: %s; %s paused", item.key, exc, item.platform)
            self._hold_everywhere(item.platform, max(1.0, exc.seconds))
            return _Outcome("retry_after", seconds=max(1.0, exc.seconds), error=str(exc))
        except RetryLater as exc:
            log.warning("outbox %s: %s; again in %d s", item.key, exc, round(exc.seconds))
            return _Outcome("error", seconds=max(1.0, exc.seconds), error=str(exc))
        except Unreachable as exc:  # whether the platform is down is judged in _drain; logged there once
            log.debug("outbox %s: %s cannot be reached: %s", item.key, item.platform, exc)
            return _Outcome("unreachable", error=str(exc) or type(exc).__name__)
        except PermanentFailure as exc:
            log.error("outbox %s parked: %s", item.key, exc)
            return _Outcome("permanent", error=str(exc))
        except Exception as exc:
            log.warning("outbox %s failed: %s: %s", item.key, type(exc).__name__, exc, exc_info=True)
            return _Outcome("error", error=f"{type(exc).__name__}: {exc}")

    def _hold_everywhere(self, platform: str, seconds: float) -> None:
        """Tell the bot's other processes (their senders ask the shared limiter before each message)."""
        if self.limiter is None:
            return
        try:
            self.limiter.hold(platform, seconds)
        except Exception as exc:  # this process holds anyway; the others meet the 429 themselves
            log.warning("the hold of %s could not be shared with the other processes: %s", platform, exc)

    def _record(self, outcomes: list[tuple[OutboxItem, _Outcome]]) -> int:
        """Write what happened to each sent row in one short transaction; returns how many were delivered."""
        if not outcomes:
            return 0
        now = self.clock.now()
        with self.uow_factory() as uow:
            sent = [(item, o.message_id) for item, o in outcomes if o.kind == "sent"]
            uow.outbox.sent_many(sent, now)  # together: a local sender's batch is many rows
            delivered = len(sent)
            for item, o in outcomes:
                if o.kind == "sent":
                    continue
                elif o.kind == "later":  # the bot's own pacing: why an earlier attempt failed stays readable
                    uow.outbox.retry(item.id, now + timedelta(seconds=o.seconds), None, self.park_after, count=False)
                elif o.kind == "retry_after":
                    at = now + timedelta(seconds=o.seconds)
                    uow.outbox.retry(item.id, at, o.error, self.park_after, count=False)
                elif o.kind == "unreachable":  # the platform's outage: again when it is tried again
                    at = self.paused_until.get(item.platform, now)
                    uow.outbox.retry(item.id, max(at, now), o.error, self.park_after, count=False)
                elif o.kind == "permanent":
                    uow.outbox.park(item.id, o.error)
                else:
                    at = now + timedelta(seconds=o.seconds or backoff(item.attempts))
                    if uow.outbox.retry(item.id, at, o.error, self.park_after):
                        log.error(
                            "outbox %s parked after %d attempts: %s",
                            item.key,
                            self.park_after,
                            o.error,
                            extra={"platform": item.platform, "outbox_key": item.key},
                        )
            uow.commit()
        outcomes.clear()
        return delivered


def took(seconds: float) -> str:
    """A duration for a log line: "42 s", "3 min 5 s", "26 h 0 min"."""
    s = round(seconds)
    if s >= 3600:
        return f"{s // 3600} h {s % 3600 // 60} min"
    return f"{s // 60} min {s % 60} s" if s >= 60 else f"{s} s"


def drainer(dispatcher: Dispatcher, platform: str, limit: int = 1000) -> Callable[[], int]:
    """A drain of one platform's outbox, for an edge to run after it handled an incoming event."""

    def drain() -> int:
        return dispatcher.drain(platform, limit)

    return drain
