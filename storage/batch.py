"""A batch of button presses handled in one unit of work with fewer statements (`SqlUnitOfWork.begin_batch`).

`Batch` reads at once what the presses are about to read one by one, and holds back their writes until the
batch ends (see docs/PERFORMANCE.md, answer handling: this halves what a press costs). While a batch is on, the
unit of work's `people`, `groups`, `rounds` and `outbox` are the `Batching…` repositories below: the plain ones
with the few methods a questionnaire press calls answered from the batch. The repositories themselves know
nothing of batches.

Persons, their areas, the areas' places and the rounds are answered from memory (a new place drops its area's
list); each reporter's response row is locked when the batch starts, as `get_or_create_response` would lock it.
Messages to send and saved responses are kept in memory and written together when the batch ends; every later
press of the same reporter reads the row as the batch last saved it. Only what a questionnaire press does may
happen in between: anything else must come after the batch ends.

The events are recorded as processed when the batch starts, and `MarkedAudit.mark_event_processed` answers
from that, also after the batch ended: the first delivery of an id is new, every later one (a second copy in
the same batch too) a duplicate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy.orm import Session

from bot.domain.conversation_state import ConversationState
from bot.domain.model import Area, Person, Place, Response, Round
from storage.repositories.audit import SqlAudit
from storage.repositories.base import SqlRepository, person_of, response_of, round_of
from storage.repositories.groups import SqlGroups
from storage.repositories.outbox import SqlOutbox
from storage.repositories.people import SqlPeople
from storage.repositories.rounds import SqlRounds, save_params
from storage.repositories.statements import (
    AREAS_OF_PERSONS,
    ENQUEUE,
    MARK_MANY,
    PERSONS_BY_ACCOUNTS,
    PG_AREAS_OF_PERSONS,
    PG_MARK_PROCESSED,
    PG_PERSONS_BY_ACCOUNTS,
    PG_PLACES_OF_AREAS,
    PG_RESPONSES_FOR_UPDATE_OF_PAIRS,
    PG_ROUNDS_BY_IDS,
    PLACES_OF_AREAS,
    RESPONSES_FOR_UPDATE_OF_PAIRS,
    ROUNDS_BY_IDS,
    SAVE_RESPONSE,
    mark_processed_many,
)

#: One press: (platform, account, round id or None when it is no questionnaire press).
Press = tuple[str, str, int | None]


class Batch(SqlRepository):
    """What a batch read ahead, and the writes it holds back."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.persons: dict[tuple[str, str], Person | None] = {}
        self.areas: dict[int, list[Area]] = {}
        self.places: dict[int, list[Place]] = {}
        self.rounds: dict[int, Round | None] = {}
        self.responses: dict[tuple[int, int], Response] = {}
        self.handed: dict[int, Response] = {}
        self.outbox_rows: list[dict[str, Any]] = []
        self.saves: list[dict[str, Any]] = []
        # PostgreSQL takes each list as one array parameter (statements.py), SQLite as an IN list
        self.arrays = session.get_bind().dialect.name == "postgresql"

    def mark_events(self, events: Sequence[tuple[str, str]], now: datetime) -> dict[tuple[str, str], bool]:
        """Record the events as processed; per event whether this was its first delivery."""
        new = sorted(set(events))  # the same order in every process, so two batches cannot deadlock
        first: set[tuple[str, str]] = set()
        if self.arrays and new:
            arrays = {"platforms": [p for p, _ in new], "event_ids": [e for _, e in new], "at": now}
            first.update((p, e) for p, e in self._core(PG_MARK_PROCESSED, arrays))
            return {k: k in first for k in new}
        for i in range(0, len(new), MARK_MANY):
            chunk = new[i : i + MARK_MANY]
            params: dict[str, Any] = {"at": now}
            for n, (platform, event_id) in enumerate(chunk):
                params[f"p{n}"], params[f"e{n}"] = platform, event_id
            first.update((p, e) for p, e in self._core(mark_processed_many(len(chunk)), params))
        return {k: k in first for k in new}

    def read(self, presses: Sequence[Press]) -> None:
        """Read what the presses will read: persons, their areas, the areas' places, rounds, response rows."""
        by_platform: dict[str, set[str]] = defaultdict(set)
        for platform, account, _ in presses:
            if (platform, account) not in self.persons:
                by_platform[platform].add(account)
        for platform, accounts in by_platform.items():
            for account in accounts:
                self.persons[platform, account] = None
            for r in self._core(
                PG_PERSONS_BY_ACCOUNTS if self.arrays else PERSONS_BY_ACCOUNTS,
                {"platform": platform, "accounts": sorted(accounts)},
            ):
                self.persons[platform, r.external_id] = person_of(r)
        person_ids = {p.id for p in self.persons.values() if p is not None} - self.areas.keys()
        if person_ids:
            for pid in person_ids:
                self.areas[pid] = []
            for r in self._core(
                PG_AREAS_OF_PERSONS if self.arrays else AREAS_OF_PERSONS, {"person_ids": sorted(person_ids)}
            ):
                self.areas[r.person_id].append(Area(r.id, r.group_id, r.code, r.name))
        area_ids = {a.id for areas in self.areas.values() for a in areas} - self.places.keys()
        if area_ids:
            for aid in area_ids:
                self.places[aid] = []
            for r in self._core(PG_PLACES_OF_AREAS if self.arrays else PLACES_OF_AREAS, {"area_ids": sorted(area_ids)}):
                self.places[r.area_id].append(Place(*r))
        round_ids = {rid for _, _, rid in presses if rid is not None} - self.rounds.keys()
        if round_ids:
            for rid in round_ids:
                self.rounds[rid] = None
            for r in self._core(PG_ROUNDS_BY_IDS if self.arrays else ROUNDS_BY_IDS, {"round_ids": sorted(round_ids)}):
                self.rounds[r.id] = round_of(r)
        pairs = {
            (rid, person.id)
            for platform, account, rid in presses
            if rid is not None and (person := self.persons.get((platform, account))) is not None
        }
        if pairs:
            ordered = sorted(pairs)
            rows = (
                self._core(
                    PG_RESPONSES_FOR_UPDATE_OF_PAIRS,
                    {"round_ids": [rid for rid, _ in ordered], "person_ids": [pid for _, pid in ordered]},
                )
                if self.arrays
                else self._core(RESPONSES_FOR_UPDATE_OF_PAIRS, {"pairs": ordered})
            )
            for r in rows:
                self.responses[r.round_id, r.person_id] = response_of(r)

    def write(self) -> None:
        """Write what the batch held back: the messages, then the saved responses (each over its version)."""
        if self.outbox_rows:
            rows, self.outbox_rows = self.outbox_rows, []
            self._core(ENQUEUE, rows)
        if self.saves:
            saves, self.saves = self.saves, []
            changed = self._core(SAVE_RESPONSE, saves).rowcount  # summed over the rows by sqlite3 and psycopg
            if changed != len(saves):
                raise RuntimeError(f"{len(saves) - changed} of {len(saves)} responses changed concurrently")


