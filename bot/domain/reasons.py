"""Why something stands out in the week's picture, as values: which rule fired, and its numbers.

The domain decides; it does not word. `bot.text.reasons` renders these values in a language for the
reports, the chat texts and the candidates the meeting sees.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.detection import Trigger


@dataclass(frozen=True, slots=True)
class RedLevel:
    """A cell at the red level: someone answered 3, or the mean is red. `reporters` answered 3."""

    reporters: int


@dataclass(frozen=True, slots=True)
class AboveUsual:
    """The second signal fired: of `compared` reporters with a usual level of their own, `above` answered at least 1
    above it, and on average they answered `rise` above it."""

    above: int
    compared: int
    rise: float


@dataclass(frozen=True, slots=True)
class AboveExpected:
    """The detection rule (`bot.domain.detection.judge`) flagged the cell: its mean `level` this week against the
    `expected` level. `fired` says which signals fired: the EWMA (the cell's mean is unusually high for the cell)
    and/or the reporters (`usual`, set when that signal fired: they answered well above their own usual level).
    `rising_weeks` and `highest_weeks` are set when they reach the rule's thresholds for being said (rising N weeks
    in a row, highest in N weeks), else None. `reporters` answered at or above the group's threshold (0: nobody
    did)."""

    level: float
    expected: float
    rising_weeks: int | None = None
    highest_weeks: int | None = None
    reporters: int = 0
    fired: tuple[Trigger, ...] = (Trigger.EWMA,)
    usual: AboveUsual | None = None


@dataclass(frozen=True, slots=True)
class NamedBySeveral:
    """A place named by `reporters` (two or more) reporters at or above the threshold, which is unusual for it
    (`bot.domain.attention.unusual_place`); `usual` is how many named it in an average history week (None: no
    history, or it was never named before)."""

    reporters: int
    usual: float | None = None


@dataclass(frozen=True, slots=True)
class NewPlace:
    """A place not known before this week."""


@dataclass(frozen=True, slots=True)
class SingleReport:
    """One reporter answered 3 on a cell whose mean is not orange: worth a look, not a red cell."""


Reason = RedLevel | AboveExpected | NamedBySeveral | NewPlace | SingleReport


@dataclass(frozen=True, slots=True)
class CandidateReason:
    """One reason for a candidate priority. An area candidate gathers its cells' reasons, so each of them names
    its `factor`; a place candidate's reasons are about the place (`factor` None)."""

    reason: Reason
    factor: str | None = None
