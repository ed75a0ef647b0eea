"""The draft's charts with real chart worker processes over a real database: a worker killed in the middle of
its job, one that hangs, and a bot stopped while its worker has the job: the charts still reach the meeting's
channel, once.

A worker "killed mid-job" is a process started in the worker's place that reads the job's first bytes and then
kills itself (SIGKILL) or hangs; the workers after it are the real `python -m bot.reports.chart_worker`."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.conversation.messages import Outbound
from bot.reports import chart_pool
from bot.reports.chart_pool import ChartPool
from standins.config import TUE_OPEN
from tests.conftest import Bot

THU_DRAFT = TUE_OPEN + timedelta(days=2, minutes=5)
KILLED = "import os, sys; sys.stdin.buffer.read(4); os.kill(os.getpid(), 9)"
HANGS = "import sys, time; sys.stdin.buffer.read(4); time.sleep(600)"


@pytest.fixture
def broken_first(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The next workers started run these scripts (in order), then the real worker again."""
    scripts: list[str] = []
    real = chart_pool.start_worker

    def start() -> subprocess.Popen[bytes]:
        if not scripts:
            return real()
        return subprocess.Popen([sys.executable, "-c", scripts.pop(0)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    monkeypatch.setattr(chart_pool, "start_worker", start)
    yield scripts


def charts(sent: list[Outbound]) -> list[Outbound]:
    return [o for o in sent if o.kind == "picture_charts"]


def draft(bot: Bot, pool: ChartPool) -> list[Outbound]:
    bot.services.env.chart_pool = pool
    bot.tick()
    bot.clock.set(THU_DRAFT)
    bot.tick()
    return bot.flush("möte")


def test_a_worker_killed_mid_job_and_one_that_hangs_cost_nothing(bot: Bot, broken_first: list[str]) -> None:
    broken_first += [KILLED, HANGS]
    pool = ChartPool(1, timeout=2)
    try:
        meeting = draft(bot, pool)
        assert meeting[0].kind == "picture" and meeting[0].attachments == ()
        assert pool.wait(timeout=120)
    finally:
        pool.close()
    (sent,) = charts(meeting + bot.flush("möte"))
    assert [a.filename for a in sent.attachments] == ["lagesbild-2026-W47-sv.png", "trend-2026-W47-sv.png"]
    assert broken_first == []  # both broken workers took the job, the third (real) one drew it
    bot.tick()
    assert bot.flush("möte") == []


def test_a_bot_stopped_while_its_worker_has_the_job_sends_the_charts_after_the_restart(
    bot: Bot, broken_first: list[str]
) -> None:
    broken_first.append(HANGS)
    first = ChartPool(1)
    meeting = draft(bot, first)
    deadline = time.monotonic() + 60
    while not first.pids() and time.monotonic() < deadline:  # until the (hanging) worker is started with the job
        time.sleep(0.01)
    assert first.pids() and broken_first == []
    first.close(wait=False)  # `est-bot run` stops: its worker is ended with the job unfinished
    assert charts(meeting + bot.flush("möte")) == []

    again = bot.restart()
    second = again.services.env.chart_pool = ChartPool(1)
    try:
        again.tick()  # the start's catch-up
        assert second.wait(timeout=120)
        (sent,) = charts(again.flush("möte"))
        assert sent.text == "Diagram till utkastet 2026-W47 – Tryggare Trelleborg"
        again.tick()
        assert second.wait(timeout=120)
        assert again.flush("möte") == []
    finally:
        second.close()
        again.app.close()
