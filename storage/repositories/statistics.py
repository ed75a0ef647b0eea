"""Imported statistics, police events, and the monthly follow-up posts."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from bot.domain.statistics import PoliceEvent, StatRecord
from storage.models import MonthlyPostRow, PoliceEventRow, StatRecordRow
from storage.repositories.base import SqlRepository


class SqlStatistics(SqlRepository):
    """Statistics records, police events and monthly posts."""

    def save_stat_records(
        self, group_id: str, source: str, records: list[StatRecord], file: str, now: datetime
    ) -> tuple[int, int, int]:
        """Add new records and update changed ones, matched by natural key; (new, updated, unchanged)."""
        fields = ("year", "month", "day", "category", "region", "place", "count")
        by_key = {_key_hash(r.key): r for r in records}
        existing: dict[str, tuple[Any, ...]] = {}
        keys = list(by_key)
        cols = [getattr(StatRecordRow, f) for f in fields]
        for i in range(0, len(keys), 500):
            q = select(StatRecordRow.key, StatRecordRow.id, *cols).where(
                StatRecordRow.group_id == group_id,
                StatRecordRow.source == source,
                StatRecordRow.key.in_(keys[i : i + 500]),
            )
            existing.update((row[0], tuple(row[1:])) for row in self.s.execute(q))
        fresh: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for key, r in by_key.items():
            values = {f: getattr(r, f) for f in fields}
            old = existing.get(key)
            if old is None:
                fresh.append({"group_id": group_id, "source": source, "key": key, "file": file, "imported_at": now})
                fresh[-1].update(values)
            elif tuple(old[1:]) != tuple(values.values()):
                changed.append({"id": old[0], "file": file, "imported_at": now, **values})
        # one multi-row statement per batch instead of a unit-of-work object per row
        if fresh:
            self.s.execute(insert(StatRecordRow), fresh)
        if changed:
            self.s.execute(update(StatRecordRow), changed)
        return len(fresh), len(changed), len(by_key) - len(fresh) - len(changed)

    def stat_records(self, group_id: str, first: tuple[int, int], last: tuple[int, int]) -> list[StatRecord]:
        """Every record of the group from month `first` to month `last` (year, month), both included."""
        ym = StatRecordRow.year * 100 + StatRecordRow.month
        q = (
            select(
                StatRecordRow.source,
                StatRecordRow.key,
                StatRecordRow.year,
                StatRecordRow.month,
                StatRecordRow.day,
                StatRecordRow.category,
                StatRecordRow.region,
                StatRecordRow.place,
                StatRecordRow.count,
            )
            .where(
                StatRecordRow.group_id == group_id,
                ym >= first[0] * 100 + first[1],
                ym <= last[0] * 100 + last[1],
            )
            .order_by(StatRecordRow.id)
        )
        return [StatRecord(*row) for row in self.s.execute(q)]

    def save_police_events(self, group_id: str, events: list[PoliceEvent], now: datetime) -> tuple[int, int, int]:
        """Add new events and update the ones the police have changed, by event id; (new, updated, unchanged)."""
        ids = [e.event_id for e in events]
        existing: dict[int, PoliceEventRow] = {}
        for i in range(0, len(ids), 500):
            q = select(PoliceEventRow).where(
                PoliceEventRow.group_id == group_id, PoliceEventRow.event_id.in_(ids[i : i + 500])
            )
            existing.update((row.event_id, row) for row in self.s.scalars(q))
        new = updated = 0
        for e in events:
            values = {
                "at": e.at,
                "name": e.name,
                "summary": e.summary,
                "url": e.url,
                "type": e.type,
                "location": e.location,
                "lat": e.lat,
                "lon": e.lon,
            }
            row = existing.get(e.event_id)
            if row is None:
                self.s.add(PoliceEventRow(group_id=group_id, event_id=e.event_id, imported_at=now, **values))
                new += 1
            elif any(getattr(row, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(row, k, v)
                row.imported_at = now
                updated += 1
        self.s.flush()
        return new, updated, len(events) - new - updated

    def police_events(self, group_id: str, start: datetime, end: datetime) -> list[PoliceEvent]:
        """The group's police events from `start` (included) to `end` (excluded), oldest first."""
        q = (
            select(PoliceEventRow)
            .where(PoliceEventRow.group_id == group_id, PoliceEventRow.at >= start, PoliceEventRow.at < end)
            .order_by(PoliceEventRow.at, PoliceEventRow.event_id)
        )
        return [
            PoliceEvent(r.event_id, r.at, r.name, r.summary, r.url, r.type, r.location, r.lat, r.lon)
            for r in self.s.scalars(q)
        ]

    def monthly_posted(self, group_id: str, year: int, month: int) -> datetime | None:
        row = self.s.get(MonthlyPostRow, (group_id, year, month))
        return row.posted_at if row else None

    def claim_monthly_post(self, group_id: str, year: int, month: int, now: datetime) -> bool:
        """Record that the month's follow-up is posted; False if it already was (by this or another process)."""
        stmt = self._insert(MonthlyPostRow).values(group_id=group_id, year=year, month=month, posted_at=now)
        stmt = stmt.on_conflict_do_nothing(index_elements=["group_id", "year", "month"])
        return self.s.execute(stmt.returning(MonthlyPostRow.group_id)).first() is not None


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()
