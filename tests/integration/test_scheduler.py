"""The APScheduler jobs: which exist, when they fire on both sides of a DST change, and that
firing them, twice, late or failing, is harmless.

The scheduler is never started and nothing sleeps: triggers are asked for their fire times with
``get_next_fire_time(previous, now)``, and a job's function is awaited directly at a hand-set clock.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.bootstrap import build
from bot.clock import ManualClock
from bot.config import Config, parse_config
from bot.domain.cycle import PHASE_ORDER, SCHEDULED_PHASES, Phase, RoundKey, phase_due_at
from bot.ports import UnitOfWork
from bot.scheduler import build_scheduler
from bot.services import Services
from tests.conftest import TUE_OPEN, Bot, RecordingSender, group_dict, make_config, reports_dir

STHLM = ZoneInfo("Europe/Stockholm")
NYC = ZoneInfo("America/New_York")
GROUP = "tbg"
W47 = RoundKey(2026, 47)


def local(y: int, mo: int, d: int, hh: int = 0, mm: int = 0, tz: ZoneInfo = STHLM) -> datetime:
    return datetime(y, mo, d, hh, mm, tzinfo=tz).astimezone(UTC)


def no_database() -> UnitOfWork:
    raise AssertionError("building the scheduler must not touch the database")


def two_groups(url: str = "sqlite://") -> Config:
    queens = group_dict(
        id="queens",
        name="Safer Queens",
        timezone="America/New_York",
        language="en",
        reporters=[],
        channels={},
        schedule={
            "open": "mon 18:30",
            "remind": "tue 12:00",
            "close": "wed 09:00",
            "draft": "wed 09:00",
            "publish": "thu 17:45",
        },
    )
    return parse_config(
        {"reports_dir": reports_dir(), "database": {"url": url}, "groups": [group_dict(), queens]}, "test"
    )


def jobs_of(scheduler: BaseScheduler) -> dict[str, Any]:
    return {job.id: job for job in scheduler.get_jobs()}


def fire_times(trigger: CronTrigger, start: datetime, end: datetime) -> list[datetime]:
    """Every fire time in [start, end), as the scheduler's loop would ask for them."""
    out: list[datetime] = []
    previous = None
    now = start
    while True:
        nxt = trigger.get_next_fire_time(previous, now)
        if nxt is None or nxt >= end:
            return out
        assert not out or nxt > out[-1], f"{trigger} went back from {out[-1]} to {nxt}"
        out.append(nxt.astimezone(UTC))
        # In UTC: wall-clock arithmetic on the local time would land in the wrong fold.
        previous, now = nxt, out[-1] + timedelta(seconds=1)


def fire(scheduler: BaseScheduler, job_id: str) -> None:
    """Run one job's function as the scheduler would, without starting the scheduler."""
    job = scheduler.get_job(job_id)
    assert job is not None, job_id
    asyncio.run(job.func())


def stored_phases(bot: Bot) -> dict[RoundKey, Phase]:
    with bot.app.services.unit() as uow:
        return {r.key: r.phase for r in uow.rounds.recent_rounds(GROUP, 100)}


def phase_steps(bot: Bot) -> list[tuple[datetime, str, str]]:
    with bot.app.services.unit() as uow:
        rows = uow.audit.audit_log(GROUP, limit=10_000)
    return [(at, str(d["week"]), a) for at, _, _, a, d in reversed(rows) if a.startswith("phase:")]


def state(bot: Bot) -> tuple[int, dict[RoundKey, Phase], int]:
    with bot.app.services.unit() as uow:
        total = sum(uow.outbox.counts().values())
    return total, stored_phases(bot), len(phase_steps(bot))


# --------------------------------------------------------------------------- the jobs


