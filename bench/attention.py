"""The attention budget measured: how many standouts a group's picture lists and shows in stable weeks, and whether
a planted escalation is among the first three the chat shows, in each noise model of the detection benchmark.

Pictures are built by the real `bot.domain.picture.build_picture` (the whole list as the meeting sees it: red,
rising, hotspots, new places, single reports, strongest first) from simulated groups of 3 and 10 areas with the
12 default factors, every cell a series of one of bench/noise.py's four models (bench/attention_sim.py says how a
group is put together from them, and how reporters name places).

* **Stable weeks**: weeks 14-41 of groups whose cells are all stable series (12 weeks of history before each).
* **Escalations**: one cell of a stable group is the model's escalation series; it is judged in the week its mean
  first reaches orange (≥ 1,5) and the week after: where is the first thing about it (its cell, red or rising,
  or its place) in the chat's list, strongest first? A miss is either of *detection* (nothing about it is listed
  at all that week) or of *ordering* (listed, but not among the first three).

"Before" is the picture as it was before the attention budget, worked out from the same pictures: every 3 red,
every place named by two or more a hotspot, the list by kind (red, rising, hotspot, new place) in the group's
order.

Run: ``python -m bench.attention`` (also part of ``make bench``); it prints the table and writes it into
docs/DETECTION.md under "Attention budget".
"""

from __future__ import annotations

import random
import statistics
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.attention_sim import FACTORS, THRESHOLD, Group
from bench.attention_variants import CHOSEN, VARIANTS
from bench.noise import MODELS, NoiseModel
from bot.domain.attention import SHOW, Kind, things
from bot.domain.picture import Picture, Standout

ROOT = Path(__file__).resolve().parent.parent
TOP = 3  # "among the first three shown"
STABLE_WEEKS = range(14, 42)


def before_list(pic: Picture) -> list[tuple[Kind, str, str | None, str | None]]:
    """The list as the picture made it before the attention budget: every 3 red, every place named by two or more
    a hotspot (most reporters first), by kind, in the group's order."""
    reports = pic.input.reports
    index = {a.code: i for i, a in enumerate(pic.input.areas)}
    fi = {f: i for i, f in enumerate(FACTORS)}
    red = sorted(
        ((s.area, s.factor) for s in pic.standouts if s.kind in (Kind.RED, Kind.SINGLE)),
        key=lambda k: (index[k[0]], fi[k[1] or ""]),
    )
    rising = [(s.area, s.factor) for s in pic.standouts if s.kind == Kind.RISING]
    rising.sort(key=lambda k: (index[k[0]], fi[k[1] or ""]))
    named: dict[tuple[str, str], set[int]] = {}
    for r in reports:
        if r.place and r.level >= THRESHOLD:
            named.setdefault((r.area, r.place), set()).add(r.reporter_id)
    hot = sorted(((k, len(v)) for k, v in named.items() if len(v) >= 2), key=lambda kv: (-kv[1], index[kv[0][0]]))
    new = [(s.area, s.place) for s in pic.standouts if s.kind == Kind.NEW_PLACE]
    return (
        [(Kind.RED, a, f, None) for a, f in red]
        + [(Kind.RISING, a, f, None) for a, f in rising]
        + [(Kind.HOTSPOT, k[0], None, k[1]) for k, _ in hot]
        + [(Kind.NEW_PLACE, a, None, p) for a, p in new]
    )


@dataclass
class Row:
    model: str
    areas: int
    stable_weeks: int = 0
    listed: list[int] = field(default_factory=list)
    shown: list[int] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)
    before: list[int] = field(default_factory=list)
    before_hotspots: int = 0
    escalations: int = 0
    top3: int = 0
    top3_week_after: int = 0
    listed_at_all: int = 0
    top3_before: int = 0
    ahead: Counter[str] = field(default_factory=Counter)  # kinds of the things ahead of an escalation listed lower
    variants: Counter[str] = field(default_factory=Counter)  # escalations among the first three, by ordering

    @property
    def missed_detection(self) -> int:
        return self.escalations - self.listed_at_all

    @property
    def missed_order(self) -> int:
        return self.listed_at_all - self.top3


