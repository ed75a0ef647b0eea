"""Read models over weeks: the figures reports, trends and exports are made of."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from bot.domain.cycle import RoundKey
from bot.domain.stats import (
    AnswerRecord,
    CellStat,
    NonResponder,
    Participation,
    PlaceLevel,
    PlaceMention,
    PlaceWeek,
    WeekStat,
)
from storage.models import (
    ActionRow,
    AnswerRow,
    AreaRow,
    PersonAreaRow,
    PersonRow,
    PlaceRow,
    ResponseRow,
    RoundRow,
    VoteRow,
)
from storage.repositories.base import APPROVED_PLACE, SqlRepository


class SqlHistory(SqlRepository):
    """Figures over weeks, read only."""

    @staticmethod
    def _weeks(first: RoundKey, last: RoundKey) -> Any:
        n = RoundRow.year * 100 + RoundRow.week
        return and_(n >= first.year * 100 + first.week, n <= last.year * 100 + last.week)

    def week_stats(self, group_id: str, first: RoundKey, last: RoundKey) -> list[WeekStat]:
        """Each round from `first` to `last`: phase, reporters asked, reports submitted; oldest first."""
        submitted = func.sum(case((ResponseRow.status == "submitted", 1), else_=0))
        q = (
            select(RoundRow.year, RoundRow.week, RoundRow.phase, func.count(ResponseRow.id), submitted)
            .outerjoin(ResponseRow, ResponseRow.round_id == RoundRow.id)
            .where(RoundRow.group_id == group_id, self._weeks(first, last))
            .group_by(RoundRow.id, RoundRow.year, RoundRow.week, RoundRow.phase)
            .order_by(RoundRow.year, RoundRow.week)
        )
        return [WeekStat(RoundKey(y, w), ph, int(n), int(done or 0)) for y, w, ph, n, done in self.s.execute(q)]

    def cell_stats(self, group_id: str, first: RoundKey, last: RoundKey) -> list[CellStat]:
        """Count, sum and highest level of the submitted reports per week, area and factor."""
        q = (
            select(
                RoundRow.year,
                RoundRow.week,
                AreaRow.code,
                AnswerRow.factor,
                func.count(AnswerRow.id),
                func.sum(AnswerRow.level),
                func.max(AnswerRow.level),
            )
            .join(ResponseRow, ResponseRow.round_id == RoundRow.id)
            .join(AnswerRow, AnswerRow.response_id == ResponseRow.id)
            .join(AreaRow, AreaRow.id == AnswerRow.area_id)
            .where(RoundRow.group_id == group_id, ResponseRow.status == "submitted", self._weeks(first, last))
            .group_by(RoundRow.year, RoundRow.week, AreaRow.code, AnswerRow.factor)
            .order_by(RoundRow.year, RoundRow.week, AreaRow.code, AnswerRow.factor)
        )
        return [
            CellStat(RoundKey(y, w), area, factor, int(n), int(total or 0), int(top))
            for y, w, area, factor, n, total, top in self.s.execute(q)
        ]

    def level_counts(
        self, group_id: str, first: RoundKey, last: RoundKey
    ) -> dict[RoundKey, dict[tuple[str, str, int], int]]:
        """The submitted reports of each week counted by (area, factor, level); weeks without reports left out."""
        # On the connection, grouped by the area's id (its code read apart): a year of a large group is
        # tens of thousands of rows, and the ORM's result handling and the join would cost more than the counting.
        q = (
            select(RoundRow.year, RoundRow.week, AnswerRow.area_id, AnswerRow.factor, AnswerRow.level, func.count())
            .join(ResponseRow, ResponseRow.round_id == RoundRow.id)
            .join(AnswerRow, AnswerRow.response_id == ResponseRow.id)
            .where(RoundRow.group_id == group_id, ResponseRow.status == "submitted", self._weeks(first, last))
            .group_by(RoundRow.year, RoundRow.week, AnswerRow.area_id, AnswerRow.factor, AnswerRow.level)
        )
        areas = self._core(select(AreaRow.id, AreaRow.code).where(AreaRow.group_id == group_id), {})
        code: dict[int, str] = {area_id: area for area_id, area in areas}
        out: dict[tuple[int, int], dict[tuple[str, str, int], int]] = defaultdict(dict)
        for y, w, area_id, factor, level, n in self._core(q, {}):
            out[(y, w)][(code[area_id], factor, int(level))] = int(n)
        return {RoundKey(y, w): counts for (y, w), counts in out.items()}  # a key per week, not per row

    def place_weeks(self, group_id: str, first: RoundKey, last: RoundKey, threshold: int) -> list[PlaceWeek]:
        """Each approved place named in each week's submitted reports: how many reports named it at or above
        `threshold` and at all, for which factors, and whether it was known before the week's round."""
        high = AnswerRow.level >= threshold
        base = (
            select(RoundRow.year, RoundRow.week, AreaRow.code, PlaceRow.id)
            .join(ResponseRow, ResponseRow.round_id == RoundRow.id)
            .join(AnswerRow, AnswerRow.response_id == ResponseRow.id)
            .join(AreaRow, AreaRow.id == AnswerRow.area_id)
            .join(PlaceRow, APPROVED_PLACE)
            .where(RoundRow.group_id == group_id, ResponseRow.status == "submitted", self._weeks(first, last))
        )
        known = or_(PlaceRow.configured.is_(True), PlaceRow.created_at < RoundRow.created_at)
        places = base.add_columns(
            PlaceRow.name,
            func.max(case((known, 1), else_=0)),
            func.count(func.distinct(case((high, ResponseRow.id)))),
            func.count(func.distinct(ResponseRow.id)),
        ).group_by(RoundRow.year, RoundRow.week, AreaRow.code, PlaceRow.id, PlaceRow.name)
        factors = base.add_columns(AnswerRow.factor, func.max(AnswerRow.level)).group_by(
            RoundRow.year, RoundRow.week, AreaRow.code, PlaceRow.id, AnswerRow.factor
        )
        named: dict[tuple[int, int, str, int], list[tuple[str, int]]] = defaultdict(list)
        for y, w, area, place_id, factor, top in self._core(factors, {}):
            named[(y, w, area, place_id)].append((factor, int(top)))
        out: list[PlaceWeek] = []
        keys: dict[tuple[int, int], RoundKey] = {}
        for y, w, area, place_id, name, was_known, n_high, n_all in self._core(places, {}):
            levels = named[(y, w, area, place_id)]
            key = keys.get((y, w)) or keys.setdefault((y, w), RoundKey(y, w))
            out.append(
                PlaceWeek(
                    key,
                    area,
                    name,
                    bool(was_known),
                    int(n_high),
                    int(n_all),
                    tuple(sorted(f for f, top in levels if top >= threshold)),
                    tuple(sorted(f for f, _ in levels)),
                )
            )
        return sorted(out, key=lambda p: (p.week, p.area, p.place.lower(), p.place))

    def non_responders(self, round_id: int) -> list[NonResponder]:
        """The people asked in the round who have not sent their report, with their areas' names; by name."""
        q = (
            select(PersonRow.id, PersonRow.name, AreaRow.name)
            .join(ResponseRow, ResponseRow.person_id == PersonRow.id)
            .outerjoin(PersonAreaRow, PersonAreaRow.person_id == PersonRow.id)
            .outerjoin(AreaRow, AreaRow.id == PersonAreaRow.area_id)
            .where(ResponseRow.round_id == round_id, ResponseRow.status != "submitted")
            .order_by(PersonRow.id, PersonAreaRow.position, AreaRow.id)
        )
        names: dict[int, str] = {}
        areas: dict[int, list[str]] = defaultdict(list)
        for pid, name, area in self.s.execute(q):
            names[pid] = name
            if area is not None:
                areas[pid].append(area)
        people = [NonResponder(name, tuple(areas[pid])) for pid, name in names.items()]
        return sorted(people, key=lambda p: (p.name.lower(), p.name))

    def place_mentions(self, group_id: str, first: RoundKey, last: RoundKey) -> list[PlaceMention]:
        """How many submitted reports named each place, per week and factor."""
        q = (
            select(RoundRow.year, RoundRow.week, AreaRow.code, PlaceRow.name, AnswerRow.factor, func.count())
            .join(ResponseRow, ResponseRow.round_id == RoundRow.id)
            .join(AnswerRow, AnswerRow.response_id == ResponseRow.id)
            .join(AreaRow, AreaRow.id == AnswerRow.area_id)
            .join(PlaceRow, APPROVED_PLACE)
            .where(RoundRow.group_id == group_id, ResponseRow.status == "submitted", self._weeks(first, last))
            .group_by(RoundRow.year, RoundRow.week, AreaRow.code, PlaceRow.name, AnswerRow.factor)
            .order_by(RoundRow.year, RoundRow.week, AreaRow.code, PlaceRow.name, AnswerRow.factor)
        )
        return [
            PlaceMention(RoundKey(y, w), area, place, factor, int(n))
            for y, w, area, place, factor, n in self.s.execute(q)
        ]

    def place_levels(self, group_id: str, first: RoundKey, last: RoundKey) -> list[PlaceLevel]:
        """Per week, approved place and factor: how many submitted reports named the place, the sum and the
        highest of their levels, and the place's position; oldest week first."""
        # Grouped by the keys alone (the round's, the place's and the area's rows are functionally dependent on
        # them, which PostgreSQL accepts and SQLite does anyway): the map asks this of a year of answers.
        q = (
            select(
                RoundRow.year,
                RoundRow.week,
                AreaRow.code,
                PlaceRow.id,
                PlaceRow.name,
                PlaceRow.lat,
                PlaceRow.lon,
                AnswerRow.factor,
                func.count(AnswerRow.id),
                func.sum(AnswerRow.level),
                func.max(AnswerRow.level),
            )
            .join(ResponseRow, ResponseRow.round_id == RoundRow.id)
            .join(AnswerRow, AnswerRow.response_id == ResponseRow.id)
            .join(PlaceRow, APPROVED_PLACE)
            .join(AreaRow, AreaRow.id == PlaceRow.area_id)
            .where(RoundRow.group_id == group_id, ResponseRow.status == "submitted", self._weeks(first, last))
            .group_by(RoundRow.id, AreaRow.id, PlaceRow.id, AnswerRow.factor)
            .order_by(RoundRow.year, RoundRow.week, AreaRow.code, PlaceRow.name, AnswerRow.factor)
        )
        keys: dict[tuple[int, int], RoundKey] = {}
        # On the connection, as Core rows: the ORM's row handling would cost more than the query on a year's rows.
        return [
            PlaceLevel(
                keys.get((y, w)) or keys.setdefault((y, w), RoundKey(y, w)),
                area, pid, name, lat, lon, factor, n, total or 0, top,
            )
            for y, w, area, pid, name, lat, lon, factor, n, total, top in self._core(q, {})
        ]  # fmt: skip

    def answer_records(self, group_id: str, first: RoundKey, last: RoundKey) -> list[AnswerRecord]:
        """Every submitted answer in the weeks, with its organisation (never the person); approved notes only."""
        q = (
            select(
                RoundRow.year,
                RoundRow.week,
                ResponseRow.id,
                ResponseRow.organisation,
                ResponseRow.late,
                AreaRow.code,
                AreaRow.name,
                AnswerRow.factor,
                AnswerRow.level,
                PlaceRow.name,
                AnswerRow.note,
                AnswerRow.note_review,
            )
            .join(ResponseRow, ResponseRow.round_id == RoundRow.id)
            .join(AnswerRow, AnswerRow.response_id == ResponseRow.id)
            .join(AreaRow, AreaRow.id == AnswerRow.area_id)
            .outerjoin(PlaceRow, APPROVED_PLACE)
            .where(RoundRow.group_id == group_id, ResponseRow.status == "submitted", self._weeks(first, last))
            .order_by(RoundRow.year, RoundRow.week, ResponseRow.id, AreaRow.id, AnswerRow.id)
        )
        return [
            AnswerRecord(
                RoundKey(y, w),
                rid,
                org or "",
                code,
                name,
                factor,
                level,
                place,
                note if review == "approved" else None,
                bool(late),
            )
            for y, w, rid, org, late, code, name, factor, level, place, note, review in self.s.execute(q)
        ]

    def participation(self, group_id: str, first: RoundKey, last: RoundKey) -> list[Participation]:
        """Per organisation: reports submitted and weeks with at least one; most reports first."""
        answers = func.count(ResponseRow.id)
        q = (
            select(ResponseRow.organisation, answers, func.count(func.distinct(RoundRow.id)))
            .join(RoundRow, RoundRow.id == ResponseRow.round_id)
            .where(RoundRow.group_id == group_id, ResponseRow.status == "submitted", self._weeks(first, last))
            .group_by(ResponseRow.organisation)
            .order_by(answers.desc(), ResponseRow.organisation)
        )
        return [Participation(org or "", int(n), int(weeks)) for org, n, weeks in self.s.execute(q)]

    def action_organisations(self, group_id: str) -> dict[int, list[str]]:
        """The organisations of the people who voted for each decided action (never their names)."""
        q = (
            select(ActionRow.id, PersonRow.organisation)
            .join(VoteRow, VoteRow.candidate_id == ActionRow.candidate_id)
            .join(PersonRow, PersonRow.id == VoteRow.person_id)
            .where(ActionRow.group_id == group_id)
            .distinct()
            .order_by(ActionRow.id, PersonRow.organisation)
        )
        out: dict[int, list[str]] = defaultdict(list)
        for action_id, org in self.s.execute(q):
            if org:
                out[action_id].append(org)
        return dict(out)
