"""Replaying a group's stored weeks through the "what stands out" rule with other parameters: the backtest.

Pure code, no I/O. The input is what the picture reads of earlier weeks: each week's submitted reports counted
by (area, factor, level) (`bot.ports.History.level_counts`), the cells to judge, and the meeting's decisions
(area, factors, week). For each parameter set the rule of `bot.domain.detection` judges every cell in every
replayed week exactly as `bot.domain.picture.build_picture` judged it that week: the cell's weekly means of the
rule's `history_weeks` calendar weeks before it (None for a week without reports) and its mean this week. The
red level (someone answered 3, or a mean of at least 2,5) does not depend on the parameters; it is replayed
once, beside them.

A decision is *flagged* by a parameter set when one of its cells (all the area's cells when it names no factor)
was flagged in the decision's week or in the `LOOKBACK_WEEKS` weeks before it; *how early* is the number of
weeks from the earliest such flag to the decision's week (0: flagged in the week it was decided, on the
picture the meeting decided on).
"""

from __future__ import annotations

import functools
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.domain.attention import is_red
from bot.domain.cycle import RoundKey
from bot.domain.detection import Answers, DetectionParams, judge
from bot.domain.factors import Factor
from bot.domain.picture import Report
from bot.domain.rising import answers_by_cell

LOOKBACK_WEEKS = 8  # how far before a decision a flag still counts as having pointed at it
_EPS = 1e-9

Cell = tuple[str, str]  # (area code, factor code)
WeekCounts = Mapping[tuple[str, str, int], int]  # one week's submitted reports by (area, factor, level)
# each week known answer by answer: cell -> reporter -> level (a cell nobody answered: absent; a week not known
# answer by answer, or without a round: absent), for the rule's second signal
WeekAnswers = Mapping[RoundKey, Mapping[Cell, Answers]]


@dataclass(frozen=True, slots=True)
class Decision:
    """A decision of the meeting as the backtest checks it: an action decided in `week` on `area`'s `factors`
    (empty: the whole area)."""

    week: RoundKey
    area: str
    factors: tuple[str, ...]
    title: str
    place: str | None = None


@dataclass(frozen=True, slots=True)
class Lead:
    """Whether a decision's cells were flagged before it, and how early: `first` is the earliest flagged week
    from `LOOKBACK_WEEKS` before the decision up to its week (None: not flagged)."""

    decision: Decision
    first: RoundKey | None

    @property
    def weeks_before(self) -> int | None:
        return None if self.first is None else weeks_between(self.first, self.decision.week)


@dataclass(frozen=True, slots=True)
class Flags:
    """The cells flagged in one replayed week, in the group's order of areas and factors."""

    week: RoundKey
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Run:
    """One rule replayed over the weeks: what it flags each week, and the decisions it pointed at."""

    weeks: tuple[Flags, ...]  # the replayed weeks with reports, oldest first
    leads: tuple[Lead, ...]  # one per decision, in the decisions' order

    @property
    def per_week(self) -> tuple[int, ...]:
        return tuple(len(f.cells) for f in self.weeks)

    @property
    def total(self) -> int:
        return sum(self.per_week)

    @property
    def median(self) -> float:
        return statistics.median(self.per_week) if self.weeks else 0.0

    @property
    def most(self) -> int:
        return max(self.per_week, default=0)

    @property
    def found(self) -> int:
        """Decisions flagged in their week or the weeks before it."""
        return sum(1 for lead in self.leads if lead.first is not None)

    @property
    def median_lead(self) -> float | None:
        """The median of how many weeks before their decision the flagged decisions were flagged."""
        early = [w for lead in self.leads if (w := lead.weeks_before) is not None]
        return statistics.median(early) if early else None

    def cells(self) -> dict[Cell, tuple[RoundKey, ...]]:
        """Each cell flagged at least once, with the weeks it was flagged, in the order first flagged."""
        out: dict[Cell, list[RoundKey]] = {}
        for f in self.weeks:
            for cell in f.cells:
                out.setdefault(cell, []).append(f.week)
        return {cell: tuple(weeks) for cell, weeks in out.items()}


