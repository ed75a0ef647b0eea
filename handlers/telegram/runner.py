"""Start the Telegram edge inside `est-bot run`: long polling, the outbox drain, the command menu."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from telegram import BotCommand
from telegram.error import TelegramError
from telegram.ext import Application

from bot.config import TelegramConfig
from bot.outbox import Dispatcher
from bot.text import t

log = logging.getLogger(__name__)

MENU = ("report_me", "edit", "status", "remind", "picture", "finalize", "report", "actions", "help")
MENU_WORDS = {"report_me": "rapport", "edit": "andra"}


def build_application(config: TelegramConfig, token: str) -> Application[Any, Any, Any, Any, Any, Any]:
    base = config.base_url.rstrip("/")
    file_base = base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base + "/file"
    return Application.builder().token(token).base_url(base).base_file_url(file_base).build()


async def set_menu(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The command menu in Swedish (default) and English; a server without it only costs the menu."""
    for lang in ("sv", "en"):
        commands = [
            BotCommand(
                "rapport" if name == "report_me" else "andra" if name == "edit" else name, t(lang, f"menu.{name}")
            )
            for name in MENU
        ]
        try:
            await application.bot.set_my_commands(commands, language_code=None if lang == "sv" else lang)
        except TelegramError:
            log.warning("setMyCommands (%s) failed; the bot works without the menu", lang, exc_info=True)


async def drain_forever(dispatcher: Dispatcher, every: float = 1.0, stop: Callable[[], bool] = lambda: False) -> None:
    while not stop():
        try:
            await asyncio.to_thread(dispatcher.drain, "telegram", 1000)
        except Exception:
            log.exception("draining the Telegram outbox failed; trying again")
        await asyncio.sleep(every)
