"""What stands out in one area × factor series: an EWMA rule against the cell's own recent past.

Pure code, no I/O. The input is one cell's weekly mean level (0-3) for a run of
consecutive calendar weeks, oldest first, the week being judged last; ``None`` is a
week without reports. The rule (docs/DETECTION.md has the derivation and the
figures from the simulation in bench/detection.py):

1. **Expected level.** The baseline is the ``baseline_weeks`` weeks that end
   ``guard_weeks`` weeks before this one (the guard band keeps a slow rise out of
   its own baseline, as in the CDC's EARS C2/C3). Its weeks with reports give the
   expected level μ and the spread s (sample standard deviation); σ = max(s,
   ``min_sd``), so that a flat or nearly flat history does not make every small
   change an alarm. When the guarded baseline has fewer than two weeks with
   reports (a young group), the guard is dropped; with no weeks at all, nothing
   is flagged.
2. **EWMA.** Starting from μ, z ← λ·x + (1 − λ)·z over the guard weeks and this
   week (weeks with reports only); λ = ``ewma_weight``. After m updates an
   in-control z has standard deviation σ·√(λ/(2 − λ)·(1 − (1 − λ)^2m)).
3. **Flag** when z is at least ``ewma_limit`` of those standard deviations above μ
   *and* this week's mean is at least ``min_level``: a change that is unusual for
   this cell, at a level worth a meeting's time.

Alongside, for the reason shown to people: how many weeks in a row the mean has
risen, and in how many weeks this is the highest. They do not flag on their own.

A second signal beside the EWMA (`reporters_above_usual`), for the sudden rise from a
busy cell that the EWMA averages away: each reporter's *usual level* is the mean of
their own answers in the same guarded baseline (at least ``reporter_min_weeks`` of
them); the signal fires when this week's reporters answered on average at least
``reporter_rise`` above their own usual levels and that is at least
``reporter_limit`` standard errors, at least ``reporter_min`` of them answered at
least 1 above their own, and the cell's mean is at least ``min_level`` (the standard
error from each reporter's own spread, shrunk towards a common one so that a reporter
who answered alike a few times is not taken to never vary). Comparing each reporter with themselves
takes out who happened to answer this week, which widens a busy cell's spread. It
needs the earlier weeks answer by answer; a week known only as counts (the store's
aggregate) gives no usual level, and without any the signal stays silent and the
EWMA decides alone. `judge` combines the two and says which fired (`Trigger`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

_EPS = 1e-9
HISTORY_WEEKS = 12  # the most weeks before the judged one that the store hands over
MIN_BASELINE = 2  # weeks with reports the guarded baseline needs; fewer, and the guard is dropped


@dataclass(frozen=True, slots=True)
class DetectionParams:
    """The rule's parameters (a group's ``[groups.detection]`` table); defaults from the simulation."""

    baseline_weeks: int = 10  # 8 until issue 19's second round: more of each reporter's own answers
    guard_weeks: int = 2
    ewma_weight: float = 0.5
    ewma_limit: float = 2.5
    min_sd: float = 0.35
    min_level: float = 1.5
    rising_weeks: int = 2  # say "rising N weeks in a row" from N = this
    highest_weeks: int = 6  # say "highest in N weeks" from N = this
    # the second signal: this week's reporters against their own usual level (reporter_min 0: off)
    reporter_limit: float = 2.5  # standard errors the reporters' average rise must reach
    reporter_rise: float = 0.5  # and the least average rise, in levels
    reporter_min: int = 1  # reporters who answered at least 1 above their usual level
    reporter_min_weeks: int = 2  # answers in the baseline that make a reporter's usual level

    def __post_init__(self) -> None:
        if self.baseline_weeks < 1 or self.guard_weeks < 0:
            raise ValueError("baseline_weeks must be at least 1 and guard_weeks at least 0")
        if not 0 < self.ewma_weight <= 1:
            raise ValueError("ewma_weight must be more than 0 and at most 1")
        if self.ewma_limit <= 0 or self.min_sd <= 0:
            raise ValueError("ewma_limit and min_sd must be more than 0")
        if self.rising_weeks < 1 or self.highest_weeks < 2:
            raise ValueError("rising_weeks must be at least 1 and highest_weeks at least 2")
        if not 0 < self.reporter_rise <= 3 or self.reporter_limit <= 0:
            raise ValueError("reporter_rise must be more than 0 and at most 3, reporter_limit more than 0")
        if self.reporter_min < 0 or self.reporter_min_weeks < 1:
            raise ValueError("reporter_min must be at least 0 and reporter_min_weeks at least 1")

    @property
    def history_weeks(self) -> int:
        """How many weeks before the judged one the rule reads."""
        return max(self.baseline_weeks + self.guard_weeks, self.highest_weeks - 1)


@dataclass(frozen=True, slots=True)
class Signal:
    """The rule's verdict on one cell in one week, with what the reason needs."""

    flagged: bool
    level: float | None  # this week's mean
    expected: float | None  # μ, the baseline mean; None without a baseline
    ewma: float | None
    limit: float | None  # the value z had to reach
    rising_weeks: int  # rises in a row ending this week (0 if it did not rise)
    highest_weeks: int  # this week is above every week with reports in the last N weeks (0: not)

    @property
    def above_expected(self) -> bool:
        return self.ewma is not None and self.limit is not None and self.ewma >= self.limit - _EPS


