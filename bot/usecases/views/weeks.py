"""The web view's weeks: the list of the group's weeks (`weeks_page`) and one week (`week_page`), read-only.

Both read in one unit of work with one query per kind of data, never one per week or per person. The week is the
situation picture the chat and the reports show (`bot.usecases.meeting.picture`, worded by
`bot.reports.render.view_model`); the list words each week's cells by the picture's own rules (a red level, the
detection rule, a place named by several, a new place) over the weeks' level counts and places
(`History.level_counts`, `History.place_weeks`), so that a long history costs a handful of queries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from bot.config import GroupConfig
from bot.domain.attention import (
    CAP_PERSISTENCE,
    AttentionParams,
    cell_evidence,
    hotspot_evidence,
    is_red,
    new_place_evidence,
    standout_order,
    strength,
    unusual_place,
    usual_reporters,
)
from bot.domain.cycle import Phase, RoundKey, phase_index
from bot.domain.detection import DetectionParams, detect, judge
from bot.domain.factors import Factor, colour_for
from bot.domain.model import Candidate, Person, Round
from bot.domain.picture import (
    BASELINE_WEEKS,
    NEW_PLACE,
    SINGLE_REPORT,
    AreaInfo,
    Kind,
    Report,
    Standout,
    normalise_place,
)
from bot.domain.reasons import NamedBySeveral, RedLevel
from bot.domain.rising import answers_by_cell, detection_reason, judged_cells, reporter_history, rising_reason
from bot.domain.stats import NonResponder, PlaceWeek, WeekStat
from bot.ports import UnitOfWork
from bot.reports.render import view_model
from bot.text import label, t
from bot.text.numbers import format_percent
from bot.text.reasons import candidate_reasons, reason_text
from bot.usecases.context import Env
from bot.usecases.meeting import decisions, picture

MAX_WEEKS = 104  # the weeks the list shows, newest first
SHOWN_STANDOUTS = 2  # what stands out, in words, per line of the list
_EPS = 1e-9
COLOURS: tuple[str, ...] = ("green", "yellow", "orange", "red", "none")


# --------------------------------------------------------------------------- the list of weeks


@dataclass(frozen=True)
class WeekLine:
    """One week in the list; `week` is its key ("2026-W47"), the rest already in words."""

    week: str
    response: str  # "8 av 10 (80 %)"
    rate: str  # "80 %"
    red: int  # red cells
    standouts: int  # how many things stand out
    standout_text: tuple[str, ...]  # the first one or two, in words
    more: int  # how many more stand out than are worded
    finalised: bool


@dataclass(frozen=True)
class WeeksPage:
    group: str
    lines: tuple[WeekLine, ...]  # newest first


def cell_standouts(
    week: RoundKey,
    counts: Mapping[RoundKey, Mapping[tuple[str, str, int], int]],
    areas: Sequence[AreaInfo],
    factors: Sequence[Factor],
    params: DetectionParams,
    threshold: int,
    attention: AttentionParams | None = None,
    places_in_cell: Mapping[tuple[str, str], int] | None = None,
    answers: Mapping[RoundKey, Sequence[Report]] | None = None,
) -> tuple[int, list[Standout]]:
    """A week's red cells and its cells that stand out (a red level, the detection rule, a single serious report),
    with their strengths, by the picture's rules (`bot.domain.picture.build_picture`), from the level counts of the
    week and the weeks before it; `places_in_cell`: the places named at or above the threshold per cell; `answers`:
    the judged cells' answers reporter by reporter, for the rule's second signal (without them, the EWMA alone)."""
    attention = attention or AttentionParams()
    places_in_cell = places_in_cell or {}
    now = counts.get(week, {})
    history = [counts.get(week.minus(i), {}) for i in range(params.history_weeks, 0, -1)]  # oldest first
    judged: set[tuple[str, str]] = set()
    this_week: dict[tuple[str, str], dict[int, int]] = {}
    past_answers: dict[tuple[str, str], list[dict[int, int] | None]] = {}
    if answers is not None:
        judged = judged_cells(answers.get(week, ()), params.min_level)
        this_week = answers_by_cell(answers.get(week, ()), judged)
        past_answers = reporter_history(
            [answers.get(week.minus(i)) for i in range(params.history_weeks, 0, -1)], judged
        )

    def stats(tally: Mapping[tuple[str, str, int], int], area: str, factor: str) -> tuple[int, int, int]:
        n = [tally.get((area, factor, level), 0) for level in range(4)]
        return sum(n), n[1] + 2 * n[2] + 3 * n[3], n[3]

    red_cells = 0
    out: list[Standout] = []
    for a in areas:
        for f in factors:
            count, total, n3 = stats(now, a.code, f.code)
            if not count:
                continue
            mean = total / count
            red_cells += colour_for(mean) == "red"
            means: list[float | None] = []
            for tally in history:
                n, s, _ = stats(tally, a.code, f.code)
                means.append(s / n if n else None)
            high = sum(now.get((a.code, f.code, lvl), 0) for lvl in range(threshold, 4))
            cell: list[Standout] = []
            if is_red(mean, n3):
                cell.append(Standout(Kind.RED, a.code, f.code, None, RedLevel(n3), n3))
            elif n3 and attention.single_reports:
                cell.append(Standout(Kind.SINGLE, a.code, f.code, None, SINGLE_REPORT, n3))
            signal = None
            if mean >= params.min_level - _EPS:
                key = (a.code, f.code)
                verdict = (
                    judge([*means, mean], params, this_week.get(key), past_answers[key]) if key in judged else None
                )
                signal = verdict.signal if verdict is not None else detect([*means, mean], params)
                if verdict is not None and verdict.flagged:
                    reason = rising_reason(verdict, params, high)
                    cell.append(Standout(Kind.RISING, a.code, f.code, None, reason, high))
                elif verdict is None and signal.flagged:
                    reason = detection_reason(signal, params, high)
                    cell.append(Standout(Kind.RISING, a.code, f.code, None, reason, high))
            flagged = any(s.kind == Kind.RISING for s in cell)
            expected = signal.expected if signal is not None and signal.expected is not None else None
            if expected is None:
                past = [m for m in means[-BASELINE_WEEKS:] if m is not None]
                expected = sum(past) / len(past) if past else None
            before = means[-(CAP_PERSISTENCE - 1) :]
            usual = signal is not None and signal.expected is not None and not flagged
            places = places_in_cell.get((a.code, f.code), 0)
            power = strength(cell_evidence(mean, expected, high, before, places, usual))
            out += [replace(s, strength=power) for s in cell]
    return red_cells, out


def place_standouts(
    places: Sequence[PlaceWeek],
    areas: Sequence[AreaInfo],
    factors: Sequence[Factor],
    history: Sequence[Mapping[tuple[str, str], int]] = (),
) -> list[Standout]:
    """A week's places that stand out by the picture's rules, with their strengths: named by several reporters at
    or above the threshold, more than usual for the place in the `history` weeks (nearest first: reporters per
    (area, place lower-cased) in each earlier week with reports), then new places."""
    area_index = {a.code: i for i, a in enumerate(areas)}
    factor_index = {f.code: i for i, f in enumerate(factors)}
    out: list[Standout] = []
    for p in places:
        high = [f for f in p.factors if f in factor_index]
        named = [f for f in p.all_factors if f in factor_index]
        if p.area not in area_index or not named:
            continue
        key = (p.area, normalise_place(p.place))
        before = [week.get(key, 0) for week in history]
        if p.reporters >= 2 and unusual_place(p.reporters, before):
            usual = usual_reporters(before)
            run = next((i for i, n in enumerate(before) if n < 2), len(before))
            power = strength(hotspot_evidence(p.top, p.reporters, usual, run, len(high)))
            only = high[0] if len(high) == 1 else None
            reason = NamedBySeveral(p.reporters, usual or None)
            out.append(Standout(Kind.HOTSPOT, p.area, only, p.place, reason, p.reporters, power))
        if not p.known:
            only = named[0] if len(named) == 1 else None
            power = strength(new_place_evidence(p.top, p.reporters, len(named)))
            out.append(Standout(Kind.NEW_PLACE, p.area, only, p.place, NEW_PLACE, p.all_reporters, power))
    return out


def _standout_words(s: Standout, areas: Mapping[str, str], factors: Mapping[str, str], lang: str) -> str:
    where = " · ".join(part for part in (areas.get(s.area, s.area), s.place, factors.get(s.factor or "", "")) if part)
    return t(lang, "web.weeks.standout", where=where, reason=reason_text(s.reason, lang))


def _response(stat: WeekStat | None, lang: str) -> tuple[str, str]:
    expected = stat.expected if stat else 0
    responded = stat.responded if stat else 0
    rate = format_percent(responded / expected if expected else 0.0, lang)
    return t(lang, "web.weeks.response", responded=responded, expected=expected, rate=rate), rate


def finalised(rnd: Round) -> bool:
    return phase_index(rnd.phase) >= phase_index(Phase.FINALISED)


def counted_from(group: GroupConfig, oldest: RoundKey) -> RoundKey:
    """The first week whose counts the list needs: the rule's baseline before the oldest week it shows."""
    return oldest.minus(max(BASELINE_WEEKS, group.detection.params().history_weeks))


