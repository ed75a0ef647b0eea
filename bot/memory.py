"""Handing freed memory back to the system after the bot's heavy work (charts, documents, a week's picture).

A process that runs for a year draws its charts and documents in worker threads; glibc's malloc keeps what they
freed in its arenas, and one large piece kept near the top of an arena pins everything below it. In the year-long
soak (bench/year.py) that showed as a step of some 70 MB that never went away. `malloc_trim(0)` returns every
free page of every arena to the system; it takes a few milliseconds, so the scheduler calls it after each job.
Where the C library is not glibc (musl, macOS) there is no such call and this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from collections.abc import Callable
from functools import cache

log = logging.getLogger(__name__)


@cache
def _trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return None
    trim = getattr(libc, "malloc_trim", None)
    if trim is None:
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def release_free_memory() -> bool:
    """Give the memory malloc holds free back to the system; True if the C library can (glibc)."""
    trim = _trim()
    if trim is None:
        return False
    trim(0)
    return True
