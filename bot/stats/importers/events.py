"""Police events as JSON in the events API's format (a file, or the API's answer)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bot.domain.statistics import PoliceEvent
from bot.stats.importers.base import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_DEPTH,
    MAX_EVENT_ID,
    MAX_SUMMARY,
    MAX_TEXT,
    Cleaning,
    ImportFailed,
    drop_control,
    read_file,
)
from bot.stats.importers.values import short

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
        raise ValueError(f"{short(s)!r} is not a date and time like 2026-11-17 21:15:09 +01:00")
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
            try:
                dec.raw_decode(text, i)
            except json.JSONDecodeError as exc:  # a file cut short or broken: that, not what it would have been
                raise ImportFailed(name, f"not valid JSON: {exc.msg}", exc.lineno, str(exc.colno)) from None
            except ValueError:  # a number of thousands of digits in it: still one object
                pass
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
    return parse_events(read_file(path, path.name), path.name)
