"""The situation picture and the weekly report in Slack: Block Kit built from the core's structured document,
as the person sees it, with no Markdown source and no backslash escape; a long document continues in the next
message instead of being cut. Real Bolt and slack_sdk against the stand-in Web API (which validates every
payload with slack_sdk.models)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

from slack_sdk import WebClient

from bot.conversation.document import Cell, Document, Heading, Item, ItemList, Paragraph, Row, Table
from bot.conversation.messages import Outbound
from bot.domain.model import OutboxItem
from handlers.slack.sender import SlackSender
from standins.slack_api import FakeSlackAPI, validate_blocks
from tests.conftest import TUE_OPEN
from tests.support.report_data import APPROVED_NOTE, HIDDEN_NOTE, seed
from tests.support.slack_harness import KIM, MEETING, SARA, Workspace, run_workspace

# What Markdown source looks like when it is shown instead of drawn: a heading's `#`, bold `**`, a table's rule
# and pipes, a backslash escape.
MARKDOWN = re.compile(r"(^|\n)\s*#|\*\*|\|\s*:?-{3}|\s\|\s|^\||\|$|\\", re.M)


def shown_texts(blocks: list[dict[str, Any]]) -> list[str]:
    """Every piece of text a person sees in the blocks (headers, sections, fields, context, rich text)."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str) and node.get("type") in ("plain_text", "mrkdwn", "text"):
                found.append(node["text"])
            for key, value in node.items():
                if key not in ("action_id", "block_id", "value", "url"):
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return found


def text_objects(blocks: list[dict[str, Any]]) -> list[str]:
    """The type of every text object (Slack reads markup only in `mrkdwn`)."""
    return re.findall(r"'type': '(plain_text|mrkdwn)'", repr(blocks))


def test_picture_and_report_are_block_kit_with_no_markdown_shown(tmp_path: Path) -> None:
    async def body(w: Workspace) -> None:
        await asyncio.to_thread(seed, w.app, TUE_OPEN)

        await w.command(SARA, "picture 2026-W47", channel=MEETING)
        picture = w.fake.ephemerals(user=SARA)[-1]  # the picture is for the asker only
        blocks = picture["blocks"]
        assert validate_blocks(blocks) == ""
        types = [b["type"] for b in blocks]
        assert types[0] == "header" and blocks[0]["text"]["text"] == "Lägesbild Tryggare Trelleborg – vecka 47, 2026"
        assert {"header", "section", "context", "rich_text"} <= set(types)
        assert set(text_objects(blocks)) == {"plain_text"}  # nothing is read as markup
        texts = shown_texts(blocks)
        shown = "\n".join(texts)
        assert not MARKDOWN.search(shown), MARKDOWN.search(shown)
        assert "Fastställd vid veckans EST-möte." in texts and "Utkast" not in shown  # W47 was finalised
        # the area × factor table: one field per factor with the level's colour, in sections of at most ten
        fields = [f["text"] for b in blocks if b["type"] == "section" for f in b.get("fields", [])]
        assert len(fields) == 24 and all(len(b.get("fields", [])) <= 10 for b in blocks)
        narcotics = [f for f in fields if f.startswith("Narkotika")]
        assert narcotics[0] == (
            "Narkotika, öppen droghantering\nMedel: 🔴 2,5 · Max: 3 · Svar: 2 · Mot förra veckan: ↑ +1,0"
            " · Mot 4 veckor: ↑ +2,0"
        )
        assert any(t.startswith("🟢 0 Inget / som vanligt · 🟡 1 Enstaka händelser") for t in texts)  # the legend
        # lists are rich text: the place in bold, the rest as written
        lists = [b["elements"][0] for b in blocks if b["type"] == "rich_text"]
        notes = [e for x in lists if x["type"] == "rich_text_list" for e in x["elements"]]
        assert any(
            [p.get("style") for p in n["elements"]] == [{"bold": True}, None]
            and n["elements"][1]["text"].startswith(f": {APPROVED_NOTE}")
            for n in notes
        )

        await w.command(KIM, "report 2026-W47")
        dm = [m for m in w.messages(KIM) if m.get("subtype") != "file_share"]
        assert len(dm) == 1
        report = dm[0]["blocks"]
        assert validate_blocks(report) == ""
        assert report[0] == {
            "type": "header",
            "text": {"type": "plain_text", "text": "Veckorapport Tryggare Trelleborg – vecka 47, 2026", "emoji": True},
        }
        assert set(text_objects(report)) == {"plain_text"}
        texts = shown_texts(report)
        shown = "\n".join(texts)
        assert not MARKDOWN.search(shown), MARKDOWN.search(shown)
        assert APPROVED_NOTE in shown and HIDDEN_NOTE not in shown
        headers = [b["text"]["text"] for b in report if b["type"] == "header"]
        assert headers[:4] == [
            "Veckorapport Tryggare Trelleborg – vecka 47, 2026",
            "Sammanfattning",
            "Översikt",
            "Det här sticker ut",
        ]
        fields = [f["text"] for b in report if b["type"] == "section" for f in b.get("fields", [])]
        assert "Narkotika, öppen droghantering\nCentrum: 🔴 2,5 ↑ · Norr: 🟢 0,0 →" in fields
        assert dm[0]["text"].startswith("Veckorapport Tryggare Trelleborg")  # the notification, plain too
        assert not MARKDOWN.search(dm[0]["text"])
        (pdf,) = [f for f in w.fake.files() if w.fake.dm_channel(KIM) in f.channels]
        assert pdf.filename == "veckorapport-2026-W47.sv.pdf"

        # what a person typed arrives as typed (the number masked): brackets and stars, no backslash escapes
        await w.command(SARA, "observe centrum: Oro vid [torget] *nu*, ring 070-123 45 67", channel=MEETING)
        assert w.fake.ephemerals(user=SARA)[-1]["text"] == "Observationen är sparad för 2026-W48."
        await w.command(SARA, "picture 2026-W48", channel=MEETING)
        blocks = w.fake.ephemerals(user=SARA)[-1]["blocks"]
        assert shown_texts(blocks)[:2] == [
            "Lägesbild Tryggare Trelleborg – vecka 48, 2026",
            "Utkast inför veckans EST-möte.",
        ]
        items = [e for b in blocks if b["type"] == "rich_text" for x in b["elements"] for e in x.get("elements", [])]
        observation = {
            "type": "rich_text_section",
            "elements": [
                {"type": "text", "text": "Centrum", "style": {"bold": True}},
                {"type": "text", "text": ": Oro vid [torget] *nu*, ring [telefon] (Säkerhetsenheten, Sara Samordnare)"},
            ],
        }
        assert observation in items and "\\" not in "".join(shown_texts(blocks))

    run_workspace(tmp_path, body)


