"""The Thursday draft with chart workers: every draft goes out as text at once, its charts follow in a message
of their own once a worker has drawn them, and the job is handed to the workers only after the draft is
committed (so the charts can never come before the text, nor for a draft that was rolled back).

The pool here is a stand-in that keeps the jobs until the test lets them run, in this process; the real worker
processes are tests/integration/reports/test_chart_pool.py's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from bot.reports.chart_jobs import draw_picture_charts, make
from bot.reports.chart_pool import ChartPool, Job, PictureCharts, WeeklyPdf
from standins.config import TUE_OPEN
from tests.unit.fakes.bot import FakeBot

THU_DRAFT = TUE_OPEN + timedelta(days=2, minutes=5)
FRI_PUBLISH = TUE_OPEN + timedelta(days=2, hours=23, minutes=30)


class HeldPool(ChartPool):
    """Jobs kept until `release`; what was in the outbox when each job was handed over is noted."""

    def __init__(self, bot: FakeBot) -> None:
        super().__init__(1)
        self.bot = bot
        self.held: list[tuple[Job, Callable[[tuple[Path, ...]], None]]] = []
        self.outbox_at_submit: list[list[str]] = []
        self.ran: list[str] = []

    def submit(
        self,
        job: Job,
        done: Callable[[tuple[Path, ...]], None],
        failed: Callable[[str], None] | None = None,
    ) -> None:
        with self.bot.unit() as uow:  # a fresh unit of work sees only what was committed
            self.outbox_at_submit.append([str(r.payload["kind"]) for r in uow.outbox.t.outbox.values()])
        self.held.append((job, done))

    def run(self, job: Job) -> tuple[Path, ...]:
        self.ran.append(type(job).__name__)
        return make(job)

    def release(self) -> None:
        for job, done in self.held:
            assert isinstance(job, PictureCharts)
            done(draw_picture_charts(job))
        self.held.clear()


def test_the_draft_goes_as_text_at_once_and_its_charts_follow(fake_bot: FakeBot) -> None:
    pool = HeldPool(fake_bot)
    fake_bot.services.env.chart_pool = pool
    fake_bot.tick()
    fake_bot.clock.set(THU_DRAFT)
    fake_bot.tick()
    meeting = fake_bot.flush("möte")
    assert meeting[0].kind == "picture" and meeting[0].text.startswith("Utkast till lägesbild 2026-W47")
    assert meeting[0].attachments == ()  # the text did not wait for the charts
    assert {o.kind for o in meeting[1:]} <= {"candidate"}
    assert len(pool.held) == 1 and "picture" in pool.outbox_at_submit[0]  # handed over after the commit
    pool.release()
    (charts,) = fake_bot.flush("möte")
    assert charts.kind == "picture_charts" and charts.text == "Diagram till utkastet 2026-W47 – Tryggare Trelleborg"
    names = [a.filename for a in charts.attachments]
    assert names == ["lagesbild-2026-W47-sv.png", "trend-2026-W47-sv.png"]
    assert all(Path(a.path).read_bytes().startswith(b"\x89PNG") for a in charts.attachments)

    # Friday: the report's charts and PDF come from the workers too, and go with the report itself
    fake_bot.clock.set(FRI_PUBLISH)
    fake_bot.tick()
    (broadcast,) = fake_bot.flush("rapport")
    assert [a.filename for a in broadcast.attachments] == [
        "lagesbild-2026-W47-sv.png",
        "trend-2026-W47-sv.png",
        "veckorapport-2026-W47.sv.pdf",
    ]
    assert "WeeklyPdf" in pool.ran and "PictureCharts" in pool.ran


def test_without_workers_the_draft_carries_its_charts(fake_bot: FakeBot) -> None:
    fake_bot.tick()
    fake_bot.clock.set(THU_DRAFT)
    fake_bot.tick()
    meeting = fake_bot.flush("möte")
    assert [a.filename for a in meeting[0].attachments] == ["lagesbild-2026-W47-sv.png", "trend-2026-W47-sv.png"]
    assert "picture_charts" not in {o.kind for o in meeting}


def test_a_failed_weekly_pdf_job_costs_the_file_not_the_report(fake_bot: FakeBot) -> None:
    class Failing(HeldPool):
        def run(self, job: Job) -> tuple[Path, ...]:
            if isinstance(job, WeeklyPdf):
                raise RuntimeError("the worker ended")
            return super().run(job)

    fake_bot.services.env.chart_pool = Failing(fake_bot)
    fake_bot.tick()
    fake_bot.clock.set(FRI_PUBLISH)
    fake_bot.tick()
    (broadcast,) = fake_bot.flush("rapport")
    assert broadcast.kind == "report"
    assert [a.filename for a in broadcast.attachments] == ["lagesbild-2026-W47-sv.png", "trend-2026-W47-sv.png"]


def test_a_closed_pool_takes_no_jobs(tmp_path: Path) -> None:
    pool = ChartPool(1)
    pool.close()  # no job was ever given: no worker was started
    assert pool.pids() == []
    with pytest.raises(RuntimeError, match="closed"):
        pool.submit(PictureCharts(None, tmp_path / "h.png", None), lambda paths: None)  # type: ignore[arg-type]
