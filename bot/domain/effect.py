"""The level before and after an action: one definition, used by every output that shows it (the chat picture,
the weekly report, the yearly follow-up and the export), so that one action has one pair of figures everywhere.

An action is decided in the meeting of week D (the week whose picture the meeting decided on). It is about one
area and the factors it names; an action that names none is about all the group's factors.

* **Weekly level.** The level of week w is the mean of every submitted report on the action's factors in its area
  that week, the reports pooled over the factors (the sum of their levels over their number). A week without
  such reports has no level.
* **Before** is the mean of the weekly levels of the `BEFORE_WEEKS` weeks D-3 … D; weeks without a level are
  left out.
* **After** is the mean of the weekly levels of the `AFTER_WEEKS` weeks D+1 … D+4, counting only the weeks up to
  the one the output is made for (a picture's week; the newest finalised week for the follow-up and the
  export); weeks without a level are left out. With fewer than `MIN_AFTER` weeks with a level it is too early
  to say, and there is no after.
* Both are **rounded half up to one decimal**, as every output shows them, and the **change** is the rounded
  after minus the rounded before: a reader who subtracts the two figures gets the change printed beside them.
* A change of at least `STEP` either way is "lower" or "higher", anything smaller "unchanged" ("same").

The same rounding makes the arrows of a picture's cells agree with what is shown: `shown_change` is the
difference of the two levels as shown.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from bot.domain.cycle import RoundKey

BEFORE_WEEKS = 4
AFTER_WEEKS = 4
MIN_AFTER = 2
STEP = Decimal("0.3")  # on the one-decimal scale levels are shown at: 0.3 or more is a change
LEVEL_DIGITS = 1
FOLLOW_WEEKS = 8  # a weekly picture follows up the actions decided in the 8 weeks before its own


class Verdict(StrEnum):
    """What became of an action's level: lower or higher by at least `STEP`, the same, or too early to say
    (no level before or after). A value; the text catalogue words it ("followup.verdict.<value>")."""

    LOWER = "lower"
    SAME = "same"
    HIGHER = "higher"
    UNKNOWN = "unknown"


VERDICTS: tuple[Verdict, ...] = tuple(Verdict)

_QUANTUM = Decimal(1).scaleb(-LEVEL_DIGITS)


def _decimal(value: float) -> Decimal:
    return Decimal(repr(float(value))).quantize(_QUANTUM, rounding=ROUND_HALF_UP)


def shown_level(value: float | None) -> float | None:
    """A level as it is shown: rounded half up to one decimal (1.25 -> 1.3, 0.125 -> 0.1)."""
    return None if value is None else float(_decimal(value))


def shown_change(now: float | None, before: float | None) -> float | None:
    """The change between two levels as shown: rounded `now` minus rounded `before`, exact to one decimal."""
    if now is None or before is None:
        return None
    return float(_decimal(now) - _decimal(before))


def before_weeks(decided: RoundKey) -> list[RoundKey]:
    """The weeks whose levels make the level before: D-3 … D, oldest first."""
    return [decided.minus(n) for n in range(BEFORE_WEEKS - 1, -1, -1)]


def after_weeks(decided: RoundKey, upto: RoundKey) -> list[RoundKey]:
    """The weeks whose levels make the level after: D+1 … D+4, those up to `upto` only, oldest first."""
    return [w for w in (decided.minus(-n) for n in range(1, AFTER_WEEKS + 1)) if w <= upto]


def pooled_level(counts: Mapping[tuple[str, str, int], int], area: str, factors: Collection[str]) -> float | None:
    """The weekly level from one week's counts of (area, factor, level) -> reports: the mean of every report on
    `factors` in `area`, or None without such reports."""
    n = total = 0
    for (a, f, level), k in counts.items():
        if a == area and f in factors and k > 0:
            n += k
            total += level * k
    return total / n if n else None


@dataclass(frozen=True, slots=True)
class LevelChange:
    """An action's level before and after (rounded to one decimal, as shown) and the change between them."""

    before: float | None
    after: float | None
    after_weeks: int  # weeks after the decision that had a level and were counted (at most AFTER_WEEKS)

    @property
    def change(self) -> float | None:
        return shown_change(self.after, self.before)

    @property
    def verdict(self) -> Verdict:
        if self.before is None or self.after is None:
            return Verdict.UNKNOWN
        change = _decimal(self.after) - _decimal(self.before)
        if change <= -STEP:
            return Verdict.LOWER
        if change >= STEP:
            return Verdict.HIGHER
        return Verdict.SAME


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def level_change(weekly: Callable[[RoundKey], float | None], decided: RoundKey, upto: RoundKey) -> LevelChange:
    """The level before and after an action decided in `decided`, as seen in week `upto`; `weekly` gives the
    weekly level of a week (None when the week has no reports on the action's factors in its area)."""
    before = [v for v in map(weekly, before_weeks(decided)) if v is not None]
    after = [v for v in map(weekly, after_weeks(decided, upto)) if v is not None]
    return LevelChange(
        shown_level(_mean(before)),
        shown_level(_mean(after)) if len(after) >= MIN_AFTER else None,
        len(after),
    )
