"""Plug-in versions of the oracle (bench/oracle.py) measured by the detection benchmark (bench/detection.py): what
the oracle is told, estimated from the cell's own history instead. Each reporter's bias and spread come from their
own answers in the guarded baseline (the spread shrunk towards 0,5, as the default's second signal does); the
week's shock shared by the cell's reporters is integrated out or added to the standard error; and the week is
scored by the reporters' deviations from their own usual levels in several ways:

* **inverse-variance weights**: the reporters' rises averaged with weights 1 / vᵢ (the best linear combination
  when the rises are normal), instead of the default's plain average;
* **a likelihood ratio**: each reporter's answer as a latent normal reading around their usual level, rounded to
  0-3, as the oracle models it; the week's log likelihood ratio of an even mixture of rises (0,25-2,0) against
  none, the shock integrated out (Gauss-Hermite);
* **the rises added up over the guard weeks**: an EWMA of each week's average rise over the guard weeks and this
  week, for climbs that rise over several weeks;
* **newcomers included**: reporters without a usual level compared with the highest usual level of the others;
* **a lower limit where the cell is calm**: the default's statistic with a lower limit when the reporters' usual
  levels are low (their mean, or the highest of them), the budget of false flags spent where a rise to orange is
  rare by noise;
* **one score**: the reporters' rise in standard errors plus a share of the EWMA's.

None of them is in the bot: the table in docs/DETECTION.md shows each beside the default."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from bench.detection_rules import Rule, _window, combined_rule, ewma_rule
from bench.noise import Week
from bot.domain.detection import (
    PRIOR_ANSWERS,
    REPORTER_SPREAD,
    SHARED_SHOCK,
    Answers,
    DetectionParams,
    detect,
    usual_levels,
)

_EPS = 1e-9
_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(7)
_SHOCK_NODES = [float(x) * SHARED_SHOCK for x in _NODES]
_SHOCK_WEIGHTS = [float(w) for w in _WEIGHTS / _WEIGHTS.sum()]
RISES = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)  # the likelihood ratio's alternative: an even mixture


class Reporter:
    """One compared reporter: this week's answer, their usual level, the variance of their answers around it
    (shrunk towards `REPORTER_SPREAD`) and how many answers it rests on."""

    __slots__ = ("answer", "answers", "spread", "usual")

    def __init__(self, answer: int, history: Sequence[int]) -> None:
        k = len(history)
        mean = sum(history) / k
        squares = sum((a - mean) ** 2 for a in history)
        self.answer = answer
        self.usual = mean
        self.spread = (squares + PRIOR_ANSWERS * REPORTER_SPREAD**2) / (k - 1 + PRIOR_ANSWERS)
        self.answers = k

    @property
    def rise(self) -> float:
        return self.answer - self.usual

    @property
    def variance(self) -> float:
        """Of this week's rise: the spread, and the error in the usual level."""
        return self.spread * (1 + 1 / self.answers)


def compared(week: Answers, history: Sequence[Answers | None], params: DetectionParams) -> list[Reporter]:
    usual = usual_levels(history, params) or {}
    return [Reporter(week[r], answers) for r, answers in usual.items() if r in week]


def _gates(reporters: list[Reporter], level: float, params: DetectionParams) -> bool:
    """The default's gates: the plain average rise at least `reporter_rise`, at least `reporter_min` reporters 1
    above their usual level, the cell's mean at least `min_level`."""
    if not reporters or level < params.min_level - _EPS:
        return False
    rise = sum(r.rise for r in reporters) / len(reporters)
    above = sum(1 for r in reporters if r.rise >= 1 - _EPS)
    return rise >= params.reporter_rise - _EPS and above >= params.reporter_min


def plain_score(reporters: list[Reporter]) -> float:
    """The default's statistic: the plain average rise in standard errors."""
    n = len(reporters)
    rise = sum(r.rise for r in reporters) / n
    return rise / math.sqrt(sum(r.variance for r in reporters) / (n * n) + SHARED_SHOCK**2)


def weighted_score(reporters: list[Reporter]) -> float:
    """The rises weighted by 1 / variance, in standard errors."""
    weights = [1 / r.variance for r in reporters]
    total = sum(weights)
    rise = sum(w * r.rise for w, r in zip(weights, reporters, strict=True)) / total
    return rise / math.sqrt(1 / total + SHARED_SHOCK**2)


def _cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _answer_probability(answer: int, centre: float, sd: float) -> float:
    low = 0.0 if answer == 0 else _cdf((answer - 0.5 - centre) / sd)
    high = 1.0 if answer == 3 else _cdf((answer + 0.5 - centre) / sd)
    return max(high - low, 1e-12)


def likelihood_score(reporters: list[Reporter]) -> float:
    """log of mean over δ in `RISES` of P(answers | usual + δ) / P(answers | usual): each reporter's reading normal
    around their usual level with the spread less the rounding's 1/12 (at least 0,04) plus the error in the usual
    level, rounded to 0-3; the shared shock N(0; 0,15) integrated out."""
    readers = [(r.answer, r.usual, math.sqrt(max(r.spread - 1 / 12, 0.04) + r.spread / r.answers)) for r in reporters]

    def likelihood(rise: float) -> float:
        total = 0.0
        for shock, weight in zip(_SHOCK_NODES, _SHOCK_WEIGHTS, strict=True):
            product = 1.0
            for answer, usual, sd in readers:
                product *= _answer_probability(answer, usual + rise + shock, sd)
            total += weight * product
        return total

    return math.log(sum(likelihood(d) for d in RISES) / len(RISES) / likelihood(0.0))


