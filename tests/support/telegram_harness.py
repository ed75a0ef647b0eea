"""The Telegram edge on a test's own database: the real python-telegram-bot Application against the stand-in Bot
API, updates handed to the listeners as PTB does, replies drained. `run_edge` gives a test an `Edge` to speak
through."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.bootstrap import App, build
from bot.clock import ManualClock
from bot.outbox import drainer
from bot.ratelimit import RateLimiter
from handlers.telegram.edge import TelegramSender
from handlers.telegram.listeners import TelegramListeners, register
from standins.telegram_api import FakeClock, FakeTelegramAPI
from tests.conftest import TUE_OPEN, group_dict, make_config

ANNA, SARA, KIM, MEETING, BROADCAST = 42, 43, 44, -1001000000001, -1001000000002


class Edge:
    def __init__(
        self,
        fake: FakeTelegramAPI,
        app: App,
        tg: Application[Any, Any, Any, Any, Any, Any],
        listeners: TelegramListeners,
    ) -> None:
        self.fake, self.app, self.tg, self.listeners = fake, app, tg, listeners

    async def process(self, update: dict[str, Any]) -> None:
        """Hand an update to the listener as PTB does, and wait until the intake has handled it and sent the
        replies."""
        await self.tg.process_update(Update.de_json(update, self.tg.bot))
        assert await self.listeners.settle()

    async def feed(self, update: dict[str, Any]) -> None:
        await self.process(self.fake.push_update(update))

    async def tick(self) -> None:
        await asyncio.to_thread(self.app.services.tick)
        await asyncio.to_thread(self.app.dispatcher.drain, "telegram", 1000)

    def last(self, chat: int) -> dict[str, Any]:
        sent = self.fake.sent_to(chat)
        assert sent, f"nothing sent to {chat}"
        current = self.fake.message(chat, sent[-1]["message_id"])
        assert current is not None
        return current

    async def press(self, user: int, chat: int, label: str) -> None:
        msg = self.last(chat)
        for row in msg.get("reply_markup", {}).get("inline_keyboard", []):
            for button in row:
                if label in button["text"] or button["callback_data"].endswith(label):
                    await self.feed(self.fake.callback_update(user, chat, msg["message_id"], button["callback_data"]))
                    return
        raise AssertionError(f"{label!r} not on {msg.get('reply_markup')}")


def run_edge(tmp_path: Path, body: Callable[[Edge], Awaitable[None]]) -> FakeTelegramAPI:
    g = group_dict()
    ids = {"Anna Andersson": ANNA, "Sara Samordnare": SARA, "Kim Polis": KIM}
    for r in g["reporters"]:
        if r["name"] in ids:
            r["telegram"] = ids[r["name"]]
    g["channels"] = {"meeting": {"telegram": MEETING}, "broadcast": {"telegram": BROADCAST}}
    cfg = make_config(f"sqlite:///{tmp_path / 'tg.sqlite'}", reporters=g["reporters"], channels=g["channels"])

    with FakeTelegramAPI() as fake:

        async def main() -> None:
            tg = (
                Application.builder()
                .token(fake.token)
                .base_url(fake.base_url)
                .base_file_url(fake.base_file_url)
                .build()
            )
            await tg.initialize()
            paced = FakeClock()  # the sender's pacing waits on this clock, never for real
            sender = TelegramSender(tg, asyncio.get_running_loop(), limiter=RateLimiter(paced, paced.advance, math.inf))
            app = build(cfg, clock=ManualClock(TUE_OPEN), senders={"telegram": sender})
            # No periodic drain: the tests drain themselves, or settle after an update (handled, replies sent).
            listeners = TelegramListeners(app.core, drainer(app.dispatcher, "telegram"), drain_every=None)
            register(tg, listeners)
            try:
                await body(Edge(fake, app, tg, listeners))
            finally:
                await asyncio.to_thread(listeners.close)
                app.close()
                await tg.shutdown()

        asyncio.run(main())
        fake.assert_no_errors()
        return fake