class BatchingPeople(SqlPeople):
    """Persons by account and their areas, as the batch read them."""

    def __init__(self, session: Session, batch: Batch) -> None:
        super().__init__(session)
        self.batch = batch

    def person_by_account(self, platform: str, external_id: str) -> Person | None:
        if (platform, external_id) in self.batch.persons:
            return self.batch.persons[platform, external_id]
        return super().person_by_account(platform, external_id)

    def person_areas(self, person_id: int) -> list[Area]:
        if person_id in self.batch.areas:
            return list(self.batch.areas[person_id])
        return super().person_areas(person_id)


class BatchingGroups(SqlGroups):
    """The areas' places as the batch read them; a place named or changed drops its area's list."""

    def __init__(self, session: Session, batch: Batch) -> None:
        super().__init__(session)
        self.batch = batch

    def places(self, area_id: int) -> list[Place]:
        if area_id in self.batch.places:
            return list(self.batch.places[area_id])
        return super().places(area_id)

    def get_or_create_place(
        self,
        area_id: int,
        name: str,
        now: datetime,
        configured: bool = False,
        lat: float | None = None,
        lon: float | None = None,
        approved: bool = False,
    ) -> Place:
        self.batch.places.pop(area_id, None)
        return super().get_or_create_place(area_id, name, now, configured, lat, lon, approved)

    def rename_place(self, place_id: int, name: str) -> str:
        self.batch.places.clear()
        return super().rename_place(place_id, name)

    def set_place_review(self, group_id: str, place_id: int, status: str) -> str | None:
        self.batch.places.clear()
        return super().set_place_review(group_id, place_id, status)


class BatchingRounds(SqlRounds):
    """Rounds by id as the batch read them; response rows locked by the batch, saved with it."""

    def __init__(self, session: Session, groups: SqlGroups, people: SqlPeople, batch: Batch) -> None:
        super().__init__(session, groups, people)
        self.batch = batch

    def get_round_by_id(self, round_id: int) -> Round | None:
        if round_id in self.batch.rounds:
            return self.batch.rounds[round_id]
        return super().get_round_by_id(round_id)

    def get_or_create_response(self, round_id: int, person_id: int, organisation: str, now: datetime) -> Response:
        known = self.batch.responses.get((round_id, person_id))
        if known is not None:
            self.batch.handed[known.id] = known
            return known
        response = super().get_or_create_response(round_id, person_id, organisation, now)
        # the next press of this reporter in the batch must see what this one saves
        self.batch.responses[round_id, person_id] = self.batch.handed[response.id] = response
        return response

    def save_response(
        self,
        response_id: int,
        version: int,
        state: ConversationState,
        status: str,
        snoozed_until: datetime | None,
        late: bool,
        submitted_at: datetime | None,
        now: datetime,
    ) -> None:
        handed = self.batch.handed.pop(response_id, None)
        if handed is None:
            super().save_response(response_id, version, state, status, snoozed_until, late, submitted_at, now)
            return
        # written with the batch; the reporter's next press in it reads this
        self.batch.saves.append(
            save_params(response_id, version, state, status, snoozed_until, late, submitted_at, now)
        )
        self.batch.responses[handed.round_id, cast(int, handed.person_id)] = replace(
            handed,
            state=state,
            version=version + 1,
            status=status,
            snoozed_until=snoozed_until,
            late=late,
            submitted_at=submitted_at,
        )


class BatchingOutbox(SqlOutbox):
    """Messages queued in a batch are written together when it ends."""

    def __init__(self, session: Session, batch: Batch) -> None:
        super().__init__(session)
        self.batch = batch

    def enqueue(
        self, key: str, platform: str, address: str, ref: str | None, payload: dict[str, Any], now: datetime
    ) -> None:
        self.batch.outbox_rows.append(
            {
                "key": key,
                "platform": platform,
                "address": address,
                "ref": ref,
                "payload": payload,
                "next_attempt_at": now,
                "created_at": now,
            }
        )


class MarkedAudit(SqlAudit):
    """Events a batch recorded as processed answer from that, for the rest of the unit of work."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.marked: dict[tuple[str, str], bool] = {}

    def mark_event_processed(self, platform: str, event_id: str, now: datetime) -> bool:
        first = self.marked.pop((platform, event_id), None)
        if first is not None:
            return first
        return super().mark_event_processed(platform, event_id, now)
