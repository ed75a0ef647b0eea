"""An earlier action as the picture follows it up: its level before and after, by the one definition in
`bot.domain.effect`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.domain.cycle import RoundKey
from bot.domain.effect import level_change, pooled_level, shown_change


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
