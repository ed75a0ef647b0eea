"""The in-memory tables the fake repositories share: one dataclass row per table of storage/models.py, kept in
dicts by primary key. A `FakeDatabase` holds the committed tables; each unit of work works on a copy of them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, datetime
from typing import Any


def as_json(value: Any) -> Any:
    """What a JSON column gives back for `value`: tuples become lists, and nothing is shared with the caller."""
    return json.loads(json.dumps(value))


def norm(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass
class GroupRow:
    id: str
    name: str


@dataclass
class AreaRow:
    id: int
    group_id: str
    code: str
    name: str


@dataclass
class PlaceRow:
    id: int
    area_id: int
    name: str
    norm: str
    lat: float | None
    lon: float | None
    configured: bool
    created_at: datetime
    review: str


@dataclass
class PersonRow:
    id: int
    group_id: str
    name: str
    name_key: str
    organisation: str
    role: str
    language: str
    active: bool = True
    receives_report: bool = True
    paused_until: datetime | None = None
    forgotten: bool = False
    channel: str | None = None


@dataclass
class InviteRow:
    code: str
    person_id: int
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    used_by: str | None = None


@dataclass
class WebLinkRow:
    token_hash: str
    person_id: int
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


@dataclass
class WebSessionRow:
    session_hash: str
    person_id: int
    created_at: datetime
    seen_at: datetime
    ended_at: datetime | None = None


@dataclass
class RoundRow:
    id: int
    group_id: str
    year: int
    week: int
    phase: str
    created_at: datetime
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    drafted_at: datetime | None = None
    finalised_at: datetime | None = None
    published_at: datetime | None = None
    charts_owed: bool = False

    @property
    def number(self) -> int:
        return self.year * 100 + self.week


@dataclass
class ResponseRow:
    id: int
    round_id: int
    person_id: int | None
    organisation: str
    updated_at: datetime
    status: str = "pending"
    state: dict[str, Any] = field(default_factory=dict)
    version: int = 0
    snoozed_until: datetime | None = None
    reminders: int = 0
    late: bool = False
    submitted_at: datetime | None = None
    more_note: str | None = None
    more_review: str = "pending"


@dataclass
class AnswerRow:
    id: int
    response_id: int
    area_id: int
    factor: str
    level: int
    place_id: int | None
    note: str | None
    note_review: str = "pending"


@dataclass
class ObservationRow:
    id: int
    round_id: int
    author_id: int | None
    author: str
    source: str
    area_id: int | None
    factor: str | None
    text: str
    created_at: datetime


@dataclass
class CandidateRow:
    id: int
    round_id: int
    key: str
    area_id: int
    place_id: int | None
    factors: str
    title: str
    reasons: str
    source: str
    position: int
    action_type: str | None = None
    responsible: str | None = None
    timeframe: str | None = None
    status: str = "candidate"


@dataclass
class ActionRow:
    id: int
    group_id: str
    round_id: int
    candidate_id: int | None
    area_id: int
    place_id: int | None
    factors: str
    title: str
    action_type: str | None
    responsible: str | None
    timeframe: str | None
    votes: int
    status: str
    created_at: datetime


@dataclass
class OutboxRow:
    id: int
    key: str
    platform: str
    address: str
    ref: str | None
    payload: dict[str, Any]
    next_attempt_at: datetime
    created_at: datetime
    status: str = "pending"
    attempts: int = 0
    sent_at: datetime | None = None
    last_error: str | None = None
    claimed_until: datetime | None = None
    claimed_by: str | None = None


@dataclass
class AuditRow:
    id: int
    at: datetime
    group_id: str
    actor: str
    action: str
    detail: dict[str, Any]


@dataclass
class StatRecordRow:
    id: int
    group_id: str
    source: str
    key: str
    year: int
    month: int
    day: date | None
    category: str
    region: str
    place: str
    count: int
    file: str
    imported_at: datetime


@dataclass
class PoliceEventRow:
    id: int
    group_id: str
    event_id: int
    at: datetime
    name: str
    summary: str
    url: str
    type: str
    location: str
    lat: float | None
    lon: float | None
    imported_at: datetime


@dataclass
class Tables:
    """Every table, by primary key (rows with an integer id also count their ids, like a sequence)."""

    groups: dict[str, GroupRow] = field(default_factory=dict)
    areas: dict[int, AreaRow] = field(default_factory=dict)
    places: dict[int, PlaceRow] = field(default_factory=dict)
    persons: dict[int, PersonRow] = field(default_factory=dict)
    # person id -> area ids in their order (the `position` column)
    person_areas: dict[int, list[int]] = field(default_factory=dict)
    # (platform, external id) -> person id
    accounts: dict[tuple[str, str], int] = field(default_factory=dict)
    invites: dict[str, InviteRow] = field(default_factory=dict)
    web_links: dict[str, WebLinkRow] = field(default_factory=dict)
    form_links: dict[tuple[int, int], int] = field(default_factory=dict)  # (person, round) -> generation
    web_sessions: dict[str, WebSessionRow] = field(default_factory=dict)
    rounds: dict[int, RoundRow] = field(default_factory=dict)
    responses: dict[int, ResponseRow] = field(default_factory=dict)
    answers: dict[int, AnswerRow] = field(default_factory=dict)
    observations: dict[int, ObservationRow] = field(default_factory=dict)
    candidates: dict[int, CandidateRow] = field(default_factory=dict)
    votes: set[tuple[int, int]] = field(default_factory=set)  # (candidate id, person id)
    actions: dict[int, ActionRow] = field(default_factory=dict)
    outbox: dict[int, OutboxRow] = field(default_factory=dict)
    # (platform, address, ref) -> message id
    message_refs: dict[tuple[str, str, str], str] = field(default_factory=dict)
    processed_events: dict[tuple[str, str], datetime] = field(default_factory=dict)
    audit: dict[int, AuditRow] = field(default_factory=dict)
    stat_records: dict[int, StatRecordRow] = field(default_factory=dict)
    police_events: dict[int, PoliceEventRow] = field(default_factory=dict)
    monthly_posts: dict[tuple[str, int, int], datetime] = field(default_factory=dict)
    last_ids: dict[str, int] = field(default_factory=dict)

    def copy(self) -> Tables:
        """A copy to work on: every row copied, the JSON values in them shared. The fakes never change a JSON value
        in place (they store a new one), so a row's copy is enough to keep the original as it was."""
        out = Tables()
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, dict):
                value = {k: _row_copy(v) for k, v in value.items()}
            elif isinstance(value, set):
                value = set(value)
            setattr(out, f.name, value)
        return out

    def moved(self) -> Tables:
        """A new `Tables` holding this one's rows, not copies of them (this one is not to be used after)."""
        out = Tables()
        for f in fields(self):
            setattr(out, f.name, getattr(self, f.name))
        return out

    def next_id(self, table: str) -> int:
        n = self.last_ids.get(table, 0) + 1
        self.last_ids[table] = n
        return n


