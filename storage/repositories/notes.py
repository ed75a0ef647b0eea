"""Reporters' notes as a coordinator reviews and edits them, and the coordinators' own observations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.model import NoteForReview
from storage.models import AnswerRow, AreaRow, ObservationRow, OutboxRow, PlaceRow, ResponseRow, RoundRow
from storage.redaction import quote_pattern, redact
from storage.repositories.base import SqlRepository
from storage.repositories.groups import SqlGroups


class SqlNotes(SqlRepository):
    """Notes for review, their review and edits, and observations (reached as `uow.rounds.<method>`)."""

    def __init__(self, session: Session, groups: SqlGroups) -> None:
        super().__init__(session)
        self.groups = groups

    def notes_for_review(self, round_id: int) -> list[NoteForReview]:
        out: list[NoteForReview] = []
        q = (
            select(AnswerRow, AreaRow.code, PlaceRow.name)
            .join(ResponseRow, ResponseRow.id == AnswerRow.response_id)
            .join(AreaRow, AreaRow.id == AnswerRow.area_id)
            .outerjoin(PlaceRow, PlaceRow.id == AnswerRow.place_id)
            .where(ResponseRow.round_id == round_id, ResponseRow.status == "submitted", AnswerRow.note.is_not(None))
            .order_by(AnswerRow.id)
        )
        for a, code, place in self.s.execute(q):
            where = f"{code}/{a.factor}" + (f"/{place}" if place else "")
            out.append(NoteForReview(a.id * 2, a.note_review, where, a.note))
        for r in self.s.scalars(
            select(ResponseRow).where(
                ResponseRow.round_id == round_id, ResponseRow.status == "submitted", ResponseRow.more_note.is_not(None)
            )
        ):
            if r.more_note is not None:  # as the query asks; the column is optional
                out.append(NoteForReview(r.id * 2 + 1, r.more_review, "–", r.more_note))
        return out

    def set_note_review(self, round_id: int, ident: str, status: str) -> bool:
        if not ident.isdigit():
            return False
        n = int(ident)
        if n % 2 == 0:
            a = self.s.get(AnswerRow, n // 2)
            if a is None or a.note is None:
                return False
            resp = self.s.get(ResponseRow, a.response_id)
            if resp is None or resp.round_id != round_id:
                return False
            a.note_review = status
            return True
        r = self.s.get(ResponseRow, n // 2)
        if r is None or r.round_id != round_id or r.more_note is None:
            return False
        r.more_review = status
        return True

    def add_observation(
        self,
        round_id: int,
        author_id: int,
        author: str,
        source: str,
        area: str | None,
        factor: str | None,
        text: str,
        now: datetime,
    ) -> None:
        rnd = self.s.get(RoundRow, round_id)
        assert rnd is not None
        area_id = self.groups.area_by_code(rnd.group_id, area).id if area else None
        self.s.add(
            ObservationRow(
                round_id=round_id,
                author_id=author_id,
                author=author,
                source=source,
                area_id=area_id,
                factor=factor,
                text=text,
                created_at=now,
            )
        )
        self.s.flush()

    def edit_note(self, round_id: int, ident: str, text: str) -> bool:
        """A coordinator's rewrite of a note (e.g. a name taken out): stored, approved, and put into the
        reporter's saved questionnaire too, so a later edit of theirs does not bring the old text back."""
        if not ident.isdigit():
            return False
        n = int(ident)
        resp: ResponseRow | None
        if n % 2 == 0:
            a = self.s.get(AnswerRow, n // 2)
            if a is None or a.note is None:
                return False
            resp = self.s.get(ResponseRow, a.response_id)
            if resp is None or resp.round_id != round_id:
                return False
            self._requote(a.note, text)
            a.note, a.note_review = text, "approved"
            code = self.s.scalar(select(AreaRow.code).where(AreaRow.id == a.area_id))
            state = dict(resp.state or {})
            answers = {k: dict(v) for k, v in (state.get("answers") or {}).items()}
            if f"{code}|{a.factor}" in answers:
                answers[f"{code}|{a.factor}"]["note"] = text
            state["answers"] = answers
            resp.state = state
            return True
        resp = self.s.get(ResponseRow, n // 2)
        if resp is None or resp.round_id != round_id or resp.more_note is None:
            return False
        self._requote(resp.more_note, text)
        resp.more_note, resp.more_review = text, "approved"
        resp.state = {**(resp.state or {}), "more": text}
        return True

    def _requote(self, old: str, new: str) -> None:
        """Messages, queued or sent, that quote a note which a coordinator rewrote quote the new text: the old
        one (often with a name in it) is kept nowhere, and `forget` later finds the text that is stored."""
        pattern = [quote_pattern(old)]
        for message in self.s.scalars(select(OutboxRow)):
            payload = redact(message.payload, pattern, new)
            if payload != message.payload:
                message.payload = payload
