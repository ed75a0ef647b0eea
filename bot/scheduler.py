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
from bot.memory import release_free_memory
from bot.services import Services
from bot.stats.police_api import PoliceFetcher

log = logging.getLogger(__name__)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _guarded(name: str, fn: Callable[[], object]) -> Callable[[], Awaitable[None]]:
    async def job() -> None:
        try:
            await asyncio.to_thread(fn)
        except asyncio.CancelledError:
            # The process is stopping (Ctrl-C, SIGTERM) while the job runs: its thread finishes its unit of work
            # or rolls it back, and the state in the database makes the next start do what is left. Handing the
            # cancellation on would have APScheduler log it as a failed job, with a traceback.
            log.info("job %s stopped with the process; the next start takes it up", name)
        except Exception:
            log.exception("job %s failed; the next tick retries it", name)
        finally:
            # What the job's charts and documents freed goes back to the system (bot/memory.py): a C call of a few
            # milliseconds, made here rather than in a thread, so that it needs no executor while the process stops.
            release_free_memory()

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
    for group in services.config.groups:
        # The first weekday of a month is among its first seven days; post_monthly_if_due decides which.
        at = group.week_schedule().monthly_at
        scheduler.add_job(
            _guarded(f"{group.id}:monthly", partial(services.monthly, group.id)),
            CronTrigger(day="1-7", day_of_week="mon-fri", hour=at.hour, minute=at.minute, timezone=group.tz),
            id=f"{group.id}:monthly",
            name=f"{group.id} monthly follow-up",
            replace_existing=True,
        )
    police = services.config.police_events
    if police.enabled:
        scheduler.add_job(
            _guarded("police-events", PoliceFetcher.from_config(services).run),
            IntervalTrigger(minutes=police.interval_minutes),
            id="police-events",
            name="police events fetch",
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
