"""Whole simulated groups for the attention budget (bench/attention.py), cell by cell from the detection
benchmark's noise models (bench/noise.py, read only: a model's `stable` and `escalation` series of one cell).

A group has 3 or 10 areas and the 12 default factors. Every cell is a series of one noise model (52 weeks, each
week the answers of the reporters who answered, by reporter); the escalation's cell is the model's escalation
series, the others its stable series. A cell's reporter k is the area's reporter k (so the same people answer the
area's factors, as in a real group; the ordinal model's newcomers are new people of the area).

**Places.** Every area has four configured places, named with weights 4:3:2:1; every reporter has a place of
their own they name most (70 %). A reporter names a place for 80 % of their answers at or above the threshold (2)
and 30 % of their 1s; 3 % of the places named are new ones. So a few places are named by two or more reporters
most weeks: the "square they always name". The escalation's reporters name one place for it at 80 % once at the
threshold: a new place for half of the escalations, the area's most named place for the other half (the hard
case: a place named every week).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from bench.noise import Escalation, NoiseModel, Week
from bot.domain.cycle import RoundKey
from bot.domain.factors import DEFAULT_FACTORS
from bot.domain.picture import AreaInfo, Picture, PictureInput, Report, build_picture, count_levels, place_counts

FACTORS = [f.code for f in DEFAULT_FACTORS]
HISTORY = 12  # weeks of history a picture gets (the store's most)
THRESHOLD = 2
LAST_WEEK, WEEKS_BACK = RoundKey(2027, 1), 100  # weeks 0..99 of a simulation end before LAST_WEEK
PER_AREA = 1000  # reporter ids: area i's reporter k is i·1000 + k


@dataclass(frozen=True)
class Planted:
    """The planted escalation: its cell, its place and the week its mean first reaches orange."""

    area: str
    factor: str
    place: str
    orange: int


@dataclass
class Group:
    """One simulated group: its cells' series (one noise model) and places; weeks as reports, made on demand."""

    rng: random.Random
    areas: list[str]
    series: dict[tuple[str, str], list[Week]]
    places: dict[str, list[str]]
    planted: Planted | None = None
    own: dict[int, str] = field(default_factory=dict)
    made: list[list[Report]] = field(default_factory=list)
    named: list[set[tuple[str, str]]] = field(default_factory=lambda: [set()])  # places named before week i
    counts: dict[int, Mapping[tuple[str, str, int], int]] = field(default_factory=dict)
    place_weeks: dict[int, Counter[tuple[str, str]]] = field(default_factory=dict)
    new_places: int = 0

    @classmethod
    def stable(cls, rng: random.Random, model: NoiseModel, n_areas: int) -> Group:
        areas = [f"o{i}" for i in range(n_areas)]
        series = {(a, f): model.stable(rng) for a in areas for f in FACTORS}
        # the places are drawn from a generator of the group's own, so that the next group's draws do not depend
        # on how many of this group's weeks were asked for
        places = {a: [f"{a} plats {k}" for k in range(4)] for a in areas}
        return cls(random.Random(rng.getrandbits(64)), areas, series, places)

    @classmethod
    def escalating(cls, rng: random.Random, model: NoiseModel, n_areas: int) -> Group | None:
        """A stable group with one escalating cell; None if the escalation never reaches orange, or too late
        for the week after it to be simulated."""
        group = cls.stable(rng, model, n_areas)
        area, factor = rng.choice(group.areas), rng.choice(FACTORS)
        esc: Escalation = model.escalation(rng)
        place = f"{area} brännpunkt" if rng.random() < 0.5 else group.places[area][0]
        if esc.orange is None or esc.orange + 1 >= len(esc.weeks) or esc.orange < HISTORY:
            return None
        group.series[(area, factor)] = esc.weeks
        group.planted = Planted(area, factor, place, esc.orange)
        return group

    @cached_property
    def known(self) -> set[tuple[str, str]]:
        return {(a, p.lower()) for a in self.areas for p in self.places[a]}

    def _place(self, area: str, reporter: int) -> str:
        rng = self.rng
        if rng.random() < 0.03:
            self.new_places += 1
            return f"{area} ny {self.new_places}"
        own = self.own.get(reporter)
        if own is None:
            own = self.own[reporter] = rng.choices(self.places[area], weights=(4, 3, 2, 1))[0]
        return own if rng.random() < 0.7 else rng.choices(self.places[area], weights=(4, 3, 2, 1))[0]

    def week(self, w: int) -> list[Report]:
        """Week `w`'s reports (weeks are made in order, so that the places' draws do not depend on which week
        was asked for first)."""
        rng, planted = self.rng, self.planted
        while len(self.made) <= w:
            i = len(self.made)
            out: list[Report] = []
            for ai, a in enumerate(self.areas):
                for f in FACTORS:
                    hot = planted is not None and (planted.area, planted.factor) == (a, f)
                    for local, level in self.series[(a, f)][i].answers.items():
                        rid = ai * PER_AREA + local
                        place = None
                        if level >= THRESHOLD and rng.random() < 0.8:
                            place = planted.place if hot and planted is not None else self._place(a, rid)
                        elif level == 1 and rng.random() < 0.3:
                            place = self._place(a, rid)
                        out.append(Report(rid, "Org", a, f, level, place))
            self.made.append(out)
            self.named.append(self.named[-1] | {(r.area, (r.place or "").lower()) for r in out if r.place})
        return self.made[w]

    def picture(self, w: int) -> Picture:
        """The picture of week `w` (0-based), with the 12 weeks before it as history the way the meeting's picture
        gets it (counts, places, and the judged cells' answers for the second signal); places named before are
        known."""
        reports = self.week(w)
        weeks = range(max(0, w - HISTORY), w)
        for i in weeks:
            if i not in self.counts:
                self.counts[i] = count_levels(self.week(i))
                self.place_weeks[i] = place_counts(self.week(i), THRESHOLD)
        inp = PictureInput(
            group_name="Sim",
            week=week_key(w),
            areas=[AreaInfo(a, a) for a in self.areas],
            factors=list(DEFAULT_FACTORS),
            reports=reports,
            history={},
            history_counts={week_key(i): self.counts[i] for i in weeks},
            place_history={week_key(i): self.place_weeks[i] for i in weeks},
            reporter_history={week_key(i): self.week(i) for i in weeks},
            known_places=self.known | self.named[w],
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


def week_key(i: int) -> RoundKey:
    """The simulation's week `i` (0-based) as an ISO week: counted back from a week well after the last one."""
    return LAST_WEEK.minus(WEEKS_BACK - i)
