"""The outbox: messages queued in the same transaction as what made them, claimed by the dispatcher with leases,
then marked sent, retried or parked; and which platform message shows which ref."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ARRAY, Integer, String, all_, and_, any_, bindparam, func, select, text, update
from sqlalchemy.exc import NoResultFound

from bot.domain.masking import mask_personal_data
from bot.domain.model import OutboxItem
from storage.models import AccountRow, MessageRefRow, OutboxRow, PersonRow
from storage.repositories.base import SqlRepository, table
from storage.repositories.prepared import prepare
from storage.repositories.statements import ENQUEUE


class SqlOutbox(SqlRepository):
    """Enqueue, claims, sent/retry/park/release, message refs and counts."""

    #: The platform message each claimed row's ref shows, read with the claim (the dispatcher asks for every row
    #: it claimed, in the same unit of work), until something is marked sent.
    _known: dict[tuple[str, str, str], str | None] | None = None

    def enqueue(
        self, key: str, platform: str, address: str, ref: str | None, payload: dict[str, Any], now: datetime
    ) -> None:
        values = {
            "key": key,
            "platform": platform,
            "address": address,
            "ref": ref,
            "payload": payload,
            "next_attempt_at": now,
            "created_at": now,
        }
        self._core(ENQUEUE, values)

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
        one chat at once and edits of one message never overtake each other. Commit to make the lease visible.
        """
        lease_until = lease_until or now
        params: dict[str, Any] = {"platform": platform, "now": now, "limit": limit}
        if address is not None:
            params["address"] = address
        rows = self._core(_CLAIM_FOR_ADDRESS if address is not None else _CLAIM, params).all()
        if not rows:
            return []
        ids = [r.id for r in rows]
        addresses = sorted({r.address for r in rows})
        pg = self.s.get_bind().dialect.name == "postgresql"  # lists as arrays there, as JSON arrays on SQLite
        first_outside: dict[str, int] = {
            a: int(n)
            for a, n in self._core(
                _PG_FIRST_OUTSIDE if pg else _FIRST_OUTSIDE,
                {
                    "platform": platform,
                    "addresses": addresses if pg else json.dumps(addresses),
                    "ids": ids if pg else json.dumps(ids),
                },
            )
        }
        taken = [r.id for r in rows if r.id < first_outside.get(r.address, r.id + 1)]
        if taken:
            leased = {"ids": taken if pg else json.dumps(taken), "b_until": lease_until, "b_by": claimer}
            self._core(_PG_LEASE if pg else _LEASE, leased)
        taken_ids = set(taken)
        rows = [r for r in rows if r.id in taken_ids]
        self._known = {(r.platform, r.address, r.ref): r.known_message_id for r in rows if r.ref}
        return [OutboxItem(r.id, r.key, r.platform, r.address, r.ref, r.payload, r.attempts, r.status) for r in rows]

    def sent(self, item_id: int, now: datetime, message_id: str | None) -> None:
        """Mark a row sent and remember which platform message shows its ref (one UPDATE, one upsert).

        `claimed_by` stays: it tells which process delivered the row."""
        self._known = None
        platform, address, ref = self._core(_SENT, {"b_id": item_id, "b_now": now}).one()
        if message_id is not None and ref:
            self._core(_REMEMBER_MESSAGE, {"platform": platform, "address": address, "ref": ref, "mid": message_id})

    def sent_many(self, sent: Sequence[tuple[OutboxItem, str | None]], now: datetime) -> None:
        """`sent` for many rows in two statements run for all (a local sender's batch: the console, the demo); the
        claimed items carry the rows' platform, address and ref."""
        if len(sent) <= 1:
            for item, message_id in sent:
                self.sent(item.id, now, message_id)
            return
        self._known = None
        marked = self._core(_SENT_MANY, [{"b_id": item.id, "b_now": now} for item, _ in sent])
        if marked.rowcount != len(sent):  # as `sent` fails for a row that is gone
            raise NoResultFound(f"{len(sent) - marked.rowcount} of {len(sent)} outbox rows marked sent are gone")
        refs = [
            {"platform": item.platform, "address": item.address, "ref": item.ref, "mid": message_id}
            for item, message_id in sent
            if message_id is not None and item.ref
        ]
        if refs:
            self._core(_REMEMBER_MESSAGE, refs)

    def retry(self, item_id: int, at: datetime, error: str | None, park_after: int, count: bool = True) -> bool:
        """Schedule another attempt, or park the row after too many failures; True if parked.

        A rate limit (`count=False`) reschedules without counting as a failed attempt. `error` None (the bot's own
        pacing, not a failure) keeps the row's `last_error`. A row that is no longer pending (another claimer whose
        lease outlived ours delivered it) is left as it is."""
        row = self.s.get(OutboxRow, item_id)
        assert row is not None
        if row.status != "pending":
            return False
        row.claimed_until = row.claimed_by = None
        if error is None:  # not a failure: why the last attempt failed stays
            row.next_attempt_at = at
            return False
        error = mask_personal_data(error)  # a platform's error may quote the message it refused
        if not count:
            row.next_attempt_at, row.last_error = at, error[:2000]
            return False
        row.attempts += 1
        row.last_error = error[:2000]
        if row.attempts >= park_after:
            row.status = "parked"
            return True
        row.next_attempt_at = at
        return False

    def park(self, item_id: int, error: str) -> None:
        row = self.s.get(OutboxRow, item_id)
        assert row is not None
        if row.status != "pending":
            return
        row.attempts += 1
        row.status, row.last_error = "parked", mask_personal_data(error)[:2000]
        row.claimed_until = row.claimed_by = None

    def release(self, item_ids: list[int], claimer: str) -> None:
        """Give back claimed rows that were not tried (a rate limit stopped the batch, or the sender stopped)."""
        if item_ids:
            self.s.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_(item_ids), OutboxRow.claimed_by == claimer, OutboxRow.status == "pending")
                .values(claimed_until=None, claimed_by=None)
            )

    def release_all(self, claimer: str) -> int:
        """Give back every pending row `claimer` still holds (a clean stop); returns how many."""
        statement = (
            update(_OUTBOX)
            .where(_OUTBOX.c.claimed_by == claimer, _OUTBOX.c.status == "pending")
            .values(claimed_until=None, claimed_by=None)
        )
        return int(self._core(statement, {}).rowcount or 0)

    def parked_messages(self, limit: int = 5) -> list[tuple[str, str, str | None, str | None]]:
        """The latest parked rows: (platform, address, name of the person the address belongs to, last error)."""
        rows = self.s.execute(
            select(OutboxRow.platform, OutboxRow.address, PersonRow.name, OutboxRow.last_error)
            .outerjoin(
                AccountRow, and_(AccountRow.platform == OutboxRow.platform, AccountRow.external_id == OutboxRow.address)
            )
            .outerjoin(PersonRow, PersonRow.id == AccountRow.person_id)
            .where(OutboxRow.status == "parked")
            .order_by(OutboxRow.id.desc())
            .limit(limit)
        )
        return [(p, a, n, e) for p, a, n, e in rows]

    def message_id_for(self, platform: str, address: str, ref: str) -> str | None:
        if self._known is not None and (platform, address, ref) in self._known:
            return self._known[platform, address, ref]
        row = self._core(_MESSAGE_ID, {"platform": platform, "address": address, "ref": ref}).first()
        return str(row[0]) if row else None

    def ref_for_message(self, platform: str, address: str, message_id: str) -> str | None:
        """Which ref a platform message shows (Slack: a reaction on a candidate's message is a vote)."""
        return self.s.scalar(
            select(MessageRefRow.ref).where(
                MessageRefRow.platform == platform,
                MessageRefRow.address == address,
                MessageRefRow.message_id == message_id,
            )
        )

    def parked_count(self) -> int:
        return int(self.s.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.status == "parked")) or 0)

    def counts(self, platform: str | None = None) -> dict[str, int]:
        query = select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
        if platform is not None:
            query = query.where(OutboxRow.platform == platform)
        return {s: int(n) for s, n in self.s.execute(query)}


