"""Fake history (storage/repositories/history.py, in memory): figures over weeks, read only."""

from __future__ import annotations

from collections import defaultdict

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
from tests.unit.fakes.people import FakeRepository
from tests.unit.fakes.picture import approved_place
from tests.unit.fakes.tables import AnswerRow, ResponseRow, RoundRow


class FakeHistory(FakeRepository):
    def _rounds(self, group_id: str, first: RoundKey, last: RoundKey) -> list[RoundRow]:
        lo, hi = first.year * 100 + first.week, last.year * 100 + last.week
        rows = [r for r in self.t.rounds.values() if r.group_id == group_id and lo <= r.number <= hi]
        return sorted(rows, key=lambda r: r.number)

    def _submitted(self, group_id: str, first: RoundKey, last: RoundKey) -> list[tuple[RoundRow, ResponseRow]]:
        out: list[tuple[RoundRow, ResponseRow]] = []
        for rnd in self._rounds(group_id, first, last):
            for resp in sorted(self.t.responses.values(), key=lambda r: r.id):
                if resp.round_id == rnd.id and resp.status == "submitted":
                    out.append((rnd, resp))
        return out

    def _answers(self, group_id: str, first: RoundKey, last: RoundKey) -> list[tuple[RoundRow, ResponseRow, AnswerRow]]:
        return [
            (rnd, resp, a)
            for rnd, resp in self._submitted(group_id, first, last)
            for a in sorted(self.t.answers.values(), key=lambda a: (a.area_id, a.id))
            if a.response_id == resp.id
        ]

    def week_stats(self, group_id: str, first: RoundKey, last: RoundKey) -> list[WeekStat]:
        out: list[WeekStat] = []
        for rnd in self._rounds(group_id, first, last):
            resps = [r for r in self.t.responses.values() if r.round_id == rnd.id]
            done = sum(1 for r in resps if r.status == "submitted")
            out.append(WeekStat(RoundKey(rnd.year, rnd.week), rnd.phase, len(resps), done))
        return out

    def cell_stats(self, group_id: str, first: RoundKey, last: RoundKey) -> list[CellStat]:
        cells: dict[tuple[int, int, str, str], list[int]] = defaultdict(list)
        for rnd, _, a in self._answers(group_id, first, last):
            cells[(rnd.year, rnd.week, self.t.areas[a.area_id].code, a.factor)].append(a.level)
        return [
            CellStat(RoundKey(y, w), area, factor, len(levels), sum(levels), max(levels))
            for (y, w, area, factor), levels in sorted(cells.items())
        ]

    def level_counts(
        self, group_id: str, first: RoundKey, last: RoundKey
    ) -> dict[RoundKey, dict[tuple[str, str, int], int]]:
        out: dict[RoundKey, dict[tuple[str, str, int], int]] = defaultdict(dict)
        for rnd, _, a in self._answers(group_id, first, last):
            counts = out[RoundKey(rnd.year, rnd.week)]
            key = (self.t.areas[a.area_id].code, a.factor, a.level)
            counts[key] = counts.get(key, 0) + 1
        return dict(out)

    def place_weeks(self, group_id: str, first: RoundKey, last: RoundKey, threshold: int) -> list[PlaceWeek]:
        named: dict[tuple[RoundKey, str, int], list[tuple[int, str, int]]] = defaultdict(list)
        created: dict[RoundKey, RoundRow] = {}
        for rnd, resp, a in self._answers(group_id, first, last):
            if approved_place(self.t, a) is None or a.place_id is None:
                continue
            week = RoundKey(rnd.year, rnd.week)
            created[week] = rnd
            named[(week, self.t.areas[a.area_id].code, a.place_id)].append((resp.id, a.factor, a.level))
        out: list[PlaceWeek] = []
        for (week, area, place_id), answers in named.items():
            place = self.t.places[place_id]
            known = place.configured or place.created_at < created[week].created_at
            out.append(
                PlaceWeek(
                    week,
                    area,
                    place.name,
                    known,
                    len({r for r, _, level in answers if level >= threshold}),
                    len({r for r, _, _ in answers}),
                    tuple(sorted({f for _, f, level in answers if level >= threshold})),
                    tuple(sorted({f for _, f, _ in answers})),
                    max((level for _, _, level in answers), default=0),
                )
            )
        return sorted(out, key=lambda p: (p.week, p.area, p.place.lower(), p.place))

    def non_responders(self, round_id: int) -> list[NonResponder]:
        people = [
            NonResponder(
                self.t.persons[r.person_id].name,
                tuple(self.t.areas[a].name for a in self.t.person_areas.get(r.person_id, [])),
            )
            for r in self.t.responses.values()
            if r.round_id == round_id and r.status != "submitted" and r.person_id in self.t.persons
        ]
        return sorted(people, key=lambda p: (p.name.lower(), p.name))

    def place_mentions(self, group_id: str, first: RoundKey, last: RoundKey) -> list[PlaceMention]:
        counts: dict[tuple[int, int, str, str, str], int] = defaultdict(int)
        for rnd, _, a in self._answers(group_id, first, last):
            place = approved_place(self.t, a)
            if place is not None:
                counts[(rnd.year, rnd.week, self.t.areas[a.area_id].code, place, a.factor)] += 1
        return [
            PlaceMention(RoundKey(y, w), area, place, factor, n)
            for (y, w, area, place, factor), n in sorted(counts.items())
        ]

    def place_levels(self, group_id: str, first: RoundKey, last: RoundKey) -> list[PlaceLevel]:
        levels: dict[tuple[int, int, str, str, int, str], list[int]] = defaultdict(list)
        for rnd, _, a in self._answers(group_id, first, last):
            if approved_place(self.t, a) is not None:
                assert a.place_id is not None
                place = self.t.places[a.place_id]
                key = (rnd.year, rnd.week, self.t.areas[a.area_id].code, place.name, place.id, a.factor)
                levels[key].append(a.level)
        out: list[PlaceLevel] = []
        for (y, w, area, name, pid, factor), lv in sorted(levels.items()):
            place = self.t.places[pid]
            out.append(
                PlaceLevel(RoundKey(y, w), area, pid, name, place.lat, place.lon, factor, len(lv), sum(lv), max(lv))
            )
        return out

    def answer_records(self, group_id: str, first: RoundKey, last: RoundKey) -> list[AnswerRecord]:
        out: list[AnswerRecord] = []
        for rnd, resp, a in self._answers(group_id, first, last):
            area = self.t.areas[a.area_id]
            out.append(
                AnswerRecord(
                    RoundKey(rnd.year, rnd.week),
                    resp.id,
                    resp.organisation or "",
                    area.code,
                    area.name,
                    a.factor,
                    a.level,
                    approved_place(self.t, a),
                    a.note if a.note_review == "approved" else None,
                    bool(resp.late),
                )
            )
        return out

    def participation(self, group_id: str, first: RoundKey, last: RoundKey) -> list[Participation]:
        answers: dict[str, int] = defaultdict(int)
        weeks: dict[str, set[int]] = defaultdict(set)
        for rnd, resp in self._submitted(group_id, first, last):
            answers[resp.organisation] += 1
            weeks[resp.organisation].add(rnd.id)
        ranked = sorted(answers, key=lambda org: (-answers[org], org))
        return [Participation(org or "", answers[org], len(weeks[org])) for org in ranked]

    def action_organisations(self, group_id: str) -> dict[int, list[str]]:
        out: dict[int, set[str]] = defaultdict(set)
        for action in self.t.actions.values():
            if action.group_id != group_id:
                continue
            for candidate_id, person_id in self.t.votes:
                person = self.t.persons.get(person_id)
                if candidate_id == action.candidate_id and person is not None and person.organisation:
                    out[action.id].add(person.organisation)
        return {aid: sorted(orgs) for aid, orgs in sorted(out.items())}
