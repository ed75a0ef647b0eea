"""The chat side of the documents: `export`/`exportera`, `followup`/`uppföljning` and `report` with its PDF, as a
transcript against the known data set; and the charts the picture and the report messages carry."""

from __future__ import annotations

import csv
import io
import logging
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from bot.domain.cycle import RoundKey
from bot.reports.chart_pool import ChartPool, Job
from tests.conftest import TUE_OPEN, Bot
from tests.support.report_data import FIRST_ACTION, NAMES, seed

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows_of(path: Path | str) -> list[dict[str, str]]:
    """A CSV file's rows, read as a spreadsheet program would (UTF-8 with a byte-order mark)."""
    return list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"), newline="")))


@pytest.fixture
def seeded(bot: Bot) -> Bot:
    seed(bot.app, TUE_OPEN)
    return bot


def test_export_by_a_coordinator_uploads_a_workbook_without_names(seeded: Bot) -> None:
    (reply,) = seeded.cmd("sara", "export")
    assert reply.kind == "export"
    assert reply.text.startswith("Export 2026-W36–2026-W47: 384 svar, ")
    assert "organisation, inte person" in reply.text
    (file,) = reply.attachments
    assert file.filename == "est-tbg-2026-W36--2026-W47.xlsx" and file.mime == XLSX
    book = load_workbook(file.path)
    assert book.sheetnames == ["Svar", "Lägesbilder", "Åtgärder"]
    assert book["Svar"].max_row == 1 + 384
    words = " ".join(str(v) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for v in r if v)
    for name in NAMES:
        assert name not in words
    assert FIRST_ACTION in words


def test_exportera_in_swedish_with_range_format_and_kind(seeded: Bot) -> None:
    (reply,) = seeded.cmd("sara", "exportera 2026-W46 2026-W47 csv svar")
    (file,) = reply.attachments
    assert file.filename == "est-tbg-2026-W46--2026-W47-answers.csv" and file.mime == "text/csv"
    rows = rows_of(Path(file.path))
    assert len(rows) == 2 * 48 and {r["vecka"] for r in rows} == {"2026-W46", "2026-W47"}


@pytest.mark.parametrize(
    ("line", "answer"),
    [
        ("export 2026-W47 2026-W40", "Veckan 2026-W47 kommer efter 2026-W40. Skriv den tidigaste veckan först."),
        ("export 2026-W99", "Veckan 2026-W99 finns inte; skriv den som 2026-W47."),
        ("export pdf", "exportera [FRÅN [TILL]] [csv|xlsx]"),
        ("export 2026-W40 2026-W41 2026-W42", "exportera [FRÅN [TILL]] [csv|xlsx]"),
        ("followup 20x6", '"20x6": skriv ett år från 2000 till 2027, t.ex. 2026.'),
        ("followup 1999", '"1999": skriv ett år från 2000 till 2027, t.ex. 2026.'),
        ("uppföljning nästa", "uppföljning [ÅR] [html|pdf]"),
    ],
)
def test_wrong_arguments_get_a_clear_answer_and_no_file(seeded: Bot, line: str, answer: str) -> None:
    (reply,) = seeded.cmd("sara", line)
    assert answer in reply.text and reply.attachments == ()


def test_reporters_may_not_export(seeded: Bot) -> None:
    (reply,) = seeded.cmd("anna", "export")
    assert reply.text == 'Kommandot "exportera" är bara för samordnare.' and reply.attachments == ()
    (reply,) = seeded.cmd("kim", "uppföljning")
    assert reply.text == 'Kommandot "uppföljning" är bara för samordnare.'


def test_followup_in_the_chat_attaches_the_document(seeded: Bot) -> None:
    (reply,) = seeded.cmd("sara", "followup")
    assert reply.text == "Uppföljning 2026: 2 beslutade åtgärder, 8 veckor med rapporter."
    (file,) = reply.attachments
    assert file.filename == "uppfoljning-2026.sv.pdf" and file.mime == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(file.path).pages)
    assert "Uppföljning 2026 – Tryggare Trelleborg" in text and FIRST_ACTION in text
    (reply,) = seeded.cmd("sara", "uppföljning 2026 html")
    assert reply.attachments[0].filename == "uppfoljning-2026.sv.html"
    assert "<h1>Uppföljning 2026 – Tryggare Trelleborg</h1>" in Path(reply.attachments[0].path).read_text("utf-8")


