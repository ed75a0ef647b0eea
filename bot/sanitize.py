"""What no platform may hand the core: NUL characters (PostgreSQL refuses them in text, and no person means one).

Free text is cleaned field by field (bot/domain/masking.py `clean_text`); this guard runs on every incoming event
first, so that words used only to look something up (a name to pause or forget, an invitation code) never reach
the database with a NUL in them.
"""

from __future__ import annotations

from dataclasses import replace

from bot.conversation.messages import Inbound


def without_nul(inbound: Inbound) -> Inbound:
    if not any("\x00" in v for v in (inbound.text, inbound.choice, inbound.command, inbound.sender, *inbound.args)):
        return inbound
    return replace(
        inbound,
        text=inbound.text.replace("\x00", ""),
        choice=inbound.choice.replace("\x00", ""),
        command=inbound.command.replace("\x00", ""),
        sender=inbound.sender.replace("\x00", ""),
        args=tuple(a for a in (x.replace("\x00", "") for x in inbound.args) if a),
    )
