"""How well the "what stands out" rule finds escalations, and how often it cries wolf, in four noise models.

Fixed-seed simulations of area × factor cells as EST sees them, reporter by reporter
(`bench.noise`, where each model is described in full):

1. **today's model**: 3-8 reporters, each answering round(latent level + own bias +
   a shock shared by the cell that week + personal noise), clipped to 0-3, 10 % of
   answers missing; usual level 0-0,9.
2. **reporter-level ordinal**: each reporter with a persistent bias and their own
   reading of the scale, a weekly shock shared by the cell's reporters that lingers,
   seasons, logistic noise, and reporters coming and going (3 % leave each week).
3. **few reporters**: a random 3-8 of a pool of 8 answer each week.
4. **busy and chronic baselines**: usual level 0,6-1,3, sudden rises (1-2 weeks) of
   at least 0,9.

* **Stable series** keep their usual level for 52 weeks; every flag in weeks 13-52
  (a full history behind it) is a false flag.
* **Escalations** are stable for at least 14 weeks, then climb and stay. The week
  they *reach orange* is the first week from the start of the climb in which the
  cell's mean is at least 1,5. An escalation counts as found by then when the rule
  flags it in a week from the start of the climb to that week.

Every variant and candidate (`candidates`) is measured in every model: the EWMA's
parameters, the reporters' rise (`bot.domain.detection.reporters_above_usual`) at
several limits, the share of reporters well above their usual level, "orange for the
first time in N weeks", a Shewhart chart beside the EWMA, the fixed rules, and the
default (`bot.domain.detection.judge`) with and without per-reporter history (the rules
in bench/detection_rules.py), and the plug-in versions of the oracle, which estimate what it
is told from the cell's own history (bench/detection_plugin.py). The oracle (bench/oracle.py:
the likelihood ratio with the model's true parameters, its limit set for 1 false flag per 100
stable series-weeks) is the last rows: not a rule, the ceiling for any rule; with its limit set
per model, and as one rule for every model (one limit, or a lower one where the usual level is
low), the ceiling for a rule that is the same for every cell.

Run: ``python -m bench.detection`` (also part of ``make bench``; ``--quick`` for 300
series per kind and no file written); it prints the summary table and writes
docs/DETECTION.md from bench/DETECTION.md.in.
"""

from __future__ import annotations

import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bench import oracle
from bench.detection_plugin import (
    calm_rule,
    likelihood_rule,
    newcomers_rule,
    one_score_rule,
    paired_ewma_rule,
    weighted_rule,
)
from bench.detection_rules import (  # the rules measured; re-exported for the tests
    DEFAULT,
    FIRST_JUDGED,
    FIRST_ORANGE,
    ORACLE_BY_USUAL,
    ORACLE_FREE,
    ORACLE_GATED,
    ORACLE_ONE,
    ORACLE_TOLD,
    PREVIOUS,
    Rule,
    combined_rule,
    counts_only_rule,
    earlier_second_signal,
    either,
    ewma_rule,
    first_orange_name,
    first_orange_rise_rule,
    first_orange_rule,
    fixed_rule,
    one_limit_rules,
    oracle_rules,
    oracle_scores,
    red_rule,
    reporter_rule,
    share_rule,
)
from bench.noise import (  # the simulation; re-exported for the other benchmarks and the tests
    MODELS,
    TODAY,
    WEEKS,
    Escalation,
    NoiseModel,
    Week,
    data,
    escalation_series,
    stable_series,
)
from bot.domain.detection import DetectionParams

__all__ = [
    "MODELS",
    "TODAY",
    "Escalation",
    "NoiseModel",
    "Week",
    "combined_rule",
    "data",
    "escalation_series",
    "ewma_rule",
    "fixed_rule",
    "stable_series",
]

ROOT = Path(__file__).resolve().parent.parent


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


def measure(name: str, rule: Rule, escalations: list[Escalation], stable: list[list[Week]]) -> Quality:
    firsts = [
        next((w for w in range(e.start, min(WEEKS, e.start + 13)) if rule(e.weeks, w)), None) for e in escalations
    ]
    false = sum(rule(s, w) for s in stable for w in range(FIRST_JUDGED, WEEKS))
    return quality(name, escalations, firsts, false, len(stable) * (WEEKS - FIRST_JUDGED))


