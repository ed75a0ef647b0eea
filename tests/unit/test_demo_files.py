"""The demo's files made ahead (bot/demo_files.py): `run` answers at once with the files a job makes, the e-mail
sender waits for the files a message carries, and a job that fails or makes fewer files fails the demo.

Jobs are held in this process until released (no worker); the demo's run with a real worker is
tests/integration/cli/test_demo.py."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.conversation.messages import Attachment, Outbound
from bot.demo_files import FilesAhead, FilesNotMade, WaitingSender, named_files
from bot.domain.model import OutboxItem
from bot.reports.chart_jobs import draw_picture_charts
from bot.reports.chart_pool import Job, PictureCharts, WeeklyPdf
from tests.unit.fakes.bot import FakeBot
from tests.unit.usecases.test_draft_charts_owed import Pool, drafted


class Held(FilesAhead):
    """Jobs kept until `release`, then drawn here (or, with `short`, answered with one file fewer)."""

    def __init__(self) -> None:
        super().__init__()
        self.held: list[tuple[Job, Callable[[tuple[Path, ...]], None]]] = []

    def submit(
        self, job: Job, done: Callable[[tuple[Path, ...]], None], failed: Callable[[str], None] | None = None
    ) -> None:
        self.held.append((job, done))

    def release(self, short: bool = False) -> None:
        held, self.held = self.held, []
        for job, done in held:
            assert isinstance(job, PictureCharts)
            made = draw_picture_charts(job)
            done(made[:-1] if short else made)


class Recorder:
    platform = "email"

    def __init__(self) -> None:
        self.sent: list[list[bool]] = []

    def send(self, item: OutboxItem, out: Outbound, message_id: str | None) -> str | None:
        self.sent.append([Path(a.path).exists() for a in out.attachments])
        return "m1"


def a_chart_job(fake_bot: FakeBot) -> PictureCharts:
    pool = Pool()
    drafted(fake_bot, pool)  # the draft's charts, as the bot hands them to a worker
    ((job, _),) = pool.held
    pool.close(wait=False)
    assert isinstance(job, PictureCharts)
    return job


def test_a_message_waits_for_the_files_it_carries(fake_bot: FakeBot) -> None:
    job = a_chart_job(fake_bot)
    files = Held()
    paths = files.run(job)
    assert paths == named_files(job) and len(paths) == 2 and not any(p.exists() for p in paths)
    mail = Recorder()
    out = Outbound(
        "veckorapport", kind="report", attachments=tuple(Attachment(p.name, "image/png", str(p)) for p in paths)
    )
    item = OutboxItem(1, "k", "email", "a@example.org", None, {}, 0, "pending")
    sending = threading.Thread(target=WaitingSender(mail, files).send, args=(item, out, None))
    sending.start()
    sending.join(0.3)
    assert sending.is_alive() and mail.sent == []  # held: the files are not made yet
    files.release()
    sending.join(10)
    assert mail.sent == [[True, True]]
    files.finish()


def test_a_job_that_makes_fewer_files_than_it_names_fails_the_demo(fake_bot: FakeBot) -> None:
    files = Held()
    files.run(a_chart_job(fake_bot))
    files.release(short=True)
    with pytest.raises(FilesNotMade, match="PictureCharts made"):
        files.finish()


def test_the_charts_beside_a_weekly_pdf_are_waited_for_too(fake_bot: FakeBot, tmp_path: Path) -> None:
    chart = a_chart_job(fake_bot)
    assert chart.trend is not None
    pdf = WeeklyPdf(chart.pic, (), tmp_path / "r-heatmap.png", chart.trend, tmp_path / "r.pdf")
    files = Held()
    assert files.run(pdf) == (pdf.path,)
    waiting = threading.Thread(target=files.ready, args=([pdf.heatmap, pdf.trend.path],))
    waiting.start()
    waiting.join(0.3)
    assert waiting.is_alive()  # the HTML report that embeds the trend chart waits for the PDF's job
    ((_, done),) = files.held
    done((pdf.path,))  # the worker's answer: the PDF, its charts written beside it
    waiting.join(10)
    assert not waiting.is_alive()
    files.finish()
