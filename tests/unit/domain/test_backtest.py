"""The backtest's replay on hand-made weeks: which cells each parameter set flags in which week, the red level,
and whether (and how early) the decisions were flagged."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.backtest import (
    LOOKBACK_WEEKS,
    Decision,
    cell_mean,
    decision_cells,
    replay,
    series,
    week_answers,
    weekly_means,
    weeks_between,
    window,
)
from bot.domain.cycle import RoundKey
from bot.domain.detection import DetectionParams
from bot.domain.factors import Factor
from bot.domain.picture import AreaInfo, Kind, PictureInput, Report, build_picture, count_levels

W1 = RoundKey(2026, 1)
CELLS = [("centrum", "narkotika"), ("centrum", "klotter"), ("hamnen", "narkotika")]


def week(**answers: list[int]) -> dict[tuple[str, str, int], int]:
    """One week's counts from each cell's answers, e.g. ``centrum__narkotika=[0, 1, 3]``."""
    counts: Counter[tuple[str, str, int]] = Counter()
    for key, levels in answers.items():
        area, factor = key.split("__")
        for level in levels:
            counts[(area, factor, level)] += 1
    return dict(counts)


def weeks_of(*weeks: dict[tuple[str, str, int], int] | None) -> dict[RoundKey, dict[tuple[str, str, int], int]]:
    """Weeks 2026-W01, W02, … in order; None: a week without reports."""
    return {W1.minus(-i): w for i, w in enumerate(weeks) if w is not None}


CALM = week(centrum__narkotika=[0, 0, 1], centrum__klotter=[1, 1, 0], hamnen__narkotika=[0, 0, 0])


def test_a_step_is_flagged_in_the_week_it_comes_and_a_lower_limit_flags_a_smaller_one() -> None:
    # Ten calm weeks; in W11 drugs at Centrum jump to a mean of 2 (flagged by today's rule), and in W13 drugs in
    # Hamnen rise from 0 to 4/3 (below today's min_level 1,5: only the alternative with min_level 1 flags it).
    counts = weeks_of(
        *[CALM] * 10,
        week(centrum__narkotika=[2, 2, 2], centrum__klotter=[1, 1, 0], hamnen__narkotika=[0, 0, 0]),
        CALM,
        week(centrum__narkotika=[0, 0, 1], centrum__klotter=[1, 1, 0], hamnen__narkotika=[1, 1, 2]),
    )
    last = RoundKey(2026, 13)
    today, lower = DetectionParams(), DetectionParams(min_level=1.0)
    rp = replay(counts, last, 13, CELLS, [today, lower], [])
    assert rp.first == W1 and rp.weeks == window(last, 13)
    a, b = rp.runs
    assert a.cells() == {("centrum", "narkotika"): (RoundKey(2026, 11),)}
    assert b.cells() == {
        ("centrum", "narkotika"): (RoundKey(2026, 11),),
        ("hamnen", "narkotika"): (RoundKey(2026, 13),),
    }
    assert a.per_week == (0,) * 10 + (1, 0, 0) and (a.total, a.most, a.median) == (1, 1, 0)
    assert b.per_week == (0,) * 10 + (1, 0, 1) and b.total == 2
    assert rp.red.total == 0  # nobody answered 3 and no mean reached 2,5


def test_weeks_without_reports_are_not_listed_and_are_gaps_in_the_series() -> None:
    counts = weeks_of(CALM, None, CALM, week(centrum__narkotika=[3, 3, 2]))
    last = RoundKey(2026, 4)
    rp = replay(counts, last, 4, CELLS, [DetectionParams()], [])
    assert rp.weeks == (RoundKey(2026, 1), RoundKey(2026, 3), RoundKey(2026, 4))
    assert series(weekly_means(counts, CELLS), last, ("centrum", "narkotika"), 3) == [1 / 3, None, 1 / 3, 8 / 3]
    assert rp.runs[0].cells() == {("centrum", "narkotika"): (last,)}
    # 8/3 is a red mean and someone answered 3: red too, once, whatever the parameters
    assert rp.red.cells() == {("centrum", "narkotika"): (last,)}


def test_two_3s_or_a_3_on_an_orange_cell_are_red_and_one_3_on_a_quiet_cell_is_not() -> None:
    counts = weeks_of(
        week(hamnen__narkotika=[3, 0, 0, 0], centrum__narkotika=[3, 3, 0, 0], centrum__klotter=[3, 1, 1, 1])
    )
    assert cell_mean(counts[W1], ("hamnen", "narkotika")) == 0.75
    assert cell_mean(counts[W1], ("norr", "narkotika")) is None
    rp = replay(counts, W1, 1, CELLS, [DetectionParams()], [])
    # one reporter's 3 on a cell at 0,75 is a single serious report in the picture, not a red cell
    assert rp.red.cells() == {("centrum", "narkotika"): (W1,), ("centrum", "klotter"): (W1,)}
    assert rp.runs[0].total == 0  # the group's first week: nothing to compare with, nothing rising


def test_how_early_each_decision_was_flagged() -> None:
    flagged_week = RoundKey(2026, 11)
    counts = weeks_of(
        *[CALM] * 10,
        week(centrum__narkotika=[2, 2, 2], centrum__klotter=[1, 1, 0], hamnen__narkotika=[0, 0, 0]),
        *[CALM] * 11,
    )
    decided = [
        Decision(RoundKey(2026, 13), "centrum", ("narkotika", "alkohol"), "Stortorget, Centrum", "Stortorget"),
        Decision(RoundKey(2026, 11), "centrum", (), "Centrum"),  # the whole area, decided the week it was flagged
        Decision(RoundKey(2026, 12), "centrum", ("klotter",), "Centrum"),  # another factor
        Decision(RoundKey(2026, 12), "hamnen", (), "Hamnen"),  # another area
        Decision(RoundKey(2026, 10), "centrum", ("narkotika",), "Centrum"),  # before the flag: a later one is no help
        Decision(flagged_week.minus(-LOOKBACK_WEEKS - 1), "centrum", ("narkotika",), "Centrum"),  # too long after
        Decision(RoundKey(2025, 50), "centrum", ("narkotika",), "Centrum"),  # before the weeks replayed: left out
    ]
    rp = replay(counts, RoundKey(2026, 22), 22, CELLS, [DetectionParams()], decided)
    run = rp.runs[0]
    assert [(lead.decision.week.week, lead.weeks_before) for lead in run.leads] == [
        (10, None),
        (11, 0),
        (12, None),
        (12, None),
        (13, 2),
        (20, None),
    ]
    assert run.found == 2 and run.median_lead == 1
    assert rp.red.found == 0


def test_the_cells_of_a_decision_and_the_weeks_between() -> None:
    assert decision_cells(Decision(W1, "centrum", (), "Centrum"), CELLS) == {
        ("centrum", "narkotika"),
        ("centrum", "klotter"),
    }
    assert decision_cells(Decision(W1, "centrum", ("klotter", "brand"), "Centrum"), CELLS) == {("centrum", "klotter")}
    assert weeks_between(RoundKey(2025, 52), RoundKey(2026, 2)) == 2
    assert weeks_between(RoundKey(2026, 53), RoundKey(2027, 1)) == 1
    assert window(RoundKey(2026, 2), 3) == (RoundKey(2025, 52), RoundKey(2026, 1), RoundKey(2026, 2))


REPORTERS = range(4)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(0, 3), min_size=8, max_size=8), min_size=2, max_size=14))
def test_the_replay_flags_what_the_picture_flags(levels: list[list[int]]) -> None:
    """Random weeks of four reporters on two cells: in every week the replay flags as rising exactly the cells
    that week's picture lists as rising (both signals: the earlier weeks reach the picture as reports)."""
    cells = CELLS[:2]
    key = [RoundKey(2026, 1).minus(-i) for i in range(len(levels))]
    reports = {
        k: [
            Report(r, "Org", area, factor, answers[2 * r + c])
            for r in REPORTERS
            for c, (area, factor) in enumerate(cells)
            if answers[2 * r + c] < 3 or r % 2  # now and then a 3; some weeks some reporters skip it
        ]
        for k, answers in zip(key, levels, strict=True)
    }
    counts = {k: dict(count_levels(rs)) for k, rs in reports.items()}
    rp = replay(counts, key[-1], len(key), cells, [DetectionParams()], [], week_answers(reports, cells))
    for i, k in enumerate(key):
        inp = PictureInput(
            "G",
            k,
            [AreaInfo("centrum", "Centrum")],
            [Factor("narkotika", "N", "N"), Factor("klotter", "K", "K")],
            reports[k],
            {w: reports[w] for w in key[:i]},
            set(),
            4,
            4,
            0,
            [],
            [],
            [],
            [],
        )
        rising = {(s.area, s.factor) for s in build_picture(inp).standouts if s.kind is Kind.RISING}
        assert set(rp.runs[0].weeks[i].cells) == rising, k
