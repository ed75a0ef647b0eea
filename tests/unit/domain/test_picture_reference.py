"""`build_picture` (counting in C, earlier weeks as counts) against a straightforward reference that
loops over every report, on random fixed-seed data sets; and earlier weeks given as reports or as
counts give the same cells and EWMA verdicts, the second signal (reporters against their own usual
level) only with reports."""

from __future__ import annotations

import math
import random
from dataclasses import replace

import pytest

from bot.domain.cycle import RoundKey
from bot.domain.detection import DetectionParams, Trigger, detect, judge
from bot.domain.factors import DEFAULT_FACTORS, colour_for
from bot.domain.picture import (
    AreaInfo,
    Picture,
    PictureInput,
    Report,
    Standout,
    build_picture,
    count_levels,
    normalise_place,
    place_counts,
)
from bot.domain.reasons import AboveExpected

WEEK = RoundKey(2026, 2)  # the history crosses a year boundary
PLACES = ["Torget", " torget", "Parken", "PARKEN ", "Skolan", "Hamnen", "Stationen"]


def random_week(
    rng: random.Random, reporters: int, areas: list[str], intensity: dict[tuple[str, str], float]
) -> list[Report]:
    out = []
    for r in range(reporters):
        if rng.random() < 0.1:
            continue  # did not answer
        area = areas[r % len(areas)] if rng.random() > 0.05 else "okänt"  # some reports for an unknown area
        for f in DEFAULT_FACTORS:
            mean = intensity.get((area, f.code), 0.3)
            level = min(3, max(0, round(rng.gauss(mean, 0.7))))
            place = rng.choice(PLACES) if level >= 1 and rng.random() < 0.4 else None
            out.append(Report(r, f"Org {r % 3}", area, f.code, level, place))
    return out


def random_input(seed: int, reporters: int = 60, weeks: int = 14) -> PictureInput:
    rng = random.Random(seed)
    areas = [f"a{i}" for i in range(5)]
    intensity = {(a, f.code): rng.uniform(0, 1.2) for a in areas for f in DEFAULT_FACTORS}
    history = {}
    for n in range(weeks, 0, -1):
        for key in rng.sample(sorted(intensity), 6):  # some cells climb as the weeks go by
            intensity[key] = min(3.0, intensity[key] + rng.uniform(0, 0.6))
        if rng.random() < 0.1:
            continue  # a week without a round
        history[WEEK.minus(n)] = random_week(rng, reporters, areas, intensity)
    return PictureInput(
        group_name="G",
        week=WEEK,
        areas=[AreaInfo(a, a.upper()) for a in areas],
        factors=list(DEFAULT_FACTORS),
        reports=random_week(rng, reporters, areas, intensity),
        history=history,
        known_places={("a0", "torget"), ("a1", "Parken")},
        expected=reporters,
        responded=reporters,
        late=0,
        non_responders=[],
        notes=[],
        observations=[],
        actions=[],
        detection=DetectionParams(min_level=rng.choice((1.0, 1.5))),
    )


def _mean(reports: list[Report], area: str, factor: str) -> float | None:
    levels = [r.level for r in reports if r.area == area and r.factor == factor]
    return sum(levels) / len(levels) if levels else None


def _week_reports(inp: PictureInput, back: int) -> list[Report]:
    key = WEEK.minus(back)
    return next((v for k, v in inp.history.items() if (k.year, k.week) == (key.year, key.week)), [])


def _has_week(inp: PictureInput, back: int) -> bool:
    key = WEEK.minus(back)
    return any((k.year, k.week) == (key.year, key.week) for k in inp.history)


def reference(inp: PictureInput) -> dict[str, object]:
    """Cells, the rule's verdicts and what stands out, one report at a time."""
    cells = {}
    signals = {}
    verdicts = {}
    red = set()
    single = set()
    for a in inp.areas:
        for f in inp.factors:
            levels = [r.level for r in inp.reports if r.area == a.code and r.factor == f.code]
            mean = sum(levels) / len(levels) if levels else None
            top = max(levels) if levels else None
            colour = colour_for(mean)
            if top == 3 and colour in ("green", "yellow", "none"):
                colour = "orange"
            past = [_mean(_week_reports(inp, n), a.code, f.code) for n in range(1, 5)]
            known = [m for m in past if m is not None]
            cells[(a.code, f.code)] = (
                len(levels),
                top,
                mean,
                colour,
                past[0],
                sum(known) / len(known) if known else None,
            )
            if mean is None:
                continue
            threes = levels.count(3)
            if mean >= 2.5 or threes >= 2 or (threes == 1 and mean >= 1.5):
                red.add((a.code, f.code))
            elif threes == 1:
                single.add((a.code, f.code))
            if mean >= inp.detection.min_level:
                window = inp.detection.history_weeks
                series = [_mean(_week_reports(inp, n), a.code, f.code) for n in range(window, 0, -1)]
                signals[(a.code, f.code)] = detect([*series, mean], inp.detection)
                answers = {r.reporter_id: r.level for r in inp.reports if r.area == a.code and r.factor == f.code}
                past_answers = [
                    {r.reporter_id: r.level for r in _week_reports(inp, n) if (r.area, r.factor) == (a.code, f.code)}
                    if _has_week(inp, n)
                    else None
                    for n in range(window, 0, -1)
                ]
                verdicts[(a.code, f.code)] = judge([*series, mean], inp.detection, answers, past_answers)
    hotspots = set()
    new = set()
    codes = {a.code for a in inp.areas}
    named: dict[tuple[str, str], set[int]] = {}
    for r in inp.reports:
        if r.place and r.area in codes:
            named.setdefault((r.area, normalise_place(r.place)), set())
            if r.level >= inp.threshold:
                named[(r.area, normalise_place(r.place))].add(r.reporter_id)
    known_places = {(a, normalise_place(p)) for a, p in inp.known_places}
    weeks = [_week_reports(inp, n) for n in range(1, inp.detection.history_weeks + 1)]
    for key, who in named.items():
        # named by two or more, and fewer than 5 % of weeks would see so many were the place named as often as
        # in the history weeks with reports (Poisson)
        before = [
            len(
                {
                    r.reporter_id
                    for r in w
                    if r.place and (r.area, normalise_place(r.place)) == key and r.level >= inp.threshold
                }
            )
            for w in weeks
            if w
        ]
        usual = sum(before) / len(before) if before else 0.0
        chance = 1 - sum(math.exp(-usual) * usual**k / math.factorial(k) for k in range(len(who)))
        if len(who) >= 2 and (usual == 0 or chance < 0.05):
            hotspots.add(key)
        if key not in known_places:
            new.add(key)
    return {
        "cells": cells,
        "signals": signals,
        "verdicts": verdicts,
        "red": red,
        "single": single,
        "hotspots": hotspots,
        "new": new,
    }


