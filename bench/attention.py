"""The attention budget measured: how many standouts a group's picture lists and shows in stable weeks, and whether
a planted escalation is among the first three the chat shows.

Pictures are built by the real `bot.domain.picture.build_picture` from simulated reports of whole groups (3 and
10 areas, the 12 default factors), one report per reporter, area, factor and week, with places:

* **Reporters and levels** follow bench/detection.py's model, per reporter: an area has 3-8 reporters (the same
  draw as bench/detection.py); each reporter's answer is round(latent level + the reporter's own bias for the
  factor + a shock shared by the cell that week + personal noise), clipped to 0-3; a reporter misses a whole week
  now and then.
* **Noise models.** *Today's* (bench/detection.py's parameters: latent 0-0,9, bias N(0; 0,25), shock N(0; 0,15),
  noise N(0; 0,45), 10 % of weeks missed); and *busy cells and outliers*: latent 0-1,2, bias N(0; 0,35), and one
  answer in a hundred a 3 whatever the level (someone's bad week), the case the single-report kind is for.
* **Places.** Every area has four configured places, named with weights 4:3:2:1; every reporter has a place of
  their own they name most (70 %). A reporter names a place for 80 % of their answers at or above the threshold
  (2) and 30 % of their 1s; 3 % of the places named are new ones. So a few places are named by two or more
  reporters most weeks: the "square they always name".
* **Stable weeks**: weeks 13-40 of groups whose latent levels stay put (12 weeks of history before each).
* **Escalations**: one cell of a stable group climbs from week 14-20 over 1, 2, 3, 4 or 6 weeks to a latent
  level of 1,8-2,8; its reporters name one place for it at 80 % once at the threshold: a new place for half of
  them, the area's most named place for the other half (the hard case: a place named every week). It is judged
  in the week its mean first reaches orange (≥ 1,5) and the week after: where is the first standout about it
  (its cell, red or rising, or its place) in the list, strongest first?

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

from bot.domain.attention import SHOW, Kind, things
from bot.domain.cycle import RoundKey
from bot.domain.factors import DEFAULT_FACTORS
from bot.domain.picture import (
    AreaInfo,
    Picture,
    PictureInput,
    Report,
    build_picture,
    count_levels,
    place_counts,
)

ROOT = Path(__file__).resolve().parent.parent
FACTORS = [f.code for f in DEFAULT_FACTORS]
HISTORY = 12
THRESHOLD = 2
LAST_WEEK, WEEKS_BACK = RoundKey(2027, 1), 100  # weeks 0..99 of a simulation end before LAST_WEEK
TOP = 3  # "among the first three shown"
# reporters per area, drawn as bench/detection.py draws a cell's reporters; its simulation is of single cells'
# means, without reporters' identities or places, which a whole group's picture needs, so the group is simulated
# here with its parameters
REPORTERS = (3, 4, 4, 5, 6, 8)


@dataclass(frozen=True)
class Model:
    name: str
    latent: float  # latent levels uniform in 0..latent
    bias: float
    outliers: float  # share of answers that are a 3 whatever the level
    shock: float = 0.15
    noise: float = 0.45
    missing: float = 0.1


MODELS = (
    Model("today's model", 0.9, 0.25, 0.0),
    Model("busy cells and outliers", 1.2, 0.35, 0.01),
)


@dataclass
class Group:
    """One simulated group: its areas' reporters, latent levels and places."""

    rng: random.Random
    model: Model
    areas: list[str]
    reporters: dict[str, list[tuple[int, dict[str, float], str]]]  # area -> (id, bias per factor, own place)
    latent: dict[tuple[str, str], float]
    places: dict[str, list[str]]
    known: set[tuple[str, str]] = field(default_factory=set)
    new_places: int = 0

    @classmethod
    def make(cls, rng: random.Random, model: Model, n_areas: int) -> Group:
        areas = [f"o{i}" for i in range(n_areas)]
        places = {a: [f"{a} plats {k}" for k in range(4)] for a in areas}
        reporters: dict[str, list[tuple[int, dict[str, float], str]]] = {}
        rid = 0
        for a in areas:
            reporters[a] = []
            for _ in range(rng.choice(REPORTERS)):
                rid += 1
                biases = {f: rng.gauss(0, model.bias) for f in FACTORS}
                reporters[a].append((rid, biases, rng.choices(places[a], weights=(4, 3, 2, 1))[0]))
        latent = {(a, f): rng.uniform(0, model.latent) for a in areas for f in FACTORS}
        known = {(a, p.lower()) for a in areas for p in places[a]}
        return cls(rng, model, areas, reporters, latent, places, known)

    def place(self, area: str, own: str) -> str:
        rng = self.rng
        if rng.random() < 0.03:
            self.new_places += 1
            return f"{area} ny {self.new_places}"
        return own if rng.random() < 0.7 else rng.choices(self.places[area], weights=(4, 3, 2, 1))[0]

    def week(self, escalation: tuple[str, str, float, str] | None = None) -> list[Report]:
        """One week's reports; `escalation`: (area, factor, latent level this week, its place)."""
        rng, m = self.rng, self.model
        out: list[Report] = []
        shocks = {key: rng.gauss(0, m.shock) for key in self.latent}
        for a in self.areas:
            for rid, biases, own in self.reporters[a]:
                if rng.random() < m.missing:
                    continue
                for f in FACTORS:
                    latent = self.latent[(a, f)]
                    hot = escalation is not None and escalation[:2] == (a, f)
                    if hot and escalation is not None:
                        latent = escalation[2]
                    value = latent + biases[f] + shocks[(a, f)] + rng.gauss(0, m.noise)
                    level = 3 if m.outliers and rng.random() < m.outliers else min(3, max(0, int(value + 0.5)))
                    place = None
                    if level >= THRESHOLD and rng.random() < 0.8:
                        place = escalation[3] if hot and escalation is not None else self.place(a, own)
                    elif level == 1 and rng.random() < 0.3:
                        place = self.place(a, own)
                    out.append(Report(rid, "Org", a, f, level, place))
        return out


