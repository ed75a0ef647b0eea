"""The oracle of the detection benchmark: not a rule, the ceiling for any rule.

It is told what no rule can know: the cell's usual latent level, the season, each answering reporter's true
bias and reading of the scale, and the noise model's distributions (`bench.noise.Truth`, `NoiseModel.noise`).
Each week it computes the likelihood ratio of this week's answers

    Λ = mean over δ of P(answers | usual + δ) / P(answers | usual),   δ = 0,2, 0,4 … 2,8

(the alternative "a rise" as an even mixture of rises; the week's shock shared by the cell's reporters is
integrated out, Gauss-Hermite, 20 points), and flags when Λ is above the limit that gives 1 false flag per 100
stable series-weeks in that model (the limit set on the model's own stable series: the most it may cost). By the
Neyman-Pearson lemma no test of one week's answers against the usual level does better on average over those
rises. Two versions: free (may flag a week whose mean is not orange yet) and gated (flags only a week whose mean
is at least 1,5, as the bot's rules do: the ceiling for them).

Where it is not exact: the ordinal model's shock lingers (AR(1)); the oracle treats each week's shock as
independent with the same spread, so it does not use last week's shock to explain this week's. It looks at one
week at a time; a rule that adds up evidence over the weeks of a slow climb can pass it on those (they are found
anyway: the misses are sudden ones).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from bench.noise import ORANGE, Escalation, NoiseModel, Week

RISES = np.arange(1, 15) * 0.2  # the alternative: an even mixture of rises of the latent level
_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(20)  # ∫ f(s) φ(s) ds ≈ Σ w f(x) / √(2π)
_LOG_WEIGHTS = np.log(_WEIGHTS / math.sqrt(2 * math.pi))
CUTS = (0.5, 1.5, 2.5)
_LOW = np.array([-np.inf, *CUTS])  # an answer a means a reading in [LOW[a], HIGH[a]) (before the scale)
_HIGH = np.array([*CUTS, np.inf])
Floats = NDArray[np.float64]


_ERFC = (
    -1.26551223,
    1.00002368,
    0.37409196,
    0.09678418,
    -0.18628806,
    0.27886807,
    -1.13520398,
    1.48851587,
    -0.82215223,
    0.17087277,
)


def _erfc(x: Floats) -> Floats:
    """erfc with a relative error below 1,2e-7 everywhere (Numerical Recipes' erfcc), so tails stay exact."""
    z = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    poly = np.zeros_like(t)
    for c in _ERFC[::-1]:
        poly = poly * t + c
    r = t * np.exp(-z * z + poly)
    return np.where(x >= 0, r, 2.0 - r)


def _upper(x: Floats, noise: str) -> Floats:
    """P(noise ≥ x) for the standardised noise."""
    if noise == "logistic":
        return 0.5 * (1.0 - np.tanh(x / 2.0))
    return 0.5 * _erfc(x / math.sqrt(2.0))


def _interval(low: Floats, high: Floats, noise: str) -> Floats:
    """P(low ≤ noise < high), computed on the side of the smaller tail."""
    upper = _upper(low, noise) - _upper(high, noise)
    lower = _upper(-high, noise) - _upper(-low, noise)
    return np.where(low > 0, upper, lower)


def log_ratios(series: Sequence[Week], model: NoiseModel) -> Floats:
    """log Λ of every week of a series (-inf for a week without answers)."""
    rises = rise_log_ratios(series, model)
    out = np.full(len(series), -np.inf)
    has = np.isfinite(rises[:, 0])
    out[has] = _logsumexp(rises[has], axis=1) - math.log(len(RISES))
    return out


def rise_log_ratios(series: Sequence[Week], model: NoiseModel) -> Floats:
    """log P(answers | usual + δ) / P(answers | usual) of every week (rows) and every rise δ of `RISES` (columns);
    -inf in the rows of weeks without answers."""
    weeks = len(series)
    width = max((len(w.answers) for w in series), default=0)
    out = np.full((weeks, len(RISES)), -np.inf)
    if width == 0:
        return out
    levels = np.zeros((weeks, width), dtype=np.int64)
    bias = np.zeros((weeks, width))
    scale = np.ones((weeks, width))
    mask = np.zeros((weeks, width), dtype=bool)
    centre = np.zeros(weeks)
    for i, week in enumerate(series):
        n = len(week.answers)
        levels[i, :n] = list(week.answers.values())
        if n:
            b, c = zip(*week.truth.reporters, strict=True)
            bias[i, :n] = b
            scale[i, :n] = c
        mask[i, :n] = True
        centre[i] = week.truth.usual + week.truth.season
    rises = np.concatenate(([0.0], RISES))
    # the reading before the personal noise: usual + season + rise + shock + bias; shape (week, rise, node, answer)
    mean = (
        centre[:, None, None, None]
        + rises[None, :, None, None]
        + (model.shock_sd * _NODES)[None, None, :, None]
        + bias[:, None, None, :]
    )
    low = (_LOW[levels] * scale)[:, None, None, :]
    high = (_HIGH[levels] * scale)[:, None, None, :]
    p = _interval((low - mean) / model.noise_scale, (high - mean) / model.noise_scale, model.noise)
    logp = np.where(mask[:, None, None, :], np.log(np.maximum(p, 1e-300)), 0.0).sum(axis=3)
    likelihood = _logsumexp(logp + _LOG_WEIGHTS[None, None, :], axis=2)  # (week, rise)
    has = mask.any(axis=1)
    out[has] = likelihood[has, 1:] - likelihood[has, :1]
    return out


def told_the_rise(
    escalations: Sequence[Escalation], stable: Sequence[Sequence[Week]], model: NoiseModel, first: int, weeks: int = 13
) -> tuple[list[int | None], int, int]:
    """A test told each escalation's true rise, orange weeks only: in each week from the climb's start, the
    likelihood ratio of the rise δ the latent level has then (the nearest of `RISES`), flagged above the limit that
    gives that ratio 1 false flag per 100 stable series-weeks (weeks from `first`). By the Neyman-Pearson lemma each
    of these tests is the most powerful test of one week's answers of its size for its own rise: the ceiling
    without the mixture over rises that `log_ratios` averages. A close bound, not an exact one: the rise is rounded
    to the nearest of `RISES`, whole-number answers tie at the limit, the gate to orange weeks is no part of the
    lemma, and a rule reading earlier weeks too is not bound by it (the ordinal model's shock carries over from
    week to week), so a rule may find a little more. Returns each escalation's first flagged week (None if none
    within `weeks` of the start), and the false flags each test allows out of the stable weeks judged."""
    judged = np.concatenate([_gated_rows(s, rise_log_ratios(s, model))[first:] for s in stable])
    allowed = int(len(judged) / 100)
    limits = np.sort(judged, axis=0)[::-1][allowed] if allowed < len(judged) else np.full(len(RISES), -np.inf)
    firsts: list[int | None] = []
    for e in escalations:
        scores = _gated_rows(e.weeks, rise_log_ratios(e.weeks, model))
        nearest = (int(np.clip(round(e.rise(w) / 0.2) - 1, 0, len(RISES) - 1)) for w in range(len(e.weeks)))
        flagged = [w for w, k in enumerate(nearest) if e.start <= w < e.start + weeks and scores[w, k] > limits[k]]
        firsts.append(flagged[0] if flagged else None)
    return firsts, allowed, len(judged)


def _gated_rows(series: Sequence[Week], scores: Floats) -> Floats:
    orange = np.array([(w.mean or 0.0) >= ORANGE - 1e-9 for w in series])
    return np.where(orange[:, None], scores, -np.inf)


def _logsumexp(x: Floats, axis: int) -> Floats:
    top = np.max(x, axis=axis, keepdims=True)
    return np.squeeze(top, axis=axis) + np.log(np.sum(np.exp(x - top), axis=axis))


def gated(series: Sequence[Week], scores: Floats) -> Floats:
    """The scores of the weeks whose mean is orange; -inf elsewhere."""
    orange = np.array([(w.mean or 0.0) >= ORANGE - 1e-9 for w in series])
    return np.where(orange, scores, -np.inf)


def limit(stable_scores: Sequence[Floats], first: int, per_100: float = 1.0) -> float:
    """The least score that flags at most `per_100` of every 100 stable series-weeks judged (weeks from `first`)."""
    judged = np.concatenate([s[first:] for s in stable_scores])
    allowed = int(len(judged) * per_100 / 100)
    ranked = np.sort(judged)[::-1]
    return float(ranked[allowed]) if allowed < len(ranked) else -math.inf
