"""What the core needs of imported statistics and the monthly follow-up."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.domain.statistics import PoliceEvent, StatRecord


class Statistics(Protocol):
    """Statistics records, police events and monthly posts."""

    def save_stat_records(
        self, group_id: str, source: str, records: list[StatRecord], file: str, now: datetime
    ) -> tuple[int, int, int]:
        """Add new records and update changed ones, matched by natural key; (new, updated, unchanged)."""

    def stat_records(self, group_id: str, first: tuple[int, int], last: tuple[int, int]) -> list[StatRecord]:
        """Every record of the group from month `first` to month `last` (year, month), both included."""

    def save_police_events(self, group_id: str, events: list[PoliceEvent], now: datetime) -> tuple[int, int, int]:
        """Add new events and update the ones the police have changed, by event id; (new, updated, unchanged)."""

    def police_events(self, group_id: str, start: datetime, end: datetime) -> list[PoliceEvent]:
        """The group's police events from `start` (included) to `end` (excluded), oldest first."""

    def monthly_posted(self, group_id: str, year: int, month: int) -> datetime | None: ...

    def claim_monthly_post(self, group_id: str, year: int, month: int, now: datetime) -> bool:
        """Record that the month's follow-up is posted; False if it already was (by this or another process)."""
