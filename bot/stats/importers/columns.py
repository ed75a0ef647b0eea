"""Which column holds what: header names in Swedish and English, month names, and a table's layout."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.domain.statistics import Month
from bot.stats.importers.base import ImportFailed
from bot.stats.importers.tables import Table


def fold(s: object) -> str:
    """A header as compared: no accents, lower case, single spaces, no trailing colon or footnote mark."""
    text = unicodedata.normalize("NFKD", str(s or ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.replace("_", " ").split()).casefold().rstrip(":*").strip()


# role -> header names (folded), in order of preference
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": (
        "arendenummer",
        "arendenr",
        "arende",
        "arende-id",
        "arendeid",
        "diarienummer",
        "diarienr",
        "anmalningsnummer",
        "anmalningsnr",
        "id",
        "case",
        "case id",
        "report id",
    ),
    "date": (
        "datum",
        "brottsdatum",
        "handelsedatum",
        "skadedatum",
        "anmalningsdatum",
        "anmaldatum",
        "registreringsdatum",
        "registrerad",
        "date",
    ),
    "time": ("tid", "klockslag", "kl", "tidpunkt", "time"),
    "year": ("ar", "artal", "year"),
    "period": ("period", "manad", "ar och manad", "ar/manad", "ar-manad", "month"),
    "category": (
        "brottskategori",
        "brottstyp",
        "brottsbenamning",
        "brott",
        "skadetyp",
        "typ av skada",
        "kategori",
        "typ",
        "category",
        "type",
        "offence",
    ),
    "region": ("kommun", "region", "municipality"),
    "place": (
        "plats",
        "brottsplats",
        "adress",
        "gatuadress",
        "objekt",
        "fastighet",
        "omrade",
        "place",
        "address",
        "location",
    ),
    "count": (
        "antal",
        "antal anmalda brott",
        "anmalda brott",
        "antal brott",
        "antal anmalningar",
        "antal arenden",
        "varde",
        "count",
        "value",
    ),
}
_ROLE_OF: dict[str, str] = {n: role for role, names in SYNONYMS.items() for n in names}

MONTH_NAMES: dict[str, int] = {}
for _i, (_sv, _en) in enumerate(
    zip(
        [
            "januari",
            "februari",
            "mars",
            "april",
            "maj",
            "juni",
            "juli",
            "augusti",
            "september",
            "oktober",
            "november",
            "december",
        ],
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        strict=True,
    ),
    start=1,
):
    for _n in (_sv, _en, _sv[:3], _en[:3]):
        MONTH_NAMES[_n] = _i
MONTH_NAMES["sept"] = 9


def parse_period(value: object) -> Month | None:
    """A month from a cell: a date, "2026-01", "2026M01", "2026 januari", "januari 2026", "jan 2026"."""
    if isinstance(value, datetime | date):
        return Month(value.year, value.month)
    if not isinstance(value, str):
        return None
    s = fold(value)
    m = re.fullmatch(r"(\d{4})\s*(?:-|/|m|\s)\s*(\d{1,2})(?:-(\d{1,2}))?", s)
    try:
        if m:
            return Month(int(m.group(1)), int(m.group(2)))
        m = re.fullmatch(r"(\d{4})\s+([a-z]+)\.?", s) or re.fullmatch(r"([a-z]+)\.?\s+(\d{4})", s)
        if m:
            a, b = m.groups()
            year, name = (a, b) if a.isdigit() else (b, a)
            if name in MONTH_NAMES:
                return Month(int(year), MONTH_NAMES[name])
    except ValueError:
        return None
    return None


@dataclass
class Layout:
    header_index: int  # index into Table.rows
    columns: dict[str, int]  # role -> column index
    wide: list[tuple[int, Month]] = field(default_factory=list)  # month columns of a wide table
    headers: list[str] = field(default_factory=list)


def _roles(row: Sequence[Any]) -> tuple[dict[str, int], list[tuple[int, Month]]]:
    columns: dict[str, int] = {}
    rank: dict[str, int] = {}
    wide: list[tuple[int, Month]] = []
    for i, cell in enumerate(row):
        folded = fold(cell)
        role = _ROLE_OF.get(folded)
        if role is not None:
            r = SYNONYMS[role].index(folded)
            if role not in columns or r < rank[role]:
                columns[role], rank[role] = i, r
        elif (m := parse_period(cell)) is not None and not isinstance(cell, int | float):
            wide.append((i, m))
    return columns, wide


def find_layout(table: Table, kind: str) -> Layout:
    """The header row: the first of the first 20 rows that names at least two known columns (title rows above
    it, as in Brå's export, are skipped), or a category column followed by month columns (a wide table)."""
    for idx, row in enumerate(table.rows[:20]):
        columns, wide = _roles(row)
        if len(columns) >= 2 or ("category" in columns and wide) or (len(columns) == 1 and len(wide) >= 2):
            headers = ["" if c is None else str(c).strip() for c in row]
            return Layout(idx, columns, wide if not _has_time(columns) else [], headers)
    expected = "Datum or Period/Månad, and Brottskategori and Antal" if kind == "police" else "Datum and Plats"
    line = table.lines[0] if table.lines else 1
    raise ImportFailed(
        table.name,
        f"no header row found in the first 20 rows; expected column names such as {expected} (see docs/STATISTICS.md)",
        line,
    )


def _has_time(columns: dict[str, int]) -> bool:
    return "date" in columns or "period" in columns