def _judged_answers(
    uow: UnitOfWork,
    group_id: str,
    counts: Mapping[RoundKey, Mapping[tuple[str, str, int], int]],
    params: DetectionParams,
    first: RoundKey,
    newest: RoundKey,
) -> dict[RoundKey, list[Report]]:
    """The answers, reporter by reporter, of every cell the rule judges in some week of the list (its mean at
    least min_level), from `first` to `newest`: what the week's own page reads for the second signal."""
    if not params.reporter_min:
        return {}
    cells = {
        (area, factor)
        for tally in counts.values()
        for (area, factor, _level) in tally
        if _mean(tally, area, factor) >= params.min_level - _EPS
    }
    if not cells:
        return {}
    span = sum(1 for _ in _weeks(first, newest))
    return uow.rounds.reporter_answers(group_id, newest.next(), span, cells)


def _weeks(first: RoundKey, last: RoundKey) -> list[RoundKey]:
    out = [first]
    while out[-1] < last:
        out.append(out[-1].next())
    return out


def _mean(tally: Mapping[tuple[str, str, int], int], area: str, factor: str) -> float:
    n = [tally.get((area, factor, level), 0) for level in range(4)]
    return (n[1] + 2 * n[2] + 3 * n[3]) / sum(n) if sum(n) else 0.0


