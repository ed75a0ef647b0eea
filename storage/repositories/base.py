"""What every repository shares: the session, running a prepared statement, and rows mapped to records.

The row-to-record functions read by attribute name, so they take an ORM object or a Core row alike.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Connection, Row, Table, and_, case, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.domain.conversation_state import ConversationState
from bot.domain.cycle import Phase, RoundKey
from bot.domain.model import Person, Response, Round
from storage.models import AnswerRow, AreaRow, PersonRow, PlaceRow, ResponseRow, RoundRow
from storage.repositories.prepared import prepared
from storage.round_cache import RoundCache, Rows
from storage.unit_session import UnitSession

log = logging.getLogger(__name__)

_CONNECTION = "est_connection"  # the key of the session's connection in `Session.info`


class SqlRepository:
    """One repository over the unit of work's session."""

    #: The process's cache of per-round aggregates (storage/round_cache.py), if the unit of work was given one.
    cache: RoundCache | None = None

    def __init__(self, session: Session) -> None:
        self.s = session

    def _per_round(
        self,
        kind: str,
        round_ids: Sequence[int],
        compute: Callable[[Sequence[int]], Mapping[int, Rows]],
        places_of: str | None = None,
    ) -> dict[int, Rows]:
        """`compute`'s rows for each round, through the cache when there is one; `places_of`: the aggregate joins
        that group's places, so their stamp is part of the key."""
        if self.cache is None or not round_ids:
            found = compute(round_ids) if round_ids else {}
            return {rid: list(found.get(rid, ())) for rid in round_ids}
        stamps: dict[int, Hashable] = {rid: (0, 0, 0, None) for rid in round_ids}
        submitted = func.sum(case((ResponseRow.status == "submitted", 1), else_=0))
        q = (
            select(
                ResponseRow.round_id,
                func.count(),
                submitted,
                func.sum(ResponseRow.version),
                func.max(ResponseRow.updated_at),
            )
            .where(ResponseRow.round_id.in_(list(round_ids)))
            .group_by(ResponseRow.round_id)
        )
        for rid, n, done, versions, latest in self._core(q, {}):
            stamps[rid] = (int(n), int(done or 0), int(versions or 0), str(latest))
        if places_of is not None:
            places = self._places_stamp(places_of)
            stamps = {rid: (stamp, places) for rid, stamp in stamps.items()}
        return self.cache.rows(kind, stamps, compute)

    def _level_rows(self, round_ids: Sequence[int]) -> dict[int, Rows]:
        """Each round's submitted answers counted by (area id, factor, level): the rows of the "levels" kind."""
        # grouped by the area's id, not joined to its code (a third less time), which a second, small query reads
        q = (
            select(ResponseRow.round_id, AnswerRow.area_id, AnswerRow.factor, AnswerRow.level, func.count())
            .join(AnswerRow, AnswerRow.response_id == ResponseRow.id)
            .where(ResponseRow.round_id.in_(list(round_ids)), ResponseRow.status == "submitted")
            .group_by(ResponseRow.round_id, AnswerRow.area_id, AnswerRow.factor, AnswerRow.level)
        )
        out: dict[int, Rows] = {}
        for rid, area_id, factor, level, n in self._core(q, {}):
            out.setdefault(rid, []).append((area_id, factor, int(level), int(n)))
        return out

    def _places_stamp(self, group_id: str) -> Hashable:
        q = (
            select(
                PlaceRow.id,
                PlaceRow.area_id,
                PlaceRow.name,
                PlaceRow.review,
                PlaceRow.lat,
                PlaceRow.lon,
                PlaceRow.configured,
                PlaceRow.created_at,
            )
            .join(AreaRow, AreaRow.id == PlaceRow.area_id)
            .where(AreaRow.group_id == group_id)
            .order_by(PlaceRow.id)
        )
        return hash(tuple(tuple(str(v) for v in row) for row in self._core(q, {})))

    def _core(self, statement: Any, params: dict[str, Any] | list[dict[str, Any]]) -> Any:
        """Run a Core statement on this unit of work's connection, after what the session holds; one built once
        and marked by `prepare` on the driver's cursor (storage/repositories/prepared.py)."""
        s = self.s
        if type(s) is UnitSession:  # the unit of work's: its own connection, no session made for this
            own = s.core_connection()
            fast = prepared(statement)
            return fast.run(own, params, s.driver) if fast is not None else own.execute(statement, params)
        if s.new or s.dirty or s.deleted:
            s.flush()
        # a plain session (tests, tools): its connection, asked once per transaction: `Session.connection()` costs as
        # much as the statement itself (the session's info is the session's, a new transaction a new connection)
        conn: Connection | None = s.info.get(_CONNECTION)
        if conn is None or conn.closed or not conn.in_transaction():
            conn = s.info[_CONNECTION] = s.connection()
        fast = prepared(statement)
        if fast is not None:
            return fast.run(conn, params)
        return conn.execute(statement, params)

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
        r.id,
        r.group_id,
        r.name,
        r.organisation,
        r.role,
        r.language,
        r.active,
        r.receives_report,
        r.paused_until,
        r.channel,
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
