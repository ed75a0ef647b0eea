"""The map's read side: every approved place with a level in a period, how high and how often it was named, its
factors, weeks and the actions decided there, and the areas' outlines from the settings.

Three reads, one query each, whatever the period: the places' levels per week and factor
(`History.place_levels`), the decided actions (`Meeting.actions`) and the areas (`Groups.areas`). Places without
a position are listed (the page's table) but not drawn (`drawn` is False).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from bot.config import GroupConfig
from bot.config.outline import Outline
from bot.domain.cycle import RoundKey, local_round_key
from bot.domain.factors import LEVEL_COLOURS, LEVEL_HEX, colour_for
from bot.domain.model import Action, Person
from bot.domain.stats import PlaceLevel, weeks_between
from bot.text import label, t
from bot.text.numbers import format_number
from bot.usecases.context import Env

#: The period the map shows when none is chosen: the last twelve weeks, this one included.
DEFAULT_WEEKS = 12
_LEVEL_OF = {colour: level for level, colour in LEVEL_COLOURS.items()}
#: The longest period one map shows (three years); a longer choice keeps its last week.
MAX_WEEKS = 156


@dataclass(frozen=True)
class MapFactor:
    """One factor at a place in the period: how often and how high, worded."""

    code: str
    label: str
    mentions: int
    highest: int
    mean: str  # worded, "2,5"
    text: str  # "Klotter: 3 gånger, högst 3, medel 2,3"


@dataclass(frozen=True)
class MapWeek:
    """A week in which the place was named: how often and how high."""

    week: str  # "2026-W47"
    mentions: int
    highest: int
    text: str  # "2026-W47: 2 gånger, högst 3"


@dataclass(frozen=True)
class MapAction:
    """An action the meeting decided at the place in the period."""

    id: int
    week: str
    title: str
    status: str  # worded
    responsible: str  # worded, or "not chosen"
    text: str  # "2026-W45: Belysning vid skolan (Kommunen, pågår)"


@dataclass(frozen=True)
class MapPlace:
    """An approved place with a level in the period."""

    id: int
    name: str
    area: str  # the area's code
    area_name: str
    lat: float | None
    lon: float | None
    drawn: bool  # has a position, so the map draws it
    mentions: int  # reports that named it in the period
    highest: int
    mean: str  # the mean level of those reports, worded
    colour: str  # EST's band of the mean: green, yellow, orange or red
    hex: str  # that band's colour
    level: str  # the band's level in words, "Återkommande"
    summary: str  # "Nämnd 5 gånger, högst 3, medel 2,4"
    factors: tuple[MapFactor, ...]
    weeks: tuple[MapWeek, ...]
    actions: tuple[MapAction, ...]


@dataclass(frozen=True)
class MapArea:
    code: str
    name: str
    outline: Outline | None  # a MultiPolygon's coordinates, (longitude, latitude) pairs; None: no outline


@dataclass(frozen=True)
class MapData:
    """What the map page shows and its script draws; places highest first."""

    first: str  # "2026-W36"
    last: str  # "2026-W47"
    weeks: int
    places: tuple[MapPlace, ...]
    areas: tuple[MapArea, ...]

    @property
    def drawn(self) -> int:
        """How many places the map draws (one marker each)."""
        return sum(1 for p in self.places if p.drawn)


def period(env: Env, group: GroupConfig, first: RoundKey | None, last: RoundKey | None) -> tuple[RoundKey, RoundKey]:
    """The weeks to show: the chosen ones in order, by default the last twelve up to this week; at most
    `MAX_WEEKS`, counted back from the last."""
    if last is None:
        last = local_round_key(env.clock.now(), group.tz) if first is None else first.minus(-(DEFAULT_WEEKS - 1))
    if first is None:
        first = last.minus(DEFAULT_WEEKS - 1)
    if first > last:
        first, last = last, first
    earliest = last.minus(MAX_WEEKS - 1)
    return (earliest if first < earliest else first), last


def map_data(
    env: Env, person: Person, first_week: RoundKey | None = None, last_week: RoundKey | None = None
) -> MapData:
    """Every approved place with a level from `first_week` to `last_week` (default: the last 12 weeks), worded in
    the person's language, with the actions decided there and the group's area outlines."""
    group = env.config.group(person.group_id)
    lang = person.language
    first, last = period(env, group, first_week, last_week)
    with env.unit() as uow:
        levels = uow.history.place_levels(group.id, first, last)
        actions = uow.meeting.actions(group.id) if levels else []
        stored_areas = uow.groups.areas(group.id)
    area_names = {a.code: a.name for a in stored_areas} | {a.code: a.name for a in group.areas}
    factor_labels = {f.code: f.label(lang) for f in group.factor_list()}
    by_place: dict[int, list[PlaceLevel]] = defaultdict(list)
    for row in levels:
        by_place[row.place_id].append(row)
    decided: dict[tuple[str, str], list[Action]] = defaultdict(list)
    for a in actions:
        if a.place is not None and first <= a.week <= last:
            decided[(a.area_code, a.place)].append(a)
    places = [
        _place(rows, area_names, factor_labels, decided[(rows[0].area, rows[0].place)], lang)
        for rows in by_place.values()
    ]
    places.sort(key=lambda p: (-_mean(by_place[p.id]), -p.highest, -p.mentions, p.name.casefold(), p.id))
    areas = tuple(MapArea(a.code, a.name, a.outline_shape()) for a in group.areas)
    return MapData(str(first), str(last), len(weeks_between(first, last)), tuple(places), areas)


def _mean(rows: list[PlaceLevel]) -> float:
    return sum(r.total for r in rows) / sum(r.count for r in rows)


def _times(lang: str, n: int) -> str:
    return t(lang, "web.map.times.one" if n == 1 else "web.map.times.many", n=n)


def _place(
    rows: list[PlaceLevel],
    area_names: dict[str, str],
    factor_labels: dict[str, str],
    actions: list[Action],
    lang: str,
) -> MapPlace:
    first = rows[0]
    mentions = sum(r.count for r in rows)
    highest = max(r.max for r in rows)
    mean = _mean(rows)
    colour = colour_for(mean)
    mean_text = format_number(mean, lang)

    per_factor: dict[str, list[PlaceLevel]] = defaultdict(list)
    per_week: dict[RoundKey, list[PlaceLevel]] = defaultdict(list)
    for r in rows:
        per_factor[r.factor].append(r)
        per_week[r.week].append(r)
    factors = []
    for code, fr in per_factor.items():
        n, top, fmean = sum(r.count for r in fr), max(r.max for r in fr), format_number(_mean(fr), lang)
        name = factor_labels.get(code, code)
        text = t(lang, "web.map.factor_line", factor=name, times=_times(lang, n), highest=top, mean=fmean)
        factors.append(MapFactor(code, name, n, top, fmean, text))
    factors.sort(key=lambda f: (-f.highest, -f.mentions, f.label.casefold()))
    weeks = []
    for key in sorted(per_week):
        n, top = sum(r.count for r in per_week[key]), max(r.max for r in per_week[key])
        weeks.append(
            MapWeek(str(key), n, top, t(lang, "web.map.week_line", week=str(key), times=_times(lang, n), highest=top))
        )
    decided = []
    for a in sorted(actions, key=lambda a: (a.week, a.id)):
        status = label(lang, "status", a.status)
        responsible = label(lang, "resp", a.responsible)
        text = t(lang, "web.map.action_line", week=str(a.week), title=a.title, responsible=responsible, status=status)
        decided.append(MapAction(a.id, str(a.week), a.title, status, responsible, text))
    drawn = first.lat is not None and first.lon is not None
    return MapPlace(
        id=first.place_id,
        name=first.place,
        area=first.area,
        area_name=area_names.get(first.area, first.area),
        lat=first.lat,
        lon=first.lon,
        drawn=drawn,
        mentions=mentions,
        highest=highest,
        mean=mean_text,
        colour=colour,
        hex=LEVEL_HEX[colour],
        level=t(lang, f"level.{_LEVEL_OF[colour]}"),
        summary=t(lang, "web.map.summary", times=_times(lang, mentions), highest=highest, mean=mean_text),
        factors=tuple(factors),
        weeks=tuple(weeks),
        actions=tuple(decided),
    )
