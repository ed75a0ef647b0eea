"""Sign-in links and sessions of the web view, kept as hashes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update

from bot.ports.web import LinkSpent
from storage.models import FormLinkRow, WebLinkRow, WebSessionRow
from storage.repositories.base import SqlRepository


class SqlWeb(SqlRepository):
    def create_link(self, token_hash: str, person_id: int, now: datetime, expires_at: datetime) -> None:
        self.s.add(WebLinkRow(token_hash=token_hash, person_id=person_id, created_at=now, expires_at=expires_at))
        self.s.flush()

    def links_since(self, person_id: int, since: datetime) -> int:
        q = select(func.count()).where(WebLinkRow.person_id == person_id, WebLinkRow.created_at > since)
        return int(self.s.execute(q).scalar_one())

    def use_link(self, token_hash: str, now: datetime) -> LinkSpent:
        # One statement spends it: of two clicks at once, exactly one gets the person.
        row = self.s.execute(
            update(WebLinkRow)
            .where(WebLinkRow.token_hash == token_hash, WebLinkRow.used_at.is_(None), WebLinkRow.expires_at > now)
            .values(used_at=now)
            .returning(WebLinkRow.person_id)
        ).first()
        if row is not None:
            return LinkSpent(int(row[0]))
        link = self.s.get(WebLinkRow, token_hash)
        if link is None:
            return LinkSpent(None, "unknown")
        return LinkSpent(None, "used" if link.used_at is not None else "expired")

    def peek_link(self, token_hash: str, now: datetime) -> LinkSpent:
        link = self.s.get(WebLinkRow, token_hash)
        if link is None:
            return LinkSpent(None, "unknown")
        if link.used_at is not None:
            return LinkSpent(link.person_id, "used")
        return LinkSpent(link.person_id, None if link.expires_at > now else "expired")

    def start_session(self, session_hash: str, person_id: int, now: datetime) -> None:
        self.s.add(WebSessionRow(session_hash=session_hash, person_id=person_id, created_at=now, seen_at=now))
        self.s.flush()

    def session_person(
        self, session_hash: str, now: datetime, idle_since: datetime, started_since: datetime
    ) -> int | None:
        row = self.s.execute(
            update(WebSessionRow)
            .where(
                WebSessionRow.session_hash == session_hash,
                WebSessionRow.ended_at.is_(None),
                WebSessionRow.seen_at > idle_since,
                WebSessionRow.created_at > started_since,
            )
            .values(seen_at=now)
            .returning(WebSessionRow.person_id)
        ).first()
        return int(row[0]) if row else None

    def end_session(self, session_hash: str, now: datetime) -> None:
        self.s.execute(
            update(WebSessionRow)
            .where(WebSessionRow.session_hash == session_hash, WebSessionRow.ended_at.is_(None))
            .values(ended_at=now)
        )

    def form_generation(self, person_id: int, round_id: int) -> int:
        row = self.s.get(FormLinkRow, (person_id, round_id), populate_existing=True)  # as revoke_form_links left it
        return row.generation if row is not None else 0

    def revoke_form_links(self, person_id: int, round_id: int, now: datetime) -> int:
        # One statement, so two confirmations at once (a double click) both move the generation on, and neither
        # meets the other's new row as a duplicate key.
        stmt = self._insert(FormLinkRow).values(person_id=person_id, round_id=round_id, generation=1, revoked_at=now)
        stmt = stmt.on_conflict_do_update(
            index_elements=["person_id", "round_id"],
            set_={"generation": FormLinkRow.generation + 1, "revoked_at": now},
        ).returning(FormLinkRow.generation)
        return int(self.s.execute(stmt).scalar_one())

    def prune(self, before: datetime) -> int:
        # a session that ended was seen last when it ended
        links = self._core(delete(WebLinkRow).where(WebLinkRow.expires_at < before), {}).rowcount
        sessions = self._core(delete(WebSessionRow).where(WebSessionRow.seen_at < before), {}).rowcount
        return int(links or 0) + int(sessions or 0)