def picture_of(group: Group, weeks: Sequence[list[Report]], w: int) -> Picture:
    """The picture of week `w` (0-based) from the simulated weeks before it; places named before are known."""
    week = _week(w)
    history = {_week(i): weeks[i] for i in range(max(0, w - HISTORY), w)}
    inp = PictureInput(
        group_name="Sim",
        week=week,
        areas=[AreaInfo(a, a) for a in group.areas],
        factors=list(DEFAULT_FACTORS),
        reports=weeks[w],
        history={},
        history_counts={k: count_levels(v) for k, v in history.items()},
        place_history={k: place_counts(v, THRESHOLD) for k, v in history.items()},
        known_places=group.known | {(r.area, (r.place or "").lower()) for i in range(w) for r in weeks[i] if r.place},
        expected=0,
        responded=0,
        late=0,
        non_responders=[],
        notes=[],
        observations=[],
        actions=[],
        threshold=THRESHOLD,
    )
    return build_picture(inp)


def _week(i: int) -> RoundKey:
    """The simulation's week `i` (0-based) as an ISO week: counted back from a week well after the last one."""
    return LAST_WEEK.minus(WEEKS_BACK - i)


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


def _about(
    area: str, factor: str, place: str, kind: Kind, s_area: str, s_factor: str | None, s_place: str | None
) -> bool:
    if s_area != area:
        return False
    if kind in (Kind.RED, Kind.RISING, Kind.SINGLE):
        return s_factor == factor
    return s_place == place


