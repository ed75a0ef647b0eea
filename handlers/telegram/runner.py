"""Start the Telegram edge inside `est-bot run`: long polling, the outbox drain, the command menu."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import Conflict, InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application

from bot.config import TelegramConfig
from bot.text import t

log = logging.getLogger(__name__)

REPORTER_MENU = ("report_me", "edit", "pause", "language", "mydata", "start", "help")
COORDINATOR_MENU = (
    *REPORTER_MENU,
    "status",
    "remind",
    "open",
    "close",
    "draft",
    "picture",
    "finalize",
    "publish",
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
    "stats",
    "forget",
)
# Each language's menu shows its own words (bot.commands.ALIASES takes them). Telegram command names are a-z,
# 0-9 and _: the Swedish words without å, ä, ö.
MENU_WORDS: dict[str, dict[str, str]] = {
    "sv": {
        "report_me": "rapport",
        "edit": "andra",
        "pause": "ledig",
        "language": "sprak",
        "mydata": "minadata",
        "help": "hjalp",
        "remind": "paminn",
        "open": "oppna",
        "close": "stang",
        "draft": "utkast",
        "picture": "lagesbild",
        "finalize": "faststall",
        "publish": "publicera",
        "report": "veckorapport",
        "reporter": "rapportor",
        "area": "omrade",
        "observe": "observera",
        "priority": "prioritet",
        "actions": "atgarder",
        "review": "granska",
        "invite": "bjud",
        "export": "exportera",
        "followup": "uppfoljning",
        "stats": "statistik",
        "forget": "radera",
    },
    "en": {"report_me": "report", "report": "weeklyreport"},
}


def credentials_refused(exc: BaseException) -> bool:
    """Telegram answered, and refused the token (PTB raises InvalidToken for a 401 or 404 on getMe)."""
    return isinstance(exc, InvalidToken)


def menu_word(lang: str, name: str) -> str:
    """The command a person of `lang` taps in the menu for the command `name`."""
    return MENU_WORDS[lang].get(name, name)


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
            return [BotCommand(menu_word(lang, n), t(lang, f"menu.{n}")) for n in names]

        try:
            await application.bot.set_my_commands(menu(REPORTER_MENU), language_code=code)
            for chat_id in coordinators:
                await application.bot.set_my_commands(
                    menu(COORDINATOR_MENU), scope=BotCommandScopeChat(chat_id), language_code=code
                )
        except TelegramError:
            log.warning("setMyCommands (%s) failed; the bot works without the menu", lang, exc_info=True)


async def poll_forever(
    application: Application[Any, Any, Any, Any, Any, Any], timeout: int = 30, stop: Callable[[], bool] = lambda: False
) -> None:
    """Long polling that confirms an update to Telegram only after it was handled.

    PTB's own Updater asks for the next batch (which tells Telegram the last one arrived) while the last one is
    still being handled, so a process killed in between loses those updates. Here `offset` moves past an update
    only after `process_update` returned, i.e. after its unit of work committed: a crash before that makes
    Telegram deliver it again, and a crash after the commit but before the next poll delivers a duplicate that
    the services drop by its update id (`processed_events`). Network faults, 5xx, 429 and a 409 (another
    poller, e.g. a leader that has not noticed it lost the lock) are waited out with backoff, never fatal."""
    bot = application.bot
    offset: int | None = None
    delay = 1.0
    webhook_deleted = False
    while not stop():
        try:
            if not webhook_deleted:  # getUpdates answers 409 while a webhook is set
                webhook_deleted = await bot.delete_webhook(drop_pending_updates=False)
            updates = await bot.get_updates(offset=offset, timeout=timeout, allowed_updates=Update.ALL_TYPES)
        except RetryAfter as exc:
            wait = exc.retry_after
            await asyncio.sleep(wait if isinstance(wait, int | float) else wait.total_seconds())
            continue
        except InvalidToken:
            log.error("Telegram refuses the token (EST_TELEGRAM_TOKEN); polling again in 60 s")
            await asyncio.sleep(60)
            continue
        except (Conflict, TelegramError) as exc:
            log.warning("getUpdates failed (%s); polling again in %.0f s", exc, delay)
            await asyncio.sleep(delay)
            delay = min(60.0, delay * 2)
            continue
        delay = 1.0
        for update in updates:
            await application.process_update(update)
            offset = update.update_id + 1
