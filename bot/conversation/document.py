"""Documents as structure: what the core hands the edges for the situation picture and the weekly report.

A chat platform cannot show Markdown source as a document, and each draws structure its own way (Slack: Block
Kit; Telegram: HTML; the console: plain text). So the core says *what* the document holds (a title, headings,
paragraphs, lists with a bold lead, tables of coloured cells, a colour legend) in plain words, and every edge
decides *how* it looks. Nothing in here is markup: every string is shown as it is written, so an edge escapes it
for its own format. A document travels in an `Outbound`'s `data["document"]` as JSON (it is stored in the
outbox), and `plain_text` is its complete rendering as text for the message's `text`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.domain.factors import LEVEL_EMOJI


@dataclass(frozen=True)
class Cell:
    """One value of a table; a `colour` (green|yellow|orange|red|none) is drawn as the level's colour."""

    text: str
    colour: str | None = None

    def shown(self) -> str:
        """The cell as text: the colour's emoji, then the value."""
        mark = LEVEL_EMOJI.get(self.colour or "", "") if self.colour else ""
        return " ".join(p for p in (mark, self.text) if p)


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2  # 2: a section; 3: a part of a section (an area)


@dataclass(frozen=True)
class Paragraph:
    text: str
    muted: bool = False  # explanations and footers: drawn small or in italics


@dataclass(frozen=True)
class Item:
    """A list item: the `lead` (a place, a title) stands out, the text follows it."""

    text: str
    lead: str = ""

    def shown(self) -> str:
        return f"{self.lead}: {self.text}" if self.lead and self.text else self.lead or self.text


@dataclass(frozen=True)
class ItemList:
    items: tuple[Item, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Table:
    """Rows with a label and one cell per column (the area × factor table of the picture and the report)."""

    label: str  # what the row labels are (the first column's header)
    columns: tuple[str, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Legend:
    """What each colour means: cells with a colour and its meaning."""

    items: tuple[Cell, ...]


Part = Heading | Paragraph | ItemList | Table | Legend


@dataclass(frozen=True)
class Document:
    title: str
    parts: tuple[Part, ...]
    subtitle: str = ""

    # ------------------------------------------------------------------ JSON (the outbox stores it)

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "subtitle": self.subtitle, "parts": [_part_json(p) for p in self.parts]}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Document:
        return cls(
            title=str(d.get("title", "")),
            subtitle=str(d.get("subtitle", "")),
            parts=tuple(_part_from_json(p) for p in d.get("parts", ())),
        )


def _cell_json(c: Cell) -> dict[str, Any]:
    return {"text": c.text, "colour": c.colour}


def _cell(d: dict[str, Any]) -> Cell:
    return Cell(str(d.get("text", "")), d.get("colour"))


def _part_json(p: Part) -> dict[str, Any]:
    if isinstance(p, Heading):
        return {"type": "heading", "text": p.text, "level": p.level}
    if isinstance(p, Paragraph):
        return {"type": "paragraph", "text": p.text, "muted": p.muted}
    if isinstance(p, ItemList):
        return {"type": "list", "ordered": p.ordered, "items": [{"lead": i.lead, "text": i.text} for i in p.items]}
    if isinstance(p, Table):
        return {
            "type": "table",
            "label": p.label,
            "columns": list(p.columns),
            "rows": [{"label": r.label, "cells": [_cell_json(c) for c in r.cells]} for r in p.rows],
        }
    return {"type": "legend", "items": [_cell_json(c) for c in p.items]}


def _part_from_json(d: dict[str, Any]) -> Part:
    kind = d.get("type")
    if kind == "heading":
        return Heading(str(d["text"]), int(d.get("level", 2)))
    if kind == "paragraph":
        return Paragraph(str(d["text"]), bool(d.get("muted", False)))
    if kind == "list":
        items = tuple(Item(str(i.get("text", "")), str(i.get("lead", ""))) for i in d.get("items", ()))
        return ItemList(items, bool(d.get("ordered", False)))
    if kind == "table":
        rows = tuple(Row(str(r["label"]), tuple(_cell(c) for c in r.get("cells", ()))) for r in d.get("rows", ()))
        return Table(str(d.get("label", "")), tuple(str(c) for c in d.get("columns", ())), rows)
    if kind == "legend":
        return Legend(tuple(_cell(c) for c in d.get("items", ())))
    raise ValueError(f"unknown document part {kind!r}")


# --------------------------------------------------------------------------- plain text


def row_text(table: Table, row: Row) -> str:
    """A table row on one line: "label – column: value · column: value" (empty values left out)."""
    values = " · ".join(
        f"{col}: {cell.shown()}" for col, cell in zip(table.columns, row.cells, strict=False) if cell.shown()
    )
    return f"{row.label} – {values}" if values else row.label


def legend_text(legend: Legend) -> str:
    return " · ".join(c.shown() for c in legend.items)


def part_lines(part: Part) -> list[str]:
    """A part as lines of plain text."""
    if isinstance(part, Heading):
        return [part.text, "─" * len(part.text)] if part.level <= 2 else [part.text]
    if isinstance(part, Paragraph):
        return part.text.split("\n")
    if isinstance(part, ItemList):
        marks = [f"{n}." if part.ordered else "•" for n in range(1, len(part.items) + 1)]
        return [f"{mark} {item.shown()}" for mark, item in zip(marks, part.items, strict=True)]
    if isinstance(part, Table):
        return [f"• {row_text(part, row)}" for row in part.rows]
    return [legend_text(part)]


def plain_text(doc: Document) -> str:
    """The whole document as readable text: no markup, every word of it. A part follows its heading directly;
    parts are apart by a blank line."""
    blocks = ["\n".join(x for x in (doc.title, doc.subtitle) if x)]
    after_heading = False
    for part in doc.parts:
        text = "\n".join(part_lines(part))
        if after_heading:
            blocks[-1] += "\n" + text
        else:
            blocks.append(text)
        after_heading = isinstance(part, Heading)
    return "\n\n".join(b for b in blocks if b)
