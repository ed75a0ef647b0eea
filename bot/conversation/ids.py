"""Ids that arrive as text, from a button or a command."""

from __future__ import annotations


def parse_id(v: str) -> int | None:
    """A database id from a button or command: digits only, and within a 32-bit key."""
    if not v.isascii() or not v.isdigit() or len(v) > 10:
        return None
    n = int(v)
    return n if 0 < n < 2**31 else None
