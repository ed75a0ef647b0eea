"""Weekly figures over a range of weeks, for trend charts, exports and the follow-up of actions.

Plain records that storage fills (`History.cell_stats`, `History.answer_records`, …) and a `Series` that
lines them up week by week. Pure code: no database, no drawing.

A week's level for an area × factor is the mean of the submitted reports, as in the situation picture.
A level over several factors (an action about drugs and gatherings, or "all factors") pools the reports
of those factors: the sum of their levels over their number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from bot.domain.cycle import RoundKey
from bot.domain.factors import Factor
from bot.domain.picture import AreaInfo, PictureInput, Report


@dataclass(frozen=True, slots=True)
class CellStat:
    """The submitted reports on one area × factor in one week: how many, their sum and their highest level."""

    week: RoundKey
    area: str
    factor: str
    count: int
    total: int
    max: int

    def __reduce__(self) -> tuple[type[CellStat], tuple[RoundKey, str, str, int, int, int]]:
        # pickled as its fields in order: a chart job carries many, in half the time of dataclasses' own way
        return (CellStat, (self.week, self.area, self.factor, self.count, self.total, self.max))

    @property
    def mean(self) -> float | None:
        return self.total / self.count if self.count else None


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """How many submitted reports named a place for a factor in one week."""

    week: RoundKey
    area: str
    place: str
    factor: str
    count: int


class PlaceLevel(NamedTuple):
    """The submitted reports that named an approved place for a factor in one week: how many, the sum and the
    highest of their levels, with the place's position when it has one (configured, or a shared location).
    A named tuple, not a dataclass: the map reads tens of thousands of these for a year (cheaper to make)."""

    week: RoundKey
    area: str
    place_id: int
    place: str
    lat: float | None
    lon: float | None
    factor: str
    mentions: int  # reports that named it
    total: int
    max: int


@dataclass(frozen=True, slots=True)
class WeekStat:
    """One week's round: its phase, how many were asked and how many answered."""

    week: RoundKey
    phase: str
    expected: int
    responded: int


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    """One submitted answer as exported: the organisation, never the person."""

    week: RoundKey
    response: int  # the response's number: groups the answers of one report within one week only
    organisation: str
    area: str
    area_name: str
    factor: str
    level: int
    place: str | None
    note: str | None  # only notes a coordinator approved
    late: bool


@dataclass(frozen=True, slots=True)
class PlaceWeek:
    """A place named in one week's submitted reports, as the picture's place rules read it: how many reports
    named it at or above the group's threshold and at any level, for which factors, and whether it was known
    before the week (configured, or added before the week's round)."""

    week: RoundKey
    area: str
    place: str
    known: bool
    reporters: int  # reports naming it at or above the threshold
    all_reporters: int  # reports naming it at any level
    factors: tuple[str, ...]  # factors it was named for at or above the threshold, sorted
    all_factors: tuple[str, ...]  # factors it was named for at any level, sorted
    top: int = 0  # the highest level it was named at


@dataclass(frozen=True, slots=True)
class NonResponder:
    """A reporter asked in a week who has not sent their report: their name and their areas' names."""

    name: str
    areas: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Participation:
    """What one organisation contributed over a range of weeks."""

    organisation: str
    answers: int  # submitted reports
    weeks: int  # weeks in which it submitted at least one


def weeks_between(first: RoundKey, last: RoundKey) -> list[RoundKey]:
    """Every ISO week from `first` to `last`, both included, oldest first; empty if `last` is before `first`."""
    out: list[RoundKey] = []
    key = first
    while key <= last:
        out.append(key)
        key = key.next()
    return out


