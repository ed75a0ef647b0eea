"""The "what stands out" rule on single series: worked examples, properties, and its quality on the
fixed-seed simulation (bench/detection.py) with generous bounds."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import detection as sim
from bot.domain.detection import (
    DetectionParams,
    detect,
    ewma_limit_sd,
    highest_run,
    rising_run,
)

DEFAULT = DetectionParams()

levels = st.floats(min_value=0.0, max_value=3.0, allow_nan=False)
params_st = st.builds(
    DetectionParams,
    baseline_weeks=st.integers(2, 10),
    guard_weeks=st.integers(0, 2),
    ewma_weight=st.floats(min_value=0.2, max_value=1.0),
    ewma_limit=st.floats(min_value=1.0, max_value=3.0),
    min_sd=st.just(0.25),
    min_level=st.floats(min_value=0.0, max_value=2.0),
)


# --------------------------------------------------------------------------- worked examples


def test_a_jump_from_a_quiet_history_flags_with_the_expected_level() -> None:
    series = [0.0, 0.25, 0.0, 0.0, 0.25, 0.0, 0.0, 0.0, 0.25, 0.0, 2.0]
    signal = detect(series, DEFAULT)
    assert signal.flagged
    assert signal.expected == pytest.approx(0.5 / 8)  # the 8 weeks before the 2-week guard
    # z starts at μ, moves over the guard weeks (0.25, 0.0) and this week (2.0)
    mu = 0.5 / 8
    z = mu
    for x in (0.25, 0.0, 2.0):
        z = 0.5 * x + 0.5 * z
    assert signal.ewma == pytest.approx(z)
    spread = math.sqrt(sum((v - mu) ** 2 for v in series[:8]) / 7)
    assert signal.limit == pytest.approx(mu + 2.5 * max(spread, 0.35) * ewma_limit_sd(0.5, 3))
    assert signal.highest_weeks == 11 and signal.rising_weeks == 1


def test_a_high_but_usual_level_does_not_flag() -> None:
    series = [2.0, 2.25, 1.75, 2.0, 2.0, 2.25, 1.75, 2.0, 2.0, 2.0, 2.25]
    assert not detect(series, DEFAULT).flagged


def test_below_the_minimum_level_nothing_flags_however_unusual() -> None:
    series = [0.0] * 10 + [1.25]
    signal = detect(series, DEFAULT)
    assert signal.above_expected and not signal.flagged
    assert detect(series, replace(DEFAULT, min_level=1.0)).flagged


def test_a_slow_climb_flags_before_it_reaches_its_top() -> None:
    series = [0.25] * 8 + [0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0]
    first = next(w for w in range(8, len(series)) if detect(series[: w + 1][-11:], DEFAULT).flagged)
    assert series[first] == 1.5  # the first week at the minimum level
    signal = detect(series[: first + 1][-11:], DEFAULT)
    assert signal.rising_weeks == 5


def test_a_young_group_without_a_guarded_baseline_compares_with_what_it_has() -> None:
    assert detect([2.0], DEFAULT).flagged is False  # nothing to compare with
    assert detect([2.0], DEFAULT).expected is None
    signal = detect([0.0, 2.0], DEFAULT)  # one week: the guard is dropped
    assert signal.flagged and signal.expected == 0.0
    signal = detect([0.0, 0.0, 0.0, 2.0], DEFAULT)  # guard 2 leaves one week: dropped again
    assert signal.expected == 0.0 and signal.ewma == pytest.approx(1.0)


def test_weeks_without_reports_are_skipped() -> None:
    series: list[float | None] = [0.0, None, 0.25, None, 0.0, 0.0, None, 0.0, None, None, 2.0]
    signal = detect(series, DEFAULT)
    assert signal.flagged and signal.expected == pytest.approx(0.05)
    assert detect([*series[:-1], None], DEFAULT).flagged is False


def test_rising_and_highest_runs() -> None:
    assert rising_run([0.0, 0.5, 1.0, 1.5]) == 3
    assert rising_run([1.0, 0.5, 1.0, 1.5]) == 2
    assert rising_run([0.5, None, 1.0, None, 1.5]) == 2
    assert rising_run([1.5, 1.5]) == 0
    assert rising_run([1.0, None]) == 0
    assert highest_run([1.0, 0.5, 0.0, 0.75]) == 3  # above 0.5 and 0, not above 1.0
    assert highest_run([None, None, 0.5, 1.0]) == 2  # weeks before the first report do not count
    assert highest_run([0.5, None, None, 1.0]) == 4
    assert highest_run([1.0, 1.0]) == 0
    assert highest_run([1.0]) == 0


def test_parameters_are_checked() -> None:
    with pytest.raises(ValueError, match="ewma_weight"):
        DetectionParams(ewma_weight=0)
    with pytest.raises(ValueError, match="min_sd"):
        DetectionParams(min_sd=0)
    assert DetectionParams(baseline_weeks=8, guard_weeks=2, highest_weeks=6).history_weeks == 10
    assert DetectionParams(baseline_weeks=4, guard_weeks=0, highest_weeks=12).history_weeks == 11


# --------------------------------------------------------------------------- properties


@settings(max_examples=300, deadline=None)
@given(level=levels, weeks=st.integers(1, 14), params=params_st)
def test_a_constant_series_never_flags(level: float, weeks: int, params: DetectionParams) -> None:
    assert not detect([level] * weeks, params).flagged


@settings(max_examples=300, deadline=None)
@given(
    level=levels,
    gaps=st.lists(st.booleans(), min_size=1, max_size=14),
    params=params_st,
)
def test_a_constant_series_with_missing_weeks_never_flags(
    level: float, gaps: list[bool], params: DetectionParams
) -> None:
    series = [None if gap else level for gap in gaps]
    assert not detect(series, params).flagged


@settings(max_examples=300, deadline=None)
@given(
    before=st.floats(min_value=0.0, max_value=1.0),
    step=st.floats(min_value=1.0, max_value=3.0),
    noise=st.lists(st.floats(min_value=-0.1, max_value=0.1), min_size=14, max_size=14),
    params=params_st,
)
def test_a_step_of_one_level_flags_within_the_guard_and_one_week(
    before: float, step: float, noise: list[float], params: DetectionParams
) -> None:
    after = min(3.0, before + step)
    if after < params.min_level or after - before < 1.0:
        return
    history = [before + n for n in noise[: params.history_weeks]]
    series: list[float | None] = list(history)
    flagged_at = None
    for week in range(params.guard_weeks + 1):
        series.append(after)
        if detect(series[-(params.history_weeks + 1) :], params).flagged:
            flagged_at = week
            break
    assert flagged_at is not None


@settings(max_examples=300, deadline=None)
@given(
    history=st.lists(st.one_of(st.none(), levels), min_size=0, max_size=12),
    x=levels,
    more=st.floats(min_value=0.0, max_value=3.0),
    params=params_st,
)
def test_a_higher_level_this_week_never_unflags(
    history: list[float | None], x: float, more: float, params: DetectionParams
) -> None:
    higher = min(3.0, x + more)
    if detect([*history, x], params).flagged:
        assert detect([*history, higher], params).flagged


@settings(max_examples=300, deadline=None)
@given(history=st.lists(st.one_of(st.none(), levels), min_size=0, max_size=12), x=levels, params=params_st)
def test_a_flag_needs_the_minimum_level_and_a_level_above_expected(
    history: list[float | None], x: float, params: DetectionParams
) -> None:
    signal = detect([*history, x], params)
    if signal.flagged:
        assert x >= params.min_level - 1e-9
        assert signal.expected is not None and x > signal.expected


# --------------------------------------------------------------------------- quality on the simulation


@pytest.fixture(scope="module")
def simulated() -> tuple[list[sim.Escalation], list[list[sim.Week]]]:
    return sim.data(seed=11, escalations=300, stable=200)


def test_the_default_rule_finds_most_escalations_by_the_week_they_turn_orange(
    simulated: tuple[list[sim.Escalation], list[list[sim.Week]]],
) -> None:
    escalations, stable = simulated
    q = sim.measure("default", sim.ewma_rule(DEFAULT), escalations, stable)
    assert q.escalations >= 250  # nearly every planted escalation shows orange at some point
    assert q.found_share >= 0.75
    assert q.found_1_share >= 0.9
    assert q.false_per_100 <= 1.0
    old = sim.measure("old", sim.fixed_rule, escalations, stable)
    assert q.found_gradual > old.found_gradual  # the point of the rule: slow climbs


def test_a_stricter_limit_flags_less_on_stable_noise(
    simulated: tuple[list[sim.Escalation], list[list[sim.Week]]],
) -> None:
    escalations, stable = simulated
    loose = sim.measure("L 2", sim.ewma_rule(replace(DEFAULT, ewma_limit=2.0)), escalations, stable)
    strict = sim.measure("L 3.5", sim.ewma_rule(replace(DEFAULT, ewma_limit=3.5)), escalations, stable)
    assert strict.false_flags < loose.false_flags
    assert strict.found_by_orange <= loose.found_by_orange
