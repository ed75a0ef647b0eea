"""Tables as read from a file: CSV in whatever encoding a spreadsheet wrote it, and XLSX worksheets."""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.stats.importers.base import Cleaning, ImportFailed, drop_control, read_file


@dataclass
class Table:
    """Rows of cells as read from a CSV file or a worksheet; `lines` are the file's line (row) numbers."""

    name: str  # the file name shown in messages, with the sheet for a workbook
    rows: list[list[Any]]
    lines: list[int]
    letters: bool = False  # name columns A, B, C (a spreadsheet) rather than 1, 2, 3
    cleaning: Cleaning = field(default_factory=Cleaning)


def column_letter(i: int) -> str:
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
    text, encoding = decode_table_text(read_file(path, name), name)
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
