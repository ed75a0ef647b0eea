"""The detection rule's two signals and their combined verdict (`judge`) on hand-made cells, each with the week it
first flags and which signal fired; and properties with Hypothesis: a flat cell never flags, and a reporter who
answers as usual never creates a flag."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import detection as sim
from bot.config.group import DetectionConfig
from bot.domain.detection import (
    PRIOR_ANSWERS,
    REPORTER_SPREAD,
    SHARED_SHOCK,
    DetectionParams,
    Trigger,
    ewma_limit_sd,
    judge,
    reporters_above_usual,
)

DEFAULT = DetectionParams()
Week = dict[int, int]  # reporter -> level


def means(weeks: list[Week]) -> list[float | None]:
    return [sum(w.values()) / len(w) if w else None for w in weeks]


def first_flag(weeks: list[Week], params: DetectionParams = DEFAULT, counts_only: bool = False) -> int | None:
    """The first week (0-based) the combined verdict flags, judging each week on the weeks before it as the picture
    does (at most `history_weeks` of them)."""
    for w in range(1, len(weeks)):
        past = weeks[max(0, w - params.history_weeks) : w]
        history = [None] * len(past) if counts_only else list(past)
        if judge(means([*past, weeks[w]]), params, weeks[w], history).flagged:
            return w
    return None


# --------------------------------------------------------------------------- the EWMA, hand-made


def test_the_ewma_flags_a_climb_in_the_first_week_it_reaches_the_minimum_level() -> None:
    # one reporter, so the mean is the answer; 0 for ten weeks, then 0.5, 1, 1.5, 2 in steps of two reporters
    weeks: list[Week] = [{1: 0, 2: 0}] * 10 + [{1: 1, 2: 0}, {1: 1, 2: 1}, {1: 2, 2: 1}, {1: 2, 2: 2}]
    assert first_flag(weeks) == 12  # mean 1.5
    verdict = judge(means(weeks[2:13]), DEFAULT)  # no answers given: the EWMA alone
    assert verdict.fired == (Trigger.EWMA,)
    # μ 0 and σ = min_sd 0.35 from the 8 baseline weeks; z over the guard weeks 0.5, 1.0 and this week's 1.5
    z = 0.5 * 1.5 + 0.25 * 1.0 + 0.125 * 0.5
    assert verdict.signal.ewma == pytest.approx(z)
    assert verdict.signal.limit == pytest.approx(2.5 * 0.35 * ewma_limit_sd(0.5, 3))
    assert verdict.signal.ewma is not None and verdict.signal.limit is not None
    assert verdict.signal.ewma > verdict.signal.limit
    # week 11 (mean 1.0) was above its limit too, but below min_level 1.5
    below = judge(means(weeks[1:12]), DEFAULT)
    assert below.signal.above_expected and not below.flagged


# --------------------------------------------------------------------------- the reporters, hand-made

# A busy cell whose mean swings with who answers: Anna (1) usually says 2 and Cecilia (3) 1, both in even weeks;
# Bo (2) 0 and David (4) 1 in odd weeks. The mean swings 1.5, 0.5, 1.5, … : μ 1.0 with a wide spread.
EVEN: Week = {1: 2, 3: 1}
ODD: Week = {2: 0, 4: 1}
JUMP: Week = {2: 2, 3: 2, 4: 2}  # week 10: Bo, Cecilia and David each answer 2


def busy_cell() -> list[Week]:
    return [EVEN if w % 2 == 0 else ODD for w in range(10)] + [JUMP]


def test_the_reporters_flag_a_sudden_rise_from_a_busy_cell_that_the_ewma_misses() -> None:
    weeks = busy_cell()
    assert first_flag(weeks) == 10
    verdict = judge(means(weeks), DEFAULT, weeks[-1], weeks[:-1])
    assert verdict.fired == (Trigger.REPORTERS,)
    assert not verdict.signal.flagged  # the EWMA: 2.0 against a swing of 0.5-1.5 is within its limit
    second = verdict.reporters
    # the baseline is weeks 0-7 (the guard keeps 8-9 out): Bo's usual level 0, Cecilia's 1, David's 1
    assert (second.compared, second.above, second.reporters) == (3, 3, 3)
    assert second.rise == pytest.approx((2 + 1 + 1) / 3)
    # each answered the same in their 4 weeks: a spread of 0 shrunk towards 0.5 as if 4 more answers had it,
    # (0 + 4 · 0.25) / (3 + 4), and the error of a usual level from 4 answers on top; the week's shared shock 0.15
    spread = PRIOR_ANSWERS * REPORTER_SPREAD**2 / (3 + PRIOR_ANSWERS)
    se = math.sqrt(3 * spread * (1 + 1 / 4) / 9 + SHARED_SHOCK**2)
    assert second.score == pytest.approx(second.rise / se)
    assert second.score >= DEFAULT.reporter_limit


def test_with_earlier_weeks_as_counts_only_the_ewma_decides() -> None:
    weeks = busy_cell()
    assert first_flag(weeks, counts_only=True) is None
    verdict = judge(means(weeks), DEFAULT, weeks[-1], [None] * 10)
    assert not verdict.reporters.known and not verdict.flagged


def test_new_reporters_are_left_out_and_a_group_may_ask_for_two_reporters_above() -> None:
    weeks = busy_cell()
    with_new = {**JUMP, 9: 3}  # someone who never answered before
    second = reporters_above_usual(with_new, weeks[:-1], DEFAULT)
    assert (second.compared, second.reporters, second.flagged) == (3, 4, True)
    # Bo 3 above his usual level, Cecilia as usual, and a newcomer: one reporter above
    one_above = {2: 3, 3: 1, 9: 3}
    only_bo = reporters_above_usual(one_above, weeks[:-1], DEFAULT)
    assert (only_bo.above, only_bo.compared) == (1, 2)
    assert only_bo.rise == pytest.approx(1.5)
    assert first_flag([*weeks[:-1], one_above]) == 10  # the default: one reporter at least 1 above is enough
    two = replace(DEFAULT, reporter_min=2)
    assert not reporters_above_usual(one_above, weeks[:-1], two).flagged
    # nor does the EWMA flag it: a mean of 2.3 after the swing of 0.5-1.5 is within its limit
    assert first_flag([*weeks[:-1], one_above], two) is None


def test_the_reporters_signal_can_be_turned_off_and_tightened() -> None:
    weeks = busy_cell()
    assert first_flag(weeks, replace(DEFAULT, reporter_min=0)) is None
    assert first_flag(weeks, replace(DEFAULT, reporter_min=4)) is None  # three answered at least 1 above
    assert first_flag(weeks, replace(DEFAULT, reporter_rise=1.5)) is None  # the average rise is 1.33
    assert first_flag(weeks, replace(DEFAULT, reporter_min=3)) == 10
    assert first_flag(weeks, replace(DEFAULT, reporter_limit=4.6)) == 10  # the score is 4.65
    assert first_flag(weeks, replace(DEFAULT, reporter_limit=4.7)) is None


def newcomers(rising: int) -> list[Week]:
    """The busy cell, with `rising` newer reporters (5, 6, …) who answered 1 in weeks 6 and 7 only, and in week 10
    answer 2, a step up each, alone."""
    late = {5 + i: 1 for i in range(rising)}
    weeks = [{**w, **late} if w_ in (6, 7) else w for w_, w in enumerate(busy_cell()[:10])]
    return [*weeks, {r: 2 for r in late}]


def test_two_answers_alike_are_not_taken_for_a_reporter_who_never_varies() -> None:
    # Two reporters with two answers each in the baseline, both 1, answer 2: each spread 0 shrunk towards 0.5,
    # (0 + 4 · 0.25) / (1 + 4) = 0.2, times 1 + 1/2 for a usual level from two answers: 0.3 each.
    two = newcomers(2)
    second = reporters_above_usual(two[-1], two[:-1], DEFAULT)
    assert (second.compared, second.above, second.rise) == (2, 2, pytest.approx(1.0))
    assert second.score == pytest.approx(1.0 / math.sqrt(2 * 0.3 / 4 + SHARED_SHOCK**2))  # 2.41
    assert not second.flagged
    # (with the spread at least 0.4 and the usual level taken as exact, as before: 1 / √(2 · 0.16 / 4 + 0.0225),
    # 3.1, a flag; two reporters one step up is what a busy cell's noise gives every few months)
    assert first_flag(two) is None  # nor the EWMA: 2.0 after a swing of 0.5-1.5
    # three such reporters are enough: 1 / √(3 · 0.3 / 9 + 0.0225) = 2.86
    three = newcomers(3)
    assert first_flag(three) == 10
    assert judge(means(three), DEFAULT, three[-1], three[:-1]).fired == (Trigger.REPORTERS,)


def test_a_usual_level_is_taken_from_up_to_ten_weeks_of_own_answers() -> None:
    # Anna (1) and Bo (2) answer 1 every week. Cecilia, David and Eva (3-5) answered 0 in weeks 0 and 1, were away
    # for ten weeks and answer 2 in week 12: the mean is 1.6.
    away = {3: 0, 4: 0, 5: 0}
    weeks: list[Week] = [{1: 1, 2: 1, **away}] * 2 + [{1: 1, 2: 1}] * 10 + [{1: 1, 2: 1, 3: 2, 4: 2, 5: 2}]
    assert DEFAULT.baseline_weeks == 10
    assert first_flag(weeks) == 12
    verdict = judge(means(weeks), DEFAULT, weeks[-1], weeks[:-1])
    assert verdict.fired == (Trigger.REPORTERS,)
    # the baseline is weeks 0-9 (the guard keeps 10-11 out): the three have a usual level 0 from two answers, Anna
    # and Bo 1 from ten; rises 0, 0, 2, 2, 2
    second = verdict.reporters
    assert (second.compared, second.above, second.rise) == (5, 3, pytest.approx(1.2))
    regular = PRIOR_ANSWERS * REPORTER_SPREAD**2 / (9 + PRIOR_ANSWERS) * (1 + 1 / 10)
    back = PRIOR_ANSWERS * REPORTER_SPREAD**2 / (1 + PRIOR_ANSWERS) * (1 + 1 / 2)
    assert second.score == pytest.approx(1.2 / math.sqrt((2 * regular + 3 * back) / 25 + SHARED_SHOCK**2))  # 4.70
    # the EWMA: μ (2 · 0.4 + 8 · 1.0) / 10 = 0.88, σ = min_sd; z = 1.285 against a limit of 1.382
    assert verdict.signal.expected == pytest.approx(0.88)
    assert not verdict.signal.flagged
    # with the baseline of 8 weeks before the second round (weeks 2-9) the three have no usual level, Anna's and
    # Bo's rise is 0, and the EWMA (z 1.3 against 1.502) stays below its limit: nothing flags
    assert first_flag(weeks, replace(DEFAULT, baseline_weeks=8)) is None


def test_the_parameter_table_in_the_docs_has_the_defaults() -> None:
    """bench/DETECTION.md.in (and so docs/DETECTION.md) lists every `[groups.detection]` key with its default."""
    template = (Path(__file__).parents[3] / "bench" / "DETECTION.md.in").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\w+)` \| ([^|]+) \|", template, flags=re.MULTILINE))
    defaults = DetectionConfig().model_dump()
    for key, value in ((f, getattr(DEFAULT, f)) for f in DEFAULT.__slots__):
        assert key in rows, key
        assert float(rows[key]) == pytest.approx(float(value)), key
        assert defaults[key] == value, key


def test_a_slow_climb_is_compared_with_the_weeks_before_the_guard() -> None:
    # two reporters at 0, then +0.5 a week each: the guard keeps the climb's first weeks out of their usual level
    weeks: list[Week] = [{1: 0, 2: 0}] * 8 + [{1: 1, 2: 0}, {1: 1, 2: 1}, {1: 2, 2: 1}, {1: 2, 2: 2}]
    assert first_flag(weeks) == 10  # the first week at the minimum level (mean 1.5)
    verdict = judge(means(weeks[:11]), DEFAULT, weeks[10], weeks[:10])
    assert verdict.fired == (Trigger.EWMA, Trigger.REPORTERS)
    assert verdict.reporters.rise == pytest.approx(1.5)


# --------------------------------------------------------------------------- properties

levels = st.integers(0, 3)
params_st = st.builds(
    DetectionParams,
    baseline_weeks=st.integers(2, 10),
    guard_weeks=st.integers(0, 2),
    ewma_weight=st.floats(min_value=0.2, max_value=1.0),
    ewma_limit=st.floats(min_value=1.0, max_value=3.5),
    min_sd=st.sampled_from((0.25, 0.35)),
    min_level=st.floats(min_value=0.0, max_value=2.0),
    reporter_limit=st.floats(min_value=1.0, max_value=3.5),
    reporter_rise=st.floats(min_value=0.25, max_value=1.5),
    reporter_min=st.integers(1, 3),
    reporter_min_weeks=st.integers(1, 3),
)


@settings(max_examples=300, deadline=None)
@given(
    level=levels,
    present=st.lists(st.lists(st.booleans(), min_size=6, max_size=6), min_size=2, max_size=14),
    params=params_st,
)
def test_a_flat_cell_never_flags(level: int, present: list[list[bool]], params: DetectionParams) -> None:
    """Every reporter answers the same level every week they answer, whoever answers."""
    weeks = [{r: level for r in range(6) if here[r]} for here in present]
    if not weeks[-1]:
        return
    history = weeks[-params.history_weeks - 1 : -1]
    assert not judge(means([*history, weeks[-1]]), params, weeks[-1], history).flagged


@settings(max_examples=400, deadline=None)
@given(
    answers=st.lists(st.lists(levels, min_size=4, max_size=4), min_size=2, max_size=13),
    reporters=st.integers(1, 4),
    usual=levels,
    params=params_st,
)
def test_adding_a_reporter_who_answers_as_usual_never_creates_a_flag(
    answers: list[list[int]], reporters: int, usual: int, params: DetectionParams
) -> None:
    """The cell's reporters answer every week (any levels); a colleague who answered `usual` every week answers it
    again. Two limits, both intended: the colleague is an ordinary one if that is not above this week's level (one
    who always says 3 can lift an unusual but yellow week to orange); and the same reporters answer every week (a
    mean over whoever answered moves with who did, so a steady colleague in a week with fewer answers weighs more,
    which is what the second signal's pairing is for)."""
    weeks: list[Week] = [dict(enumerate(levels_[:reporters])) for levels_ in answers]
    now = weeks[-1]
    level = sum(now.values()) / len(now)
    if usual > max(level, params.min_level):
        return
    history = weeks[:-1][-params.history_weeks :]
    before = judge(means([*history, now]), params, now, history)
    added = [{**w, 99: usual} for w in [*history, now]]
    after = judge(means(added), params, added[-1], added[:-1])
    if not before.flagged:
        assert not after.flagged, (before, after)


# --------------------------------------------------------------------------- on the simulation, every noise model


@pytest.mark.parametrize("model", sim.MODELS, ids=lambda m: m.key)
def test_the_default_finds_more_than_the_ewma_before_it_at_no_more_false_flags(model: sim.NoiseModel) -> None:
    """Generous bounds on a small sample (bench/detection.py measures 1,000 series of each kind)."""
    escalations, stable = sim.data(seed=3, escalations=200, stable=120, model=model)
    now = sim.measure("default", sim.combined_rule(DEFAULT), escalations, stable)
    before = sim.measure("before", sim.ewma_rule(sim.BEFORE), escalations, stable)
    assert now.found_by_orange > before.found_by_orange
    assert now.found_share >= 0.7  # 80-95 % on the full benchmark
    assert now.false_per_100 <= 1.2


def test_the_oracle_weighs_a_week_against_the_true_usual_level() -> None:
    """bench/oracle.py, the ceiling in the tables: told the true biases, it finds answers at the usual level likelier
    without a rise and answers two levels up likelier with one; its limit lets through exactly the budget."""
    import numpy as np

    from bench import oracle
    from bench.noise import TODAY, Truth, week_of

    truth = Truth(usual=0.5, reporters=((0.0, 1.0), (0.5, 1.0), (-0.5, 1.0)))
    usual = week_of({1: 0, 2: 1, 3: 0}, truth)  # round(0.5 + bias): 0 (0.5 rounds up only above it), 1, 0
    up = week_of({1: 2, 2: 3, 3: 2}, truth)
    empty = week_of({}, truth)
    scores = oracle.log_ratios([usual, up, empty], TODAY)
    assert scores[0] < 0 < scores[1]
    assert scores[2] == -math.inf
    gated = oracle.gated([usual, up, empty], scores)  # only the week whose mean is orange keeps its score
    assert gated[0] == -math.inf and gated[1] == scores[1]
    stable = [np.arange(200, dtype=float)]  # 200 weeks judged: 1 % of them is 2 above the limit
    least = oracle.limit(stable, 0)
    assert int((stable[0] > least).sum()) == 2


def test_the_oracle_told_the_rise_tests_each_week_for_the_rise_it_has() -> None:
    """bench/oracle.py's `told_the_rise`: each week of a climb is tested for the rise the latent level has then, with
    that rise's own limit; an escalation whose orange week has answers well above the usual level is found in it,
    one whose orange week looks like the usual level is not, and the budget is 1 in 100 stable weeks judged."""
    from bench import oracle
    from bench.noise import TODAY, Escalation, Truth, week_of
    from bench.noise import Week as SimWeek

    truth = Truth(usual=1.0, reporters=((0.0, 1.0), (0.0, 1.0), (0.0, 1.0), (0.0, 1.0)))

    def series(levels: list[dict[int, int]]) -> list[SimWeek]:
        return [week_of(a, truth) for a in levels]

    calm, orange_by_noise = {1: 1, 2: 1, 3: 1, 4: 1}, {1: 2, 2: 2, 3: 1, 4: 1}
    # 100 stable series of 20 weeks: 10 judged weeks each, one in 50 of them orange by noise
    stable = [
        series([calm] * 10 + [orange_by_noise if (i * 10 + w) % 50 == 0 else calm for w in range(10)])
        for i in range(100)
    ]
    high = {1: 3, 2: 3, 3: 3, 4: 2}
    found = Escalation(series([calm] * 12 + [high] * 8), start=12, climb=1, orange=12, top=2.8)
    assert found.rise(11) == 0.0 and found.rise(12) == pytest.approx(1.8)
    half = Escalation(series([calm] * 12 + [orange_by_noise, high] + [high] * 6), start=12, climb=2, orange=12, top=2.0)
    assert half.rise(12) == pytest.approx(0.5) and half.rise(13) == pytest.approx(1.0)
    firsts, allowed, judged = oracle.told_the_rise([found, half], stable, TODAY, first=10)
    assert (allowed, judged) == (10, 1000)
    # the orange-by-noise pattern is 2 % of the stable weeks, over the budget of 1 %: the half rise is found a week
    # later, when the answers are far above the usual level
    assert firsts == [12, 13]
