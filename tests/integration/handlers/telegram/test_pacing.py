"""Telegram's sender and the bot's pacing (bot/ports/pacing.py): a 429 met on any later part of a message (a
document's next page, a photo after its text) becomes a hold that every process reads, and the part is sent once
after it; a limiter whose database is gone costs a later part no more than a local wait. Real python-telegram-bot
against the stand-in Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from telegram.ext import Application

from bot.conversation.document import Document, Heading, Paragraph
from bot.conversation.messages import Attachment, Outbound
from bot.domain.model import OutboxItem
from handlers.telegram.edge import TelegramSender
from standins.telegram_api import FakeTelegramAPI
from tests.support.pacing import RecordingLimiter

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*")
CHAT = 42


def _document() -> Outbound:
    """A document of three pages (each paragraph nearly a message)."""
    parts = tuple(p for n in range(3) for p in (Heading(f"Del {n}"), Paragraph(f"{n} " + "ord " * 900)))
    doc = Document("Lägesbild vecka 47", parts)
    return Outbound("Lägesbild vecka 47", kind="picture_preview", data={"document": doc.to_json()})


def _send(fake: FakeTelegramAPI, limiter: RecordingLimiter, out: Outbound) -> str | None:
    async def main() -> str | None:
        tg = Application.builder().token(fake.token).base_url(fake.base_url).build()
        await tg.initialize()
        try:
            sender = TelegramSender(tg, asyncio.get_running_loop(), limiter=limiter)
            item = OutboxItem(1, "k", "telegram", str(CHAT), None, out.to_json(), 0, "pending")
            return await asyncio.to_thread(sender.send, item, out, None)
        finally:
            await tg.shutdown()

    return asyncio.run(main())


def _pages(fake: FakeTelegramAPI) -> Callable[[], int]:
    return lambda: len(fake.calls_to("sendMessage"))


def test_a_429_on_a_later_page_is_a_hold_every_process_reads_and_the_page_goes_once_after_it() -> None:
    with FakeTelegramAPI() as fake:
        fake.fail_next("sendMessage", 429, retry_after=9, after=1)  # the first page goes, the second is refused
        limiter = RecordingLimiter(_pages(fake))
        _send(fake, limiter, _document())
        texts = fake.texts_to(CHAT)
    assert limiter.holds == [("telegram", 9.0)]  # the limiter's hold: every process's next turn waits it out
    assert limiter.seconds >= 9.0  # waited out in the limiter's time
    assert len(texts) == 3 and sum(t.startswith("Lägesbild vecka 47") for t in texts) == 1
    assert [t.mark for t in limiter.turns] == [0, 1, 2, 3]  # the refused page asked for a turn again


def test_a_429_on_a_photo_after_its_text_is_held_and_the_photo_goes_after_it(tmp_path: Path) -> None:
    chart = tmp_path / "karta.png"
    chart.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    out = Outbound("Lägesbild vecka 47", attachments=(Attachment("karta.png", "image/png", str(chart)),))
    with FakeTelegramAPI() as fake:
        fake.fail_next("sendPhoto", 429, retry_after=4)
        limiter = RecordingLimiter()
        _send(fake, limiter, out)
        photos = [c for c in fake.calls_to("sendPhoto") if c.status == 200]
        texts = fake.texts_to(CHAT)
    assert limiter.holds == [("telegram", 4.0)] and limiter.seconds >= 4.0
    assert len(photos) == 1 and texts.count("Lägesbild vecka 47") == 1


def test_a_limiter_whose_database_is_gone_costs_a_later_page_a_local_wait_not_a_repeat(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slept: list[float] = []
    monkeypatch.setattr("bot.ratelimit.time", SimpleNamespace(sleep=slept.append))  # no real sleep
    with FakeTelegramAPI() as fake:
        limiter = RecordingLimiter(_pages(fake))
        calls = _pages(fake)

        def down_after_the_first() -> int:
            limiter.down = calls() >= 1  # the database goes once the first page is out
            return calls()

        limiter.marker = down_after_the_first
        _send(fake, limiter, _document())
        texts = fake.texts_to(CHAT)
    assert len(texts) == 3 and sum(t.startswith("Lägesbild vecka 47") for t in texts) == 1
    assert slept == [1.0, 1.0]  # each later page waited the chat's second here instead