NO_SIGNAL = Signal(False, None, None, None, None, 0, 0)


def _baseline(before: Sequence[float | None], params: DetectionParams) -> tuple[list[float], int]:
    """The baseline's weeks with reports and the guard actually used."""
    guard = params.guard_weeks
    for g in (guard, 0) if guard else (0,):
        end = len(before) - g
        window = before[max(0, end - params.baseline_weeks) : end]
        values = [v for v in window if v is not None]
        if len(values) >= MIN_BASELINE or g == 0:
            return values, g
    raise AssertionError("unreachable")  # pragma: no cover


def ewma_limit_sd(weight: float, steps: int) -> float:
    """Standard deviation of an EWMA started at the mean after `steps` updates, per unit σ."""
    return math.sqrt(weight / (2 - weight) * (1 - (1 - weight) ** (2 * steps)))


def rising_run(series: Sequence[float | None]) -> int:
    """How many times in a row the mean rose up to the last week (weeks without reports skipped)."""
    values = [v for v in series if v is not None]
    if not values or series[-1] is None:
        return 0
    n = 0
    for i in range(len(values) - 1, 0, -1):
        if values[i] > values[i - 1] + _EPS:
            n += 1
        else:
            break
    return n


def highest_run(series: Sequence[float | None]) -> int:
    """N when the last week's mean is above every earlier week with reports in the last N weeks
    (counting the last week; back to the oldest week that had reports); 0 when it is not above last
    time or there is nothing to compare with."""
    x = series[-1]
    if x is None:
        return 0
    span = 0
    for back in range(1, len(series)):
        v = series[-1 - back]
        if v is None:
            continue
        if v >= x - _EPS:
            break
        span = back
    return span + 1 if span else 0


def detect(series: Sequence[float | None], params: DetectionParams) -> Signal:
    """Judge the last week of `series` (oldest first, consecutive calendar weeks)."""
    if not series or series[-1] is None:
        return NO_SIGNAL
    x = series[-1]
    before = series[:-1]
    rising = rising_run(series)
    highest = highest_run(series)
    base, guard = _baseline(before, params)
    if not base:
        return Signal(False, x, None, None, None, rising, highest)
    mu = sum(base) / len(base)
    spread = math.sqrt(sum((v - mu) ** 2 for v in base) / (len(base) - 1)) if len(base) > 1 else 0.0
    sigma = max(spread, params.min_sd)
    lam = params.ewma_weight
    z = mu
    steps = 0
    for v in (*before[len(before) - guard :], x) if guard else (x,):
        if v is not None:
            z = lam * v + (1 - lam) * z
            steps += 1
    limit = mu + params.ewma_limit * sigma * ewma_limit_sd(lam, steps)
    # This week itself must be above the expected level too: high guard weeks alone can lift the EWMA over its
    # limit while the week being judged is back to normal.
    flagged = z >= limit - _EPS and x >= params.min_level - _EPS and x > mu + _EPS
    return Signal(flagged, x, mu, z, limit, rising, highest)


# --------------------------------------------------------------------------- reporters above their usual level

Answers = Mapping[int, int]  # one week of one cell: reporter -> level (0-3)
REPORTER_SPREAD = 0.5  # the spread of one reporter's answers around their usual level assumed before their own
PRIOR_ANSWERS = 4  # how many answers that assumption weighs against the reporter's own spread
SHARED_SHOCK = 0.15  # a week's shock shared by a cell's reporters (one standard deviation), which pairing cannot remove


@dataclass(frozen=True, slots=True)
class ReporterSignal:
    """The second signal on one cell in one week. Of this week's `reporters`, `compared` had a usual level; on
    average they answered `rise` above it, `above` of them at least 1 above. `score` is that rise in standard
    errors; `known` is False when no earlier week was known answer by answer (the store's counts only)."""

    flagged: bool
    rise: float
    score: float
    above: int
    compared: int
    reporters: int
    known: bool


NO_REPORTERS = ReporterSignal(False, 0.0, 0.0, 0, 0, 0, False)


def _baseline_answers(history: Sequence[Answers | None], params: DetectionParams) -> list[Answers] | None:
    """The guarded baseline's weeks known answer by answer (the weeks `detect` takes its expected level from, the
    guard dropped for a young group as there); None when none of them is."""
    end = len(history) - params.guard_weeks
    window = history[max(0, end - params.baseline_weeks) : max(0, end)]
    if sum(1 for w in window if w) < MIN_BASELINE:
        window = history[max(0, len(history) - params.baseline_weeks) :]
    known = [w for w in window if w is not None]
    return known or None