def quality(
    name: str, escalations: list[Escalation], firsts: list[int | None], false: int, stable_weeks: int
) -> Quality:
    """A row of the tables from each escalation's first flagged week (None: not within 12 weeks of the start)."""
    found = found_1 = found_gradual = 0
    delays: list[int] = []
    from_start: list[int] = []
    for e, first in zip(escalations, firsts, strict=True):
        assert e.orange is not None
        if first is None:
            continue
        delays.append(first - e.orange)
        from_start.append(first - e.start)
        found += first <= e.orange
        found_1 += first <= e.orange + 1
        found_gradual += first <= e.orange and e.climb >= 3
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
        stable_weeks,
    )


CHOSEN = "default (issue 19, second round): the same with a baseline of 10 weeks"
PREVIOUS_NAME = "default before: EWMA with min sd 0.35, or the reporters' rise (spreads shrunk, ≥ 2.5 SE), baseline 8"
EARLIER = replace(PREVIOUS, reporter_limit=2.6)
EARLIER_NAME = "default in round 1: EWMA with min sd 0.35, or the reporters' rise (spreads at least 0.4, ≥ 2.6 SE)"
EARLIER_25 = "the default in round 1 with the reporters' limit 2.5 (spreads at least 0.4, ≥ 2.5 SE)"
# the rule before issue 19: the EWMA alone, min sd 0.25
BEFORE = replace(PREVIOUS, min_sd=0.25, reporter_min=0)
PREVIOUS_EWMA = replace(PREVIOUS, reporter_min=0)
ALTERNATIVES: list[tuple[str, DetectionParams]] = [
    ("EWMA alone, before issue 19", BEFORE),
    ("λ 0.3", replace(BEFORE, ewma_weight=0.3)),
    ("L 3", replace(BEFORE, ewma_limit=3.0)),
    ("L 2", replace(BEFORE, ewma_limit=2.0)),
    ("min level 1 (flags yellow cells too)", replace(BEFORE, min_level=1.0)),
    ("λ 1 (Shewhart, like EARS C2)", replace(BEFORE, ewma_weight=1.0)),
    ("guard 0", replace(BEFORE, guard_weeks=0)),
    ("EWMA alone, min sd 0.35 (the default's EWMA, baseline 8)", PREVIOUS_EWMA),
    ("EWMA alone, L 3, min sd 0.35", replace(PREVIOUS_EWMA, ewma_limit=3.0)),
]
# the second signal: (standard errors, least average rise, reporters at least 1 above), alone and beside the
# EWMA before issue 19 and the default's EWMA (min sd 0.35)
REPORTER_VARIANTS: tuple[tuple[float, float, int], ...] = (
    (2.0, 0.5, 1),
    (2.33, 0.5, 1),
    (2.45, 0.5, 1),
    (2.5, 0.5, 2),
    (2.6, 0.5, 1),
    (3.0, 0.5, 1),
)
# the share candidate (bench only, not in the bot): (rise, share, at least)
SHARE_VARIANTS: list[tuple[float, float, int]] = [(2.0, 0.5, 2), (1.5, 0.5, 2), (1.0, 0.5, 2), (1.0, 0.6, 3)]


