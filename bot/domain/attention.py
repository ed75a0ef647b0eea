"""The attention budget: how strongly each standout stands out, the order the picture lists them in, and when a
place named by several reporters is unusual enough to be a hotspot.

Pure code, no I/O. A one-hour meeting can discuss a handful of things, so the picture lists its standouts
strongest first and the chat shows the first ``show`` of them (docs/DETECTION.md, "Attention budget").

**Strength** (`strength`) adds up five pieces of evidence, each capped so that no single one decides alone:

====================  =====================================================================  ========  ======
evidence              what it is                                                             weight    cap
====================  =====================================================================  ========  ======
level                 the cell's mean this week (0-3); for a place, the highest level named  1 (a      3
                                                                                             place
                                                                                             0.5)
change                the level above the expected one (a cell: the detection rule's         2 (a      3
                      expected level, else the 4-week baseline; none when the rule judged    place 1)
                      the cell and neither of its signals fired, a swing usual for the
                      cell; a place: half a level per reporter more than usual)
reporters             reporters at or above the group's threshold                            0.5       6
persistence           weeks in a row, this one included, the cell's mean was orange          0.25      4
                      (≥ 1,5), or the place was named by two or more
places                places named at or above the threshold in the cell; for a place, the   0.25      4
                      factors it was named for
====================  =====================================================================  ========  ======

so a cell's ``strength = min(level, 3) + 2·min(change, 3) + 0.5·min(reporters, 6) + 0.25·min(persistence, 4) +
0.25·min(places, 4)`` (a negative change counts as 0). Change weighs most: the picture exists to show what goes
the wrong way, and a cell that is always orange is known to the meeting already. A place's level and change weigh
half as much as a cell's: its level is the highest single answer named with it, where a cell's is the mean of
all its answers, and its change counts reporters, who are counted again as reporters. Chosen by measurement
(bench/attention.py, the orderings tried in docs/DETECTION.md): with a place's full weights the unusual places of
a group of ten areas pushed a planted escalation below the first three in about one week in twenty (the
reporter-level ordinal model).

**Order** (`standout_order`): strongest first; a single serious report (one reporter's 3 on a cell whose mean is
not orange) after every real change, whatever its strength; ties in the group's order of areas and factors, then
the place's name, then the kinds' order (red, rising, hotspot, new place), so that a cell both red and rising is
listed as red then rising, side by side. The chat counts those two as one thing to discuss (`things`), one line.

**Unusual place** (`unusual_place`): a place named by two or more reporters is a hotspot only if that many would
be named rarely were the place named as often as in its history weeks: the chance of at least that many
reporters in a week, with the weekly number of reporters Poisson-distributed around its mean in the history
weeks (the weeks with reports among the detection rule's history weeks), is below `HOTSPOT_CHANCE`. A place
nobody named before is unusual from two reporters, one named by 0,5 reporters a week from three, and a square two
people name every week from six (Poisson is wide for a place named steadily: the price of a short list). In
bench/attention.py's simulation this takes the places named by two or more in a stable week from 2-9 a week to
well under one for a group of ten areas.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, TypeVar

ORANGE_MEAN = 1.5  # where a cell's mean turns orange
RED_MEAN = 2.5  # where a cell's mean turns red
_EPS = 1e-9
HOTSPOT_CHANCE = 0.05  # below this chance of so many reporters naming the place, it is unusual
SHOW = 8  # standouts the chat picture shows by default

W_LEVEL, W_CHANGE, W_REPORTERS, W_PERSISTENCE, W_PLACES = 1.0, 2.0, 0.5, 0.25, 0.25
W_PLACE_LEVEL, W_PLACE_CHANGE = 0.5, 1.0  # a place's level and change (a hotspot, a new place)
CAP_LEVEL, CAP_CHANGE, CAP_REPORTERS, CAP_PERSISTENCE, CAP_PLACES = 3.0, 3.0, 6, 4, 4


class Kind(StrEnum):
    """What kind of thing stands out; ties in strength are listed in this order."""

    RED = "red"  # a red level: the mean is red, or someone answered 3 on an orange cell, or two or more did
    RISING = "rising"  # the detection rule flagged the cell
    HOTSPOT = "hotspot"  # a place named by several reporters, unusually many for the place
    NEW_PLACE = "new_place"  # a place not known before
    SINGLE = "single_report"  # one reporter's 3 on a cell whose mean is not orange: after the real changes


STANDOUT_KINDS: tuple[Kind, ...] = tuple(Kind)


def is_red(mean: float, threes: int) -> bool:
    """A red level: the mean is red, or someone answered 3 on a cell whose mean is orange, or two or more did. One
    reporter's 3 on a cell that is not orange is a single serious report instead (`Kind.SINGLE`)."""
    return mean >= RED_MEAN - _EPS or threes >= 2 or (threes > 0 and mean >= ORANGE_MEAN - _EPS)


