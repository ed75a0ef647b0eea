"""The monthly statistics follow-up: imported records, police events, and their trends.

Pure code. Two kinds of figures come in (see docs/STATISTICS.md):

* :class:`StatRecord` — the police's reported crimes (``source="police"``) and the municipality's vandalism
  reports (``source="vandalism"``). A record is either a monthly count (``day`` is None: Brå's statistics
  database gives months) or one dated report (``day`` set: a list of reports, one row each). Trends by
  weekday can only use dated records; trends by month and place use both.
* :class:`PoliceEvent` — an event from the Swedish Police's open events API (or a JSON file in its format).

Which police events belong to which area is decided by :func:`match_event_area`, the rule documented in
docs/STATISTICS.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

SOURCES: tuple[str, ...] = ("police", "vandalism")


@dataclass(frozen=True, slots=True)
class StatRecord:
    source: str  # "police" | "vandalism"
    key: str  # the natural key (see docs/STATISTICS.md); unique per group and source
    year: int
    month: int
    day: date | None  # None: a monthly count
    category: str
    region: str  # the municipality (kommun) as the file names it, "" if the file has none
    place: str  # place, address or area as the file names it, "" if none
    count: int


@dataclass(frozen=True, slots=True)
class PoliceEvent:
    event_id: int
    at: datetime  # aware
    name: str
    summary: str
    url: str
    type: str
    location: str
    lat: float | None
    lon: float | None


@dataclass(frozen=True, slots=True)
class AreaEvent:
    """A police event of the week placed in one of the group's areas (for the situation picture)."""

    area: str  # area code
    at: datetime  # aware
    type: str
    location: str
    place: str | None  # the known place it was matched by, if any
    summary: str
    url: str


# --------------------------------------------------------------------------- months


