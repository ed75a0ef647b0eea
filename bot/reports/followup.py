"""The follow-up of decided actions: the level at the action's place or area in the weeks around the decision.

For each action the level is the pooled mean of the reports on the action's factors in its area (all factors
when it names none), week by week; when it names a place, the number of reports that named that place too.

The rule (written out in every follow-up report, see `followup.effect.rule`):

* before = the mean of the weekly levels of the `BEFORE_WEEKS` weeks up to and including the decision week
  (the week whose picture the meeting decided on), weeks without reports left out;
* after = the mean of the weekly levels of the `AFTER_WEEKS` weeks that follow, up to the last week with
  data; at least `MIN_AFTER` of them must have reports, otherwise it is too early to say;
* a change of at least `STEP` in either direction is "lower" or "higher", anything smaller "unchanged".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.domain.cycle import RoundKey
from bot.domain.model import Action
from bot.domain.picture import normalise_place
from bot.domain.stats import Participation, PlaceMention, Series, WeekStat, weeks_between

BEFORE_WEEKS = 4
AFTER_WEEKS = 4
MIN_AFTER = 2
STEP = 0.25
SHOW_BEFORE = 5  # weeks shown before the decision week in an action's table and chart
SHOW_AFTER = 8  # and after it
VERDICTS = ("lower", "same", "higher", "unknown")


@dataclass(frozen=True)
class ActionEffect:
    action: Action
    weeks: list[RoundKey]  # the weeks shown, oldest first
    levels: list[float | None]  # the level in each of them (None: no reports)
    mentions: list[int] | None  # reports naming the place each week; None when the action has no place
    before: float | None
    after: float | None
    organisations: list[str]  # of those who voted for it

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def verdict(self) -> str:
        change = self.change
        if change is None:
            return "unknown"
        if change <= -STEP:
            return "lower"
        if change >= STEP:
            return "higher"
        return "same"


def _mean(values: Iterable[float | None]) -> float | None:
    seen = [v for v in values if v is not None]
    return sum(seen) / len(seen) if seen else None


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
    before = _mean(
        series.pooled(w, action.area_code, factors) for w in weeks_between(decided.minus(BEFORE_WEEKS - 1), decided)
    )
    after_weeks = [w for w in weeks_between(decided.next(), decided.minus(-AFTER_WEEKS)) if w <= last_week]
    after_levels = [series.pooled(w, action.area_code, factors) for w in after_weeks]
    after = _mean(after_levels) if sum(v is not None for v in after_levels) >= MIN_AFTER else None
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
    return ActionEffect(action, shown, levels, named, before, after, list(organisations))


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

    def verdict_counts(self) -> Counter[str]:
        return Counter(e.verdict for e in self.effects)

    def responsible_counts(self) -> Counter[str]:
        return Counter(e.action.responsible or "" for e in self.effects)

    def type_counts(self) -> Counter[str]:
        return Counter(e.action.action_type or "" for e in self.effects)
