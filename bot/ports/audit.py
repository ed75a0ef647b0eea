"""What the core needs of the audit log and of events already handled."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol


class Audit(Protocol):
    """Audit entries, and which platform events were handled."""

    def mark_event_processed(self, platform: str, event_id: str, now: datetime) -> bool:
        """Whether this is the first delivery of the event (recorded now, or by `begin_batch`)."""

    def audit(self, now: datetime, group_id: str, actor: str, action: str, detail: dict[str, Any]) -> None: ...

    def audit_log(
        self, group_id: str | None = None, limit: int = 100
    ) -> list[tuple[datetime, str, str, str, dict[str, Any]]]: ...