def candidates() -> list[tuple[str, Rule]]:
    """Every variant and candidate the table shows, by name."""
    out: list[tuple[str, Rule]] = [(name, ewma_rule(p)) for name, p in ALTERNATIVES]
    before = ewma_rule(BEFORE)
    for rise, share, least in SHARE_VARIANTS:
        label = f"a share ≥ {share:g} answered ≥ {rise:g} above their usual level, at least {least}"
        out.append((f"EWMA before, or {label}", either(before, share_rule(rise, share, least))))
    ewmas = (("EWMA before", BEFORE), ("EWMA min sd 0.35", PREVIOUS_EWMA))
    for limit, least_rise, least in REPORTER_VARIANTS:
        label = f"the reporters' rise ≥ {limit:g} SE and ≥ {least_rise:g}, {least}+ reporters 1 above"
        alone = replace(PREVIOUS, reporter_limit=limit, reporter_rise=least_rise, reporter_min=least)
        out.append((f"{label}, alone", reporter_rule(alone)))
        for name, ewma in ewmas:
            both = replace(ewma, reporter_limit=limit, reporter_rise=least_rise, reporter_min=least)
            out.append((f"{name}, or {label}", combined_rule(both)))
    strict = replace(PREVIOUS, ewma_limit=3.0, reporter_limit=2.33, reporter_rise=0.75, reporter_min=2)
    out.append(
        (
            "EWMA L 3, min sd 0.35, or the reporters' rise ≥ 2.33 SE and ≥ 0.75, 2+ reporters 1 above",
            combined_rule(strict),
        )
    )
    for quiet in (4, 8):
        out.append((f"EWMA before, or orange for the first time in {quiet} weeks", first_orange_rule(quiet, BEFORE)))
    shewhart = ewma_rule(replace(BEFORE, ewma_weight=1.0, ewma_limit=3.0))
    out.append(("EWMA before, or λ 1, L 3", either(before, shewhart)))
    out.append(("old fixed rule (before the EWMA)", fixed_rule))
    out.append(("red alone (someone said 3, or mean ≥ 2,5)", red_rule))
    for errors, usual in ((1.0, 0.7), (2.0, 0.8)):
        out.append((first_orange_name(errors, usual), first_orange_rise_rule(errors, usual)))
    out.append((EARLIER_NAME, earlier_second_signal(EARLIER)))
    out.append((EARLIER_25, earlier_second_signal(replace(EARLIER, reporter_limit=2.5))))
    out.append((PREVIOUS_NAME, combined_rule(PREVIOUS)))
    out.append((CHOSEN, combined_rule(DEFAULT)))
    out.append(("default with counts only (no per-reporter history)", counts_only_rule(DEFAULT)))
    out.append(("default, or red (what the picture shows)", either(combined_rule(DEFAULT), red_rule)))
    return [*out, *plugin_candidates()]


LIMIT_24 = "the default before with the reporters' limit 2.4"
PLUGIN_WEIGHTED = "plug-in: the reporters' rises weighted by 1 / their variance, ≥ 2.5 SE, beside the EWMA"
PLUGIN_LIKELIHOOD = "plug-in: the reporters' likelihood ratio of a rise, log ≥ 2.5, beside the EWMA"
PLUGIN_CALM = "plug-in: the default before, the reporters' limit 2.25 where no reporter's usual level is above 1"
PLUGIN_CALM_10 = "plug-in: the default (baseline 10), the reporters' limit 2.25 where no usual level is above 1"


def plugin_candidates() -> list[tuple[str, Rule]]:
    """The plug-in versions of the oracle (bench/detection_plugin.py), built on the default before this round (the
    rule they change), and, to compare them with at about the same false flags, that default with a lower
    reporters' limit; the last, the lower limit where the cell is calm, on the default too."""
    return [
        (LIMIT_24, combined_rule(replace(PREVIOUS, reporter_limit=2.4))),
        (PLUGIN_WEIGHTED, weighted_rule(PREVIOUS, 2.5)),
        ("plug-in: the reporters' rises weighted by 1 / their variance, ≥ 2.65 SE", weighted_rule(PREVIOUS, 2.65)),
        (PLUGIN_LIKELIHOOD, likelihood_rule(PREVIOUS, 2.5)),
        ("plug-in: the reporters' likelihood ratio of a rise, log ≥ 2", likelihood_rule(PREVIOUS, 2.0)),
        (
            "plug-in: the default, or the reporters' rises added up over the guard weeks (λ 0.7), ≥ 2.5 SE",
            paired_ewma_rule(PREVIOUS, 2.5, 0.7),
        ),
        ("plug-in: the default with newcomers compared with the highest usual level", newcomers_rule(PREVIOUS)),
        (
            "plug-in: the default, the reporters' limit 2 where their mean usual level is below 0.8",
            calm_rule(PREVIOUS, 2.0, 0.8, highest=False),
        ),
        (PLUGIN_CALM, calm_rule(PREVIOUS, 2.25, 1.05, highest=True)),
        (
            "plug-in: the default, the reporters' limit 2 where no reporter's usual level is above 1",
            calm_rule(PREVIOUS, 2.0, 1.05, highest=True),
        ),
        (
            "plug-in: one score, the reporters' rise in SE + 0.5 × the EWMA's, ≥ 3.25 (or the EWMA alone)",
            one_score_rule(PREVIOUS, 0.5, 3.25),
        ),
        (PLUGIN_CALM_10, calm_rule(DEFAULT, 2.25, 1.05, highest=True)),
    ]


