"""Ports: what the services need from storage, as protocols (storage/ implements them).

Generated from storage/store.py by scripts/gen_ports.py; edit the store, then regenerate.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol

from bot.domain.conversation_state import ConversationState
from bot.domain.cycle import Phase, RoundKey
from bot.domain.factors import Factor
from bot.domain.model import Action, AnswerIn, Area, Candidate, OutboxItem, Person, Place, Response, Round
from bot.domain.picture import PictureInput
from bot.domain.statistics import PoliceEvent, StatRecord
from bot.domain.stats import AnswerRecord, CellStat, Participation, PlaceMention, WeekStat


class Store(Protocol):
    def upsert_group(self, group_id: str, name: str) -> None: ...

    def upsert_area(self, group_id: str, code: str, name: str) -> Area: ...

    def areas(self, group_id: str) -> list[Area]: ...

    def area_by_code(self, group_id: str, code: str) -> Area: ...

    def places(self, area_id: int) -> list[Place]: ...

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
        """The place of that name in the area; two reporters naming a new place at once get the same row.
        A place a reporter names first waits for a coordinator's review; a configured place, or one a
        coordinator names (`approved`), is approved at once."""

    def places_for_review(self, group_id: str) -> list[dict[str, Any]]:
        """Places reporters named or shared that wait for a coordinator: id, area, name, how many answers name
        them, and whether they came from a shared location."""

    def rename_place(self, place_id: int, name: str) -> str:
        """Give an approved place a coordinator's name; when the area already has a place of that name, the two
        become one (answers, candidates and actions follow). Returns the name the place now has."""

    def set_place_review(self, group_id: str, place_id: int, status: str) -> str | None:
        """Approve or reject a place of the group; its name, or None when the group has no such place."""

    def count_area_reporters(self, area_id: int) -> int: ...

    def upsert_person(
        self, group_id: str, name: str, organisation: str, role: str, language: str, receives_report: bool
    ) -> Person: ...

    def get_person(self, person_id: int) -> Person: ...

    def person_by_name(self, group_id: str, name: str) -> Person | None: ...

    def persons(self, group_id: str, active_only: bool = True) -> list[Person]: ...

    def person_by_account(self, platform: str, external_id: str) -> Person | None: ...

    def link_account(self, platform: str, external_id: str, person_id: int) -> None: ...

    def account_owner(self, platform: str, external_id: str) -> int | None: ...

    def accounts_of(self, person_id: int) -> list[tuple[str, str]]: ...

    def set_person_areas(self, person_id: int, area_ids: list[int]) -> None: ...

    def person_areas(self, person_id: int) -> list[Area]: ...

    def set_language(self, person_id: int, lang: str) -> None: ...

    def set_paused(self, person_id: int, until: datetime | None) -> None: ...

    def set_active(self, person_id: int, active: bool) -> None: ...

    def get_round(self, group_id: str, key: RoundKey) -> Round | None: ...

    def get_round_by_id(self, round_id: int) -> Round | None: ...

    def create_round(self, group_id: str, key: RoundKey, now: datetime) -> Round:
        """Insert the round unless another process just did; either way return it."""

    def recent_rounds(self, group_id: str, n: int) -> list[Round]: ...

    def unpublished_rounds(self, group_id: str) -> list[Round]: ...

    def set_phase(self, round_id: int, old: Phase, new: Phase, now: datetime) -> bool:
        """Compare-and-set: only one caller ever moves a round from `old` to `new`."""

    def get_response(self, round_id: int, person_id: int) -> Response | None: ...

    def get_or_create_response(self, round_id: int, person_id: int, organisation: str, now: datetime) -> Response:
        """The reporter's row for the round, locked for this unit of work; created if missing. In a batch, as
        the batch last saved it (see `begin_batch`)."""

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
    ) -> None: ...

    def set_reminders(self, response_id: int, n: int) -> None: ...

    def max_reminders(self, round_id: int) -> int: ...

    def due_snoozes(self, group_id: str, now: datetime) -> list[tuple[Response, Round]]: ...

    def replace_answers(self, response_id: int, answers: list[AnswerIn], more: str | None) -> None:
        """A sent questionnaire's answers, replacing any earlier ones; a note kept word for word keeps its review."""

    def last_submitted_answers(
        self, group_id: str, key: RoundKey, person_id: int
    ) -> dict[str, dict[str, Any]] | None: ...

    def round_status(self, round_id: int, group_id: str, now: datetime) -> dict[str, Any]: ...

    def picture_input(
        self, group_id: str, group_name: str, rnd: Round, factors: list[Factor], threshold: int, now: datetime
    ) -> PictureInput: ...

    def notes_for_review(self, round_id: int) -> list[dict[str, Any]]: ...

    def set_note_review(self, round_id: int, ident: str, status: str) -> bool: ...

    def add_observation(
        self,
        round_id: int,
        author_id: int,
        author: str,
        source: str,
        area: str | None,
        factor: str | None,
        text: str,
        now: datetime,
    ) -> None: ...

    def edit_note(self, round_id: int, ident: str, text: str) -> bool:
        """A coordinator's rewrite of a note (e.g. a name taken out): stored, approved, and put into the
        reporter's saved questionnaire too, so a later edit of theirs does not bring the old text back."""

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

    def person_export(self, person_id: int) -> dict[str, Any]:
        """Everything stored about one person, for their own copy (a subject access request)."""

    def add_candidate(
        self,
        round_id: int,
        key: str,
        area: str,
        place: str | None,
        factors: tuple[str, ...],
        title: str,
        reasons: tuple[str, ...],
        source: str,
        position: int,
    ) -> int | None: ...

    def candidates(self, round_id: int) -> list[Candidate]: ...

    def get_candidate(self, candidate_id: int) -> Candidate | None: ...

    def vote(self, candidate_id: int, person_id: int, on: bool) -> bool:
        """Add or withdraw one person's vote; True if that changed anything (a double click does not)."""

    def set_candidate_field(self, candidate_id: int, field: str, value: str) -> bool: ...

    def decide_candidate(
        self, candidate_id: int, decided: bool, group_id: str, round_id: int, now: datetime
    ) -> None: ...

    def actions_for_round(self, round_id: int) -> list[Action]: ...

    def actions(self, group_id: str) -> list[Action]: ...

    def set_action_status(self, group_id: str, action_id: int, status: str) -> bool: ...

    def week_stats(self, group_id: str, first: RoundKey, last: RoundKey) -> list[WeekStat]:
        """Each round from `first` to `last`: phase, reporters asked, reports submitted; oldest first."""

    def cell_stats(self, group_id: str, first: RoundKey, last: RoundKey) -> list[CellStat]:
        """Count, sum and highest level of the submitted reports per week, area and factor."""

    def place_mentions(self, group_id: str, first: RoundKey, last: RoundKey) -> list[PlaceMention]:
        """How many submitted reports named each place, per week and factor."""

    def answer_records(self, group_id: str, first: RoundKey, last: RoundKey) -> list[AnswerRecord]:
        """Every submitted answer in the weeks, with its organisation (never the person); approved notes only."""

    def participation(self, group_id: str, first: RoundKey, last: RoundKey) -> list[Participation]:
        """Per organisation: reports submitted and weeks with at least one; most reports first."""

    def action_organisations(self, group_id: str) -> dict[int, list[str]]:
        """The organisations of the people who voted for each decided action (never their names)."""

    def create_invite(self, code: str, person_id: int, now: datetime, expires_at: datetime) -> None: ...

    def use_invite(self, code: str, used_by: str, now: datetime) -> int | None:
        """Spend a one-time code; the person it was made for, or None if unknown, used or expired."""

    def begin_batch(
        self, presses: Sequence[tuple[str, str, int | None]], events: Sequence[tuple[str, str]], now: datetime
    ) -> None:
        """Handle a batch of button presses in this unit of work with fewer statements: read at once what the
        presses are about to read one by one, and hold back their writes until `end_batch` (see
        docs/PERFORMANCE.md, answer handling: this halves what a press costs).

        `presses`: (platform, account, round id or None) per press; `events`: (platform, event id) per event.
        The events are recorded as processed here already, and `mark_event_processed` answers from that: the
        first delivery of an id is new, every later one (a second copy in the same batch too) a duplicate.
        Persons, their areas, the areas' places and the rounds are answered from memory (a new place drops
        its area's list); each reporter's response row is locked here as `get_or_create_response` would lock
        it. Messages to send and saved responses are kept in memory and written together by `end_batch`;
        every later press of the same reporter reads the row as the batch last saved it. Only what a
        questionnaire press does may happen in between: anything else must come after `end_batch`.
        `SqlUnitOfWork.commit` ends the batch; nothing of it outlives the unit of work."""

    def end_batch(self) -> None:
        """Write what the batch held back, and read from the database again from now on (the events recorded
        by `begin_batch` stay recorded). Without a batch, nothing to do."""

    def mark_event_processed(self, platform: str, event_id: str, now: datetime) -> bool:
        """Whether this is the first delivery of the event (recorded now, or by `begin_batch`)."""

    def audit(self, now: datetime, group_id: str, actor: str, action: str, detail: dict[str, Any]) -> None: ...

    def audit_log(
        self, group_id: str | None = None, limit: int = 100
    ) -> list[tuple[datetime, str, str, str, dict[str, Any]]]: ...

    def enqueue(
        self, key: str, platform: str, address: str, ref: str | None, payload: dict[str, Any], now: datetime
    ) -> None: ...

    def claim_outbox(
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

    def outbox_sent(self, item_id: int, now: datetime, message_id: str | None) -> None:
        """Mark a row sent and remember which platform message shows its ref (one UPDATE, one upsert).

        `claimed_by` stays: it tells which process delivered the row."""

    def outbox_retry(self, item_id: int, at: datetime, error: str, park_after: int, count: bool = True) -> bool:
        """Schedule another attempt, or park the row after too many failures; True if parked.

        A rate limit (`count=False`) reschedules without counting as a failed attempt. A row that is no longer
        pending (another claimer whose lease outlived ours delivered it) is left as it is."""

    def outbox_park(self, item_id: int, error: str) -> None: ...

    def outbox_release(self, item_ids: list[int], claimer: str) -> None:
        """Give back claimed rows that were not tried (a rate limit stopped the batch, or the sender stopped)."""

    def parked_messages(self, limit: int = 5) -> list[tuple[str, str, str | None, str | None]]:
        """The latest parked rows: (platform, address, name of the person the address belongs to, last error)."""

    def message_id_for(self, platform: str, address: str, ref: str) -> str | None: ...

    def ref_for_message(self, platform: str, address: str, message_id: str) -> str | None:
        """Which ref a platform message shows (Slack: a reaction on a candidate's message is a vote)."""

    def parked_count(self) -> int: ...

    def outbox_counts(self) -> dict[str, int]: ...

    def prune_processed_events(self, before: datetime) -> None: ...

    def save_stat_records(
        self, group_id: str, source: str, records: list[StatRecord], file: str, now: datetime
    ) -> tuple[int, int, int]:
        """Add new records and update changed ones, matched by natural key; (new, updated, unchanged)."""

    def stat_records(self, group_id: str, first: tuple[int, int], last: tuple[int, int]) -> list[StatRecord]:
        """Every record of the group from month `first` to month `last` (year, month), both included."""

    def save_police_events(self, group_id: str, events: list[PoliceEvent], now: datetime) -> tuple[int, int, int]:
        """Add new events and update the ones the police have changed, by event id; (new, updated, unchanged)."""

    def police_events(self, group_id: str, start: datetime, end: datetime) -> list[PoliceEvent]:
        """The group's police events from `start` (included) to `end` (excluded), oldest first."""

    def monthly_posted(self, group_id: str, year: int, month: int) -> datetime | None: ...

    def claim_monthly_post(self, group_id: str, year: int, month: int, now: datetime) -> bool:
        """Record that the month's follow-up is posted; False if it already was (by this or another process)."""


class UnitOfWork(Protocol):
    @property
    def store(self) -> Store: ...

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...
