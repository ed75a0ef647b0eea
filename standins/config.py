"""What tests and benchmarks both build on: the moment a week opens, the small test group, and a console sender
that records what the bot sent instead of sending it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.conversation.messages import Outbound
from bot.domain.model import OutboxItem

# Tuesday 2026-11-17 08:00 Stockholm (07:00 UTC) opens week 47.
TUE_OPEN = datetime(2026, 11, 17, 7, 0, tzinfo=UTC)


def group_dict(**over: Any) -> dict[str, Any]:
    """The test group as the config file's table: two areas, three reporters, a coordinator and a participant."""
    g: dict[str, Any] = {
        "id": "tbg",
        "name": "Tryggare Trelleborg",
        "timezone": "Europe/Stockholm",
        "areas": [
            {"code": "centrum", "name": "Centrum", "places": ["Stortorget", "Resecentrum"]},
            {"code": "norr", "name": "Norr", "places": ["Norrskolan"]},
        ],
        "reporters": [
            {"name": "Anna Andersson", "organisation": "Trygghetsvärdar", "areas": ["centrum"], "console": "anna"},
            {"name": "Bo Berg", "organisation": "Bostadsbolaget", "areas": ["centrum", "norr"], "console": "bo"},
            {"name": "Cecilia Ek", "organisation": "Skolan", "areas": ["norr"], "console": "cecilia", "language": "en"},
            {"name": "Sara Samordnare", "organisation": "Säkerhetsenheten", "role": "coordinator", "console": "sara"},
            {"name": "Kim Polis", "organisation": "Polisen", "role": "participant", "console": "kim"},
        ],
        "channels": {"meeting": {"console": "möte"}, "broadcast": {"console": "rapport"}},
    }
    g.update(over)
    return g


class RecordingSender:
    """A sender for one platform that keeps every message it is given and answers with a message id."""

    platform = "console"

    def __init__(self) -> None:
        self.sent: list[tuple[OutboxItem, Outbound, str | None]] = []

    def send(self, item: OutboxItem, out: Outbound, message_id: str | None) -> str | None:
        self.sent.append((item, out, message_id))
        return message_id or f"m{len(self.sent)}"

    def to(self, address: str) -> list[Outbound]:
        return [o for i, o, _ in self.sent if i.address == address]
