"""APScheduler 3 jobs: thin, idempotent calls into the services.

Each phase has a cron job in the group's own time zone, and a minute tick runs
`Services.tick()` so a late, missed or doubled job changes nothing: the state
in the database decides what is due, not the job.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from functools import partial

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.domain.cycle import SCHEDULED_PHASES
from bot.services import Services

log = logging.getLogger(__name__)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _guarded(name: str, fn: Callable[[], object]) -> Callable[[], Awaitable[None]]:
    async def job() -> None:
        try:
            await asyncio.to_thread(fn)
        except Exception:
            log.exception("job %s failed; the next tick retries it", name)

    return job


def build_scheduler(services: Services, tick_seconds: int = 60) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(
        timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}
    )
    for group in services.config.groups:
        schedule = group.week_schedule()
        for phase in SCHEDULED_PHASES:
            pt = schedule.time_for(phase)
            trigger = CronTrigger(
                day_of_week=DAYS[pt.weekday - 1], hour=pt.at.hour, minute=pt.at.minute, timezone=group.tz
            )
            gid = group.id
            scheduler.add_job(
                _guarded(f"{gid}:{phase}", partial(services.advance, gid)),
                trigger,
                id=f"{gid}:{phase}",
                name=f"{gid} {phase}",
                replace_existing=True,
            )
    scheduler.add_job(
        _guarded("tick", services.tick),
        IntervalTrigger(seconds=tick_seconds),
        id="tick",
        name="tick",
        replace_existing=True,
    )
    return scheduler
