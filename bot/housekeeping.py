"""What the bot keeps for itself and would otherwise keep forever, removed by the daily retention job
(bot/usecases/privacy.py's `retention`, 03:17 UTC in the leader):

- **the chart cache**: every chart drawn is kept under its content's digest in a `.charts` folder beside the files
  of its group (bot/reports/chart_cache.py), so the draft, the report's message and its PDF share one drawing.
  A week's charts are never drawn again once the week has passed, so those older than `CHART_KEEP` go, with
  temporary `.part` files a process left behind when it was stopped while drawing (older than a day). A chart
  that is asked for again after that is drawn again: the cache only saves work.
- **the pacing's windows**: the bot's limiter keeps a window per chat, group and channel it wrote to (in memory
  on SQLite, in `est_pacing_v1` on PostgreSQL); those not used for a day (`PACING_IDLE`) are forgotten
  (`Limiter.prune`). No window is longer than a minute, so a forgotten one holds nothing back.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from pathlib import Path

from bot.ports.pacing import Limiter
from bot.reports.chart_cache import CACHE_DIR

log = logging.getLogger(__name__)
CHART_KEEP = timedelta(weeks=4)
PART_KEEP = timedelta(days=1)
PACING_IDLE = timedelta(days=1)


def prune_chart_cache(root: Path, keep: timedelta = CHART_KEEP, now: float | None = None) -> int:
    """Remove the charts in every `.charts` folder under `root` last used (drawn, or placed again) more than `keep`
    ago, and their temporary `.part` files older than a day. Returns how many files went. The folders stay: a chart
    being drawn at this moment writes into its folder, which must not go from under it."""
    now = time.time() if now is None else now
    removed = 0
    if not root.is_dir():
        return 0
    for folder in sorted(root.rglob(CACHE_DIR)):
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            limit = keep if not path.name.endswith(".part") else min(keep, PART_KEEP)
            try:
                if path.is_file() and path.stat().st_mtime < now - limit.total_seconds():
                    path.unlink()
                    removed += 1
            except FileNotFoundError:  # another process removed or renamed it meanwhile
                continue
    return removed


def housekeeping(reports_dir: Path, limiter: Limiter | None) -> list[str]:
    """The chart cache under `reports_dir` and the pacing's idle windows; what was done, as lines for the log."""
    done: list[str] = []
    charts = prune_chart_cache(reports_dir)
    if charts:
        done.append(f"removed {charts} charts kept more than {CHART_KEEP.days // 7} weeks")
    if limiter is not None:
        windows = limiter.prune(PACING_IDLE.total_seconds())
        if windows:
            done.append(f"forgot {windows} pacing windows unused for a day")
    for line in done:
        log.info("housekeeping: %s", line)
    return done
