"""Rounds (one per group and week) and the reporters' responses to them, with what is read of them whole: the
round's status, the picture's input, and the notes a coordinator reviews."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.domain.conversation_state import ConversationState
from bot.domain.cycle import Phase, RoundKey
from bot.domain.factors import Factor
from bot.domain.model import AnswerIn, LastAnswer, NoteForReview, OwnAnswer, Response, Round, RoundStatus
from bot.domain.picture import PictureInput, Report
from storage.models import AnswerRow, AreaRow, PersonRow, PlaceRow, ResponseRow, RoundRow
from storage.repositories.base import SqlRepository, response_of, round_of
from storage.repositories.groups import SqlGroups
from storage.repositories.notes import SqlNotes
from storage.repositories.people import SqlPeople
from storage.repositories.picture import SqlPictures
from storage.repositories.statements import (
    DELETE_ANSWERS,
    INSERT_ANSWERS,
    LAST_SUBMITTED_ANSWERS,
    OLD_NOTES,
    RESPONSE_FOR_UPDATE,
    ROUND_BY_ID,
    SAVE_RESPONSE,
    SET_MORE,
)


class SqlRounds(SqlRepository):
    """Rounds, responses, answers, snoozes and reminders; the picture's input and the notes, by delegation."""

    def __init__(self, session: Session, groups: SqlGroups, people: SqlPeople) -> None:
        super().__init__(session)
        self.people = people
        self.pictures = SqlPictures(session, groups)
        self.notes = SqlNotes(session, groups)

    def get_round(self, group_id: str, key: RoundKey) -> Round | None:
        r = self.s.scalar(
            select(RoundRow).where(RoundRow.group_id == group_id, RoundRow.year == key.year, RoundRow.week == key.week)
        )
        return round_of(r) if r else None

    def get_round_by_id(self, round_id: int) -> Round | None:
        r = self._core(ROUND_BY_ID, {"round_id": round_id}).first()
        return round_of(r) if r else None

    def create_round(self, group_id: str, key: RoundKey, now: datetime) -> Round:
        """Insert the round unless another process just did; either way return it."""
        stmt = self._insert(RoundRow).values(
            group_id=group_id, year=key.year, week=key.week, phase=Phase.PLANNED.value, created_at=now
        )
        self.s.execute(stmt.on_conflict_do_nothing(index_elements=["group_id", "year", "week"]))
        r = self.get_round(group_id, key)
        assert r is not None
        return r

    def recent_rounds(self, group_id: str, n: int) -> list[Round]:
        rows = self.s.scalars(
            select(RoundRow)
            .where(RoundRow.group_id == group_id)
            .order_by(RoundRow.year.desc(), RoundRow.week.desc())
            .limit(n)
        )
        return [round_of(r) for r in rows]

    def unpublished_rounds(self, group_id: str) -> list[Round]:
        rows = self.s.scalars(
            select(RoundRow)
            .where(RoundRow.group_id == group_id, RoundRow.phase != Phase.PUBLISHED.value)
            .order_by(RoundRow.year, RoundRow.week)
        )
        return [round_of(r) for r in rows]

    def set_phase(self, round_id: int, old: Phase, new: Phase, now: datetime) -> bool:
        """Compare-and-set: only one caller ever moves a round from `old` to `new`."""
        values: dict[str, Any] = {"phase": new.value}
        stamp = {
            Phase.OPEN: "opened_at",
            Phase.CLOSED: "closed_at",
            Phase.DRAFTED: "drafted_at",
            Phase.FINALISED: "finalised_at",
            Phase.PUBLISHED: "published_at",
        }.get(new)
        if stamp:
            values[stamp] = now
        res = self.s.execute(
            update(RoundRow).where(RoundRow.id == round_id, RoundRow.phase == old.value).values(**values)
        )
        return bool(res.rowcount == 1)  # type: ignore[attr-defined]

    def owe_charts(self, round_id: int) -> None:
        self.s.execute(update(RoundRow).where(RoundRow.id == round_id).values(charts_owed=True))

    def charts_owed(self, group_id: str) -> list[Round]:
        rows = self.s.scalars(
            select(RoundRow)
            .where(RoundRow.group_id == group_id, RoundRow.charts_owed.is_(True))
            .order_by(RoundRow.year, RoundRow.week)
        )
        return [round_of(r) for r in rows]

    def settle_charts(self, round_id: int) -> bool:
        res = self.s.execute(
            update(RoundRow).where(RoundRow.id == round_id, RoundRow.charts_owed.is_(True)).values(charts_owed=False)
        )
        return bool(res.rowcount == 1)  # type: ignore[attr-defined]

    def get_response(self, round_id: int, person_id: int) -> Response | None:
        r = self.s.scalar(
            select(ResponseRow).where(ResponseRow.round_id == round_id, ResponseRow.person_id == person_id)
        )
        return response_of(r) if r else None

    def get_or_create_response(self, round_id: int, person_id: int, organisation: str, now: datetime) -> Response:
        """The reporter's row for the round, locked for this unit of work; created if missing. In a batch, as
        the batch last saved it (storage/batch.py)."""
        params = {"round_id": round_id, "person_id": person_id}
        r = self._core(RESPONSE_FOR_UPDATE, params).first()
        if r is None:
            stmt = self._insert(ResponseRow).values(
                round_id=round_id,
                person_id=person_id,
                organisation=organisation,
                status="pending",
                state={},
                version=0,
                reminders=0,
                late=False,
                updated_at=now,
                more_review="pending",
            )
            self.s.execute(stmt.on_conflict_do_nothing(index_elements=["round_id", "person_id"]))
            r = self._core(RESPONSE_FOR_UPDATE, params).first()
        assert r is not None
        return response_of(r)

    def create_responses(self, round_id: int, people: Sequence[tuple[int, str]], now: datetime) -> None:
        if not people:
            return
        rows = [
            {
                "round_id": round_id,
                "person_id": person_id,
                "organisation": organisation,
                "status": "pending",
                "state": {},
                "version": 0,
                "reminders": 0,
                "late": False,
                "updated_at": now,
                "more_review": "pending",
            }
            for person_id, organisation in people
        ]
        stmt = self._insert(ResponseRow.__table__).on_conflict_do_nothing(index_elements=["round_id", "person_id"])
        self.s.execute(stmt, rows)

    def save_response(
        self,
        response_id: int,
        version: int,
        state: ConversationState,
        status: str,
        snoozed_until: datetime | None,
        late: bool,
        submitted_at: datetime | None,
        now: datetime,
    ) -> None:
        params = save_params(response_id, version, state, status, snoozed_until, late, submitted_at, now)
        if self._core(SAVE_RESPONSE, params).rowcount != 1:
            raise RuntimeError(f"response {response_id} changed concurrently")

    def set_reminders(self, response_id: int, n: int) -> None:
        self.s.execute(update(ResponseRow).where(ResponseRow.id == response_id).values(reminders=n))

    def max_reminders(self, round_id: int) -> int:
        return int(self.s.scalar(select(func.max(ResponseRow.reminders)).where(ResponseRow.round_id == round_id)) or 0)

    def due_snoozes(self, group_id: str, now: datetime) -> list[tuple[Response, Round]]:
        rows = self.s.execute(
            select(ResponseRow, RoundRow)
            .join(RoundRow, RoundRow.id == ResponseRow.round_id)
            .where(RoundRow.group_id == group_id, ResponseRow.status == "snoozed", ResponseRow.snoozed_until <= now)
        )
        return [(response_of(r), round_of(rr)) for r, rr in rows]

    def replace_answers(self, response_id: int, answers: list[AnswerIn], more: str | None) -> None:
        """A sent questionnaire's answers, replacing any earlier ones; a note kept word for word keeps its review."""
        params = {"response_id": response_id}
        old = {(area_id, factor): (note, review) for area_id, factor, note, review in self._core(OLD_NOTES, params)}
        self._core(DELETE_ANSWERS, params)
        rows = []
        for a in answers:
            prev = old.get((a.area_id, a.factor))
            review = prev[1] if prev is not None and prev[0] == a.note else "pending"
            rows.append(
                {
                    "response_id": response_id,
                    "area_id": a.area_id,
                    "factor": a.factor,
                    "level": a.level,
                    "place_id": a.place_id,
                    "note": a.note,
                    "note_review": review,
                }
            )
        if rows:
            self._core(INSERT_ANSWERS, rows)
        self._core(SET_MORE, {"b_id": response_id, "b_more": more})

    def last_submitted_answers(self, group_id: str, key: RoundKey, person_id: int) -> dict[str, LastAnswer] | None:
        prev = key.prev()
        params = {"group_id": group_id, "year": prev.year, "week": prev.week, "person_id": person_id}
        rows = self._core(LAST_SUBMITTED_ANSWERS, params).all()
        if not rows:
            return None
        out: dict[str, LastAnswer] = {}
        for _response_id, factor, level, code, place in rows:
            if factor is not None:  # a sent response without answers has one row of nothing
                out[f"{code}|{factor}"] = {"level": level, "place": place} if place else {"level": level}
        return out

    def own_answers(self, person_id: int) -> list[OwnAnswer]:
        q = (
            select(ResponseRow, RoundRow.year, RoundRow.week, AnswerRow, AreaRow.code, PlaceRow.name)
            .join(RoundRow, RoundRow.id == ResponseRow.round_id)
            .join(AnswerRow, AnswerRow.response_id == ResponseRow.id)
            .join(AreaRow, AreaRow.id == AnswerRow.area_id)
            .outerjoin(PlaceRow, PlaceRow.id == AnswerRow.place_id)
            .where(ResponseRow.person_id == person_id, ResponseRow.status == "submitted")
            .order_by(RoundRow.year.desc(), RoundRow.week.desc(), ResponseRow.id, AnswerRow.id)
        )
        return [
            OwnAnswer(RoundKey(year, week), r.submitted_at, r.late, r.more_note, code, a.factor, a.level, place, a.note)
            for r, year, week, a, code, place in self.s.execute(q)
        ]

    def round_status(self, round_id: int, group_id: str, now: datetime) -> RoundStatus:
        # The columns only, not the rows as objects: the web view's week page asks this for every view.
        rows = self.s.execute(
            select(ResponseRow.status, ResponseRow.late, PersonRow.name)
            .outerjoin(PersonRow, PersonRow.id == ResponseRow.person_id)
            .where(ResponseRow.round_id == round_id)
        )
        expected = done = late = 0
        missing: list[str] = []
        for status, was_late, name in rows:
            expected += 1
            if status == "submitted":
                done += 1
                late += int(was_late)
            elif name is not None:
                missing.append(name)
        pausing = self.s.execute(
            select(PersonRow.name, PersonRow.paused_until)
            .where(
                PersonRow.group_id == group_id,
                PersonRow.forgotten.is_(False),
                PersonRow.active.is_(True),
                PersonRow.paused_until.is_not(None),
            )
            .order_by(PersonRow.name)
        )
        paused = [name for name, until in pausing if until > now]  # as Person.is_paused, in the persons' order
        return RoundStatus(expected, done, late, tuple(sorted(missing)), tuple(paused))

    # ------------------------------------------------------------ read whole, and the notes

    def picture_input(
        self, group_id: str, group_name: str, rnd: Round, factors: list[Factor], threshold: int, now: datetime
    ) -> PictureInput:
        status = self.round_status(rnd.id, group_id, now)
        return self.pictures.picture_input(group_id, group_name, rnd, factors, threshold, status)

    def reporter_answers(
        self, group_id: str, before: RoundKey, weeks: int, cells: Collection[tuple[str, str]]
    ) -> dict[RoundKey, list[Report]]:
        return self.pictures.reporter_answers(group_id, before, weeks, cells)

    def _reports(self, round_ids: list[int]) -> dict[int, list[Report]]:
        return self.pictures.reports(round_ids)

    def notes_for_review(self, round_id: int) -> list[NoteForReview]:
        return self.notes.notes_for_review(round_id)

    def set_note_review(self, round_id: int, ident: str, status: str) -> bool:
        return self.notes.set_note_review(round_id, ident, status)

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
        self.notes.add_observation(round_id, author_id, author, source, area, factor, text, now)

    def edit_note(self, round_id: int, ident: str, text: str) -> bool:
        return self.notes.edit_note(round_id, ident, text)


def save_params(
    response_id: int,
    version: int,
    state: ConversationState,
    status: str,
    snoozed_until: datetime | None,
    late: bool,
    submitted_at: datetime | None,
    now: datetime,
) -> dict[str, Any]:
    """The parameters of SAVE_RESPONSE: one response saved over the version it was read at."""
    return {
        "b_id": response_id,
        "b_version": version,
        "b_state": state.to_json(),
        "b_status": status,
        "b_snoozed_until": snoozed_until,
        "b_late": late,
        "b_submitted_at": submitted_at,
        "b_updated_at": now,
        "b_next_version": version + 1,
    }
