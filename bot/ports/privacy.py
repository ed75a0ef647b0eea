"""What the core needs for personal data: retention, erasure and a person's own copy."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.domain.cycle import RoundKey
from bot.domain.export import PersonExport


class Privacy(Protocol):
    """Retention, erasure and export of personal data."""

    def purge_notes(self, group_id: str, before: RoundKey, before_time: datetime) -> dict[str, int]:
        """Retention: delete reporters' free text (notes, the "anything more" text, saved questionnaires) of
        the group's rounds before week `before`, and sent or parked messages queued before `before_time` (their
        texts quote notes), and the names of places only those weeks named that no coordinator approved. Levels,
        approved places, actions and the rounds themselves stay. Idempotent."""

    def forget_person(self, person_id: int, placeholder: str, redacted: str = "[…]") -> dict[str, int]:
        """Erase a person's identity: name, organisation, chat accounts, invitations, area links, own notes and
        saved questionnaires, messages to them, their name in observations and the audit log. Their notes are
        also cut out of every queued or sent message to others that quotes them (review lists, pictures, reports),
        replaced by `redacted`, and places only they named that no coordinator approved are deleted. Their
        levels stay, linked to a nameless row, so the weekly numbers do not change."""

    def person_export(self, person_id: int) -> PersonExport:
        """Everything stored about one person, for their own copy (a subject access request)."""
