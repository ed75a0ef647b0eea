"""The picture and the report as documents in the chat, as transcripts on SQLite and PostgreSQL: the core hands
every edge a structured document (the console draws it as plain text), the finalised picture is no longer a
draft, the confirmation counts in the right form, and Friday's broadcast carries the report's PDF with the
charts. The Markdown file of `report --format md` is still Markdown."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader

from bot.conversation.document import Cell, Document, Heading, Item, ItemList, Legend, Table, plain_text
from bot.domain.cycle import RoundKey
from bot.usecases.reports import weekly_report
from tests.conftest import Bot
from tests.integration.commands.test_commands import FRI_PUBLISH, THU_DRAFT, report, texts

MARKDOWN = re.compile(r"(^|\n)\s*#|\*\*|\|\s*:?-{3}|\s\|\s|\\")


def test_a_week_of_documents_in_the_chat(bot: Bot) -> None:
    bot.tick()
    report(bot, "anna", {5: 3})  # narkotika red at Stortorget
    report(bot, "bo", {})
    bot.clock.set(THU_DRAFT)
    bot.tick()

    (preview,) = bot.cmd("sara", "lägesbild")
    assert preview.kind == "picture_preview"
    doc = Document.from_json(preview.data["document"])
    assert doc.title == "Lägesbild Tryggare Trelleborg – vecka 47, 2026"
    assert doc.subtitle == "Utkast inför veckans EST-möte."
    assert preview.text == plain_text(doc) and not MARKDOWN.search(preview.text)
    tables = [p for p in doc.parts if isinstance(p, Table)]
    assert [len(t.rows) for t in tables] == [12, 12]  # per area, one row per factor
    narcotics = tables[0].rows[5]
    assert narcotics.label == "Narkotika, öppen droghantering" and narcotics.cells[0] == Cell(
        "1,5", "orange"
    )  # mean of 3 and 0
    assert any(isinstance(p, Legend) for p in doc.parts)
    headings = [p.text for p in doc.parts if isinstance(p, Heading)]
    assert headings[:3] == ["Det här sticker ut", "Förslag till prioriteringar", "Läget per område"]
    assert "Har inte svarat (1): Cecilia Ek" in preview.text  # names of non-responders: coordinators only
    (kims,) = bot.cmd("kim", "picture")
    assert "Cecilia" not in kims.text

    draft = next(o for o in bot.sender.to("möte") if o.kind == "picture")
    assert draft.text.startswith("Utkast till lägesbild 2026-W47")
    cid = next(o for o in bot.sender.to("möte") if o.kind == "candidate").data["candidate_id"]
    bot.say("kim", "choice", choice=f"c{cid}:v")
    out = bot.say("sara", "choice", choice=draft.all_choices()[0].id)
    assert texts(out) == "Lägesbilden för 2026-W47 är fastställd med 1 prioritering."
    locked = [o for o in bot.sender.to("möte") if o.kind == "picture"][-1]
    assert locked.ref == draft.ref and locked.data["locked"]  # the same message, redrawn
    assert locked.text.startswith("Lägesbild 2026-W47 – Tryggare Trelleborg") and "Utkast" not in locked.text
    (final,) = bot.cmd("sara", "picture")
    assert Document.from_json(final.data["document"]).subtitle == "Fastställd vid veckans EST-möte."
    assert "Utkast" not in final.text

    bot.clock.set(FRI_PUBLISH)
    bot.tick()
    (broadcast,) = [o for o in bot.sender.to("rapport") if o.kind == "report"]
    assert [a.filename for a in broadcast.attachments] == [
        "lagesbild-2026-W47-sv.png",
        "trend-2026-W47-sv.png",
        "veckorapport-2026-W47.sv.pdf",
    ]
    pdf = broadcast.attachments[-1]
    assert pdf.mime == "application/pdf"
    assert "Veckorapport Tryggare Trelleborg – vecka 47, 2026" in PdfReader(pdf.path).pages[0].extract_text()
    (to_cecilia,) = [o for o in bot.sender.to("cecilia") if o.kind == "report"]  # in her language
    assert [a.filename for a in to_cecilia.attachments][-1] == "weekly-report-2026-W47.en.pdf"

    answer = bot.cmd("kim", "report 2026-W47")[-1]  # after the Friday report
    doc = Document.from_json(answer.data["document"])
    assert answer.kind == "report_document" and answer.text == plain_text(doc)
    assert not MARKDOWN.search(answer.text)
    (decisions,) = [
        p
        for i, p in enumerate(doc.parts)
        if isinstance(p, ItemList) and i and doc.parts[i - 1] == Heading("Beslutade prioriteringar och vem som gör vad")
    ]
    assert decisions.ordered and decisions.items[0] == Item("ej vald · ej vald · ej vald (1 röst)", "Centrum")

    # the Markdown file is still Markdown
    svc, group = bot.app.services, bot.app.config.groups[0]
    with svc.unit() as uow:
        rnd = uow.rounds.get_round(group.id, RoundKey(2026, 47))
        assert rnd is not None
        path = weekly_report(svc.env, uow, group, rnd, "sv", "md", Path(svc.config.reports_dir) / "r.md")
    md = path.read_text("utf-8")
    assert md.startswith("# Veckorapport Tryggare Trelleborg") and "|---|" in md