def usual_levels(history: Sequence[Answers | None], params: DetectionParams) -> dict[int, list[int]] | None:
    """Each reporter's answers in the guarded baseline, for reporters with at least ``reporter_min_weeks`` of them;
    their mean is the reporter's usual level. `history` is oldest first, the week before the judged one last;
    ``None`` is a week known only as counts. None when no week of the baseline is known answer by answer."""
    known = _baseline_answers(history, params)
    if known is None:
        return None
    answers: dict[int, list[int]] = {}
    for week in known:
        for reporter, level in week.items():
            answers.setdefault(reporter, []).append(level)
    return {r: v for r, v in answers.items() if len(v) >= params.reporter_min_weeks}


def reporters_above_usual(week: Answers, history: Sequence[Answers | None], params: DetectionParams) -> ReporterSignal:
    """The second signal: this week's reporters, each against their own usual level (`usual_levels`), answered on
    average `rise` higher, and that rise is at least ``reporter_rise`` and at least ``reporter_limit`` standard
    errors: √(Σ vᵢ/n² + shock²), with n the reporters compared, shock `SHARED_SHOCK` and vᵢ = sᵢ²·(1 + 1/kᵢ) the
    variance of one reporter's rise: sᵢ² their spread around their usual level, (Σ (a − usual)² + p·s₀²) / (kᵢ − 1
    + p) over their kᵢ answers, shrunk towards s₀ = `REPORTER_SPREAD` as if they had given p = `PRIOR_ANSWERS` more
    (a reporter who answered alike a few times is not taken to never vary), and 1/kᵢ for the error in the usual
    level itself. It needs at least ``reporter_min`` reporters who answered
    at least 1 above their usual level (0: the signal is off) and a mean this week of at least ``min_level``.
    Pairing each answer with the same reporter's past answers takes out who happened to answer this week;
    reporters without a usual level (new ones, or too few answers) are left out."""
    if not week:
        return NO_REPORTERS
    usual = usual_levels(history, params)
    if usual is None:
        return ReporterSignal(False, 0.0, 0.0, 0, 0, len(week), False)
    rises: list[float] = []
    variance = 0.0  # of the sum of the rises: each reporter's spread, and the error in their usual level
    for reporter, answers in usual.items():
        if reporter not in week:
            continue
        k = len(answers)
        mean = sum(answers) / k
        squares = sum((a - mean) ** 2 for a in answers)
        # the reporter's own spread, shrunk towards REPORTER_SPREAD as if they had given PRIOR_ANSWERS more answers
        own = (squares + PRIOR_ANSWERS * REPORTER_SPREAD**2) / (k - 1 + PRIOR_ANSWERS)
        variance += own * (1 + 1 / k)
        rises.append(week[reporter] - mean)
    n = len(rises)
    if n == 0:
        return ReporterSignal(False, 0.0, 0.0, 0, 0, len(week), True)
    rise = sum(rises) / n
    score = rise / math.sqrt(variance / (n * n) + SHARED_SHOCK * SHARED_SHOCK)
    above = sum(1 for r in rises if r >= 1 - _EPS)
    level = sum(week.values()) / len(week)
    flagged = (
        params.reporter_min > 0
        and above >= params.reporter_min
        and rise >= params.reporter_rise - _EPS
        and score >= params.reporter_limit - _EPS
        and level >= params.min_level - _EPS
    )
    return ReporterSignal(flagged, rise, score, above, n, len(week), True)


# --------------------------------------------------------------------------- the combined verdict


class Trigger(StrEnum):
    """Which signal made a cell stand out as rising."""

    EWMA = "ewma"  # the cell's mean is unusually high for the cell
    REPORTERS = "reporters"  # many of its reporters answered well above their own usual level


@dataclass(frozen=True, slots=True)
class Verdict:
    """Both signals on one cell in one week, and which of them fired (in `Trigger` order)."""

    signal: Signal
    reporters: ReporterSignal
    fired: tuple[Trigger, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.fired)


def judge(
    series: Sequence[float | None],
    params: DetectionParams,
    week: Answers | None = None,
    history: Sequence[Answers | None] = (),
) -> Verdict:
    """The combined verdict on the last week of `series` (`detect`), with the second signal when this week's
    answers are given (`week`; `history` the earlier weeks' answers, oldest first, ``None`` for a week known only
    as counts; the rule reads at most its last `DetectionParams.history_weeks` weeks)."""
    signal = detect(series, params)
    reporters = reporters_above_usual(week, history, params) if week else NO_REPORTERS
    fired = tuple(
        trigger for trigger, on in ((Trigger.EWMA, signal.flagged), (Trigger.REPORTERS, reporters.flagged)) if on
    )
    return Verdict(signal, reporters, fired)
