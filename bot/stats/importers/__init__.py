"""Read statistics files into records: CSV and XLSX tables, and police events as JSON.

Every reader checks the whole file before anything is stored, and the first problem found stops the import
with an :class:`ImportFailed` that names the file, the line and the column. The column layouts are documented
in docs/STATISTICS.md; keep the two in step.

The package: `base` (kinds, limits, the error, cleaning), `tables` (CSV and XLSX as rows), `columns` (which
column holds what), `values` (one cell's count, date, time, month or year), `records` (a table of statistics
to records), `events` (police events as JSON).
"""

from __future__ import annotations

from bot.stats.importers.base import (
    FIRST_YEAR,
    KINDS,
    LAST_YEAR,
    MAX_COUNT,
    MAX_DEPTH,
    MAX_EVENT_ID,
    MAX_SUMMARY,
    MAX_TEXT,
    BadValue,
    Cleaning,
    ImportFailed,
    drop_control,
)
from bot.stats.importers.columns import MONTH_NAMES, SYNONYMS, Layout, find_layout, parse_period
from bot.stats.importers.events import (
    ParsedEvents,
    decode_json_text,
    parse_event_datetime,
    parse_events,
    read_events,
)
from bot.stats.importers.records import DEFAULT_CATEGORY, Parsed, parse_records
from bot.stats.importers.tables import Table, decode_table_text, read_csv, read_table, read_xlsx
from bot.stats.importers.values import parse_count, parse_date, parse_month_of_year, parse_time, parse_year

__all__ = [
    "DEFAULT_CATEGORY",
    "FIRST_YEAR",
    "KINDS",
    "LAST_YEAR",
    "MAX_COUNT",
    "MAX_DEPTH",
    "MAX_EVENT_ID",
    "MAX_SUMMARY",
    "MAX_TEXT",
    "MONTH_NAMES",
    "SYNONYMS",
    "BadValue",
    "Cleaning",
    "ImportFailed",
    "Layout",
    "Parsed",
    "ParsedEvents",
    "Table",
    "decode_json_text",
    "decode_table_text",
    "drop_control",
    "find_layout",
    "parse_count",
    "parse_date",
    "parse_event_datetime",
    "parse_events",
    "parse_month_of_year",
    "parse_period",
    "parse_records",
    "parse_time",
    "parse_year",
    "read_csv",
    "read_events",
    "read_table",
    "read_xlsx",
]
