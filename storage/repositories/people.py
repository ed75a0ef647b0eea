"""Persons, their chat accounts and areas, their settings, and invitations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from bot.domain.model import Area, Person
from storage.models import AccountRow, InviteRow, PersonAreaRow, PersonRow
from storage.repositories.base import SqlRepository, norm, person_of
from storage.repositories.statements import PERSON_AREAS, PERSON_WITH_AREAS


class SqlPeople(SqlRepository):
    """Persons, accounts, person areas, settings and invitations."""

    _areas: tuple[int, list[Area]] | None = None  # a person's areas, read with them by `person_by_account`

    def upsert_person(
        self, group_id: str, name: str, organisation: str, role: str, language: str, receives_report: bool
    ) -> Person:
        key = norm(name)
        row = self.s.scalar(select(PersonRow).where(PersonRow.group_id == group_id, PersonRow.name_key == key))
        if row is None:
            row = PersonRow(
                group_id=group_id,
                name=name,
                name_key=key,
                organisation=organisation,
                role=role,
                language=language,
                receives_report=receives_report,
                active=True,
                forgotten=False,
            )
            self.s.add(row)
        else:
            row.name, row.organisation, row.role = name, organisation, role
            row.receives_report = receives_report
        self.s.flush()
        return person_of(row)

    def get_person(self, person_id: int) -> Person:
        row = self.s.get(PersonRow, person_id)
        if row is None:
            raise KeyError(person_id)
        return person_of(row)

    def person_by_name(self, group_id: str, name: str) -> Person | None:
        row = self.s.scalar(select(PersonRow).where(PersonRow.group_id == group_id, PersonRow.name_key == norm(name)))
        return person_of(row) if row else None

    def persons(self, group_id: str, active_only: bool = True) -> list[Person]:
        q = select(PersonRow).where(PersonRow.group_id == group_id, PersonRow.forgotten.is_(False))
        if active_only:
            q = q.where(PersonRow.active.is_(True))
        return [person_of(r) for r in self.s.scalars(q.order_by(PersonRow.name))]

    def person_by_account(self, platform: str, external_id: str) -> Person | None:
        """Every incoming event starts here: a statement built once (statements.py), no ORM loading. The person's
        areas come with it, for the next `person_areas` of this person in this unit of work."""
        rows = self._core(PERSON_WITH_AREAS, {"platform": platform, "external_id": external_id}).all()
        if not rows:
            return None
        person = person_of(rows[0])
        self._areas = (person.id, [Area(r.area_id, r.area_group_id, r.code, r.area_name) for r in rows if r.area_id])
        return person

    def areas_changed(self) -> None:
        """Forget the areas read with a person (their areas were just changed in this unit of work)."""
        self._areas = None

    def link_account(self, platform: str, external_id: str, person_id: int) -> None:
        row = self.s.get(AccountRow, (platform, external_id))
        if row is None:
            self.s.add(AccountRow(platform=platform, external_id=external_id, person_id=person_id))
        else:
            row.person_id = person_id
        self.s.flush()

    def unlink_account(self, platform: str, external_id: str) -> None:
        row = self.s.get(AccountRow, (platform, external_id))
        if row is not None:
            self.s.delete(row)
            self.s.flush()

    def account_owner(self, platform: str, external_id: str) -> int | None:
        row = self.s.get(AccountRow, (platform, external_id))
        return row.person_id if row else None

    def accounts_of(self, person_id: int) -> list[tuple[str, str]]:
        rows = self.s.execute(
            select(AccountRow.platform, AccountRow.external_id)
            .where(AccountRow.person_id == person_id)
            .order_by(AccountRow.platform, AccountRow.external_id)  # one order: `reach` takes the first
        )
        return [(p, e) for p, e in rows]

    def accounts_in_group(self, group_id: str) -> dict[int, list[tuple[str, str]]]:
        rows = self.s.execute(
            select(AccountRow.person_id, AccountRow.platform, AccountRow.external_id)
            .join(PersonRow, PersonRow.id == AccountRow.person_id)
            .where(PersonRow.group_id == group_id)
            .order_by(AccountRow.person_id, AccountRow.platform, AccountRow.external_id)  # as `accounts_of`
        )
        accounts: dict[int, list[tuple[str, str]]] = {}
        for person_id, platform, external_id in rows:
            accounts.setdefault(person_id, []).append((platform, external_id))
        return accounts

    def set_person_areas(self, person_id: int, area_ids: list[int]) -> None:
        self._areas = None
        self.s.execute(delete(PersonAreaRow).where(PersonAreaRow.person_id == person_id))
        for pos, aid in enumerate(area_ids):
            self.s.add(PersonAreaRow(person_id=person_id, area_id=aid, position=pos))
        self.s.flush()

    def person_areas(self, person_id: int) -> list[Area]:
        read, self._areas = self._areas, None  # read with the person just before, or else now
        if read is not None and read[0] == person_id:
            return read[1]
        return [Area(*r) for r in self._core(PERSON_AREAS, {"person_id": person_id})]

    def set_language(self, person_id: int, lang: str) -> None:
        self.s.execute(update(PersonRow).where(PersonRow.id == person_id).values(language=lang))

    def set_paused(self, person_id: int, until: datetime | None) -> None:
        self.s.execute(update(PersonRow).where(PersonRow.id == person_id).values(paused_until=until))

    def set_active(self, person_id: int, active: bool) -> None:
        self.s.execute(update(PersonRow).where(PersonRow.id == person_id).values(active=active))

    def set_channel(self, person_id: int, channel: str | None) -> None:
        self.s.execute(update(PersonRow).where(PersonRow.id == person_id).values(channel=channel))

    def set_receives_report(self, person_id: int, receives: bool) -> None:
        self.s.execute(update(PersonRow).where(PersonRow.id == person_id).values(receives_report=receives))

    def create_invite(self, code: str, person_id: int, now: datetime, expires_at: datetime) -> None:
        self.s.add(InviteRow(code=code, person_id=person_id, created_at=now, expires_at=expires_at))
        self.s.flush()

    def use_invite(self, code: str, used_by: str, now: datetime) -> int | None:
        """Spend a one-time code; the person it was made for, or None if unknown, used or expired."""
        row = self.s.execute(
            update(InviteRow)
            .where(InviteRow.code == code, InviteRow.used_at.is_(None), InviteRow.expires_at > now)
            .values(used_at=now, used_by=used_by)
            .returning(InviteRow.person_id)
        ).first()
        return int(row[0]) if row else None
