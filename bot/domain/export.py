"""A person's own copy of what is stored about them (a subject access request), as `mydata` writes it to a
JSON file: JSON-ready mappings, typed by name so the core reads known keys."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict


class ExportedPerson(TypedDict):
    name: str
    group: str
    organisation: str
    role: str
    language: str
    active: bool
    receives_report: bool
    paused_until: str | None  # ISO 8601


class ExportedAccount(TypedDict):
    platform: str
    id: str


class ExportedAnswer(TypedDict):
    area: str
    factor: str
    level: int
    place: str | None
    note: str | None


class ExportedResponse(TypedDict):
    week: str
    status: str
    organisation: str
    submitted_at: str | None  # ISO 8601
    late: bool
    answers: list[ExportedAnswer]
    more: str | None
    saved_questionnaire: Mapping[str, object]  # the stored questionnaire state as stored (JSON)


class ExportedObservation(TypedDict):
    week: str
    factor: str | None
    text: str
    at: str  # ISO 8601


class ExportedInvitation(TypedDict):
    created_at: str  # ISO 8601
    used_at: str | None


class ExportedMessage(TypedDict):
    at: str  # ISO 8601
    platform: str
    status: str
    text: str
    attachments: list[str | None]  # file names


class PersonExport(TypedDict):
    """Everything stored about one person."""

    person: ExportedPerson
    areas: list[str]  # area codes
    accounts: list[ExportedAccount]
    responses: list[ExportedResponse]
    observations: list[ExportedObservation]
    votes: list[str]  # titles of the candidates they voted for
    invitations: list[ExportedInvitation]
    messages: list[ExportedMessage]
