"""The Telegram edge inside `est-bot run` (`TelegramRunner`): the PTB application and its sender, the listeners
and their intake, the command menu, the webhook or (in the leader) long polling."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import Conflict, InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application

from bot.commands.parse import COMMANDS
from bot.commands.words import command_names, fold
from bot.config import TelegramConfig
from bot.engine import Engine
from bot.outbox import Dispatcher, Sender, drainer
from bot.ratelimit import Limiter
from bot.text import CATALOGUE, LANGUAGES, t
from handlers.telegram.edge import PLATFORM, TelegramSender
from handlers.telegram.listeners import TelegramListeners, register

log = logging.getLogger(__name__)

# The menus follow the commands' declared roles: everyone's commands for every chat, all of them in a
# coordinator's own chat; in the order of their words in the catalogue (`word.<name>`).
COORDINATOR_MENU: tuple[str, ...] = tuple(name for name in command_names() if name in COMMANDS)
REPORTER_MENU: tuple[str, ...] = tuple(name for name in COORDINATOR_MENU if COMMANDS[name].role is None)
# Telegram command names are a-z, 0-9 and _: the words without å, ä, ö.
MENU_NAME = re.compile(r"[a-z0-9_]{1,32}")


def menu_words(lang: str) -> dict[str, str]:
    """Each command's menu word in `lang`: its catalogue word (`word.<name>`, without å, ä, ö), or if an earlier
    command of the menu has that word, its first other word (`word.<name>.also`) that is free."""
    chosen: dict[str, str] = {}
    for name in COORDINATOR_MENU:
        also = CATALOGUE.get(f"word.{name}.also", {}).get(lang, "").split()
        candidates = [fold(w) for w in (t(lang, f"word.{name}"), *also)] + [name]
        taken = set(chosen.values())
        chosen[name] = next(w for w in candidates if MENU_NAME.fullmatch(w) and w not in taken)
    return chosen


# Each language's menu shows its own words (bot.commands.words.ALIASES takes them).
MENU_WORDS: dict[str, dict[str, str]] = {lang: menu_words(lang) for lang in LANGUAGES}


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
    application: Application[Any, Any, Any, Any, Any, Any],
    listeners: TelegramListeners,
    timeout: int = 30,
    stop: Callable[[], bool] = lambda: False,
) -> None:
    """Long polling that confirms updates to Telegram only after they were handled.

    PTB's own Updater asks for the next batch (which tells Telegram the last one arrived) while the last one is
    still being handled, so a process killed in between loses those updates. Here each batch of updates goes
    to the intake (`process_update` runs the listener, which queues the update), and `offset` moves past the
    batch only once the intake has handled all of it, i.e. after their units of work committed: a crash
    before that makes Telegram deliver them again, and a crash after the commit but before the next poll
    delivers duplicates that the core drops by their update id (`processed_events`). The batch is handled as
    one where it can (bot/intake.py). Network faults, 5xx, 429 and a 409 (another poller, e.g. a leader that
    has not noticed it lost the lock) are waited out with backoff, never fatal."""
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
        if updates:
            await listeners.handled()
            offset = updates[-1].update_id + 1


class TelegramRunner:
    """Telegram in `est-bot run`. Made inside the running event loop (the sender runs its Bot API calls on it)."""

    name = "Telegram"
    platform = PLATFORM
    secret = "EST_TELEGRAM_TOKEN"

    def __init__(
        self,
        config: TelegramConfig,
        token: str,
        webhook_secret: str | None,
        coordinators: list[int],
        limiter: Limiter | None = None,
    ) -> None:
        self.config = config
        self.webhook_secret = webhook_secret
        self.coordinators = coordinators
        self.application = build_application(config, token)
        self._sender = TelegramSender(self.application, asyncio.get_running_loop(), limiter=limiter)
        self.listeners: TelegramListeners | None = None
        self._ready = asyncio.Event()
        self._polling: asyncio.Task[None] | None = None

    @property
    def sender(self) -> Sender:
        return self._sender

    @property
    def webhook(self) -> bool:
        return self.config.mode == "webhook"

    def refused(self, exc: BaseException) -> bool:
        return credentials_refused(exc)

    async def start(self, engine: Engine, dispatcher: Dispatcher) -> None:
        # Each step may be tried again after a failure: initialize() is done once it succeeded, the listeners
        # are made once, and the application and the webhook are started only if they do not run yet.
        tg = self.application
        assert tg.updater is not None
        await tg.initialize()
        if self.listeners is None:  # after initialize(): the intake's sender sends from now on
            self.listeners = TelegramListeners(engine, drainer(dispatcher, PLATFORM))
            register(tg, self.listeners)
        await set_menu(tg, self.coordinators)
        if not tg.running:
            await tg.start()
        if self.webhook and not tg.updater.running:
            # PTB answers a request without the right X-Telegram-Bot-Api-Secret-Token with 403.
            url = self.config.webhook_url or ""
            path = url.split("://", 1)[1].partition("/")[2]
            await tg.updater.start_webhook(
                listen=self.config.listen,
                port=self.config.port,
                url_path=path,
                webhook_url=url,
                secret_token=self.webhook_secret,
            )
        self._ready.set()

    async def lead(self) -> None:
        # In polling mode the leader is the one process that asks Telegram for updates (Telegram allows one
        # getUpdates caller).
        if not self.webhook and self._polling is None:
            self._polling = asyncio.create_task(self._poll_when_ready())

    async def _poll_when_ready(self) -> None:
        await self._ready.wait()
        assert self.listeners is not None
        await poll_forever(self.application, self.listeners)

    async def step_down(self) -> None:
        polling, self._polling = self._polling, None
        if polling is not None:
            polling.cancel()
            await asyncio.gather(polling, return_exceptions=True)

    async def stop(self) -> None:
        await self.step_down()
        tg = self.application
        if tg.updater is not None and tg.updater.running:
            await tg.updater.stop()
        if self.listeners is not None:
            await self.listeners.settle(timeout=10.0)  # let acknowledged work finish
            await asyncio.to_thread(self.listeners.close)

    async def close(self) -> None:
        tg = self.application
        if tg.running:
            await tg.stop()
        await tg.shutdown()