def observed(p: Picture) -> dict[str, object]:
    return {
        "cells": {k: (c.count, c.max, c.mean, c.colour, c.last_week, c.baseline) for k, c in p.cells.items()},
        "signals": p.signals,
        "red": {(s.area, s.factor) for s in p.standouts if s.kind == "red"},
        "single": {(s.area, s.factor) for s in p.standouts if s.kind == "single_report"},
        "hotspots": {(s.area, normalise_place(s.place)) for s in p.standouts if s.kind == "hotspot"},
        "new": {(s.area, normalise_place(s.place)) for s in p.standouts if s.kind == "new_place"},
    }


@pytest.mark.parametrize("seed", range(6))
def test_the_picture_matches_a_straightforward_reference(seed: int) -> None:
    inp = random_input(seed)
    pic = build_picture(inp)
    want = reference(inp)
    got = observed(pic)
    assert got["cells"].keys() == want["cells"].keys()  # type: ignore[attr-defined]
    for key, cell in want["cells"].items():  # type: ignore[attr-defined]
        assert got["cells"][key] == pytest.approx(cell), key  # type: ignore[index]
    assert got["signals"] == want["signals"]
    for kind in ("red", "single", "hotspots", "new"):
        assert got[kind] == want[kind], kind
    # strongest first, the single serious reports after every real change
    kinds = [s.kind == "single_report" for s in pic.standouts]
    assert kinds == sorted(kinds)
    for before, after in zip(pic.standouts, pic.standouts[1:], strict=False):
        if before.kind != "single_report" and after.kind != "single_report":
            assert before.strength >= after.strength - 1e-9
    rising = {(s.area, s.factor) for s in pic.standouts if s.kind == "rising"}
    assert rising == {k for k, v in want["verdicts"].items() if v.flagged}  # type: ignore[attr-defined]
    assert any(s.flagged for s in pic.signals.values())  # the data set does exercise the rule


def test_the_data_sets_exercise_both_signals() -> None:
    fired = {t for seed in range(6) for v in reference(random_input(seed))["verdicts"].values() for t in v.fired}  # type: ignore[attr-defined]
    assert fired == {Trigger.EWMA, Trigger.REPORTERS}


@pytest.mark.parametrize("seed", range(4))
def test_earlier_weeks_as_counts_give_the_same_levels_and_fall_back_to_the_ewma(seed: int) -> None:
    inp = random_input(seed)
    counted = replace(
        inp,
        history={},
        history_counts={k: count_levels(v) for k, v in inp.history.items()},
        place_history={k: place_counts(v, inp.threshold) for k, v in inp.history.items()},
    )
    a, b = build_picture(inp), build_picture(counted)
    assert a.cells == b.cells
    assert a.signals == b.signals

    # the same red levels, places and single reports, for the same reasons; a cell that only its reporters' signal
    # flagged keeps that change in its strength (bot.domain.attention), which counts cannot give, so the strength
    # and with it the order may differ there, and only there
    def same(s: Standout) -> tuple[object, ...]:
        return (s.kind, s.area, s.factor, s.place, s.reason, s.reporters)

    a_other = [s for s in a.standouts if s.kind != "rising"]
    b_other = [s for s in b.standouts if s.kind != "rising"]
    assert sorted(map(same, a_other), key=repr) == sorted(map(same, b_other), key=repr)
    by_reporters = {
        (s.area, s.factor)
        for s in a.standouts
        if isinstance(s.reason, AboveExpected) and Trigger.EWMA not in s.reason.fired
    }
    strength_b = {same(s): s.strength for s in b_other}
    for s in a_other:
        if (s.area, s.factor) not in by_reporters:
            assert s.strength == strength_b[same(s)]
    # with counts only there is no reporter to compare with itself: the EWMA alone decides, and says so
    ewma = {k for k, s in a.signals.items() if s.flagged}
    assert {(s.area, s.factor) for s in b.standouts if s.kind == "rising"} == ewma
    assert all(s.reason.fired == (Trigger.EWMA,) for s in b.standouts if isinstance(s.reason, AboveExpected))
    assert ewma <= {(s.area, s.factor) for s in a.standouts if s.kind == "rising"}


def test_the_rule_reads_only_the_weeks_it_needs() -> None:
    inp = random_input(1)
    old = {RoundKey(2020, 1): [Report(1, "O", "a0", f.code, 3) for f in DEFAULT_FACTORS]}
    padded = replace(inp, history={**old, **inp.history})
    assert build_picture(padded).standouts == build_picture(inp).standouts