@dataclass(frozen=True)
class Replay:
    """The backtest: the window of weeks, the red level, and one run per parameter set (today's first)."""

    first: RoundKey  # the window replayed, both included
    last: RoundKey
    params: tuple[DetectionParams, ...]
    runs: tuple[Run, ...]  # one per parameter set, in the same order
    red: Run  # the red level, the same for every parameter set
    decisions: tuple[Decision, ...]

    @property
    def weeks(self) -> tuple[RoundKey, ...]:
        """The weeks of the window with reports, oldest first."""
        return tuple(f.week for f in self.red.weeks)


@dataclass(frozen=True)
class ParameterSet:
    """One parameter set of a backtest: its label ("A" for today's), the changes as written (none for today's)
    and the rule's parameters they make."""

    label: str
    changes: tuple[tuple[str, str], ...]
    params: DetectionParams

    @property
    def today(self) -> bool:
        return not self.changes


@dataclass(frozen=True)
class GroupBacktest:
    """A group's backtest with what its wording needs: the parameter sets, the names of the areas, the factors."""

    group_id: str
    group_name: str
    sets: tuple[ParameterSet, ...]
    replay: Replay
    area_names: Mapping[str, str]
    factors: tuple[Factor, ...]


def weeks_between(earlier: RoundKey, later: RoundKey) -> int:
    """How many calendar weeks `later` is after `earlier`."""
    return (later.monday() - earlier.monday()).days // 7


def window(last: RoundKey, weeks: int) -> tuple[RoundKey, ...]:
    """The `weeks` calendar weeks ending with `last`, oldest first."""
    return tuple(last.minus(n) for n in range(weeks - 1, -1, -1))


def cell_mean(counts: WeekCounts | None, cell: Cell) -> float | None:
    """The cell's mean level in one week (None without reports on it), from the week's counts."""
    if counts is None:
        return None
    area, factor = cell
    n = total = 0
    for level in range(4):
        k = counts.get((area, factor, level), 0)
        n += k
        total += level * k
    return total / n if n else None


Means = Mapping[RoundKey, Mapping[Cell, float]]  # each week's mean level per cell (cells without reports left out)


def weekly_means(counts: Mapping[RoundKey, WeekCounts], cells: Sequence[Cell]) -> dict[RoundKey, dict[Cell, float]]:
    """Each week's mean level of every cell that had reports, counted once for all the parameter sets."""
    out: dict[RoundKey, dict[Cell, float]] = {}
    for week, now in counts.items():
        if now:  # a week without reports is not a week of the replay (as in `replay_red`)
            out[week] = {cell: mean for cell in cells if (mean := cell_mean(now, cell)) is not None}
    return out


def series(means: Means, week: RoundKey, cell: Cell, before: int) -> list[float | None]:
    """The series the rule judges for `cell` in `week`: its mean in the `before` calendar weeks before it and in
    the week itself, oldest first (None for a week without reports on it), as the picture hands it to the rule."""
    return [means.get(earlier, {}).get(cell) for earlier in _back(week, before)]


@functools.lru_cache(maxsize=1024)
def _back(week: RoundKey, before: int) -> tuple[RoundKey, ...]:
    """`week` and the `before` calendar weeks before it, oldest first (the same for every cell of the week)."""
    return tuple(week.minus(n) for n in range(before, -1, -1))


