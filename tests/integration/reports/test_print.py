"""Documents a person would print or open on a phone, checked as that person sees them: the PDF as text
(pypdf) and as pages (pdftoppm), the charts as pixels, the HTML in headless Chromium at 390 and 1366 pixels.

The hard week is tests/support/print_data.py (six areas with long names, a place named by one long word, emoji and a
long link in notes); the database-backed tests print the known weeks of tests/support/report_data.py with long area
names, on SQLite and PostgreSQL.

The browser and pdftoppm come from Debian (scripts/install-print-tools.sh installs them in CI). A test that
needs one is skipped on a developer's machine without it, and fails in CI (CI set), where it must run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from bot.bootstrap import build
from bot.clock import ManualClock
from bot.domain.cycle import RoundKey
from bot.domain.stats import series_from_input
from bot.reports import pdf as pdf_module
from bot.reports.charts import heatmap_png
from bot.reports.documents import render_weekly_html, write_weekly_pdf
from bot.reports.render import render_picture_html
from bot.reports.trends import action_png, panel_breaks, trend_png
from bot.text import t
from bot.usecases.reports import followup_document, report_round, weekly_report
from tests.conftest import TUE_OPEN, make_config
from tests.support import print_data as hard
from tests.support.report_data import seed
from tests.support.tools import IN_CI, need

W47 = RoundKey(2026, 47)
LONG_AREAS = [
    {"code": "centrum", "name": "Centrum och Stora Torget med Resecentrum", "places": ["Stortorget", "Resecentrum"]},
    {
        "code": "norr",
        "name": "Norra stadsdelen, Norrskolan och Kvarnbyparkeringsgarageinfarten",
        "places": ["Norrskolan"],
    },
]


# --------------------------------------------------------------------------- reading what was printed


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def broken(text: str, words: list[str] | tuple[str, ...]) -> list[str]:
    """The words that do not appear whole in the extracted text (a cell that broke "Förändring" into
    "Förändrin g" or "Förändrin\\ng" loses the whole word)."""
    return [w for w in words if not re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]


def page_fills(path: Path) -> list[float]:
    """How far down its text area each page of the PDF is printed on (0 blank, 1 full), from the pages drawn
    by pdftoppm; the footer line is not counted."""
    tool = need("pdftoppm")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([tool, "-r", "24", "-gray", "-png", str(path), f"{tmp}/p"], check=True)
        fills = []
        for png in sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1])):
            grey = np.asarray(Image.open(png).convert("L"))
            per_mm = grey.shape[0] / 297
            top, bottom = round(16 * per_mm), round((297 - 18) * per_mm)
            inked = np.nonzero((grey[top:bottom] < 200).any(axis=1))[0]
            fills.append(float(inked.max() + 1) / (bottom - top) if len(inked) else 0.0)
    return fills


def border_is_blank(path: Path, width: int = 3) -> bool:
    """Whether nothing is drawn in the outermost pixels of an image: text cut off at an edge leaves ink there."""
    rgb = np.asarray(Image.open(path).convert("RGB")).astype(int)
    frame = np.concatenate(
        [
            rgb[:width].reshape(-1, 3),
            rgb[-width:].reshape(-1, 3),
            rgb[:, :width].reshape(-1, 3),
            rgb[:, -width:].reshape(-1, 3),
        ]
    )
    return bool((frame >= 250).all())


# --------------------------------------------------------------------------- the hard week, printed


def documents(tmp: Path, lang: str, areas: int) -> tuple[Path, Path, Path]:
    """The weekly report of the hard week as PDF and HTML, and its trend chart."""
    pic = hard.picture(lang, areas)
    heatmap = heatmap_png(pic, tmp / f"heat-{lang}-{areas}.png")
    series = series_from_input(pic.input, 12).trimmed()
    trend = trend_png(series, tmp / f"trend-{lang}-{areas}.png", lang, f"{hard.GROUP}: {t(lang, 'trend.week')} 36–47")
    pdf = write_weekly_pdf(pic, hard.decisions(lang), heatmap, trend, tmp / f"r-{lang}-{areas}.pdf")
    html = tmp / f"r-{lang}-{areas}.html"
    html.write_text(render_weekly_html(pic, hard.decisions(lang), trend), encoding="utf-8")
    return pdf, html, trend


@pytest.mark.parametrize("areas", [1, 6])
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_pdf_table_cells_break_between_words_never_inside_one(tmp_path: Path, lang: str, areas: int) -> None:
    pdf, _, _ = documents(tmp_path, lang, areas)
    text = pdf_text(pdf)
    headers = [t(lang, f"doc.col.{c}") for c in ("action", "type", "responsible", "decided", "change", "votes")]
    shown = [w for w in hard.WHOLE_WORDS if areas > 1 or w != "Färjeterminalen"]  # the harbour's name
    assert broken(text, [*headers, *shown]) == []
    assert hard.LONG_ACTION.split()[0] in text and "Närvaro" in text  # the tables are there


def test_known_weeks_print_whole_words_and_fit_a_phone_on_sqlite_and_postgresql(
    browser: Any, db_url: str, tmp_path: Path
) -> None:
    app = build(make_config(db_url, areas=LONG_AREAS), clock=ManualClock(TUE_OPEN))
    try:
        seed(app, TUE_OPEN)
        group = app.config.groups[0]
        with app.services.unit() as uow:
            rnd = report_round(uow, group, W47)
            report = weekly_report(app.services.env, uow, group, rnd, "sv", "pdf", tmp_path / "r.pdf")
            followup, _ = followup_document(app.services.env, uow, group, 2026, "pdf", "sv", W47, tmp_path / "f.pdf")
            html = weekly_report(app.services.env, uow, group, rnd, "sv", "html", tmp_path / "r.html")
            followup_html, _ = followup_document(
                app.services.env, uow, group, 2026, "html", "en", W47, tmp_path / "f.html"
            )
    finally:
        app.close()
    words = ["Förändring", "Trygghetsvärdar", "Resecentrum", "Beslutad", "Ansvarig"]
    assert broken(pdf_text(report), words) == []
    words = ["Trygghetsvärdar", "Kvarnbyparkeringsgarageinfarten", "Ansvarig", "Förändring", "Rapporter", "Beslutad"]
    assert broken(pdf_text(followup), words) == []
    sections = ("picture.section.heatmap", "followup.section.effect", "followup.section.trend", "doc.trend.explain")
    headings = [t("sv", k) for k in sections] + [t("sv", "doc.section.trend", weeks=12)]
    for path in (report, followup):
        fills = page_fills(path)
        assert all(f >= pdf_module.MIN_PAGE_FILL for f in fills[:-1]), (path.name, fills)
        assert orphans(path, headings) == []
    for page in (html, followup_html):
        for width in (390, 1366):
            seen = browser_view(browser, page, width)
            assert seen["scroll"] <= width, (page.name, width, seen)


@pytest.mark.parametrize("areas", [1, 2, 3, 4, 5, 6])
def test_no_nearly_empty_page_is_left_before_a_chart(tmp_path: Path, areas: int) -> None:
    pdf, _, trend = documents(tmp_path, "sv", areas)
    fills = page_fills(pdf)
    # every page but the last is at least half full: a chart that does not fit shrinks a little or continues
    # on the next page with its heading, between two area panels
    assert all(f >= pdf_module.MIN_PAGE_FILL for f in fills[:-1]), fills
    assert len(panel_breaks(trend)) == areas - 1
    text = pdf_text(pdf).replace("\n", " ")
    assert t("sv", "doc.section.trend", weeks=12) in text


def orphans(path: Path, headings: list[str]) -> list[tuple[int, str]]:
    """(page, line) for each heading (or line of a heading's text: `headings` may hold the explanation under
    one) that is the last thing printed on its page, with neither text nor an image below it (positions from
    the page's content: text matrices and image placements)."""
    from pypdf.generic import ContentStream

    reader = PdfReader(path)
    found = []
    for number, page in enumerate(reader.pages, start=1):
        lines: list[tuple[float, str]] = []

        def visit(
            text: str, cm: object, tm: list[float], font: object, size: object, into: list[tuple[float, str]] = lines
        ) -> None:
            if text.strip():
                into.append((tm[5], text.strip()))

        page.extract_text(visitor_text=visit)
        body = [(y, text) for y, text in lines if y > 40]  # the footer sits lower
        tops = []
        placement: list[Any] = []
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"cm":
                placement = operands
            elif op == b"Do" and placement:
                tops.append(float(placement[5]) + float(placement[3]))
        if body:
            y, text = min(body, key=lambda line: line[0])
            if len(text) >= 8 and any(text in h for h in headings) and not any(top <= y for top in tops):
                found.append((number, text))
    return found


@pytest.mark.parametrize("areas", [1, 2, 3, 6])
def test_a_heading_is_never_left_alone_at_the_foot_of_a_page(tmp_path: Path, areas: int) -> None:
    pdf, _, _ = documents(tmp_path, "sv", areas)
    headings = [t("sv", k) for k in ("picture.section.heatmap", "picture.section.standouts")]
    headings += [t("sv", "doc.section.trend", weeks=12), t("sv", "doc.trend.explain")]
    assert orphans(pdf, headings) == []


# --------------------------------------------------------------------------- emoji


def test_emoji_in_user_text_are_printed_with_an_emoji_font(tmp_path: Path) -> None:
    if pdf_module.emoji_font() is None:
        message = "no colour emoji font (Debian: fonts-noto-color-emoji, scripts/install-print-tools.sh)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    pdf, _, _ = documents(tmp_path, "sv", 2)
    text = pdf_text(pdf).replace("\n", " ")
    assert "Trasig lampa 💡 vid cykelstället 🚲, mörkt hela kvällen" in text
    assert "Ökad handel kvällstid 👀 enligt Kommunpolisen" in text


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_emoji_without_an_emoji_font_are_replaced_visibly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.delenv("EST_EMOJI_FONT", raising=False)
    monkeypatch.setattr(pdf_module, "EMOJI_FONTS", ())  # a machine without an emoji font
    pdf, _, _ = documents(tmp_path, lang, 2)
    text = pdf_text(pdf).replace("\n", " ")
    assert "Trasig lampa [emoji] vid cykelstället [emoji], mörkt hela kvällen" in text
    assert "Ökad handel kvällstid [emoji] enligt Kommunpolisen" in text


def test_a_character_no_font_has_is_replaced_in_the_documents_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf_module, "EMOJI_FONTS", ())
    monkeypatch.delenv("EST_EMOJI_FONT", raising=False)
    for lang, marker in (("sv", "[tecken]"), ("en", "[character]")):
        doc = pdf_module.Document(lang, "T")
        doc.para("Skylt på 漢 och 👍🏽\u200d här")
        text = pdf_text(doc.save(tmp_path / f"{lang}.pdf"))
        assert f"Skylt på {marker} och [emoji] här" in text  # the skin tone and the joiner only modify