def _row_copy(value: Any) -> Any:
    if is_dataclass(value):  # a row: a new one with the same fields, without `copy.copy`'s detour (it is hot)
        row = object.__new__(type(value))
        vars(row).update(vars(value))
        return row
    if isinstance(value, list):
        return list(value)
    return value  # str, int, datetime: immutable


_MISSING = object()


class ConcurrentChange(RuntimeError):
    """Two units of work changed the same row (or took the same new id): the later commit fails, as a database's
    lock or unique key would make one of them wait or fail."""


def merge(base: Tables, mine: Tables, theirs: Tables) -> Tables:
    """What a unit of work that began at `base` and now has `mine` commits over `theirs`, which other units
    committed since: their rows, with the rows this unit changed, added or deleted put over them."""
    out = theirs.copy()
    for f in fields(base):
        was, now, other, result = (
            getattr(base, f.name),
            getattr(mine, f.name),
            getattr(theirs, f.name),
            getattr(out, f.name),
        )
        if f.name == "last_ids":
            for table, n in now.items():
                result[table] = max(n, result.get(table, 0))
        elif isinstance(was, dict):
            for key in was.keys() | now.keys():
                before, after = was.get(key, _MISSING), now.get(key, _MISSING)
                if before == after:
                    continue
                if other.get(key, _MISSING) != before:
                    raise ConcurrentChange(f"{f.name} {key!r} was changed by another unit of work")
                if after is _MISSING:
                    del result[key]
                else:
                    result[key] = _row_copy(after)
        else:
            result |= now - was
            result -= was - now
    return out


class FakeDatabase:
    """The committed state that fake units of work begin from and commit to (one per test)."""

    def __init__(self) -> None:
        self.tables = Tables()
        self.commits = 0
