"""The commands of a person's own data and `forget NAME` (bot.usecases.privacy).

Each command is a frozen dataclass declaring its word and role, next to the parser that makes it from words
(`@parses`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.types import Args, Command, ParseError, parses
from bot.conversation.messages import Inbound


@dataclass(frozen=True)
class MyData(Command):
    name = "mydata"


@dataclass(frozen=True)
class Forget(Command):
    name = "forget"
    role = "coordinator"
    person: str


@parses(MyData)
def _mydata(args: Args, inbound: Inbound) -> Command | ParseError:
    return MyData()


@parses(Forget)
def _forget(args: Args, inbound: Inbound) -> Command | ParseError:
    name = " ".join(args).strip()
    return Forget(name) if name else ParseError.usage("forget.usage", Forget)
