"""Pacing for the platforms' published limits, for the whole bot.

A sender names the windows a message counts against (`telegram_limits`, `slack_limits`, the e-mail rate) and
asks its `Limiter` for a turn. Two kinds of window:

- the platform's own (Telegram's 30 a second, Slack's workspace window, the mail rate): every message waits for
  it alike, so the sender sleeps through it;
- one address's (`Window(own=True)`: a chat, a group, a channel): when that wait is longer than the sender's
  `patience`, `acquire` raises `Later` without taking a turn, and the Dispatcher (bot/outbox.py) reschedules that
  row and sends other addresses' rows meanwhile, instead of sleeping through one chat's limit while the others
  wait.

A platform's "retry after" is a hold of all its sending (`hold`): an `acquire` during a hold raises
`Later(everyone=True)` (or sleeps, with infinite patience: a document's later pages).

`RateLimiter` is the one-process limiter (SQLite, one `est-bot run`): sliding windows in memory. Several
processes on one PostgreSQL share storage/pacing.py's `SharedLimiter` instead, so the limits hold for the bot,
not for each process (the choice is measured in docs/ARCHITECTURE.md, "Pacing for the whole bot").
Tests inject a fake clock and sleep, so nothing waits for real.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable

from bot.ports.pacing import PATIENCE, Later, Limiter, LimiterUnavailable, Window

__all__ = [
    "PATIENCE",
    "Later",
    "Limiter",
    "LimiterUnavailable",
    "RateLimiter",
    "Window",
    "hold_for_all",
    "next_part",
    "telegram_limits",
]
log = logging.getLogger(__name__)


class RateLimiter:
    """Sliding windows per key in this process, shared by all its senders."""

    def __init__(
        self,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        patience: float = PATIENCE,
    ) -> None:
        """`patience`: how long one address's wait may be slept through before `Later` (tests whose limiter runs
        on a clock of its own, not the bot's, give `math.inf`: their waits are slept in that clock, as before)."""
        self.now = now
        self.sleep = sleep
        self.patience = patience
        self._history: dict[str, deque[float]] = {}
        self._held: dict[str, float] = {}  # platform -> until (on `now`'s clock)
        self._lock = threading.Lock()

    def _wait_needed(self, key: str, window: Window, t: float) -> float:
        h = self._history.setdefault(key, deque())
        while h and h[0] <= t - window.seconds:
            h.popleft()
        if len(h) < window.calls:
            return 0.0
        return h[len(h) - window.calls] + window.seconds - t

    def acquire(self, platform: str, limits: dict[str, Window], patience: float | None = None) -> float:
        patience = self.patience if patience is None else patience
        waited = 0.0
        while True:
            with self._lock:
                t = self.now()
                held = self._held.get(platform, t) - t
                own = max((self._wait_needed(k, w, t) for k, w in limits.items() if w.own), default=0.0)
                shared = max((self._wait_needed(k, w, t) for k, w in limits.items() if not w.own), default=0.0)
                if held > patience:
                    raise Later(held, everyone=True)
                if own > patience:
                    raise Later(own)
                wait = max(held, own, shared)
                if wait <= 0:
                    for k in limits:
                        self._history.setdefault(k, deque()).append(t)
                    return waited
            self.sleep(wait)
            waited += wait

    def hold(self, platform: str, seconds: float) -> None:
        with self._lock:
            until = self.now() + seconds
            self._held[platform] = max(until, self._held.get(platform, until))

    def prune(self, idle_seconds: float) -> int:
        """Forget the windows whose last turn, and the holds whose end, is more than `idle_seconds` ago: a key per
        chat or channel ever written to would otherwise stay for the life of the process."""
        with self._lock:
            before = self.now() - idle_seconds
            idle = [k for k, h in self._history.items() if not h or h[-1] < before]
            for key in idle:
                del self._history[key]
            ended = [p for p, until in self._held.items() if until < before]
            for platform in ended:
                del self._held[platform]
        return len(idle) + len(ended)


def telegram_limits(chat_id: int) -> dict[str, Window]:
    """Telegram's published limits: 30 messages/s overall, 1/s per chat, 20/min per group."""
    limits = {"telegram": Window(30, 1.0), f"tg-chat:{chat_id}": Window(1, 1.0, own=True)}
    if chat_id < 0:
        limits[f"tg-group:{chat_id}"] = Window(20, 60.0, own=True)
    return limits


def next_part(
    limiter: Limiter, platform: str, limits: dict[str, Window], sleep: Callable[[float], None] | None = None
) -> None:
    """The turn of a message's later part (a document's next page, a file after its text), once the first is out:
    it must go here (giving the row back would send the parts already delivered again), so it waits for its turn
    however long, a hold included. When the limiter cannot be asked (its database briefly gone), it waits here the
    slowest of the address's own windows' spacing (a chat's second) and goes, saying so in the log."""
    try:
        limiter.acquire(platform, limits, math.inf)
    except LimiterUnavailable as exc:
        wait = max((w.seconds / max(1, w.calls) for w in limits.values() if w.own), default=1.0)
        log.warning("%s; the next part of a %s message waits %.1f s here instead and goes", exc, platform, wait)
        (sleep or time.sleep)(wait)


def hold_for_all(limiter: Limiter, platform: str, seconds: float, sleep: Callable[[float], None] | None = None) -> None:
    """A 429 met on a message's later part, which is tried again here: the whole bot holds `platform` for
    `seconds` (the limiter's hold, read by every process's next turn, `next_part`'s included). When the limiter
    cannot be told, this sender waits the `seconds` out itself, and says so."""
    try:
        limiter.hold(platform, seconds)
    except LimiterUnavailable as exc:
        log.warning("%s; %s's retry after of %.0f s is waited out in this sender only", exc, platform, seconds)
        (sleep or time.sleep)(seconds)
