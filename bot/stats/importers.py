"""Read statistics files into records: CSV and XLSX tables, and police events as JSON.

Every reader checks the whole file before anything is stored, and the first problem found stops the import
with an :class:`ImportFailed` that names the file, the line and the column. The column layouts are documented
in docs/STATISTICS.md; keep the two in step.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from bot.domain.masking import mask_personal_data
from bot.domain.statistics import Month, PoliceEvent, StatRecord, norm_municipality, norm_name, same_municipality

KINDS: tuple[str, ...] = ("police", "vandalism", "events")

# What a file may hold. A value outside these limits is a mistake in the file (or a file made to break the
# reader), and is refused with its line and column, or cut and counted in the import's report.
FIRST_YEAR, LAST_YEAR = 1900, 2100
MAX_COUNT = 1_000_000_000  # reports in one cell
MAX_EVENT_ID = 2**63 - 1  # the column is a 64-bit integer
MAX_TEXT = 200  # characters kept of a category, region, place, event name, type or location
MAX_SUMMARY = 2_000  # characters kept of an event's summary or link
MAX_DEPTH = 20  # levels of JSON nesting; the events API's list is 3 deep
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # tab and line breaks stay


def drop_control(text: str) -> tuple[str, int]:
    """The text without NUL and other control characters (PostgreSQL refuses NUL; no person means any), and how
    many were dropped."""
    cleaned, n = _CONTROL.subn("", text)
    return cleaned, n


@dataclass
class Cleaning:
    """What an import changed in a file to store it, for its report."""

    dropped: int = 0  # control characters dropped
    cut: int = 0  # text fields cut to their longest length
    encoding: str = "UTF-8"
    masked: int = 0  # fields in which personal data was masked (see `_masked`)

    def mask(self, value: str) -> str:
        text, n = _masked(value)
        self.masked += n
        return text

    def text(self, limits: str) -> str:
        parts = []
        if self.dropped:
            parts.append(f"{self.dropped} control character{'s' if self.dropped != 1 else ''} dropped")
        if self.cut:
            parts.append(f"{self.cut} field{'s' if self.cut != 1 else ''} cut {limits}")
        return ", ".join(parts)

    def cut_text(self, value: str, limit: int) -> str:
        if len(value) <= limit:
            return value
        self.cut += 1
        return value[: limit - 1].rstrip() + "…"


class ImportFailed(Exception):
    """A file that cannot be imported, phrased for the person who exported it."""

    def __init__(self, file: str, message: str, line: int | None = None, column: str | None = None) -> None:
        # The message may quote a cell; it is shown and may be logged, so it is masked like the cells.
        message = mask_personal_data(message)
        self.file, self.line, self.column, self.message = file, line, column, message
        where = file
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column {column}"
        super().__init__(f"{where}: {message}")


# --------------------------------------------------------------------------- tables


@dataclass
class Table:
    """Rows of cells as read from a CSV file or a worksheet; `lines` are the file's line (row) numbers."""

    name: str  # the file name shown in messages, with the sheet for a workbook
    rows: list[list[Any]]
    lines: list[int]
    letters: bool = False  # name columns A, B, C (a spreadsheet) rather than 1, 2, 3
    cleaning: Cleaning = field(default_factory=Cleaning)


def _column_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


_BOMS = (  # UTF-32's marks first: UTF-32-LE's begins with UTF-16-LE's
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)


def decode_table_text(raw: bytes, name: str) -> tuple[str, str]:
    """The text of a CSV file and the name of its encoding: UTF-8, UTF-16 or UTF-32 (with a byte-order mark, or
    UTF-16 without one, as some exports write it), else Windows-1252 as Excel saves it."""
    for bom, codec, label in _BOMS:
        if raw.startswith(bom):
            return _decode(raw, codec, label, name), label
    head = raw[:400]
    if len(head) >= 4 and head.count(0) * 3 >= len(head):  # every other byte NUL: UTF-16 without a mark
        codec = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
        return _decode(raw, codec, "UTF-16", name), "UTF-16"
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    if _is_cp1252(raw):
        return raw.decode("cp1252"), "Windows-1252"
    line = raw[:64].count(b"\n") + 1
    raise ImportFailed(name, "not UTF-8, UTF-16 or Windows-1252 text; save the file as CSV UTF-8", line)


def _decode(raw: bytes, codec: str, label: str, name: str) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            name, f"looks like {label} text but byte {exc.start} is not; save the file as CSV UTF-8"
        ) from None


