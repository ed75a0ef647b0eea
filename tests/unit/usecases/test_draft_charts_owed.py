"""The draft's charts follow exactly once, whatever stops in between: the draft's transaction records them as
owed, the one that queues them settles the debt, and the tick (which is also the catch-up of a start) draws what
is owed and not with a worker now. A worker that fails gets the job again, then it is drawn in the bot's process.

Over the fake unit of work; a "restart" is a new bot (services, dispatcher, no jobs in flight) over the same
storage. Real worker processes killed mid-job: tests/integration/reports/test_draft_charts_owed.py."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.conversation.messages import Outbound
from bot.reports.chart_jobs import draw_picture_charts
from bot.reports.chart_pool import ChartPool, Job, PictureCharts
from bot.usecases import draft_charts
from tests.support.transcript import TranscriptBot
from tests.unit.fakes.bot import FakeBot
from tests.unit.usecases.test_draft_charts import FRI_PUBLISH, THU_DRAFT


class Pool(ChartPool):
    """A stand-in pool in this process: jobs kept until `release`, or failed at once `fail` times first."""

    def __init__(self, fail: int = 0) -> None:
        super().__init__(1)
        self.held: list[tuple[Job, Callable[[tuple[Path, ...]], None]]] = []
        self.fail = fail
        self.submitted = 0

    def submit(
        self,
        job: Job,
        done: Callable[[tuple[Path, ...]], None],
        failed: Callable[[str], None] | None = None,
    ) -> None:
        if self.closed:
            raise RuntimeError("the chart pool is closed")
        self.submitted += 1
        if self.fail and failed is not None:
            self.fail -= 1
            failed("ChartJobFailed: the chart worker ended (no answer)")
            return
        self.held.append((job, done))

    def release(self) -> None:
        held, self.held = self.held, []
        for job, done in held:
            assert isinstance(job, PictureCharts)
            done(draw_picture_charts(job))


def restart(bot: FakeBot, pool: ChartPool | None) -> FakeBot:
    """A new process over the same storage and clock: what was in flight in the old one is gone."""
    base = TranscriptBot.over(bot.services.config, bot.storage.unit, bot.clock)
    new = FakeBot(base.services, base.dispatcher, base.clock, base.sender, storage=bot.storage)
    new.services.env.chart_pool = pool
    return new


def owed(bot: FakeBot) -> list[str]:
    with bot.unit() as uow:
        return [str(r.key) for r in uow.rounds.charts_owed(bot.services.config.groups[0].id)]


def drafted(bot: FakeBot, pool: ChartPool) -> list[Outbound]:
    bot.services.env.chart_pool = pool
    bot.tick()
    bot.clock.set(THU_DRAFT)
    bot.tick()
    return bot.flush("möte")


def charts_of(sent: list[Outbound]) -> list[Outbound]:
    return [o for o in sent if o.kind == "picture_charts"]


def test_charts_lost_with_a_stopped_process_follow_once_after_the_restart(fake_bot: FakeBot) -> None:
    first = Pool()
    meeting = drafted(fake_bot, first)
    assert meeting[0].kind == "picture" and not charts_of(meeting)
    assert owed(fake_bot) == ["2026-W47"]  # recorded with the draft, before any worker took the job
    first.close(wait=False)  # the process stops: its held job is never made

    second = Pool()
    bot = restart(fake_bot, second)
    bot.tick()  # the start's catch-up
    bot.tick()  # the job is with the workers: not handed over twice
    assert second.submitted == 1
    assert bot.flush("möte") == []  # the draft's text is not sent again either
    second.release()
    (charts,) = charts_of(bot.flush("möte"))
    assert charts.text == "Diagram till utkastet 2026-W47 – Tryggare Trelleborg"
    assert [a.filename for a in charts.attachments] == ["lagesbild-2026-W47-sv.png", "trend-2026-W47-sv.png"]
    assert owed(bot) == []
    bot.tick()
    assert second.submitted == 1 and bot.flush("möte") == []


def test_a_start_without_workers_draws_the_owed_charts_itself(fake_bot: FakeBot) -> None:
    drafted(fake_bot, Pool())
    bot = restart(fake_bot, None)  # `[run] chart_workers = 0` this time
    bot.tick()
    (charts,) = charts_of(bot.flush("möte"))
    assert [a.filename for a in charts.attachments] == ["lagesbild-2026-W47-sv.png", "trend-2026-W47-sv.png"]
    bot.tick()
    assert bot.flush("möte") == [] and owed(bot) == []


def test_a_failing_worker_gets_the_job_again_then_it_is_drawn_here(
    fake_bot: FakeBot, caplog: pytest.LogCaptureFixture
) -> None:
    pool = Pool(fail=draft_charts.TRIES)
    with caplog.at_level(logging.WARNING, "bot.usecases.draft_charts"):
        meeting = drafted(fake_bot, pool)
    assert pool.submitted == draft_charts.TRIES and pool.held == []
    (charts,) = charts_of(meeting + fake_bot.flush("möte"))
    assert len(charts.attachments) == 2
    assert [r.levelname for r in caplog.records] == ["WARNING"] * (draft_charts.TRIES - 1) + ["ERROR"]
    assert "drawn in the bot's process" in caplog.records[-1].getMessage()
    fake_bot.tick()
    assert fake_bot.flush("möte") == [] and owed(fake_bot) == []


def test_a_worker_that_fails_once_is_retried_by_the_workers(fake_bot: FakeBot) -> None:
    pool = Pool(fail=1)
    drafted(fake_bot, pool)
    assert pool.submitted == 2 and len(pool.held) == 1
    pool.release()
    assert len(charts_of(fake_bot.flush("möte"))) == 1


def test_charts_queued_by_another_process_are_not_queued_again(fake_bot: FakeBot) -> None:
    pool = Pool()
    drafted(fake_bot, pool)
    other = Pool()
    bot = restart(fake_bot, other)  # a second process whose tick sees the debt while the first still draws
    bot.tick()
    other.release()
    pool.release()  # the first process's worker answers last: the debt is settled, nothing more is queued
    assert len(charts_of(fake_bot.flush("möte") + bot.flush("möte"))) == 1


def test_a_job_failed_because_the_bot_stops_stays_owed(fake_bot: FakeBot) -> None:
    pool = Pool()
    drafted(fake_bot, pool)
    ((job, _),) = pool.held
    pool.close(wait=False)
    group = fake_bot.services.config.groups[0]
    with fake_bot.unit() as uow:
        (rnd,) = uow.rounds.charts_owed(group.id)
    assert isinstance(job, PictureCharts)
    draft_charts.hand_over(fake_bot.services.env, group, rnd, job)  # the pool is closed: the process is stopping
    assert owed(fake_bot) == ["2026-W47"] and fake_bot.services.env.charts_in_flight == set()


def test_charts_owed_past_the_meeting_are_settled_not_sent_late(
    fake_bot: FakeBot, caplog: pytest.LogCaptureFixture
) -> None:
    first = Pool()
    drafted(fake_bot, first)
    first.close(wait=False)  # the process stops on Thursday with the draft's charts unmade ...
    fake_bot.clock.set(FRI_PUBLISH)
    bot = restart(fake_bot, None)  # ... and starts again only after Friday's publish time
    with caplog.at_level(logging.INFO, "bot.usecases.cycle"):
        bot.tick()  # the catch-up publishes the week (the report has charts of its own) ...
    assert [o.kind for o in bot.flush("rapport")] == ["report"]
    assert charts_of(bot.flush("möte")) == []  # ... and last Thursday's draft charts do not follow it
    assert owed(bot) == []
    assert any("so not now" in r.getMessage() for r in caplog.records)
    bot.tick()
    assert bot.flush("möte") == [] and owed(bot) == []


class Refusing(Pool):
    """A pool that is open but cannot take a job `refuse` times (as when no thread can be started)."""

    def __init__(self, refuse: int) -> None:
        super().__init__()
        self.refuse = refuse

    def submit(
        self,
        job: Job,
        done: Callable[[tuple[Path, ...]], None],
        failed: Callable[[str], None] | None = None,
    ) -> None:
        if self.refuse:
            self.refuse -= 1
            raise RuntimeError("can't start new thread")
        super().submit(job, done, failed)


def test_a_pool_that_cannot_take_the_job_is_a_failed_try_not_a_stopping_bot(
    fake_bot: FakeBot, caplog: pytest.LogCaptureFixture
) -> None:
    pool = Refusing(refuse=1)
    with caplog.at_level(logging.INFO, "bot.usecases.draft_charts"):
        drafted(fake_bot, pool)
    assert not any("the bot is stopping" in r.getMessage() for r in caplog.records)
    assert "can't start new thread" in caplog.records[0].getMessage()
    assert pool.submitted == 1 and len(pool.held) == 1  # handed over again, and taken the second time
    pool.release()
    assert len(charts_of(fake_bot.flush("möte"))) == 1 and owed(fake_bot) == []


def test_a_pool_that_never_takes_the_job_leaves_it_drawn_here(fake_bot: FakeBot) -> None:
    pool = Refusing(refuse=draft_charts.TRIES)
    meeting = drafted(fake_bot, pool)
    assert pool.submitted == 0
    (charts,) = charts_of(meeting + fake_bot.flush("möte"))
    assert len(charts.attachments) == 2
    assert owed(fake_bot) == [] and fake_bot.services.env.charts_in_flight == set()
