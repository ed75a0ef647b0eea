"""Exports for a range of weeks: answers, pictures (area × factor per week) and actions, as CSV or XLSX.

Answers carry the reporter's organisation and never the person: no name, no account or chat id, no person
id. `response` numbers the answers of one report within one week (a new number every week), so that a
report's answers can be counted together without following anyone from week to week. Only notes a
coordinator approved are included.

CSV: one file per kind, UTF-8 with a byte-order mark (so that spreadsheet programs read å, ä and ö), comma
separated, decimal point, the pictures' mean levels rounded to two decimals. XLSX: one sheet per kind, numbers as
numbers. Text a reporter wrote never becomes a formula: in CSV a text that a spreadsheet program would read as
one (starting with =, +, -, @, a tab or a carriage return) gets a leading apostrophe, in XLSX it is a text cell.
An action's level before and after and its change are the figures every other output shows (one decimal, by the
definition in bot.domain.effect), so that the export agrees with the reports.
"""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.domain.effect import LEVEL_DIGITS
from bot.domain.factors import Factor, colour_for
from bot.domain.stats import AnswerRecord, Series
from bot.reports.followup import ActionEffect
from bot.text import label, t

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

KINDS: tuple[str, ...] = ("answers", "pictures", "actions")
FORMATS: tuple[str, ...] = ("csv", "xlsx")

Value = str | int | float | None


@dataclass(frozen=True)
class Table:
    kind: str
    sheet: str
    header: list[str]
    rows: list[list[Value]]
    decimals: set[int] = field(default_factory=set)  # columns holding levels with decimals
    colour_column: int | None = None  # a column of level colours (its cells are filled in XLSX)
    colours: list[str] = field(default_factory=list)  # the level colour of each row, for that column
    digits: int = 2  # decimals of the level columns


def _cols(lang: str, *keys: str) -> list[str]:
    return [t(lang, f"export.col.{k}") for k in keys]


def _yes_no(value: bool, lang: str) -> str:
    return t(lang, "export.yes" if value else "export.no")


def answers_table(records: Sequence[AnswerRecord], factors: Sequence[Factor], lang: str) -> Table:
    labels = {f.code: f.label(lang) for f in factors}
    rows: list[list[Value]] = [
        [
            str(r.week),
            r.response,
            r.organisation,
            r.area,
            r.area_name,
            r.factor,
            labels.get(r.factor, r.factor),
            r.level,
            r.place or "",
            r.note or "",
            _yes_no(r.late, lang),
        ]
        for r in records
    ]
    header = _cols(
        lang, "week", "response", "organisation", "area", "area_name", "factor", "factor_name", "level", "place",
        "note", "late",
    )  # fmt: skip
    return Table("answers", t(lang, "export.sheet.answers"), header, rows)


def pictures_table(series: Series, lang: str) -> Table:
    """One row per week, area and factor that had reports: count, mean, highest level and colour."""
    rows: list[list[Value]] = []
    colours: list[str] = []
    for week in series.weeks:
        for area in series.areas:
            for f in series.factors:
                s = series.stats.get((week, area.code, f.code))
                if s is None or not s.count:
                    continue
                mean = s.mean
                colour = colour_for(mean)
                if s.max == 3 and colour in ("green", "yellow"):
                    colour = "orange"  # as in the picture: a single red report makes the cell at least orange
                rows.append(
                    [
                        str(week),
                        area.code,
                        area.name,
                        f.code,
                        f.label(lang),
                        s.count,
                        round(mean, 2) if mean is not None else None,
                        s.max,
                        t(lang, f"export.colour.{colour}"),
                    ]
                )
                colours.append(colour)
    header = _cols(lang, "week", "area", "area_name", "factor", "factor_name", "reports", "mean", "max", "colour")
    return Table("pictures", t(lang, "export.sheet.pictures"), header, rows, {6}, 8, colours)


