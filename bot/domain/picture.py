"""The weekly situation picture (lägesbild): what the reports say, and what stands out.

Pure code so that the Thursday draft, the coordinator preview, the Friday report
and the benchmarks all compute the same numbers from the same input. Aggregation
counts ``(area, factor, level)`` triples with `collections.Counter` over
`operator.attrgetter`, which runs in C: the picture stays linear in the number of
reports and fast for tens of thousands of reporters. Earlier weeks are only ever
needed as those counts, so the store hands them over already counted
(``history_counts``, a GROUP BY in the database); raw ``history`` is counted here.
Only the weeks the 4-week baseline and the detection rule need are read
(`bot.domain.detection`), however long the history is.

What stands out: a red level (someone answered 3, or the mean is red) — a fixed
rule; a cell whose level is unusually high for that cell, or whose reporters answered
well above their own usual levels (`bot.domain.detection.judge` via
`bot.domain.rising`, kind "rising", with its reasons naming the signal); a place named
by several reporters; a new place.

Reports are assumed to be one per reporter, area and factor and week (the
storage layer's unique key); reports for areas or factors that are not in the
input's lists are left out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property
from operator import attrgetter

from bot.domain.cycle import RoundKey
from bot.domain.detection import DetectionParams, Signal, judge
from bot.domain.effect import level_change, pooled_level, shown_change
from bot.domain.factors import Factor, colour_for
from bot.domain.reasons import CandidateReason, NamedBySeveral, NewPlace, Reason, RedLevel
from bot.domain.rising import answers_by_cell, judged_weeks, reporter_history, rising_reason
from bot.domain.rising import detection_reason as detection_reason  # the web view's weeks (EWMA on counts alone)
from bot.domain.statistics import AreaEvent

BASELINE_WEEKS = 4  # the "vs 4 weeks" column
RED_MEAN = 2.5
_EPS = 1e-9


class Kind(StrEnum):
    """What kind of thing stands out, in the order the picture lists them."""

    RED = "red"  # someone answered 3, or the mean is red
    RISING = "rising"  # the detection rule flagged the cell
    HOTSPOT = "hotspot"  # a place named by several reporters
    NEW_PLACE = "new_place"  # a place not known before


STANDOUT_KINDS: tuple[Kind, ...] = tuple(Kind)
NEW_PLACE = NewPlace()


@dataclass(frozen=True, slots=True)
class AreaInfo:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Report:
    """One reporter's answer on one area × factor in one week."""

    reporter_id: int
    organisation: str
    area: str
    factor: str
    level: int
    place: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Note:
    id: int
    area: str | None
    factor: str | None
    place: str | None
    text: str
    organisation: str
    approved: bool


@dataclass(frozen=True, slots=True)
class Observation:
    area: str | None
    factor: str | None
    text: str
    author: str
    source: str  # e.g. "trygghetsvärd", "polis"


@dataclass(frozen=True, slots=True)
class ActionFollowUp:
    """An earlier action as the picture follows it up: its level before and after by the one definition in
    `bot.domain.effect` (after: the weeks after the decision up to the picture's week; None while too early)."""

    action_id: int
    area: str
    place: str | None
    factor: str | None
    description: str
    responsible: str
    decided_week: RoundKey
    level_before: float | None
    level_after: float | None

    @property
    def change(self) -> float | None:
        """After minus before as shown (one decimal each), so that the change agrees with the figures."""
        return shown_change(self.level_after, self.level_before)


def follow_up(
    action_id: int,
    area: str,
    place: str | None,
    factors: str,
    description: str,
    responsible: str,
    decided: RoundKey,
    week: RoundKey,
    week_counts: Mapping[RoundKey, Mapping[tuple[str, str, int], int]],
    all_factors: Iterable[str],
) -> ActionFollowUp:
    """An action decided in week `decided` as the picture of `week` follows it up: the level of its area over its
    factors (all of them when it names none, `factors` as stored: comma-separated), week by week from the
    counts, before and after by the one definition in `bot.domain.effect`."""
    named = [f for f in factors.split(",") if f]
    wanted = frozenset(named or all_factors)

    def weekly(w: RoundKey) -> float | None:  # only the weeks the rule reads (D-3 … D+4), not every week held
        counts = week_counts.get(w)
        return None if counts is None else pooled_level(counts, area, wanted)

    change = level_change(weekly, decided, week)
    first = named[0] if named else None
    return ActionFollowUp(action_id, area, place, first, description, responsible, decided, change.before, change.after)


