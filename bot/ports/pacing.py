"""Pacing the platforms' limits for the whole bot (bot/ratelimit.py in one process; storage/pacing.py on
PostgreSQL for all processes): the windows a message counts against, the limiter, and its "not now"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

#: How long a sender sleeps for one address's window (a chat's 1 a second) before it gives the row back to be
#: sent later and takes another address's instead.
PATIENCE = 0.25


@dataclass(frozen=True)
class Window:
    """At most `calls` in any `seconds`. `own`: one address's window (a chat, a channel), not the platform's."""

    calls: int
    seconds: float
    own: bool = False


class Later(Exception):
    """Not now: the message may go in `seconds`. `everyone`: the whole platform waits (a hold after a 429);
    otherwise only this address does, and other addresses' messages may go meanwhile."""

    def __init__(self, seconds: float, everyone: bool = False) -> None:
        super().__init__(f"{'held' if everyone else 'paced'}: again in {seconds:.2f} s")
        self.seconds = seconds
        self.everyone = everyone


class LimiterUnavailable(Exception):
    """The limiter could not be asked (on PostgreSQL: its database is briefly gone). No turn was taken and
    nothing was sent: the Dispatcher gives the row back for later without counting an attempt, and says so in
    the log."""


class Limiter(Protocol):
    def acquire(self, platform: str, limits: dict[str, Window], patience: float | None = None) -> float:
        """Wait for a turn that fits every window and take it; returns how long it waited. Raises `Later` instead
        when an own window or a hold of `platform` would make it wait longer than `patience` seconds (None: the
        limiter's own; `math.inf`: never, for a document's next page once the first is out). Raises
        `LimiterUnavailable` when it cannot be asked."""
        ...

    def hold(self, platform: str, seconds: float) -> None:
        """Hold all of `platform`'s sending for `seconds` (its "retry after"), for every sender of the bot.
        Raises `LimiterUnavailable` when it cannot be told."""
        ...

    def prune(self, idle_seconds: float) -> int:
        """Forget the windows and holds not used for `idle_seconds` (addresses the bot no longer writes to);
        returns how many. The daily housekeeping calls it."""
        ...
