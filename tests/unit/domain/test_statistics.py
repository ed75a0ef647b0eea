"""The pure parts of the follow-up: months, which area a police event belongs to, trends, cell parsing, and
the charts drawn from a known data set (size, source colours, never blank)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.statistics import (
    Month,
    PoliceEvent,
    StatRecord,
    events_trend,
    match_event_area,
    months_back,
    same_municipality,
    source_trend,
)
from bot.reports.stats_charts import SOURCE_COLOURS, by_month_png, by_place_png, by_weekday_png
from bot.stats.importers import (
    BadValue,
    ImportFailed,
    parse_count,
    parse_date,
    parse_event_datetime,
    parse_period,
    parse_records,
    read_events,
    read_table,
)
from tests.support.paths import DATA

AREAS = [("centrum", "Centrum"), ("norr", "Norr")]
PLACES = {"centrum": ["Stortorget", "Resecentrum"], "norr": ["Norrskolan", "Stortorget"]}


def ev(location: str, summary: str = "", name: str = "") -> PoliceEvent:
    at = datetime(2026, 11, 15, 22, 30, tzinfo=UTC)
    return PoliceEvent(1, at, name or f"15 november, Bråk, {location}", summary, "/x", "Bråk", location, None, None)


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (ev("Norr"), ("norr", None)),  # 1: the location is an area's name ...
        (ev("centrum"), ("centrum", None)),  # ... or code
        (ev("Resecentrum"), ("centrum", "Resecentrum")),  # ... or a place of one area
        (ev("Stortorget"), None),  # a place name two areas share decides nothing
        (ev("Trelleborg", "Stökigt vid resecentrum i natt."), ("centrum", "Resecentrum")),  # 2: the summary
        (ev("Trelleborgs kommun", "Glaskross på Norrskolan."), ("norr", "Norrskolan")),
        (ev("Trelleborg", "Bråk i Centrum och på Norrskolan."), None),  # two areas named
        (ev("Trelleborg", "Bråk vid Stortorget."), None),  # a shared place names two areas
        (ev("Trelleborg", "Bråk vid Stortorgets parkering."), None),  # whole words only
        (ev("Trelleborg", "En bilist stoppades."), None),  # nothing named
        (ev("Vellinge", "Bråk vid Resecentrum."), None),  # another municipality
        (ev("Skåne län", "Lugn natt, bråk vid Resecentrum."), None),  # the county
        (ev("Trelleborg", "", "15 november, Brand, Norrskolan, Trelleborg"), ("norr", "Norrskolan")),  # the name
    ],
)
def test_which_area_a_police_event_belongs_to(event: PoliceEvent, expected: tuple[str, str | None] | None) -> None:
    assert match_event_area(event, AREAS, PLACES, "Trelleborg") == expected


def test_without_a_municipality_only_the_location_name_places_an_event() -> None:
    assert match_event_area(ev("Trelleborg", "vid Resecentrum"), AREAS, PLACES, None) is None
    assert match_event_area(ev("Norr"), AREAS, PLACES, None) == ("norr", None)


def test_municipality_spellings() -> None:
    assert same_municipality("1287 Trelleborg", "Trelleborg")
    assert same_municipality("Trelleborgs kommun", "trelleborg")
    assert same_municipality("Borås stad", "Borås") and same_municipality("Borås kommun", "1490 Borås")
    assert not same_municipality("Vellinge", "Trelleborg") and not same_municipality("", "")


def test_months() -> None:
    m = Month.parse("2026-01")
    assert (str(m.plus(-1)), str(m.plus(11)), str(m.plus(12))) == ("2025-12", "2026-12", "2027-01")
    assert [str(x) for x in months_back(Month(2026, 2), 3)] == ["2025-12", "2026-01", "2026-02"]
    for bad in ("2026-13", "2026", "nov 2026", ""):
        with pytest.raises(ValueError):
            Month.parse(bad)


def test_cell_values() -> None:
    assert parse_count(" 1 234 ") == 1234 and parse_count("1\u00a0234") == 1234 and parse_count(12.0) == 12
    assert parse_count("..") is None and parse_count("–") == 0
    for bad in ("1,5", 2.5, "tolv", "-3", True):
        with pytest.raises(BadValue):
            parse_count(bad)
    assert parse_date("2026-11-17 21:15") == (date(2026, 11, 17), time(21, 15))
    assert parse_date(datetime(2026, 11, 17, 0, 0)) == (date(2026, 11, 17), None)  # noqa: DTZ001 (a spreadsheet cell has no zone)
    periods = ("2026M11", "2026-11", "2026 november", "november 2026", "nov 2026", "2026-11-01", "2026 nov.")
    assert {str(parse_period(p)) for p in periods} == {"2026-11"}
    assert parse_period("hösten") is None and parse_period(2026) is None
    assert parse_event_datetime("2026-11-17 9:05:00 +01:00") == datetime(2026, 11, 17, 8, 5, tzinfo=UTC)
    assert parse_event_datetime("2026-06-17 09:05:00 +02:00") == datetime(2026, 6, 17, 7, 5, tzinfo=UTC)


def test_trends_of_a_known_data_set() -> None:
    recs = [
        StatRecord("vandalism", "a", 2026, 10, date(2026, 10, 3), "Klotter", "", "Stortorget", 1),  # Saturday
        StatRecord("vandalism", "b", 2026, 10, date(2026, 10, 10), "Klotter", "", "stortorget ", 2),  # Saturday
        StatRecord("vandalism", "c", 2026, 11, date(2026, 11, 2), "Brand", "", "Norrskolan", 1),  # Monday
        StatRecord("vandalism", "d", 2025, 11, None, "Klotter", "", "", 7),  # a year before
        StatRecord("vandalism", "e", 2025, 10, None, "Klotter", "", "", 100),  # outside the window
        StatRecord("police", "f", 2026, 11, None, "Rån", "Trelleborg", "", 5),  # another source
    ]
    tr = source_trend("vandalism", recs, Month(2026, 11))
    assert [n for _, n in tr.by_month] == [7] + [0] * 10 + [3, 1]
    assert (tr.total, tr.previous, tr.year_before) == (1, 3, 7)
    assert tr.categories == [("Brand", 1)]
    assert tr.weekdays == [1, 0, 0, 0, 0, 3, 0] and tr.dated == 4
    assert tr.places == [("Stortorget", 3), ("Norrskolan", 1)]  # spellings merged
    assert tr.places_month == [("Norrskolan", 1)]
    events = [ev("Trelleborg"), ev("Vellinge")]
    et = events_trend(events, Month(2026, 11), ZoneInfo("Europe/Stockholm"), place_of=lambda e: e.location[:4])
    assert et.total == 2 and et.weekdays[6] == 2  # Sunday 23:30 local
    assert sorted(et.places) == [("Trel", 1), ("Vell", 1)]


def test_the_charts_of_a_known_data_set_are_phone_sized_coloured_and_not_blank(tmp_path: Path) -> None:
    from matplotlib import image

    recs = []
    for kind, name in (("police", "bra_anmalda_brott.xlsx"), ("vandalism", "skadegorelse_kommunen.xlsx")):
        recs += parse_records(read_table(DATA / name), kind, "Trelleborg").records
    events = read_events(DATA / "polisen_handelser.json").events
    month = Month(2026, 11)
    trends = [
        source_trend("police", recs, month),
        source_trend("vandalism", recs, month),
        events_trend(events, month, ZoneInfo("Europe/Stockholm")),
    ]
    paths = [
        by_month_png(trends, "Tryggare Trelleborg", "sv", tmp_path / "m.png"),
        by_weekday_png(trends, "en", tmp_path / "w.png"),
        by_place_png(trends, "sv", tmp_path / "p.png"),
    ]
    expected = (("police", "vandalism", "events"), ("vandalism", "events"), ("vandalism",))
    for path, sources in zip(paths, expected, strict=True):
        pixels = image.imread(path)
        height, width = pixels.shape[:2]
        assert width == 960 and height >= 600, (path.name, width, height)
        rgb = (pixels.reshape(-1, 4)[:, :3] * 255).round().astype(int)
        colours = {f"#{r:02x}{g:02x}{b:02x}" for r, g, b in rgb[::3]}
        assert len(colours) > 20, f"{path.name} looks blank"
        for s in sources:
            assert SOURCE_COLOURS[s] in colours, (path.name, s)
        white = (rgb == 255).all(axis=1).mean()
        assert 0.5 < white < 0.97, (path.name, white)  # drawn on, but not a solid block


def test_a_chart_without_figures_says_so(tmp_path: Path) -> None:
    empty = [source_trend("police", [], Month(2026, 11))]
    for draw in (
        lambda: by_month_png(empty, "G", "sv", tmp_path / "m.png"),
        lambda: by_weekday_png(empty, "sv", tmp_path / "w.png"),
        lambda: by_place_png(empty, "sv", tmp_path / "p.png"),
    ):
        assert draw().stat().st_size > 5_000


def test_import_failed_message_shape() -> None:
    assert str(ImportFailed("f.csv", "bad", 3, "2 (Datum)")) == "f.csv, line 3, column 2 (Datum): bad"
    assert str(ImportFailed("f.csv", "bad", 3)) == "f.csv, line 3: bad"