def second_signal(
    params: DetectionParams, limit: Callable[[list[Reporter]], float], score: Callable[[list[Reporter]], float]
) -> Rule:
    """The EWMA (`params`), or this week's reporters with `score` at least `limit` (which may depend on them) and
    the default's gates."""
    ewma = ewma_rule(params)

    def rule(series: list[Week], w: int) -> bool:
        if ewma(series, w):
            return True
        window = _window(series, w, params)
        reporters = compared(window[-1].answers, [x.answers for x in window[:-1]], params)
        if not _gates(reporters, window[-1].mean or 0.0, params):
            return False
        return score(reporters) >= limit(reporters) - _EPS

    return rule


def weighted_rule(params: DetectionParams, limit: float) -> Rule:
    return second_signal(params, lambda _: limit, weighted_score)


def likelihood_rule(params: DetectionParams, limit: float) -> Rule:
    return second_signal(params, lambda _: limit, likelihood_score)


def calm_rule(params: DetectionParams, lower: float, calm: float, highest: bool) -> Rule:
    """The default's statistic, with the limit `lower` instead of ``reporter_limit`` when the reporters' usual
    levels (their mean, or with `highest` the highest of them) are below `calm`."""

    def limit(reporters: list[Reporter]) -> float:
        levels = [r.usual for r in reporters]
        level = max(levels) if highest else sum(levels) / len(levels)
        return lower if level < calm - _EPS else params.reporter_limit

    return second_signal(params, limit, plain_score)


def newcomers_rule(params: DetectionParams) -> Rule:
    """The default, where reporters without a usual level are compared with the highest usual level of the others
    (their spread 0,5 and a bias of spread 0,3 on top, and the error of that level)."""
    ewma = ewma_rule(params)

    def rule(series: list[Week], w: int) -> bool:
        if ewma(series, w):
            return True
        window = _window(series, w, params)
        week = window[-1].answers
        reporters = compared(week, [x.answers for x in window[:-1]], params)
        if not reporters:
            return False
        known = set(usual_levels([x.answers for x in window[:-1]], params) or {})
        top = max(r.usual for r in reporters)
        rises = [r.rise for r in reporters]
        variance = sum(r.variance for r in reporters)
        for reporter, answer in week.items():
            if reporter not in known:
                rises.append(answer - top)
                variance += REPORTER_SPREAD**2 + 0.3**2 + REPORTER_SPREAD**2 / len(reporters)
        n = len(rises)
        rise = sum(rises) / n
        above = sum(1 for x in rises if x >= 1 - _EPS)
        if (window[-1].mean or 0.0) < params.min_level - _EPS or above < params.reporter_min:
            return False
        score = rise / math.sqrt(variance / (n * n) + SHARED_SHOCK**2)
        return rise >= params.reporter_rise - _EPS and score >= params.reporter_limit - _EPS

    return rule


def paired_ewma_rule(params: DetectionParams, limit: float, weight: float = 0.7) -> Rule:
    """The default, or an EWMA (weight `weight`, from 0) of each week's average rise of the reporters against
    their usual level over the guard weeks and this week, at least `limit` standard errors (each week's spreads
    and the shock, and each reporter's error in their usual level, which every week shares), with the default's
    gates on this week."""
    default = combined_rule(params)

    def rule(series: list[Week], w: int) -> bool:
        if default(series, w):
            return True
        window = _window(series, w, params)
        history = [x.answers for x in window[:-1]]
        usual = usual_levels(history, params) or {}
        now = compared(window[-1].answers, history, params)
        if not usual or not _gates(now, window[-1].mean or 0.0, params):
            return False
        recent = [*history[len(history) - params.guard_weeks :], window[-1].answers]
        info = {r: Reporter(0, answers) for r, answers in usual.items()}
        z = spread = shock = 0.0
        shared: dict[int, float] = {}
        for i, week in enumerate(recent):
            c = weight * (1 - weight) ** (len(recent) - 1 - i)
            here = [(r, a - info[r].usual) for r, a in week.items() if r in info]
            if not here:
                continue
            n = len(here)
            z += c * sum(x for _, x in here) / n
            spread += c * c * sum(info[r].spread for r, _ in here) / (n * n)
            shock += c * c * SHARED_SHOCK**2
            for r, _ in here:
                shared[r] = shared.get(r, 0.0) + c / n
        error = sum(info[r].spread / info[r].answers * s * s for r, s in shared.items())
        return z / math.sqrt(spread + shock + error) >= limit - _EPS

    return rule


def one_score_rule(params: DetectionParams, share: float, limit: float) -> Rule:
    """The EWMA alone at its limit, or: the reporters' rise in standard errors plus `share` times the EWMA's
    distance above the expected level in its standard deviations at least `limit`, with the default's gates."""
    ewma = ewma_rule(params)

    def rule(series: list[Week], w: int) -> bool:
        if ewma(series, w):
            return True
        window = _window(series, w, params)
        reporters = compared(window[-1].answers, [x.answers for x in window[:-1]], params)
        if not _gates(reporters, window[-1].mean or 0.0, params):
            return False
        signal = detect([x.mean for x in window], params)
        above = 0.0
        if signal.expected is not None and signal.ewma is not None and signal.limit is not None:
            unit = (signal.limit - signal.expected) / params.ewma_limit
            above = max((signal.ewma - signal.expected) / unit, 0.0) if unit > 0 else 0.0
        return plain_score(reporters) + share * above >= limit - _EPS

    return rule