def test_one_cron_job_per_group_and_phase_in_the_groups_zone_plus_a_tick() -> None:
    config = two_groups()
    scheduler = build_scheduler(Services(config, no_database, ManualClock(TUE_OPEN)))
    assert not scheduler.running
    jobs = jobs_of(scheduler)
    monthly = {f"{g.id}:monthly" for g in config.groups}
    assert set(jobs) == {f"{g.id}:{p}" for g in config.groups for p in SCHEDULED_PHASES} | {"tick"} | monthly
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    for group in config.groups:
        schedule = group.week_schedule()
        for phase in SCHEDULED_PHASES:
            trigger = jobs[f"{group.id}:{phase}"].trigger
            assert isinstance(trigger, CronTrigger)
            assert trigger.timezone == ZoneInfo(group.timezone), (group.id, phase)
            pt = schedule.time_for(phase)
            fields = {f.name: str(f) for f in trigger.fields}
            assert (fields["day_of_week"], fields["hour"], fields["minute"], fields["second"]) == (
                days[pt.weekday - 1],
                str(pt.at.hour),
                str(pt.at.minute),
                "0",
            ), (group.id, phase)
    tick = jobs["tick"].trigger
    assert isinstance(tick, IntervalTrigger) and tick.interval == timedelta(seconds=60)
    short = jobs_of(build_scheduler(Services(config, no_database, ManualClock(TUE_OPEN)), tick_seconds=15))
    assert short["tick"].trigger.interval == timedelta(seconds=15)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (local(2026, 10, 19, 12), datetime(2026, 10, 20, 6, 0, tzinfo=UTC)),  # summer time: 08:00 CEST
        (local(2026, 10, 20, 8, 0), datetime(2026, 10, 20, 6, 0, tzinfo=UTC)),  # at the very minute: now
        (local(2026, 10, 20, 8, 1), datetime(2026, 10, 27, 7, 0, tzinfo=UTC)),  # just missed: next week, CET
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 27, 7, 0, tzinfo=UTC)),  # first 02:30
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), datetime(2026, 10, 27, 7, 0, tzinfo=UTC)),  # second 02:30
        (local(2026, 10, 26, 12), datetime(2026, 10, 27, 7, 0, tzinfo=UTC)),  # winter time: 08:00 CET
        (local(2027, 3, 22, 12), datetime(2027, 3, 23, 7, 0, tzinfo=UTC)),  # winter time
        (datetime(2027, 3, 28, 1, 30, tzinfo=UTC), datetime(2027, 3, 30, 6, 0, tzinfo=UTC)),  # the lost hour
        (local(2027, 3, 29, 12), datetime(2027, 3, 30, 6, 0, tzinfo=UTC)),  # summer time again
    ],
)
def test_next_open_is_tuesday_0800_local_on_both_sides_of_dst(now: datetime, expected: datetime) -> None:
    trigger = jobs_of(build_scheduler(Services(two_groups(), no_database, ManualClock(now))))["tbg:open"].trigger
    nxt = trigger.get_next_fire_time(None, now)
    assert nxt == expected, f"{nxt} != {expected}"
    assert nxt.astimezone(STHLM).strftime("%a %H:%M") == "Tue 08:00"


