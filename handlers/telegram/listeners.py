"""The Telegram listener: every update the bot takes goes to the intake (bot/intake.py), as Slack's do.

The listener queues the update's event first and then stops the button's spinner, so handling starts while
Telegram is being answered. PTB hands the listener one update after another, so one person's updates reach the
intake in the order Telegram sent them; commands go to a lane of their own (a slow report never holds up the
questionnaire's presses), and presses that queue up while the intake is busy are handled together.

Long polling confirms an update to Telegram (the next `offset`) only once the intake has handled it
(`handled`): a process killed before that gets it again, and a repeat is dropped by its update id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.engine import Engine
from bot.intake import Intake
from handlers.telegram.edge import update_to_inbound

log = logging.getLogger(__name__)
#: The intake lane for commands: a slow command never holds up button presses.
COMMANDS = 1


class TelegramListeners:
    def __init__(self, engine: Engine, drain: Callable[[], int], drain_every: float | None = 1.0) -> None:
        self.intake = Intake(engine.handle, drain, "telegram", every=drain_every, handle_many=engine.handle_many)

    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        inbound = update_to_inbound(update)
        if inbound is not None:
            try:
                self.intake.submit([inbound], COMMANDS if inbound.kind == "command" else 0)
            except RuntimeError:  # the intake is closed: the process is stopping
                log.warning("Telegram update %s came after the intake closed; it is dropped", update.update_id)
        if update.callback_query is not None:
            try:
                await update.callback_query.answer()  # stop the button's spinner
            except TelegramError as exc:
                # A query delivered again after a restart is "too old" to answer; the press still counts.
                log.info("callback query not answered (%s); handling the press anyway", exc)

    @property
    def busy(self) -> int:
        return self.intake.busy

    async def handled(self, timeout: float | None = None) -> bool:
        """Wait until every update taken so far is handled (committed); see Intake.handled."""
        return await self.intake.handled(timeout)

    async def settle(self, timeout: float = 30.0) -> bool:
        """Wait until every update taken so far is handled and its replies drained (shutdown, and tests)."""
        return await self.intake.settle(timeout)

    def close(self) -> None:
        self.intake.close()


def register(application: Application[Any, Any, Any, Any, Any, Any], listeners: TelegramListeners) -> None:
    """One listener for every kind of update the bot takes."""
    application.add_handler(CallbackQueryHandler(listeners.on_update))
    application.add_handler(MessageHandler(filters.TEXT | filters.COMMAND | filters.LOCATION, listeners.on_update))