def _long_document(areas: int) -> Document:
    factors = [f"Faktor {n}" for n in range(12)]
    parts: list[Any] = [Paragraph("Svar: 40 av 40 (100 %)"), Heading("Läget per område")]
    for a in range(areas):
        rows = tuple(Row(f, (Cell("1,0", "yellow"), Cell("2"), Cell(str(a)))) for f in factors)
        parts += [Heading(f"Område {a}", 3), Table("Faktor", ("Medel", "Max", "Svar"), rows)]
    parts += [
        Heading("Observationer"),
        ItemList(tuple(Item(f"Observation {n} *stjärna* | rör", f"Plats {n}") for n in range(45))),
    ]
    return Document("Lägesbild Stora staden – vecka 47, 2026", tuple(parts), "Utkast inför veckans EST-möte.")


def test_a_429_on_a_later_message_of_a_document_is_waited_out_there_and_nothing_is_posted_twice() -> None:
    doc = _long_document(areas=20)
    out = Outbound("Lägesbild Stora staden – vecka 47, 2026", kind="picture_preview", data={"document": doc.to_json()})
    item = OutboxItem(1, "k", "slack", "C0MEETING1", None, out.to_json(), 0, "pending")
    with FakeSlackAPI() as fake:
        fake.fail_next("chat.postMessage", 429, retry_after=1, after=1)  # the first message goes, the second waits
        sender = SlackSender(WebClient(token=fake.bot_token, base_url=fake.base_url))
        sender.send(item, out, None)
        messages = fake.messages("C0MEETING1")
    shown = [t for m in messages for t in shown_texts(m["blocks"])]
    assert len(messages) >= 2 and shown.count("Lägesbild Stora staden – vecka 47, 2026") == 1
    for a in range(20):
        assert shown.count(f"Område {a}") == 1


def test_a_long_document_continues_in_the_next_message_never_cut(tmp_path: Path) -> None:
    doc = _long_document(areas=20)  # 20 areas × (heading + 2 field sections): far more than 50 blocks
    out = Outbound("Lägesbild Stora staden – vecka 47, 2026", kind="picture_preview", data={"document": doc.to_json()})
    item = OutboxItem(1, "k", "slack", "C0MEETING1", None, out.to_json(), 0, "pending")
    with FakeSlackAPI() as fake:
        sender = SlackSender(WebClient(token=fake.bot_token, base_url=fake.base_url))
        sender.send(item, out, None)
        fake.assert_no_errors()
        messages = fake.messages("C0MEETING1")
    assert len(messages) >= 2 and all(len(m["blocks"]) <= 50 for m in messages)
    shown = [t for m in messages for t in shown_texts(m["blocks"])]
    for a in range(20):
        assert f"Område {a}" in shown
    fields = [t for t in shown if t.startswith("Faktor ")]
    assert len(fields) == 20 * 12 and all(f.endswith(" · Max: 2 · Svar: " + f.rsplit(" ", 1)[-1]) for f in fields)
    notes = [t for t in shown if t.startswith(": Observation ")]
    assert notes == [f": Observation {n} *stjärna* | rör" for n in range(45)]  # user text as written, all of it
    lists = [e for m in messages for b in m["blocks"] if b["type"] == "rich_text" for e in b["elements"]]
    assert [len(e["elements"]) for e in lists if e["type"] == "rich_text_list"] == [20, 20, 5]
    assert messages[0]["blocks"][0]["text"]["text"] == "Lägesbild Stora staden – vecka 47, 2026"
