"""What the questionnaire asks one reporter this week: the items (area × factor) and what the questions show."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from bot.domain.factors import Factor


@dataclass(frozen=True)
class Item:
    area: str
    area_name: str
    factor: Factor

    @cached_property  # the items are kept from press to press (`Env.spec_parts`), and this is asked often
    def key(self) -> str:
        return f"{self.area}|{self.factor.code}"


@dataclass(frozen=True)
class Spec:
    """What the engine needs to know about this reporter's questionnaire this week."""

    round_id: int
    week: str
    name: str
    lang: str
    items: tuple[Item, ...]
    threshold: int
    places: Mapping[str, tuple[str, ...]]  # area code -> known place names
    # Answers of last week's sent report, as storage reads them: item key -> {"level": 2, "place": "…"}.
    last_week: Mapping[str, Mapping[str, object]] | None = None
    last_more: str | None = None
    close_text: str = ""
    # Approved places with a position, per area code: a shared location within `snap_m` metres becomes one.
    located: Mapping[str, tuple[tuple[str, float, float], ...]] = field(default_factory=dict)
    snap_m: float = 0.0

    @property
    def multi_area(self) -> bool:
        return len({i.area for i in self.items}) > 1

    @cached_property
    def item_keys(self) -> tuple[str, ...]:
        return tuple(it.key for it in self.items)
