"""The rules and candidates the detection benchmark (bench/detection.py) measures, each as a function of a
simulated series and a week: the bot's own (`bot.domain.detection`) at chosen parameters, the candidates that
are not in the bot (the share of reporters above their usual level, orange for the first time, the fixed rules,
the default before this round's second signal), and the oracle (bench/oracle.py) with its limit set per model."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from bench import oracle
from bench.noise import Escalation, NoiseModel, Week
from bot.domain.detection import SHARED_SHOCK, DetectionParams, detect, judge, reporters_above_usual, usual_levels

FIRST_JUDGED = 12  # 0-based: weeks 13-52 are judged, each with 12 weeks of history
DEFAULT = DetectionParams()

Rule = Callable[[list[Week], int], bool]  # (series, week index) -> flagged


def _window(series: Sequence[Week], w: int, params: DetectionParams) -> Sequence[Week]:
    return series[max(0, w - params.history_weeks) : w + 1]


def ewma_rule(params: DetectionParams) -> Rule:
    def rule(series: list[Week], w: int) -> bool:
        return detect([x.mean for x in _window(series, w, params)], params).flagged

    return rule


def reporter_rule(params: DetectionParams) -> Rule:
    """The second signal alone: reporters well above their own usual level."""

    def rule(series: list[Week], w: int) -> bool:
        window = _window(series, w, params)
        return reporters_above_usual(window[-1].answers, [x.answers for x in window[:-1]], params).flagged

    return rule


def combined_rule(params: DetectionParams) -> Rule:
    """`bot.domain.detection.judge`: the EWMA or the reporters, as the picture uses it."""

    def rule(series: list[Week], w: int) -> bool:
        window = _window(series, w, params)
        means = [x.mean for x in window]
        return judge(means, params, window[-1].answers, [x.answers for x in window[:-1]]).flagged

    return rule


def earlier_second_signal(params: DetectionParams) -> Rule:
    """The default before the second signal's spreads were shrunk (issue 19, first round), kept to compare with:
    the EWMA, or the reporters' rise in standard errors √(Σ sᵢ²/n² + 0,15²) with sᵢ each reporter's own spread
    around their usual level, at least 0,4 (a reporter who answered alike three times counts as spread 0,4)."""
    ewma = ewma_rule(params)

    def rule(series: list[Week], w: int) -> bool:
        if ewma(series, w):
            return True
        window = _window(series, w, params)
        week = window[-1].answers
        usual = usual_levels([x.answers for x in window[:-1]], params)
        if not week or not usual or (window[-1].mean or 0) < params.min_level - 1e-9:
            return False
        rises: list[float] = []
        variance = 0.0
        for reporter, answers in usual.items():
            if reporter in week:
                mean = sum(answers) / len(answers)
                own = sum((a - mean) ** 2 for a in answers) / (len(answers) - 1) if len(answers) > 1 else 0.0
                variance += max(own, 0.16)
                rises.append(week[reporter] - mean)
        if not rises:
            return False
        n = len(rises)
        rise = sum(rises) / n
        score = rise / (variance / (n * n) + SHARED_SHOCK**2) ** 0.5
        above = sum(1 for r in rises if r >= 1 - 1e-9)
        return above >= params.reporter_min and rise >= params.reporter_rise - 1e-9 and score >= params.reporter_limit

    return rule


def first_orange_rise_rule(least: float, usual: float, params: DetectionParams = DetectionParams()) -> Rule:
    """The default, or: the cell is orange for the first time in 12 weeks, its expected level is at most `usual`,
    and its reporters' rise is at least `least` standard errors (a lower limit where orange itself is rare)."""
    default = combined_rule(params)
    loose = replace(params, reporter_limit=least, reporter_rise=1e-6)

    def rule(series: list[Week], w: int) -> bool:
        if default(series, w):
            return True
        window = _window(series, w, params)
        means = [x.mean for x in window]
        if (means[-1] or 0) < params.min_level - 1e-9 or any(
            (x.mean or 0) >= 1.5 - 1e-9 for x in series[max(0, w - 12) : w]
        ):
            return False
        signal = detect(means, params)
        if signal.expected is None or signal.expected > usual + 1e-9:
            return False
        return reporters_above_usual(window[-1].answers, [x.answers for x in window[:-1]], loose).flagged

    return rule


