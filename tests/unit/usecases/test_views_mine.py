"""The read side of the reporter's web pages and the coordinator's downloads over in-memory storage: one's own
answers and nobody else's, the published reports by role, the report as HTML and PDF, the week's export, and the
places waiting for review."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from openpyxl import load_workbook

from bot.domain.cycle import RoundKey
from bot.domain.model import Person
from bot.usecases.views.files import export_download, report_download
from bot.usecases.views.mine import my_answers, published_reports
from bot.usecases.views.review import review_queue
from standins.config import TUE_OPEN
from tests.unit.fakes.bot import FakeBot
from tests.unit.usecases.test_meeting import drafted_week

EXPORTS = ("csv", "xlsx")
FRI_PUBLISH = TUE_OPEN + timedelta(days=2, hours=23, minutes=30)


def person(bot: FakeBot, name: str) -> Person:
    with bot.unit() as uow:
        p = uow.people.person_by_name("tbg", name)
    assert p is not None
    return p


def report(bot: FakeBot, who: str, levels: dict[int, int], place: str, note: str) -> None:
    bot.cmd(who, "rapport")
    bot.press(who, ":g:start")
    if bot.answer_levels(who, levels, place, note) == "more":
        bot.press(who, ":m:skip")
    bot.press(who, ":s:send")


def finalised_week(bot: FakeBot) -> None:
    draft, _ = drafted_week(bot)
    bot.say("sara", "choice", choice=draft.all_choices()[0].id)


def test_a_reporter_sees_their_own_answers_and_nobody_elses(fake_bot: FakeBot) -> None:
    fake_bot.tick()
    report(fake_bot, "anna", {5: 3}, "Stortorget", "Ungdomar samlas, ring 070-123 45 67")
    report(fake_bot, "bo", {5: 2}, "Resecentrum", "Bos egen anteckning")
    page = my_answers(fake_bot.services.env, person(fake_bot, "Anna Andersson"))
    (week,) = page.weeks
    assert week.week == "2026-W47" and not week.late and week.sent is not None
    (area,) = week.areas
    assert area.name == "Centrum" and len(area.answers) == 12
    (named,) = [a for a in area.answers if a.level == 3]
    assert (named.factor, named.place) == ("Narkotika, öppen droghantering", "Stortorget")
    assert named.label == "Allvarligt / eskalerande" and named.colour == "red"
    assert named.note is not None and "070-123 45 67" not in named.note  # stored masked
    everything = repr(page)
    assert "Resecentrum" not in everything and "Bos egen" not in everything
    assert my_answers(fake_bot.services.env, person(fake_bot, "Cecilia Ek")).weeks == ()
    (bos,) = my_answers(fake_bot.services.env, person(fake_bot, "Bo Berg")).weeks
    assert [a.name for a in bos.areas] == ["Centrum", "Norr"] and "Bos egen anteckning" in repr(bos)


def test_in_english_the_levels_and_factors_are_english(fake_bot: FakeBot) -> None:
    fake_bot.tick()
    report(fake_bot, "cecilia", {5: 2}, "Norrskolan", "Evenings")
    (week,) = my_answers(fake_bot.services.env, person(fake_bot, "Cecilia Ek")).weeks
    (area,) = week.areas
    (named,) = [a for a in area.answers if a.level == 2]
    assert area.name == "Norr" and named.label == "Recurring" and named.factor == "Open drug dealing and use"
    assert named.note == "Evenings"


def test_reports_are_listed_once_published_and_participants_see_them_when_finalised(fake_bot: FakeBot) -> None:
    env = fake_bot.services.env
    anna, kim = person(fake_bot, "Anna Andersson"), person(fake_bot, "Kim Polis")
    draft, _ = drafted_week(fake_bot)
    assert published_reports(env, kim).reports == () and published_reports(env, anna).reports == ()
    assert report_download(env, kim, "2026-W47", "html") is None  # a draft has no report
    fake_bot.say("sara", "choice", choice=draft.all_choices()[0].id)  # finalised
    (finalised,) = published_reports(env, kim).reports
    assert (finalised.week, finalised.published, finalised.status) == ("2026-W47", False, "fastställd, ej utskickad än")
    assert published_reports(env, anna).reports == ()
    assert report_download(env, anna, "2026-W47", "pdf") is None
    fake_bot.clock.set(FRI_PUBLISH)
    fake_bot.tick()
    (sent,) = published_reports(env, anna).reports
    assert (sent.week, sent.published, sent.status) == ("2026-W47", True, "utskickad")
    assert sent.responses == "2 av 3 (67 %)"


def test_the_report_as_pdf_and_html_in_the_persons_language(fake_bot: FakeBot) -> None:
    env = fake_bot.services.env
    finalised_week(fake_bot)
    fake_bot.clock.set(FRI_PUBLISH)
    fake_bot.tick()
    pdf = report_download(env, person(fake_bot, "Anna Andersson"), "2026-W47", "pdf")
    assert pdf is not None and pdf.content.startswith(b"%PDF")
    assert (pdf.filename, pdf.media_type) == ("veckorapport-2026-W47.sv.pdf", "application/pdf")
    html = report_download(env, person(fake_bot, "Cecilia Ek"), "2026-W47", "html")
    assert html is not None and html.filename == "weekly-report-2026-W47.en.html" and html.media_type == "text/html"
    text = html.content.decode("utf-8")
    assert "Weekly report" in text and "Stortorget" in text and "<script" not in text, text[:600]
    for week in ("2026-W46", "2026-W99", "nonsense"):
        assert report_download(env, person(fake_bot, "Anna Andersson"), week, "html") is None


def test_the_weeks_export_as_csv_and_xlsx_is_audited(fake_bot: FakeBot) -> None:
    env = fake_bot.services.env
    sara = person(fake_bot, "Sara Samordnare")
    fake_bot.tick()
    report(fake_bot, "anna", {5: 3}, "Stortorget", "Kvällstid")
    csv_file = export_download(env, sara, "2026-W47", "csv")
    assert csv_file is not None and csv_file.media_type == "text/csv"
    assert csv_file.filename == "est-tbg-2026-W47--2026-W47-answers.csv"
    rows = list(csv.DictReader(io.StringIO(csv_file.content.decode("utf-8-sig"), newline="")))
    assert len(rows) == 12 and {r["organisation"] for r in rows} == {"Trygghetsvärdar"}
    assert "Anna" not in csv_file.content.decode("utf-8-sig")
    xlsx = export_download(env, sara, "2026-W47", "xlsx")
    assert xlsx is not None and xlsx.filename == "est-tbg-2026-W47--2026-W47.xlsx"
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames == ["Svar", "Lägesbilder", "Åtgärder"]
    assert export_download(env, sara, "2026-W40", "csv") is None  # no round that week
    with fake_bot.unit() as uow:
        exports = [(actor, detail) for _, _, actor, action, detail in uow.audit.audit_log("tbg") if action == "export"]
    assert {(actor, d["format"], d["via"]) for actor, d in exports} == {("Sara Samordnare", f, "web") for f in EXPORTS}


def test_a_note_that_looks_like_a_formula_stays_text_in_both_exports(fake_bot: FakeBot) -> None:
    env = fake_bot.services.env
    sara = person(fake_bot, "Sara Samordnare")
    fake_bot.tick()
    report(fake_bot, "anna", {5: 3}, "Stortorget", '=HYPERLINK("http://x.example","klicka")')
    with fake_bot.unit() as uow:
        rnd = uow.rounds.get_round("tbg", RoundKey(2026, 47))
        assert rnd is not None
        for note in uow.rounds.notes_for_review(rnd.id):
            uow.rounds.set_note_review(rnd.id, str(note.id), "approved")
        uow.commit()
    csv_file = export_download(env, sara, "2026-W47", "csv")
    assert csv_file is not None
    notes = [r["anteckning"] for r in csv.DictReader(io.StringIO(csv_file.content.decode("utf-8-sig"), newline=""))]
    assert '\'=HYPERLINK("http://x.example","klicka")' in notes
    xlsx = export_download(env, sara, "2026-W47", "xlsx")
    assert xlsx is not None
    sheet = load_workbook(io.BytesIO(xlsx.content))["Svar"]
    (cell,) = [c for row in sheet.iter_rows() for c in row if str(c.value).startswith("=HYPERLINK")]
    assert cell.data_type == "s"  # a text cell, never a formula


def test_the_review_queue_shows_places_waiting_with_since_when(fake_bot: FakeBot) -> None:
    env = fake_bot.services.env
    sara = person(fake_bot, "Sara Samordnare")
    assert review_queue(env, sara).places == () and review_queue(env, sara).summary == ""
    fake_bot.tick()
    report(fake_bot, "anna", {5: 3}, "Kiosken <b>vid</b> torget", "Kvällstid")
    page = review_queue(env, sara)
    (waiting,) = page.places
    assert (waiting.area, waiting.name, waiting.answers, waiting.source) == (
        "Centrum", "Kiosken <b>vid</b> torget", 1, "skriven"
    )  # fmt: skip
    assert waiting.ident.startswith("P") and waiting.since == "tisdag 17/11 08:00"
    assert page.summary == "1 plats väntar, sedan tisdag 17/11 08:00."