@dataclass(frozen=True)
class PictureInput:
    group_name: str
    week: RoundKey
    areas: list[AreaInfo]
    factors: list[Factor]
    reports: list[Report]  # this week: submitted answers, late ones included
    history: dict[RoundKey, list[Report]]  # earlier weeks as reports; only the weeks needed are read
    known_places: set[tuple[str, str]]  # (area, place name lower-cased) known before this week
    expected: int
    responded: int
    late: int
    non_responders: list[str]  # names, shown to coordinators only
    notes: list[Note]
    observations: list[Observation]
    actions: list[ActionFollowUp]
    threshold: int = 2
    police_events: tuple[AreaEvent, ...] = ()  # imported police events of the week in the group's areas
    detection: DetectionParams = field(default_factory=DetectionParams)
    # earlier weeks already counted: (area, factor, level) -> reports; a week here wins over `history`
    history_counts: Mapping[RoundKey, Mapping[tuple[str, str, int], int]] = field(default_factory=dict)
    # earlier weeks' answers of only the cells the rule judges, for its second signal (bot.domain.rising)
    reporter_history: Mapping[RoundKey, list[Report]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Cell:
    area: str
    factor: str
    count: int
    max: int | None
    mean: float | None
    colour: str
    last_week: float | None
    baseline: float | None  # mean of the previous 4 weeks' means (weeks with reports only)

    # The changes are differences of levels as shown (one decimal), so that an arrow never contradicts the
    # figures: a mean shown as 0,4 against 0,5 is "↓ −0,1", never "→ 0,0".
    @property
    def vs_last(self) -> float | None:
        return shown_change(self.mean, self.last_week)

    @property
    def vs_baseline(self) -> float | None:
        return shown_change(self.mean, self.baseline)


@dataclass(frozen=True, slots=True)
class Standout:
    kind: Kind
    area: str
    factor: str | None
    place: str | None
    reason: Reason  # which rule fired, with its numbers; `bot.text.reasons` words it
    reporters: int = 0


@dataclass(frozen=True, slots=True)
class Candidate:
    key: str  # stable: "area:<code>" or "place:<area>:<place lower>"
    area: str
    place: str | None
    factors: tuple[str, ...]
    title: str  # a name, the same in every language: the area's, or "<place>, <area>"
    reasons: tuple[CandidateReason, ...]
    score: float


@dataclass(frozen=True)
class Picture:
    """The week's picture as data: levels, changes and reasons are values; `bot.reports` shows them in a
    language (`bot.reports.view.PictureView`)."""

    input: PictureInput
    cells: dict[tuple[str, str], Cell]
    standouts: list[Standout]
    candidates: list[Candidate]
    response_rate: float
    # the detection rule's verdict on each cell it judged (a mean of at least min_level this week)
    signals: dict[tuple[str, str], Signal] = field(default_factory=dict)

    @cached_property
    def _area_names(self) -> dict[str, str]:
        return {a.code: a.name for a in self.input.areas}

    def area_name(self, code: str | None) -> str:
        """The area's name; an unknown code as itself, None as ""."""
        return "" if code is None else self._area_names.get(code, code)


# --------------------------------------------------------------------------- building


def normalise_place(place: str | None) -> str:
    """The comparable form of a place name: whitespace collapsed, lower case."""
    if not place:
        return ""
    return " ".join(place.split()).lower()


def _previous_weeks(week: RoundKey, n: int) -> list[tuple[int, int]]:
    """(year, week) of the n ISO weeks before `week`, nearest first."""
    monday = date.fromisocalendar(week.year, week.week, 1)
    out: list[tuple[int, int]] = []
    for i in range(1, n + 1):
        iso = (monday - timedelta(weeks=i)).isocalendar()
        out.append((iso[0], iso[1]))
    return out


_CELL_LEVEL = attrgetter("area", "factor", "level")


def count_levels(reports: Iterable[Report]) -> Counter[tuple[str, str, int]]:
    """How many reports gave each ``(area, factor, level)``: one counting pass in C."""
    return Counter(map(_CELL_LEVEL, reports))


class _Tally:
    """One week's level counts, read per cell on demand: four look-ups per cell and week (levels are
    the EST scale 0-3), so a week costs nothing for the cells nobody asks about."""

    __slots__ = ("triples",)

    def __init__(self, triples: Mapping[tuple[str, str, int], int]) -> None:
        self.triples = triples

    def stats(self, key: tuple[str, str]) -> tuple[int, int, int | None]:
        """(reports, sum of levels, highest level) of one cell."""
        area, factor = key
        get = self.triples.get
        n0, n1, n2, n3 = (
            get((area, factor, 0), 0),
            get((area, factor, 1), 0),
            get((area, factor, 2), 0),
            get((area, factor, 3), 0),
        )
        top = 3 if n3 else 2 if n2 else 1 if n1 else 0 if n0 else None
        return n0 + n1 + n2 + n3, n1 + 2 * n2 + 3 * n3, top

    def mean(self, key: tuple[str, str]) -> float | None:
        n, total, _ = self.stats(key)
        return total / n if n else None


@dataclass
class _Place:
    """A place named this week in one area (at any level)."""

    area: str
    norm: str
    spellings: Counter[str]
    reporters: set[int]  # named it at or above the threshold
    all_reporters: set[int]
    factor_max: dict[str, int]  # factor -> highest level it was named for (at or above threshold)
    all_factors: dict[str, None]  # factors it was named for at any level, in order seen

    @cached_property
    def name(self) -> str:
        # the most common spelling; of equally common ones the first in code-point order
        # ("Hamnen" before "hamnen"), so that the order of the reports does not matter
        return min(self.spellings.items(), key=lambda item: (-item[1], item[0]))[0]


_PLACE = attrgetter("place")


def _collect_places(
    reports: list[Report], area_codes: Mapping[str, int], factor_codes: Mapping[str, int], threshold: int
) -> dict[tuple[str, str], _Place]:
    places: dict[tuple[str, str], _Place] = {}
    forms: dict[str, tuple[str, str]] = {}  # as typed -> (comparable form, spelling); few distinct names
    for r in filter(_PLACE, reports):  # most reports name no place; skip them in C
        raw = r.place or ""
        form = forms.get(raw)
        if form is None:
            spelling = " ".join(raw.split())
            form = forms[raw] = (spelling.lower(), spelling)
        norm, spelling = form
        if not norm or r.area not in area_codes or r.factor not in factor_codes:
            continue
        key = (r.area, norm)
        place = places.get(key)
        if place is None:
            place = places[key] = _Place(r.area, norm, Counter(), set(), set(), {}, {})
        place.spellings[spelling] += 1
        place.all_reporters.add(r.reporter_id)
        place.all_factors[r.factor] = None
        if r.level >= threshold:
            place.reporters.add(r.reporter_id)
            if r.level > place.factor_max.get(r.factor, -1):
                place.factor_max[r.factor] = r.level
    return places


_WHO = attrgetter("area", "factor", "reporter_id", "level")


def build_picture(inp: PictureInput) -> Picture:
    area_index = {a.code: i for i, a in enumerate(inp.areas)}
    factor_index = {f.code: i for i, f in enumerate(inp.factors)}
    area_names = {a.code: a.name for a in inp.areas}

    params = inp.detection
    now = _Tally(count_levels(inp.reports))
    by_week = {(k.year, k.week): v for k, v in inp.history.items()}
    counted = {(k.year, k.week): v for k, v in inp.history_counts.items()}
    previous = _previous_weeks(inp.week, max(BASELINE_WEEKS, params.history_weeks))
    earlier = [_Tally(counted[yw] if yw in counted else count_levels(by_week.get(yw, ()))) for yw in previous]
    recent = earlier[:BASELINE_WEEKS]
    window = earlier[: params.history_weeks][::-1]  # oldest first, for the detection rule

    # ---- cells
    cells: dict[tuple[str, str], Cell] = {}
    for a in inp.areas:
        for f in inp.factors:
            key = (a.code, f.code)
            count, total, top = now.stats(key)
            mean = total / count if count else None
            colour = colour_for(mean)
            if top == 3 and colour in ("green", "yellow", "none"):
                colour = "orange"
            means = [tally.mean(key) for tally in recent]
            past = [m for m in means if m is not None]
            cells[key] = Cell(
                area=a.code,
                factor=f.code,
                count=count,
                max=top,
                mean=mean,
                colour=colour,
                last_week=means[0],
                baseline=sum(past) / len(past) if past else None,
            )

    # ---- standouts per cell
    red: list[Standout] = []
    rising: list[Standout] = []
    signals: dict[tuple[str, str], Signal] = {}
    judged = {k for k, c in cells.items() if c.mean is not None and c.mean >= params.min_level - _EPS}
    answers = answers_by_cell(inp.reports, judged)  # the second signal: reporter by reporter (bot.domain.rising)
    answered = {**by_week, **{(k.year, k.week): v for k, v in inp.reporter_history.items()}}
    answered_before = reporter_history(judged_weeks(answered, previous[: params.history_weeks][::-1]), judged)
    for key, cell in cells.items():
        if cell.mean is None:
            continue
        if cell.max == 3 or cell.mean >= RED_MEAN - _EPS:
            n3 = now.triples.get((cell.area, cell.factor, 3), 0)
            red.append(Standout(Kind.RED, cell.area, cell.factor, None, RedLevel(n3), n3))
        if key not in judged:
            continue  # the rule never flags below min_level; spare it the work
        series = [*(tally.mean(key) for tally in window), cell.mean]
        verdict = judge(series, params, answers.get(key), answered_before[key])
        signals[key] = verdict.signal
        if verdict.flagged:
            high = sum(now.triples.get((*key, lvl), 0) for lvl in range(inp.threshold, 4))
            reason = rising_reason(verdict, params, high)
            rising.append(Standout(Kind.RISING, cell.area, cell.factor, None, reason, high))

    # ---- places
    places = _collect_places(inp.reports, area_index, factor_index, inp.threshold)
    known = {(area, normalise_place(name)) for area, name in inp.known_places}
    hotspots: list[Standout] = []
    new_places: list[Standout] = []
    place_candidates: list[tuple[_Place, list[CandidateReason]]] = []
    for key, place in places.items():
        only_factor = next(iter(place.factor_max)) if len(place.factor_max) == 1 else None
        reasons: list[CandidateReason] = []
        if len(place.reporters) >= 2:
            named = NamedBySeveral(len(place.reporters))
            hotspots.append(Standout(Kind.HOTSPOT, place.area, only_factor, place.name, named, len(place.reporters)))
            reasons.append(CandidateReason(named))
        if key not in known:
            factor = next(iter(place.all_factors)) if len(place.all_factors) == 1 else None
            n = len(place.all_reporters)
            new_places.append(Standout(Kind.NEW_PLACE, place.area, factor, place.name, NEW_PLACE, n))
            reasons.append(CandidateReason(NEW_PLACE))
        if reasons and place.reporters:
            place_candidates.append((place, reasons))

    def cell_order(s: Standout) -> tuple[int, int, str]:
        return (
            area_index[s.area],
            factor_index[s.factor] if s.factor is not None else -1,
            normalise_place(s.place),
        )

    standouts = (
        sorted(red, key=cell_order)
        + sorted(rising, key=cell_order)
        + sorted(hotspots, key=lambda s: (-s.reporters, *cell_order(s)))
        + sorted(new_places, key=cell_order)
    )

    # ---- candidates
    candidates: list[Candidate] = []
    covered: set[tuple[str, str]] = set()
    for place, reasons in place_candidates:
        factors = tuple(sorted(place.factor_max, key=factor_index.__getitem__))
        covered.update((place.area, f) for f in factors)
        candidates.append(
            Candidate(
                key=f"place:{place.area}:{place.norm}",
                area=place.area,
                place=place.name,
                factors=factors,
                title=f"{place.name}, {area_names[place.area]}",
                reasons=tuple(reasons),
                score=float(sum(place.factor_max.values()) + len(place.reporters)),
            )
        )

    uncovered: dict[str, list[Standout]] = defaultdict(list)
    for s in red + rising:
        if s.factor is not None and (s.area, s.factor) not in covered:
            uncovered[s.area].append(s)
    if uncovered:
        wanted = {(s.area, s.factor) for group in uncovered.values() for s in group}
        reporters: dict[str, set[int]] = defaultdict(set)
        threshold = inp.threshold
        for area, factor, reporter, level in set(map(_WHO, inp.reports)):
            if level >= threshold and (area, factor) in wanted:
                reporters[area].add(reporter)
        for area, group in uncovered.items():
            group.sort(key=lambda s: (factor_index[s.factor or ""], STANDOUT_KINDS.index(s.kind)))
            factors = tuple(dict.fromkeys(s.factor for s in group if s.factor is not None))
            reasons_t = tuple(CandidateReason(s.reason, s.factor) for s in group if s.factor is not None)
            top = sum(cells[(area, f)].max or 0 for f in factors)
            candidates.append(
                Candidate(
                    key=f"area:{area}",
                    area=area,
                    place=None,
                    factors=factors,
                    title=area_names[area],
                    reasons=reasons_t,
                    score=float(top + len(reporters[area])),
                )
            )
    candidates.sort(key=lambda c: (-c.score, c.title.lower(), c.key))

    rate = inp.responded / inp.expected if inp.expected > 0 else 0.0
    return Picture(
        input=inp,
        cells=cells,
        standouts=standouts,
        candidates=candidates,
        response_rate=rate,
        signals=signals,
    )