def first_orange_name(errors: float, usual: float) -> str:
    return (
        f"the default, or orange for the first time in 12 weeks from an expected level ≤ {usual:g} with the "
        f"reporters' rise ≥ {errors:g} SE"
    )


FIRST_ORANGE = first_orange_name(1.0, 0.7)


def oracle_rules(model: NoiseModel, escalations: list[Escalation], stable: list[list[Week]]) -> list[tuple[str, Rule]]:
    """The oracle (bench/oracle.py), free and gated, with its limits set on this model's stable series for 1 false
    flag per 100 series-weeks: not rules, the ceiling for any rule."""
    series = [*stable, *(e.weeks for e in escalations)]
    free = {id(s): oracle.log_ratios(s, model) for s in series}
    out: list[tuple[str, Rule]] = []
    for name, scores in ((ORACLE_FREE, free), (ORACLE_GATED, {id(s): oracle.gated(s, free[id(s)]) for s in series})):
        out.append((name, _above(scores, oracle.limit([scores[id(s)] for s in stable], FIRST_JUDGED))))
    return out


def _above(scores: dict[int, oracle.Floats], least: float) -> Rule:
    def rule(series: list[Week], w: int) -> bool:
        return bool(scores[id(series)][w] > least)

    return rule


ORACLE_FREE = "oracle, not a rule: the likelihood ratio with the true parameters, any week"
ORACLE_GATED = "oracle, not a rule: the likelihood ratio with the true parameters, orange weeks only"


def share_rule(rise: float, share: float, least: int) -> Rule:
    """The share candidate: at least `least` of this week's reporters with a usual level, and at least the share
    `share` of them, answered `rise` or more above it; the mean at least 1,5."""

    def rule(series: list[Week], w: int) -> bool:
        window = _window(series, w, DEFAULT)
        week = window[-1].answers
        usual = usual_levels([x.answers for x in window[:-1]], DEFAULT)
        if not week or not usual or (window[-1].mean or 0) < DEFAULT.min_level:
            return False
        mine = [level - sum(usual[r]) / len(usual[r]) for r, level in week.items() if r in usual]
        above = sum(1 for d in mine if d >= rise - 1e-9)
        return above >= least and above >= share * len(mine) - 1e-9

    return rule


def counts_only_rule(params: DetectionParams) -> Rule:
    """`judge` when the earlier weeks are known only as counts: the second signal has nothing to compare with."""

    def rule(series: list[Week], w: int) -> bool:
        window = _window(series, w, params)
        return judge([x.mean for x in window], params, window[-1].answers, [None] * (len(window) - 1)).flagged

    return rule


def first_orange_rule(quiet: int, params: DetectionParams) -> Rule:
    """Orange (mean ≥ 1,5) for the first time in `quiet` weeks, or the EWMA."""
    ewma = ewma_rule(params)

    def rule(series: list[Week], w: int) -> bool:
        x = series[w].mean
        if x is not None and x >= 1.5 and all((s.mean or 0) < 1.5 for s in series[max(0, w - quiet) : w]):
            return True
        return ewma(series, w)

    return rule


def red_rule(series: list[Week], w: int) -> bool:
    """The fixed rule that stays beside the statistical one: someone answered 3, or the mean is red."""
    return series[w].max == 3 or (series[w].mean or 0) >= 2.5


def either(*rules: Rule) -> Rule:
    return lambda series, w: any(rule(series, w) for rule in rules)


def fixed_rule(series: list[Week], w: int) -> bool:
    """The rule before this one: mean ≥ 1,5 and up by 1 on last week or on the 4-week average."""
    x = series[w].mean
    if x is None or x < 1.5:
        return False
    last = series[w - 1].mean
    past = [s.mean for s in series[w - 4 : w] if s.mean is not None]
    return (last is not None and x - last >= 1.0) or (bool(past) and x - sum(past) / len(past) >= 1.0)
