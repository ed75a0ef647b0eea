"""Charts, documents and exports drawn from a known data set (tests/support/report_data.py), checked for what they say:
the pixels of the charts, the text of the HTML and of the PDF (extracted with pypdf), the numbers of the CSV
and XLSX files read back, in Swedish and English, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from matplotlib import image
from openpyxl import load_workbook
from pypdf import PdfReader

from bot.bootstrap import App, build
from bot.clock import ManualClock
from bot.domain.cycle import RoundKey
from bot.domain.factors import LEVEL_HEX
from bot.domain.stats import series_from_input, standing_out
from bot.reports.trends import action_png, trend_png
from bot.usecases.reports import (
    KINDS,
    ReportError,
    action_effects,
    export,
    followup_document,
    load_followup,
    report_round,
    weekly_report,
)
from tests.conftest import TUE_OPEN, make_config
from tests.support.report_data import (
    APPROVED_NOTE,
    FIRST_ACTION,
    HIDDEN_NOTE,
    NAMES,
    SECOND_ACTION,
    WEEKS,
    seed,
)

W47 = RoundKey(2026, 47)


def rows_of(path: Path | str) -> list[dict[str, str]]:
    """A CSV file's rows, read as a spreadsheet program would (UTF-8 with a byte-order mark)."""
    return list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"), newline="")))


@pytest.fixture
def app(db_url: str) -> Iterator[App]:
    a = build(make_config(db_url), clock=ManualClock(TUE_OPEN))
    a.ids = seed(a, TUE_OPEN)  # type: ignore[attr-defined]
    yield a
    a.close()


def pixels(path: Path) -> tuple[int, int, set[str], float]:
    """Width, height, the colours seen (sampled) and the spread of the grey values (0 for a blank image)."""
    data = image.imread(path)
    height, width = data.shape[:2]
    rgb = (data.reshape(-1, data.shape[2])[::5, :3] * 255).round().astype(int)
    colours = {f"#{r:02x}{g:02x}{b:02x}" for r, g, b in rgb}
    return width, height, colours, float(rgb.mean(axis=1).std())


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def blend(hex_colour: str, alpha: float) -> str:
    """A band colour as drawn over white with `alpha`."""
    h = hex_colour.lstrip("#")
    parts = [round(255 - alpha * (255 - int(h[i : i + 2], 16))) for i in (0, 2, 4)]
    return "#" + "".join(f"{p:02x}" for p in parts)


def near(colours: set[str], hex_colour: str, tolerance: int = 3) -> bool:
    want = [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]
    return any(
        all(abs(int(c[i : i + 2], 16) - w) <= tolerance for i, w in zip((1, 3, 5), want, strict=True)) for c in colours
    )


# --------------------------------------------------------------------------- charts