def read_csv(path: Path, name: str) -> Table:
    """A CSV file (see `decode_table_text` for the encodings); `;`, `,` or tab between cells; control characters
    are dropped and counted."""
    text, encoding = decode_table_text(_read(path, name), name)
    text, dropped = drop_control(text)
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = max((";", "\t", ","), key=first.count) if first else ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[Any]] = []
    lines: list[int] = []
    start = 1
    try:
        for row in reader:
            rows.append(row)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        if "field limit" in str(exc):
            limit = csv.field_size_limit()
            message = f"a cell holds more than {limit:,} characters; no cell of statistics is that long".replace(
                ",", " "
            )
            raise ImportFailed(name, message, start) from None
        raise ImportFailed(name, f"not valid CSV: {exc}", reader.line_num) from None
    return Table(name, rows, lines, cleaning=Cleaning(dropped=dropped, encoding=encoding))


def _is_cp1252(raw: bytes) -> bool:
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def read_xlsx(path: Path, name: str) -> Table:
    """The first worksheet of an Excel workbook, with the values the cells show (formulas as last computed)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError and XML errors alike for a bad file
        raise ImportFailed(name, f"not an Excel workbook (.xlsx) that can be read: {exc}") from None
    try:
        ws = wb.worksheets[0]
        rows: list[list[Any]] = []
        lines: list[int] = []
        cleaning = Cleaning(encoding="")
        for row in ws.iter_rows():
            if not row:
                continue
            values = [c.value for c in row]
            for i, v in enumerate(values):
                if isinstance(v, str):
                    values[i], n = drop_control(v)
                    cleaning.dropped += n
            rows.append(values)
            lines.append(row[0].row)
        return Table(f"{name} (sheet {ws.title})", rows, lines, letters=True, cleaning=cleaning)
    finally:
        wb.close()


def read_table(path: Path) -> Table:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(path, path.name)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, path.name)
    if suffix == ".xls":
        raise ImportFailed(path.name, "the old Excel format .xls is not read; save the file as .xlsx or CSV")
    raise ImportFailed(path.name, f"unknown file type {suffix or '(none)'}; use .csv or .xlsx")


# --------------------------------------------------------------------------- columns


def _fold(s: object) -> str:
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
    s = _fold(value)
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
        folded = _fold(cell)
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


# --------------------------------------------------------------------------- values


class _Bad(ValueError):
    pass


def _masked(text: str) -> tuple[str, int]:
    """`text` with personal data masked, and 1 if that changed it (0 if not).

    Statistics and police events are stored, charted and shown in the picture as they arrive, so a place,
    category or summary that names a person by number or address is masked on import, and the import's answer
    says how many fields were (DESIGN.md §3)."""
    masked = mask_personal_data(text)
    return masked, int(masked != text)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def parse_count(value: object) -> int | None:
    """A count: a whole number, spaces as thousands separators allowed; "-" or "–" is 0 and ".." (no value,
    as Brå marks it) gives None."""
    if isinstance(value, bool):
        raise _Bad(f"{value!r} is not a number")
    if isinstance(value, int):
        n = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise _Bad(f"{value!r} is not a whole number")
        n = int(value)
    else:
        s = re.sub(r"[\s\u00a0\u2009\u202f]", "", str(value or ""))
        if s in ("..", "…"):
            return None
        if s in ("-", "–", "—"):
            return 0
        if not re.fullmatch(r"[+-]?\d+", s):
            raise _Bad(f"{_short(value)!r} is not a whole number; write the count as digits, e.g. 12")
        if len(s.lstrip("+-0")) > len(str(MAX_COUNT)):
            raise _Bad(f"{_short(value)!r} is too large for a count; the largest is {MAX_COUNT:,}".replace(",", " "))
        n = int(s)
    if n < 0:
        raise _Bad(f"{n} is negative; a count is 0 or more")
    if n > MAX_COUNT:
        raise _Bad(f"{n} is too large for a count; the largest is {MAX_COUNT:,}".replace(",", " "))
    return n


def _short(value: object) -> str:
    """A cell as quoted in a message: at most 40 characters."""
    s = _text(value)
    return s if len(s) <= 40 else s[:39] + "…"


def _check_year(year: int, shown: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise _Bad(f"{shown!r} is in the year {year}; dates from {FIRST_YEAR} to {LAST_YEAR} are read")


def parse_date(value: object) -> tuple[date, time | None]:
    if isinstance(value, datetime):
        _check_year(value.year, f"{value:%Y-%m-%d}")
        return value.date(), value.time() if value.time() != time(0) else None
    if isinstance(value, date):
        _check_year(value.year, f"{value:%Y-%m-%d}")
        return value, None
    s = _text(value)
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2})[:.](\d{2})(?::(\d{2}))?)?", s)
    if m is None:
        raise _Bad(f"{_short(s)!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-17")
    _check_year(int(m.group(1)), s)
    try:
        d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        t = time(int(m.group(4)), int(m.group(5)), int(m.group(6) or 0)) if m.group(4) else None
    except ValueError:
        raise _Bad(f"{s!r} is not a date in the calendar; write it as YYYY-MM-DD") from None
    return d, t


def parse_time(value: object) -> time | None:
    if value is None or value == "":
        return None
    if isinstance(value, time):
        return value
    if isinstance(value, datetime):
        return value.time()
    s = _text(value)
    m = re.fullmatch(r"(?:kl\.?\s*)?(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?", s, re.IGNORECASE)
    try:
        if m is None:
            raise ValueError
        return time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))
    except ValueError:
        raise _Bad(f"{s!r} is not a time of day; write it as HH:MM, e.g. 21:15") from None


def parse_month_of_year(value: object) -> int:
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        n = int(value)
    else:
        s = _fold(value).rstrip(".")
        n = MONTH_NAMES.get(s, 0) or (int(s) if s.isdigit() else 0)
    if not 1 <= n <= 12:
        raise _Bad(f"{_text(value)!r} is not a month; write 1-12 or a month name such as januari")
    return n


def parse_year(value: object) -> int:
    s = _text(value)
    if not re.fullmatch(r"\d{4}", s):
        raise _Bad(f"{_short(s)!r} is not a year; write it with four digits, e.g. 2026")
    _check_year(int(s), s)
    return int(s)


# --------------------------------------------------------------------------- tables to records


@dataclass
class Parsed:
    records: list[StatRecord]
    rows: int  # data rows read
    skipped_region: int  # rows of another municipality
    skipped_empty: int  # counts given as ".." (no value)
    cleaning: Cleaning = field(default_factory=Cleaning)

    @property
    def masked(self) -> int:
        """Fields in which personal data was masked."""
        return self.cleaning.masked


DEFAULT_CATEGORY = {"vandalism": "Skadegörelse", "police": ""}


def parse_records(table: Table, source: str, municipality: str | None = None) -> Parsed:
    """Records from a table (see docs/STATISTICS.md for the layouts); ImportFailed at the first problem."""
    return _RecordReader(table, source, municipality).read()


class _RecordReader:
    def __init__(self, table: Table, source: str, municipality: str | None) -> None:
        self.table, self.source, self.municipality = table, source, municipality
        self.layout = find_layout(table, source)
        self.cols = self.layout.columns
        self.records: list[StatRecord] = []
        self.seen: dict[str, int] = {}
        self.occurrences: dict[str, int] = {}
        self.carry: dict[str, str] = {}
        self.skipped_region = self.skipped_empty = 0
        self.row: list[Any] = []
        self.line = 0

    # ---- messages

    def col_name(self, i: int) -> str:
        headers = self.layout.headers
        head = _short(headers[i]) if i < len(headers) else ""
        ref = _column_letter(i) if self.table.letters else str(i + 1)
        return f"{ref} ({head})" if head else ref

    def fail(self, message: str, column: int | None = None) -> ImportFailed:
        return ImportFailed(self.table.name, message, self.line, self.col_name(column) if column is not None else None)

    def missing(self, what: str) -> ImportFailed:
        found = ", ".join(h for h in self.layout.headers if h) or "nothing"
        return ImportFailed(
            self.table.name,
            f"missing column: {what}; the header row has {found} (see docs/STATISTICS.md)",
            self.table.lines[self.layout.header_index],
        )

    # ---- cells

    def cell(self, role: str, required: bool = False) -> Any:
        i = self.cols.get(role)
        if i is None:
            return None
        value = self.row[i] if i < len(self.row) else None
        if required and not _text(value):
            raise self.fail("empty cell; a value is needed here", i)
        return value

    def parsed(self, role: str, parse: Any, required: bool = True) -> Any:
        try:
            return parse(self.cell(role, required))
        except _Bad as exc:
            raise self.fail(str(exc), self.cols[role]) from None

    # ---- rows

    def read(self) -> Parsed:
        cols = self.cols
        dated = "date" in cols
        if not dated and "period" not in cols and not self.layout.wide:
            raise self.missing("the date (Datum) or the month (Period, Månad, or År and Månad)")
        if self.source == "police" and "category" not in cols:
            raise self.missing("the crime category (Brottskategori)")
        if not dated and not self.layout.wide and "count" not in cols:
            raise self.missing("the count (Antal)")
        rows = 0
        for idx in range(self.layout.header_index + 1, len(self.table.rows)):
            self.row, self.line = self.table.rows[idx], self.table.lines[idx]
            filled = [i for i, c in enumerate(self.row) if _text(c)]
            if not filled or filled == [0]:
                continue  # an empty row, or a footnote such as "Källa: Brå" in the first cell only
            rows += 1
            self.read_row(dated)
        return Parsed(self.records, rows, self.skipped_region, self.skipped_empty, self.table.cleaning)

    def masked_text(self, value: object) -> str:
        return self.table.cleaning.mask(_text(value))

    def read_row(self, dated: bool) -> None:
        texts: dict[str, str] = {}
        for role in ("region", "category", "place"):
            v = self.table.cleaning.cut_text(self.masked_text(self.cell(role)), MAX_TEXT)
            if role != "place" and not dated:
                # A pivot export shows a region or category once for the rows below it: carry it down.
                v = v or self.carry.get(role, "")
                self.carry[role] = v
            texts[role] = v
        region, place = texts["region"], texts["place"]
        category = texts["category"] or DEFAULT_CATEGORY[self.source]
        if not category:
            raise self.fail("empty cell; a value is needed here", self.cols["category"])
        if self.municipality and region and not same_municipality(region, self.municipality):
            self.skipped_region += 1
            return
        what = f"{norm_name(category)}|{norm_municipality(region)}|{norm_name(place)}"
        if self.layout.wide:
            for i, month in self.layout.wide:
                value = self.row[i] if i < len(self.row) else None
                try:
                    n = parse_count(value) if _text(value) else None
                except _Bad as exc:
                    raise self.fail(str(exc), i) from None
                self.add(month, None, n, f"month|{month}|{what}", category, region, place)
            return
        count: int | None = 1  # a list of reports counts one each unless the file says otherwise
        if "count" in self.cols and (not dated or _text(self.cell("count"))):
            count = self.parsed("count", parse_count)
        if dated:
            day, at = self.parsed("date", parse_date)
            at = self.parsed("time", parse_time, required=False) or at
            raw_id = _text(self.cell("id"))
            ident = self.masked_text(raw_id)
            if ident and ident == raw_id:
                key = f"id|{norm_name(ident)}"
            elif ident:
                # A case number that looks like personal data is stored masked, so masked ids may repeat: they
                # are told apart by their order in the file (a re-import of the same file finds them again).
                base = f"id|{norm_name(ident)}"
                self.occurrences[base] = self.occurrences.get(base, 0) + 1
                key = f"{base}|{self.occurrences[base]}"
            else:
                base = f"day|{day}|{at or ''}|{what}"
                self.occurrences[base] = self.occurrences.get(base, 0) + 1
                key = f"{base}|{self.occurrences[base]}"
            self.add(Month.of(day), day, count, key, category, region, place)
            return
        if "year" in self.cols:
            month = Month(self.parsed("year", parse_year), self.parsed("period", parse_month_of_year))
        else:
            value = self.cell("period", required=True)
            parsed = parse_period(value)
            year = re.match(r"\s*(\d{4})", _text(value))
            if parsed is None and year is not None and not FIRST_YEAR <= int(year.group(1)) <= LAST_YEAR:
                years = f"months from {FIRST_YEAR} to {LAST_YEAR} are read"
                raise self.fail(f"{_short(value)!r} is in the year {year.group(1)}; {years}", self.cols["period"])
            if parsed is None:
                raise self.fail(
                    f"{_short(value)!r} is not a month; write it as YYYY-MM (e.g. 2026-11) or 2026M11",
                    self.cols["period"],
                )
            month = parsed
        self.add(month, None, count, f"month|{month}|{what}", category, region, place)

    def add(
        self, month: Month, day: date | None, count: int | None, key: str, category: str, region: str, place: str
    ) -> None:
        if count is None:
            self.skipped_empty += 1
            return
        if not FIRST_YEAR <= month.year <= LAST_YEAR:
            raise self.fail(f"the month {month} is outside the years {FIRST_YEAR} to {LAST_YEAR} that are read")
        if key in self.seen:
            what = "report" if day else "month, category, region and place"
            raise self.fail(f"the same {what} as on line {self.seen[key]}; each may appear once in a file")
        self.seen[key] = self.line
        self.records.append(StatRecord(self.source, key, month.year, month.month, day, category, region, place, count))


# --------------------------------------------------------------------------- police events (JSON)

_DT = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2}):(\d{2}) ?([+-])(\d{1,2}):?(\d{2})")
_WS = re.compile(r"[ \t\n\r]*")


def _skip(text: str, i: int) -> int:
    """The offset of the first character at or after `i` that is not JSON white space."""
    m = _WS.match(text, i)
    assert m is not None  # the pattern matches the empty string
    return m.end()


def parse_event_datetime(s: str) -> datetime:
    """The API's "2026-11-17 21:15:09 +01:00" (the hour may have one digit) as an aware datetime."""
    m = _DT.fullmatch(s.strip())
    if m is None:
        raise ValueError(f"{_short(s)!r} is not a date and time like 2026-11-17 21:15:09 +01:00")
    y, mo, d, h, mi, se, sign, oh, om = m.groups()
    if not FIRST_YEAR <= int(y) <= LAST_YEAR:
        raise ValueError(f"{s!r} is in the year {y}; dates from {FIRST_YEAR} to {LAST_YEAR} are read")
    offset = timedelta(hours=int(oh), minutes=int(om))
    try:
        zone = timezone(-offset if sign == "-" else offset)
        return datetime(int(y), int(mo), int(d), int(h), int(mi), int(se), tzinfo=zone)
    except ValueError:
        raise ValueError(f"{s!r} is not a date and time in the calendar") from None


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _object_positions(text: str, start: int, dec: json.JSONDecoder) -> dict[str, int]:
    """Offsets of the values of a JSON object that is known to be valid (second pass over the text)."""
    out: dict[str, int] = {}
    i = _skip(text, start + 1)
    if text[i] == "}":
        return out
    while True:
        key, i = dec.raw_decode(text, i)
        i = _skip(text, i)
        i = _skip(text, i + 1)  # past ':'
        out[str(key)] = i
        _, i = dec.raw_decode(text, i)
        i = _skip(text, i)
        if text[i] == "}":
            return out
        i = _skip(text, i + 1)  # past ','


