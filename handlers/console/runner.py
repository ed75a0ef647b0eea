"""The console edge of `est-bot chat`: its sender, and its intake (bot/intake.py), the same way in as Slack's and
Telegram's. One person types one line after another, so each line is handed over and worked through (handled,
its replies printed) before the next prompt."""

from __future__ import annotations

import logging
from typing import TextIO

from bot.conversation.messages import Inbound
from bot.engine import Engine
from bot.intake import Intake
from bot.outbox import Dispatcher
from handlers.console.edge import ConsoleSender

log = logging.getLogger(__name__)

PLATFORM = "console"
#: The intake lane for commands, as on the chat platforms.
COMMANDS = 1


class ConsoleRunner:
    name = "console"
    platform = PLATFORM

    def __init__(self, stream: TextIO, show_address: bool = False) -> None:
        self.sender = ConsoleSender(stream, show_address)
        self.address: str | None = None  # the person at the terminal, once known: only their messages print
        self._dispatcher: Dispatcher | None = None
        self._intake: Intake | None = None

    def start(self, engine: Engine, dispatcher: Dispatcher) -> None:
        self._dispatcher = dispatcher
        # No periodic drain: what the person's lines queue is printed before the next prompt.
        self._intake = Intake(engine.handle, self.drain, "console", every=None, handle_many=engine.handle_many)

    def drain(self) -> int:
        """Print what is due for the person at the terminal."""
        if self._dispatcher is None or self.address is None:
            return 0
        return self._dispatcher.drain(PLATFORM, address=self.address)

    def submit(self, inbound: Inbound, timeout: float = 600.0) -> None:
        """Hand one typed line to the intake and wait until it is handled and its replies printed."""
        assert self._intake is not None, "start() first"
        self._intake.submit([inbound], COMMANDS if inbound.kind == "command" else 0)
        while not self._intake.wait(timeout):  # a long command (a year's report): say so, and keep waiting
            log.warning("still handling the last line after %.0f s; its answer is printed when it is ready", timeout)

    def stop(self) -> None:
        if self._intake is not None:
            self._intake.close()