def weeks_page(env: Env, person: Person) -> WeeksPage:
    """The person's group's weeks, newest first (at most `MAX_WEEKS`)."""
    group = env.config.group(person.group_id)
    lang = person.language
    params = group.detection.params()
    attention = group.detection.attention()
    factors = group.factor_list()
    with env.unit() as uow:
        rounds = uow.rounds.recent_rounds(group.id, MAX_WEEKS)
        if not rounds:
            return WeeksPage(group.name, ())
        newest, oldest = rounds[0].key, rounds[-1].key
        areas = [AreaInfo(a.code, a.name) for a in uow.groups.areas(group.id)]
        stats = {s.week: s for s in uow.history.week_stats(group.id, oldest, newest)}
        first = counted_from(group, oldest)
        counts = uow.history.level_counts(group.id, first, newest)
        answers = _judged_answers(uow, group.id, counts, params, first, newest)
        named: dict[RoundKey, list[PlaceWeek]] = {}
        for place in uow.history.place_weeks(group.id, first, newest, group.threshold):
            named.setdefault(place.week, []).append(place)
    area_names = {a.code: a.name for a in areas}
    factor_labels = {f.code: f.label(lang) for f in factors}
    lines: list[WeekLine] = []
    order = standout_order({a.code: i for i, a in enumerate(areas)}, {f.code: i for i, f in enumerate(factors)})
    for rnd in rounds:
        places = named.get(rnd.key, ())
        in_cell = Counter((p.area, f) for p in places for f in p.factors)
        red_cells, standouts = cell_standouts(
            rnd.key, counts, areas, factors, params, group.threshold, attention, in_cell, answers
        )
        history = [  # the place rule's history weeks: those with reports, nearest first
            {(p.area, normalise_place(p.place)): p.reporters for p in named.get(week, ())}
            for week in (rnd.key.minus(i) for i in range(1, params.history_weeks + 1))
            if counts.get(week)
        ]
        standouts = sorted(standouts + place_standouts(places, areas, factors, history), key=order)
        response, rate = _response(stats.get(rnd.key), lang)
        shown = tuple(_standout_words(s, area_names, factor_labels, lang) for s in standouts[:SHOWN_STANDOUTS])
        lines.append(
            WeekLine(
                week=str(rnd.key),
                response=response,
                rate=rate,
                red=red_cells,
                standouts=len(standouts),
                standout_text=shown,
                more=len(standouts) - len(shown),
                finalised=finalised(rnd),
            )
        )
    return WeeksPage(group.name, tuple(lines))


# --------------------------------------------------------------------------- one week


@dataclass(frozen=True)
class HeatCell:
    area: str
    colour: str  # green | yellow | orange | red | none: the CSS class; the level is always written too
    level: str  # "1,5", "–" without reports
    change: str  # since last week: "↑ +0,5", "→ 0,0", "–"
    reports: str  # "3 svar"


@dataclass(frozen=True)
class HeatRow:
    factor: str
    cells: tuple[HeatCell, ...]


@dataclass(frozen=True)
class LegendItem:
    colour: str
    text: str