def test_emoji_in_names_are_shown_in_charts_not_as_empty_boxes(tmp_path: Path) -> None:
    import warnings

    from bot.domain.picture import AreaInfo
    from bot.reports.chart_text import printable

    assert printable("Stortorget 🌳👍🏽\u200d", "sv") == "Stortorget [emoji][emoji]"
    assert printable("Åby – Östra ↑", "en") == "Åby – Östra ↑"  # what the font has stays as it is
    pic = hard.picture("sv", 2)
    pic.input.areas[:] = [AreaInfo("centrum", "Centrum 🌳"), AreaInfo("hamnen", "Hamnen ⚓")]
    series = series_from_input(pic.input, 12).trimmed()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns of each glyph its font lacks and draws a box
        heatmap_png(pic, tmp_path / "h.png")
        trend_png(series, tmp_path / "t.png", "sv", "Parken 🌳")
        action_png(series.weeks, [1.0] * len(series.weeks), W47, tmp_path / "a.png", "en", "Lights 💡 at the park")


# --------------------------------------------------------------------------- charts


def test_long_names_never_cut_a_charts_title(tmp_path: Path) -> None:
    from bot.domain.statistics import Month, SourceTrend
    from bot.reports.stats_charts import by_month_png, by_place_png, by_weekday_png

    pic = hard.picture("sv", 1)  # one narrow column under a long title
    charts = [heatmap_png(pic, tmp_path / "heat.png")]
    series = series_from_input(hard.picture("sv", 6).input, 12).trimmed()
    charts.append(trend_png(series, tmp_path / "trend.png", "sv", f"{hard.GROUP}: nivå per vecka, {hard.LONG_PLACE}"))
    short = action_png(series.weeks, [1.0] * len(series.weeks), W47, tmp_path / "a1.png", "sv", "Stortorget")
    long = action_png(
        series.weeks,
        [1.0] * len(series.weeks),
        W47,
        tmp_path / "a2.png",
        "sv",
        f"{hard.LONG_ACTION} ({hard.LONG_PLACE})",
    )
    charts += [short, long]
    months = [Month(2025, m) for m in range(12, 13)] + [Month(2026, m) for m in range(1, 12)]
    places = [(f"{hard.LONG_PLACE} {n}", 10 - n) for n in range(3)] + [(hard.LONG_LINK, 1)]
    trend = SourceTrend(
        "vandalism",
        Month(2026, 11),
        [(m, i % 4) for i, m in enumerate(months)],
        total=3,
        previous=2,
        year_before=1,
        categories=[],
        weekdays=[1, 2, 3, 0, 0, 1, 2],
        dated=9,
        places=places,
        places_month=places[:1],
    )
    charts += [
        by_month_png([trend], hard.GROUP + " och " + hard.LONG_PLACE, "sv", tmp_path / "m.png"),
        by_weekday_png([trend], "sv", tmp_path / "w.png"),
        by_place_png([trend], "sv", tmp_path / "p.png"),
    ]
    for chart in charts:
        assert border_is_blank(chart), chart.name  # no title or label runs off an edge
    # the long title wraps onto more lines above a plot of the same size, instead of being shortened
    assert Image.open(long).size[1] > Image.open(short).size[1] == 270


