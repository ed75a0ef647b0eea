"""The demo's files made ahead (bot/demo_files.py): `run` answers at once with the files a job makes, the e-mail
sender delivers an e-mail once the files it carries are made, in its place in the transcript and dated when it
was sent, and a job that fails or makes fewer files fails the demo.

Jobs are held in this process until released (no worker); the demo's run with a real worker is
tests/integration/cli/test_demo.py."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.conversation.messages import Attachment, Outbound
from bot.demo import WEEKS
from bot.demo_files import FilesAhead, FilesNotMade
from bot.demo_mail import DOMAIN, DemoMail
from bot.demo_town import demo_config
from bot.demo_transcript import Transcript
from bot.domain.model import OutboxItem
from bot.reports.chart_jobs import draw_picture_charts
from bot.reports.chart_pool import Job, PictureCharts, WeeklyPdf
from handlers.email.render import message_id
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


def a_chart_job(fake_bot: FakeBot) -> PictureCharts:
    pool = Pool()
    drafted(fake_bot, pool)  # the draft's charts, as the bot hands them to a worker
    ((job, _),) = pool.held
    pool.close(wait=False)
    assert isinstance(job, PictureCharts)
    return job


def test_an_email_whose_files_are_not_made_goes_once_they_are_dated_and_placed_as_sent(
    fake_bot: FakeBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = a_chart_job(fake_bot)
    files = Held()
    paths = files.run(job)
    assert not files.made(list(paths))
    stream = io.StringIO()
    transcript = Transcript(stream)
    clock = ManualClock(datetime(2026, 11, 20, 6, 30, tzinfo=UTC))
    config = demo_config(f"sqlite:///{tmp_path / 'demo.sqlite'}")
    mail = DemoMail(config, clock, transcript, tmp_path, WEEKS[-1], files)
    first = next(r for r in config.groups[0].reporters if r.email is not None)
    dated: list[str] = []
    transport = mail.sender.transport
    deliver = transport.deliver

    def dating(msg: EmailMessage, sender: str, to: str) -> str:
        dated.append(str(msg["Date"]))
        return deliver(msg, sender, to)

    monkeypatch.setattr(transport, "deliver", dating)
    report = Outbound(
        "Veckorapport", kind="report", attachments=tuple(Attachment(p.name, "image/png", str(p)) for p in paths)
    )
    transcript.write(">>> before\n")
    item = OutboxItem(1, "publish:1:4", "email", str(first.email), None, {}, 0, "pending")
    answered = mail.send(item, report, None)
    assert answered == message_id("publish:1:4", f"trygghet@{DOMAIN}")  # the row's id, as the sender answers
    clock.advance(timedelta(days=4))
    transcript.write(">>> after\n")
    notice = Outbound("Påminnelse", kind="notice")  # no files, but after the one kept: delivered after it
    mail.send(OutboxItem(2, "remind:2", "email", str(first.email), None, {}, 0, "pending"), notice, None)
    assert stream.getvalue() == ">>> before\n"  # the rest waits for the e-mail's place
    files.release()
    mail.finish()
    lines = stream.getvalue().splitlines()
    assert lines[0] == ">>> before" and lines[1].startswith(f"--- bot e-mails {first.console}: ")
    assert lines[2:] == [">>> after", f"--- bot e-mails {first.console}: Påminnelse"]
    assert dated == ["Fri, 20 Nov 2026 06:30:00 +0000", "Tue, 24 Nov 2026 06:30:00 +0000"]  # when each was sent


def test_a_place_never_filled_is_marked_when_the_transcript_closes() -> None:
    stream = io.StringIO()
    transcript = Transcript(stream)
    transcript.write("a\n")
    transcript.keep()
    transcript.write("b\n")
    filled = transcript.keep()
    with transcript.into(filled):
        transcript.write("c\n")
    assert stream.getvalue() == "a\n"
    transcript.close()
    assert stream.getvalue() == "a\n--- (not delivered: the demo stopped)\nb\nc\n"


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
