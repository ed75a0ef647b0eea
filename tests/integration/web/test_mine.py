"""The reporter's pages, the reports as documents, the coordinator's exports and review queue, through the web
view over a real database with eight published weeks (tests/support/report_data.py)."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader
from starlette.testclient import TestClient

from bot.domain.cycle import RoundKey
from tests.integration.web.conftest import Web
from tests.support.report_data import APPROVED_NOTE, HIDDEN_NOTE

Client = Callable[[str | None], TestClient]
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _set_language(web: Web, name: str, lang: str) -> None:
    with web.app.services.unit() as uow:
        person = uow.people.person_by_name("tbg", name)
        assert person is not None
        uow.people.set_language(person.id, lang)
        uow.commit()


def _rewrite_annas_note(web: Web, text: str) -> None:
    with web.app.services.unit() as uow:
        rnd = uow.rounds.get_round("tbg", RoundKey(2026, 47))
        assert rnd is not None
        (note,) = [n for n in uow.rounds.notes_for_review(rnd.id) if n.text == APPROVED_NOTE]
        assert uow.rounds.edit_note(rnd.id, str(note.id), text)
        uow.commit()


def test_a_reporter_sees_their_own_answers_and_not_anothers(web_client: Client) -> None:
    page = web_client("reporter").get("/me")
    assert page.status_code == 200
    html = page.text
    assert "<h1>Mina svar</h1>" in html
    assert APPROVED_NOTE in html and HIDDEN_NOTE not in html  # Anna's note; Bo's is his
    assert html.index("Vecka 2026-W47") < html.index("Vecka 2026-W40")  # newest first
    assert html.count("<caption>Centrum, vecka ") == 8
    assert '<span class="mine-badge mine-level-red">3</span> <span class="mine-label">Allvarligt / eskalerande' in html
    assert '<details class="mine-week" open>' in html and html.count("<details") == 8  # the newest open
    assert "Bo Berg" not in html and "Norrskolan" not in html  # Anna reports on centrum only


def test_the_pages_in_english_with_hostile_text_escaped(web: Web, web_client: Client) -> None:
    _rewrite_annas_note(web, HOSTILE)
    _set_language(web, "Anna Andersson", "en")
    client = web_client("reporter")
    html = client.get("/me").text
    assert "<h1>My answers</h1>" in html and "Open drug dealing and use" in html and "Week 2026-W47" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html and "<img src=x" not in html
    report = client.get("/reports/2026-W47.html")
    assert report.status_code == 200
    assert "<script" not in report.text and "<img src=x" not in report.text
    assert "&lt;script&gt;" in report.text  # the rewritten note, approved, is in the report: as text
    missing = client.get("/reports/%3Cb%3Ebold.html")
    assert missing.status_code == 404 and "No report" in missing.text
    assert "week &lt;b&gt;bold." in missing.text and "<b>bold" not in missing.text


def test_the_published_reports_link_to_the_html_and_the_pdf(web_client: Client, tmp_path: Path) -> None:
    client = web_client("reporter")
    listing = client.get("/reports")
    assert listing.status_code == 200
    html = listing.text
    assert html.index("2026-W47") < html.index("2026-W40") and html.count('<th scope="row">') == 8
    assert 'href="/reports/2026-W47.html"' in html and 'href="/reports/2026-W47.pdf"' in html
    assert "3 av 3 (100 %)" in html and "export.csv" not in html  # exports are for coordinators

    report = client.get("/reports/2026-W47.html")
    assert report.status_code == 200 and report.headers["content-type"] == "text/html; charset=utf-8"
    assert report.headers["content-disposition"].startswith('inline; filename="veckorapport-2026-W47.sv.html"')
    csp = report.headers["content-security-policy"]
    (style,) = re.findall(r"<style>(.*?)</style>", report.text, re.S)
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode("ascii")
    assert f"style-src 'sha256-{digest}';" in csp and "unsafe-inline" not in csp and " style=" not in report.text
    assert "script-src 'self'" in csp and "img-src 'self' data:" in csp and "frame-ancestors 'none'" in csp
    assert "<script" not in report.text and "Tryggare Trelleborg" in report.text and APPROVED_NOTE in report.text
    assert HIDDEN_NOTE not in report.text

    pdf = client.get("/reports/2026-W47.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith('inline; filename="veckorapport-2026-W47.sv.pdf"')
    assert pdf.headers["content-security-policy"].startswith("default-src 'none'")  # the app's, unchanged
    reader = PdfReader(io.BytesIO(pdf.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Tryggare Trelleborg" in text and "Stortorget" in text
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.content)
    subprocess.run(["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")], check=True)
    (png,) = tmp_path.glob("p*.png")
    assert png.read_bytes().startswith(b"\x89PNG")

    for week in ("2026-W48", "2026-W39", "nonsense"):
        missing = client.get(f"/reports/{week}.pdf")
        assert missing.status_code == 404 and "Ingen rapport" in missing.text, week


def test_the_coordinators_exports_and_a_reporter_refused(web_client: Client) -> None:
    client = web_client("coordinator")
    listing = client.get("/reports").text
    assert 'href="/weeks/2026-W47/export.csv"' in listing and 'href="/weeks/2026-W47/export.xlsx"' in listing
    answer = client.get("/weeks/2026-W47/export.csv")
    assert answer.status_code == 200 and answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"].startswith(
        'attachment; filename="est-tbg-2026-W47--2026-W47-answers.csv"'
    )
    text = answer.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 3 * 12 + 12  # Anna and Cecilia one area each, Bo two
    assert {r["vecka"] for r in rows} == {"2026-W47"} and APPROVED_NOTE in text and HIDDEN_NOTE not in text
    assert "Anna" not in text and "Bo Berg" not in text
    xlsx = client.get("/weeks/2026-W47/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.headers["content-disposition"].startswith(
        'attachment; filename="est-tbg-2026-W47--2026-W47.xlsx"'
    )
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames == ["Svar", "Lägesbilder", "Åtgärder"]
    assert client.get("/weeks/2026-W30/export.csv").status_code == 404
    for role in ("reporter", "participant"):
        refused = web_client(role).get("/weeks/2026-W47/export.csv")
        assert refused.status_code == 403 and "Inte för din roll" in refused.text


def test_the_review_queue_lists_places_waiting_and_escapes_their_names(web: Web, web_client: Client) -> None:
    client = web_client("coordinator")
    assert "Inga platser väntar på granskning." in client.get("/review").text
    with web.app.services.unit() as uow:
        area = uow.groups.area_by_code("tbg", "centrum")
        place = uow.groups.get_or_create_place(area.id, HOSTILE, web.clock.now())
        uow.commit()
    html = client.get("/review").text
    assert f'<th scope="row">P{place.id}</th>' in html and "1 plats väntar, sedan tisdag 17/11 08:00." in html
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html and "<img src=x" not in html
    assert "granska godkänn P-ID" in html and "<form" not in html.split("<main")[1]  # read only
    assert web_client("participant").get("/review").status_code == 403