# --------------------------------------------------------------------------- HTML in a browser


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    need("chromium")
    driver_path = need("chromedriver")
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium look for a driver of its own
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "chromium"
    profile = tmp_path_factory.mktemp("chromium-profile")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)  # a profile is megabytes; do not wait for pytest to rotate it


MEASURE = """
const width = document.documentElement.clientWidth;
const outside = [];
for (const el of document.querySelectorAll('body *')) {
  const box = el.getBoundingClientRect();
  if (box.right > width + 0.5 && !el.closest('.scroll')) outside.push(el.tagName + ': ' + el.textContent.slice(0, 60));
}
const heatmap = document.querySelector('table.heatmap');
return {
  scroll: document.documentElement.scrollWidth,
  width: width,
  outside: outside.slice(0, 10),
  heatmap: heatmap ? [heatmap.parentElement.scrollWidth, heatmap.parentElement.clientWidth] : null,
  images: [...document.images].map(i => [i.naturalWidth, Math.round(i.getBoundingClientRect().width)]),
};
"""


def browser_view(driver: Any, path: Path, width: int) -> dict[str, Any]:
    """The page as Chromium lays it out in a viewport `width` pixels wide (a phone below 800)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 844, "deviceScaleFactor": 1, "mobile": width < 800},
    )
    driver.get(path.resolve().as_uri())
    seen: dict[str, Any] = driver.execute_script(MEASURE)
    assert seen["width"] == width
    return seen


@pytest.mark.parametrize("areas", [1, 3, 6])
def test_html_report_fits_a_phone_and_a_desktop(browser: Any, tmp_path: Path, areas: int) -> None:
    _, html, _ = documents(tmp_path, "sv", areas)
    picture = tmp_path / "picture.html"
    picture.write_text(render_picture_html(hard.picture("en", areas), for_coordinators=True), encoding="utf-8")
    for page in (html, picture):
        for width in (390, 1366):
            seen = browser_view(browser, page, width)
            assert seen["scroll"] <= width and seen["outside"] == [], (page.name, width, seen)
            # the heatmap itself fits (no sideways scrolling inside it), up to six areas on a phone
            scroll, room = seen["heatmap"]
            assert scroll <= room, (page.name, width, seen["heatmap"])
    seen = browser_view(browser, html, 390)
    assert seen["images"] and all(0 < shown <= 390 for _, shown in seen["images"])  # the chart scales down
