"""Fake groups and people (storage/repositories/groups.py and people.py, in memory)."""

from __future__ import annotations

from datetime import datetime

from bot.domain.model import Area, Person, Place, PlaceForReview
from tests.unit.fakes.tables import AreaRow, GroupRow, InviteRow, PersonRow, PlaceRow, Tables, norm


class FakeRepository:
    """One repository over the unit of work's copy of the tables."""

    def __init__(self, tables: Tables) -> None:
        self.t = tables


def person_of(r: PersonRow) -> Person:
    return Person(
        r.id,
        r.group_id,
        r.name,
        r.organisation,
        r.role,
        r.language,
        r.active,
        r.receives_report,
        r.paused_until,
        r.channel,
    )


def area_of(r: AreaRow) -> Area:
    return Area(r.id, r.group_id, r.code, r.name)


class FakeGroups(FakeRepository):
    def upsert_group(self, group_id: str, name: str) -> None:
        row = self.t.groups.get(group_id)
        if row is None:
            self.t.groups[group_id] = GroupRow(group_id, name)
        else:
            row.name = name

    def _area(self, group_id: str, code: str) -> AreaRow | None:
        return next((a for a in self.t.areas.values() if a.group_id == group_id and a.code == code), None)

    def upsert_area(self, group_id: str, code: str, name: str) -> Area:
        row = self._area(group_id, code)
        if row is None:
            row = AreaRow(self.t.next_id("areas"), group_id, code, name)
            self.t.areas[row.id] = row
        else:
            row.name = name
        return area_of(row)

    def areas(self, group_id: str) -> list[Area]:
        return [area_of(a) for a in sorted(self.t.areas.values(), key=lambda a: a.id) if a.group_id == group_id]

    def area_by_code(self, group_id: str, code: str) -> Area:
        row = self._area(group_id, code)
        if row is None:
            raise KeyError(code)
        return area_of(row)

    def places(self, area_id: int) -> list[Place]:
        rows = [p for p in self.t.places.values() if p.area_id == area_id and p.review == "approved"]
        rows.sort(key=lambda p: (not p.configured, p.id))
        return [Place(p.id, p.area_id, p.name, p.lat, p.lon) for p in rows]

    def get_or_create_place(
        self,
        area_id: int,
        name: str,
        now: datetime,
        configured: bool = False,
        lat: float | None = None,
        lon: float | None = None,
        approved: bool = False,
    ) -> Place:
        key = norm(name)
        approved = approved or configured
        row = next((p for p in self.t.places.values() if p.area_id == area_id and p.norm == key), None)
        if row is None:
            row = PlaceRow(
                self.t.next_id("places"),
                area_id,
                " ".join(name.split()),
                key,
                lat,
                lon,
                configured,
                now,
                "approved" if approved else "pending",
            )
            self.t.places[row.id] = row
        else:
            if configured and not row.configured:
                row.configured = True
            if configured and lat is not None and (row.lat, row.lon) != (lat, lon):
                row.lat, row.lon = lat, lon
            if approved and row.review != "approved":
                row.review = "approved"
        return Place(row.id, row.area_id, row.name, row.lat, row.lon)

    def places_for_review(self, group_id: str) -> list[PlaceForReview]:
        out: list[PlaceForReview] = []
        for p in sorted(self.t.places.values(), key=lambda p: p.id):
            area = self.t.areas[p.area_id]
            if area.group_id != group_id or p.review != "pending":
                continue
            n = sum(1 for a in self.t.answers.values() if a.place_id == p.id)
            out.append(PlaceForReview(p.id, area.code, p.name, n, p.lat is not None, p.created_at))
        return out

    def rename_place(self, place_id: int, name: str) -> str:
        row = self.t.places[place_id]
        key = norm(name)
        other = next(
            (p for p in self.t.places.values() if p.area_id == row.area_id and p.norm == key and p.id != row.id), None
        )
        if other is None:
            row.name, row.norm = " ".join(name.split()), key
            return row.name
        for rows in (self.t.answers, self.t.candidates, self.t.actions):
            for r in rows.values():
                if r.place_id == row.id:
                    r.place_id = other.id
        if other.lat is None and row.lat is not None:
            other.lat, other.lon = row.lat, row.lon
        other.review = "approved"
        del self.t.places[row.id]
        return other.name

    def set_place_review(self, group_id: str, place_id: int, status: str) -> str | None:
        row = self.t.places.get(place_id)
        if row is None:
            return None
        area = self.t.areas.get(row.area_id)
        if area is None or area.group_id != group_id:
            return None
        if row.configured and status != "approved":
            return None
        row.review = status
        return row.name

    def count_area_reporters(self, area_id: int) -> int:
        return sum(1 for pid, areas in self.t.person_areas.items() if area_id in areas and self.t.persons[pid].active)