def rank(pic: Picture, area: str, factor: str, place: str) -> int | None:
    """1-based position of the first thing in the chat's list about the escalation (strongest first, a cell both
    red and rising one thing); None if nothing is."""
    return next(
        (
            i
            for i, thing in enumerate(things(pic.standouts), 1)
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


def stable(row: Row, model: Model, seed: int, groups: int, weeks: int = 28) -> None:
    rng = random.Random(seed)
    for _ in range(groups):
        g = Group.make(rng, model, row.areas)
        sim = [g.week() for _ in range(HISTORY + weeks)]
        for w in range(HISTORY, HISTORY + weeks):
            pic = picture_of(g, sim, w)
            row.stable_weeks += 1
            row.listed.append(len(pic.standouts))
            row.shown.append(min(SHOW, len(things(pic.standouts))))
            row.kinds.update(s.kind.value for s in pic.standouts)
            before = before_list(pic)
            row.before.append(len(before))
            row.before_hotspots += sum(1 for kind, *_ in before if kind == Kind.HOTSPOT)


def escalations(row: Row, model: Model, seed: int, trials: int) -> None:
    rng = random.Random(seed)
    for _ in range(trials):
        g = Group.make(rng, model, row.areas)
        area, factor = rng.choice(g.areas), rng.choice(FACTORS)
        base, top = g.latent[(area, factor)], rng.uniform(1.8, 2.8)
        climb, start = rng.choice((1, 2, 3, 4, 6)), rng.randrange(14, 21)
        # half of the escalations happen at a new place, half at the area's most named one
        place = f"{area} brännpunkt" if rng.random() < 0.5 else g.places[area][0]
        sim: list[list[Report]] = []
        orange: int | None = None
        for w in range(start + 14):
            step = min(max(w - start + 1, 0), climb)
            level = base + (top - base) * step / climb
            sim.append(g.week((area, factor, level, place) if step else None))
            if orange is not None and w == orange + 1:
                break
            if orange is None and w >= start:
                levels = [r.level for r in sim[w] if r.area == area and r.factor == factor]
                if levels and sum(levels) / len(levels) >= 1.5:
                    orange = w
        if orange is None or len(sim) < orange + 2:
            continue
        row.escalations += 1
        pic = picture_of(g, sim, orange)
        at = rank(pic, area, factor, place)
        row.listed_at_all += at is not None
        row.top3 += shown_top(at)
        row.top3_before += shown_top(rank_before(pic, area, factor, place))
        row.top3_week_after += shown_top(at) or shown_top(rank(picture_of(g, sim, orange + 1), area, factor, place))


def _p95(values: list[int]) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else 0


def run(seed: int = 11, groups: int = 12, trials: int = 300) -> list[Row]:
    rows: list[Row] = []
    for model in MODELS:
        for n in (3, 10):
            row = Row(model.name, n)
            stable(row, model, seed + n, groups)
            escalations(row, model, seed + 100 + n, trials)
            rows.append(row)
    return rows


def _share(n: int, total: int) -> str:
    return f"{n / total:.0%} ({n}/{total})" if total else "–"


def table(rows: list[Row]) -> list[str]:
    lines = [
        "| noise model | areas | listed in a stable week: median / 95th pct | shown (≤ 8): median / 95th pct | "
        "per stable week: red · rising · hotspot · new place · single | "
        "hotspots per stable week: any place named by 2+ → unusual ones | before: listed median / 95th pct | "
        "escalation among the first 3 shown, orange week | by the week after | listed at all | before: among the "
        "first 3 |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        weeks = r.stable_weeks or 1
        kinds = " · ".join(
            f"{r.kinds[k.value] / weeks:.1f}"
            for k in (Kind.RED, Kind.RISING, Kind.HOTSPOT, Kind.NEW_PLACE, Kind.SINGLE)
        )
        lines.append(
            f"| {r.model} | {r.areas} | {statistics.median(r.listed):g} / {_p95(r.listed)} | "
            f"{statistics.median(r.shown):g} / {_p95(r.shown)} | {kinds} | "
            f"{r.before_hotspots / weeks:.1f} → {r.kinds[Kind.HOTSPOT.value] / weeks:.1f} | "
            f"{statistics.median(r.before):g} / {_p95(r.before)} | {_share(r.top3, r.escalations)} | "
            f"{_share(r.top3_week_after, r.escalations)} | {_share(r.listed_at_all, r.escalations)} | "
            f"{_share(r.top3_before, r.escalations)} |"
        )
    return lines


HEADING = "## Attention budget"


def write_doc(rows: list[Row], seed: int, groups: int, trials: int) -> Path:
    """The table into docs/DETECTION.md's section "Attention budget" (bench/ATTENTION.md.in around it), replacing
    the section if it is there and adding it at the end if not."""
    doc = ROOT / "docs" / "DETECTION.md"
    template = (Path(__file__).with_name("ATTENTION.md.in")).read_text(encoding="utf-8")
    stable_weeks = rows[0].stable_weeks if rows else 0
    section = (
        template.replace("{{table}}", "\n".join(table(rows)))
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
    for line in table(rows):
        print(line)
    print(f"wrote {write_doc(rows, seed, groups, trials)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:4])))
