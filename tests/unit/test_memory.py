"""bot/memory.py: freed memory goes back to the system where the C library can (glibc), and nothing breaks where
it cannot."""

from __future__ import annotations

import platform

from bot.memory import release_free_memory


def test_memory_is_released_on_glibc_and_nothing_happens_elsewhere() -> None:
    assert release_free_memory() is (platform.libc_ver()[0] == "glibc")
    assert release_free_memory() is (platform.libc_ver()[0] == "glibc")  # again: the call is cached, not re-looked