# The outbox's statements, on every message sent.
_OUTBOX, _REFS = table(OutboxRow), table(MessageRefRow)

_EARLIER = _OUTBOX.alias("earlier")
#: An earlier row to the same address that is waiting (its retry, its chat's pacing) or being sent by another
#: claimer: this row must wait behind it, and the claim passes over it to other addresses' rows rather than
#: coming back empty-handed while they are due.
_BEHIND = (
    select(_EARLIER.c.id)
    .where(
        _EARLIER.c.platform == _OUTBOX.c.platform,
        _EARLIER.c.address == _OUTBOX.c.address,
        _EARLIER.c.status == "pending",
        _EARLIER.c.id < _OUTBOX.c.id,
        (_EARLIER.c.next_attempt_at > bindparam("now")) | (_EARLIER.c.claimed_until > bindparam("now")),
    )
    .exists()
)

# The message a row's ref shows (an edit replaces it), read with the claim.
_KNOWN_ID = (
    select(_REFS.c.message_id)
    .where(_REFS.c.platform == _OUTBOX.c.platform, _REFS.c.address == _OUTBOX.c.address, _REFS.c.ref == _OUTBOX.c.ref)
    .scalar_subquery()
    .label("known_message_id")
)

_CLAIM = (
    select(_OUTBOX, _KNOWN_ID)
    .where(
        _OUTBOX.c.platform == bindparam("platform"),
        _OUTBOX.c.status == "pending",
        _OUTBOX.c.next_attempt_at <= bindparam("now"),
        _OUTBOX.c.claimed_until.is_(None) | (_OUTBOX.c.claimed_until <= bindparam("now")),
        ~_BEHIND,
    )
    .order_by(_OUTBOX.c.id)
    .limit(bindparam("limit"))
    .with_for_update(skip_locked=True)
)

