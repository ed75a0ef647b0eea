"""A chart worker readies, while no job waits, what the first job of each kind would read once
(bot/reports/chart_jobs.py: get_ready; bot/reports/chart_worker.py: _idle)."""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Callable

import pytest

from bot.reports import chart_jobs
from bot.reports.chart_worker import _idle


def test_every_step_is_taken_while_idle_and_none_after_a_job_comes(monkeypatch: pytest.MonkeyPatch) -> None:
    taken: list[str] = []

    def step(name: str) -> Callable[[], None]:
        return lambda: taken.append(name)

    steps = [step(n) for n in ("pdf", "charts", "workbook")]
    monkeypatch.setattr(chart_jobs, "READY_STEPS", tuple(steps))
    assert chart_jobs.get_ready(lambda: True) == 3 and taken == ["pdf", "charts", "workbook"]
    taken.clear()
    answers = iter([True, False])  # a job comes after the first step
    assert chart_jobs.get_ready(lambda: next(answers)) == 1 and taken == ["pdf"]


def test_a_step_that_fails_is_logged_and_the_next_is_taken(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise OSError("no fonts here")

    taken: list[str] = []
    monkeypatch.setattr(chart_jobs, "READY_STEPS", (broken, lambda: taken.append("charts")))
    with caplog.at_level(logging.ERROR, logger="bot.reports.chart_jobs"):
        assert chart_jobs.get_ready(lambda: True) == 2
    assert taken == ["charts"] and "no fonts here" in caplog.text and "broken" in caplog.text


def test_the_real_steps_run() -> None:
    assert chart_jobs.get_ready(lambda: True) == len(chart_jobs.READY_STEPS)


def test_idle_until_a_job_is_written() -> None:
    read, write = os.pipe()
    with os.fdopen(read, "rb") as source, os.fdopen(write, "wb") as sink:
        assert _idle(source)
        sink.write(b"\0\0\0\1x")
        sink.flush()
        assert not _idle(source)


def test_a_source_without_a_descriptor_may_hold_a_job() -> None:
    assert not _idle(io.BytesIO(b""))