def test_trend_chart_shows_the_factors_that_stand_out_on_est_bands(app: App, tmp_path: Path) -> None:
    group = app.config.groups[0]
    with app.services.unit() as uow:
        rnd = report_round(uow, group, W47)
        pic = app.services.picture(uow, group, rnd, "sv")
    series = series_from_input(pic.input, 12)
    assert series.weeks[0] == RoundKey(2026, 36) and series.weeks[-1] == W47
    assert series.mean(W47, "centrum", "narkotika") == 2.5
    assert series.line("norr", "klotter")[-8:] == [1.5, 1.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    assert standing_out(series, "centrum") == ["narkotika", "klotter"]  # highest this week first
    assert standing_out(series, "norr") == ["klotter"]
    for lang in ("sv", "en"):
        path = trend_png(series.trimmed(), tmp_path / f"trend-{lang}.png", lang, f"Trend {lang}")
        width, height, colours, spread = pixels(path)
        assert width >= 1000 and height >= 1000  # two panels, large enough for a phone
        assert spread > 20  # not blank
        assert "#111111" in colours and "#1f4fa8" in colours  # the two lines of centrum
        for band in ("green", "yellow", "orange", "red"):  # the EST colours behind the lines
            assert near(colours, blend(LEVEL_HEX[band], 0.22)), band


def test_action_chart_marks_the_decision_and_is_not_blank(tmp_path: Path) -> None:
    weeks = [RoundKey(2026, w) for w in range(40, 50)]
    levels = [0.0, 0.5, None, 2.0, 2.5, 1.0, 0.5, None, None, None]
    path = action_png(weeks, levels, RoundKey(2026, 44), tmp_path / "a.png", "en", "Stortorget, Centrum")
    width, height, colours, spread = pixels(path)
    assert (width, height) == (640, 270)
    assert spread > 20 and "#111111" in colours


# --------------------------------------------------------------------------- weekly report


def test_weekly_report_html_embeds_the_trend_chart_in_both_languages(app: App, tmp_path: Path) -> None:
    group = app.config.groups[0]
    with app.services.unit() as uow:
        rnd = report_round(uow, group, W47)
        sv = weekly_report(app.services.env, uow, group, rnd, "sv", "html", tmp_path / "r.sv.html").read_text("utf-8")
        en = weekly_report(app.services.env, uow, group, rnd, "en", "html", tmp_path / "r.en.html").read_text("utf-8")
    assert "<h1>Veckorapport Tryggare Trelleborg – vecka 47, 2026</h1>" in sv
    assert "<h2>De senaste 12 veckorna</h2>" in sv and 'src="data:image/png;base64,' in sv
    assert "Centrum · Narkotika, öppen droghantering" in sv and "Stortorget" in sv
    assert APPROVED_NOTE in sv and HIDDEN_NOTE not in sv
    assert FIRST_ACTION in sv and SECOND_ACTION in sv  # the follow-up of earlier weeks' actions
    assert "<h1>Weekly report Tryggare Trelleborg – week 47, 2026</h1>" in en
    assert "<h2>The last 12 weeks</h2>" in en and "What stands out" in en
    for name in NAMES:
        assert name not in sv and name not in en


def test_weekly_report_pdf_has_the_picture_priorities_and_follow_up(app: App, tmp_path: Path) -> None:
    group = app.config.groups[0]
    with app.services.unit() as uow:
        rnd = report_round(uow, group, W47)
        sv = weekly_report(app.services.env, uow, group, rnd, "sv", "pdf", tmp_path / "r.sv.pdf")
        en = weekly_report(app.services.env, uow, group, rnd, "en", "pdf", tmp_path / "r.en.pdf")
    assert sv.read_bytes().startswith(b"%PDF-")
    text = pdf_text(sv)
    for expected in (
        "Veckorapport Tryggare Trelleborg – vecka 47, 2026",
        "Svar: 3 av 3 (100 %)",
        "Det här sticker ut",
        "Centrum · Narkotika, öppen droghantering: röd nivå (3)",
        "De senaste 12 veckorna",
        "Uppföljning av tidigare åtgärder",
        "Stortorget, Centrum",
        "Trygghetsvärdar",
        "2026-W45",
        APPROVED_NOTE,
    ):
        assert expected in text.replace("\n", " "), expected
    assert HIDDEN_NOTE not in text
    assert "Sida 1 av" in text
    reader = PdfReader(sv)
    # the heatmap and the trend chart; the trend is cut into its areas' panels where a page ends (longer reasons
    # move it across a page break), so it may be one image or more
    sizes = [image.image.size if image.image else (0, 0) for page in reader.pages for image in page.images]
    assert len(sizes) >= 2 and all(width >= 700 for width, _height in sizes), sizes
    english = pdf_text(en).replace("\n", " ")
    assert "Weekly report Tryggare Trelleborg – week 47, 2026" in english
    assert "What stands out" in english and "Follow-up of earlier actions" in english and "Page 1 of" in english
    for name in NAMES:
        assert name not in text and name not in english


def test_report_of_a_week_that_is_missing_or_not_finalised_is_refused(app: App) -> None:
    group = app.config.groups[0]
    now = app.services.clock.now()
    with app.services.unit() as uow:
        uow.rounds.create_round(group.id, RoundKey(2026, 48), now)
        uow.commit()
    with app.services.unit() as uow:
        with pytest.raises(ReportError) as missing:
            report_round(uow, group, RoundKey(2026, 30))
        assert missing.value.text("sv") == "Det finns ingen omgång för 2026-W30."
        with pytest.raises(ReportError) as early:
            report_round(uow, group, RoundKey(2026, 48))
        assert early.value.text("en") == "There is no finalised picture for 2026-W48 yet."


# --------------------------------------------------------------------------- exports


def test_csv_export_has_the_numbers_and_no_names(app: App, tmp_path: Path) -> None:
    group = app.config.groups[0]
    with app.services.unit() as uow:
        result = export(uow, group, WEEKS[0], W47, "csv", KINDS, tmp_path, "sv", W47)
    assert [p.name for p in result.files] == [f"est-tbg-2026-W40--2026-W47-{k}.csv" for k in KINDS]
    assert (result.answers, result.actions) == (8 * 48, 2)
    raw = "".join(p.read_text("utf-8-sig") for p in result.files)
    for secret in (*NAMES, "Anna", "Cecilia", "cecilia", HIDDEN_NOTE):
        assert secret not in raw
    answers = rows_of(result.files[0])
    assert list(answers[0]) == [
        "vecka", "svar_nr", "organisation", "område", "områdesnamn", "faktor", "faktornamn", "nivå", "plats",
        "anteckning", "sent",
    ]  # fmt: skip
    high = [r for r in answers if r["vecka"] == "2026-W47" and r["faktor"] == "narkotika" and r["område"] == "centrum"]
    assert sorted((r["organisation"], r["nivå"], r["plats"]) for r in high) == [
        ("Bostadsbolaget", "2", "Stortorget"),
        ("Trygghetsvärdar", "3", "Stortorget"),
    ]
    assert {r["anteckning"] for r in high} == {APPROVED_NOTE, ""}
    pictures = rows_of(result.files[1])
    cell = next(
        r for r in pictures if r["vecka"] == "2026-W47" and r["område"] == "centrum" and r["faktor"] == "narkotika"
    )
    assert (cell["antal_rapporter"], cell["medelnivå"], cell["högsta_nivå"], cell["färg"]) == ("2", "2.50", "3", "röd")
    w40 = next(r for r in pictures if r["vecka"] == "2026-W40" and r["område"] == "norr" and r["faktor"] == "klotter")
    assert (w40["medelnivå"], w40["färg"]) == ("1.50", "orange")
    assert len({r["vecka"] for r in pictures}) == 8
    actions = rows_of(result.files[2])
    assert [(a["åtgärd"], a["vecka"], a["status"]) for a in actions] == [
        (FIRST_ACTION, "2026-W41", "genomförd"),
        (SECOND_ACTION, "2026-W45", "planerad"),
    ]
    assert (actions[0]["nivå_före"], actions[0]["nivå_efter"], actions[0]["förändring"]) == ("1.5", "0.5", "-1.0")
    # one decimal, as every report shows it: 0.125 is 0.1 here too, and the change is 2.0 − 0.1
    assert (actions[1]["nivå_före"], actions[1]["nivå_efter"], actions[1]["förändring"]) == ("0.1", "2.0", "1.9")
    assert actions[1]["ansvarig"] == "Trygghetsvärdar"


def test_xlsx_export_reads_back_with_numbers_as_numbers(app: App, tmp_path: Path) -> None:
    group = app.config.groups[0]
    with app.services.unit() as uow:
        result = export(uow, group, RoundKey(2026, 46), W47, "xlsx", KINDS, tmp_path, "en", W47)
    (path,) = result.files
    book = load_workbook(path)
    assert book.sheetnames == ["Answers", "Pictures", "Actions"]
    answers = list(book["Answers"].iter_rows(values_only=True))
    assert answers[0][:3] == ("week", "response", "organisation") and len(answers) == 1 + 2 * 48
    pictures = list(book["Pictures"].iter_rows(values_only=True))
    header = pictures[0]
    row = next(r for r in pictures[1:] if r[0] == "2026-W47" and r[1] == "centrum" and r[3] == "narkotika")
    record = dict(zip(header, row, strict=True))
    assert record["mean_level"] == 2.5 and record["reports"] == 2 and record["colour"] == "red"
    assert isinstance(record["mean_level"], float) and isinstance(record["max_level"], int)
    assert len(list(book["Actions"].iter_rows())) == 1  # no action was decided in W46–W47: the header only
    words = " ".join(str(v) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for v in r if v)
    for name in NAMES:
        assert name not in words


def test_export_of_one_kind_and_a_reversed_range(app: App, tmp_path: Path) -> None:
    group = app.config.groups[0]
    with app.services.unit() as uow:
        only = export(uow, group, WEEKS[0], W47, "csv", ("actions",), tmp_path, "en", W47)
        assert [p.name for p in only.files] == ["est-tbg-2026-W40--2026-W47-actions.csv"]
        with pytest.raises(ReportError) as reversed_range:
            export(uow, group, W47, WEEKS[0], "xlsx", KINDS, tmp_path / "x", "sv", W47)
    assert reversed_range.value.text("en") == "Week 2026-W47 comes after 2026-W40. Write the earliest week first."
    assert not (tmp_path / "x").exists()  # nothing written


# --------------------------------------------------------------------------- follow-up of actions


def test_action_effects_follow_the_documented_rule(app: App) -> None:
    group = app.config.groups[0]
    with app.services.unit() as uow:
        effects, _ = action_effects(uow, group, WEEKS[0], W47, W47)
    first, second = effects
    assert first.action.title == FIRST_ACTION and first.action.id == app.ids["first"]  # type: ignore[attr-defined]
    assert (first.before, first.after, first.verdict) == (1.5, 0.5, "lower")
    assert first.weeks[0] == RoundKey(2026, 36) and first.weeks[-1] == RoundKey(2026, 47)  # 5 before, up to W47
    assert first.mentions is not None and first.mentions[4:6] == [1, 1]  # Norrskolan named in W40 and W41
    assert first.organisations == ["Polisen"]
    assert (second.before, second.after, second.verdict) == (0.1, 2.0, "higher")  # 0.125 as shown: 0.1
    assert second.levels[-2:] == [1.5, 2.5] and second.mentions is not None and second.mentions[-2:] == [1, 2]
    assert second.organisations == ["Polisen", "Säkerhetsenheten"]
    with app.services.unit() as uow:
        early, _ = action_effects(uow, group, WEEKS[0], W47, RoundKey(2026, 46))
    assert early[1].after is None and early[1].verdict == "unknown"  # one week after is too early to say


def test_yearly_follow_up_as_pdf_and_html(app: App, tmp_path: Path) -> None:
    group = app.config.groups[0]
    with app.services.unit() as uow:
        f = load_followup(uow, group, 2026, W47)
        pdf, _ = followup_document(app.services.env, uow, group, 2026, "pdf", "sv", W47, tmp_path / "f.sv.pdf")
        html, _ = followup_document(app.services.env, uow, group, 2026, "html", "en", W47, tmp_path / "f.en.html")
    assert (f.weeks_with_reports, f.answers, f.response_rate) == (8, 24, 1.0)
    assert [(p.organisation, p.answers, p.weeks) for p in f.participation] == [
        ("Bostadsbolaget", 8, 8),
        ("Skolan", 8, 8),
        ("Trygghetsvärdar", 8, 8),
    ]
    text = pdf_text(pdf).replace("\n", " ")
    for expected in (
        "Uppföljning 2026 – Tryggare Trelleborg",
        "8 veckor med rapporter, 24 inskickade rapporter, i snitt 100 % svarsfrekvens.",
        "2 beslutade åtgärder: 1 genomförd och 1 planerad.",
        "Nivån efter åtgärderna: lägre efter 1 åtgärd och högre efter 1 åtgärd.",
        "Bostadsbolaget",
        "Röstade fram av: Polisen, Säkerhetsenheten",
        f"#{app.ids['first']} {FIRST_ACTION}",  # type: ignore[attr-defined]
        "Nivå före 1,5, efter 0,5: lägre.",
        "Rapporter som nämner platsen",
    ):
        assert expected in text, expected
    assert len(PdfReader(pdf).pages) >= 2
    page_images = sum(len(page.images) for page in PdfReader(pdf).pages)
    assert page_images == 3  # the year's trend and one chart per action
    page = html.read_text("utf-8")
    assert "<h1>Follow-up 2026 – Tryggare Trelleborg</h1>" in page
    assert "The level after the actions: lower after 1 action and higher after 1 action." in page
    assert "Level before 0.1, after 2.0: higher." in page and page.count('src="data:image/png;base64,') == 3
    for name in NAMES:
        assert name not in text and name not in page


def test_follow_up_of_a_year_without_data_and_a_year_out_of_range(app: App, tmp_path: Path) -> None:
    group = app.config.groups[0]
    with app.services.unit() as uow:
        pdf, f = followup_document(app.services.env, uow, group, 2025, "pdf", "en", W47, tmp_path / "f.pdf")
        with pytest.raises(ReportError) as bad:
            followup_document(app.services.env, uow, group, 1999, "pdf", "en", W47, tmp_path / "g.pdf")
    assert f.effects == [] and "No actions were decided this year." in pdf_text(pdf)
    assert bad.value.text("sv") == '"1999": skriv ett år från 2000 till 2027, t.ex. 2026.'


def test_weekly_pdf_without_an_emoji_font_names_each_standouts_kind_in_words(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server without Debian's fonts-noto-color-emoji (the container has none) printed "[emoji]" before every
    line under "Det här sticker ut": the bot's own icons. The kind in words stands there instead, as on the web."""
    monkeypatch.setenv("EST_EMOJI_FONT", str(tmp_path / "no-such-font.ttf"))
    group = app.config.groups[0]
    with app.services.unit() as uow:
        rnd = report_round(uow, group, W47)
        sv = weekly_report(app.services.env, uow, group, rnd, "sv", "pdf", tmp_path / "r.sv.pdf")
        en = weekly_report(app.services.env, uow, group, rnd, "en", "pdf", tmp_path / "r.en.pdf")
    swedish, english = (" ".join(pdf_text(p).split()) for p in (sv, en))
    assert "[emoji]" not in swedish and "[emoji]" not in english
    assert "• Röd nivå · Centrum · Narkotika, öppen droghantering: röd nivå (3)" in swedish, swedish
    hotspot = "• Plats som nämns ofta · Centrum · Stortorget · Narkotika, öppen droghantering: nämnd av 2"
    assert hotspot in swedish, swedish
    assert "• Red level · Centrum · Open drug dealing and use: red level (3)" in english, english
