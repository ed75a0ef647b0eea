"""A structured document (the situation picture, the weekly report) as Telegram HTML messages.

Telegram's HTML has bold, italics and preformatted blocks but no lists or tables: headings are bold lines, lists
are lines with a bullet or a number and the lead in bold, and the area × factor table is a `<pre>` block whose
columns line up (values first, the row's label last, so a long label wrapping on a narrow screen does not
break the columns). Every word of the core is escaped. A message holds at most 4,096 characters, so a long
document is split between its parts, or between the lines of a part, into several messages: never cut.
"""

from __future__ import annotations

import html
import re
import unicodedata

from bot.conversation.document import Document, Heading, ItemList, Legend, Paragraph, Part, Table, legend_text

MAX_TEXT = 4096
GAP = "  "  # between the columns of a table
_TAG = re.compile(r"</?b>")


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def length(text: str) -> int:
    """Telegram's measure of a message: UTF-16 code units. Counted on the HTML, which is never shorter than
    the text it shows, so a part that fits here fits on the screen."""
    return len(text.encode("utf-16-le")) // 2


def width(text: str) -> int:
    """Columns `text` takes in a monospaced font: wide characters (the coloured circles) take two, combining
    marks and variation selectors none."""
    total = 0
    for ch in text:
        if unicodedata.combining(ch) or ch in "\ufe0f\u200d":
            continue
        total += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return total


def _pad(text: str, n: int) -> str:
    return text + " " * max(0, n - width(text))


def table_lines(table: Table) -> list[str]:
    """The table as aligned lines of plain text: a header line, then one line per row."""
    columns = list(table.columns)
    cells = [[c.shown() for c in row.cells] + [""] * (len(columns) - len(row.cells)) for row in table.rows]
    widths = [max([width(col), *(width(r[i]) for r in cells)]) for i, col in enumerate(columns)]
    header = GAP.join(_pad(col, w) for col, w in zip(columns, widths, strict=True))
    lines = [f"{header}{GAP}{table.label}".rstrip()]
    for row, values in zip(table.rows, cells, strict=True):
        lines.append(f"{GAP.join(_pad(v, w) for v, w in zip(values, widths, strict=True))}{GAP}{row.label}".rstrip())
    return lines


def part_pieces(part: Part) -> tuple[list[str], str, str]:
    """A part as escaped HTML lines, with what opens and closes it (the lines may go to different messages;
    each message then opens and closes the part again)."""
    if isinstance(part, Heading):
        return [f"<b>{_e(part.text)}</b>"], "", ""
    if isinstance(part, Paragraph):
        lines = [_e(line) for line in part.text.split("\n")]
        return (lines, "<i>", "</i>") if part.muted else (lines, "", "")
    if isinstance(part, ItemList):
        lines = []
        for n, item in enumerate(part.items, start=1):
            mark = f"{n}." if part.ordered else "•"
            if item.lead:
                rest = f": {_e(item.text)}" if item.text else ""
                lines.append(f"{mark} <b>{_e(item.lead)}</b>{rest}")
            else:
                lines.append(f"{mark} {_e(item.text)}")
        return lines, "", ""
    if isinstance(part, Table):
        return [_e(line) for line in table_lines(part)], "<pre>", "</pre>"
    assert isinstance(part, Legend)
    return [_e(legend_text(part))], "", ""


def _split_line(line: str, room: int) -> list[str]:
    """A single line longer than a message, in pieces of escaped text (never inside an entity like `&amp;`;
    the bold of a lead is dropped, as a tag cannot span two messages)."""
    pieces: list[str] = []
    current, used = "", 0
    for ch in html.unescape(_TAG.sub("", line)):
        piece = _e(ch)
        if used + length(piece) > room:
            pieces.append(current)
            current, used = "", 0
        current += piece
        used += length(piece)
    return [*pieces, current] if current else pieces


def document_messages(doc: Document, limit: int = MAX_TEXT) -> list[str]:
    """The document as HTML messages of at most `limit` characters each, in order. Parts are kept whole where
    they fit; a heading goes to the next message with the start of its part rather than end a message."""
    title = f"<b>{_e(doc.title)}</b>"
    messages: list[str] = []
    current = title + (f"\n<i>{_e(doc.subtitle)}</i>" if doc.subtitle else "")

    def add(block: str, joiner: str, keep_heading: bool) -> None:
        nonlocal current
        if length(current + joiner + block) <= limit:
            current += joiner + block
            return
        if keep_heading:  # current ends with the heading of this block: move the heading along
            before, sep, heading = current.rpartition("\n\n")
            if sep and length(heading + joiner + block) <= limit:
                messages.append(before)
                current = heading + joiner + block
                return
        messages.append(current)
        current = block

    after_heading = False
    for part in doc.parts:
        lines, opening, closing = part_pieces(part)
        joiner = "\n" if after_heading else "\n\n"
        block = opening + "\n".join(lines) + closing
        if length(block) <= limit:
            add(block, joiner, after_heading)
        else:  # a part longer than a message: its lines over several, each piece opened and closed again
            room = limit - length(opening + closing)
            chunk: list[str] = []
            first = True
            for line in lines:
                for piece in _split_line(line, room) if length(line) > room else [line]:
                    if chunk and length("\n".join([*chunk, piece])) > room:
                        add(opening + "\n".join(chunk) + closing, joiner if first else "\n", after_heading and first)
                        first, chunk = False, []
                    chunk.append(piece)
            if chunk:
                add(opening + "\n".join(chunk) + closing, joiner if first else "\n", after_heading and first)
        after_heading = isinstance(part, Heading)
    messages.append(current)
    return messages
