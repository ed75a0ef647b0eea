"""How well the "what stands out" rule finds escalations, and how often it cries wolf.

A fixed-seed simulation of area × factor cells as EST sees them: a handful of
reporters answer 0-3 every week; each reporter's answer is the area's latent level
plus the reporter's own bias, a shock shared by the whole area that week and
personal noise, rounded and clipped to 0-3; now and then a reporter misses a week.

* **Stable series** keep a latent level between 0 and 0,9 for 52 weeks; every flag
  in weeks 13-52 (a full history behind it) is a false flag.
* **Escalations** are stable for at least 14 weeks, then the latent level climbs over
  1-6 weeks to between 1,8 and 2,8 and stays there. The week they *reach orange* is
  the first week from the start of the climb in which the cell is shown orange or
  red (mean ≥ 1,5 or someone answered 3). An escalation counts as found by then
  when the rule flags it in a week from the start of the climb to that week.

Run: ``python -m bench.detection`` (also part of ``make bench``); it prints a table
and writes docs/DETECTION.md.
"""

from __future__ import annotations

import random
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bot.domain.detection import DetectionParams, detect

ROOT = Path(__file__).resolve().parent.parent
WEEKS = 52
FIRST_JUDGED = 12  # 0-based: weeks 13-52 are judged, each with 12 weeks of history


@dataclass(frozen=True)
class Week:
    mean: float | None
    max: int | None


@dataclass(frozen=True)
class Escalation:
    weeks: list[Week]
    start: int  # first week of the climb
    climb: int  # weeks the climb takes
    orange: int | None  # first week from `start` shown orange or red; None if it never was


Rule = Callable[[list[Week], int], bool]  # (series, week index) -> flagged


def _cell_week(rng: random.Random, latent: float, biases: Sequence[float]) -> Week:
    shock = rng.gauss(0, 0.15)
    levels = []
    for bias in biases:
        if rng.random() < 0.1:
            continue  # missed this week
        value = latent + bias + shock + rng.gauss(0, 0.45)
        levels.append(min(3, max(0, int(value + 0.5))))
    if not levels:
        return Week(None, None)
    return Week(sum(levels) / len(levels), max(levels))


def _reporters(rng: random.Random) -> list[float]:
    return [rng.gauss(0, 0.25) for _ in range(rng.choice((3, 4, 4, 5, 6, 8)))]


def stable_series(rng: random.Random) -> list[Week]:
    latent = rng.uniform(0.0, 0.9)
    biases = _reporters(rng)
    return [_cell_week(rng, latent, biases) for _ in range(WEEKS)]


def escalation_series(rng: random.Random) -> Escalation:
    latent = rng.uniform(0.0, 0.9)
    top = rng.uniform(1.8, 2.8)
    climb = rng.choice((1, 2, 3, 4, 6))
    start = rng.randrange(14, WEEKS - 10)
    biases = _reporters(rng)
    weeks = []
    for w in range(WEEKS):
        step = min(max(w - start + 1, 0), climb)
        weeks.append(_cell_week(rng, latent + (top - latent) * step / climb, biases))
    orange = next(
        (w for w in range(start, WEEKS) if (weeks[w].mean or 0) >= 1.5 or weeks[w].max == 3),
        None,
    )
    return Escalation(weeks, start, climb, orange)


def ewma_rule(params: DetectionParams) -> Rule:
    def rule(series: list[Week], w: int) -> bool:
        window = [x.mean for x in series[max(0, w - params.history_weeks) : w + 1]]
        return detect(window, params).flagged

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


@dataclass(frozen=True)
class Quality:
    name: str
    escalations: int
    found_by_orange: int
    found_within_1: int  # by the week after the orange week
    found_gradual: int  # of the escalations that climb over 3 weeks or more, found by the orange week
    gradual: int
    median_delay: float | None  # first flag minus the orange week (negative: before it turned orange)
    median_from_start: float | None  # first flag minus the first week of the climb
    false_flags: int
    stable_weeks: int

    @property
    def found_share(self) -> float:
        return self.found_by_orange / self.escalations if self.escalations else 0.0

    @property
    def found_1_share(self) -> float:
        return self.found_within_1 / self.escalations if self.escalations else 0.0

    @property
    def gradual_share(self) -> float:
        return self.found_gradual / self.gradual if self.gradual else 0.0

    @property
    def false_per_100(self) -> float:
        return 100 * self.false_flags / self.stable_weeks if self.stable_weeks else 0.0