class Noting(ChartPool):
    """A real chart pool that notes the jobs handed to it."""

    def __init__(self, workers: int) -> None:
        super().__init__(workers)
        self.jobs: list[str] = []

    def run(self, job: Job) -> tuple[Path, ...]:
        self.jobs.append(type(job).__name__)
        return super().run(job)


def test_followup_pdf_and_export_workbook_are_made_by_a_chart_worker_the_same_as_here(seeded: Bot) -> None:
    (inline,) = seeded.cmd("sara", "followup")[0].attachments
    here = [p.extract_text() for p in PdfReader(inline.path).pages]
    (book,) = seeded.cmd("sara", "export")[0].attachments
    sheets = {ws.title: list(ws.iter_rows(values_only=True)) for ws in load_workbook(book.path).worksheets}
    pool = Noting(1)
    seeded.app.services.env.chart_pool = pool
    try:
        (reply,) = seeded.cmd("sara", "followup")
        (exported,) = seeded.cmd("sara", "export")
    finally:
        seeded.app.services.env.chart_pool = None
        pool.close()
    assert pool.jobs == ["FollowupPdf", "Workbook"]
    assert reply.text == "Uppföljning 2026: 2 beslutade åtgärder, 8 veckor med rapporter."
    (file,) = reply.attachments
    assert [p.extract_text() for p in PdfReader(file.path).pages] == here
    assert len(list(Path(file.path).with_name(f"{Path(file.path).stem}-charts").glob("action-*.png"))) == 2
    assert exported.text.startswith("Export 2026-W36–2026-W47: 384 svar, ")
    (made,) = exported.attachments
    assert {ws.title: list(ws.iter_rows(values_only=True)) for ws in load_workbook(made.path).worksheets} == sheets


def test_report_command_attaches_the_pdf(seeded: Bot) -> None:
    (reply,) = seeded.cmd("kim", "report 2026-W47")
    assert reply.kind == "report_document" and reply.text.startswith("Veckorapport Tryggare Trelleborg – vecka 47")
    assert reply.data["document"]["title"] == "Veckorapport Tryggare Trelleborg – vecka 47, 2026"
    (file,) = reply.attachments
    assert file.filename == "veckorapport-2026-W47.sv.pdf" and file.mime == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(file.path).pages)
    assert "Veckorapport Tryggare Trelleborg – vecka 47, 2026" in text


def test_report_without_pdf_still_answers_with_the_text(
    seeded: Bot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import bot.reports.documents as documents

    def broken(*args: object, **kwargs: object) -> Path:
        raise OSError("disk full")

    monkeypatch.setattr(documents, "write_weekly_pdf", broken)
    with caplog.at_level(logging.ERROR):
        (reply,) = seeded.cmd("kim", "report 2026-W47")
    assert reply.attachments == () and "PDF-versionen kunde inte skapas" in reply.text
    assert "weekly report PDF for tbg 2026-W47 failed" in caplog.text


def test_picture_and_report_messages_carry_the_heatmap_and_the_trend(
    seeded: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    svc = seeded.app.services
    group = seeded.app.config.groups[0]
    with svc.unit() as uow:
        rnd = uow.rounds.get_round(group.id, RoundKey(2026, 47))
        assert rnd is not None
        pic = svc.picture(uow, group, rnd, "en")
    files = svc.charts(group, rnd, pic)
    assert [f.filename for f in files] == ["lagesbild-2026-W47-en.png", "trend-2026-W47-en.png"]
    assert all(f.mime == "image/png" and Path(f.path).stat().st_size > 10_000 for f in files)

    import bot.reports.trends as trends

    def broken(*args: object, **kwargs: object) -> Path:
        raise RuntimeError("no fonts")

    monkeypatch.setattr(trends, "trend_png", broken)
    assert [f.filename for f in svc.charts(group, rnd, pic)] == ["lagesbild-2026-W47-en.png"]  # the image only
