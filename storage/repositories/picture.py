"""What the picture of a week is made of, read in a few statements: the week's reports, the earlier weeks
counted by level, the notes, observations and the actions followed up."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.cycle import RoundKey
from bot.domain.detection import HISTORY_WEEKS
from bot.domain.effect import BEFORE_WEEKS, FOLLOW_WEEKS
from bot.domain.factors import Factor
from bot.domain.model import Round, RoundStatus
from bot.domain.picture import (
    ActionFollowUp,
    AreaInfo,
    Note,
    Observation,
    PictureInput,
    Report,
    count_levels,
    follow_up,
    normalise_place,
)
from bot.domain.rising import reporter_key
from storage.models import ActionRow, AnswerRow, AreaRow, ObservationRow, PlaceRow, ResponseRow, RoundRow
from storage.repositories.base import APPROVED_PLACE, SqlRepository
from storage.repositories.groups import SqlGroups


class SqlPictures(SqlRepository):
    """The picture's input (reached as `uow.rounds.picture_input`)."""

    def __init__(self, session: Session, groups: SqlGroups) -> None:
        super().__init__(session)
        self.groups = groups

    def reports(self, round_ids: list[int]) -> dict[int, list[Report]]:
        out: dict[int, list[Report]] = defaultdict(list)
        if not round_ids:
            return out
        q = (
            select(
                ResponseRow.round_id,
                ResponseRow.id,
                ResponseRow.person_id,
                ResponseRow.organisation,
                AreaRow.code,
                AnswerRow.factor,
                AnswerRow.level,
                PlaceRow.name,
                AnswerRow.note,
            )
            .join(AnswerRow, AnswerRow.response_id == ResponseRow.id)
            .join(AreaRow, AreaRow.id == AnswerRow.area_id)
            .outerjoin(PlaceRow, APPROVED_PLACE)
            .where(ResponseRow.round_id.in_(round_ids), ResponseRow.status == "submitted")
        )
        for rid, resp_id, person, org, area, factor, level, place, note in self._core(q, {}):  # no ORM handling
            out[rid].append(Report(reporter_key(person, resp_id), org, area, factor, level, place, note))
        return out

    def reporter_answers(
        self, group_id: str, before: RoundKey, weeks: int, cells: Collection[tuple[str, str]]
    ) -> dict[RoundKey, list[Report]]:
        """The answers of `cells` in the group's rounds of the `weeks` weeks before `before`, reporter by reporter
        (only the cells the detection rule judges this week: a few, whatever the number of reporters)."""
        first = before.minus(weeks)
        rounds = {
            r.id: RoundKey(r.year, r.week)
            for r in self.s.scalars(
                select(RoundRow).where(
                    RoundRow.group_id == group_id,
                    (RoundRow.year * 100 + RoundRow.week) >= first.year * 100 + first.week,
                    (RoundRow.year * 100 + RoundRow.week) < before.year * 100 + before.week,
                )
            )
        }
        out: dict[RoundKey, list[Report]] = {key: [] for key in rounds.values()}
        wanted = set(cells)
        if not rounds or not wanted:
            return out
        q = (
            select(
                ResponseRow.round_id,
                ResponseRow.id,
                ResponseRow.person_id,
                AreaRow.code,
                AnswerRow.factor,
                AnswerRow.level,
            )
            .join(AnswerRow, AnswerRow.response_id == ResponseRow.id)
            .join(AreaRow, AreaRow.id == AnswerRow.area_id)
            .where(
                ResponseRow.round_id.in_(list(rounds)),
                ResponseRow.status == "submitted",
                AreaRow.code.in_(sorted({a for a, _ in wanted})),
                AnswerRow.factor.in_(sorted({f for _, f in wanted})),
            )
        )
        for rid, resp_id, person, area, factor, level in self._core(q, {}):
            if (area, factor) in wanted:
                out[rounds[rid]].append(Report(reporter_key(person, resp_id), "", area, factor, level))
        return out

    def level_counts(self, round_ids: list[int]) -> dict[int, dict[tuple[str, str, int], int]]:
        """Submitted answers per round counted by (area, factor, level), in the database: all that the
        picture needs of earlier weeks, a few hundred rows a week whatever the number of reporters (kept per
        round while it is unchanged: storage/round_cache.py)."""
        out: dict[int, dict[tuple[str, str, int], int]] = defaultdict(dict)
        if not round_ids:
            return out
        per_round = self._per_round("levels", round_ids, self._level_rows)
        ids = {row[0] for rows in per_round.values() for row in rows}
        code = dict(self.s.execute(select(AreaRow.id, AreaRow.code).where(AreaRow.id.in_(ids))).tuples().all())
        for rid, rows in per_round.items():
            for area_id, factor, level, n in rows:
                out[rid][(code[area_id], factor, level)] = n
        return out

    def place_history(
        self, rounds: Mapping[int, RoundKey], threshold: int
    ) -> dict[RoundKey, dict[tuple[str, str], int]]:
        """Earlier weeks' places as the picture's hotspot rule reads them: per week, the reporters who named each
        approved place at or above the threshold, keyed (area, place lower-cased)."""
        out: dict[RoundKey, dict[tuple[str, str], int]] = {key: {} for key in rounds.values()}
        if not rounds:
            return out
        q = (
            select(ResponseRow.round_id, AreaRow.code, PlaceRow.name, func.count(func.distinct(ResponseRow.id)))
            .join(AnswerRow, AnswerRow.response_id == ResponseRow.id)
            .join(AreaRow, AreaRow.id == AnswerRow.area_id)
            .join(PlaceRow, APPROVED_PLACE)
            .where(
                ResponseRow.round_id.in_(list(rounds)),
                ResponseRow.status == "submitted",
                AnswerRow.level >= threshold,
            )
            .group_by(ResponseRow.round_id, AreaRow.code, PlaceRow.id, PlaceRow.name)
        )
        for rid, area, name, n in self._core(q, {}):
            week, key = out[rounds[rid]], (area, normalise_place(name))
            week[key] = week.get(key, 0) + int(n)
        return out

    def picture_input(
        self, group_id: str, group_name: str, rnd: Round, factors: list[Factor], threshold: int, status: RoundStatus
    ) -> PictureInput:
        history_rows = list(
            self.s.scalars(
                select(RoundRow)
                .where(
                    RoundRow.group_id == group_id,
                    (RoundRow.year * 100 + RoundRow.week) < rnd.key.year * 100 + rnd.key.week,
                )
                .order_by(RoundRow.year.desc(), RoundRow.week.desc())
                # enough weeks for the detection rule and for the level before of every action followed up
                .limit(max(HISTORY_WEEKS, FOLLOW_WEEKS + BEFORE_WEEKS - 1))
            )
        )
        reports = self.reports([rnd.id])
        counts = self.level_counts([r.id for r in history_rows])
        history_counts = {RoundKey(r.year, r.week): counts.get(r.id, {}) for r in history_rows}
        detection_window = rnd.key.minus(HISTORY_WEEKS)
        place_history = self.place_history(
            {r.id: RoundKey(r.year, r.week) for r in history_rows if RoundKey(r.year, r.week) >= detection_window},
            threshold,
        )
        this_round = self.s.get(RoundRow, rnd.id)
        assert this_round is not None
        areas = self.groups.areas(group_id)
        area_code = {a.id: a.code for a in areas}
        known = {
            (area_code[p.area_id], p.norm)
            for p in self.s.scalars(
                select(PlaceRow).where(
                    PlaceRow.area_id.in_(list(area_code)),
                    (PlaceRow.configured.is_(True)) | (PlaceRow.created_at < this_round.created_at),
                )
            )
        }
        notes: list[Note] = []
        q = (
            select(AnswerRow, AreaRow.code, PlaceRow.name, ResponseRow.organisation)
            .join(ResponseRow, ResponseRow.id == AnswerRow.response_id)
            .join(AreaRow, AreaRow.id == AnswerRow.area_id)
            .outerjoin(PlaceRow, APPROVED_PLACE)
            .where(
                ResponseRow.round_id == rnd.id,
                ResponseRow.status == "submitted",
                AnswerRow.note.is_not(None),
                AnswerRow.note_review != "hidden",
            )
            .order_by(AnswerRow.id)
        )
        for a, code, place, org in self.s.execute(q):
            notes.append(Note(a.id * 2, code, a.factor, place, a.note or "", org, a.note_review == "approved"))
        for r in self.s.scalars(
            select(ResponseRow)
            .where(
                ResponseRow.round_id == rnd.id,
                ResponseRow.status == "submitted",
                ResponseRow.more_note.is_not(None),
                ResponseRow.more_review != "hidden",
            )
            .order_by(ResponseRow.id)
        ):
            notes.append(
                Note(r.id * 2 + 1, None, None, None, r.more_note or "", r.organisation, r.more_review == "approved")
            )
        obs = [
            Observation(area_code.get(o.area_id) if o.area_id else None, o.factor, o.text, o.author, o.source)
            for o in self.s.scalars(
                select(ObservationRow).where(ObservationRow.round_id == rnd.id).order_by(ObservationRow.id)
            )
        ]
        follow: list[ActionFollowUp] = []
        # The levels before and after by the one definition (bot.domain.effect), from the same counts the
        # picture is built from: the history read above covers the weeks back to D-3 of every action followed.
        round_by_id = {r.id: RoundKey(r.year, r.week) for r in history_rows}
        first_followed = rnd.key.minus(FOLLOW_WEEKS)
        week_counts: dict[RoundKey, Mapping[tuple[str, str, int], int]] = {
            **history_counts,
            rnd.key: count_levels(reports.get(rnd.id, [])),
        }
        all_factors = [f.code for f in factors]
        for act in self.s.scalars(
            select(ActionRow)
            .where(ActionRow.group_id == group_id, ActionRow.round_id.in_(list(round_by_id)))
            .order_by(ActionRow.id)
        ):
            decided = round_by_id[act.round_id]
            if decided < first_followed:
                continue
            place = self.s.get(PlaceRow, act.place_id) if act.place_id else None
            follow.append(
                follow_up(
                    act.id,
                    area_code[act.area_id],
                    place.name if place else None,
                    act.factors,
                    act.title,
                    act.responsible or "",
                    decided,
                    rnd.key,
                    week_counts,
                    all_factors,
                )
            )
        return PictureInput(
            group_name=group_name,
            week=rnd.key,
            areas=[AreaInfo(a.code, a.name) for a in areas],
            factors=factors,
            reports=reports.get(rnd.id, []),
            history={},
            history_counts=history_counts,
            place_history=place_history,
            known_places=known,
            expected=status.expected,
            responded=status.done,
            late=status.late,
            non_responders=list(status.missing),
            notes=notes,
            observations=obs,
            actions=follow,
            threshold=threshold,
        )
