"""Hostile and odd text through the Slack edge: nothing a person writes is drawn as markup, a mention or a link
they did not mean, and every call the bot makes stays valid Block Kit."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from standins.slack_api import FakeSlackAPI
from tests.support.slack_harness import ANNA, MEETING, SARA, Workspace, run_workspace

HOSTILE = [
    "<!channel> möt upp nu",
    "<!here|here> och <!everyone>",
    "hej <@U0SARA003> och <@U0KIMPOL4|kim>",
    "*fet* _kursiv_ ~struken~ `kod` ```block```",
    "<https://evil.example/phish|Klicka här för att logga in>",
    "&lt;b&gt;inte fet&lt;/b&gt; & <b>html</b>",
    "\u202eטקסט מימין לשמאל\u202c och العربية",
    "emoji 🚨👮‍♀️🏳️‍🌈 och kontroll\x00\x07\x1b[31m tecken",
    "x" * 10_000,
]
_MARKUP = re.compile(r"<[!@#]|<https?:")


def _text_objects(value: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        if value.get("type") in ("plain_text", "mrkdwn") and isinstance(value.get("text"), str):
            found.append(value)
        for v in value.values():
            found += _text_objects(v)
    elif isinstance(value, list):
        for v in value:
            found += _text_objects(v)
    return found


def assert_nothing_drawn_as_markup(fake: FakeSlackAPI) -> None:
    calls = [c for c in fake.calls if c.method.startswith(("chat.", "views."))]
    assert calls
    for call in calls:
        fallback = call.params.get("text")
        if isinstance(fallback, str):
            assert not _MARKUP.search(fallback), (call.method, fallback[:200])
        for obj in _text_objects(call.params.get("blocks") or call.params.get("view")):
            if obj["type"] == "mrkdwn":
                assert not _MARKUP.search(obj["text"]), (call.method, obj["text"][:200])
    fake.assert_no_errors()  # every payload parsed and validated by slack_sdk.models


def test_hostile_notes_in_the_questionnaire_and_the_meeting(tmp_path: Path) -> None:
    async def body(w: Workspace) -> None:
        await w.tick()
        await w.press(ANNA, ANNA, "Börja")
        for item, text in enumerate(HOSTILE):
            await w.press(ANNA, ANNA, f":l:{item}:3")
            await w.dm(ANNA, f"Plats {item} {text[:150]}")  # a new place, typed
            await w.dm(ANNA, text)  # what happened
        for item in range(len(HOSTILE), 12):
            await w.press(ANNA, ANNA, f":l:{item}:0")
        await w.dm(ANNA, HOSTILE[0])  # anything else
        summary = w.block_text(w.last(ANNA))
        assert "<!channel> möt upp nu" in summary and "<@U0SARA003>" in summary  # shown as typed, as text
        await w.press(ANNA, ANNA, "Skicka")
        for text in HOSTILE[:4]:
            await w.command(SARA, f"observe centrum: {text}", channel=MEETING)
        await w.command(SARA, "review", channel=MEETING)  # the typed places wait for review: approve them
        waiting = re.findall(r"^(P\d+) ", w.ephemeral_texts(SARA)[-1], re.MULTILINE)
        assert len(waiting) == len(HOSTILE)
        for pid in waiting:
            await w.command(SARA, f"review approve {pid}", channel=MEETING)
        await w.tick(timedelta(days=2, minutes=5))  # the draft with candidates named after the typed places
        assert any("Plats 0 <!channel>" in w.block_text(m) for m in w.messages(MEETING))
        await w.tick(timedelta(days=1))  # Friday's report

    fake = run_workspace(tmp_path, body)
    assert_nothing_drawn_as_markup(fake)


def test_hostile_command_words_get_clear_answers(tmp_path: Path) -> None:
    async def body(w: Workspace) -> None:
        for words in (
            "reporter add <!channel> | Org | centrum",
            "reporter add *Fet* | <https://evil.example|Org> | nowhere",
            "pause Anna 2026-13-45",
            "report 2026-W99",
            "area add ! <!here>",
            "\u202estatus",
            "x" * 3000,
        ):
            status, _ = await w.command(SARA, words, channel=MEETING)
            assert status == 200
        answers = w.ephemeral_texts(SARA)
        assert len(answers) == 7 and all(answers)
        assert "nowhere" in answers[1]  # the unknown area is named back, with the allowed ones

    fake = run_workspace(tmp_path, body)
    assert_nothing_drawn_as_markup(fake)
