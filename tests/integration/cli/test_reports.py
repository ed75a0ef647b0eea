"""`est-bot report`, `export` and `followup` as a person types them: files written, bad arguments told clearly."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from typer.testing import CliRunner

from bot.bootstrap import build
from bot.cli import app
from bot.clock import ManualClock
from bot.config import load_config
from tests.conftest import TUE_OPEN
from tests.support.report_data import FIRST_ACTION, NAMES, seed


def rows_of(path: Path | str) -> list[dict[str, str]]:
    """A CSV file's rows, read as a spreadsheet program would (UTF-8 with a byte-order mark)."""
    return list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"), newline="")))


runner = CliRunner()

CONFIG = """
reports_dir = "{reports}"

[database]
url = "sqlite:///{db}"

[[groups]]
id = "tbg"
name = "Tryggare Trelleborg"

[[groups.areas]]
code = "centrum"
name = "Centrum"
places = ["Stortorget", "Resecentrum"]

[[groups.areas]]
code = "norr"
name = "Norr"
places = ["Norrskolan"]

[[groups.reporters]]
name = "Anna Andersson"
organisation = "Trygghetsvärdar"
areas = ["centrum"]
console = "anna"

[[groups.reporters]]
name = "Bo Berg"
organisation = "Bostadsbolaget"
areas = ["centrum", "norr"]
console = "bo"

[[groups.reporters]]
name = "Cecilia Ek"
organisation = "Skolan"
areas = ["norr"]
console = "cecilia"
language = "en"

[[groups.reporters]]
name = "Sara Samordnare"
organisation = "Säkerhetsenheten"
role = "coordinator"
console = "sara"

[[groups.reporters]]
name = "Kim Polis"
organisation = "Polisen"
role = "participant"
console = "kim"
"""


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli-reports")
    path = root / "est.toml"
    path.write_text(CONFIG.format(db=root / "est.sqlite", reports=root / "reports"), encoding="utf-8")
    built = build(load_config(path), clock=ManualClock(TUE_OPEN))
    try:
        seed(built, TUE_OPEN)
    finally:
        built.close()
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_report_writes_pdf_html_and_markdown(config: Path, tmp_path: Path) -> None:
    code, out, err = run("report", "--week", "2026-W47", "--config", str(config), "--out", str(tmp_path / "r.pdf"))
    assert code == 0, err
    assert out.strip() == str(tmp_path / "r.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "r.pdf").pages)
    assert "Veckorapport Tryggare Trelleborg – vecka 47, 2026" in text
    code, out, err = run("report", "--week", "2026w47", "-c", str(config), "--format", "html", "--lang", "en")
    assert code == 0, err
    written = Path(out.strip())
    assert written.name == "weekly-report-2026-W47.en.html" and written.parent.name == "tbg"
    assert "Weekly report Tryggare Trelleborg – week 47, 2026" in written.read_text("utf-8")
    code, out, _ = run(
        "report", "--week", "2026-47", "-c", str(config), "--format", "MD", "--out", str(tmp_path / "r.md")
    )
    assert code == 0 and "# Veckorapport Tryggare Trelleborg" in (tmp_path / "r.md").read_text("utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--week", "47"], "--week '47': invalid round '47': expected an ISO year and week like '2026-W47'"),
        (["--week", "2026-W60"], "--week '2026-W60': ISO year 2026 has no week 60; its weeks are 1..53"),
        (["--week", "2026-W47", "--format", "docx"], "--format 'docx': choose pdf, html or md"),
        (["--week", "2026-W47", "--lang", "de"], "--lang 'de': choose sv or en"),
        (["--week", "2026-W47", "--group", "nope"], "--group 'nope': unknown group; allowed: tbg"),
        (["--week", "2026-W30"], "There is no round for 2026-W30."),
    ],
)
def test_report_with_bad_arguments_says_what_is_wrong(config: Path, args: list[str], message: str) -> None:
    code, out, err = run("report", "-c", str(config), *args)
    assert code == 2 and out == ""
    assert err.strip().startswith(f"est-bot: {message}")


def test_export_csv_and_xlsx(config: Path, tmp_path: Path) -> None:
    code, out, err = run(
        "export", "--from", "2026-W40", "--to", "2026-W47", "--format", "csv", "--out", str(tmp_path), "-c", str(config)
    )
    assert code == 0, err
    files = [Path(line) for line in out.split()]
    assert [f.name for f in files] == [
        f"est-tbg-2026-W40--2026-W47-{k}.csv" for k in ("answers", "pictures", "actions")
    ]
    assert "384 answers" in err
    answers = rows_of(files[0])
    assert len(answers) == 384 and {a["organisation"] for a in answers} == {
        "Trygghetsvärdar",
        "Bostadsbolaget",
        "Skolan",
    }
    actions = rows_of(files[2])
    assert actions[0]["åtgärd"] == FIRST_ACTION
    code, out, err = run(
        "export", "--from", "2026-W46", "--to", "2026-W47", "--what", "pictures", "--out", str(tmp_path / "x"),
        "-c", str(config), "--lang", "en",
    )  # fmt: skip
    assert code == 0, err
    book = load_workbook(out.strip())
    assert book.sheetnames == ["Pictures"]
    words = " ".join(str(v) for r in book["Pictures"].iter_rows(values_only=True) for v in r if v is not None)
    assert "2026-W46" in words and "2026-W45" not in words
    for name in NAMES:
        assert name not in words


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-W47", "--to", "2026-W40"], "Week 2026-W47 comes after 2026-W40. Write the earliest week"),
        (["--from", "2026-W40", "--to", "v47"], "--to 'v47': invalid round 'v47'"),
        (["--from", "2026-W40", "--to", "2026-W47", "--format", "ods"], "--format 'ods': choose csv or xlsx"),
        (["--from", "2026-W40", "--to", "2026-W47", "--what", "x"], "--what 'x': choose answers, pictures, actions"),
        (["--from", "2000-W01", "--to", "2026-W47"], "At most 260 weeks in one export; 2000-W01–2026-W47 is"),
    ],
)  # fmt: skip
def test_export_with_bad_arguments_writes_nothing(config: Path, tmp_path: Path, args: list[str], message: str) -> None:
    code, out, err = run("export", *args, "--out", str(tmp_path / "out"), "-c", str(config))
    assert code == 2 and out == ""
    assert err.startswith(f"est-bot: {message}")
    assert not (tmp_path / "out").exists()


def test_followup_writes_the_year_and_refuses_bad_arguments(config: Path, tmp_path: Path) -> None:
    code, out, err = run("followup", "--year", "2026", "-c", str(config), "--out", str(tmp_path / "f.pdf"))
    assert code == 0, err
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "f.pdf").pages)
    assert "Uppföljning 2026 – Tryggare Trelleborg" in text and FIRST_ACTION in text
    code, out, err = run("followup", "--year", "2026", "--format", "html", "--lang", "en", "-c", str(config))
    assert code == 0, err
    assert Path(out.strip()).name == "follow-up-2026.en.html"
    code, _, err = run("followup", "--year", "2026", "--format", "xlsx", "-c", str(config))
    assert code == 2 and err.strip() == "est-bot: --format 'xlsx': choose pdf or html"
    code, _, err = run("followup", "--year", "1999", "-c", str(config))
    assert code == 2 and err.strip().startswith('est-bot: "1999": write a year from 2000 to ')
    code, _, err = run("followup", "--year", "twenty", "-c", str(config))
    assert code == 2 and "Invalid value for '--year'" in err
