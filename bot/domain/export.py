"""A person's own copy of what is stored about them (a subject access request), as `mydata` writes it to a
JSON file: JSON-ready mappings, typed by name so the core reads known keys."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol, TypedDict


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


class PersonFields(Protocol):
    """What a stored person has that the export shows (a row of storage, or of its in-memory fake)."""

    name: str
    group_id: str
    organisation: str
    role: str
    language: str
    active: bool
    receives_report: bool
    paused_until: datetime | None


def exported_person(p: PersonFields) -> ExportedPerson:
    return {
        "name": p.name,
        "group": p.group_id,
        "organisation": p.organisation,
        "role": p.role,
        "language": p.language,
        "active": p.active,
        "receives_report": p.receives_report,
        "paused_until": p.paused_until.isoformat() if p.paused_until else None,
    }


def exported_message(at: datetime, platform: str, status: str, payload: Mapping[str, Any] | None) -> ExportedMessage:
    """A message sent to the person: its text and the names of its files, as the outbox keeps it."""
    payload = payload or {}
    return {
        "at": at.isoformat(),
        "platform": platform,
        "status": status,
        "text": payload.get("text", ""),
        "attachments": [a.get("filename") for a in payload.get("attachments", ())],
    }
