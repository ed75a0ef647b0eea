"""Leading the schedule among several processes on one database (bot/leader.py; storage/leadership.py)."""

from __future__ import annotations

from typing import Protocol


class Leadership(Protocol):
    """A lock that at most one process holds at a time."""

    @property
    def held(self) -> bool: ...

    def try_acquire(self) -> bool:
        """Take the lock if it is free; True if this process leads now."""

    def check(self) -> bool:
        """Whether the lock is still ours."""

    def release(self) -> None: ...
