"""A table of statistics (monthly counts, or reports one per row) read into records."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.domain.statistics import Month, StatRecord, norm_municipality, norm_name, same_municipality
from bot.stats.importers.base import FIRST_YEAR, LAST_YEAR, MAX_TEXT, BadValue, Cleaning, ImportFailed
from bot.stats.importers.columns import find_layout, parse_period
from bot.stats.importers.tables import Table, column_letter
from bot.stats.importers.values import (
    cell_text,
    parse_count,
    parse_date,
    parse_month_of_year,
    parse_time,
    parse_year,
    short,
)


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
        head = short(headers[i]) if i < len(headers) else ""
        ref = column_letter(i) if self.table.letters else str(i + 1)
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
        if required and not cell_text(value):
            raise self.fail("empty cell; a value is needed here", i)
        return value

    def parsed(self, role: str, parse: Any, required: bool = True) -> Any:
        try:
            return parse(self.cell(role, required))
        except BadValue as exc:
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
            filled = [i for i, c in enumerate(self.row) if cell_text(c)]
            if not filled or filled == [0]:
                continue  # an empty row, or a footnote such as "Källa: Brå" in the first cell only
            rows += 1
            self.read_row(dated)
        return Parsed(self.records, rows, self.skipped_region, self.skipped_empty, self.table.cleaning)

    def masked_text(self, value: object) -> str:
        return self.table.cleaning.mask(cell_text(value))

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
                    n = parse_count(value) if cell_text(value) else None
                except BadValue as exc:
                    raise self.fail(str(exc), i) from None
                self.add(month, None, n, f"month|{month}|{what}", category, region, place)
            return
        count: int | None = 1  # a list of reports counts one each unless the file says otherwise
        if "count" in self.cols and (not dated or cell_text(self.cell("count"))):
            count = self.parsed("count", parse_count)
        if dated:
            day, at = self.parsed("date", parse_date)
            at = self.parsed("time", parse_time, required=False) or at
            raw_id = cell_text(self.cell("id"))
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
            year = re.match(r"\s*(\d{4})", cell_text(value))
            if parsed is None and year is not None and not FIRST_YEAR <= int(year.group(1)) <= LAST_YEAR:
                years = f"months from {FIRST_YEAR} to {LAST_YEAR} are read"
                raise self.fail(f"{short(value)!r} is in the year {year.group(1)}; {years}", self.cols["period"])
            if parsed is None:
                raise self.fail(
                    f"{short(value)!r} is not a month; write it as YYYY-MM (e.g. 2026-11) or 2026M11",
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
