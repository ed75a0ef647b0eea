"""`est-bot demo` as a person uses it: a whole week played offline and its reports, the settings file that starts
`est-bot web` on the demo's database, and the static snapshot of the web view that opens with no server."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from starlette.testclient import TestClient
from typer.testing import CliRunner

from bot.bootstrap import build
from bot.cli import app as cli
from bot.config import load_config
from bot.demo import demo_config
from bot.usecases.views.map import map_data
from bot.usecases.views.weeks import week_page
from handlers.web.app import build_web_app
from tests.support.demo import Demo

WEEK = "2026-W47"
SECRET = "demo-test-secret-" + "x" * 40


def test_demo_plays_a_week_and_writes_reports(demo: Demo) -> None:
    result, echo, out = demo.result, demo.echo, demo.out
    names = sorted(p.name for p in result.files if p.parent == out)
    assert names == [
        "est-bot.toml",
        "est-demo-2026-W43--2026-W47.xlsx",
        "lagesbild-2026-W47.html",
        "lagesbild-2026-W47.md",
        "transcript.txt",
        "uppfoljning-2026.pdf",
        "veckorapport-2026-W47-heatmap.png",
        "veckorapport-2026-W47-trend.png",
        "veckorapport-2026-W47.html",
        "veckorapport-2026-W47.md",
        "veckorapport-2026-W47.pdf",
        "weekly-report-2026-W47.en.md",
    ]
    assert not list(out.rglob(".charts"))  # the charts drawn once per content are kept outside the folder
    from openpyxl import load_workbook
    from pypdf import PdfReader

    pdf = "\n".join(p.extract_text() for p in PdfReader(out / "veckorapport-2026-W47.pdf").pages)
    assert "Veckorapport Tryggare Exempelstad – vecka 47, 2026" in pdf and "Stortorget" in pdf
    book = load_workbook(out / "est-demo-2026-W43--2026-W47.xlsx", read_only=True)
    assert book.sheetnames == ["Svar", "Lägesbilder", "Åtgärder"]
    book.close()
    assert 30 <= result.answered <= 40
    report = (out / "veckorapport-2026-W47.md").read_text(encoding="utf-8")
    assert "Stortorget" in report  # the escalating place stands out
    assert "Se över belysningen" in report  # the coordinator's added priority, which the meeting chose
    assert "Veckorapport" in report
    html = (out / "lagesbild-2026-W47.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Stortorget" in html
    weekly = (out / "veckorapport-2026-W47.html").read_text(encoding="utf-8")
    assert "<h2>De senaste 12 veckorna</h2>" in weekly  # the HTML report embeds its trend chart, as the README says
    assert weekly.count('<img class="chart" src="data:image/png;base64,') == 1
    transcript = (out / "transcript.txt").read_text(encoding="utf-8")
    typed = [line for line in transcript.splitlines() if line.startswith(">>>")]
    shown = [line for line in transcript.splitlines() if not line.startswith(">>>")]
    # A reporter typed a phone number (bot.demo.NOTES); the transcript shows it masked, in what was typed too …
    assert any("Ring vaktmästaren på [telefon] om det upprepas." in line for line in typed)
    assert "070-123" not in transcript and "0701234567" not in transcript.replace(" ", "").replace("-", "")
    assert any("[telefon]" in line for line in shown)  # … and the bot never stored or showed it
    picture = (out / "lagesbild-2026-W47.md").read_text(encoding="utf-8")
    assert "[telefon]" in picture.replace("\\", "") and "070-123" not in picture
    assert "markerad som sen" in transcript  # late answers after Thursday's close
    # What the demo prints is the report as the chat shows it: the plain text of its document, no Markdown.
    shown_report = echo.partition("Fredagens veckorapport (2026-W47):")[2]
    assert "Veckorapport Tryggare Exempelstad – vecka 47, 2026\n\nSammanfattning\n──" in shown_report
    assert "Se över belysningen" in shown_report and "Ring vaktmästaren på [telefon]" in shown_report
    for markdown in ("# ", "**", "|", "\\", ":-:"):
        assert markdown not in shown_report, markdown
    assert result.report_text in shown_report


_REFERENCE = re.compile(r'\b(?:href|src|action)="([^"]*)"')
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")


def _references(folder: Path) -> Iterator[tuple[Path, str]]:
    """Every file reference of the snapshot: the pages' href, src and action attributes outside their JSON data
    blocks, and the url()s of its style sheets; (the file that names it, the reference)."""
    for page in folder.glob("*.html"):
        text = re.sub(r'<script type="application/json".*?</script>', "", page.read_text(encoding="utf-8"), flags=re.S)
        for ref in _REFERENCE.findall(text):
            yield page, html.unescape(ref)
    for sheet in folder.rglob("*.css"):
        for ref in _CSS_URL.findall(sheet.read_text(encoding="utf-8")):
            yield sheet, ref


def test_the_demo_writes_nothing_outside_its_folder(demo: Demo) -> None:
    # its database is in memory while the weeks run: the reports and the areas' outlines still go to its folder
    assert demo.elsewhere == []
    assert (demo.out / "areas" / "centrum.geojson").is_file()
    assert (demo.out / "demo" / "lagesbild-2026-W47-sv.png").is_file()


def test_the_snapshot_opens_with_no_server_and_shows_the_week_and_the_map(demo: Demo) -> None:
    web = demo.out / "web"
    week, map_html = (web / "week.html").read_text(encoding="utf-8"), (web / "map.html").read_text(encoding="utf-8")
    assert {p for p in demo.result.files if p.is_relative_to(web)} >= {web / "week.html", web / "map.html"}
    # What the page shows is what the read side gives the coordinator: the week's figures and its places.
    cfg = load_config(demo.out / "est-bot.toml")
    app = build(cfg, run_migrations=False, sync=False)
    try:
        with app.services.unit() as uow:
            sara = uow.people.person_by_name("demo", "Sara Samordnare")
        assert sara is not None
        page = week_page(app.services.env, sara, WEEK)
        places = map_data(app.services.env, sara, None, None)
    finally:
        app.close()
    assert page is not None and page.heatmap and places.places
    assert html.escape(page.title) in week and html.escape(page.response) in week
    for row in page.heatmap:
        for cell in row.cells:
            assert html.escape(cell.level) in week and html.escape(cell.change) in week
    for place in places.places:
        assert html.escape(place.name) in map_html
    data = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', map_html, re.S)
    assert data is not None  # the map draws from the page itself: nothing to fetch
    assert len(json.loads(data.group(1))["places"]) == len(places.places)
    assert 'src="static/vendor/leaflet/leaflet.js"' in map_html and 'src="static/map.js"' in map_html
    # Standing alone: every file it names is in the snapshot folder; no form, no token, no server address.
    refs = list(_references(web))
    assert refs
    for source, ref in refs:
        if ref.startswith(("#", "data:", "https://", "mailto:")):
            continue
        target = (source.parent / unquote(urlsplit(ref).path)).resolve()
        assert target.is_file() and target.is_relative_to(web.resolve()), f"{source.name}: {ref}"
    for text in (week, map_html):
        assert "<form" not in text and 'name="csrf"' not in text and "snapshot.invalid" not in text
        assert "Ögonblicksbild från" in text
    assert (web / "static" / "vendor" / "leaflet" / "LICENSE").is_file()


def test_the_settings_file_starts_the_web_view_on_the_demo_database(demo: Demo, tmp_path: Path) -> None:
    """What the README says: `est-bot chat --as samordnare --config demo-output/est-bot.toml`, then `webb`, gives a
    link to the view that `est-bot web --config demo-output/est-bot.toml` serves."""
    settings = demo.out / "est-bot.toml"
    cfg = load_config(settings)
    assert cfg.groups == demo_config(f"sqlite:///{demo.out / 'demo.sqlite'}").groups
    assert cfg.database.url == f"sqlite:///{(demo.out / 'demo.sqlite').resolve()}"
    assert cfg.web.base_url == "http://127.0.0.1:8080" and not cfg.web.secure_cookies
    chat = CliRunner().invoke(cli, ["chat", "--as", "samordnare", "--config", str(settings)], input="webb\n")
    assert chat.exit_code == 0, chat.output
    link = re.search(r"http://127\.0\.0\.1:8080(/in/[A-Za-z]{43})", chat.output)
    assert link is not None, chat.output
    app = build(cfg, run_migrations=False, sync=False)
    try:
        with TestClient(build_web_app(app.services.env, SECRET), base_url="http://127.0.0.1:8080") as client:
            confirm = client.get(link.group(1))
            csrf = re.search(r'name="csrf" value="([^"]+)"', confirm.text)
            assert confirm.status_code == 200 and csrf is not None
            client.post(link.group(1), data={"csrf": csrf.group(1)})
            week = client.get(f"/weeks/{WEEK}")
            assert week.status_code == 200 and "Tryggare Exempelstad" in week.text
    finally:
        app.close()


def test_a_few_reporters_are_reached_by_email_and_two_emails_are_written_as_eml(demo: Demo) -> None:
    from email import message_from_bytes, policy
    from email.message import EmailMessage

    folder = demo.out / "e-post"
    invite_path, report_path = (p for p in demo.result.files if p.parent == folder)
    assert (invite_path.name, report_path.name) == ("enkat-2026-W47.eml", "veckorapport-2026-W47.eml")
    messages = []
    for path in (invite_path, report_path):
        msg = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(msg, EmailMessage)
        messages.append(msg)
    invite, report = messages
    assert str(invite["Subject"]) == "Veckans trygghetsenkät v. 47 – Tryggare Exempelstad"
    assert str(report["Subject"]) == "Veckorapport v. 47 – Tryggare Exempelstad"
    assert invite["To"] == report["To"] and str(invite["To"]).endswith("@exempelstad.se")
    # dated by the demo's clock: Tuesday's opening and Friday's publication of week 47
    assert str(invite["Date"]) == "Tue, 17 Nov 2026 07:00:00 +0000"
    assert str(report["Date"]) == "Fri, 20 Nov 2026 06:30:00 +0000"
    plain = invite.get_body(("plain",))
    assert plain is not None and "/form/" in plain.get_content() and "till torsdag 19/11 08:00" in plain.get_content()
    assert report["List-Unsubscribe"] and any(
        (p.get_filename() or "").endswith(".pdf") for p in report.iter_attachments()
    )
    transcript = (demo.out / "transcript.txt").read_text(encoding="utf-8")
    invited = [line for line in transcript.splitlines() if line.startswith("--- bot e-mails ")]
    assert sum("Veckans trygghetsenkät v. 47" in line for line in invited) == 3  # the three e-mail reporters
    assert "@" not in "\n".join(invited)  # the transcript names them by their terminal name, never the address
