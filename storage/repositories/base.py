"""What every repository shares: the session, running a prepared statement, and rows mapped to records.

The row-to-record functions read by attribute name, so they take an ORM object or a Core row alike.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy import Row, Table, and_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.domain.conversation_state import ConversationState
from bot.domain.cycle import Phase, RoundKey
from bot.domain.model import Person, Response, Round
from storage.models import AnswerRow, PersonRow, PlaceRow, ResponseRow, RoundRow

log = logging.getLogger(__name__)


class SqlRepository:
    """One repository over the unit of work's session."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def _core(self, statement: Any, params: dict[str, Any] | list[dict[str, Any]]) -> Any:
        """Run a prepared Core statement on this unit of work's connection, after what the session holds."""
        if self.s.new or self.s.dirty or self.s.deleted:
            self.s.flush()
        return self.s.connection().execute(statement, params)

    def _insert(self, model: Any) -> Any:
        name = self.s.get_bind().dialect.name
        return (pg_insert if name == "postgresql" else sqlite_insert)(model)


def norm(name: str) -> str:
    return " ".join(name.split()).casefold()


def table(model: type[Any]) -> Table:
    """A mapped class's table, typed as one."""
    return cast(Table, model.__table__)


def person_of(r: PersonRow | Row[Any]) -> Person:
    return Person(
        r.id, r.group_id, r.name, r.organisation, r.role, r.language, r.active, r.receives_report, r.paused_until
    )


def round_of(r: RoundRow | Row[Any]) -> Round:
    return Round(r.id, r.group_id, RoundKey(r.year, r.week), Phase(r.phase), r.opened_at)


def response_of(r: ResponseRow | Row[Any]) -> Response:
    return Response(
        r.id,
        r.round_id,
        r.person_id,
        r.status,
        stored_state(r.id, r.state),
        r.version,
        r.snoozed_until,
        r.reminders,
        r.late,
        r.submitted_at,
    )


def stored_state(response_id: int, data: object) -> ConversationState:
    """A response's saved questionnaire; a malformed one is logged (its id, never its content) and read as a
    fresh state, so one bad row does not fail every read of it (a group's tick reads due snoozes every minute)."""
    if not data:
        return ConversationState()
    if isinstance(data, Mapping):
        try:
            return ConversationState.from_json(data)
        except ValueError as e:
            log.warning("response %s: stored state unreadable (%s), read as a fresh one", response_id, type(e).__name__)
            return ConversationState()
    log.warning("response %s: stored state is not an object, read as a fresh one", response_id)
    return ConversationState()


#: An answer's place as pictures, reports, trends and exports show it: only once a coordinator approved it.
APPROVED_PLACE = and_(PlaceRow.id == AnswerRow.place_id, PlaceRow.review == "approved")