@dataclass(frozen=True)
class StandoutLine:
    kind: str  # red | rising | hotspot | new_place
    where: str
    reason: str


@dataclass(frozen=True)
class CandidateLine:
    title: str
    reasons: str
    votes: str
    action_type: str
    responsible: str  # who acts
    timeframe: str
    status: str  # in words: proposed, decided, dropped


@dataclass(frozen=True)
class DecisionLine:
    title: str
    action_type: str
    responsible: str
    timeframe: str
    votes: str


@dataclass(frozen=True)
class NoteLine:
    where: str
    text: str
    by: str  # the organisation (a note) or "source, author" (an observation)


@dataclass(frozen=True)
class WeekPage:
    week: str  # "2026-W47"
    title: str
    response: str
    finalised: bool
    report: bool  # whether its weekly report is there (finalised, with someone asked)
    phase: str  # in words
    red: int
    areas: tuple[str, ...]  # the heatmap's column headings
    heatmap: tuple[HeatRow, ...]  # one row per factor
    legend: tuple[LegendItem, ...]
    standouts: tuple[StandoutLine, ...]
    candidates: tuple[CandidateLine, ...]
    decisions: tuple[DecisionLine, ...]
    notes: tuple[NoteLine, ...]  # approved ones only
    observations: tuple[NoteLine, ...]
    non_responders: tuple[NonResponder, ...] | None  # coordinators only; None for everyone else


def parse_week(week: str) -> RoundKey | None:
    """A week key from a URL ("2026-W47"); None when it is not one."""
    try:
        return RoundKey.parse(week)
    except ValueError:
        return None


def _candidate(c: Candidate, lang: str) -> CandidateLine:
    return CandidateLine(
        title=c.title,
        reasons="; ".join(candidate_reasons(c, lang)),
        votes=t(lang, "picture.decision.votes.one" if c.votes == 1 else "picture.decision.votes.many", count=c.votes),
        action_type=label(lang, "atype", c.action_type),
        responsible=label(lang, "resp", c.responsible),
        timeframe=label(lang, "time", c.timeframe),
        status=t(
            lang, f"web.week.candidate.{c.status}" if c.status in ("decided", "dropped") else "web.week.candidate.open"
        ),
    )


def week_page(env: Env, person: Person, week: str) -> WeekPage | None:
    """One week of the person's group; None if the key is not a week or the group has no round that week."""
    key = parse_week(week)
    if key is None:
        return None
    group: GroupConfig = env.config.group(person.group_id)
    lang = person.language
    coordinator = person.has_role("coordinator")
    with env.unit() as uow:
        rnd = uow.rounds.get_round(group.id, key)
        if rnd is None:
            return None
        pic = picture(env, uow, group, rnd, lang)
        decided = decisions(uow, rnd, lang)
        candidates = uow.meeting.candidates(rnd.id)
        absent = tuple(uow.history.non_responders(rnd.id)) if coordinator else None
    vm = view_model(pic, for_coordinators=False, decisions=decided)
    areas = [a.name for a in pic.input.areas]
    heatmap = tuple(
        HeatRow(
            row["factor"],
            tuple(
                HeatCell(area, c["colour"], c["mean"], c["vs_last"], c["reports"])
                for area, c in zip(areas, row["cells"], strict=True)
            ),
        )
        for row in vm["heatmap"]
    )
    legend = tuple(
        LegendItem(colour, t(lang, f"picture.level.{k}"))
        for k, colour in (("0", "green"), ("1", "yellow"), ("2", "orange"), ("3", "red"), ("none", "none"))
    )
    return WeekPage(
        week=str(rnd.key),
        title=vm["title"],
        response=vm["response"],
        finalised=finalised(rnd),
        report=finalised(rnd) and pic.input.expected > 0,
        phase=t(lang, f"phase.{Phase(rnd.phase).value}"),
        red=sum(1 for c in pic.cells.values() if c.colour == "red"),
        areas=tuple(areas),
        heatmap=heatmap,
        legend=legend,
        standouts=tuple(StandoutLine(s["kind"], s["where"], s["reason"]) for s in vm["standouts"]),
        candidates=tuple(_candidate(c, lang) for c in candidates),
        decisions=tuple(
            DecisionLine(d["title"], d["action_type"], d["responsible"], d["timeframe"], d["votes"])
            for d in vm["decisions"]
        ),
        notes=tuple(NoteLine(n["where"], n["text"], n["organisation"]) for n in vm["notes"]),
        observations=tuple(NoteLine(o["where"], o["text"], o["by"]) for o in vm["observations"]),
        non_responders=absent,
    )
