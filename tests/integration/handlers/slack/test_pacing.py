"""Slack's sender and the bot's pacing (bot/ports/pacing.py): a file shared after its text takes a turn like a
message, and a 429 met on any later part of a message (a document's next message, a file) becomes a hold that
every process reads. Real slack_sdk against the stand-in Web API."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from slack_sdk import WebClient

from bot.conversation.messages import Attachment, Outbound
from bot.domain.model import OutboxItem
from bot.ratelimit import Later
from handlers.slack.sender import SlackSender, slack_limits
from standins.slack_api import FakeSlackAPI
from tests.integration.handlers.slack.test_documents import _long_document
from tests.support.pacing import RecordingLimiter

CHANNEL = "C0MEETING1"


def _with_chart(tmp_path: Path) -> Outbound:
    chart = tmp_path / "karta.png"
    chart.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    return Outbound("Lägesbild vecka 47", attachments=(Attachment("karta.png", "image/png", str(chart)),))


def _item(out: Outbound) -> OutboxItem:
    return OutboxItem(1, "k", "slack", CHANNEL, None, out.to_json(), 0, "pending")


def test_a_file_shared_after_its_text_takes_a_turn_in_the_channel_s_and_the_workspace_s_windows(
    tmp_path: Path,
) -> None:
    out = _with_chart(tmp_path)
    with FakeSlackAPI() as fake:
        limiter = RecordingLimiter(lambda: len(fake.calls))
        SlackSender(WebClient(token=fake.bot_token, base_url=fake.base_url), limiter).send(_item(out), out, None)
        methods = [c.method for c in fake.calls]
        files = fake.files()
    assert [f.channels for f in files] == [[CHANNEL]] and files[0].completed
    assert len(limiter.turns) == 2  # the text's and the file's
    text, shared = limiter.turns
    assert {f"slack-ch:{CHANNEL}", "slack"} <= set(text.keys) and {f"slack-ch:{CHANNEL}", "slack"} <= set(shared.keys)
    assert shared.patience == math.inf  # the text is out: the file waits for its turn, however long
    # The turn is taken for the completion, the call that shares the file into the channel, after the upload.
    assert methods[shared.mark] == "files.completeUploadExternal"
    assert "files.getUploadURLExternal" in methods[: shared.mark]


def test_a_429_on_the_file_s_sharing_is_held_for_the_whole_bot_and_the_file_goes_after_it(tmp_path: Path) -> None:
    out = _with_chart(tmp_path)
    with FakeSlackAPI() as fake:
        fake.fail_next("files.completeUploadExternal", 429, retry_after=7)
        limiter = RecordingLimiter()
        SlackSender(WebClient(token=fake.bot_token, base_url=fake.base_url), limiter).send(_item(out), out, None)
        files = fake.files()
        texts = fake.messages(CHANNEL)
    assert limiter.holds == [("slack", 7.0)]
    assert limiter.seconds >= 7.0  # waited out in the limiter's time, not slept through for real
    assert [m.get("text") for m in texts].count("Lägesbild vecka 47") == 1  # the text once
    assert [f.channels for f in files if f.completed] == [[CHANNEL]]  # the file once, after the hold


def test_a_429_on_a_later_message_of_a_document_is_a_hold_every_process_reads() -> None:
    doc = _long_document(areas=20)
    out = Outbound("Lägesbild Stora staden – vecka 47, 2026", kind="picture_preview", data={"document": doc.to_json()})
    with FakeSlackAPI() as fake:
        fake.fail_next("chat.postMessage", 429, retry_after=30, after=1)  # the first message goes, the second waits
        limiter = RecordingLimiter(lambda: len(fake.calls_to("chat.postMessage")))
        SlackSender(WebClient(token=fake.bot_token, base_url=fake.base_url), limiter).send(_item(out), out, None)
        messages = fake.messages(CHANNEL)
    assert limiter.holds == [("slack", 30.0)]  # the limiter's hold: every process's next turn waits it out
    assert limiter.seconds >= 30.0 and len(messages) >= 2
    assert [t.mark for t in limiter.turns][:3] == [0, 1, 2]  # the refused message took a turn again, after the hold
    with pytest.raises(Later) as held:  # while it lasts, another sender of the bot is told to wait
        limiter.seconds -= 20.0
        limiter.acquire("slack", slack_limits("C0OTHER"), 0.25)
    assert held.value.everyone


def test_a_429_on_the_file_s_upload_address_is_held_too_and_the_file_goes_once(tmp_path: Path) -> None:
    out = _with_chart(tmp_path)
    with FakeSlackAPI() as fake:
        fake.fail_next("files.getUploadURLExternal", 429, retry_after=3)
        limiter = RecordingLimiter()
        SlackSender(WebClient(token=fake.bot_token, base_url=fake.base_url), limiter).send(_item(out), out, None)
        files = fake.files()
    assert limiter.holds == [("slack", 3.0)] and limiter.seconds >= 3.0
    assert [f.channels for f in files if f.completed] == [[CHANNEL]]
