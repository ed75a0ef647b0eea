"""One cell's value: counts, dates, times, months and years as people and spreadsheets write them."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from bot.stats.importers.base import FIRST_YEAR, LAST_YEAR, MAX_COUNT, BadValue
from bot.stats.importers.columns import MONTH_NAMES, fold


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def parse_count(value: object) -> int | None:
    """A count: a whole number, spaces as thousands separators allowed; "-" or "–" is 0 and ".." (no value,
    as Brå marks it) gives None."""
    if isinstance(value, bool):
        raise BadValue(f"{value!r} is not a number")
    if isinstance(value, int):
        n = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise BadValue(f"{value!r} is not a whole number")
        n = int(value)
    else:
        s = re.sub(r"[\s\u00a0\u2009\u202f]", "", str(value or ""))
        if s in ("..", "…"):
            return None
        if s in ("-", "–", "—"):
            return 0
        if not re.fullmatch(r"[+-]?\d+", s):
            raise BadValue(f"{short(value)!r} is not a whole number; write the count as digits, e.g. 12")
        if len(s.lstrip("+-0")) > len(str(MAX_COUNT)):
            raise BadValue(f"{short(value)!r} is too large for a count; the largest is {MAX_COUNT:,}".replace(",", " "))
        n = int(s)
    if n < 0:
        raise BadValue(f"{n} is negative; a count is 0 or more")
    if n > MAX_COUNT:
        raise BadValue(f"{n} is too large for a count; the largest is {MAX_COUNT:,}".replace(",", " "))
    return n


def short(value: object) -> str:
    """A cell as quoted in a message: at most 40 characters."""
    s = cell_text(value)
    return s if len(s) <= 40 else s[:39] + "…"


def _check_year(year: int, shown: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise BadValue(f"{shown!r} is in the year {year}; dates from {FIRST_YEAR} to {LAST_YEAR} are read")


def parse_date(value: object) -> tuple[date, time | None]:
    if isinstance(value, datetime):
        _check_year(value.year, f"{value:%Y-%m-%d}")
        return value.date(), value.time() if value.time() != time(0) else None
    if isinstance(value, date):
        _check_year(value.year, f"{value:%Y-%m-%d}")
        return value, None
    s = cell_text(value)
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2})[:.](\d{2})(?::(\d{2}))?)?", s)
    if m is None:
        raise BadValue(f"{short(s)!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-17")
    _check_year(int(m.group(1)), s)
    try:
        d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        t = time(int(m.group(4)), int(m.group(5)), int(m.group(6) or 0)) if m.group(4) else None
    except ValueError:
        raise BadValue(f"{s!r} is not a date in the calendar; write it as YYYY-MM-DD") from None
    return d, t


def parse_time(value: object) -> time | None:
    if value is None or value == "":
        return None
    if isinstance(value, time):
        return value
    if isinstance(value, datetime):
        return value.time()
    s = cell_text(value)
    m = re.fullmatch(r"(?:kl\.?\s*)?(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?", s, re.IGNORECASE)
    try:
        if m is None:
            raise ValueError
        return time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))
    except ValueError:
        raise BadValue(f"{s!r} is not a time of day; write it as HH:MM, e.g. 21:15") from None


def parse_month_of_year(value: object) -> int:
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        n = int(value)
    else:
        s = fold(value).rstrip(".")
        n = MONTH_NAMES.get(s, 0) or (int(s) if s.isdigit() else 0)
    if not 1 <= n <= 12:
        raise BadValue(f"{cell_text(value)!r} is not a month; write 1-12 or a month name such as januari")
    return n


def parse_year(value: object) -> int:
    s = cell_text(value)
    if not re.fullmatch(r"\d{4}", s):
        raise BadValue(f"{short(s)!r} is not a year; write it with four digits, e.g. 2026")
    _check_year(int(s), s)
    return int(s)
