"""What every reader shares: the kinds of file, the limits of what a file may hold, the error that stops an
import and what an import cleaned."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.domain.masking import mask_personal_data

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
    masked: int = 0  # fields in which personal data was masked (see `mask_counted`)

    def mask(self, value: str) -> str:
        text, n = mask_counted(value)
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


class BadValue(ValueError):
    """A cell that cannot be read; the reader adds the line and column and raises `ImportFailed`."""


def mask_counted(text: str) -> tuple[str, int]:
    """`text` with personal data masked, and 1 if that changed it (0 if not).

    Statistics and police events are stored, charted and shown in the picture as they arrive, so a place,
    category or summary that names a person by number or address is masked on import, and the import's answer
    says how many fields were (DESIGN.md §3)."""
    masked = mask_personal_data(text)
    return masked, int(masked != text)


def read_file(path: Path, name: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImportFailed(name, f"cannot be read: {exc.strerror or exc}") from None