def replay_rule(
    means: Means,
    weeks: Sequence[RoundKey],
    cells: Sequence[Cell],
    params: DetectionParams,
    answers: WeekAnswers | None = None,
) -> tuple[Flags, ...]:
    """The cells the rule flags as rising in each of `weeks` that has reports: its combined verdict (`judge`), the
    second signal from `answers` (without them, or for a week not in them, the EWMA decides alone, as in the
    picture for a week known only as counts)."""
    known = answers or {}
    out: list[Flags] = []
    for week in weeks:
        now = means.get(week)
        if now is None:
            continue
        flagged = []
        for cell in cells:
            mean = now.get(cell)
            if mean is None or mean < params.min_level - _EPS:
                continue  # the rule never flags below min_level, as in the picture
            span = _back(week, params.history_weeks)
            this = known.get(week, {}).get(cell)
            history = [None if (w := known.get(earlier)) is None else w.get(cell, {}) for earlier in span[:-1]]
            if judge(series(means, week, cell, params.history_weeks), params, this, history).flagged:
                flagged.append(cell)
        out.append(Flags(week, tuple(flagged)))
    return tuple(out)


def week_answers(
    reports: Mapping[RoundKey, Sequence[Report]], cells: Iterable[Cell]
) -> dict[RoundKey, dict[Cell, Answers]]:
    """The stored answers of each week (every round a key, as the store hands them over) by cell and reporter."""
    keys = set(cells)
    return {week: dict(answers_by_cell(rs, keys)) for week, rs in reports.items()}


def replay_red(
    counts: Mapping[RoundKey, WeekCounts], weeks: Sequence[RoundKey], cells: Sequence[Cell]
) -> tuple[Flags, ...]:
    """The cells at the red level in each of `weeks` that has reports, as the picture has them: a red mean, two
    reporters who answered 3, or one on a cell that is orange (one 3 on a quieter cell is a single serious report,
    not red)."""
    out: list[Flags] = []
    for week in weeks:
        now = counts.get(week)
        if not now:
            continue
        red = []
        for cell in cells:
            mean = cell_mean(now, cell)
            n3 = now.get((*cell, 3), 0)
            if mean is not None and is_red(mean, n3):
                red.append(cell)
        out.append(Flags(week, tuple(red)))
    return tuple(out)


def decision_cells(decision: Decision, cells: Iterable[Cell]) -> frozenset[Cell]:
    """The cells a decision is about: its area's named factors, or all of the area's cells when it names none."""
    return frozenset(c for c in cells if c[0] == decision.area and (not decision.factors or c[1] in decision.factors))


def leads(flags: Sequence[Flags], decisions: Sequence[Decision], cells: Sequence[Cell]) -> tuple[Lead, ...]:
    """For each decision, the earliest week from `LOOKBACK_WEEKS` before it up to its week that flagged one of
    its cells."""
    out: list[Lead] = []
    for d in decisions:
        wanted = decision_cells(d, cells)
        first = next(
            (
                f.week
                for f in flags
                if 0 <= weeks_between(f.week, d.week) <= LOOKBACK_WEEKS and wanted.intersection(f.cells)
            ),
            None,
        )
        out.append(Lead(d, first))
    return tuple(out)


def replay(
    counts: Mapping[RoundKey, WeekCounts],
    last: RoundKey,
    weeks: int,
    cells: Sequence[Cell],
    params: Sequence[DetectionParams],
    decisions: Sequence[Decision],
    answers: WeekAnswers | None = None,
) -> Replay:
    """Replay the `weeks` calendar weeks ending with `last` through each parameter set (`counts`, and `answers`
    for the second signal, must hold the weeks before them that the rule reads: `history_weeks` of each set).
    Decisions outside the window are left out; the others are checked in week order."""
    span = window(last, weeks)
    inside = tuple(sorted((d for d in decisions if span[0] <= d.week <= last), key=lambda d: d.week))
    red = replay_red(counts, span, cells)
    means = weekly_means(counts, cells)
    runs = []
    for p in params:
        flags = replay_rule(means, span, cells, p, answers)
        runs.append(Run(flags, leads(flags, inside, cells)))
    return Replay(span[0], last, tuple(params), tuple(runs), Run(red, leads(red, inside, cells)), inside)
