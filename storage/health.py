"""The monitoring's reads (the `Health` port of bot/ports/health.py): a few grouped queries at scrape time, and
readiness. Counts, rates and times only: nothing personal leaves here."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select, text

from bot.ports.health import HealthSnapshot, OutboxCount, PhaseRuns, RoundRate
from storage.models import AuditRow, OutboxRow, ResponseRow, RoundRow

log = logging.getLogger(__name__)

#: The outbox's stored status as the metrics name it.
_STATUS = {"pending": "queued", "parked": "parked", "sent": "sent"}
_PHASE = "phase:"  # the audit action of a phase step (bot/usecases/cycle.py `transition`)


class SqlHealth:
    """`platforms`: those whose waiting messages make the process not ready, the ones this installation sends by
    (bot/cli_metrics.py passes the enabled slack/telegram/email; the console's rows, from trying `est-bot chat`,
    are never sent by `est-bot run` and must not count)."""

    def __init__(self, engine: Engine, leader_exists: Callable[[], bool], platforms: Collection[str]) -> None:
        self.engine = engine
        self.leader_exists = leader_exists
        self.platforms = tuple(platforms)

    def snapshot(self) -> HealthSnapshot:
        with self.engine.connect() as conn:
            outbox = tuple(
                OutboxCount(platform, _STATUS.get(status, status), int(n))
                for platform, status, n in conn.execute(
                    select(OutboxRow.platform, OutboxRow.status, func.count())
                    .group_by(OutboxRow.platform, OutboxRow.status)
                    .order_by(OutboxRow.platform, OutboxRow.status)
                )
            )
            answers = tuple(
                (group, int(n))
                for group, n in conn.execute(
                    select(RoundRow.group_id, func.count())
                    .join(ResponseRow, ResponseRow.round_id == RoundRow.id)
                    .where(ResponseRow.status == "submitted")
                    .group_by(RoundRow.group_id)
                    .order_by(RoundRow.group_id)
                )
            )
            # Each group's current round: its latest that has opened.
            current = select(func.max(RoundRow.id)).where(RoundRow.phase != "planned").group_by(RoundRow.group_id)
            rounds = tuple(
                RoundRate(group, f"{year}-W{week:02d}", int(asked), int(answered or 0))
                for group, year, week, asked, answered in conn.execute(
                    select(
                        RoundRow.group_id,
                        RoundRow.year,
                        RoundRow.week,
                        func.count(ResponseRow.id),
                        func.count(ResponseRow.id).filter(ResponseRow.status == "submitted"),
                    )
                    .outerjoin(ResponseRow, ResponseRow.round_id == RoundRow.id)
                    .where(RoundRow.id.in_(current))
                    .group_by(RoundRow.id, RoundRow.group_id, RoundRow.year, RoundRow.week)
                    .order_by(RoundRow.group_id)
                )
            )
            phases = tuple(
                PhaseRuns(group, action.removeprefix(_PHASE), int(n), last)
                for group, action, n, last in conn.execute(
                    select(AuditRow.group_id, AuditRow.action, func.count(), func.max(AuditRow.at))
                    .where(AuditRow.action.startswith(_PHASE))
                    .group_by(AuditRow.group_id, AuditRow.action)
                    .order_by(AuditRow.group_id, AuditRow.action)
                )
            )
        return HealthSnapshot(outbox, answers, rounds, phases)

    def not_ready(self, now: datetime, max_wait_minutes: int) -> str | None:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
                # A row is due from when it is queued; retries move its next attempt, not how long it waited.
                oldest = (
                    conn.execute(
                        select(func.min(OutboxRow.created_at)).where(
                            OutboxRow.status == "pending",
                            OutboxRow.created_at <= now,
                            OutboxRow.platform.in_(self.platforms),
                        )
                    ).scalar()
                    if self.platforms
                    else None
                )
        except Exception as exc:
            log.warning("readiness: the database did not answer: %s", type(exc).__name__)
            return "the database does not answer"
        if oldest is not None and now - oldest > timedelta(minutes=max_wait_minutes):
            waited = int((now - oldest).total_seconds() // 60)
            return f"a message has waited {waited} minutes to be sent (limit {max_wait_minutes})"
        try:
            led = self.leader_exists()
        except Exception as exc:
            log.warning("readiness: could not ask who leads the schedule: %s", type(exc).__name__)
            return "could not ask the database who leads the schedule"
        if not led:
            return "no process leads the schedule"
        return None
