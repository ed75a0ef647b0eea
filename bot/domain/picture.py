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

What stands out: a red level (the mean is red, or someone answered 3 on a cell whose
mean is orange, or two or more did) — a fixed rule; a cell whose level is unusually
high for that cell, or whose reporters answered well above their own usual levels
(`bot.domain.detection.judge` via `bot.domain.rising`, kind "rising", with its reasons
naming the signal); a place named by several reporters, more than usual for the place;
a new place; and, after those, a single serious report (one reporter's 3 on a cell
whose mean is not orange), unless the group turns that kind off. Each gets a strength
and the list is strongest first (`bot.domain.attention`, the attention budget).

Reports are assumed to be one per reporter, area and factor and week (the
storage layer's unique key); reports for areas or factors that are not in the
input's lists are left out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from operator import attrgetter

from bot.domain.attention import STANDOUT_KINDS as STANDOUT_KINDS  # re-exported, with Kind
from bot.domain.attention import (
    AttentionParams,
    Evidence,
    cell_evidence,
    hotspot_evidence,
    is_red,
    new_place_evidence,
    standout_order,
    strength,
    unusual_place,
    usual_reporters,
)
from bot.domain.attention import Kind as Kind
from bot.domain.cycle import RoundKey
from bot.domain.detection import DetectionParams, Signal, judge
from bot.domain.effect import shown_change
from bot.domain.factors import Factor, colour_for
from bot.domain.followup import ActionFollowUp as ActionFollowUp
from bot.domain.followup import follow_up as follow_up  # re-exported: the store builds follow-ups from here
from bot.domain.reasons import CandidateReason, NamedBySeveral, NewPlace, Reason, RedLevel, SingleReport
from bot.domain.rising import answers_by_cell, judged_weeks, reporter_history, rising_reason
from bot.domain.rising import detection_reason as detection_reason  # the web view's weeks (EWMA on counts alone)
from bot.domain.statistics import AreaEvent
from bot.domain.tally import Tally, previous_weeks
from bot.domain.tally import count_levels as count_levels  # re-exported: the store counts weeks with it

BASELINE_WEEKS = 4  # the "vs 4 weeks" column
_EPS = 1e-9


NEW_PLACE = NewPlace()
SINGLE_REPORT = SingleReport()


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

    def __reduce__(self) -> tuple[type[Report], tuple[int, str, str, str, int, str | None, str | None]]:
        # pickled as its fields in order: a chart job carries hundreds, in half the time of dataclasses' own way
        return (
            Report,
            (self.reporter_id, self.organisation, self.area, self.factor, self.level, self.place, self.note),
        )


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
    # earlier weeks' places: (area, place lower-cased) -> reporters who named it at or above the threshold; a
    # week here wins over `history`
    place_history: Mapping[RoundKey, Mapping[tuple[str, str], int]] = field(default_factory=dict)
    attention: AttentionParams = field(default_factory=AttentionParams)
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
    strength: float = 0.0  # how strongly it stands out (`bot.domain.attention.strength`); the list's order
    evidence: Evidence | None = field(default=None, compare=False, repr=False)  # what `strength` was made of


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
    top: int = 0  # the highest level it was named at

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
        place.top = max(place.top, r.level)
        if r.level >= threshold:
            place.reporters.add(r.reporter_id)
            if r.level > place.factor_max.get(r.factor, -1):
                place.factor_max[r.factor] = r.level
    return places


def place_counts(reports: Iterable[Report], threshold: int) -> Counter[tuple[str, str]]:
    """Reporters who named each (area, place lower-cased) at or above the threshold: one week's `place_history`."""
    named = {(r.area, normalise_place(r.place), r.reporter_id) for r in reports if r.place and r.level >= threshold}
    return Counter((area, place) for area, place, _ in named)


class _PlaceHistory:
    """How many reporters named a place at or above the threshold in each history week with reports, nearest
    first; counted from `history` only when a place named by two or more this week asks."""

    def __init__(self, inp: PictureInput, weeks: list[tuple[int, int]], tallies: list[Tally]) -> None:
        self.inp, self.weeks = inp, [yw for yw, tally in zip(weeks, tallies, strict=False) if tally.triples]

    @cached_property
    def per_week(self) -> list[Mapping[tuple[str, str], int]]:
        given = {(k.year, k.week): v for k, v in self.inp.place_history.items()}
        raw = {(k.year, k.week): v for k, v in self.inp.history.items()}
        return [given[yw] if yw in given else place_counts(raw.get(yw, ()), self.inp.threshold) for yw in self.weeks]

    def counts(self, key: tuple[str, str]) -> list[int]:
        return [week.get(key, 0) for week in self.per_week]

    def run(self, key: tuple[str, str]) -> int:
        """Weeks in a row before this one that two or more named the place."""
        return next((i for i, n in enumerate(self.counts(key)) if n < 2), len(self.per_week))


_WHO = attrgetter("area", "factor", "reporter_id", "level")


def build_picture(inp: PictureInput) -> Picture:
    area_index = {a.code: i for i, a in enumerate(inp.areas)}
    factor_index = {f.code: i for i, f in enumerate(inp.factors)}
    area_names = {a.code: a.name for a in inp.areas}

    params = inp.detection
    now = Tally(count_levels(inp.reports))
    by_week = {(k.year, k.week): v for k, v in inp.history.items()}
    counted = {(k.year, k.week): v for k, v in inp.history_counts.items()}
    previous = previous_weeks(inp.week, max(BASELINE_WEEKS, params.history_weeks))
    earlier = [  # nearest first
        Tally(counted[yw] if yw in counted else count_levels(by_week.get(yw, ()))) for yw in previous
    ]
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
    singles: list[Standout] = []
    signals: dict[tuple[str, str], Signal] = {}
    judged = {k for k, c in cells.items() if c.mean is not None and c.mean >= params.min_level - _EPS}
    answers = answers_by_cell(inp.reports, judged)  # the second signal: reporter by reporter (bot.domain.rising)
    answered = {**by_week, **{(k.year, k.week): v for k, v in inp.reporter_history.items()}}
    answered_before = reporter_history(judged_weeks(answered, previous[: params.history_weeks][::-1]), judged)
    for key, cell in cells.items():
        if cell.mean is None:
            continue
        n3 = now.triples.get((cell.area, cell.factor, 3), 0)
        if is_red(cell.mean, n3):
            red.append(Standout(Kind.RED, cell.area, cell.factor, None, RedLevel(n3), n3))
        elif n3 and inp.attention.single_reports:  # one reporter's 3 on a cell that is not orange
            singles.append(Standout(Kind.SINGLE, cell.area, cell.factor, None, SINGLE_REPORT, n3))
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
    named_before = _PlaceHistory(inp, previous[: params.history_weeks], earlier)
    hotspots: list[Standout] = []
    new_places: list[Standout] = []
    place_candidates: list[tuple[_Place, list[CandidateReason]]] = []
    places_in_cell: Counter[tuple[str, str]] = Counter()
    for key, place in places.items():
        places_in_cell.update((place.area, f) for f in place.factor_max)
        only_factor = next(iter(place.factor_max)) if len(place.factor_max) == 1 else None
        reasons: list[CandidateReason] = []
        n = len(place.reporters)
        if n >= 2 and unusual_place(n, history := named_before.counts(key)):
            usual = usual_reporters(history)
            named = NamedBySeveral(n, usual or None)
            evidence = hotspot_evidence(
                max(place.factor_max.values()), n, usual, named_before.run(key), len(place.factor_max)
            )
            power = strength(evidence)
            hotspots.append(Standout(Kind.HOTSPOT, place.area, only_factor, place.name, named, n, power, evidence))
            reasons.append(CandidateReason(named))
        if key not in known:
            factor = next(iter(place.all_factors)) if len(place.all_factors) == 1 else None
            evidence = new_place_evidence(place.top, n, len(place.all_factors))
            everyone = len(place.all_reporters)
            new_places.append(
                Standout(
                    Kind.NEW_PLACE, place.area, factor, place.name, NEW_PLACE, everyone, strength(evidence), evidence
                )
            )
            reasons.append(CandidateReason(NEW_PLACE))
        if reasons and place.reporters:
            place_candidates.append((place, reasons))

    flagged = {(s.area, s.factor) for s in rising}

    def cell_strength(s: Standout) -> Standout:
        key = (s.area, s.factor or "")
        cell = cells[key]
        signal = signals.get(key)
        expected = signal.expected if signal is not None and signal.expected is not None else cell.baseline
        high = sum(now.triples.get((*key, lvl), 0) for lvl in range(inp.threshold, 4))
        before = [tally.mean(key) for tally in reversed(recent)]
        # a swing usual for the cell: the rule judged it and neither of its signals fired (the reporters' signal
        # can flag a cell whose EWMA stayed within its limit: that change counts)
        usual = signal is not None and signal.expected is not None and key not in flagged
        evidence = cell_evidence(cell.mean or 0.0, expected, high, before, places_in_cell[key], usual)
        return replace(s, strength=strength(evidence), evidence=evidence)

    red = [cell_strength(s) for s in red]
    rising = [cell_strength(s) for s in rising]
    ranked = [*red, *rising, *hotspots, *new_places, *map(cell_strength, singles)]
    standouts = sorted(ranked, key=standout_order(area_index, factor_index))

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
    for s in red + rising + singles:  # a single serious report can be chosen too, last of its area
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