def _elements(text: str, name: str, dec: json.JSONDecoder) -> Iterator[tuple[int, Any]]:
    """(offset, value) of each element of the top-level JSON array."""

    def fail(offset: int, message: str) -> ImportFailed:
        line, col = _line_col(text, offset)
        return ImportFailed(name, message, line, str(col))

    too_deep = _nesting_beyond(text, MAX_DEPTH)
    if too_deep is not None:
        raise fail(too_deep, f"JSON nested more than {MAX_DEPTH} levels deep; the events API's list is 3 levels deep")
    i = _skip(text, 0)
    if i >= len(text) or text[i] != "[":
        if i < len(text) and text[i] == "{":
            raise fail(i, "expected a list of events [ {...}, {...} ] as the events API returns, not one object")
        raise fail(i, "expected a list of events [ {...}, {...} ] as the events API returns")
    i = _skip(text, i + 1)
    if i < len(text) and text[i] == "]":
        return
    while True:
        start = i
        try:
            value, i = dec.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            raise ImportFailed(name, f"not valid JSON: {exc.msg}", exc.lineno, str(exc.colno)) from None
        except ValueError:  # a number of thousands of digits (Python's limit on converting them)
            raise fail(start, "a number too long to be an id or a count") from None
        yield start, value
        i = _skip(text, i)
        if i < len(text) and text[i] == ",":
            i = _skip(text, i + 1)
            continue
        if i < len(text) and text[i] == "]":
            end = _skip(text, i + 1)
            if end != len(text):
                raise fail(end, "not valid JSON: extra data after the list")
            return
        raise fail(i, "not valid JSON: expected ',' or ']' after an event")