_CLAIM_FOR_ADDRESS = _CLAIM.where(_OUTBOX.c.address == bindparam("address"))

# Which earlier pending row to each claimed address was not claimed, and the lease of the rows taken: the claimed
# rows' ids and addresses as one parameter each (a JSON array read by `json_each` on SQLite, an array on
# PostgreSQL), so that the statements are prepared once whatever the claim's size.
_FIRST_OUTSIDE = text(
    "SELECT address, min(id) FROM outbox WHERE platform = :platform AND status = 'pending' "
    "AND address IN (SELECT value FROM json_each(:addresses)) AND id NOT IN (SELECT value FROM json_each(:ids)) "
    "GROUP BY address"
)

_PG_FIRST_OUTSIDE = (
    select(_OUTBOX.c.address, func.min(_OUTBOX.c.id))
    .where(
        _OUTBOX.c.platform == bindparam("platform"),
        _OUTBOX.c.status == "pending",
        _OUTBOX.c.address == any_(bindparam("addresses", type_=ARRAY(String))),
        _OUTBOX.c.id != all_(bindparam("ids", type_=ARRAY(Integer))),
    )
    .group_by(_OUTBOX.c.address)
)

_LEASE = text(
    "UPDATE outbox SET claimed_until = :b_until, claimed_by = :b_by WHERE id IN (SELECT value FROM json_each(:ids))"
).bindparams(bindparam("b_until", type_=_OUTBOX.c.claimed_until.type))

_PG_LEASE = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == any_(bindparam("ids", type_=ARRAY(Integer))))
    .values(claimed_until=bindparam("b_until"), claimed_by=bindparam("b_by"))
)

_SENT_MANY = (  # run for many rows at once (`sent_many`)
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("b_id"))
    .values(status="sent", sent_at=bindparam("b_now"), attempts=_OUTBOX.c.attempts + 1, claimed_until=None)
)
_SENT = _SENT_MANY.returning(_OUTBOX.c.platform, _OUTBOX.c.address, _OUTBOX.c.ref)  # one row, and what its ref needs

_MESSAGE_ID = select(_REFS.c.message_id).where(
    _REFS.c.platform == bindparam("platform"), _REFS.c.address == bindparam("address"), _REFS.c.ref == bindparam("ref")
)

# An edit of a message keeps its id: then the row is left as it is (nothing written to the database's log).
_REMEMBER_MESSAGE = text(
    "INSERT INTO message_refs (platform, address, ref, message_id) VALUES (:platform, :address, :ref, :mid) "
    "ON CONFLICT (platform, address, ref) DO UPDATE SET message_id = excluded.message_id "
    "WHERE message_refs.message_id <> excluded.message_id"
)

for _statement in (
    _CLAIM,
    _CLAIM_FOR_ADDRESS,
    _FIRST_OUTSIDE,
    _PG_FIRST_OUTSIDE,
    _LEASE,
    _PG_LEASE,
    _SENT,
    _SENT_MANY,
    _MESSAGE_ID,
    _REMEMBER_MESSAGE,
):
    prepare(_statement)  # run on the driver's cursor (storage/repositories/prepared.py)
