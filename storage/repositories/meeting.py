"""The meeting: candidates for priorities, votes on them, decisions, and the actions decided."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.orm import Session

from bot.domain.cycle import RoundKey
from bot.domain.model import Action, Candidate
from storage.models import ActionRow, AreaRow, CandidateRow, PlaceRow, RoundRow, VoteRow
from storage.repositories.base import SqlRepository
from storage.repositories.groups import SqlGroups

_VOTES = (
    select(func.count())
    .select_from(VoteRow)
    .where(VoteRow.candidate_id == CandidateRow.id)
    .correlate(CandidateRow)
    .scalar_subquery()
)


class SqlMeeting(SqlRepository):
    """Candidates, votes, decisions and actions."""

    def __init__(self, session: Session, groups: SqlGroups) -> None:
        super().__init__(session)
        self.groups = groups

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
        rnd = self.s.get(RoundRow, round_id)
        assert rnd is not None
        area_row = self.groups.area_by_code(rnd.group_id, area)
        place_id = None
        if place:
            # a place named in a priority is shown with it: naming it approves it
            place_id = self.groups.get_or_create_place(area_row.id, place, rnd.created_at, approved=True).id
        stmt = self._insert(CandidateRow).values(
            round_id=round_id,
            key=key,
            area_id=area_row.id,
            place_id=place_id,
            factors=",".join(factors),
            title=title,
            reasons="\n".join(reasons),
            source=source,
            position=position,
            status="candidate",
        )
        self.s.execute(stmt.on_conflict_do_nothing(index_elements=["round_id", "key"]))
        return self.s.scalar(select(CandidateRow.id).where(CandidateRow.round_id == round_id, CandidateRow.key == key))

    def _candidates(self, where: Any) -> list[Candidate]:
        """The candidates `where` holds, each with its area, place and votes, in one statement."""
        q = (
            select(
                CandidateRow.id,
                CandidateRow.round_id,
                CandidateRow.key,
                AreaRow.code,
                AreaRow.name,
                PlaceRow.name,
                CandidateRow.factors,
                CandidateRow.title,
                CandidateRow.reasons,
                CandidateRow.source,
                CandidateRow.action_type,
                CandidateRow.responsible,
                CandidateRow.timeframe,
                CandidateRow.status,
                _VOTES,
            )
            .join(AreaRow, AreaRow.id == CandidateRow.area_id)
            .outerjoin(PlaceRow, PlaceRow.id == CandidateRow.place_id)
            .where(where)
            .order_by(CandidateRow.position, CandidateRow.id)
        )
        return [
            Candidate(
                cid,
                round_id,
                key,
                area_code,
                area_name,
                place,
                tuple(f for f in factors.split(",") if f),
                title,
                tuple(r for r in reasons.split("\n") if r),
                source,
                action_type,
                responsible,
                timeframe,
                status,
                int(votes or 0),
            )
            for (
                cid,
                round_id,
                key,
                area_code,
                area_name,
                place,
                factors,
                title,
                reasons,
                source,
                action_type,
                responsible,
                timeframe,
                status,
                votes,
            ) in self.s.execute(q)
        ]

    def candidates(self, round_id: int) -> list[Candidate]:
        return self._candidates(CandidateRow.round_id == round_id)

    def candidate_ids(self, round_id: int) -> list[int]:
        return list(
            self.s.scalars(
                select(CandidateRow.id)
                .where(CandidateRow.round_id == round_id)
                .order_by(CandidateRow.position, CandidateRow.id)
            )
        )

    def get_candidate(self, candidate_id: int) -> Candidate | None:
        found = self._candidates(CandidateRow.id == candidate_id)
        return found[0] if found else None

    def vote(self, candidate_id: int, person_id: int, on: bool) -> bool:
        """Add or withdraw one person's vote; True if that changed anything (a double click does not)."""
        if on:
            stmt = self._insert(VoteRow).values(candidate_id=candidate_id, person_id=person_id)
            stmt = stmt.on_conflict_do_nothing(index_elements=["candidate_id", "person_id"])
            return self.s.execute(stmt.returning(VoteRow.person_id)).first() is not None
        else:
            res = self.s.execute(
                delete(VoteRow).where(VoteRow.candidate_id == candidate_id, VoteRow.person_id == person_id)
            )
        return bool(res.rowcount == 1)  # type: ignore[attr-defined]

    def set_candidate_field(self, candidate_id: int, field: str, value: str) -> bool:
        if field not in ("action_type", "responsible", "timeframe"):
            raise ValueError(field)
        row = self.s.get(CandidateRow, candidate_id)
        if row is None or getattr(row, field) == value:
            return False
        setattr(row, field, value)
        self.s.flush()
        return True

    def decide_candidate(self, candidate_id: int, decided: bool, group_id: str, round_id: int, now: datetime) -> None:
        row = self.s.get(CandidateRow, candidate_id)
        assert row is not None
        row.status = "decided" if decided else "dropped"
        if decided:
            votes = int(
                self.s.scalar(select(func.count()).select_from(VoteRow).where(VoteRow.candidate_id == candidate_id))
                or 0
            )
            stmt = self._insert(ActionRow).values(
                group_id=group_id,
                round_id=round_id,
                candidate_id=candidate_id,
                area_id=row.area_id,
                place_id=row.place_id,
                factors=row.factors,
                title=row.title,
                action_type=row.action_type,
                responsible=row.responsible,
                timeframe=row.timeframe,
                votes=votes,
                status="planned",
                created_at=now,
            )
            self.s.execute(stmt.on_conflict_do_nothing(index_elements=["candidate_id"]))
        self.s.flush()

    def _actions(self, where: Any) -> list[Action]:
        q = (
            select(ActionRow, RoundRow, AreaRow, PlaceRow.name)
            .join(RoundRow, RoundRow.id == ActionRow.round_id)
            .join(AreaRow, AreaRow.id == ActionRow.area_id)
            .outerjoin(PlaceRow, PlaceRow.id == ActionRow.place_id)
            .where(where)
            .order_by(ActionRow.id)
        )
        return [
            Action(
                a.id,
                RoundKey(r.year, r.week),
                ar.code,
                ar.name,
                place,
                tuple(f for f in a.factors.split(",") if f),
                a.title,
                a.action_type,
                a.responsible,
                a.timeframe,
                a.votes,
                a.status,
            )
            for a, r, ar, place in self.s.execute(q)
        ]

    def actions_for_round(self, round_id: int) -> list[Action]:
        return self._actions(ActionRow.round_id == round_id)

    def actions(self, group_id: str) -> list[Action]:
        return self._actions(ActionRow.group_id == group_id)

    def set_action_status(self, group_id: str, action_id: int, status: str) -> bool:
        res = self.s.execute(
            update(ActionRow)
            .where(and_(ActionRow.id == action_id, ActionRow.group_id == group_id))
            .values(status=status)
        )
        return bool(res.rowcount == 1)  # type: ignore[attr-defined]
