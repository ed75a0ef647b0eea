"""Start the Telegram edge inside `est-bot run`: long polling, the outbox drain, the command menu."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from telegram import BotCommand, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import Application

from bot.config import TelegramConfig
from bot.outbox import Dispatcher
from bot.text import t

log = logging.getLogger(__name__)

REPORTER_MENU = ("report_me", "edit", "pause", "language", "help")
COORDINATOR_MENU = (
    *REPORTER_MENU,
    "status",
    "remind",
    "open",
    "close",
    "picture",
    "finalize",
    "report",
    "reporter",
    "area",
    "observe",
    "priority",
    "actions",
    "review",
    "invite",
    "export",
    "followup",
)
# Telegram command names are a-z, 0-9 and _: the Swedish words without å, ä, ö where needed.
MENU_WORDS = {"report_me": "rapport", "edit": "andra", "pause": "ledig", "language": "sprak"}


def build_application(config: TelegramConfig, token: str) -> Application[Any, Any, Any, Any, Any, Any]:
    base = config.base_url.rstrip("/")
    file_base = base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base + "/file"
    return Application.builder().token(token).base_url(base).base_file_url(file_base).build()


async def set_menu(application: Application[Any, Any, Any, Any, Any, Any], coordinators: list[int]) -> None:
    """The command menu in Swedish (default) and English: reporters' commands for everyone, all commands in
    each coordinator's own chat. A server without the call only costs the menu, never the bot."""
    for lang in ("sv", "en"):
        code = None if lang == "sv" else lang

        def menu(names: tuple[str, ...], lang: str = lang) -> list[BotCommand]:
            return [BotCommand(MENU_WORDS.get(n, n), t(lang, f"menu.{n}")) for n in names]

        try:
            await application.bot.set_my_commands(menu(REPORTER_MENU), language_code=code)
            for chat_id in coordinators:
                await application.bot.set_my_commands(
                    menu(COORDINATOR_MENU), scope=BotCommandScopeChat(chat_id), language_code=code
                )
        except TelegramError:
            log.warning("setMyCommands (%s) failed; the bot works without the menu", lang, exc_info=True)


async def drain_forever(dispatcher: Dispatcher, every: float = 1.0, stop: Callable[[], bool] = lambda: False) -> None:
    while not stop():
        try:
            await asyncio.to_thread(dispatcher.drain, "telegram", 1000)
        except Exception:
            log.exception("draining the Telegram outbox failed; trying again")
        await asyncio.sleep(every)