def run(
    seed: int = 7, escalations: int = 1000, stable: int = 1000, models: Sequence[NoiseModel] = MODELS
) -> dict[str, list[Quality]]:
    """Every candidate measured in every model: model key -> one row per candidate."""
    out: dict[str, list[Quality]] = {}
    prepared = {}
    for model in models:
        esc, flat = data(seed, escalations, stable, model)
        prepared[model.key] = (esc, flat, oracle_scores(model, esc, flat))
    one_limit = one_limit_rules({key: (scores, flat, esc) for key, (esc, flat, scores) in prepared.items()})
    for model in models:
        esc, flat, scores = prepared[model.key]
        rules = [*candidates(), *oracle_rules(scores, flat), *one_limit[model.key]]
        firsts, allowed, judged = oracle.told_the_rise(esc, flat, model, FIRST_JUDGED)
        told = quality(ORACLE_TOLD, esc, firsts, allowed, judged)
        out[model.key] = [*(measure(name, rule, esc, flat) for name, rule in rules), told]
        if model.key == SPLIT_MODEL:
            for key, chronic in ((SPLIT_BEFORE, True), (SPLIT_FIRST, False)):
                part = [i for i, e in enumerate(esc) if orange_before(e) == chronic]
                out[key] = [
                    *(measure(name, rule, [esc[i] for i in part], flat) for name, rule in rules if name in SPLIT_ROWS),
                    quality(ORACLE_TOLD, [esc[i] for i in part], [firsts[i] for i in part], allowed, judged),
                ]
            out.update(busy_readings(model, seed, escalations, stable))
    return out


SPLIT_MODEL = "busy"
# other readings of the busy model, to see whether its ceiling is below 95 % only because of how it was built:
# (what changes, the range of the usual level, the weeks a climb takes)
BUSY_READINGS = (
    ("the usual level 0,6-1,0 (the issue's busy cells), climbs over 1 or 2 weeks", (0.6, 1.0), (1, 2)),
    ("the usual level 0,6-1,3, every climb in 1 week", (0.6, 1.3), (1,)),
    ("the usual level 0,6-1,0, every climb in 1 week", (0.6, 1.0), (1,)),
)
READING = "busy, read as: "


def busy_readings(model: NoiseModel, seed: int, escalations: int, stable: int) -> dict[str, list[Quality]]:
    """The oracle's ceiling (orange weeks only, and told the rise) in other readings of the busy model."""
    out: dict[str, list[Quality]] = {}
    for label, usual, climbs in BUSY_READINGS:
        reading = replace(model, key=f"{model.key}:{usual}:{climbs}", usual=usual, climbs=climbs)
        esc, flat = data(seed, escalations, stable, reading)
        scores = oracle_scores(reading, esc, flat)
        gated = dict(oracle_rules(scores, flat))[ORACLE_GATED]
        firsts, allowed, judged = oracle.told_the_rise(esc, flat, reading, FIRST_JUDGED)
        out[READING + label] = [
            measure(ORACLE_GATED, gated, esc, flat),
            quality(ORACLE_TOLD, esc, firsts, allowed, judged),
        ]
    return out


def readings_table(results: dict[str, list[Quality]]) -> list[str]:
    lines = [
        "| the busy model | escalations that reach orange | oracle, orange weeks only | oracle told the rise |",
        "|---|---|---|---|",
    ]
    rows = [("as in the tables above (usual level 0,6-1,3, climbs over 1 or 2 weeks)", results.get(SPLIT_MODEL, []))]
    rows += [(key.removeprefix(READING), qs) for key, qs in results.items() if key.startswith(READING)]
    for label, qs in rows:
        gated = next((q for q in qs if q.name == ORACLE_GATED), None)
        told = next((q for q in qs if q.name == ORACLE_TOLD), None)
        if gated and told:
            lines.append(f"| {label} | {gated.escalations} | {gated.found_share:.1%} | {told.found_share:.1%} |")
    return lines


SPLIT_BEFORE = "busy: orange before the climb"
SPLIT_FIRST = "busy: orange for the first time"
SPLIT_ROWS = (EARLIER_NAME, PREVIOUS_NAME, CHOSEN, ORACLE_FREE, ORACLE_GATED)


def orange_before(e: Escalation, weeks: int = 12) -> bool:
    """Whether the cell's mean was orange in one of the `weeks` weeks before the climb started (by noise: a chronic
    cell), so that the climb's orange week is not the first time the cell reaches orange."""
    return any((w.mean or 0) >= 1.5 - 1e-9 for w in e.weeks[max(0, e.start - weeks) : e.start])


