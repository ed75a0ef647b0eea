"""The daily retention job's housekeeping (bot/housekeeping.py) on the bot's own database: the chart cache's old
drawings under reports_dir and the pacing's windows unused for a day go; on PostgreSQL through revision 0010's
`est_pacing_prune_v1` (the shared `est_pacing_v1`), on SQLite in the one process's limiter."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text

from bot.housekeeping import CHART_KEEP
from bot.ports.pacing import Limiter
from bot.ratelimit import RateLimiter, telegram_limits
from bot.usecases.privacy import retention
from storage.pacing import SharedLimiter
from tests.conftest import Bot

DAY = 86_400.0


def _pacing(bot: Bot) -> tuple[Limiter, Callable[[], list[str]]]:
    """The limiter `est-bot run` builds for the bot's database, with a chat written to two days ago and one now;
    and the keys it keeps."""
    if bot.url.startswith("postgresql"):
        limiter = SharedLimiter(bot.app.engine)
        limiter.turn("telegram", telegram_limits(7))
        with bot.app.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO est_pacing_v1 (key, turns) "
                    "VALUES ('tg-chat:5', ARRAY[extract(epoch FROM now()) - 2 * 86400])"
                )
            )
            conn.execute(
                text("UPDATE est_pacing_v1 SET held_until = extract(epoch FROM now()) + 30 WHERE key LIKE 'hold:%'")
            )

        def keys() -> list[str]:
            with bot.app.engine.connect() as conn:
                return sorted(conn.execute(text("SELECT key FROM est_pacing_v1")).scalars())

        return limiter, keys
    seconds = [0.0]
    one = RateLimiter(lambda: seconds[0], lambda s: seconds.__setitem__(0, seconds[0] + s))
    one.acquire("telegram", {k: w for k, w in telegram_limits(5).items() if k != "telegram"})
    seconds[0] += 2 * DAY
    one.acquire("telegram", telegram_limits(7))
    one.hold("telegram", 30.0)
    return one, lambda: sorted([*one._history, *(f"hold:{p}" for p in one._held)])  # noqa: SLF001


def test_retention_removes_old_charts_and_forgets_idle_pacing_windows(bot: Bot) -> None:
    reports = Path(bot.app.config.reports_dir)
    now = time.time()
    old = reports / bot.app.config.groups[0].id / ".charts" / "levels-aaa.png"
    new = reports / bot.app.config.groups[0].id / "2026-W47" / ".charts" / "levels-bbb.png"
    for path, age in ((old, CHART_KEEP.total_seconds() + DAY), (new, 60.0)):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"png")
        os.utime(path, (now - age, now - age))
    limiter, keys = _pacing(bot)
    assert "tg-chat:5" in keys()
    done = retention(bot.app.services.env, limiter)
    assert "removed 1 charts kept more than 4 weeks" in done
    assert "forgot 1 pacing windows unused for a day" in done
    assert not old.exists() and new.exists()
    assert keys() == ["hold:telegram", "telegram", "tg-chat:7"]  # in use, or held: kept
    assert [line for line in retention(bot.app.services.env, limiter) if "pacing" in line or "charts" in line] == []