class FakePeople(FakeRepository):
    def _by_key(self, group_id: str, key: str) -> PersonRow | None:
        return next((p for p in self.t.persons.values() if p.group_id == group_id and p.name_key == key), None)

    def upsert_person(
        self, group_id: str, name: str, organisation: str, role: str, language: str, receives_report: bool
    ) -> Person:
        key = norm(name)
        row = self._by_key(group_id, key)
        if row is None:
            row = PersonRow(
                self.t.next_id("persons"), group_id, name, key, organisation, role, language, True, receives_report
            )
            self.t.persons[row.id] = row
        else:
            row.name, row.organisation, row.role = name, organisation, role
            row.receives_report = receives_report
        return person_of(row)

    def get_person(self, person_id: int) -> Person:
        row = self.t.persons.get(person_id)
        if row is None:
            raise KeyError(person_id)
        return person_of(row)

    def person_by_name(self, group_id: str, name: str) -> Person | None:
        row = self._by_key(group_id, norm(name))
        return person_of(row) if row else None

    def persons(self, group_id: str, active_only: bool = True) -> list[Person]:
        rows = [
            p
            for p in self.t.persons.values()
            if p.group_id == group_id and not p.forgotten and (p.active or not active_only)
        ]
        return [person_of(p) for p in sorted(rows, key=lambda p: p.name)]

    def person_by_account(self, platform: str, external_id: str) -> Person | None:
        pid = self.t.accounts.get((platform, external_id))
        if pid is None or not self.t.persons[pid].active:
            return None
        return person_of(self.t.persons[pid])

    def link_account(self, platform: str, external_id: str, person_id: int) -> None:
        self.t.accounts[(platform, external_id)] = person_id

    def unlink_account(self, platform: str, external_id: str) -> None:
        self.t.accounts.pop((platform, external_id), None)

    def account_owner(self, platform: str, external_id: str) -> int | None:
        return self.t.accounts.get((platform, external_id))

    def accounts_of(self, person_id: int) -> list[tuple[str, str]]:
        return sorted(k for k, pid in self.t.accounts.items() if pid == person_id)  # by platform, then account

    def accounts_in_group(self, group_id: str) -> dict[int, list[tuple[str, str]]]:
        return {
            pid: accounts
            for pid, row in self.t.persons.items()
            if row.group_id == group_id and (accounts := self.accounts_of(pid))
        }

    def set_person_areas(self, person_id: int, area_ids: list[int]) -> None:
        self.t.person_areas[person_id] = list(area_ids)

    def person_areas(self, person_id: int) -> list[Area]:
        return [area_of(self.t.areas[a]) for a in self.t.person_areas.get(person_id, [])]

    def set_language(self, person_id: int, lang: str) -> None:
        if person_id in self.t.persons:
            self.t.persons[person_id].language = lang

    def set_paused(self, person_id: int, until: datetime | None) -> None:
        if person_id in self.t.persons:
            self.t.persons[person_id].paused_until = until

    def set_active(self, person_id: int, active: bool) -> None:
        if person_id in self.t.persons:
            self.t.persons[person_id].active = active

    def set_channel(self, person_id: int, channel: str | None) -> None:
        if person_id in self.t.persons:
            self.t.persons[person_id].channel = channel

    def set_receives_report(self, person_id: int, receives: bool) -> None:
        if person_id in self.t.persons:
            self.t.persons[person_id].receives_report = receives

    def create_invite(self, code: str, person_id: int, now: datetime, expires_at: datetime) -> None:
        if code in self.t.invites:
            raise ValueError(f"invite {code!r} exists (a unique key)")
        self.t.invites[code] = InviteRow(code, person_id, now, expires_at)

    def use_invite(self, code: str, used_by: str, now: datetime) -> int | None:
        row = self.t.invites.get(code)
        if row is None or row.used_at is not None or not row.expires_at > now:
            return None
        row.used_at, row.used_by = now, used_by
        return row.person_id
