"""Draining the outbox: every outgoing message was first a row; senders deliver them.

A row is claimed in a short transaction (SKIP LOCKED on PostgreSQL, so several
processes share the work), sent, and marked sent in the same transaction. A
platform's "retry after" reschedules the row; an error is retried with
backoff and, after `park_after` attempts, parked for coordinators to see in
`status`, never dropped. A crash between the platform accepting a message and
the commit can repeat that one message; updates by `ref` are edits, so they
repeat harmlessly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from bot.clock import Clock
from bot.conversation.messages import Outbound
from bot.domain.model import OutboxItem
from bot.ports import UnitOfWork

log = logging.getLogger(__name__)


class RetryAfter(Exception):
    def __init__(self, seconds: float, message: str = "") -> None:
        super().__init__(message or f"retry after {seconds}s")
        self.seconds = seconds


class PermanentFailure(Exception):
    """The platform says this message can never be delivered (bad address, blocked bot)."""


class Sender(Protocol):
    platform: str

    def send(self, item: OutboxItem, out: Outbound, message_id: str | None) -> str | None:
        """Deliver one message; return the platform's message id (for later edits) if any."""
        ...


def backoff(attempt: int) -> float:
    return float(min(600, 2 ** min(attempt, 10)))


class Dispatcher:
    def __init__(
        self, uow_factory: Callable[[], UnitOfWork], clock: Clock, senders: dict[str, Sender], park_after: int = 8
    ) -> None:
        self.uow_factory = uow_factory
        self.clock = clock
        self.senders = senders
        self.park_after = park_after
        self.paused_until: dict[str, datetime] = {}  # a platform's "retry after" holds all its sending

    def drain(self, platform: str, limit: int = 100, address: str | None = None, batch: int = 1) -> int:
        """Try up to `limit` due rows for one platform; returns how many were delivered.

        `batch` rows share one transaction: faster, but a crash may repeat up to `batch` messages, so the
        chat platforms keep 1 and only local senders (console, demo) use more.
        """
        sender = self.senders[platform]
        delivered = tried = 0
        while tried < limit:
            with self.uow_factory() as uow:
                now = self.clock.now()
                if now < self.paused_until.get(platform, now):
                    break
                items = uow.store.claim_outbox(platform, now, min(batch, limit - tried), address)
                if not items:
                    break
                for item in items:
                    tried += 1
                    delivered += self._deliver(uow, sender, item, now)
                    if platform in self.paused_until and now < self.paused_until[platform]:
                        break  # rows claimed with this one stay pending and go later
                uow.commit()
        return delivered

    def _deliver(self, uow: UnitOfWork, sender: Sender, item: OutboxItem, now: datetime) -> int:
        out = Outbound.from_json(item.payload)
        existing = (
            uow.store.message_id_for(item.platform, item.address, item.ref) if item.ref and not out.fresh else None
        )
        try:
            message_id = sender.send(item, out, existing)
        except RetryAfter as exc:
            # The platform asks everyone to wait: hold the whole platform, and do not count it as a failure.
            retry_at = now + timedelta(seconds=max(1.0, exc.seconds))
            self.paused_until[item.platform] = retry_at
            uow.store.outbox_retry(item.id, retry_at, str(exc), self.park_after, count=False)
            log.warning("outbox %s: %s; %s paused until %s", item.key, exc, item.platform, retry_at)
            return 0
        except PermanentFailure as exc:
            uow.store.outbox_park(item.id, str(exc))
            log.error("outbox %s parked: %s", item.key, exc)
            return 0
        except Exception as exc:
            retry_at = now + timedelta(seconds=backoff(item.attempts))
            parked = uow.store.outbox_retry(item.id, retry_at, f"{type(exc).__name__}: {exc}", self.park_after)
            log.exception("outbox %s failed%s", item.key, " and was parked" if parked else "")
            return 0
        uow.store.outbox_sent(item.id, now, message_id)
        return 1
