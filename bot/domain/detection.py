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
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

_EPS = 1e-9
HISTORY_WEEKS = 12  # the most weeks before the judged one that the store hands over
MIN_BASELINE = 2  # weeks with reports the guarded baseline needs; fewer, and the guard is dropped


@dataclass(frozen=True, slots=True)
class DetectionParams:
    """The rule's parameters (a group's ``[groups.detection]`` table); defaults from the simulation."""

    baseline_weeks: int = 8
    guard_weeks: int = 2
    ewma_weight: float = 0.5
    ewma_limit: float = 2.5
    min_sd: float = 0.25
    min_level: float = 1.5
    rising_weeks: int = 2  # say "rising N weeks in a row" from N = this
    highest_weeks: int = 6  # say "highest in N weeks" from N = this

    def __post_init__(self) -> None:
        if self.baseline_weeks < 1 or self.guard_weeks < 0:
            raise ValueError("baseline_weeks must be at least 1 and guard_weeks at least 0")
        if not 0 < self.ewma_weight <= 1:
            raise ValueError("ewma_weight must be more than 0 and at most 1")
        if self.ewma_limit <= 0 or self.min_sd <= 0:
            raise ValueError("ewma_limit and min_sd must be more than 0")
        if self.rising_weeks < 1 or self.highest_weeks < 2:
            raise ValueError("rising_weeks must be at least 1 and highest_weeks at least 2")

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
