"""Weeks of reports counted by (area, factor, level), and read per cell: what the picture reads of every week."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from operator import attrgetter
from typing import Protocol

from bot.domain.cycle import RoundKey


class Leveled(Protocol):
    """A report as counted: its cell and level."""

    @property
    def area(self) -> str: ...
    @property
    def factor(self) -> str: ...
    @property
    def level(self) -> int: ...


def previous_weeks(week: RoundKey, n: int) -> list[tuple[int, int]]:
    """(year, week) of the n ISO weeks before `week`, nearest first."""
    monday = date.fromisocalendar(week.year, week.week, 1)
    out: list[tuple[int, int]] = []
    for i in range(1, n + 1):
        iso = (monday - timedelta(weeks=i)).isocalendar()
        out.append((iso[0], iso[1]))
    return out


_CELL_LEVEL = attrgetter("area", "factor", "level")


def count_levels(reports: Iterable[Leveled]) -> Counter[tuple[str, str, int]]:
    """How many reports gave each ``(area, factor, level)``: one counting pass in C."""
    return Counter(map(_CELL_LEVEL, reports))


class Tally:
    """One week's level counts, read per cell on demand: four look-ups per cell and week (levels are
    the EST scale 0-3), so a week costs nothing for the cells nobody asks about."""

    __slots__ = ("triples",)

    def __init__(self, triples: Mapping[tuple[str, str, int], int]) -> None:
        self.triples = triples

    def stats(self, key: tuple[str, str]) -> tuple[int, int, int | None]:
        """(reports, sum of levels, highest level) of one cell."""
        area, factor = key
        get = self.triples.get
        n0, n1, n2, n3 = (
            get((area, factor, 0), 0),
            get((area, factor, 1), 0),
            get((area, factor, 2), 0),
            get((area, factor, 3), 0),
        )
        top = 3 if n3 else 2 if n2 else 1 if n1 else 0 if n0 else None
        return n0 + n1 + n2 + n3, n1 + 2 * n2 + 3 * n3, top

    def mean(self, key: tuple[str, str]) -> float | None:
        n, total, _ = self.stats(key)
        return total / n if n else None
