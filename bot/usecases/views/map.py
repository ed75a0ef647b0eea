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
#: The longest period one map shows (three years); a longer choice keeps its last week.
MAX_WEEKS = 156
_LEVEL_OF = {colour: level for level, colour in LEVEL_COLOURS.items()}


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
    tallies: dict[int, _PlaceTally] = {}
    for row in levels:  # oldest week first, so each place's weeks come in order
        tally = tallies.get(row.place_id)
        if tally is None:
            tally = tallies[row.place_id] = _PlaceTally(row)
        tally.add(row)
    decided: dict[tuple[str, str], list[Action]] = defaultdict(list)
    for a in actions:
        if a.place is not None and first <= a.week <= last:
            decided[(a.area_code, a.place)].append(a)
    ordered = sorted(
        tallies.values(),
        key=lambda p: (-p.all.mean, -p.all.max, -p.all.count, p.first.place.casefold(), p.first.place_id),
    )
    words = _Words(lang)
    places = tuple(_place(p, area_names, factor_labels, decided[(p.first.area, p.first.place)], words) for p in ordered)
    areas = tuple(MapArea(a.code, a.name, a.outline_shape()) for a in group.areas)
    return MapData(str(first), str(last), len(weeks_between(first, last)), places, areas)


class _Tally:
    """Reports counted as they come: how many, the sum and the highest of their levels."""

    __slots__ = ("count", "max", "total")

    def __init__(self) -> None:
        self.count = self.total = self.max = 0

    @property
    def mean(self) -> float:
        return self.total / self.count


class _PlaceTally:
    """One place's reports in the period: in all, per factor and per week."""

    __slots__ = ("all", "factors", "first", "weeks")

    def __init__(self, first: PlaceLevel) -> None:
        self.first = first
        self.all = _Tally()
        self.factors: dict[str, _Tally] = {}
        self.weeks: dict[RoundKey, _Tally] = {}

    def add(self, row: PlaceLevel) -> None:
        count, total, top = row.mentions, row.total, row.max
        for tally in (
            self.all,
            self.factors.get(row.factor) or self.factors.setdefault(row.factor, _Tally()),
            self.weeks.get(row.week) or self.weeks.setdefault(row.week, _Tally()),
        ):
            tally.count += count
            tally.total += total
            if top > tally.max:
                tally.max = top


class _Words:
    """The catalogue's words for one language, with the counts ("3 gånger") and levels ("2,5") worded once."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._times: dict[int, str] = {}
        self._numbers: dict[float, str] = {}
        self._weeks: dict[RoundKey, str] = {}

    def t(self, key: str, **kw: object) -> str:
        return t(self.lang, key, **kw)

    def times(self, n: int) -> str:
        text = self._times.get(n)
        if text is None:
            text = self._times[n] = t(self.lang, "web.map.times.one" if n == 1 else "web.map.times.many", n=n)
        return text

    def week(self, key: RoundKey) -> str:
        text = self._weeks.get(key)
        if text is None:
            text = self._weeks[key] = str(key)
        return text

    def number(self, value: float) -> str:
        text = self._numbers.get(value)
        if text is None:
            text = self._numbers[value] = format_number(value, self.lang)
        return text


def _place(
    tally: _PlaceTally,
    area_names: dict[str, str],
    factor_labels: dict[str, str],
    actions: list[Action],
    words: _Words,
) -> MapPlace:
    first, lang = tally.first, words.lang
    mean = tally.all.mean
    colour = colour_for(mean)
    mean_text = words.number(mean)
    factors = []
    for code, ft in tally.factors.items():
        name, fmean = factor_labels.get(code, code), words.number(ft.mean)
        text = words.t("web.map.factor_line", factor=name, times=words.times(ft.count), highest=ft.max, mean=fmean)
        factors.append(MapFactor(code, name, ft.count, ft.max, fmean, text))
    factors.sort(key=lambda f: (-f.highest, -f.mentions, f.label.casefold()))
    weeks = []
    for key, wt in tally.weeks.items():
        week = words.week(key)
        text = words.t("web.map.week_line", week=week, times=words.times(wt.count), highest=wt.max)
        weeks.append(MapWeek(week, wt.count, wt.max, text))
    decided = []
    for a in sorted(actions, key=lambda a: (a.week, a.id)):
        status = label(lang, "status", a.status)
        responsible = label(lang, "resp", a.responsible)
        text = t(lang, "web.map.action_line", week=str(a.week), title=a.title, responsible=responsible, status=status)
        decided.append(MapAction(a.id, str(a.week), a.title, status, responsible, text))
    return MapPlace(
        id=first.place_id,
        name=first.place,
        area=first.area,
        area_name=area_names.get(first.area, first.area),
        lat=first.lat,
        lon=first.lon,
        drawn=first.lat is not None and first.lon is not None,
        mentions=tally.all.count,
        highest=tally.all.max,
        mean=mean_text,
        colour=colour,
        hex=LEVEL_HEX[colour],
        level=t(lang, f"level.{_LEVEL_OF[colour]}"),
        summary=words.t("web.map.summary", times=words.times(tally.all.count), highest=tally.all.max, mean=mean_text),
        factors=tuple(factors),
        weeks=tuple(weeks),
        actions=tuple(decided),
    )