def actions_table(effects: Sequence[ActionEffect], factors: Sequence[Factor], lang: str) -> Table:

    labels = {f.code: f.label(lang) for f in factors}
    rows: list[list[Value]] = []
    for e in effects:
        a = e.action
        rows.append(
            [
                a.id,
                str(a.week),
                a.area_code,
                a.area_name,
                a.place or "",
                ", ".join(labels.get(f, f) for f in a.factors),
                a.title,
                label(lang, "atype", a.action_type),
                label(lang, "resp", a.responsible),
                label(lang, "time", a.timeframe),
                a.votes,
                t(lang, f"status.{a.status}"),
                e.before,
                e.after,
                e.change,
            ]
        )
    header = _cols(
        lang, "id", "week", "area", "area_name", "place", "factors", "title", "type", "responsible", "timeframe",
        "votes", "status", "before", "after", "change",
    )  # fmt: skip
    return Table("actions", t(lang, "export.sheet.actions"), header, rows, {12, 13, 14}, digits=LEVEL_DIGITS)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(v: Value, digits: int = 2) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    if isinstance(v, str) and v.startswith(FORMULA_START):
        return "'" + v  # text, not a formula, when a spreadsheet program opens the file
    return str(v)


def write_csv(tables: Sequence[Table], out_dir: Path, stem: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for table in tables:
        path = out_dir / f"{stem}-{table.kind}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(table.header)
            for row in table.rows:
                writer.writerow([_csv_value(v, table.digits) for v in row])
        paths.append(path)
    return paths


def _cell(
    ws: WriteOnlyWorksheet, value: Value, fmt: str | None = None, fill: PatternFill | None = None
) -> WriteOnlyCell:
    """A cell of a write-only sheet with its number format or fill, kept as text if it looks like a formula."""
    from openpyxl.cell import WriteOnlyCell

    made = WriteOnlyCell(ws, value=value)
    if made.data_type == "f":  # openpyxl takes a text starting with "=" for a formula
        made.data_type = "s"
    if fmt is not None:
        made.number_format = fmt
    if fill is not None:
        made.fill = fill
    return made


def write_xlsx(tables: Sequence[Table], path: Path) -> Path:
    """The tables as the sheets of one workbook, written row by row (openpyxl's write-only mode: no cell objects
    kept but for the cells with a style or a text that looks like a formula)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from bot.domain.factors import LEVEL_HEX

    wb = Workbook(write_only=True)
    wb.properties.creator = "est-bot"
    bold, top = Font(bold=True), Alignment(vertical="top")
    fills = {c: PatternFill("solid", fgColor=h.lstrip("#").upper()) for c, h in LEVEL_HEX.items() if c != "none"}
    for table in tables:
        ws = wb.create_sheet(table.sheet[:31])
        ws.freeze_panes = "A2"
        widths = [len(h) for h in table.header]
        for row in table.rows:
            for i, v in enumerate(row):
                widths[i] = max(widths[i], len(_csv_value(v, table.digits)))
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, width + 2))
        number_format = "0." + "0" * table.digits if table.digits else "0"
        colour_column = table.colour_column

        header = []
        for h in table.header:
            first = _cell(ws, h)
            first.font, first.alignment = bold, top
            header.append(first)
        ws.append(header)
        for r, row in enumerate(table.rows):
            fill = None
            if colour_column is not None and r < len(table.colours):
                fill = fills.get(table.colours[r])
            out: list[object] = []
            for c, v in enumerate(row):
                special = c in table.decimals or (c == colour_column and fill is not None)
                if special or (isinstance(v, str) and v.startswith("=")):
                    out.append(
                        _cell(
                            ws, v, number_format if c in table.decimals else None, fill if c == colour_column else None
                        )
                    )
                else:
                    out.append(v)
            ws.append(out)
        if table.rows:
            ws.auto_filter.ref = (
                f"A1:{get_column_letter(max(len(table.header), *map(len, table.rows)))}{len(table.rows) + 1}"
            )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        wb.save(path)
    except BaseException:
        _abandon(wb)
        raise
    return path


def _abandon(wb: Workbook) -> None:
    """A workbook that could not be saved (a folder that cannot be made, a full disk): each sheet's row writer
    closed now and its temporary file removed, quietly. Left to the garbage collector, they print "Exception
    ignored in ..." with a traceback under the one-line error the person gets."""
    for ws in wb.worksheets:
        rows, writer = getattr(ws, "_rows", None), getattr(ws, "_writer", None)
        with contextlib.suppress(Exception):
            if rows is not None:
                rows.close()
        with contextlib.suppress(Exception):
            if writer is not None:
                writer.close()
                writer.cleanup()
