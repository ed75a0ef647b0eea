"""Write the statistics fixtures in this folder (run once; the files are committed, the tests read them).

    .venv/bin/python tests/data/make_fixtures.py

The figures are made up but shaped like the real exports (see docs/STATISTICS.md): Brå's statistics database
export as XLSX (title rows, a pivot layout that shows region and category once, footnotes, ".." for a missing
value) and as a wide CSV, a list of reported crimes from the local police, the municipality's vandalism
reports as CSV (Windows-1252, semicolons, as Excel saves it) and XLSX (real date cells), and police events in
the open events API's JSON.
"""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, time
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent


def bra_xlsx() -> None:
    """Brå, Anmälda brott, Trelleborg, 2025M11–2026M11, long layout. Skadegörelse = 30 + month."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Anmälda brott"
    ws.append(["Anmälda brott, totalt antal"])
    ws.append(["Region: 1287 Trelleborg. Brottskategori: urval. Period: 2025M11–2026M11"])
    ws.append([])
    ws.append(["Region", "Brottskategori", "Period", "Antal"])
    months = [(2025, 11), (2025, 12)] + [(2026, m) for m in range(1, 12)]
    for ci, category in enumerate(["Skadegörelse", "Skadegörelse genom klotter", "Stöld och snatteri"]):
        for mi, (y, m) in enumerate(months):
            region = "1287 Trelleborg" if ci == 0 and mi == 0 else None
            cat = category if mi == 0 else None
            value: object = [30 + m, 10 + (m % 4), 100 + 2 * m][ci]
            if ci == 1 and (y, m) == (2026, 2):
                value = ".."  # uppgift saknas
            ws.append([region, cat, f"{y}M{m:02d}", value])
    ws.append([])
    ws.append(["Källa: Brottsförebyggande rådet (Brå), statistikdatabasen anmälda brott."])
    ws.append([".. = uppgift saknas"])
    wb.save(HERE / "bra_anmalda_brott.xlsx")


def bra_wide_csv() -> None:
    """Brå with the months as columns and two municipalities; only Trelleborg belongs to the group."""
    rows = [
        ["Region", "Brottskategori", "2026M08", "2026M09", "2026M10"],
        ["1287 Trelleborg", "Misshandel", "12", "9", "14"],
        ["", "Rån", "2", "-", "3"],
        ["1233 Vellinge", "Misshandel", "5", "4", "6"],
        ["", "Rån", "1", "0", "1"],
    ]
    with (HERE / "bra_wide.csv").open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";").writerows(rows)


def police_csv() -> None:
    """Reported crimes from the local police, one row each (no personal data)."""
    rows = [
        ["Diarienummer", "Brottsdatum", "Klockslag", "Brottskategori", "Brottsplats", "Kommun"],
        ["5000-K100001-26", "2026-10-02", "22:40", "Skadegörelse", "Stortorget", "Trelleborg"],
        ["5000-K100002-26", "2026-10-03", "23:10", "Skadegörelse", "Stortorget", "Trelleborg"],
        ["5000-K100003-26", "2026-10-09", "01:15", "Misshandel", "Resecentrum", "Trelleborg"],
        ["5000-K100004-26", "2026-10-10", "21:05", "Skadegörelse", "Norrskolan", "Trelleborg"],
        ["5000-K100005-26", "2026-10-16", "20:30", "Skadegörelse", "Stortorget", "Trelleborg"],
        ["5000-K100006-26", "2026-10-17", "19:45", "Stöld", "Resecentrum", "Trelleborg"],
        ["5000-K100007-26", "2026-11-06", "22:00", "Skadegörelse", "Stortorget", "Trelleborg"],
    ]
    with (HERE / "polisen_anmalda_brott.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=";").writerows(rows)


VANDALISM = [
    # Ärendenummer, date, time, place, area, type, cost
    ("SK-2026-0412", date(2026, 9, 5), time(7, 40), "Norrskolan", "Norr", "Glaskross", 8400),
    ("SK-2026-0431", date(2026, 9, 19), time(8, 5), "Stortorget", "Centrum", "Klotter", 2500),
    ("SK-2026-0458", date(2026, 10, 3), time(7, 55), "Stortorget", "Centrum", "Klotter", 3100),
    ("SK-2026-0460", date(2026, 10, 3), time(9, 10), "Resecentrum", "Centrum", "Skadegörelse", 12000),
    ("SK-2026-0477", date(2026, 10, 10), time(6, 50), "Norrskolan", "Norr", "Glaskross", 9600),
    ("SK-2026-0479", date(2026, 10, 11), time(10, 0), "Stortorget", "Centrum", "Klotter", 1800),
    ("SK-2026-0495", date(2026, 10, 17), time(8, 30), "Stortorget", "Centrum", "Brand", 22000),
    ("SK-2026-0503", date(2026, 10, 24), time(7, 15), "Åkerlundsparken", "Centrum", "Skadegörelse", 4300),
    ("SK-2026-0522", date(2026, 11, 2), time(8, 0), "Stortorget", "Centrum", "Klotter", 2100),
]


def vandalism_csv() -> None:
    head = ["Ärendenummer", "Registrerad", "Tid", "Plats", "Område", "Typ av skada", "Kostnad (kr)", "Beskrivning"]
    rows = [head] + [
        [n, d.isoformat(), t.strftime("%H:%M"), p, a, k, str(c), "Anmält av fastighetsskötare"]
        for n, d, t, p, a, k, c in VANDALISM
    ]
    with (HERE / "skadegorelse_kommunen.csv").open("w", encoding="cp1252", newline="") as f:
        csv.writer(f, delimiter=";").writerows(rows)


def vandalism_xlsx() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Felanmälan skadegörelse"
    ws.append(["Ärendenummer", "Registrerad", "Plats", "Område", "Typ av skada", "Kostnad (kr)"])
    for n, d, t, p, a, k, c in VANDALISM:
        ws.append([n, datetime.combine(d, t), p, a, k, c])
    wb.save(HERE / "skadegorelse_kommunen.xlsx")


def events_json() -> None:
    events = [
        {
            "id": 612001,
            "datetime": "2026-11-10 22:41:07 +01:00",
            "name": "10 november 22.41, Skadegörelse, Trelleborg",
            "summary": "Fönsterrutor krossade vid Stortorget.",
            "url": "/aktuellt/handelser/2026/november/10/10-november-22.41-skadegorelse-trelleborg/",
            "type": "Skadegörelse",
            "location": {"name": "Trelleborg", "gps": "55.375423,13.157252"},
        },
        {
            "id": 612002,
            "datetime": "2026-11-12 1:05:44 +01:00",
            "name": "12 november 01.05, Misshandel, Trelleborg",
            "summary": "En man har blivit slagen utanför Norrskolan.",
            "url": "/aktuellt/handelser/2026/november/12/12-november-01.05-misshandel-trelleborg/",
            "type": "Misshandel",
            "location": {"name": "Trelleborg", "gps": "55.375423,13.157252"},
        },
        {
            "id": 612003,
            "datetime": "2026-11-14 17:20:00 +01:00",
            "name": "14 november 17.20, Trafikolycka, Vellinge",
            "summary": "Två bilar har krockat.",
            "url": "/aktuellt/handelser/2026/november/14/14-november-17.20-trafikolycka-vellinge/",
            "type": "Trafikolycka",
            "location": {"name": "Vellinge", "gps": "55.470112,13.019362"},
        },
        {
            "id": 612004,
            "datetime": "2026-11-13 09:00:00 +01:00",
            "name": "13 november 09.00, Sammanfattning natt, Skåne län",
            "summary": "Lugn natt i länet.",
            "url": "/aktuellt/handelser/2026/november/13/13-november-09.00-sammanfattning-natt-skane-lan/",
            "type": "Sammanfattning natt",
            "location": {"name": "Skåne län", "gps": "55.990137,13.595764"},
        },
        {
            "id": 612005,
            "datetime": "2026-11-15 23:30:12 +01:00",
            "name": "15 november 23.30, Bråk, Trelleborg",
            "summary": "Ett bråk mellan ungdomar i centrala Trelleborg, vid Resecentrum.",
            "url": "/aktuellt/handelser/2026/november/15/15-november-23.30-brak-trelleborg/",
            "type": "Bråk",
            "location": {"name": "Trelleborg", "gps": "55.375423,13.157252"},
        },
        {
            "id": 611950,
            "datetime": "2026-10-30 20:02:00 +01:00",
            "name": "30 oktober 20.02, Brand, Trelleborg",
            "summary": "Brand i en papperskorg vid Stortorget.",
            "url": "/aktuellt/handelser/2026/oktober/30/30-oktober-20.02-brand-trelleborg/",
            "type": "Brand",
            "location": {"name": "Trelleborg", "gps": "55.375423,13.157252"},
        },
    ]
    (HERE / "polisen_handelser.json").write_text(json.dumps(events, ensure_ascii=False, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    bra_xlsx()
    bra_wide_csv()
    police_csv()
    vandalism_csv()
    vandalism_xlsx()
    events_json()
