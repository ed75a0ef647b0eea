"""The outbox as the use cases queue into it, and as the dispatcher delivers from it (bot/outbox.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from bot.domain.model import OutboxItem


class Outbox(Protocol):
    """Queue messages, find which platform message shows a ref, and count what is parked."""

    def enqueue(
        self, key: str, platform: str, address: str, ref: str | None, payload: dict[str, Any], now: datetime
    ) -> None: ...

    def message_id_for(self, platform: str, address: str, ref: str) -> str | None: ...

    def ref_for_message(self, platform: str, address: str, message_id: str) -> str | None:
        """Which ref a platform message shows (Slack: a reaction on a candidate's message is a vote)."""

    def parked_messages(self, limit: int = 5) -> list[tuple[str, str, str | None, str | None]]:
        """The latest parked rows: (platform, address, name of the person the address belongs to, last error)."""

    def parked_count(self) -> int: ...

    def counts(self, platform: str | None = None) -> dict[str, int]:
        """How many rows are in each status (pending, sent, parked), of one platform's or of all."""
        ...


class OutboxDelivery(Protocol):
    """What the dispatcher needs: claim due rows under a lease, then mark each sent, retry it, park it,
    or give it back."""

    def claim(
        self,
        platform: str,
        now: datetime,
        limit: int,
        address: str | None = None,
        lease_until: datetime | None = None,
        claimer: str = "",
    ) -> list[OutboxItem]:
        """Claim due rows for one sender, oldest first, and lease them to `claimer` until `lease_until`.

        Rows locked by another claim in progress are skipped (SKIP LOCKED on PostgreSQL; SQLite takes its write
        lock up front), rows leased to someone else are not due. A chat's messages go in order: a row is taken
        only when every earlier pending row to the same address is taken with it, so two claimers never send to
        one chat at once and edits of one message never overtake each other. Commit to make the lease visible."""

    def sent(self, item_id: int, now: datetime, message_id: str | None) -> None:
        """Mark a row sent and remember which platform message shows its ref (one UPDATE, one upsert).

        `claimed_by` stays: it tells which process delivered the row."""

    def sent_many(self, sent: Sequence[tuple[OutboxItem, str | None]], now: datetime) -> None:
        """`sent` for each (claimed row, platform message id), in order: the rows marked sent together."""

    def retry(self, item_id: int, at: datetime, error: str | None, park_after: int, count: bool = True) -> bool:
        """Schedule another attempt, or park the row after too many failures; True if parked.

        A rate limit (`count=False`) reschedules without counting as a failed attempt. `error` None (the bot's own
        pacing, not a failure) keeps the row's `last_error`. A row that is no longer pending (another claimer whose
        lease outlived ours delivered it) is left as it is."""

    def park(self, item_id: int, error: str) -> None: ...

    def release(self, item_ids: list[int], claimer: str) -> None:
        """Give back claimed rows that were not tried (a rate limit stopped the batch, or the sender stopped)."""

    def release_all(self, claimer: str) -> int:
        """Give back every pending row `claimer` still holds (a clean stop), so another process need not wait out
        the lease; returns how many. Sent rows keep `claimed_by`."""
        ...


class OutboxStore(Outbox, OutboxDelivery, Protocol):
    """The unit of work's outbox: both sides."""
