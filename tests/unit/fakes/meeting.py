"""Fake meeting, audit and statistics (storage/repositories/meeting.py, audit.py and statistics.py, in memory)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from bot.domain.cycle import RoundKey
from bot.domain.masking import mask_data, mask_personal_data
from bot.domain.model import Action, Candidate
from bot.domain.statistics import PoliceEvent, StatRecord
from tests.unit.fakes.people import FakeGroups, FakeRepository
from tests.unit.fakes.tables import (
    ActionRow,
    AuditRow,
    CandidateRow,
    PoliceEventRow,
    StatRecordRow,
    Tables,
    as_json,
)


class FakeMeeting(FakeRepository):
    def __init__(self, tables: Tables, groups: FakeGroups) -> None:
        super().__init__(tables)
        self.groups = groups

    def _by_key(self, round_id: int, key: str) -> CandidateRow | None:
        return next((c for c in self.t.candidates.values() if c.round_id == round_id and c.key == key), None)

    def add_candidate(
        self,
        round_id: int,
        key: str,
        area: str,
        place: str | None,
        factors: tuple[str, ...],
        title: str,
        reasons: tuple[str, ...],
        source: str,
        position: int,
    ) -> int | None:
        rnd = self.t.rounds[round_id]
        area_row = self.groups.area_by_code(rnd.group_id, area)
        place_id = None
        if place:
            place_id = self.groups.get_or_create_place(area_row.id, place, rnd.created_at, approved=True).id
        row = self._by_key(round_id, key)
        if row is None:
            row = CandidateRow(
                self.t.next_id("candidates"),
                round_id,
                key,
                area_row.id,
                place_id,
                ",".join(factors),
                title,
                "\n".join(reasons),
                source,
                position,
            )
            self.t.candidates[row.id] = row
        return row.id

    def _votes(self, candidate_id: int) -> int:
        return sum(1 for c, _ in self.t.votes if c == candidate_id)

    def _candidate(self, row: CandidateRow) -> Candidate:
        area = self.t.areas[row.area_id]
        place = self.t.places.get(row.place_id) if row.place_id else None
        return Candidate(
            row.id,
            row.round_id,
            row.key,
            area.code,
            area.name,
            place.name if place else None,
            tuple(f for f in row.factors.split(",") if f),
            row.title,
            tuple(r for r in row.reasons.split("\n") if r),
            row.source,
            row.action_type,
            row.responsible,
            row.timeframe,
            row.status,
            self._votes(row.id),
        )

    def candidates(self, round_id: int) -> list[Candidate]:
        rows = sorted(
            (c for c in self.t.candidates.values() if c.round_id == round_id), key=lambda c: (c.position, c.id)
        )
        return [self._candidate(r) for r in rows]

    def candidate_ids(self, round_id: int) -> list[int]:
        return [c.id for c in self.candidates(round_id)]

    def get_candidate(self, candidate_id: int) -> Candidate | None:
        row = self.t.candidates.get(candidate_id)
        return self._candidate(row) if row else None

    def vote(self, candidate_id: int, person_id: int, on: bool) -> bool:
        pair = (candidate_id, person_id)
        if on:
            if pair in self.t.votes:
                return False
            self.t.votes.add(pair)
            return True
        if pair not in self.t.votes:
            return False
        self.t.votes.discard(pair)
        return True

    def set_candidate_field(self, candidate_id: int, field: str, value: str) -> bool:
        if field not in ("action_type", "responsible", "timeframe"):
            raise ValueError(field)
        row = self.t.candidates.get(candidate_id)
        if row is None or getattr(row, field) == value:
            return False
        setattr(row, field, value)
        return True

    def decide_candidate(self, candidate_id: int, decided: bool, group_id: str, round_id: int, now: datetime) -> None:
        row = self.t.candidates[candidate_id]
        row.status = "decided" if decided else "dropped"
        if decided and not any(a.candidate_id == candidate_id for a in self.t.actions.values()):
            action = ActionRow(
                self.t.next_id("actions"),
                group_id,
                round_id,
                candidate_id,
                row.area_id,
                row.place_id,
                row.factors,
                row.title,
                row.action_type,
                row.responsible,
                row.timeframe,
                self._votes(candidate_id),
                "planned",
                now,
            )
            self.t.actions[action.id] = action

    def _action(self, a: ActionRow) -> Action:
        r, area = self.t.rounds[a.round_id], self.t.areas[a.area_id]
        place = self.t.places.get(a.place_id) if a.place_id else None
        return Action(
            a.id,
            RoundKey(r.year, r.week),
            area.code,
            area.name,
            place.name if place else None,
            tuple(f for f in a.factors.split(",") if f),
            a.title,
            a.action_type,
            a.responsible,
            a.timeframe,
            a.votes,
            a.status,
        )

    def actions_for_round(self, round_id: int) -> list[Action]:
        return [self._action(a) for a in sorted(self.t.actions.values(), key=lambda a: a.id) if a.round_id == round_id]

    def actions(self, group_id: str) -> list[Action]:
        return [self._action(a) for a in sorted(self.t.actions.values(), key=lambda a: a.id) if a.group_id == group_id]

    def set_action_status(self, group_id: str, action_id: int, status: str) -> bool:
        a = self.t.actions.get(action_id)
        if a is None or a.group_id != group_id:
            return False
        a.status = status
        return True


class FakeAudit(FakeRepository):
    def mark_event_processed(self, platform: str, event_id: str, now: datetime) -> bool:
        if (platform, event_id) in self.t.processed_events:
            return False
        self.t.processed_events[(platform, event_id)] = now
        return True

    def audit(self, now: datetime, group_id: str, actor: str, action: str, detail: dict[str, Any]) -> None:
        row = AuditRow(
            self.t.next_id("audit"), now, group_id, mask_personal_data(actor), action, as_json(mask_data(detail))
        )
        self.t.audit[row.id] = row

    def audit_log(
        self, group_id: str | None = None, limit: int = 100
    ) -> list[tuple[datetime, str, str, str, dict[str, Any]]]:
        rows = [r for r in sorted(self.t.audit.values(), key=lambda r: -r.id) if not group_id or r.group_id == group_id]
        return [(r.at, r.group_id, r.actor, r.action, as_json(r.detail)) for r in rows[:limit]]


_STAT_FIELDS = ("year", "month", "day", "category", "region", "place", "count")


class FakeStatistics(FakeRepository):
    def save_stat_records(
        self, group_id: str, source: str, records: list[StatRecord], file: str, now: datetime
    ) -> tuple[int, int, int]:
        by_key = {hashlib.sha256(r.key.encode("utf-8")).hexdigest(): r for r in records}
        existing = {
            row.key: row for row in self.t.stat_records.values() if row.group_id == group_id and row.source == source
        }
        new = changed = 0
        for key, r in by_key.items():
            old = existing.get(key)
            if old is None:
                row = StatRecordRow(
                    self.t.next_id("stat_records"),
                    group_id,
                    source,
                    key,
                    r.year,
                    r.month,
                    r.day,
                    r.category,
                    r.region,
                    r.place,
                    r.count,
                    file,
                    now,
                )
                self.t.stat_records[row.id] = row
                new += 1
            elif any(getattr(old, f) != getattr(r, f) for f in _STAT_FIELDS):
                for f in _STAT_FIELDS:
                    setattr(old, f, getattr(r, f))
                old.file, old.imported_at = file, now
                changed += 1
        return new, changed, len(by_key) - new - changed

    def stat_records(self, group_id: str, first: tuple[int, int], last: tuple[int, int]) -> list[StatRecord]:
        lo, hi = first[0] * 100 + first[1], last[0] * 100 + last[1]
        return [
            StatRecord(r.source, r.key, r.year, r.month, r.day, r.category, r.region, r.place, r.count)
            for r in sorted(self.t.stat_records.values(), key=lambda r: r.id)
            if r.group_id == group_id and lo <= r.year * 100 + r.month <= hi
        ]

    def save_police_events(self, group_id: str, events: list[PoliceEvent], now: datetime) -> tuple[int, int, int]:
        existing = {r.event_id: r for r in self.t.police_events.values() if r.group_id == group_id}
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
                row = PoliceEventRow(
                    self.t.next_id("police_events"),
                    group_id,
                    e.event_id,
                    e.at,
                    e.name,
                    e.summary,
                    e.url,
                    e.type,
                    e.location,
                    e.lat,
                    e.lon,
                    now,
                )
                self.t.police_events[row.id] = row
                existing[e.event_id] = row
                new += 1
            elif any(getattr(row, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(row, k, v)
                row.imported_at = now
                updated += 1
        return new, updated, len(events) - new - updated

    def police_events(self, group_id: str, start: datetime, end: datetime) -> list[PoliceEvent]:
        rows = sorted(
            (r for r in self.t.police_events.values() if r.group_id == group_id and start <= r.at < end),
            key=lambda r: (r.at, r.event_id),
        )
        return [PoliceEvent(r.event_id, r.at, r.name, r.summary, r.url, r.type, r.location, r.lat, r.lon) for r in rows]

    def monthly_posted(self, group_id: str, year: int, month: int) -> datetime | None:
        return self.t.monthly_posts.get((group_id, year, month))

    def claim_monthly_post(self, group_id: str, year: int, month: int, now: datetime) -> bool:
        if (group_id, year, month) in self.t.monthly_posts:
            return False
        self.t.monthly_posts[(group_id, year, month)] = now
        return True
