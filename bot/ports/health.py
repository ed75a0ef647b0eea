"""What the monitoring reads (handlers/metrics/, docs/OPERATIONS.md "Health and metrics"): a snapshot of the
database's counts at scrape time, readiness, and the counters the core bumps as it works."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class OutboxCount:
    platform: str
    status: str  # queued | parked | sent
    count: int


@dataclass(frozen=True)
class RoundRate:
    """A group's current round: how many were asked and how many have answered."""

    group_id: str
    week: str  # 2026-W49
    asked: int
    answered: int


@dataclass(frozen=True)
class PhaseRuns:
    """How often a phase step ran in a group, and when last (from the audit log: every process's steps)."""

    group_id: str
    phase: str
    count: int
    last: datetime


@dataclass(frozen=True)
class HealthSnapshot:
    outbox: tuple[OutboxCount, ...]
    answers: tuple[tuple[str, int], ...]  # (group, questionnaires answered, ever)
    rounds: tuple[RoundRate, ...]
    phases: tuple[PhaseRuns, ...]


class Health(Protocol):
    def snapshot(self) -> HealthSnapshot:
        """The counts, in as few cheap queries as possible (one grouped query per kind)."""
        ...

    def not_ready(self, now: datetime, max_wait_minutes: int) -> str | None:
        """Why this process should not be counted on, in a short line; None when the database answers, a
        scheduler leader exists and no outbox row has been due and unsent for longer than `max_wait_minutes`."""
        ...


class Instruments(Protocol):
    """Counters the core bumps; the Prometheus side (handlers/metrics/) meets this, the core never imports it."""

    def platform_outcome(self, platform: str, outcome: str) -> None:
        """A send that did not go through: `retry_after` (the platform's 429), `error`, `permanent` or `unreachable`."""
        ...

    def events_handled(self, count: int, seconds: float) -> None:
        """`count` events were handled together in `seconds` (one unit of work)."""
        ...


class NoInstruments:
    """Nothing measured: [metrics] is off, or a command that is not `est-bot run`."""

    def platform_outcome(self, platform: str, outcome: str) -> None:
        return None

    def events_handled(self, count: int, seconds: float) -> None:
        return None
