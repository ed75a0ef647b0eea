"""One scheduler leader among several `est-bot run` processes on one database.

On PostgreSQL the leader is the process that holds a session-level advisory lock
(`pg_try_advisory_lock`) on a connection of its own, kept open for as long as it leads. The lock belongs to
that database session: when the process dies, even by kill -9, the server ends the session and the lock is
free at once; the others try again every `leader_retry_seconds` and one of them takes over. A leader checks
its connection on the same beat and steps down when it is gone (the server restarted, the network broke).

Two leaders for a moment (the old one has not noticed yet that its session died) are harmless: every phase
step is a compare-and-set on the round's phase (`Rounds.set_phase`), so it happens once whoever runs it, and
outbox rows are claimed with leases (bot/outbox.py).

On SQLite there are no advisory locks, and SQLite is meant for one process: the single process always leads.
The lock itself is storage/leadership.py (`DatabaseLeadership`); this module only acts on it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.ports import Leadership

log = logging.getLogger(__name__)


async def lead_forever(
    leadership: Leadership,
    on_gain: Callable[[], Awaitable[None]],
    on_loss: Callable[[], Awaitable[None]],
    every: float,
) -> None:
    """Try to lead every `every` seconds; call `on_gain` when this process becomes the leader and `on_loss`
    when it stops being one. A database that cannot be reached counts as not leading and is tried again."""
    leading = False
    while True:
        try:
            held = await asyncio.to_thread(leadership.check if leading else leadership.try_acquire)
        except Exception:
            log.warning("could not ask the database for the scheduler lock; trying again", exc_info=True)
            held = False
        if held and not leading:
            leading = True
            log.info("this process leads: it runs the schedule")
            await _guarded(on_gain, "starting the leader's work")
        elif leading and not held:
            leading = False
            log.warning("this process no longer leads: schedule paused")
            await _guarded(on_loss, "stopping the leader's work")
        await asyncio.sleep(every)


async def _guarded(step: Callable[[], Awaitable[None]], what: str) -> None:
    try:
        await step()
    except Exception:
        log.exception("%s failed; the tick and the next leader check try again", what)