@pytest.mark.parametrize(
    ("start", "end"),
    [(date(2026, 10, 5), date(2026, 11, 16)), (date(2027, 3, 1), date(2027, 4, 12))],
    ids=["autumn", "spring"],
)
def test_every_cron_job_fires_once_a_week_when_the_cycle_says_its_phase_is_due(start: date, end: date) -> None:
    """Six weeks around each change, for a Stockholm and a New York group (whose clocks change on
    other dates): each phase job fires exactly once a week, at the instant the domain says the
    phase is due."""
    config = two_groups()
    jobs = jobs_of(build_scheduler(Services(config, no_database, ManualClock(TUE_OPEN))))
    for group in config.groups:
        tz, schedule = group.tz, group.week_schedule()
        lo = datetime.combine(start, time(0), tzinfo=tz)
        hi = datetime.combine(end, time(0), tzinfo=tz)
        weeks = [RoundKey.of(start + timedelta(weeks=i)) for i in range((end - start).days // 7)]
        for phase in SCHEDULED_PHASES:
            fires = fire_times(jobs[f"{group.id}:{phase}"].trigger, lo, hi)
            assert fires == [phase_due_at(k, phase, schedule, tz) for k in weeks], (group.id, phase)
            pt = schedule.time_for(phase)
            assert {(f.astimezone(tz).isoweekday(), f.astimezone(tz).time()) for f in fires} == {(pt.weekday, pt.at)}


# --------------------------------------------------------------------------- firing the jobs


def test_phase_jobs_drive_the_week_and_a_doubled_or_late_job_changes_nothing(bot: Bot) -> None:
    """Week 47 driven by the cron jobs alone: each fires at its time, fires again at once (two
    schedulers, or a coalesced misfire), fires late just before the next phase, and the minute
    tick runs in between; only the first firing changes anything."""
    scheduler = build_scheduler(bot.app.services)
    plan = [(p, phase_due_at(W47, p, bot.app.config.group(GROUP).week_schedule(), STHLM)) for p in SCHEDULED_PHASES]
    nexts = [at for _, at in plan[1:]] + [local(2026, 11, 24, 8, 0)]
    for (phase, at), later in zip(plan, nexts, strict=True):
        assert (
            at.astimezone(STHLM).time()
            == {
                Phase.OPEN: time(8, 0),
                Phase.REMINDED: time(13, 0),
                Phase.CLOSED: time(8, 0),
                Phase.DRAFTED: time(8, 5),
                Phase.PUBLISHED: time(7, 30),
            }[phase]
        )
        bot.clock.set(at)
        fire(scheduler, f"{GROUP}:{phase}")
        bot.flush()
        assert stored_phases(bot) == {W47: phase}
        before = state(bot)
        fire(scheduler, f"{GROUP}:{phase}")
        fire(scheduler, "tick")
        bot.clock.set(later - timedelta(minutes=1))
        fire(scheduler, f"{GROUP}:{phase}")
        fire(scheduler, "tick")
        assert state(bot) == before, phase
    assert [a for _, _, a in phase_steps(bot)] == [f"phase:{p}" for p in PHASE_ORDER[1:]]
    assert len([o for o in bot.sender.to("rapport") if o.kind == "report"]) == 1
    assert len([o for o in bot.sender.to("anna") if o.kind == "reminder"]) == 1


def test_a_failing_job_is_logged_not_raised_and_the_next_tick_catches_up(
    bot: Bot, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The open job fails (the database is away): the error is logged, the scheduler lives on,
    and the minute tick opens the round once the database is back."""
    bot.clock.set(local(2026, 11, 17, 8, 0))

    def broken(group_id: str, now: datetime | None = None) -> list[str]:
        raise RuntimeError("database went away")

    monkeypatch.setattr(bot.app.services, "advance", broken)
    scheduler = build_scheduler(bot.app.services)  # jobs may bind the method when they are built
    with caplog.at_level(logging.ERROR, logger="bot.scheduler"):
        fire(scheduler, f"{GROUP}:open")
    assert "job tbg:open failed" in caplog.text and "database went away" in caplog.text
    assert stored_phases(bot) == {}
    monkeypatch.undo()

    bot.clock.set(local(2026, 11, 17, 8, 1))
    fire(scheduler, "tick")
    assert stored_phases(bot) == {W47: Phase.OPEN}
    bot.flush()
    assert len([o for o in bot.sender.to("anna") if o.kind == "question"]) == 1


@pytest.mark.parametrize(
    ("schedule", "monday", "published_at", "firings"),
    [
        ({}, date(2026, 10, 19), datetime(2026, 10, 23, 5, 30, tzinfo=UTC), 5),  # Fri 07:30 CEST
        ({}, date(2026, 10, 26), datetime(2026, 10, 30, 6, 30, tzinfo=UTC), 5),  # Fri 07:30 CET
        ({}, date(2027, 3, 22), datetime(2027, 3, 26, 6, 30, tzinfo=UTC), 5),  # Fri 07:30 CET
        ({}, date(2027, 3, 29), datetime(2027, 4, 2, 5, 30, tzinfo=UTC), 5),  # Fri 07:30 CEST
        # Sunday 02:30: APScheduler 3 fires at both 02:30s of 2026-10-25; the second firing must be a no-op.
        ({"publish": "sön 02:30"}, date(2026, 10, 19), datetime(2026, 10, 25, 0, 30, tzinfo=UTC), 6),
        # ... and once at 03:30 CEST on 2027-03-28, where 02:30 does not exist.
        ({"publish": "sön 02:30"}, date(2027, 3, 22), datetime(2027, 3, 28, 1, 30, tzinfo=UTC), 5),
    ],
    ids=["autumn-before", "autumn-after", "spring-before", "spring-after", "repeated-hour", "missing-hour"],
)
def test_cron_jobs_alone_run_a_dst_week_once(
    db_url: str, schedule: dict[str, str], monday: date, published_at: datetime, firings: int
) -> None:
    """No tick at all: firing every phase job at each of its fire times runs the week's round
    through every phase once, and publishes once, at the local publish time."""
    clock = ManualClock(local(monday.year, monday.month, monday.day))
    sender = RecordingSender()
    app = build(make_config(db_url, schedule=schedule), clock=clock, senders={"console": sender})
    bot = Bot(app, clock, sender, db_url)
    try:
        scheduler = build_scheduler(app.services, tick_seconds=60)
        jobs = jobs_of(scheduler)
        start = clock.now()
        end = start + timedelta(days=7)
        plan = sorted(
            (at, job_id)
            for job_id, job in jobs.items()
            if job_id != "tick" and not job_id.endswith(":monthly")
            for at in fire_times(job.trigger, start, end)
        )
        assert len(plan) == firings, plan
        for at, job_id in plan:
            clock.set(at)
            fire(scheduler, job_id)
            bot.flush()
        key = RoundKey.of(monday)
        steps = phase_steps(bot)
        assert [a for _, _, a in steps] == [f"phase:{p}" for p in PHASE_ORDER[1:]]
        assert {w for _, w, _ in steps} == {str(key)}
        assert [at for at, _, a in steps if a in ("phase:finalised", "phase:published")] == [published_at] * 2
        reports = [o for o in sender.to("rapport") if o.kind == "report"]
        assert [o.data.get("week") for o in reports] == [str(key)]
    finally:
        app.close()


def test_jobs_of_each_group_advance_only_that_group(tmp_path: Path) -> None:
    """A New York group's open job at its own Monday 18:30 opens its round, not Stockholm's."""
    url = f"sqlite:///{tmp_path / 'two.sqlite'}"
    config = two_groups(url)
    clock = ManualClock(local(2026, 11, 16, 18, 30, tz=NYC))
    app = build(config, clock=clock, senders={"console": RecordingSender()})
    try:
        scheduler = build_scheduler(app.services)
        fire(scheduler, "queens:open")
        with app.services.unit() as uow:
            assert [(r.key, r.phase) for r in uow.rounds.recent_rounds("queens", 5)] == [(W47, Phase.OPEN)]
            assert uow.rounds.recent_rounds(GROUP, 5) == []
    finally:
        app.close()


def test_a_job_running_when_the_process_stops_ends_without_a_failure(caplog: pytest.LogCaptureFixture) -> None:
    """Ctrl-C cancels the job's task while its thread works: one line saying so, not APScheduler's traceback of a
    'failed' job (seen in CI when `est-bot run` was stopped during a tick)."""
    import threading

    from bot.scheduler import _guarded

    release = threading.Event()
    job = _guarded("tbg:tick", lambda: release.wait(1))

    async def stop_during_the_job() -> None:
        task: asyncio.Future[None] = asyncio.ensure_future(job())
        await asyncio.sleep(0.05)
        task.cancel()
        await task  # no CancelledError handed on to APScheduler's executor

    with caplog.at_level(logging.INFO, logger="bot.scheduler"):
        asyncio.run(stop_during_the_job())
    release.set()
    assert "job tbg:tick stopped with the process" in caplog.text and "Traceback" not in caplog.text
