"""Plain records the services work with; storage maps its rows to these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Required, TypedDict

from bot.domain.conversation_state import ConversationState
from bot.domain.cycle import Phase, RoundKey

ROLE_RANK = {"reporter": 0, "participant": 1, "coordinator": 2, "admin": 3}
ACTION_TYPES = ("presence", "traffic", "camera", "physical", "social", "other")
RESPONSIBLES = ("police", "hosts", "social", "owner", "municipality", "other")
TIMEFRAMES = ("weekend", "next_week", "long_term")


@dataclass(frozen=True)
class Person:
    id: int
    group_id: str
    name: str
    organisation: str
    role: str
    language: str
    active: bool = True
    receives_report: bool = True
    paused_until: datetime | None = None
    # How the week's questionnaire reaches them when they have several ways ("email", "slack", "telegram");
    # None: the first chat account, e-mail only without one (bot/usecases/context.py reach).
    channel: str | None = None

    def has_role(self, role: str) -> bool:
        return ROLE_RANK.get(self.role, -1) >= ROLE_RANK[role]

    def is_paused(self, now: datetime) -> bool:
        return self.paused_until is not None and self.paused_until > now


@dataclass(frozen=True)
class Area:
    id: int
    group_id: str
    code: str
    name: str


@dataclass(frozen=True)
class Place:
    id: int
    area_id: int
    name: str
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Round:
    id: int
    group_id: str
    key: RoundKey
    phase: Phase
    opened_at: datetime | None = None


@dataclass
class Response:
    id: int
    round_id: int
    person_id: int | None
    status: str  # pending | in_progress | snoozed | submitted
    state: ConversationState = field(default_factory=ConversationState)  # where the questionnaire is
    version: int = 0
    snoozed_until: datetime | None = None
    reminders: int = 0
    late: bool = False
    submitted_at: datetime | None = None


@dataclass(frozen=True)
class AnswerIn:
    area_id: int
    factor: str
    level: int
    place_id: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class Candidate:
    id: int
    round_id: int
    key: str
    area_code: str
    area_name: str
    place: str | None
    factors: tuple[str, ...]
    title: str
    reasons: tuple[str, ...]
    source: str
    action_type: str | None
    responsible: str | None
    timeframe: str | None
    status: str
    votes: int

    @property
    def chosen(self) -> bool:
        """Whether the meeting chose it: a vote, an action type or someone responsible. A candidate nobody chose
        is dropped when the picture is finalised, whoever proposed it (a priority a coordinator added too), so
        that it is never listed as a decided priority."""
        return self.votes > 0 or bool(self.action_type) or bool(self.responsible)


@dataclass(frozen=True)
class Action:
    id: int
    week: RoundKey
    area_code: str
    area_name: str
    place: str | None
    factors: tuple[str, ...]
    title: str
    action_type: str | None  # None: the meeting did not choose it
    responsible: str | None
    timeframe: str | None
    votes: int
    status: str


@dataclass(frozen=True)
class OutboxItem:
    id: int
    key: str
    platform: str
    address: str
    ref: str | None
    payload: dict[str, Any]
    attempts: int
    status: str


class LastAnswer(TypedDict, total=False):
    """One item of a reporter's sent questionnaire of last week, as the next one copies it."""

    level: Required[int]
    place: str  # only when the answer named a place


@dataclass(frozen=True)
class RoundStatus:
    """Who answered a round: responses expected and sent (`late` of them after the deadline), the names of
    those who did not answer yet, and of the group's members who pause now."""

    expected: int
    done: int
    late: int
    missing: tuple[str, ...]  # sorted
    paused: tuple[str, ...]


@dataclass(frozen=True)
class NoteForReview:
    """A reporter's note as a coordinator reviews it. `id` is even for an answer's note and odd for the closing
    "anything more" text; `where` is "area/factor[/place]", or "–" for the closing text."""

    id: int
    review: str
    where: str
    text: str


@dataclass(frozen=True)
class OwnAnswer:
    """One answer a person sent, as stored (the note as masked when sent, or as a coordinator rewrote it), with
    its week and response: what the person's own page shows."""

    week: RoundKey
    submitted_at: datetime | None
    late: bool
    more: str | None  # the response's closing "anything more" text
    area: str  # area code
    factor: str
    level: int
    place: str | None
    note: str | None


@dataclass(frozen=True)
class PlaceForReview:
    """A place reporters named or shared that waits for a coordinator: how many answers name it, whether it
    came from a shared location, and since when it waits (when it was first named)."""

    id: int
    area: str
    name: str
    answers: int
    located: bool
    since: datetime | None = None