def _about(
    area: str, factor: str, place: str, kind: Kind, s_area: str, s_factor: str | None, s_place: str | None
) -> bool:
    if s_area != area:
        return False
    if kind in (Kind.RED, Kind.RISING, Kind.SINGLE):
        return s_factor == factor
    return s_place == place


def rank(pic: Picture, area: str, factor: str, place: str) -> int | None:
    return rank_in(pic.standouts, area, factor, place)


def rank_in(standouts: Sequence[Standout], area: str, factor: str, place: str) -> int | None:
    """1-based position of the first thing in the chat's list about the escalation (strongest first, a cell both
    red and rising one thing); None if nothing is."""
    return next(
        (
            i
            for i, thing in enumerate(things(standouts), 1)
            if any(_about(area, factor, place, s.kind, s.area, s.factor, s.place) for s in thing)
        ),
        None,
    )


def rank_before(pic: Picture, area: str, factor: str, place: str) -> int | None:
    return next(
        (i for i, (k, a, f, p) in enumerate(before_list(pic), 1) if _about(area, factor, place, k, a, f, p)),
        None,
    )


def shown_top(r: int | None) -> bool:
    return r is not None and r <= min(TOP, SHOW)


def stable(row: Row, model: NoiseModel, seed: int, groups: int) -> None:
    rng = random.Random(f"{seed}:{model.key}:{row.areas}:stable")
    for _ in range(groups):
        g = Group.stable(rng, model, row.areas)
        for w in STABLE_WEEKS:
            pic = g.picture(w)
            row.stable_weeks += 1
            row.listed.append(len(pic.standouts))
            row.shown.append(min(SHOW, len(things(pic.standouts))))
            row.kinds.update(s.kind.value for s in pic.standouts)
            before = before_list(pic)
            row.before.append(len(before))
            row.before_hotspots += sum(1 for kind, *_ in before if kind == Kind.HOTSPOT)


def escalations(row: Row, model: NoiseModel, seed: int, trials: int) -> None:
    rng = random.Random(f"{seed}:{model.key}:{row.areas}:escalations")
    while row.escalations < trials:
        g = Group.escalating(rng, model, row.areas)
        if g is None or g.planted is None:
            continue
        row.escalations += 1
        area, factor, place, orange = g.planted.area, g.planted.factor, g.planted.place, g.planted.orange
        pic = g.picture(orange)
        at = rank(pic, area, factor, place)
        row.listed_at_all += at is not None
        row.top3 += shown_top(at)
        if at is not None and not shown_top(at):
            row.ahead.update(s.kind.value for thing in things(pic.standouts)[:TOP] for s in thing[:1])
        row.top3_before += shown_top(rank_before(pic, area, factor, place))
        for v in VARIANTS:
            at_v = rank_in(v.rerank(pic), area, factor, place)
            if v is CHOSEN and at_v != at:
                raise AssertionError(f"the chosen ordering is not the picture's: {at_v} != {at}")
            row.variants[v.name] += shown_top(at_v)
        row.top3_week_after += shown_top(at) or shown_top(rank(g.picture(orange + 1), area, factor, place))


def _p95(values: list[int]) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else 0


def run(seed: int = 11, groups: int = 12, trials: int = 300, models: tuple[NoiseModel, ...] = MODELS) -> list[Row]:
    rows: list[Row] = []
    for model in models:
        for n in (3, 10):
            row = Row(model.name, n)
            stable(row, model, seed, groups)
            escalations(row, model, seed, trials)
            rows.append(row)
    return rows


def _share(n: int, total: int) -> str:
    return f"{n / total:.0%} ({n}/{total})" if total else "–"


