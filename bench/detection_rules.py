"""The rules and candidates the detection benchmark (bench/detection.py) measures, each as a function of a
simulated series and a week: the bot's own (`bot.domain.detection`) at chosen parameters, the candidates that
are not in the bot (the share of reporters above their usual level, orange for the first time, the fixed rules,
the default before this round's second signal), and the oracle (bench/oracle.py) with its limit set per model."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from bench import oracle
from bench.noise import Escalation, NoiseModel, Week
from bot.domain.detection import SHARED_SHOCK, DetectionParams, detect, judge, reporters_above_usual, usual_levels

FIRST_JUDGED = 12  # 0-based: weeks 13-52 are judged, each with 12 weeks of history
DEFAULT = DetectionParams()
# the default before this round (a baseline of 8 weeks): the rows measured before keep it, so that they stay as
# they were and the plug-in candidates are compared with the rule they change
PREVIOUS = replace(DEFAULT, baseline_weeks=8)

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


def first_orange_rise_rule(least: float, usual: float, params: DetectionParams = PREVIOUS) -> Rule:
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


OracleScores = dict[int, oracle.Floats]  # id(series) -> each week's log likelihood ratio


def oracle_scores(
    model: NoiseModel, escalations: list[Escalation], stable: list[list[Week]]
) -> tuple[OracleScores, OracleScores]:
    """The oracle's scores (bench/oracle.py) of every series of a model: free, and gated (orange weeks only)."""
    series = [*stable, *(e.weeks for e in escalations)]
    free = {id(s): oracle.log_ratios(s, model) for s in series}
    return free, {id(s): oracle.gated(s, free[id(s)]) for s in series}


def oracle_rules(scores: tuple[OracleScores, OracleScores], stable: list[list[Week]]) -> list[tuple[str, Rule]]:
    """The oracle, free and gated, with its limits set on this model's stable series for 1 false flag per 100
    series-weeks: not rules, the ceiling for any rule."""
    out: list[tuple[str, Rule]] = []
    for name, by_series in zip((ORACLE_FREE, ORACLE_GATED), scores, strict=True):
        out.append((name, _above(by_series, oracle.limit([by_series[id(s)] for s in stable], FIRST_JUDGED))))
    return out


def gated_limit(scores: tuple[OracleScores, OracleScores], stable: list[list[Week]]) -> float:
    """The gated oracle's limit for 1 false flag per 100 stable series-weeks of one model."""
    return oracle.limit([scores[1][id(s)] for s in stable], FIRST_JUDGED)


CALM = 0.8  # the usual level below which the oracle "by the usual level" has its lower limit
Prepared = dict[str, tuple[tuple[OracleScores, OracleScores], list[list[Week]], list[Escalation]]]


def one_limit_rules(prepared: Prepared) -> dict[str, list[tuple[str, Rule]]]:
    """The gated oracle as one rule for every model, so that every model keeps to 1 false flag per 100 stable
    series-weeks: (1) one limit, the highest of the models' own; (2) one limit where the cell's usual level is
    at least `CALM` and a lower one below it, the pair (on a grid of 0,05, the upper one at most 1 above the
    highest own limit) that finds the most escalations by their orange week over all the models: a limit that
    depends on the usual level, which the oracle knows exactly. Model key -> the two rules."""
    one = max(gated_limit(scores, stable) for scores, stable, _ in prepared.values())
    # per model: the stable weeks' scores below and above CALM (sorted), and each escalation's best score by its
    # orange week with its usual level
    stable_scores: list[tuple[oracle.Floats, oracle.Floats, int]] = []
    best: list[tuple[oracle.Floats, oracle.Floats]] = []
    for (_, gated), stable, escalations in prepared.values():
        calm = [gated[id(s)][FIRST_JUDGED:] for s in stable if s[0].truth.usual < CALM]
        busy = [gated[id(s)][FIRST_JUDGED:] for s in stable if s[0].truth.usual >= CALM]
        weeks = len(stable) * (len(stable[0]) - FIRST_JUDGED)
        stable_scores.append(
            (np.sort(np.concatenate([*calm, np.empty(0)])), np.sort(np.concatenate([*busy, np.empty(0)])), weeks)
        )
        tops = np.array([float(np.max(gated[id(e.weeks)][e.start : (e.orange or e.start) + 1])) for e in escalations])
        usual = np.array([e.weeks[0].truth.usual for e in escalations])
        best.append((tops, usual))

    def false_ok(lower: float, upper: float) -> bool:
        for calm, busy, weeks in stable_scores:
            flags = (
                len(calm) - np.searchsorted(calm, lower, "right") + len(busy) - np.searchsorted(busy, upper, "right")
            )
            if 100 * flags / weeks > 1.0:
                return False
        return True

    chosen, most = (one, one), -1.0
    for upper in np.arange(one, one + 1.0 + 1e-9, 0.05):
        lower = float(upper)
        for candidate in np.arange(float(upper), -5.0, -0.05):
            if not false_ok(float(candidate), float(upper)):
                break
            lower = float(candidate)
        found = sum(float(np.mean(tops > np.where(usual < CALM, lower, upper))) for tops, usual in best)
        if found > most + 1e-12:
            chosen, most = (lower, float(upper)), found
    out: dict[str, list[tuple[str, Rule]]] = {}
    for key, ((_, gated), _, _) in prepared.items():
        out[key] = [(ORACLE_ONE, _above(gated, one)), (ORACLE_BY_USUAL, _below_calm(gated, *chosen))]
    return out


def _sorted(parts: list[oracle.Floats]) -> oracle.Floats:
    return np.sort(np.concatenate([*parts, np.empty(0)]))


def _above_count(ranked: oracle.Floats, least: float) -> int:
    return int(len(ranked) - np.searchsorted(ranked, least, "right"))


def _below_calm(scores: OracleScores, lower: float, upper: float) -> Rule:
    def rule(series: list[Week], w: int) -> bool:
        return bool(scores[id(series)][w] > (lower if series[0].truth.usual < CALM else upper))

    return rule


def _above(scores: OracleScores, least: float) -> Rule:
    def rule(series: list[Week], w: int) -> bool:
        return bool(scores[id(series)][w] > least)

    return rule


ORACLE_FREE = "oracle, not a rule: the likelihood ratio with the true parameters, any week"
ORACLE_GATED = "oracle, not a rule: the likelihood ratio with the true parameters, orange weeks only"
ORACLE_TOLD = (
    "oracle told each escalation's rise: in each week the most powerful test of the rise it has then, orange weeks only"
)
ORACLE_ONE = "oracle, orange weeks only, one limit for every model (the highest of their own)"
ORACLE_BY_USUAL = (
    "oracle, orange weeks only, one rule for every model: a lower limit where the usual level is below 0.8"
)


def share_rule(rise: float, share: float, least: int) -> Rule:
    """The share candidate: at least `least` of this week's reporters with a usual level, and at least the share
    `share` of them, answered `rise` or more above it; the mean at least 1,5."""

    def rule(series: list[Week], w: int) -> bool:
        window = _window(series, w, PREVIOUS)
        week = window[-1].answers
        usual = usual_levels([x.answers for x in window[:-1]], PREVIOUS)
        if not week or not usual or (window[-1].mean or 0) < PREVIOUS.min_level:
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
