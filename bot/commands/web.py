"""The web view's command: `webb` (English `web`), a personal sign-in link (bot.usecases.web)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.types import Args, Command, ParseError, parses
from bot.conversation.messages import Inbound


@dataclass(frozen=True)
class WebLink(Command):
    """A one-time link that signs the asker in to the web view; anyone the bot knows may ask."""

    name = "web"


@parses(WebLink)
def _web(args: Args, inbound: Inbound) -> Command | ParseError:
    return WebLink()
