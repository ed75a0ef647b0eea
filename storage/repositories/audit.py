"""The audit log, and which platform events were already handled."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from bot.domain.masking import mask_data, mask_personal_data
from storage.models import AuditRow, ProcessedEventRow
from storage.repositories.base import SqlRepository
from storage.repositories.statements import mark_processed_many


class SqlAudit(SqlRepository):
    """Audit entries and processed events."""

    def mark_event_processed(self, platform: str, event_id: str, now: datetime) -> bool:
        """Whether this is the first delivery of the event (recorded now; a batch recorded its events already)."""
        row = self._core(mark_processed_many(1), {"p0": platform, "e0": event_id, "at": now}).first()
        return row is not None

    def audit(self, now: datetime, group_id: str, actor: str, action: str, detail: dict[str, Any]) -> None:
        # Masked here, where every audit entry is made: a detail may quote what a coordinator typed.
        detail = mask_data(detail)
        self.s.add(AuditRow(at=now, group_id=group_id, actor=mask_personal_data(actor), action=action, detail=detail))

    def audit_log(
        self, group_id: str | None = None, limit: int = 100
    ) -> list[tuple[datetime, str, str, str, dict[str, Any]]]:
        q = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        if group_id:
            q = q.where(AuditRow.group_id == group_id)
        return [(r.at, r.group_id, r.actor, r.action, r.detail) for r in self.s.scalars(q)]

    def prune_processed_events(self, before: datetime) -> None:
        self.s.execute(delete(ProcessedEventRow).where(ProcessedEventRow.at < before))
