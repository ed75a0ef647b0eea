"""The follow-up of decided actions: the level at the action's place or area in the weeks around the decision.

For each action the level is the pooled mean of the reports on the action's factors in its area (all factors
when it names none), week by week; when it names a place, the number of reports that named that place too.
The level before and after and the verdict follow the one definition in `bot.domain.effect` (written out in
every follow-up report, see `followup.effect.rule`), which the weekly picture and the export use as well.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.cycle import RoundKey
from bot.domain.effect import LevelChange, Verdict, level_change
from bot.domain.model import Action
from bot.domain.picture import normalise_place
from bot.domain.stats import Participation, PlaceMention, Series, WeekStat, weeks_between

SHOW_BEFORE = 5  # weeks shown before the decision week in an action's table and chart
SHOW_AFTER = 8  # and after it


@dataclass(frozen=True)
class ActionEffect:
    action: Action
    weeks: list[RoundKey]  # the weeks shown, oldest first
    levels: list[float | None]  # the level in each of them (None: no reports)
    mentions: list[int] | None  # reports naming the place each week; None when the action has no place
    levels_change: LevelChange  # before, after and change by the one definition (bot.domain.effect)
    organisations: list[str]  # of those who voted for it

    @property
    def before(self) -> float | None:
        return self.levels_change.before

    @property
    def after(self) -> float | None:
        return self.levels_change.after

    @property
    def change(self) -> float | None:
        return self.levels_change.change

    @property
    def verdict(self) -> Verdict:
        return self.levels_change.verdict


def action_effect(
    action: Action,
    series: Series,
    mentions: Sequence[PlaceMention],
    last_week: RoundKey,
    organisations: Sequence[str] = (),
) -> ActionEffect:
    """The levels around one action; `series` must cover the weeks shown, `last_week` is the newest week with
    a finished picture (later weeks are not counted even if the series reaches them)."""
    decided = action.week
    factors = action.factors or None
    shown = [w for w in weeks_between(decided.minus(SHOW_BEFORE), decided.minus(-SHOW_AFTER)) if w <= last_week]
    levels = [series.pooled(w, action.area_code, factors) for w in shown]
    change = level_change(lambda w: series.pooled(w, action.area_code, factors), decided, last_week)
    named: list[int] | None = None
    if action.place:
        norm = normalise_place(action.place)
        per_week: Counter[RoundKey] = Counter()
        for m in mentions:
            if (
                m.area == action.area_code
                and normalise_place(m.place) == norm
                and (factors is None or m.factor in factors)
            ):
                per_week[m.week] += m.count
        named = [per_week.get(w, 0) for w in shown]
    return ActionEffect(action, shown, levels, named, change, list(organisations))


@dataclass(frozen=True)
class FollowUp:
    """A year of EST for the steering group."""

    group_name: str
    year: int
    weeks: list[WeekStat]  # rounds of the year
    participation: list[Participation]
    effects: list[ActionEffect]
    series: Series  # the year's weeks, for the trend chart

    @property
    def answers(self) -> int:
        return sum(w.responded for w in self.weeks)

    @property
    def weeks_with_reports(self) -> int:
        return sum(1 for w in self.weeks if w.responded)

    @property
    def response_rate(self) -> float:
        asked = sum(w.expected for w in self.weeks if w.responded)
        return self.answers / asked if asked else 0.0

    def status_counts(self) -> Counter[str]:
        return Counter(e.action.status for e in self.effects)

    def verdict_counts(self) -> Counter[Verdict]:
        return Counter(e.verdict for e in self.effects)

    def responsible_counts(self) -> Counter[str]:
        return Counter(e.action.responsible or "" for e in self.effects)

    def type_counts(self) -> Counter[str]:
        return Counter(e.action.action_type or "" for e in self.effects)
