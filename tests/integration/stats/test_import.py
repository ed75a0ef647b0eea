"""Importing the monthly statistics: each format from known files, the numbers that land in the database,
re-imports that add nothing twice, and malformed files that name file, line and column and import nothing."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from bot.bootstrap import App, build
from bot.cli import app as cli
from bot.clock import ManualClock
from bot.domain.statistics import StatRecord
from bot.stats.importers import ImportFailed
from bot.usecases.statistics import import_file
from storage.models import PoliceEventRow, StatRecordRow
from tests.conftest import TUE_OPEN, make_config
from tests.support.paths import DATA


@pytest.fixture
def app(db_url: str) -> Iterator[App]:
    built = build(make_config(db_url, municipality="Trelleborg"), clock=ManualClock(TUE_OPEN))
    yield built
    built.close()


def records(app: App, source: str) -> list[StatRecord]:
    with app.services.unit() as uow:
        return [r for r in uow.statistics.stat_records("tbg", (2000, 1), (2100, 12)) if r.source == source]


def row_count(app: App) -> tuple[int, int]:
    with app.engine.connect() as c:
        stats = c.execute(select(func.count()).select_from(StatRecordRow)).scalar_one()
        events = c.execute(select(func.count()).select_from(PoliceEventRow)).scalar_one()
    return int(stats), int(events)


def by_month(recs: list[StatRecord], category: str) -> dict[str, int]:
    return {f"{r.year}-{r.month:02d}": r.count for r in recs if r.category == category}


# --------------------------------------------------------------------------- known files


def test_bra_export_xlsx_lands_month_by_month_and_a_reimport_adds_nothing(app: App) -> None:
    report = import_file(app.services.env, "tbg", "police", DATA / "bra_anmalda_brott.xlsx")
    assert (report.rows, report.new, report.updated, report.unchanged) == (39, 38, 0, 0)
    assert report.skipped['without a value ("..")'] == 1
    assert (str(report.first), str(report.last)) == ("2025-11", "2026-11")
    recs = records(app, "police")
    assert len(recs) == 38
    assert all(r.day is None and r.region == "1287 Trelleborg" for r in recs)  # carried down the pivot
    damage = by_month(recs, "Skadegörelse")
    assert damage["2025-11"] == 41 and damage["2026-01"] == 31 and damage["2026-11"] == 41
    assert sum(damage.values()) == sum(30 + m for m in (11, 12, *range(1, 12)))
    assert "2026-02" not in by_month(recs, "Skadegörelse genom klotter")  # ".." is no value, not 0
    assert by_month(recs, "Stöld och snatteri")["2026-10"] == 120

    again = import_file(app.services.env, "tbg", "police", DATA / "bra_anmalda_brott.xlsx")
    assert (again.new, again.updated, again.unchanged) == (0, 0, 38)
    assert row_count(app)[0] == 38


def test_a_revised_bra_export_updates_the_counts_it_changes(app: App, tmp_path: Path) -> None:
    import_file(app.services.env, "tbg", "police", DATA / "bra_anmalda_brott.xlsx")
    wb = load_workbook(DATA / "bra_anmalda_brott.xlsx")
    ws = wb.worksheets[0]
    assert ws["C17"].value == "2026M11" and ws["D17"].value == 41
    ws["D17"] = 44  # Brå revised November
    revised = tmp_path / "bra_reviderad.xlsx"
    wb.save(revised)
    report = import_file(app.services.env, "tbg", "police", revised)
    assert (report.new, report.updated, report.unchanged) == (0, 1, 37)
    assert by_month(records(app, "police"), "Skadegörelse")["2026-11"] == 44
    assert row_count(app)[0] == 38


def test_wide_bra_csv_keeps_the_groups_municipality_only(app: App) -> None:
    report = import_file(app.services.env, "tbg", "police", DATA / "bra_wide.csv")
    assert report.skipped["of another municipality"] == 2  # Vellinge
    recs = records(app, "police")
    assert by_month(recs, "Misshandel") == {"2026-08": 12, "2026-09": 9, "2026-10": 14}
    assert by_month(recs, "Rån") == {"2026-08": 2, "2026-09": 0, "2026-10": 3}  # "-" is 0
    # the same figures written "Trelleborg" instead of "1287 Trelleborg" are the same records
    assert import_file(app.services.env, "tbg", "police", DATA / "bra_wide.csv").new == 0


def test_police_list_of_reported_crimes_is_dated_and_keyed_by_diarienummer(app: App) -> None:
    report = import_file(app.services.env, "tbg", "police", DATA / "polisen_anmalda_brott.csv")
    assert (report.rows, report.new) == (7, 7)
    recs = records(app, "police")
    assert {r.day for r in recs} >= {date(2026, 10, 2), date(2026, 11, 6)}
    assert sum(r.count for r in recs if r.place == "Stortorget") == 4
    assert import_file(app.services.env, "tbg", "police", DATA / "polisen_anmalda_brott.csv").new == 0


def test_municipal_vandalism_reports_csv_and_xlsx_are_the_same_reports(app: App) -> None:
    csv_report = import_file(app.services.env, "tbg", "vandalism", DATA / "skadegorelse_kommunen.csv")  # Windows-1252
    assert (csv_report.rows, csv_report.new) == (9, 9)
    recs = records(app, "vandalism")
    assert {r.place for r in recs} == {"Norrskolan", "Stortorget", "Resecentrum", "Åkerlundsparken"}
    assert sorted({r.category for r in recs}) == ["Brand", "Glaskross", "Klotter", "Skadegörelse"]
    assert sum(r.count for r in recs if (r.year, r.month) == (2026, 10)) == 6
    xlsx_report = import_file(app.services.env, "tbg", "vandalism", DATA / "skadegorelse_kommunen.xlsx")
    assert (xlsx_report.new, xlsx_report.updated, xlsx_report.unchanged) == (0, 0, 9)
    assert row_count(app)[0] == 9


def test_police_events_json_keeps_the_municipalitys_events_once(app: App) -> None:
    report = import_file(app.services.env, "tbg", "events", DATA / "polisen_handelser.json")
    assert (report.rows, report.new) == (6, 4)
    assert report.skipped["outside the municipality"] == 2  # Vellinge, Skåne län
    with app.services.unit() as uow:
        events = uow.statistics.police_events("tbg", datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    assert [e.event_id for e in events] == [611950, 612001, 612002, 612005]
    first = events[1]
    assert first.at == datetime(2026, 11, 10, 21, 41, 7, tzinfo=UTC)
    assert (first.type, first.location, first.lat, first.lon) == ("Skadegörelse", "Trelleborg", 55.375423, 13.157252)
    assert events[2].at == datetime(2026, 11, 12, 0, 5, 44, tzinfo=UTC)  # the API's one-digit hour
    again = import_file(app.services.env, "tbg", "events", DATA / "polisen_handelser.json")
    assert (again.new, again.updated, again.unchanged) == (0, 0, 4)
    assert row_count(app)[1] == 4


def test_an_event_the_police_updated_is_updated_not_added(app: App, tmp_path: Path) -> None:
    import_file(app.services.env, "tbg", "events", DATA / "polisen_handelser.json")
    events = json.loads((DATA / "polisen_handelser.json").read_text("utf-8"))
    events[0]["summary"] += " Uppdaterad 23.10: en person gripen."
    changed = tmp_path / "events.json"
    changed.write_text(json.dumps(events, ensure_ascii=False), "utf-8")
    report = import_file(app.services.env, "tbg", "events", changed)
    assert (report.new, report.updated, report.unchanged) == (0, 1, 3)
    assert row_count(app)[1] == 4


# --------------------------------------------------------------------------- malformed files


def failed(app: App, kind: str, path: Path) -> str:
    before = row_count(app)
    with pytest.raises(ImportFailed) as info:
        import_file(app.services.env, "tbg", kind, path)
    assert row_count(app) == before, "a failed import must store nothing"
    return str(info.value)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding)
    return path


GOOD_ROWS = "".join(f"SK-{n};2026-10-{n:02d};Stortorget;Klotter\n" for n in range(1, 9))


def test_a_bad_number_on_the_last_line_names_file_line_and_column_and_imports_nothing(app: App, tmp_path: Path) -> None:
    path = write(tmp_path, "brå.csv", "Region;Brottskategori;Period;Antal\nTrelleborg;Rån;2026M09;3\n;;2026M10;3x\n")
    assert failed(app, "police", path) == (
        "brå.csv, line 3, column 4 (Antal): '3x' is not a whole number; write the count as digits, e.g. 12"
    )
    path = write(tmp_path, "brå2.csv", "Region;Brottskategori;Period;Antal\nTrelleborg;Rån;2026M09;-4\n")
    assert failed(app, "police", path).startswith("brå2.csv, line 2, column 4 (Antal): -4 is negative")


def test_a_missing_column_names_the_header_line(app: App, tmp_path: Path) -> None:
    path = write(tmp_path, "brå.csv", "Anmälda brott\n\nRegion;Brottskategori;Period\nTrelleborg;Rån;2026M09\n")
    message = failed(app, "police", path)
    assert message == (
        "brå.csv, line 3: missing column: the count (Antal); the header row has Region, Brottskategori, Period "
        "(see docs/STATISTICS.md)"
    )
    path = write(tmp_path, "skadegorelse.csv", "Ärendenummer;Plats;Typ\nSK-1;Stortorget;Klotter\n")
    assert "skadegorelse.csv, line 1: missing column: the date (Datum)" in failed(app, "vandalism", path)


def test_a_missing_value_names_its_column(app: App, tmp_path: Path) -> None:
    path = write(tmp_path, "brå.csv", "Region;Brottskategori;Period;Antal\nTrelleborg;Rån;;3\n")
    assert failed(app, "police", path) == "brå.csv, line 2, column 3 (Period): empty cell; a value is needed here"
    path = write(tmp_path, "short.csv", "Ärendenummer;Plats;Datum\n" + "SK-1;Stortorget\n")
    assert failed(app, "vandalism", path) == "short.csv, line 2, column 3 (Datum): empty cell; a value is needed here"


def test_a_bad_date_in_csv_and_in_xlsx(app: App, tmp_path: Path) -> None:
    text = "Ärendenummer;Datum;Plats;Typ\n" + GOOD_ROWS + "SK-9;2026-13-01;Stortorget;Klotter\n"
    path = write(tmp_path, "skadegorelse.csv", text)
    assert failed(app, "vandalism", path) == (
        "skadegorelse.csv, line 10, column 2 (Datum): '2026-13-01' is not a date in the calendar; "
        "write it as YYYY-MM-DD"
    )
    path = write(tmp_path, "s2.csv", "Ärendenummer;Datum;Plats\nSK-1;17/11/2026;Stortorget\n")
    assert "s2.csv, line 2, column 2 (Datum): '17/11/2026' is not a date" in failed(app, "vandalism", path)
    wb = load_workbook(DATA / "skadegorelse_kommunen.xlsx")
    wb.worksheets[0]["B7"] = "igår"
    broken = tmp_path / "felanmalan.xlsx"
    wb.save(broken)
    assert failed(app, "vandalism", broken) == (
        "felanmalan.xlsx (sheet Felanmälan skadegörelse), line 7, column B (Registrerad): "
        "'igår' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-17"
    )


def test_a_bad_month_and_a_repeated_row(app: App, tmp_path: Path) -> None:
    path = write(tmp_path, "brå.csv", "Region;Brottskategori;Period;Antal\nTrelleborg;Rån;hösten 2026;3\n")
    assert failed(app, "police", path).startswith("brå.csv, line 2, column 3 (Period): 'hösten 2026' is not a month")
    path = write(tmp_path, "twice.csv", "Brottskategori;År;Månad;Antal\nRån;2026;oktober;3\nRån;2026;10;4\n")
    assert failed(app, "police", path) == (
        "twice.csv, line 3: the same month, category, region and place as on line 2; each may appear once in a file"
    )


def test_not_a_table_or_the_wrong_file_type(app: App, tmp_path: Path) -> None:
    path = write(tmp_path, "anteckningar.csv", "Hej\nDetta är ingen tabell\n")
    assert "anteckningar.csv, line 1: no header row found" in failed(app, "police", path)
    assert "save the file as .xlsx or CSV" in failed(app, "police", write(tmp_path, "gammal.xls", "x"))
    assert "not an Excel workbook" in failed(app, "police", write(tmp_path, "trasig.xlsx", "not a zip"))
    assert failed(app, "police", tmp_path / "saknas.csv") == f"{tmp_path / 'saknas.csv'}: file not found"


def events_file(tmp_path: Path, text: str) -> Path:
    return write(tmp_path, "handelser.json", text)


def test_bad_json_names_line_and_column_and_imports_nothing(app: App, tmp_path: Path) -> None:
    good = (DATA / "polisen_handelser.json").read_text("utf-8")
    broken = good.replace('"type": "Misshandel",', '"type": "Misshandel"', 1)  # a missing comma on line 19
    line = next(i for i, ln in enumerate(broken.splitlines(), 1) if '"type": "Misshandel"' in ln) + 1
    assert failed(app, "events", events_file(tmp_path, broken)) == (
        f"handelser.json, line {line}, column 5: not valid JSON: Expecting ',' delimiter"
    )
    assert failed(app, "events", events_file(tmp_path, '{"id": 1}')) == (
        "handelser.json, line 1, column 1: expected a list of events [ {...}, {...} ] as the events API returns, "
        "not one object"
    )
    assert failed(app, "events", events_file(tmp_path, "[1, 2")).startswith("handelser.json, line 1, column 2: ")
    assert failed(app, "events", events_file(tmp_path, '{"x": ')) == (  # cut short: no object to speak of
        "handelser.json, line 1, column 7: not valid JSON: Expecting value"
    )


def test_a_bad_event_field_is_pointed_at(app: App, tmp_path: Path) -> None:
    events = json.loads((DATA / "polisen_handelser.json").read_text("utf-8"))
    events[4]["datetime"] = "2026-11-15T23:30"
    text = json.dumps(events, ensure_ascii=False, indent=2)
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "2026-11-15T23:30" in ln)
    assert failed(app, "events", events_file(tmp_path, text)) == (
        f"handelser.json, line {line}, column 17: \"datetime\": '2026-11-15T23:30' is not a date and time like "
        "2026-11-17 21:15:09 +01:00"
    )
    events = json.loads((DATA / "polisen_handelser.json").read_text("utf-8"))
    del events[2]["location"]["name"]
    events[1]["id"] = "612002"
    text = json.dumps(events, ensure_ascii=False, indent=2)
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if '"612002"' in ln)
    assert failed(app, "events", events_file(tmp_path, text)) == (
        f'handelser.json, line {line}, column 11: "id" must be a number, not "612002"'
    )
    events[1]["id"] = 612002
    text = json.dumps(events, ensure_ascii=False, indent=2)
    line, col = [(i, ln.index("{") + 1) for i, ln in enumerate(text.splitlines(), 1) if '"location": {' in ln][2]
    assert failed(app, "events", events_file(tmp_path, text)) == (
        f'handelser.json, line {line}, column {col}: "location" has no "name"'
    )
    events[2]["location"]["name"] = "Trelleborg"
    events[3]["location"]["gps"] = "55,3;13,1"
    text = json.dumps(events, ensure_ascii=False, indent=2)
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "55,3;13,1" in ln)
    assert failed(app, "events", events_file(tmp_path, text)) == (
        f'handelser.json, line {line}, column 14: "gps" must be "lat,lon" such as "55.375,13.157", not \'55,3;13,1\''
    )


def test_personal_data_in_places_categories_and_summaries_is_masked_and_counted(app: App, tmp_path: Path) -> None:
    police = write(
        tmp_path,
        "polisen.csv",
        "Diarienummer;Brottsdatum;Klockslag;Brottskategori;Brottsplats;Kommun\n"
        "5000-K1-26;2026-10-02;22:40;Skadegörelse;Stortorget hos 19850101-1234;Trelleborg\n"
        "5000-K2-26;2026-10-03;23:10;Klotter, ring 070-123 45 67;Resecentrum;Trelleborg\n"
        "5000-K3-26;2026-10-04;23:10;Klotter;Resecentrum;Trelleborg\n",
    )
    report = import_file(app.services.env, "tbg", "police", police)
    assert report.masked == 2
    assert report.text().endswith("; personal data (personal identity, phone or e-mail) masked in 2 fields")
    assert {(r.category, r.place) for r in records(app, "police")} == {
        ("Skadegörelse", "Stortorget hos [personnummer]"),
        ("Klotter, ring [telefon]", "Resecentrum"),
        ("Klotter", "Resecentrum"),
    }
    # Case numbers that look like personal data are masked too, and two of them are still two reports, also
    # when the same file is imported again.
    ids = write(
        tmp_path,
        "polisen-id.csv",
        "Diarienummer;Brottsdatum;Klockslag;Brottskategori;Brottsplats;Kommun\n"
        "202611171234;2026-10-05;22:40;Skadegörelse;Hamnen;Trelleborg\n"
        "5000-0701234567;2026-10-06;23:10;Skadegörelse;Hamnen;Trelleborg\n"
        "5000-0709876543;2026-10-07;23:10;Skadegörelse;Hamnen;Trelleborg\n",
    )
    first = import_file(app.services.env, "tbg", "police", ids)
    assert (first.new, first.masked) == (3, 3)
    assert import_file(app.services.env, "tbg", "police", ids).new == 0
    assert len([r for r in records(app, "police") if r.place == "Hamnen"]) == 3
    event = {
        "id": 1,
        "datetime": "2026-11-10 22:41:07 +01:00",
        "name": "10 november 22.41, Skadegörelse, Trelleborg 850101-1234",
        "summary": "Vittnen ombeds mejla tips@exempel.se eller ringa 08-123 456 78.",
        "url": "/aktuellt/handelser/2026/november/10/10-november-22.41-skadegorelse-trelleborg/",
        "type": "Skadegörelse",
        "location": {"name": "Trelleborg", "gps": "55.375423,13.157252"},
    }
    events = write(tmp_path, "handelser.json", json.dumps([event]))
    report = import_file(app.services.env, "tbg", "events", events)
    assert report.masked == 2 and "masked in 2 fields" in report.text()
    with app.services.unit() as uow:
        (stored,) = uow.statistics.police_events(
            "tbg", datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
        )
    assert stored.summary == "Vittnen ombeds mejla [e-post] eller ringa [telefon]."
    assert stored.name == "10 november 22.41, Skadegörelse, Trelleborg [personnummer]" and stored.url == event["url"]
    bad = write(tmp_path, "bad.csv", "Brottskategori;Period;Antal\nRån;2026-10;ring 070-123 45 67\n")
    with pytest.raises(ImportFailed, match=r"'ring \[telefon\]' is not a whole number"):  # the message quotes the cell
        import_file(app.services.env, "tbg", "police", bad)


def test_cli_import_reports_and_fails_with_the_place_of_the_problem(tmp_path: Path) -> None:
    from tests.integration.cli.test_cli import write_config

    runner = CliRunner()
    cfg = write_config(tmp_path)
    data = tmp_path / "in"
    shutil.copytree(DATA, data)
    result = runner.invoke(cli, ["import", "vandalism", str(data / "skadegorelse_kommunen.csv"), "-c", str(cfg)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "skadegorelse_kommunen.csv: 9 rows read, 2026-09..2026-11: 9 new, 0 updated, 0 already imported"
    )
    result = runner.invoke(cli, ["import", "vandalism", str(data / "skadegorelse_kommunen.xlsx"), "-c", str(cfg)])
    assert "0 new, 0 updated, 9 already imported" in result.output
    bad = write(tmp_path, "bad.csv", "Brottskategori;Period;Antal\nRån;2026-10;tre\n")
    result = runner.invoke(cli, ["import", "police", str(bad), "-c", str(cfg), "--group", "tbg"])
    assert result.exit_code == 1
    assert "bad.csv, line 2, column 3 (Antal): 'tre' is not a whole number" in result.output
    assert "(nothing was imported)" in result.output
    result = runner.invoke(cli, ["import", "weather", str(bad), "-c", str(cfg)])
    assert result.exit_code == 2 and "allowed: police, vandalism, events" in result.output
    result = runner.invoke(cli, ["import", "police", str(bad), "-c", str(cfg), "--group", "xyz"])
    assert result.exit_code == 2 and "unknown group" in result.output