def data(seed: int = 7, escalations: int = 1000, stable: int = 1000) -> tuple[list[Escalation], list[list[Week]]]:
    rng = random.Random(seed)
    esc = [escalation_series(rng) for _ in range(escalations)]
    return [e for e in esc if e.orange is not None], [stable_series(rng) for _ in range(stable)]


def measure(name: str, rule: Rule, escalations: list[Escalation], stable: list[list[Week]]) -> Quality:
    found = found_1 = found_gradual = 0
    delays: list[int] = []
    from_start: list[int] = []
    for e in escalations:
        assert e.orange is not None
        first = next((w for w in range(e.start, min(WEEKS, e.start + 13)) if rule(e.weeks, w)), None)
        if first is None:
            continue
        delays.append(first - e.orange)
        from_start.append(first - e.start)
        found += first <= e.orange
        found_1 += first <= e.orange + 1
        found_gradual += first <= e.orange and e.climb >= 3
    false = sum(rule(s, w) for s in stable for w in range(FIRST_JUDGED, WEEKS))
    return Quality(
        name,
        len(escalations),
        found,
        found_1,
        found_gradual,
        sum(e.climb >= 3 for e in escalations),
        statistics.median(delays) if delays else None,
        statistics.median(from_start) if from_start else None,
        false,
        len(stable) * (WEEKS - FIRST_JUDGED),
    )


DEFAULT = DetectionParams()
ALTERNATIVES: list[tuple[str, DetectionParams]] = [
    ("default", DEFAULT),
    ("λ 0.3", replace(DEFAULT, ewma_weight=0.3)),
    ("L 3", replace(DEFAULT, ewma_limit=3.0)),
    ("L 2", replace(DEFAULT, ewma_limit=2.0)),
    ("min level 1 (flags yellow cells too)", replace(DEFAULT, min_level=1.0)),
    ("λ 1 (Shewhart, like EARS C2)", replace(DEFAULT, ewma_weight=1.0)),
    ("guard 0", replace(DEFAULT, guard_weeks=0)),
]


def run(seed: int = 7, escalations: int = 1000, stable: int = 1000) -> list[Quality]:
    esc, flat = data(seed, escalations, stable)
    out = [measure(name, ewma_rule(p), esc, flat) for name, p in ALTERNATIVES]
    out.append(measure("old fixed rule", fixed_rule, esc, flat))
    out.append(measure("default, or red (what the picture shows)", either(ewma_rule(DEFAULT), red_rule), esc, flat))
    out.append(measure("red alone (someone said 3, or mean ≥ 2,5)", red_rule, esc, flat))
    return out


def _delay(d: float | None) -> str:
    return "–" if d is None else f"{d:+g}"


def table(rows: list[Quality]) -> list[str]:
    lines = [
        "| rule | found by the orange week | of the gradual ones | by the week after | median weeks after "
        "orange | median weeks after the climb starts | false flags / 100 series-weeks |",
        "|---|---|---|---|---|---|---|",
    ]
    for q in rows:
        lines.append(
            f"| {q.name} | {q.found_share:.0%} ({q.found_by_orange}/{q.escalations}) | {q.gradual_share:.0%} | "
            f"{q.found_1_share:.0%} | {_delay(q.median_delay)} | {_delay(q.median_from_start)} | "
            f"{q.false_per_100:.2f} |"
        )
    return lines


def params_table() -> list[str]:
    lines = ["| rule | baseline | guard | λ | L | min sd | min level |", "|---|---|---|---|---|---|---|"]
    for name, p in ALTERNATIVES:
        lines.append(
            f"| {name} | {p.baseline_weeks} | {p.guard_weeks} | {p.ewma_weight:g} | {p.ewma_limit:g} | "
            f"{p.min_sd:g} | {p.min_level:g} |"
        )
    return lines


def write_doc(rows: list[Quality], seed: int) -> Path:
    doc = ROOT / "docs" / "DETECTION.md"
    template = (Path(__file__).with_name("DETECTION.md.in")).read_text(encoding="utf-8")
    default = next(q for q in rows if q.name == "default")
    text = (
        template.replace("{{results}}", "\n".join(table(rows)))
        .replace("{{params}}", "\n".join(params_table()))
        .replace("{{seed}}", str(seed))
        .replace("{{per_group}}", f"{default.false_per_100 * 120 / 100:.1f}".replace(".", ","))
    )
    doc.write_text(text, encoding="utf-8")
    return doc


def main(seed: int = 7) -> int:
    rows = run(seed)
    print("detection quality (fixed seed; planted escalations and stable noise)")
    for line in table(rows):
        print(line)
    print(f"wrote {write_doc(rows, seed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
