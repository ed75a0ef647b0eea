"""The picture's input read from the fake tables, as storage/repositories/picture.py reads it from SQL."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping

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
from tests.unit.fakes.people import FakeGroups
from tests.unit.fakes.tables import AnswerRow, Tables


def approved_place(t: Tables, a: AnswerRow) -> str | None:
    """An answer's place as pictures, reports, trends and exports show it: only once a coordinator approved it."""
    place = t.places.get(a.place_id) if a.place_id is not None else None
    return place.name if place is not None and place.review == "approved" else None


def submitted_answers(t: Tables, round_ids: set[int]) -> list[tuple[int, AnswerRow]]:
    """(round id, answer) of every submitted response of the rounds, answers in id order."""
    out: list[tuple[int, AnswerRow]] = []
    for a in sorted(t.answers.values(), key=lambda a: a.id):
        resp = t.responses[a.response_id]
        if resp.round_id in round_ids and resp.status == "submitted":
            out.append((resp.round_id, a))
    return out


def reports(t: Tables, round_ids: list[int]) -> dict[int, list[Report]]:
    out: dict[int, list[Report]] = {}
    for rid, a in submitted_answers(t, set(round_ids)):
        resp = t.responses[a.response_id]
        who = reporter_key(resp.person_id, resp.id)
        report = Report(
            who, resp.organisation, t.areas[a.area_id].code, a.factor, a.level, approved_place(t, a), a.note
        )
        out.setdefault(rid, []).append(report)
    return out


def reporter_answers(
    t: Tables, group_id: str, before: RoundKey, weeks: int, cells: Collection[tuple[str, str]]
) -> dict[RoundKey, list[Report]]:
    first = before.minus(weeks)
    rounds = {
        r.id: RoundKey(r.year, r.week)
        for r in t.rounds.values()
        if r.group_id == group_id and first.year * 100 + first.week <= r.number < before.year * 100 + before.week
    }
    out: dict[RoundKey, list[Report]] = {key: [] for key in rounds.values()}
    for rid, a in submitted_answers(t, set(rounds)):
        resp = t.responses[a.response_id]
        area = t.areas[a.area_id].code
        if (area, a.factor) in cells:
            out[rounds[rid]].append(Report(reporter_key(resp.person_id, resp.id), "", area, a.factor, a.level))
    return out


def level_counts(t: Tables, round_ids: list[int]) -> dict[int, dict[tuple[str, str, int], int]]:
    counts: dict[int, Counter[tuple[str, str, int]]] = {}
    for rid, a in submitted_answers(t, set(round_ids)):
        counts.setdefault(rid, Counter())[(t.areas[a.area_id].code, a.factor, a.level)] += 1
    return {rid: dict(c) for rid, c in counts.items()}


def place_history(
    t: Tables, rounds: Mapping[int, RoundKey], threshold: int
) -> dict[RoundKey, dict[tuple[str, str], int]]:
    """Per earlier week, the responses that named each approved place at or above the threshold."""
    named: dict[int, set[tuple[str, str, int]]] = {rid: set() for rid in rounds}
    for rid, a in submitted_answers(t, set(rounds)):
        place = approved_place(t, a)
        if place is not None and a.level >= threshold:
            named[rid].add((t.areas[a.area_id].code, normalise_place(place), a.response_id))
    out: dict[RoundKey, dict[tuple[str, str], int]] = {}
    for rid, key in rounds.items():
        week = out.setdefault(key, {})
        for area, place, _ in named[rid]:
            week[(area, place)] = week.get((area, place), 0) + 1
    return out


def _notes(t: Tables, rnd: Round) -> list[Note]:
    notes: list[Note] = []
    for _, a in submitted_answers(t, {rnd.id}):
        if a.note is None or a.note_review == "hidden":
            continue
        resp = t.responses[a.response_id]
        code = t.areas[a.area_id].code
        notes.append(
            Note(a.id * 2, code, a.factor, approved_place(t, a), a.note, resp.organisation, a.note_review == "approved")
        )
    for r in sorted(t.responses.values(), key=lambda r: r.id):
        if r.round_id != rnd.id or r.status != "submitted" or r.more_note is None or r.more_review == "hidden":
            continue
        notes.append(Note(r.id * 2 + 1, None, None, None, r.more_note, r.organisation, r.more_review == "approved"))
    return notes


def picture_input(
    t: Tables,
    groups: FakeGroups,
    group_id: str,
    group_name: str,
    rnd: Round,
    factors: list[Factor],
    threshold: int,
    status: RoundStatus,
) -> PictureInput:
    this_number = rnd.key.year * 100 + rnd.key.week
    earlier = sorted(
        (r for r in t.rounds.values() if r.group_id == group_id and r.number < this_number), key=lambda r: -r.number
    )
    history_rows = earlier[: max(HISTORY_WEEKS, FOLLOW_WEEKS + BEFORE_WEEKS - 1)]
    this_reports = reports(t, [rnd.id])
    counts = level_counts(t, [r.id for r in history_rows])
    history_counts = {RoundKey(r.year, r.week): counts.get(r.id, {}) for r in history_rows}
    this_round = t.rounds[rnd.id]
    areas = groups.areas(group_id)
    area_code = {a.id: a.code for a in areas}
    known = {
        (area_code[p.area_id], p.norm)
        for p in t.places.values()
        if p.area_id in area_code and (p.configured or p.created_at < this_round.created_at)
    }
    obs = [
        Observation(area_code.get(o.area_id) if o.area_id else None, o.factor, o.text, o.author, o.source)
        for o in sorted(t.observations.values(), key=lambda o: o.id)
        if o.round_id == rnd.id
    ]
    round_by_id = {r.id: RoundKey(r.year, r.week) for r in history_rows}
    first_followed = rnd.key.minus(FOLLOW_WEEKS)
    week_counts: dict[RoundKey, Mapping[tuple[str, str, int], int]] = {
        **history_counts,
        rnd.key: count_levels(this_reports.get(rnd.id, [])),
    }
    all_factors = [f.code for f in factors]
    follow: list[ActionFollowUp] = []
    for act in sorted(t.actions.values(), key=lambda a: a.id):
        if act.group_id != group_id or act.round_id not in round_by_id:
            continue
        decided = round_by_id[act.round_id]
        if decided < first_followed:
            continue
        place = t.places.get(act.place_id) if act.place_id else None
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
        reports=this_reports.get(rnd.id, []),
        history={},
        history_counts=history_counts,
        place_history=place_history(
            t,
            {
                r.id: RoundKey(r.year, r.week)
                for r in history_rows
                if RoundKey(r.year, r.week) >= rnd.key.minus(HISTORY_WEEKS)
            },
            threshold,
        ),
        known_places=known,
        expected=status.expected,
        responded=status.done,
        late=status.late,
        non_responders=list(status.missing),
        notes=_notes(t, rnd),
        observations=obs,
        actions=follow,
        threshold=threshold,
    )