@dataclass(frozen=True)
class Series:
    """Area × factor levels week by week over consecutive weeks (oldest first); weeks without reports are gaps."""

    weeks: list[RoundKey]
    areas: list[AreaInfo]
    factors: list[Factor]
    stats: dict[tuple[RoundKey, str, str], CellStat] = field(default_factory=dict)

    def mean(self, week: RoundKey, area: str, factor: str) -> float | None:
        s = self.stats.get((week, area, factor))
        return s.mean if s is not None else None

    def line(self, area: str, factor: str) -> list[float | None]:
        return [self.mean(w, area, factor) for w in self.weeks]

    def pooled(self, week: RoundKey, area: str, factors: Iterable[str] | None = None) -> float | None:
        """The mean of every report on `factors` (all factors if None) in the area that week."""
        codes = [f.code for f in self.factors] if factors is None else list(factors)
        count = total = 0
        for code in codes:
            s = self.stats.get((week, area, code))
            if s is not None:
                count += s.count
                total += s.total
        return total / count if count else None

    def pooled_line(self, area: str, factors: Iterable[str] | None = None) -> list[float | None]:
        codes = None if factors is None else list(factors)
        return [self.pooled(w, area, codes) for w in self.weeks]

    def has_data(self) -> bool:
        return any(s.count for s in self.stats.values())

    def trimmed(self) -> Series:
        """Without the leading weeks that have no reports at all (a group that began recently); one week at least."""
        with_data = {week for week, _, _ in self.stats}
        start = next((i for i, w in enumerate(self.weeks) if w in with_data), len(self.weeks) - 1)
        return Series(self.weeks[max(0, start) :], self.areas, self.factors, self.stats)


def series_from_stats(
    stats: Iterable[CellStat], areas: Sequence[AreaInfo], factors: Sequence[Factor], first: RoundKey, last: RoundKey
) -> Series:
    weeks = weeks_between(first, last)
    wanted = set(weeks)
    cells = {(s.week, s.area, s.factor): s for s in stats if s.week in wanted and s.count > 0}
    return Series(weeks, list(areas), list(factors), cells)


def _tally(week: RoundKey, reports: Iterable[Report]) -> list[CellStat]:
    acc: dict[tuple[str, str], list[int]] = {}
    for r in reports:
        cur = acc.setdefault((r.area, r.factor), [0, 0, -1])
        cur[0] += 1
        cur[1] += r.level
        cur[2] = max(cur[2], r.level)
    return [CellStat(week, a, f, n, total, top) for (a, f), (n, total, top) in acc.items()]


def _tally_counts(week: RoundKey, counts: Mapping[tuple[str, str, int], int]) -> list[CellStat]:
    acc: dict[tuple[str, str], list[int]] = {}
    for (area, factor, level), n in counts.items():
        if n <= 0:
            continue
        cur = acc.setdefault((area, factor), [0, 0, -1])
        cur[0] += n
        cur[1] += level * n
        cur[2] = max(cur[2], level)
    return [CellStat(week, a, f, n, total, top) for (a, f), (n, total, top) in acc.items()]


def series_from_input(inp: PictureInput, weeks: int = 12) -> Series:
    """The last `weeks` weeks up to the picture's week, from what the picture was built from: this week's
    reports and the earlier weeks' counts (`history_counts`, which win over raw `history` for a week)."""
    first = inp.week.minus(weeks - 1)
    stats = _tally(inp.week, inp.reports)
    for key, reports in inp.history.items():
        if first <= key < inp.week and key not in inp.history_counts:
            stats += _tally(key, reports)
    for key, counts in inp.history_counts.items():
        if first <= key < inp.week:
            stats += _tally_counts(key, counts)
    return series_from_stats(stats, inp.areas, inp.factors, first, inp.week)


def standing_out(series: Series, area: str, n: int = 3, recent: int = 4) -> list[str]:
    """The factors of an area worth a line of their own: at most `n`, of those that were above green
    (a mean of 0.5 or more) in some week, ranked by their level in the latest week with reports, then by
    their highest level in the last `recent` weeks, then by their mean over the whole series."""
    ranked: list[tuple[tuple[float, float, float], int, str]] = []
    for pos, f in enumerate(series.factors):
        line = series.line(area, f.code)
        seen = [v for v in line if v is not None]
        if not seen or max(seen) < 0.5:
            continue
        latest = next((v for v in reversed(line) if v is not None), 0.0)
        tail = [v for v in line[-recent:] if v is not None]
        key = (latest, max(tail) if tail else 0.0, sum(seen) / len(seen))
        ranked.append((key, pos, f.code))
    ranked.sort(key=lambda item: (tuple(-x for x in item[0]), item[1]))
    return [code for _, _, code in ranked[:n]]
