"""bot/housekeeping.py: the chart cache's old drawings and the pacing's idle windows go; what is in use stays."""

from __future__ import annotations

import os
import time
from pathlib import Path

from bot.housekeeping import CHART_KEEP, PACING_IDLE, prune_chart_cache
from bot.ratelimit import RateLimiter, Window, telegram_limits

DAY = 86_400.0


def _file(path: Path, age: float, now: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    os.utime(path, (now - age, now - age))
    return path


def test_old_charts_of_every_cache_folder_go_and_the_recent_ones_and_everything_else_stay(tmp_path: Path) -> None:
    now = time.time()
    old = CHART_KEEP.total_seconds() + DAY
    gone = [
        _file(tmp_path / "g1" / ".charts" / "levels-aaa.png", old, now),
        _file(tmp_path / "g1" / "2026-W40" / ".charts" / "trend-bbb.png", old, now),
        _file(tmp_path / "g2" / ".charts" / ".levels-ccc.png.123-4.part", 2 * DAY, now),  # a stopped drawing's
    ]
    kept = [
        _file(tmp_path / "g1" / ".charts" / "levels-ddd.png", CHART_KEEP.total_seconds() - DAY, now),
        _file(tmp_path / "g2" / ".charts" / ".levels-eee.png.123-5.part", 60.0, now),  # being drawn now
        _file(tmp_path / "g1" / "2026-W40" / "rapport.pdf", old, now),  # a group's own files are not the cache's
        _file(tmp_path / "g1" / "2026-W40" / "levels.png", old, now),
    ]
    assert prune_chart_cache(tmp_path, now=now) == len(gone)
    assert [p.exists() for p in gone] == [False] * len(gone)
    assert [p.exists() for p in kept] == [True] * len(kept)
    assert (tmp_path / "g1" / "2026-W40" / ".charts").is_dir()  # a drawing may be writing into it
    assert prune_chart_cache(tmp_path, now=now) == 0
    assert prune_chart_cache(tmp_path / "no such folder", now=now) == 0


def test_the_one_process_limiter_forgets_windows_and_holds_unused_for_a_day_and_keeps_the_others() -> None:
    seconds = [0.0]
    limiter = RateLimiter(lambda: seconds[0], lambda s: seconds.__setitem__(0, seconds[0] + s))
    limiter.acquire("telegram", telegram_limits(-100))  # a group written to once
    limiter.hold("telegram", 30.0)
    seconds[0] += DAY + 60.0
    limiter.acquire("telegram", telegram_limits(7))  # a chat written to a day later; the platform's window too
    assert limiter.prune(PACING_IDLE.total_seconds()) == 3  # the group's two windows and the hold
    assert limiter.prune(PACING_IDLE.total_seconds()) == 0
    # What stays still counts: the chat's second turn within its second waits.
    assert limiter.acquire("telegram", telegram_limits(7), 5.0) == 1.0
    assert limiter.acquire("email", {"email": Window(1, 1.0)}) == 0.0
