"""The attention budget's pure parts (`bot.domain.attention`): the strength, the order of the list and when a place
is unusual enough to be a hotspot; every expected value is worked out by hand in the comment beside it."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest

from bot.domain.attention import (
    AttentionParams,
    Evidence,
    Kind,
    cell_evidence,
    hotspot_evidence,
    new_place_evidence,
    orange_weeks,
    place_change,
    poisson_at_least,
    standout_order,
    strength,
    things,
    unusual_place,
)


def test_strength_is_the_weighted_capped_sum_of_the_evidence() -> None:
    # 2 + 2 × 1,5 + 0,5 × 4 + 0,25 × 1 + 0,25 × 1
    assert strength(Evidence(level=2.0, change=1.5, reporters=4, persistence=1, places=1)) == pytest.approx(7.5)
    # every piece at its cap: 3 + 2 × 3 + 0,5 × 6 + 0,25 × 4 + 0,25 × 4
    assert strength(Evidence(level=3.5, change=5.0, reporters=10, persistence=9, places=9)) == pytest.approx(14.0)
    # a fall counts as no change: 1,6 + 0 + 0,5 × 2 + 0,25 × 3
    assert strength(Evidence(level=1.6, change=-0.4, reporters=2, persistence=3)) == pytest.approx(3.35)
    assert strength(Evidence(level=0.0)) == 0.0


def test_a_change_weighs_more_than_a_level_that_is_always_high() -> None:
    # a chronic orange cell: 2,0 + 2 × 0,1 + 0,5 × 3 + 0,25 × 4 = 4,7
    chronic = strength(Evidence(level=2.0, change=0.1, reporters=3, persistence=4))
    # a new escalation at a lower level: 1,7 + 2 × 1,4 + 0,5 × 3 + 0,25 × 1 = 6,25
    escalation = strength(Evidence(level=1.7, change=1.4, reporters=3, persistence=1))
    assert (chronic, escalation) == (pytest.approx(4.7), pytest.approx(6.25))


def test_a_places_level_and_change_weigh_half_of_a_cells() -> None:
    # a hotspot: 0,5 × level 3 + 1 × change 1,5 (3 reporters, usually 0) + 0,5 × 3 + 0,25 × 1 week + 0,25 × 1
    assert strength(hotspot_evidence(3, 3, None, 0, 1)) == pytest.approx(5.0)
    # the same evidence of a cell: 3 + 2 × 1,5 + 0,5 × 3 + 0,25 + 0,25
    assert strength(Evidence(level=3.0, change=1.5, reporters=3, persistence=1, places=1)) == pytest.approx(8.0)
    # a new place named by one reporter at level 2: 0,5 × 2 + 1 × 0,5 + 0,5 × 1 + 0,25 × 1 factor
    assert strength(new_place_evidence(2, 1, 1)) == pytest.approx(2.25)
    # caps before weights: 0,5 × 3 + 1 × 3 (8 reporters, usually 0: 4, capped at 3) + 0,5 × 6 + 0,25 × 4 + 0,25 × 4
    assert strength(hotspot_evidence(3, 8, 0.0, 5, 9)) == pytest.approx(9.5)


@dataclass(frozen=True)
class Item:
    kind: Kind
    strength: float
    area: str
    factor: str | None
    place: str | None = None


def test_the_list_is_strongest_first_with_single_reports_after_every_real_change() -> None:
    items = {
        "red b": Item(Kind.RED, 5.0, "b", "f1"),
        "rising a": Item(Kind.RISING, 7.0, "a", "f2"),
        "single strong": Item(Kind.SINGLE, 9.0, "a", "f1"),
        "hotspot a": Item(Kind.HOTSPOT, 5.0, "a", None, "Torget"),
        "new place": Item(Kind.NEW_PLACE, 2.0, "a", "f1", "Parken"),
        "single weak": Item(Kind.SINGLE, 3.0, "a", "f3"),
        "red a": Item(Kind.RED, 5.0, "a", "f2"),
    }
    key = standout_order({"a": 0, "b": 1}, {"f1": 0, "f2": 1, "f3": 2})
    got = [name for name, _ in sorted(items.items(), key=lambda kv: key(kv[1]))]
    # 7 first; the three at 5 in the group's order (area a before b; in a, the place about no one factor before
    # factor f2); then 2; the single reports last, 9 before 3, although 9 is the strongest of all
    assert got == ["rising a", "hotspot a", "red a", "red b", "new place", "single strong", "single weak"]


def test_a_cell_both_red_and_rising_is_one_thing_to_discuss() -> None:
    red_a, rising_a = Item(Kind.RED, 6.5, "a", "f1"), Item(Kind.RISING, 6.5, "a", "f1")
    hotspot, red_b = Item(Kind.HOTSPOT, 6.5, "a", "f1", "Torget"), Item(Kind.RED, 4.0, "b", "f1")
    key = standout_order({"a": 0, "b": 1}, {"f1": 0})
    listed = sorted([red_b, rising_a, hotspot, red_a], key=key)
    # same strength and cell: red then rising side by side; the place in the same cell is a thing of its own
    assert listed == [red_a, rising_a, hotspot, red_b]
    assert things(listed) == [[red_a, rising_a], [hotspot], [red_b]]


def test_an_escalating_cell_is_listed_before_a_new_square_named_by_three() -> None:
    """A cell that turned orange this week (1,75 against an expected 0,5, red and rising) and, in another area, a
    place nobody named before, named at 3 by three reporters, and a new place named once: the exact order."""
    cell = strength(cell_evidence(1.75, 0.5, 2, [0.5, 0.75, 1.0, 0.5], 1))  # 1,75 + 2,5 + 1 + 0,25 + 0,25 = 5,75
    square = strength(hotspot_evidence(3, 3, None, 0, 1))  # 1,5 + 1,5 + 1,5 + 0,25 + 0,25 = 5,0
    once = strength(new_place_evidence(3, 1, 1))  # 1,5 + 0,5 + 0,5 + 0,25 = 2,75
    assert (cell, square, once) == (pytest.approx(5.75), pytest.approx(5.0), pytest.approx(2.75))
    red, rising = Item(Kind.RED, cell, "b", "f2"), Item(Kind.RISING, cell, "b", "f2")
    hotspot, new = Item(Kind.HOTSPOT, square, "a", "f1", "Torget"), Item(Kind.NEW_PLACE, once, "a", "f1", "Parken")
    single = Item(Kind.SINGLE, 6.0, "a", "f3")
    listed = sorted(
        [single, new, hotspot, rising, red], key=standout_order({"a": 0, "b": 1}, {"f1": 0, "f2": 1, "f3": 2})
    )
    # with a place weighed as a cell (8,0 and 4,25) the square would have come first and the new place been close
    assert listed == [red, rising, hotspot, new, single]
    assert things(listed)[:3] == [[red, rising], [hotspot], [new]]


def test_persistence_counts_the_orange_weeks_in_a_row_up_to_this_one() -> None:
    assert orange_weeks([1.6, None, 1.5, 2.0]) == 2  # a week without reports ends the run
    assert orange_weeks([2.0, 2.0, 1.4]) == 0
    assert orange_weeks([]) == 0


def test_a_place_changes_by_half_a_level_per_reporter_more_than_usual() -> None:
    assert place_change(4, 1.5) == pytest.approx(1.25)  # (4 − 1,5) / 2
    assert place_change(1, 3.0) == 0.0
    assert place_change(3, None) == pytest.approx(1.5)


def test_the_poisson_tail() -> None:
    assert poisson_at_least(2, 0.3) == pytest.approx(1 - math.exp(-0.3) * 1.3)  # 0,0369
    assert poisson_at_least(0, 2.0) == 1.0
    assert poisson_at_least(1, 0.0) == 0.0


@pytest.mark.parametrize(
    ("reporters", "history", "unusual"),
    [
        (2, [], True),  # a young group: no history weeks to compare with
        (2, [0] * 10, True),  # never named before
        (2, [1, 0, 0] * 3 + [0], True),  # usually 0,3 a week: P(≥ 2) = 1 − e^−0,3 · 1,3 = 3,7 % < 5 %
        (2, [1, 0] * 5, False),  # usually 0,5: P(≥ 2) = 1 − e^−0,5 · 1,5 = 9,0 %
        (3, [1, 0] * 5, True),  # P(≥ 3) = 1 − e^−0,5 · (1 + 0,5 + 0,125) = 1,4 %
        (5, [2] * 10, False),  # two name it every week; five: P(≥ 5) = 1 − e^−2 · 7 = 5,3 %
        (6, [2] * 10, True),  # six: 1 − e^−2 · (7 + 4/15) = 1,7 %
        (1, [0] * 10, False),  # one reporter is never a hotspot
    ],
)
def test_a_place_named_by_several_is_a_hotspot_only_when_unusual_for_it(
    reporters: int, history: list[int], unusual: bool
) -> None:
    assert unusual_place(reporters, history) is unusual


def test_show_must_be_at_least_one() -> None:
    with pytest.raises(ValueError, match="show"):
        AttentionParams(show=0)
