"""What the chat edges (handlers/) speak to: one narrow engine interface, and the runner each platform offers the
composition root (`est-bot run`).

The edges never reach storage or the use cases: they turn a platform's payloads into `Inbound`s, hand them to
the intake (bot/intake.py, which calls `Engine.handle` and `Engine.handle_many`), and ask the engine the few
things a payload cannot say by itself (which message a reaction is on, a person's language, who is at the
console). bootstrap.CoreEngine is the implementation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.conversation.messages import Inbound
from bot.domain.model import Person
from bot.outbox import Dispatcher, Sender


@dataclass(frozen=True)
class ConsoleUser:
    """The person at `est-bot chat`: who they are, their console address and their group's name."""

    person: Person
    address: str
    group_name: str


class Engine(Protocol):
    """The core as the edges see it."""

    @property
    def language(self) -> str:
        """The language of whoever the core knows nothing about (the first group's)."""
        ...

    def handle(self, inbound: Inbound) -> object:
        """One incoming event in a unit of work of its own (failures are logged and answered, never raised)."""
        ...

    def handle_many(self, inbounds: Sequence[Inbound], pause: Callable[[], object]) -> object:
        """Events that arrived together, in one unit of work where that is safe; `pause` between events."""
        ...

    def message_ref(self, platform: str, address: str, message_id: str) -> str | None:
        """The ref of a message the bot sent there, None for any other message."""
        ...

    def language_of(self, platform: str, account: str) -> str | None:
        """The language of the person behind a platform account, None for a stranger."""
        ...

    def show_pending(self, platform: str, address: str) -> bool:
        """Queue a person's waiting question again as a new message; whether one was waiting."""
        ...

    def tick(self) -> object:
        """Run the schedule's due steps now (the console has no scheduler of its own)."""
        ...

    def console_user(self, who: str) -> ConsoleUser | None:
        """The person `who` names (console id, full name or configured first name), given a console id if they
        had none; None when nobody is called that."""
        ...

    def console_names(self) -> list[str]:
        """Everyone who can chat, as "Name (console id)"."""
        ...


class Runner(Protocol):
    """A platform inside `est-bot run`: its sender exists from the start (the outbox needs it), its listeners
    start once the core is built, and it may be asked to do the leader's share (polling)."""

    name: str  # for people: "Telegram"
    platform: str  # the outbox's platform
    secret: str  # the setting(s) to check when the platform refuses the credentials

    @property
    def sender(self) -> Sender: ...

    def refused(self, exc: BaseException) -> bool:
        """Whether the platform answered and refused the credentials (no retry mends that)."""
        ...

    async def start(self, engine: Engine, dispatcher: Dispatcher) -> None:
        """Connect and start taking events; may be tried again after a failure."""
        ...

    async def lead(self) -> None:
        """This process became the leader."""
        ...

    async def step_down(self) -> None:
        """This process is no longer the leader."""
        ...

    async def stop(self) -> None:
        """Take no more events and work through the acknowledged ones (before the outbox closes)."""
        ...

    async def close(self) -> None:
        """Release the platform's client (after the outbox closed)."""
        ...