_JSON_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def _nesting_beyond(text: str, limit: int) -> int | None:
    """The offset where JSON text first opens more than `limit` arrays and objects inside each other (strings
    skipped), or None: Python's decoder would otherwise recurse until it fails."""
    depth = 0
    for m in _JSON_TOKENS.finditer(text):
        c = m.group()
        if c in "[{":
            depth += 1
            if depth > limit:
                return m.start()
        elif c in "]}":
            depth -= 1
    return None


def decode_json_text(data: bytes, name: str) -> tuple[str, str]:
    """JSON text in UTF-8, UTF-16 or UTF-32 (as JSON allows; told apart by `json.detect_encoding`)."""
    codec = json.detect_encoding(data)
    label = "UTF-8" if codec.startswith("utf-8") else codec.upper()[:6]
    try:
        return data.decode(codec), label
    except UnicodeDecodeError as exc:
        line, col = _line_col(data[: exc.start].decode(codec, "replace"), exc.start)
        raise ImportFailed(name, f"not {label} text; save the file as UTF-8", line, str(col)) from None


@dataclass
class ParsedEvents:
    events: list[PoliceEvent]
    repeated: int  # ids that appeared more than once in the file (the last copy is kept)
    cleaning: Cleaning = field(default_factory=Cleaning)

    @property
    def masked(self) -> int:
        """Fields in which personal data was masked."""
        return self.cleaning.masked


