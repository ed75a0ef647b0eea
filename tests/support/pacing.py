"""A limiter for the senders' tests: bot/ratelimit.py's `RateLimiter` on a clock of its own (nothing sleeps for
real), recording every turn and hold it is asked for, and, with `down`, failing as a limiter whose database is
gone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.ratelimit import LimiterUnavailable, RateLimiter, Window


@dataclass(frozen=True)
class Asked:
    platform: str
    keys: tuple[str, ...]
    patience: float | None
    mark: int  # what `marker()` said when the turn was asked for (say, how many calls the platform had then)


class RecordingLimiter:
    def __init__(self, marker: Callable[[], int] = lambda: 0) -> None:
        self.seconds = 0.0
        self.inner = RateLimiter(lambda: self.seconds, self._sleep)
        self.marker = marker
        self.turns: list[Asked] = []
        self.holds: list[tuple[str, float]] = []
        self.down = False

    def _sleep(self, seconds: float) -> None:
        self.seconds += seconds

    def acquire(self, platform: str, limits: dict[str, Window], patience: float | None = None) -> float:
        asked = Asked(platform, tuple(limits), patience, self.marker())
        if self.down:
            raise LimiterUnavailable("the pacing's database could not be asked: connection refused")
        self.turns.append(asked)
        return self.inner.acquire(platform, limits, patience)

    def hold(self, platform: str, seconds: float) -> None:
        if self.down:
            raise LimiterUnavailable("the pacing's database could not be told: connection refused")
        self.holds.append((platform, seconds))
        self.inner.hold(platform, seconds)

    def prune(self, idle_seconds: float) -> int:
        return self.inner.prune(idle_seconds)
