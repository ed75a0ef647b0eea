"""Pacing for the platforms' published limits: sliding windows per key, shared by all senders of a process.

`acquire(keys)` blocks (through the injected `sleep`) until one more call fits every window named by the keys,
then records it. Tests inject a fake clock and sleep, so nothing waits for real.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Window:
    calls: int
    seconds: float


class RateLimiter:
    def __init__(self, now: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.now = now
        self.sleep = sleep
        self._history: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _wait_needed(self, key: str, window: Window, t: float) -> float:
        h = self._history.setdefault(key, deque())
        while h and h[0] <= t - window.seconds:
            h.popleft()
        if len(h) < window.calls:
            return 0.0
        return h[0] + window.seconds - t

    def acquire(self, limits: dict[str, Window]) -> float:
        """Wait until a call fits every window; returns how long it waited."""
        waited = 0.0
        while True:
            with self._lock:
                t = self.now()
                wait = max((self._wait_needed(k, w, t) for k, w in limits.items()), default=0.0)
                if wait <= 0:
                    for k in limits:
                        self._history.setdefault(k, deque()).append(t)
                    return waited
            self.sleep(wait)
            waited += wait


def telegram_limits(chat_id: int) -> dict[str, Window]:
    """Telegram's published limits: 30 messages/s overall, 1/s per chat, 20/min per group."""
    limits = {"all": Window(30, 1.0), f"chat:{chat_id}": Window(1, 1.0)}
    if chat_id < 0:
        limits[f"group:{chat_id}"] = Window(20, 60.0)
    return limits
