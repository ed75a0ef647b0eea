"""The situation picture and the weekly report in Telegram: HTML drawn from the core's structured document (bold
headings, lists, the area × factor table in a `<pre>` block), as the person sees it after Telegram parsed it,
with no Markdown source and no backslash escape; a document longer than 4,096 characters is split over several
messages, never cut. Real python-telegram-bot against the stand-in Bot API (which parses HTML like Telegram)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from bot.conversation.document import Cell, Document, Heading, Item, ItemList, Paragraph, Row, Table
from handlers.telegram.documents import MAX_TEXT, document_messages, length, table_lines
from standins.telegram_api import parse_html
from tests.conftest import TUE_OPEN
from tests.integration.handlers.slack.test_documents import MARKDOWN
from tests.support.report_data import APPROVED_NOTE, HIDDEN_NOTE, seed
from tests.support.telegram_harness import KIM, SARA, Edge, run_edge


def entity_texts(message: dict[str, Any], kind: str) -> list[str]:
    """The pieces of a message's text that Telegram draws as `kind` (bold, pre, italic)."""
    text = message["text"].encode("utf-16-le")
    return [
        text[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")
        for e in message.get("entities", [])
        if e["type"] == kind
    ]


def add_observations(e: Edge, count: int) -> list[str]:
    """`count` long observations on week 47 by Sara, with characters HTML and Markdown would read as markup."""
    texts = [
        f"Observation {n:02d}: <b>inte fet</b> & *inte kursiv* | [ingen länk](x) – " + "lång beskrivning " * 12
        for n in range(count)
    ]
    group = e.app.config.groups[0]
    with e.app.services.unit() as uow:
        from bot.domain.cycle import RoundKey

        rnd = uow.rounds.get_round(group.id, RoundKey(2026, 47))
        sara = next(p for p in uow.people.persons(group.id) if p.name == "Sara Samordnare")
        assert rnd is not None
        for text in texts:
            uow.rounds.add_observation(rnd.id, sara.id, sara.name, "Säkerhetsenheten", "centrum", None, text, TUE_OPEN)
        uow.commit()
    return [" ".join(t.split()) for t in texts]


def test_picture_and_report_are_html_with_no_markdown_shown(tmp_path: Path) -> None:
    async def body(e: Edge) -> None:
        await asyncio.to_thread(seed, e.app, TUE_OPEN)

        await e.feed(e.fake.command_update(SARA, SARA, "picture", args="2026-W47"))
        (picture,) = [m for m in e.fake.sent_to(SARA) if "text" in m]
        shown = picture["text"]
        assert shown.startswith("Lägesbild Tryggare Trelleborg – vecka 47, 2026\nFastställd vid veckans EST-möte.")
        assert not MARKDOWN.search(shown), MARKDOWN.search(shown)
        assert "Utkast" not in shown
        bold = entity_texts(picture, "bold")
        assert bold[:3] == [
            "Lägesbild Tryggare Trelleborg – vecka 47, 2026",
            "Det här sticker ut",
            "🔴 Centrum · Narkotika, öppen droghantering",
        ]
        assert "Läget per område" in bold and "Centrum" in bold
        (centrum, norr) = entity_texts(picture, "pre")  # the table of each area, columns lined up
        lines = centrum.splitlines()
        assert lines[0] == "Medel   Max  Svar  Mot förra veckan  Mot 4 veckor  Faktor"
        assert lines[6] == "🔴 2,5  3    2     ↑ +1,0            ↑ +2,0        Narkotika, öppen droghantering"
        assert len(lines) == 13 and norr.splitlines()[3] == "🟡 0,5  1    2     → 0,0             → 0,0         Klotter"
        assert f"• Centrum · Stortorget · Narkotika, öppen droghantering: {APPROVED_NOTE} (Trygghetsvärdar)" in shown
        # the masked number shows as its placeholder, brackets as typed: no backslash escapes

        await e.feed(e.fake.command_update(KIM, KIM, "report", args="2026-W47"))
        report = [m for m in e.fake.sent_to(KIM) if "text" in m]
        assert len(report) == 1 and e.last(KIM)["document"]["file_name"] == "veckorapport-2026-W47.sv.pdf"
        shown = report[0]["text"]
        assert shown.startswith("Veckorapport Tryggare Trelleborg – vecka 47, 2026\n\nSammanfattning\nSvar: 3 av 3")
        assert not MARKDOWN.search(shown), MARKDOWN.search(shown)
        assert APPROVED_NOTE in shown and HIDDEN_NOTE not in shown
        (overview,) = entity_texts(report[0], "pre")
        assert overview.splitlines()[0] == "Centrum   Norr      Faktor"
        assert "🔴 2,5 ↑  🟢 0,0 →  Narkotika, öppen droghantering" in overview.splitlines()
        assert entity_texts(report[0], "italic")[-1].startswith("Sammanställt av est-bot")

        # what a person typed arrives as typed (the number masked): brackets and stars, no backslash escapes
        await e.feed(
            e.fake.command_update(SARA, SARA, "observe", args="centrum: Oro vid [torget] *nu*, ring 070-123 45 67")
        )
        assert e.fake.texts_to(SARA)[-1] == "Observationen är sparad för 2026-W48."
        await e.feed(e.fake.command_update(SARA, SARA, "picture", args="2026-W48"))
        shown = e.fake.texts_to(SARA)[-1]
        assert shown.startswith("Lägesbild Tryggare Trelleborg – vecka 48, 2026\nUtkast inför veckans EST-möte.")
        assert "• Centrum: Oro vid [torget] *nu*, ring [telefon] (Säkerhetsenheten, Sara Samordnare)" in shown
        assert "\\" not in shown and "070" not in shown

    run_edge(tmp_path, body)


def test_a_picture_longer_than_a_message_is_split_never_cut(tmp_path: Path) -> None:
    async def body(e: Edge) -> None:
        await asyncio.to_thread(seed, e.app, TUE_OPEN)
        observations = await asyncio.to_thread(add_observations, e, 40)
        await e.feed(e.fake.command_update(SARA, SARA, "picture", args="2026-W47"))
        parts = [m for m in e.fake.sent_to(SARA) if "text" in m]
        assert len(parts) >= 3 and all(length(m["text"]) <= MAX_TEXT for m in parts)
        shown = "\n".join(m["text"] for m in parts)
        for text in observations:  # every observation whole, once, as it was written
            assert shown.count(text) == 1
        assert not MARKDOWN.search(shown.replace("*inte kursiv* | [ingen länk]", ""))
        assert entity_texts(parts[0], "bold")[0] == "Lägesbild Tryggare Trelleborg – vecka 47, 2026"
        observed = next(m for m in parts if "Observationer" in entity_texts(m, "bold"))
        assert entity_texts(observed, "bold")[-1] != "Observationer"  # the heading came with its first items

    run_edge(tmp_path, body)


def test_a_429_on_a_later_page_is_waited_out_there_and_no_page_is_sent_twice(tmp_path: Path) -> None:
    async def body(e: Edge) -> None:
        await asyncio.to_thread(seed, e.app, TUE_OPEN)
        observations = await asyncio.to_thread(add_observations, e, 40)
        e.fake.fail_next("sendMessage", 429, retry_after=1, after=1)  # the first page goes out, the second waits
        await e.feed(e.fake.command_update(SARA, SARA, "picture", args="2026-W47"))
        assert [c.status for c in e.fake.calls_to("sendMessage") if c.injected] == [429]
        e.fake.assert_no_errors()
        parts = [m for m in e.fake.sent_to(SARA) if "text" in m]
        assert len(parts) >= 3
        shown = "\n".join(m["text"] for m in parts)
        assert shown.count("Lägesbild Tryggare Trelleborg – vecka 47, 2026") == 1
        for text in observations:
            assert shown.count(text) == 1

    run_edge(tmp_path, body)


def test_split_keeps_every_line_and_every_table_in_its_block() -> None:
    rows = tuple(Row(f"Faktor {n} & <mer>", (Cell("1,0", "yellow"), Cell("↑ +1,0"))) for n in range(300))
    items = tuple(Item("x" * 5000, "Lång") for _ in range(2))  # a single line longer than a message
    doc = Document(
        "Titel",
        (
            Heading("Tabell"),
            Table("Faktor", ("Medel", "Ändring"), rows),
            Heading("Lista"),
            ItemList(items),
            Paragraph("Slut", muted=True),
        ),
    )
    assert Document.from_json(doc.to_json()) == doc  # as the outbox stores it
    messages = document_messages(doc)
    assert all(length(m) <= MAX_TEXT for m in messages)
    parsed = [parse_html(m) for m in messages]  # raises like Telegram on a tag left open or an entity cut
    text = "\n".join(p[0] for p in parsed)
    table = [line for line in table_lines(doc.parts[1]) if line]  # type: ignore[arg-type]
    shown_rows = [line for line in text.splitlines() if "Faktor " in line and "& <mer>" in line]
    assert shown_rows == table[1:]
    pres = [e for _, entities in parsed for e in entities if e["type"] == "pre"]
    assert len(pres) >= 2  # the table went over several messages, each part in its own <pre>
    assert text.count("x") == 10_000 and text.endswith("Slut")