def split_table(results: dict[str, list[Quality]]) -> list[str]:
    """The busy model's escalations split by whether their cell was orange in the 12 weeks before the climb."""
    lines = [
        "| rule | orange in the 12 weeks before the climb | not orange in them | false flags / 100 series-weeks |",
        "|---|---|---|---|",
    ]
    for before, first in zip(results.get(SPLIT_BEFORE, []), results.get(SPLIT_FIRST, []), strict=True):
        lines.append(
            f"| {before.name} | {before.found_share:.1%} ({before.found_by_orange}/{before.escalations}) | "
            f"{first.found_share:.1%} ({first.found_by_orange}/{first.escalations}) | {before.false_per_100:.2f} |"
        )
    return lines


def _delay(d: float | None) -> str:
    return "–" if d is None else f"{d:+g}"


GOAL_FOUND = 0.95
GOAL_FALSE = 1.0


def meets(q: Quality) -> bool:
    return q.found_share >= GOAL_FOUND and q.false_per_100 <= GOAL_FALSE


def table(rows: list[Quality]) -> list[str]:
    """One model's rows in full."""
    lines = [
        "| rule | found by the orange week | of the gradual ones | by the week after | median weeks after "
        "orange | median weeks after the climb starts | false flags / 100 series-weeks |",
        "|---|---|---|---|---|---|---|",
    ]
    for q in rows:
        lines.append(
            f"| {q.name} | {q.found_share:.1%} ({q.found_by_orange}/{q.escalations}) | {q.gradual_share:.0%} | "
            f"{q.found_1_share:.0%} | {_delay(q.median_delay)} | {_delay(q.median_from_start)} | "
            f"{q.false_per_100:.2f} |"
        )
    return lines


def summary(results: dict[str, list[Quality]]) -> list[str]:
    """Every candidate in every model: found by the orange week / false flags per 100, and whether the goal holds
    in all of them."""
    models = [m for m in MODELS if m.key in results]
    lines = [
        "| rule | " + " | ".join(m.name for m in models) + " | goal in every model |",
        "|---|" + "---|" * len(models) + "---|",
    ]
    names = [q.name for q in results[models[0].key]]
    for i, name in enumerate(names):
        cells = [results[m.key][i] for m in models]
        shown = [f"{q.found_share:.1%} / {q.false_per_100:.2f}" for q in cells]
        ok = "**yes**" if all(meets(q) for q in cells) else "no"
        lines.append(f"| {name} | " + " | ".join(shown) + f" | {ok} |")
    return lines


