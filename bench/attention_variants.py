"""Orderings of the picture's list tried for the attention budget (bench/attention.py): each re-ranks the same
pictures' standouts from their evidence (`Standout.evidence`), so that every variant is judged on the same weeks.
The stable weeks' list lengths do not depend on the order; only where the escalation is does. Every variant but
the chosen one changes today's weights (`bot.domain.attention`) as its name says, starting from those before the
choice (a place weighed as a cell); the chosen one is today's `strength`, which the benchmark checks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from bot.domain import attention as att
from bot.domain.attention import Evidence, Kind, standout_order
from bot.domain.picture import Picture, Standout

_PLACES = (Kind.HOTSPOT, Kind.NEW_PLACE)


def weighted(
    level: float = att.W_LEVEL,
    change: float = att.W_CHANGE,
    reporters: float = att.W_REPORTERS,
    persistence: float = att.W_PERSISTENCE,
    places: float = att.W_PLACES,
    place_change: float = 1.0,
    first_reporter: bool = True,
    place_level: float = 1.0,
) -> Callable[[Standout], float]:
    """A strength with these weights for every kind (a place's level and change times `place_level` and
    `place_change`); without `first_reporter` a new place's first reporter is no change."""

    def score(s: Standout) -> float:
        e = s.evidence or Evidence(0.0)
        delta = max(e.change, 0.0)
        if s.kind == Kind.NEW_PLACE and not first_reporter:
            delta = max(0.0, delta - 0.5)
        top, rise = level * min(max(e.level, 0.0), att.CAP_LEVEL), change * min(delta, att.CAP_CHANGE)
        if s.kind in _PLACES:
            top, rise = top * place_level, rise * place_change
        return (
            top
            + rise
            + reporters * min(max(e.reporters, 0), att.CAP_REPORTERS)
            + persistence * min(max(e.persistence, 0), att.CAP_PERSISTENCE)
            + places * min(max(e.places, 0), att.CAP_PLACES)
        )

    return score


@dataclass(frozen=True)
class Variant:
    name: str
    score: Callable[[Standout], float]
    flagged_first: bool = False  # cells the detection rule flagged (red or rising) before everything else

    def rerank(self, pic: Picture) -> list[Standout]:
        areas = {a.code: i for i, a in enumerate(pic.input.areas)}
        factors = {f.code: i for i, f in enumerate(pic.input.factors)}
        order = standout_order(areas, factors)
        flagged = {(s.area, s.factor) for s in pic.standouts if s.kind == Kind.RISING}
        scored = [replace(s, strength=self.score(s)) for s in pic.standouts]

        def key(s: Standout) -> tuple[bool, tuple[int, float, int, int, str, int]]:
            tier = self.flagged_first and s.kind in (Kind.RED, Kind.RISING) and (s.area, s.factor) in flagged
            return (not tier, order(s))

        return sorted(scored, key=key)


BEFORE = Variant(
    "before: level + 2·change + 0,5·reporters + 0,25·persistence + 0,25·places, a place as a cell", weighted()
)
CHOSEN = Variant(
    "a place's level and change halved (today's `strength`)",
    weighted(place_level=att.W_PLACE_LEVEL / att.W_LEVEL, place_change=att.W_PLACE_CHANGE / att.W_CHANGE),
)
VARIANTS: Sequence[Variant] = (
    BEFORE,
    Variant("change ×3", weighted(change=3.0)),
    Variant("change ×1", weighted(change=1.0)),
    Variant("reporters ×1", weighted(reporters=1.0)),
    Variant("reporters ×0,25", weighted(reporters=0.25)),
    Variant("no persistence", weighted(persistence=0.0)),
    Variant("places ×1", weighted(places=1.0)),
    Variant("a place's change halved", weighted(place_change=0.5)),
    Variant("a place's level halved", weighted(place_level=0.5)),
    CHOSEN,
    Variant("a new place's first reporter no change", weighted(first_reporter=False)),
    Variant("flagged cells first", weighted(), flagged_first=True),
    Variant("flagged cells first, a place's change halved", weighted(place_change=0.5), flagged_first=True),
    Variant(
        "flagged cells first, a place's level and change halved",
        weighted(place_level=0.5, place_change=0.5),
        flagged_first=True,
    ),
    Variant("flagged cells first, change ×3", weighted(change=3.0), flagged_first=True),
)
