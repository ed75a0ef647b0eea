"""The statistics page: the monthly follow-up of the imported figures (crimes reported to the police, the
municipality's vandalism reports, police events) for a chosen month, as the `stats` command and the monthly post
give it (`bot.usecases.statistics.load_followup`, `followup_lines`), with the figures of its three charts (by
month, by weekday, by place; `bot.reports.stats_charts` draws the same for the chat) as tables; and the month's
year in brief as the yearly follow-up words it (`bot.usecases.reports.load_followup`,
`bot.reports.documents.followup_view`): weeks, answers, actions and what came of them, who took part.

The queries are those of the two follow-ups: the records, the events, the areas and their places; the year's
weeks, participation, actions and weekly figures."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.cycle import local_round_key, previous_month
from bot.domain.model import Person
from bot.domain.statistics import Month, top_places
from bot.reports.palette import OTHER_SOURCE_COLOUR, SOURCE_COLOURS
from bot.text import t
from bot.usecases import reports
from bot.usecases.context import Env
from bot.usecases.statistics import followup_lines, load_followup, month_name

MONTHS_OFFERED = 24  # months one can choose, this month and those before it
TOP_PLACES = 10


@dataclass(frozen=True)
class MonthOption:
    value: str  # "2026-11"
    label: str  # "november 2026"
    selected: bool


@dataclass(frozen=True)
class FigureLine:
    text: str
    detail: bool  # a line about the source above it (its categories, its places)


@dataclass(frozen=True)
class Source:
    code: str  # police, vandalism, events
    label: str
    colour: str  # the source's colour in every chart (bot.reports.palette)


@dataclass(frozen=True)
class MonthCounts:
    month: Month
    label: str  # "november 2026"
    short: str  # "nov", as the charts' axis writes it
    counts: tuple[int, ...]  # per source, in the order of StatisticsPage.sources


@dataclass(frozen=True)
class DayCounts:
    label: str  # "mån"
    counts: tuple[int, ...]


@dataclass(frozen=True)
class PlaceCounts:
    name: str
    counts: tuple[int, ...]
    total: int


@dataclass(frozen=True)
class CountTable:
    """A small table of the year in brief: who reported, actions by who acts, by type."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class YearInBrief:
    title: str  # "Uppföljning 2026 – Tryggare Trelleborg"
    lines: tuple[str, ...]  # weeks, answers and response rate; actions by status; what came of them
    tables: tuple[CountTable, ...]


@dataclass(frozen=True)
class StatisticsPage:
    month: Month
    month_label: str
    months: tuple[MonthOption, ...]
    has_data: bool
    lines: tuple[FigureLine, ...]  # the month's figures as the follow-up words them; why not, when there are none
    sources: tuple[Source, ...]
    by_month: tuple[MonthCounts, ...]  # the trend window, oldest first
    by_weekday: tuple[DayCounts, ...]  # Monday … Sunday over the window, dated figures only
    by_place: tuple[PlaceCounts, ...]  # the places named most over the window, most first
    window: str  # the window in words, "november 2025–november 2026"
    year: YearInBrief

    def shown(self, counts: tuple[int, ...]) -> tuple[tuple[Source, int], ...]:
        """A row's counts paired with their sources."""
        return tuple(zip(self.sources, counts, strict=True))


def _month(value: str | None, default: Month, latest: Month) -> Month:
    if not value:
        return default
    try:
        month = Month.parse(value)
    except ValueError:
        return default
    return month if month <= latest else default


def statistics_page(env: Env, person: Person, month: str | None = None) -> StatisticsPage:
    """The follow-up of `month` ("2026-11"); last month when none is given, or one that is not a month that has
    begun."""
    group = env.config.group(person.group_id)
    lang = person.language
    today = env.clock.now().astimezone(group.tz).date()
    latest = Month.of(today)
    chosen = _month(month, Month(*previous_month(today)), latest)
    with env.unit() as uow:
        fu = load_followup(uow, group, chosen)
        yearly = reports.load_followup(uow, group, chosen.year, local_round_key(env.clock.now(), group.tz))
    # the yearly follow-up's words; its module loads the PDF renderer and matplotlib, so only when asked
    from bot.reports.documents import followup_view

    brief = followup_view(yearly, lang)
    sources = tuple(
        Source(tr.source, t(lang, f"stats.source.{tr.source}"), SOURCE_COLOURS.get(tr.source, OTHER_SOURCE_COLOUR))
        for tr in fu.trends
    )
    months = [m for m, _ in fu.trends[0].by_month] if fu.trends else []
    by_month = tuple(
        MonthCounts(
            m,
            month_name(m, lang),
            t(lang, f"stats.month.{m.month}")[:3],
            tuple(tr.by_month[i][1] for tr in fu.trends),
        )
        for i, m in enumerate(months)
    )
    by_weekday = tuple(
        DayCounts(t(lang, f"stats.day.{d + 1}"), tuple(tr.weekdays[d] for tr in fu.trends)) for d in range(7)
    )
    by_place = tuple(PlaceCounts(p.name, p.counts, p.total) for p in top_places(fu.trends, TOP_PLACES))
    offered = [latest.plus(-i) for i in range(MONTHS_OFFERED)]
    if chosen not in offered:
        offered.append(chosen)
    lines = followup_lines(fu, lang) if fu.has_data else [t(lang, "stats.nothing", month=month_name(chosen, lang))]
    return StatisticsPage(
        month=chosen,
        month_label=month_name(chosen, lang),
        months=tuple(MonthOption(str(m), month_name(m, lang), m == chosen) for m in offered),
        has_data=fu.has_data,
        lines=tuple(FigureLine(line.strip(), line.startswith(" ")) for line in lines),
        sources=sources,
        by_month=by_month,
        by_weekday=by_weekday,
        by_place=by_place,
        window=f"{month_name(months[0], lang)}–{month_name(months[-1], lang)}" if months else "",
        year=YearInBrief(
            str(brief["title"]),
            (*(str(line) for line in brief["overview"]), str(brief["effect_summary"])),
            tuple(
                CountTable(str(w["title"]), tuple(w["header"]), tuple(tuple(r) for r in w["rows"]))
                for w in brief["who"]
            ),
        ),
    )