def params_table() -> list[str]:
    lines = [
        "| rule | baseline | guard | λ | L | min sd | min level | reporters' limit | least rise | reporters |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, p in [*ALTERNATIVES, (EARLIER_NAME, EARLIER), (PREVIOUS_NAME, PREVIOUS), (CHOSEN, DEFAULT)]:
        second = f"{p.reporter_limit:g} | {p.reporter_rise:g} | {p.reporter_min}" if p.reporter_min else "– | – | off"
        lines.append(
            f"| {name} | {p.baseline_weeks} | {p.guard_weeks} | {p.ewma_weight:g} | {p.ewma_limit:g} | "
            f"{p.min_sd:g} | {p.min_level:g} | {second} |"
        )
    return lines


def _share(x: float) -> str:
    return f"{x:.1%}".replace(".", ",").replace("%", " %")


def _row(results: dict[str, list[Quality]], key: str, name: str) -> Quality:
    return next(q for q in results[key] if q.name == name)


def _rates(results: dict[str, list[Quality]], name: str, skip: str = "", flags: bool = False) -> str:
    """One rule's share (e.g. "today's model 93,1 %, …") found by the orange week in every model, and with `flags`
    its false flags per 100 stable series-weeks."""
    parts = []
    for m in MODELS:
        if m.key in results and m.key != skip:
            q = _row(results, m.key, name)
            extra = f" / {q.false_per_100:.2f}".replace(".", ",") if flags else ""
            parts.append(f"{m.name} {_share(q.found_share)}{extra}")
    return ", ".join(parts)


def _gains(results: dict[str, list[Quality]], than: str, rule: str = CHOSEN) -> str:
    """A rule (the default) against another row, model by model: points found, and false flags then → now."""
    parts = []
    for m in MODELS:
        if m.key in results:
            new, old = _row(results, m.key, rule), _row(results, m.key, than)
            points = f"{100 * (new.found_share - old.found_share):+.1f}".replace(".", ",")
            flags = f"{old.false_per_100:.2f} → {new.false_per_100:.2f}".replace(".", ",")
            parts.append(f"{m.name} {points} points ({flags})")
    return "; ".join(parts)


def write_doc(results: dict[str, list[Quality]], seed: int) -> Path:
    doc = ROOT / "docs" / "DETECTION.md"
    template = (Path(__file__).with_name("DETECTION.md.in")).read_text(encoding="utf-8")
    default = next(q for q in results[TODAY.key] if q.name == CHOSEN)
    per_model = []
    for m in MODELS:
        if m.key in results:
            per_model += [f"#### {m.name}", "", *table(results[m.key]), ""]
    text = (
        template.replace("{{summary}}", "\n".join(summary(results)))
        .replace("{{results}}", "\n".join(per_model).rstrip())
        .replace("{{params}}", "\n".join(params_table()))
        .replace("{{split}}", "\n".join(split_table(results)))
        .replace("{{readings}}", "\n".join(readings_table(results)))
        .replace("{{default_rates}}", _rates(results, CHOSEN))
        .replace("{{first_orange}}", _rates(results, FIRST_ORANGE, flags=True))
        .replace("{{gain_vs_earlier}}", _gains(results, EARLIER_NAME, PREVIOUS_NAME))
        .replace("{{earlier_25}}", _rates(results, EARLIER_25, flags=True))
        .replace("{{ceiling_first}}", _share(_row(results, SPLIT_FIRST, ORACLE_GATED).found_share))
        .replace("{{gain_vs_before}}", _gains(results, "EWMA alone, before issue 19"))
        .replace("{{ceiling_busy}}", _share(_row(results, SPLIT_MODEL, ORACLE_GATED).found_share))
        .replace("{{ceiling_busy_free}}", _share(_row(results, SPLIT_MODEL, ORACLE_FREE).found_share))
        .replace("{{ceiling_told}}", _share(_row(results, SPLIT_MODEL, ORACLE_TOLD).found_share))
        .replace("{{ceiling_rest}}", _rates(results, ORACLE_GATED, skip=SPLIT_MODEL))
        .replace("{{gain_vs_previous}}", _gains(results, PREVIOUS_NAME))
        .replace("{{oracle_one}}", _rates(results, ORACLE_ONE, flags=True))
        .replace("{{oracle_by_usual}}", _rates(results, ORACLE_BY_USUAL, flags=True))
        .replace("{{limit_24}}", _rates(results, LIMIT_24, flags=True))
        .replace("{{plugin_weighted}}", _rates(results, PLUGIN_WEIGHTED, flags=True))
        .replace("{{plugin_likelihood}}", _rates(results, PLUGIN_LIKELIHOOD, flags=True))
        .replace("{{plugin_calm}}", _rates(results, PLUGIN_CALM, flags=True))
        .replace("{{plugin_calm_10}}", _rates(results, PLUGIN_CALM_10, flags=True))
        .replace("{{seed}}", str(seed))
        .replace("{{per_group}}", f"{default.false_per_100 * 120 / 100:.1f}".replace(".", ","))
    )
    doc.write_text(text + kept_sections(doc, text), encoding="utf-8")
    return doc


def kept_sections(doc: Path, text: str) -> str:
    """The sections other benchmarks wrote into the document (e.g. bench/attention.py's "Attention budget"): those
    whose heading the template does not have, kept as they are."""
    if not doc.exists():
        return ""
    old = doc.read_text(encoding="utf-8")
    kept = []
    for part in old.split("\n## ")[1:]:
        heading = "## " + part.split("\n", 1)[0]
        if heading not in text:
            kept.append("\n" + heading + "\n" + part.split("\n", 1)[1].rstrip() + "\n")
    return "".join(kept)


def main(seed: int = 7, quick: bool = False) -> int:
    results = run(seed, 300, 300) if quick else run(seed)
    print("detection quality (fixed seed; planted escalations and stable noise, in every noise model)")
    print("found by the orange week / false flags per 100 stable series-weeks")
    for line in summary(results):
        print(line)
    for line in [*split_table(results), *readings_table(results)]:
        print(line)
    if not quick:
        print(f"wrote {write_doc(results, seed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(quick="--quick" in sys.argv))