def table(rows: list[Row]) -> list[str]:
    lines = [
        "| noise model | areas | listed in a stable week: median / 95th pct | shown (≤ 8): median / 95th pct | "
        "per stable week: red · rising · hotspot · new place · single | "
        "hotspots per stable week: any place named by 2+ → unusual ones | before: listed median / 95th pct | "
        "escalation among the first 3 shown, orange week | missed: not listed at all (detection) | "
        "missed: listed lower (ordering) | by the week after | before: among the first 3 |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        weeks = r.stable_weeks or 1
        kinds = " · ".join(
            f"{r.kinds[k.value] / weeks:.1f}"
            for k in (Kind.RED, Kind.RISING, Kind.HOTSPOT, Kind.NEW_PLACE, Kind.SINGLE)
        )
        lines.append(
            f"| {r.model} | {r.areas} | {_median(r.listed)} / {_p95(r.listed)} | "
            f"{_median(r.shown)} / {_p95(r.shown)} | {kinds} | "
            f"{r.before_hotspots / weeks:.1f} → {r.kinds[Kind.HOTSPOT.value] / weeks:.1f} | "
            f"{_median(r.before)} / {_p95(r.before)} | **{_share(r.top3, r.escalations)}** | "
            f"{_share(r.missed_detection, r.escalations)} | {_share(r.missed_order, r.escalations)} | "
            f"{_share(r.top3_week_after, r.escalations)} | {_share(r.top3_before, r.escalations)} |"
        )
    return lines


def variant_table(rows: list[Row]) -> list[str]:
    """Every ordering tried (bench/attention_variants.py) on the same pictures: the escalation among the first three
    shown in its orange week, per model and group size; the last line is the most any ordering can reach."""
    head = " | ".join(f"{r.model}, {r.areas}" for r in rows)
    lines = [f"| ordering | {head} |", "|---|" + "---|" * len(rows)]
    for v in VARIANTS:
        cells = " | ".join(f"{r.variants[v.name] / (r.escalations or 1):.1%}" for r in rows)
        mark = " **(chosen)**" if v is CHOSEN else ""
        lines.append(f"| {v.name}{mark} | {cells} |")
    ceiling = " | ".join(f"{r.listed_at_all / (r.escalations or 1):.1%}" for r in rows)
    lines.append(f"| *listed at all: the most any ordering can reach* | {ceiling} |")
    return lines


def _median(values: list[int]) -> str:
    return f"{statistics.median(values):g}" if values else "–"


HEADING = "## Attention budget"


def write_doc(rows: list[Row], seed: int, groups: int, trials: int) -> Path:
    """The table into docs/DETECTION.md's section "Attention budget" (bench/ATTENTION.md.in around it), replacing
    the section if it is there and adding it at the end if not."""
    doc = ROOT / "docs" / "DETECTION.md"
    template = (Path(__file__).with_name("ATTENTION.md.in")).read_text(encoding="utf-8")
    stable_weeks = rows[0].stable_weeks if rows else 0
    section = (
        template.replace("{{table}}", "\n".join(table(rows)))
        .replace("{{variants}}", "\n".join(variant_table(rows)))
        .replace("{{seed}}", str(seed))
        .replace("{{stable_weeks}}", str(stable_weeks))
        .replace("{{trials}}", str(trials))
        .rstrip()
        + "\n"
    )
    text = doc.read_text(encoding="utf-8")
    if HEADING in text:
        head, _, rest = text.partition(HEADING)
        after = rest.find("\n## ")
        text = head + section + (rest[after:] if after >= 0 else "")
    else:
        text = text.rstrip() + "\n\n" + section
    doc.write_text(text, encoding="utf-8")
    return doc


def main(seed: int = 11, groups: int = 12, trials: int = 300) -> int:
    rows = run(seed, groups, trials)
    print("attention budget (fixed seed; whole simulated groups through build_picture)")
    for line in [*table(rows), "", *variant_table(rows)]:
        print(line)
    print(f"wrote {write_doc(rows, seed, groups, trials)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:4])))
