"""Fake outbox (storage/repositories/outbox.py, in memory): enqueue, claims with leases, sent/retry/park/release,
message refs and counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.domain.masking import mask_personal_data
from bot.domain.model import OutboxItem
from tests.unit.fakes.people import FakeRepository
from tests.unit.fakes.tables import OutboxRow, as_json


class FakeOutbox(FakeRepository):
    def enqueue(
        self, key: str, platform: str, address: str, ref: str | None, payload: dict[str, Any], now: datetime
    ) -> None:
        if any(r.key == key for r in self.t.outbox.values()):
            return  # ON CONFLICT (key) DO NOTHING
        row = OutboxRow(self.t.next_id("outbox"), key, platform, address, ref, as_json(payload), now, now)
        self.t.outbox[row.id] = row

    def _ordered(self) -> list[OutboxRow]:
        return sorted(self.t.outbox.values(), key=lambda r: r.id)

    def claim(
        self,
        platform: str,
        now: datetime,
        limit: int,
        address: str | None = None,
        lease_until: datetime | None = None,
        claimer: str = "",
    ) -> list[OutboxItem]:
        lease_until = lease_until or now
        due = [
            r
            for r in self._ordered()
            if r.platform == platform
            and r.status == "pending"
            and r.next_attempt_at <= now
            and (r.claimed_until is None or r.claimed_until <= now)
            and (address is None or r.address == address)
        ][:limit]
        ids = {r.id for r in due}
        first_outside: dict[str, int] = {}
        for r in self._ordered():
            if r.platform == platform and r.status == "pending" and r.id not in ids:
                first_outside.setdefault(r.address, r.id)
        taken = [r for r in due if r.id < first_outside.get(r.address, r.id + 1)]
        for r in taken:
            r.claimed_until, r.claimed_by = lease_until, claimer
        return [
            OutboxItem(r.id, r.key, r.platform, r.address, r.ref, as_json(r.payload), r.attempts, r.status)
            for r in taken
        ]

    def sent(self, item_id: int, now: datetime, message_id: str | None) -> None:
        r = self.t.outbox[item_id]
        r.status, r.sent_at, r.attempts, r.claimed_until = "sent", now, r.attempts + 1, None
        if message_id is not None and r.ref:
            self.t.message_refs[(r.platform, r.address, r.ref)] = message_id

    def sent_many(self, sent: Sequence[tuple[OutboxItem, str | None]], now: datetime) -> None:
        for item, message_id in sent:
            self.sent(item.id, now, message_id)

    def retry(self, item_id: int, at: datetime, error: str | None, park_after: int, count: bool = True) -> bool:
        r = self.t.outbox[item_id]
        if r.status != "pending":
            return False
        r.claimed_until = r.claimed_by = None
        if error is None:  # not a failure: why the last attempt failed stays
            r.next_attempt_at = at
            return False
        error = mask_personal_data(error)
        if not count:
            r.next_attempt_at, r.last_error = at, error[:2000]
            return False
        r.attempts += 1
        r.last_error = error[:2000]
        if r.attempts >= park_after:
            r.status = "parked"
            return True
        r.next_attempt_at = at
        return False

    def park(self, item_id: int, error: str) -> None:
        r = self.t.outbox[item_id]
        if r.status != "pending":
            return
        r.attempts += 1
        r.status, r.last_error = "parked", mask_personal_data(error)[:2000]
        r.claimed_until = r.claimed_by = None

    def release(self, item_ids: list[int], claimer: str) -> None:
        for i in item_ids:
            r = self.t.outbox.get(i)
            if r is not None and r.claimed_by == claimer and r.status == "pending":
                r.claimed_until = r.claimed_by = None

    def release_all(self, claimer: str) -> int:
        held = [r for r in self.t.outbox.values() if r.claimed_by == claimer and r.status == "pending"]
        for r in held:
            r.claimed_until = r.claimed_by = None
        return len(held)

    def parked_messages(self, limit: int = 5) -> list[tuple[str, str, str | None, str | None]]:
        out: list[tuple[str, str, str | None, str | None]] = []
        for r in reversed(self._ordered()):
            if r.status != "parked":
                continue
            pid = self.t.accounts.get((r.platform, r.address))
            person = self.t.persons.get(pid) if pid is not None else None
            out.append((r.platform, r.address, person.name if person else None, r.last_error))
        return out[:limit]

    def message_id_for(self, platform: str, address: str, ref: str) -> str | None:
        return self.t.message_refs.get((platform, address, ref))

    def ref_for_message(self, platform: str, address: str, message_id: str) -> str | None:
        return next(
            (ref for (p, a, ref), mid in self.t.message_refs.items() if (p, a, mid) == (platform, address, message_id)),
            None,
        )

    def parked_count(self) -> int:
        return sum(1 for r in self.t.outbox.values() if r.status == "parked")

    def counts(self, platform: str | None = None) -> dict[str, int]:
        return dict(Counter(r.status for r in self.t.outbox.values() if platform in (None, r.platform)))