@dataclass(frozen=True, order=True, slots=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1900 <= self.year <= 9999:
            raise ValueError(f"no such month: {self.year}-{self.month}")

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @classmethod
    def of(cls, d: date) -> Month:
        return cls(d.year, d.month)

    @classmethod
    def parse(cls, s: str) -> Month:
        """``2026-11`` (also ``2026/11``, ``2026M11``); ValueError otherwise."""
        m = re.fullmatch(r"\s*(\d{4})\s*[-/Mm]\s*(\d{1,2})\s*", s)
        if m is None:
            raise ValueError(f"invalid month {s!r}: write it as YYYY-MM, e.g. 2026-11")
        return cls(int(m.group(1)), int(m.group(2)))

    def plus(self, n: int) -> Month:
        i = self.year * 12 + self.month - 1 + n
        return Month(i // 12, i % 12 + 1)

    def first_day(self) -> date:
        return date(self.year, self.month, 1)


def months_back(last: Month, n: int) -> list[Month]:
    """The ``n`` months ending with ``last``, oldest first."""
    return [last.plus(-i) for i in range(n - 1, -1, -1)]


# --------------------------------------------------------------------------- names and matching


def norm_name(name: str | None) -> str:
    """A name made comparable: Unicode NFC, whitespace collapsed, case folded."""
    if not name:
        return ""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


_CODE_PREFIX = re.compile(r"^\d{2,4}\s+")
_SUFFIX = re.compile(r"\s+(kommun|stad|municipality)$")


def norm_municipality(name: str | None) -> str:
    """A municipality as Brå, the police and people write it made comparable: "1287 Trelleborg",
    "Trelleborgs kommun" and "Trelleborg" become "trelleborg" or "trelleborgs" (see :func:`same_municipality`)."""
    return _SUFFIX.sub("", _CODE_PREFIX.sub("", norm_name(name)))


def same_municipality(a: str | None, b: str | None) -> bool:
    """Whether two spellings name the same municipality; a genitive s ("Trelleborgs kommun") does not count."""
    x, y = norm_municipality(a), norm_municipality(b)
    return bool(x and y) and (x == y or x + "s" == y or x == y + "s")


def match_event_area(
    event: PoliceEvent,
    areas: Sequence[tuple[str, str]],
    places: Mapping[str, Sequence[str]],
    municipality: str | None,
) -> tuple[str, str | None] | None:
    """The (area code, matched place) a police event belongs to, or None if it is outside the group's areas.

    1. The event's location name equals (compared by :func:`norm_name`) an area's code or name → that area;
       or a known place of exactly one area → that area and place.
    2. Otherwise, when the location name is the group's municipality, the summary and the event name are
       searched for the known places and area names (whole words, case-insensitive); if they name places or
       areas of exactly one area, the event belongs to that area (the longest place named is given).
    Anything else (another municipality, a county-wide event, a summary naming several areas or none)
    stays out of the situation picture; the monthly statistics still count it.
    """
    loc = norm_name(event.location)
    if not loc:
        return None
    for code, name in areas:
        if loc in (norm_name(code), norm_name(name)):
            return code, None
    owners = [(code, p) for code, _ in areas for p in places.get(code, ()) if norm_name(p) == loc]
    if len({c for c, _ in owners}) == 1:
        return owners[0][0], owners[0][1]
    if municipality is None or not same_municipality(event.location, municipality):
        return None
    text = norm_name(f"{event.name} {event.summary}")
    found: dict[str, list[str]] = {}
    for code, name in areas:
        for candidate in [*places.get(code, ()), name]:
            n = norm_name(candidate)
            if n and re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text):
                found.setdefault(code, []).append(candidate if candidate != name else "")
    if len(found) != 1:
        return None
    code, hits = next(iter(found.items()))
    named = sorted((h for h in hits if h), key=len, reverse=True)
    return code, named[0] if named else None


def events_in_areas(
    events: Iterable[PoliceEvent],
    areas: Sequence[tuple[str, str]],
    places: Mapping[str, Sequence[str]],
    municipality: str | None,
) -> list[AreaEvent]:
    out: list[AreaEvent] = []
    for e in sorted(events, key=lambda e: (e.at, e.event_id)):
        hit = match_event_area(e, areas, places, municipality)
        if hit is not None:
            out.append(AreaEvent(hit[0], e.at, e.type, e.location, hit[1], e.summary, e.url))
    return out


# --------------------------------------------------------------------------- trends


@dataclass(frozen=True)
class SourceTrend:
    """One source's figures for the follow-up of ``month``: counts per month, weekday and place."""

    source: str
    month: Month
    by_month: list[tuple[Month, int]]  # the trend window, oldest first
    total: int  # in `month`
    previous: int  # the month before
    year_before: int | None  # the same month a year before, None when the window does not reach it
    categories: list[tuple[str, int]]  # in `month`, most first
    weekdays: list[int]  # Monday..Sunday counts over the window, dated records only
    dated: int  # how many of the window's counts the weekdays are based on
    places: list[tuple[str, int]]  # over the window, most first
    places_month: list[tuple[str, int]]  # in `month`, most first


def _most(counter: Counter[str], n: int) -> list[tuple[str, int]]:
    return sorted(((k, v) for k, v in counter.items() if v > 0), key=lambda kv: (-kv[1], kv[0].casefold()))[:n]


def source_trend(source: str, records: Iterable[StatRecord], month: Month, window: int = 13) -> SourceTrend:
    """Figures for ``month`` and the ``window`` months ending with it (13: the same month a year before)."""
    months = months_back(month, window)
    first = months[0]
    per_month: Counter[Month] = Counter()
    categories: Counter[str] = Counter()
    weekdays = [0] * 7
    dated = 0
    places: Counter[str] = Counter()
    places_month: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for r in records:
        if r.source != source:
            continue
        m = Month(r.year, r.month)
        if m < first or m > month:
            continue
        per_month[m] += r.count
        if r.day is not None:
            weekdays[r.day.weekday()] += r.count
            dated += r.count
        if r.place:
            key = norm_name(r.place)
            spelling.setdefault(key, " ".join(r.place.split()))
            places[key] += r.count
            if m == month:
                places_month[key] += r.count
        if m == month:
            categories[r.category] += r.count

    def named(items: list[tuple[str, int]]) -> list[tuple[str, int]]:
        return [(spelling[k], v) for k, v in items]

    return SourceTrend(
        source=source,
        month=month,
        by_month=[(m, per_month[m]) for m in months],
        total=per_month[month],
        previous=per_month[month.plus(-1)],
        year_before=per_month[month.plus(-12)] if window >= 13 else None,
        categories=_most(categories, 8),
        weekdays=weekdays,
        dated=dated,
        places=named(_most(places, 10)),
        places_month=named(_most(places_month, 5)),
    )


@dataclass(frozen=True, slots=True)
class PlaceTotal:
    """A place named over a trend window: its name as first written, its count per source (in the order of the
    trends given) and in all."""

    name: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


def top_places(trends: Sequence[SourceTrend], top: int = 10) -> list[PlaceTotal]:
    """The `top` places named most over the window of all sources together (names compared as `norm_name`
    does), most first, then by name."""
    spelling: dict[str, str] = {}
    per_source: list[Counter[str]] = []
    totals: Counter[str] = Counter()
    for tr in trends:
        counts: Counter[str] = Counter()
        for place, n in tr.places:
            key = norm_name(place)
            spelling.setdefault(key, place)
            counts[key] += n
            totals[key] += n
        per_source.append(counts)
    keys = [k for k, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    return [PlaceTotal(spelling[k], tuple(c.get(k, 0) for c in per_source)) for k in keys]


def events_trend(
    events: Iterable[PoliceEvent],
    month: Month,
    tz: ZoneInfo,
    window: int = 13,
    place_of: Callable[[PoliceEvent], str] | None = None,
) -> SourceTrend:
    """The police events as a source of their own: by type, local weekday and place (`place_of`, by default
    the event's location name)."""
    records = []
    for e in events:
        local = e.at.astimezone(tz)
        place = place_of(e) if place_of is not None else e.location
        records.append(
            StatRecord("events", str(e.event_id), local.year, local.month, local.date(), e.type, "", place, 1)
        )
    return source_trend("events", records, month, window)
