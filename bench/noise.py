"""The noise models of the detection benchmark (bench/detection.py): simulated area × factor cells, reporter by
reporter, as EST sees them.

Every model makes two kinds of 52-week series of one cell, each week the answers (0-3) of the reporters who
answered, by reporter:

* **stable** series: the cell's latent level stays at its usual level (seasons aside); every flag in weeks 13-52
  (a full history behind it) is a false flag;
* **escalations**: stable for at least 14 weeks, then the latent level climbs over a few weeks from the usual
  level to a top and stays there. The week they *reach orange* is the first week from the start of the climb in
  which the cell's **mean** is at least 1,5 (issue 19: the mean, not "someone answered 3").

The four models (`MODELS`, documented in docs/DETECTION.md too):

1. **today** (the model the rule was tuned on): 3-8 reporters (3, 4, 4, 5, 6 or 8), each answering
   round(latent + own bias N(0; 0,25) + a shock shared by the cell that week N(0; 0,15) + noise N(0; 0,45)),
   clipped to 0-3; 10 % of answers missing. Usual level 0-0,9; escalations climb over 1, 2, 3, 4 or 6 weeks to
   1,8-2,8.
2. **ordinal** (reporter-level ordinal model): each reporter has a persistent bias N(0; 0,3) and their own
   reading of the scale (cut points 0,5 / 1,5 / 2,5 stretched by 0,8-1,25), and misses 5-30 % of weeks; the
   cell's reporters share a weekly shock that lingers (AR(1), ρ 0,5, innovation N(0; 0,15)); seasons (a yearly
   wave of amplitude 0-0,3); logistic personal noise (scale 0,28); every week each reporter leaves with
   probability 3 % and a new one (a new bias, a new scale) takes the place. Usual level 0-0,9; climbs as today's.
3. **few** (few reporters): a pool of 8 as in today's model, of whom a random 3-8 answer each week, so the cell's
   mean rests on few answers and its composition changes every week. Usual level 0-0,9; climbs as today's.
4. **busy** (busy and chronic baselines): today's reporters on cells whose usual level is 0,6-1,3 (busy, up to
   chronic: a cell at 1,3 is orange now and then by noise alone); escalations are sudden (over 1 or 2 weeks) to a
   top at least 0,9 above the usual level (1,8-2,8): the rises today's rule found late.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace

WEEKS = 52
ORANGE = 1.5


@dataclass(frozen=True)
class Truth:
    """What the simulation knows of one week and the oracle (bench/oracle.py) is told: the cell's usual latent
    level (before any climb), this week's season, and each answering reporter's true bias and scale (in the order
    of `Week.answers`)."""

    usual: float = 0.0
    season: float = 0.0
    reporters: tuple[tuple[float, float], ...] = ()  # (bias, scale) of each answer


@dataclass(frozen=True)
class Week:
    mean: float | None
    max: int | None
    answers: dict[int, int] = field(default_factory=dict)  # reporter -> level
    truth: Truth = field(default_factory=Truth, compare=False, repr=False)


@dataclass(frozen=True)
class Escalation:
    weeks: list[Week]
    start: int  # first week of the climb
    climb: int  # weeks the climb takes
    orange: int | None  # first week from `start` whose mean is orange (≥ 1,5); None if it never was
    top: float = 0.0  # the latent level the climb ends at

    def rise(self, week: int) -> float:
        """How far the latent level is above the usual level in `week` (0 before the climb)."""
        usual = self.weeks[week].truth.usual
        return (self.top - usual) * min(max(week - self.start + 1, 0), self.climb) / self.climb


def week_of(answers: dict[int, int], truth: Truth | None = None) -> Week:
    truth = truth or Truth()
    if not answers:
        return Week(None, None, answers, truth)
    levels = answers.values()
    return Week(sum(levels) / len(answers), max(levels), answers, truth)


def _clip(value: float) -> int:
    return min(3, max(0, int(value + 0.5)))


# --------------------------------------------------------------------------- 1. today's model


def _today_reporters(rng: random.Random) -> list[float]:
    return [rng.gauss(0, 0.25) for _ in range(rng.choice((3, 4, 4, 5, 6, 8)))]


def _today_week(rng: random.Random, latent: float, biases: list[float]) -> Week:
    shock = rng.gauss(0, 0.15)
    answers: dict[int, int] = {}
    who: list[tuple[float, float]] = []
    for i, bias in enumerate(biases):
        if rng.random() < 0.1:
            continue  # missed this week
        answers[i] = _clip(latent + bias + shock + rng.gauss(0, 0.45))
        who.append((bias, 1.0))
    return week_of(answers, Truth(reporters=tuple(who)))


def today_weeks(rng: random.Random, latents: list[float]) -> list[Week]:
    biases = _today_reporters(rng)
    return [_today_week(rng, latent, biases) for latent in latents]


# --------------------------------------------------------------------------- 2. the reporter-level ordinal model


@dataclass
class _Reporter:
    id: int
    bias: float
    scale: float  # stretches the cut points: above 1, slow to say a high level
    miss: float


def _new_reporter(rng: random.Random, rid: int) -> _Reporter:
    return _Reporter(rid, rng.gauss(0, 0.3), rng.uniform(0.8, 1.25), rng.uniform(0.05, 0.3))


def _logistic(rng: random.Random, scale: float) -> float:
    u = min(max(rng.random(), 1e-12), 1 - 1e-12)
    return scale * math.log(u / (1 - u))


def ordinal_weeks(rng: random.Random, latents: list[float]) -> list[Week]:
    reporters = [_new_reporter(rng, i) for i in range(rng.choice((3, 4, 4, 5, 6, 8)))]
    next_id = len(reporters)
    amplitude, phase = rng.uniform(0, 0.3), rng.uniform(0, WEEKS)
    shock = 0.0
    out: list[Week] = []
    for w, latent in enumerate(latents):
        shock = 0.5 * shock + rng.gauss(0, 0.15)
        season = amplitude * math.sin(2 * math.pi * (w + phase) / WEEKS)
        for i in range(len(reporters)):
            if rng.random() < 0.03:  # leaves; someone new takes the place
                reporters[i] = _new_reporter(rng, next_id)
                next_id += 1
        answers: dict[int, int] = {}
        who: list[tuple[float, float]] = []
        for r in reporters:
            if rng.random() < r.miss:
                continue
            y = latent + season + shock + r.bias + _logistic(rng, 0.28)
            answers[r.id] = sum(y >= cut * r.scale for cut in (0.5, 1.5, 2.5))
            who.append((r.bias, r.scale))
        out.append(week_of(answers, Truth(season=season, reporters=tuple(who))))
    return out


# --------------------------------------------------------------------------- 3. few reporters


def few_weeks(rng: random.Random, latents: list[float]) -> list[Week]:
    biases = [rng.gauss(0, 0.25) for _ in range(8)]
    out: list[Week] = []
    for latent in latents:
        shock = rng.gauss(0, 0.15)
        who = sorted(rng.sample(range(8), rng.randint(3, 8)))
        answers = {i: _clip(latent + biases[i] + shock + rng.gauss(0, 0.45)) for i in who}
        out.append(week_of(answers, Truth(reporters=tuple((biases[i], 1.0) for i in who))))
    return out


# --------------------------------------------------------------------------- the models


@dataclass(frozen=True)
class NoiseModel:
    key: str
    name: str
    usual: tuple[float, float]  # the range of the usual (latent) level
    climbs: tuple[int, ...]  # weeks an escalation's climb takes
    least_rise: float  # the top is at least this far above the usual level
    weeks: Callable[[random.Random, list[float]], list[Week]]
    # what the oracle is told of the noise: personal noise "normal" or "logistic" and its scale, and the standard
    # deviation of the week's shock shared by the cell's reporters
    noise: str = "normal"
    noise_scale: float = 0.45
    shock_sd: float = 0.15

    def stable(self, rng: random.Random) -> list[Week]:
        usual = rng.uniform(*self.usual)
        return _told(self.weeks(rng, [usual] * WEEKS), usual)

    def escalation(self, rng: random.Random) -> Escalation:
        usual = rng.uniform(*self.usual)
        top = rng.uniform(max(1.8, usual + self.least_rise), 2.8)
        climb = rng.choice(self.climbs)
        start = rng.randrange(14, WEEKS - 10)
        latents = [usual + (top - usual) * min(max(w - start + 1, 0), climb) / climb for w in range(WEEKS)]
        weeks = _told(self.weeks(rng, latents), usual)
        orange = next((w for w in range(start, WEEKS) if (weeks[w].mean or 0) >= ORANGE), None)
        return Escalation(weeks, start, climb, orange, top)


def _told(weeks: list[Week], usual: float) -> list[Week]:
    """The weeks with the cell's usual level in their `Truth` (the oracle's H0)."""
    return [replace(w, truth=replace(w.truth, usual=usual)) for w in weeks]


TODAY = NoiseModel("today", "today's model", (0.0, 0.9), (1, 2, 3, 4, 6), 0.0, today_weeks)
MODELS: tuple[NoiseModel, ...] = (
    TODAY,
    # the ordinal model's shock is AR(1) (ρ 0,5, innovation 0,15): the oracle is told its marginal spread
    NoiseModel(
        "ordinal",
        "reporter-level ordinal",
        (0.0, 0.9),
        (1, 2, 3, 4, 6),
        0.0,
        ordinal_weeks,
        "logistic",
        0.28,
        0.15 / math.sqrt(1 - 0.5**2),
    ),
    NoiseModel("few", "few reporters (3-8 answering)", (0.0, 0.9), (1, 2, 3, 4, 6), 0.0, few_weeks),
    NoiseModel("busy", "busy and chronic baselines", (0.6, 1.3), (1, 2), 0.9, today_weeks),
)


def data(
    seed: int = 7, escalations: int = 1000, stable: int = 1000, model: NoiseModel = TODAY
) -> tuple[list[Escalation], list[list[Week]]]:
    """`escalations` planted escalations (those that reach orange) and `stable` stable series of one model."""
    rng = random.Random(f"{seed}:{model.key}")
    esc = [model.escalation(rng) for _ in range(escalations)]
    return [e for e in esc if e.orange is not None], [model.stable(rng) for _ in range(stable)]


def stable_series(rng: random.Random) -> list[Week]:
    """A stable series of today's model."""
    return TODAY.stable(rng)


def escalation_series(rng: random.Random) -> Escalation:
    """An escalation of today's model."""
    return TODAY.escalation(rng)
