"""The trends page: one area × one factor (or all factors pooled) week by week over 12 or 52 weeks, with the
actions decided in that area marked on the timeline.

A week's level is the mean of the submitted reports, as in the situation picture and the reports' trend charts
(`bot.domain.stats.Series`, loaded by `bot.usecases.reports.load_series`); a week without reports has no level
(a gap, never a zero). Three queries whatever the span: the areas, the weekly figures, the actions.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.cycle import RoundKey, local_round_key
from bot.domain.factors import colour_for
from bot.domain.model import Person
from bot.domain.picture import AreaInfo
from bot.domain.stats import series_from_stats
from bot.text import t
from bot.text.numbers import format_number
from bot.usecases.context import Env

SPANS: tuple[int, ...] = (12, 52)
DEFAULT_SPAN = SPANS[0]
ALL_FACTORS = "all"


@dataclass(frozen=True)
class Option:
    """One choice of a select: its value, its label and whether it is the one shown."""

    value: str
    label: str
    selected: bool


@dataclass(frozen=True)
class TrendWeek:
    week: RoundKey
    level: float | None  # the mean of the week's reports; None: no reports (a gap)
    shown: str  # the level as people read it ("1,5"), "–" without reports
    colour: str  # the level's band: green, yellow, orange, red, or none
    answers: int  # the answers (one per reporter and factor) the level is the mean of


@dataclass(frozen=True)
class TrendAction:
    id: int
    week: RoundKey
    title: str
    place: str | None
    status: str  # worded


@dataclass(frozen=True)
class TrendsPage:
    area: str  # the area's code, "" when the group has no areas
    area_name: str
    factor: str  # a factor's code or ALL_FACTORS
    factor_label: str
    span: int
    areas: tuple[Option, ...]
    factors: tuple[Option, ...]
    spans: tuple[Option, ...]
    weeks: tuple[TrendWeek, ...]  # oldest first, every week of the span
    actions: tuple[TrendAction, ...]  # decided in the area (on the factor) within the span, oldest first

    @property
    def has_data(self) -> bool:
        return any(w.level is not None for w in self.weeks)

    @property
    def first(self) -> RoundKey:
        return self.weeks[0].week

    @property
    def last(self) -> RoundKey:
        return self.weeks[-1].week


def _span(value: str | int | None) -> int:
    try:
        span = int(value) if value is not None else DEFAULT_SPAN
    except ValueError:
        return DEFAULT_SPAN
    return span if span in SPANS else DEFAULT_SPAN


def trends_page(
    env: Env, person: Person, area: str | None = None, factor: str | None = None, span: str | int | None = None
) -> TrendsPage:
    """The trend of `area` × `factor` over the last `span` weeks up to this one. What is not a choice of the
    group (an unknown area or factor, a span other than 12 or 52) falls back to the default: the first area,
    all factors, 12 weeks."""
    group = env.config.group(person.group_id)
    lang = person.language
    weeks_shown = _span(span)
    last = local_round_key(env.clock.now(), group.tz)
    first = last.minus(weeks_shown - 1)
    factor_list = group.factor_list()
    labels = {f.code: f.label(lang) for f in factor_list}
    chosen_factor = factor if factor in labels else ALL_FACTORS
    with env.unit() as uow:
        areas = [AreaInfo(a.code, a.name) for a in uow.groups.areas(group.id)]
        names = {a.code: a.name for a in areas}
        chosen_area = area if area in names else (areas[0].code if areas else "")
        stats = uow.history.cell_stats(group.id, first, last) if chosen_area else []
        actions = uow.meeting.actions(group.id) if chosen_area else []
    series = series_from_stats([s for s in stats if s.area == chosen_area], areas, factor_list, first, last)
    codes = [f.code for f in factor_list] if chosen_factor == ALL_FACTORS else [chosen_factor]
    weeks = []
    for week in series.weeks:
        level = series.pooled(week, chosen_area, codes)
        answers = sum(s.count for c in codes if (s := series.stats.get((week, chosen_area, c))) is not None)
        shown = "–" if level is None else format_number(level, lang)
        weeks.append(TrendWeek(week, level, shown, colour_for(level), answers))
    marked = [
        TrendAction(a.id, a.week, a.title, a.place, t(lang, f"status.{a.status}"))
        for a in actions
        if a.area_code == chosen_area
        and first <= a.week <= last
        and (chosen_factor == ALL_FACTORS or not a.factors or chosen_factor in a.factors)
    ]
    marked.sort(key=lambda a: (a.week, a.id))
    return TrendsPage(
        area=chosen_area,
        area_name=names.get(chosen_area, ""),
        factor=chosen_factor,
        factor_label=labels.get(chosen_factor) or t(lang, "trend.all_factors"),
        span=weeks_shown,
        areas=tuple(Option(a.code, a.name, a.code == chosen_area) for a in areas),
        factors=(
            Option(ALL_FACTORS, t(lang, "trend.all_factors"), chosen_factor == ALL_FACTORS),
            *(Option(f.code, labels[f.code], f.code == chosen_factor) for f in factor_list),
        ),
        spans=tuple(Option(str(n), t(lang, "web.trends.span.weeks", weeks=n), n == weeks_shown) for n in SPANS),
        weeks=tuple(weeks),
        actions=tuple(marked),
    )