@dataclass(frozen=True, slots=True)
class AttentionParams:
    """How much the picture asks of the meeting (a group's ``[groups.detection]`` keys ``show`` and
    ``single_reports``)."""

    show: int = SHOW  # standouts the chat picture shows; the rest are in the report and the web view
    single_reports: bool = True  # list a single reporter's 3 on a cell that is not orange, as its own kind

    def __post_init__(self) -> None:
        if self.show < 1:
            raise ValueError("show must be at least 1")


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a standout's strength is made of (the module's table)."""

    level: float
    change: float = 0.0
    reporters: int = 0
    persistence: int = 0
    places: int = 0
    place: bool = False  # a place's evidence (a hotspot, a new place), not a cell's


def strength(e: Evidence) -> float:
    """How strongly a standout stands out: the weighted, capped sum of its evidence (module docstring)."""
    w_level, w_change = (W_PLACE_LEVEL, W_PLACE_CHANGE) if e.place else (W_LEVEL, W_CHANGE)
    return (
        w_level * min(max(e.level, 0.0), CAP_LEVEL)
        + w_change * min(max(e.change, 0.0), CAP_CHANGE)
        + W_REPORTERS * min(max(e.reporters, 0), CAP_REPORTERS)
        + W_PERSISTENCE * min(max(e.persistence, 0), CAP_PERSISTENCE)
        + W_PLACES * min(max(e.places, 0), CAP_PLACES)
    )


def orange_weeks(means: Sequence[float | None]) -> int:
    """Weeks in a row, ending with the last of `means` (oldest first), whose mean was orange or above; a week
    without reports ends the run."""
    run = 0
    for mean in reversed(means):
        if mean is None or mean < ORANGE_MEAN - 1e-9:
            break
        run += 1
    return run


def usual_reporters(history: Sequence[int]) -> float | None:
    """The place's usual number of reporters a week: the mean over the history weeks (None: no history)."""
    return sum(history) / len(history) if history else None


def poisson_at_least(n: int, mean: float) -> float:
    """P(X ≥ n) for X Poisson-distributed with this mean."""
    if n <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    term = math.exp(-mean)
    below = 0.0
    for k in range(n):
        if k:
            term *= mean / k
        below += term
    return max(0.0, 1.0 - below)


def unusual_place(reporters: int, history: Sequence[int], chance: float = HOTSPOT_CHANCE) -> bool:
    """Whether `reporters` (two or more) naming a place this week is unusual for it, given how many named it in
    each history week (weeks it was not named: 0); without history weeks every place named by two is."""
    if reporters < 2:
        return False
    usual = usual_reporters(history)
    return usual is None or poisson_at_least(reporters, usual) < chance


def place_change(reporters: int, usual: float | None) -> float:
    """A place's change for its strength: half a level per reporter more than usual."""
    return max(0.0, reporters - (usual or 0.0)) / 2


def cell_evidence(
    mean: float,
    expected: float | None,
    reporters: int,
    before: Sequence[float | None],
    places: int,
    usual_swing: bool = False,
) -> Evidence:
    """A cell's evidence: its mean, the change against `expected` (0 without one, and 0 when the detection rule
    judged the cell and neither of its signals fired: a `usual_swing`), `reporters` at or above the threshold, the
    orange weeks in a row with the weeks `before` it (oldest first), and `places` named in it."""
    change = 0.0 if expected is None or usual_swing else mean - expected
    return Evidence(mean, change, reporters, orange_weeks([*before, mean]), places)


def hotspot_evidence(top: int, reporters: int, usual: float | None, weeks_before: int, factors: int) -> Evidence:
    """A hotspot's evidence: the highest level named, reporters more than `usual`, the weeks in a row two or more
    named it (`weeks_before` of them before this one) and the factors it was named for."""
    return Evidence(top, place_change(reporters, usual), reporters, 1 + weeks_before, factors, place=True)


def new_place_evidence(top: int, reporters: int, factors: int) -> Evidence:
    """A new place's evidence: the highest level named, every reporter at or above the threshold a change."""
    return Evidence(top, place_change(reporters, 0.0), reporters, 0, factors, place=True)


class Ranked(Protocol):
    """Anything the order reads: a kind, a strength and where it is."""

    @property
    def kind(self) -> Kind: ...
    @property
    def strength(self) -> float: ...
    @property
    def area(self) -> str: ...
    @property
    def factor(self) -> str | None: ...
    @property
    def place(self) -> str | None: ...


def standout_order(
    area_index: dict[str, int], factor_index: dict[str, int]
) -> Callable[[Ranked], tuple[int, float, int, int, str, int]]:
    """The sort key of the picture's list (module docstring): real changes strongest first, single reports last;
    a cell's red level and rising flag (the same evidence, so the same strength) next to each other."""

    def key(s: Ranked) -> tuple[int, float, int, int, str, int]:
        return (
            s.kind == Kind.SINGLE,
            -round(s.strength, 6),
            area_index.get(s.area, len(area_index)),
            factor_index.get(s.factor or "", -1),
            " ".join((s.place or "").split()).lower(),
            STANDOUT_KINDS.index(s.kind),
        )

    return key


R = TypeVar("R", bound=Ranked)


def _cell(s: Ranked) -> bool:
    return s.kind in (Kind.RED, Kind.RISING) and s.place is None


def things(standouts: Sequence[R]) -> list[list[R]]:
    """The list as things to discuss: a cell that is both red and rising is one thing (its standouts are next to
    each other in the picture's order); everything else is a thing of its own. The chat shows `show` things."""
    out: list[list[R]] = []
    for s in standouts:
        last = out[-1][-1] if out else None
        if last is not None and _cell(s) and _cell(last) and (last.area, last.factor) == (s.area, s.factor):
            out[-1].append(s)
        else:
            out.append([s])
    return out
