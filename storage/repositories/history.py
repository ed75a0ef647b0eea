"""Read models over weeks: the figures reports, trends and exports are made of."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
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
from storage.round_cache import Rows


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

    def _rounds_in(self, group_id: str, first: RoundKey, last: RoundKey) -> list[tuple[int, RoundKey]]:
        """The group's rounds from `first` to `last`, oldest first: (id, week)."""
        q = (
            select(RoundRow.id, RoundRow.year, RoundRow.week)
            .where(RoundRow.group_id == group_id, self._weeks(first, last))
            .order_by(RoundRow.year, RoundRow.week)
        )
        return [(rid, RoundKey(y, w)) for rid, y, w in self._core(q, {})]

    def level_counts(
        self, group_id: str, first: RoundKey, last: RoundKey
    ) -> dict[RoundKey, dict[tuple[str, str, int], int]]:
        """The submitted reports of each week counted by (area, factor, level); weeks without reports left out."""
        # Counted per round, on the connection, grouped by the area's id (its code read apart), and kept per round
        # while it is unchanged (storage/round_cache.py): a year of a large group is over half a million answers.
        rounds = self._rounds_in(group_id, first, last)
        per_round = self._per_round("levels", [rid for rid, _ in rounds], self._level_rows)
        areas = self._core(select(AreaRow.id, AreaRow.code).where(AreaRow.group_id == group_id), {})
        code: dict[int, str] = {area_id: area for area_id, area in areas}
        out: dict[RoundKey, dict[tuple[str, str, int], int]] = {}
        for rid, key in rounds:
            rows = per_round[rid]
            if rows:
                out[key] = {(code[area_id], factor, level): n for area_id, factor, level, n in rows}
        return out

    def place_weeks(self, group_id: str, first: RoundKey, last: RoundKey, threshold: int) -> list[PlaceWeek]:
        """Each approved place named in each week's submitted reports: how many reports named it at or above
        `threshold` and at all, for which factors, and whether it was known before the week's round."""
        rounds = self._rounds_in(group_id, first, last)
        per_round = self._per_round(
            f"place_weeks:{threshold}",
            [rid for rid, _ in rounds],
            lambda ids: self._place_week_rows(ids, threshold),
            places_of=group_id,
        )
        out: list[PlaceWeek] = []
        for rid, key in rounds:
            named: dict[tuple[str, int], list[tuple[str, int]]] = defaultdict(list)
            for row in per_round[rid]:
                if row[0] == "f":
                    _, area, place_id, factor, top = row
                    named[(area, place_id)].append((factor, top))
            for row in per_round[rid]:
                if row[0] != "p":
                    continue
                _, area, place_id, name, was_known, n_high, n_all = row
                levels = named[(area, place_id)]
                out.append(
                    PlaceWeek(
                        key,
                        area,
                        name,
                        was_known,
                        n_high,
                        n_all,
                        tuple(sorted(f for f, top in levels if top >= threshold)),
                        tuple(sorted(f for f, _ in levels)),
                        max((top for _, top in levels), default=0),
                    )
                )
        return sorted(out, key=lambda p: (p.week, p.area, p.place.lower(), p.place))

    def _place_week_rows(self, round_ids: Sequence[int], threshold: int) -> dict[int, Rows]:
        high = AnswerRow.level >= threshold
        base = (
            select(RoundRow.id, AreaRow.code, PlaceRow.id)
            .join(ResponseRow, ResponseRow.round_id == RoundRow.id)
            .join(AnswerRow, AnswerRow.response_id == ResponseRow.id)
            .join(AreaRow, AreaRow.id == AnswerRow.area_id)
            .join(PlaceRow, APPROVED_PLACE)
            .where(RoundRow.id.in_(list(round_ids)), ResponseRow.status == "submitted")
        )
        known = or_(PlaceRow.configured.is_(True), PlaceRow.created_at < RoundRow.created_at)
        places = base.add_columns(
            PlaceRow.name,
            func.max(case((known, 1), else_=0)),
            func.count(func.distinct(case((high, ResponseRow.id)))),
            func.count(func.distinct(ResponseRow.id)),
        ).group_by(RoundRow.id, AreaRow.code, PlaceRow.id, PlaceRow.name)
        factors = base.add_columns(AnswerRow.factor, func.max(AnswerRow.level)).group_by(
            RoundRow.id, AreaRow.code, PlaceRow.id, AnswerRow.factor
        )
        out: dict[int, Rows] = defaultdict(list)
        for rid, area, place_id, factor, top in self._core(factors, {}):
            out[rid].append(("f", area, place_id, factor, int(top)))
        for rid, area, place_id, name, was_known, n_high, n_all in self._core(places, {}):
            out[rid].append(("p", area, place_id, name, bool(was_known), int(n_high), int(n_all)))
        return out

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
        rounds = self._rounds_in(group_id, first, last)
        per_round = self._per_round(
            "place_levels", [rid for rid, _ in rounds], self._place_level_rows, places_of=group_id
        )
        return [PlaceLevel(key, *row) for rid, key in rounds for row in per_round[rid]]

    def _place_level_rows(self, round_ids: Sequence[int]) -> dict[int, Rows]:
        # Grouped by the keys alone (the round's, the place's and the area's rows are functionally dependent on
        # them, which PostgreSQL accepts and SQLite does anyway): the map asks this of a year of answers.
        q = (
            select(
                RoundRow.id,
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
            .where(RoundRow.id.in_(list(round_ids)), ResponseRow.status == "submitted")
            .group_by(RoundRow.id, AreaRow.id, PlaceRow.id, AnswerRow.factor)
            .order_by(RoundRow.id, AreaRow.code, PlaceRow.name, AnswerRow.factor)
        )
        out: dict[int, Rows] = defaultdict(list)
        # On the connection, as Core rows: the ORM's row handling would cost more than the query on a year's rows.
        for rid, area, pid, name, lat, lon, factor, n, total, top in self._core(q, {}):
            out[rid].append((area, pid, name, lat, lon, factor, n, total or 0, top))
        return out

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