def parse_events(data: bytes, name: str) -> ParsedEvents:
    """Police events in the open events API's JSON: a list of objects with id, datetime, name, summary, url,
    type and location {name, gps}; gps is "lat,lon"."""
    text, encoding = decode_json_text(data, name)
    cleaning = Cleaning(encoding=encoding)
    dec = json.JSONDecoder()
    by_id: dict[int, PoliceEvent] = {}
    repeated = 0
    for start, value in _elements(text, name, dec):

        def fail(offset: int, message: str) -> ImportFailed:
            line, col = _line_col(text, offset)
            return ImportFailed(name, message, line, str(col))

        if not isinstance(value, dict):
            raise fail(start, 'an event must be an object {"id": ..., "datetime": ..., ...}')
        pos = _object_positions(text, start, dec)

        def field_(
            key: str,
            kind: type | tuple[type, ...],
            required: bool = True,
            obj: dict[str, Any] = value,
            where: dict[str, int] = pos,
            at: int = start,
            owner: str = "the event",
        ) -> Any:
            if key not in obj or obj[key] is None:
                if required:
                    raise fail(at, f'{owner} has no "{key}"')
                return None
            v = obj[key]
            if not isinstance(v, kind) or isinstance(v, bool):
                want = "a number" if kind is int else "text" if kind is str else "an object"
                raise fail(where[key], f'"{key}" must be {want}, not {json.dumps(v, ensure_ascii=False)[:40]}')
            return v

        ident = field_("id", int)
        if ident <= 0:
            raise fail(pos["id"], '"id" must be a positive number')
        if ident > MAX_EVENT_ID:
            raise fail(pos["id"], f'"id" is too large; the largest is {MAX_EVENT_ID}')
        try:
            at = parse_event_datetime(field_("datetime", str))
        except ValueError as exc:
            raise fail(pos["datetime"], f'"datetime": {exc}') from None
        loc = field_("location", dict)
        lpos = _object_positions(text, pos["location"], dec)
        loc_name = field_("name", str, obj=loc, where=lpos, at=pos["location"], owner='"location"')
        gps = field_("gps", str, required=False, obj=loc, where=lpos, at=pos["location"])
        lat = lon = None
        if gps:
            m = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*", gps)
            if m is None or not (-90 <= float(m.group(1)) <= 90 and -180 <= float(m.group(2)) <= 180):
                raise fail(lpos["gps"], f'"gps" must be "lat,lon" such as "55.375,13.157", not {gps!r}')
            lat, lon = float(m.group(1)), float(m.group(2))
        if ident in by_id:
            repeated += 1

        def clean(v: str, limit: int = MAX_TEXT) -> str:
            v, n = drop_control(v)
            cleaning.dropped += n
            return cleaning.cut_text(cleaning.mask(" ".join(v.split())), limit)

        by_id[ident] = PoliceEvent(
            event_id=ident,
            at=at.astimezone(UTC),
            name=clean(field_("name", str)),
            summary=clean(field_("summary", str, required=False) or "", MAX_SUMMARY),
            url=clean(field_("url", str, required=False) or "", MAX_SUMMARY),
            type=clean(field_("type", str)),
            location=clean(loc_name),
            lat=lat,
            lon=lon,
        )
    return ParsedEvents(sorted(by_id.values(), key=lambda e: (e.at, e.event_id)), repeated, cleaning)


def read_events(path: Path) -> ParsedEvents:
    if path.suffix.lower() != ".json":
        raise ImportFailed(path.name, "police events are read from a .json file in the events API's format")
    return parse_events(_read(path, path.name), path.name)


def _read(path: Path, name: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImportFailed(name, f"cannot be read: {exc.strerror or exc}") from None
