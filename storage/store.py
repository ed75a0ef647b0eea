"""Repositories over one session: rows in, plain domain records out.

The services reach the database only through these methods (the `Store` port
in bot/ports.py), so the core never sees SQLAlchemy.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Row, Table, and_, bindparam, case, delete, func, insert, or_, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause

from bot.domain.conversation_state import ConversationState
from bot.domain.cycle import Phase, RoundKey
from bot.domain.detection import HISTORY_WEEKS
from bot.domain.effect import BEFORE_WEEKS, FOLLOW_WEEKS, level_change, pooled_level
from bot.domain.factors import Factor
from bot.domain.masking import map_strings, mask_data, mask_personal_data
from bot.domain.model import Action, AnswerIn, Area, Candidate, OutboxItem, Person, Place, Response, Round
from bot.domain.picture import (
    ActionFollowUp,
    AreaInfo,
    Note,
    Observation,
    PictureInput,
    Report,
    count_levels,
)
from bot.domain.statistics import PoliceEvent, StatRecord
from bot.domain.stats import AnswerRecord, CellStat, Participation, PlaceMention, WeekStat
from storage.models import (
    AccountRow,
    ActionRow,
    AnswerRow,
    AreaRow,
    AuditRow,
    CandidateRow,
    GroupRow,
    InviteRow,
    MessageRefRow,
    MonthlyPostRow,
    ObservationRow,
    OutboxRow,
    PersonAreaRow,
    PersonRow,
    PlaceRow,
    PoliceEventRow,
    ProcessedEventRow,
    ResponseRow,
    RoundRow,
    StatRecordRow,
    VoteRow,
)


def _norm(name: str) -> str:
    return " ".join(name.split()).casefold()


# The row-to-record functions read by attribute name, so they take an ORM object or a Core row alike.


def _person(r: PersonRow | Row[Any]) -> Person:
    return Person(
        r.id, r.group_id, r.name, r.organisation, r.role, r.language, r.active, r.receives_report, r.paused_until
    )


def _round(r: RoundRow | Row[Any]) -> Round:
    return Round(r.id, r.group_id, RoundKey(r.year, r.week), Phase(r.phase), r.opened_at)


def _response(r: ResponseRow | Row[Any]) -> Response:
    return Response(
        r.id,
        r.round_id,
        r.person_id,
        r.status,
        ConversationState.from_json(r.state or {}),
        r.version,
        r.snoozed_until,
        r.reminders,
        r.late,
        r.submitted_at,
    )


class SqlStore:
    def __init__(self, session: Session) -> None:
        self.s = session
        # A batch of presses (see `begin_batch`): what it read ahead, and the writes it holds back.
        self._batch = False
        self._handed: dict[int, Response] = {}
        self._outbox_rows: list[dict[str, Any]] = []
        self._saves: list[dict[str, Any]] = []
        self._persons: dict[tuple[str, str], Person | None] = {}
        self._areas: dict[int, list[Area]] = {}
        self._places: dict[int, list[Place]] = {}
        self._rounds: dict[int, Round | None] = {}
        self._responses: dict[tuple[int, int], Response] = {}
        self._marked: dict[tuple[str, str], bool] = {}

    def _core(self, statement: Any, params: dict[str, Any] | list[dict[str, Any]]) -> Any:
        """Run a prepared Core statement on this unit of work's connection, after what the session holds."""
        if self.s.new or self.s.dirty or self.s.deleted:
            self.s.flush()
        return self.s.connection().execute(statement, params)

    def _insert(self, model: Any) -> Any:
        name = self.s.get_bind().dialect.name
        return (pg_insert if name == "postgresql" else sqlite_insert)(model)

    # ------------------------------------------------------------ groups, areas, places

    def upsert_group(self, group_id: str, name: str) -> None:
        row = self.s.get(GroupRow, group_id)
        if row is None:
            self.s.add(GroupRow(id=group_id, name=name))
        else:
            row.name = name
        self.s.flush()

    def upsert_area(self, group_id: str, code: str, name: str) -> Area:
        row = self.s.scalar(select(AreaRow).where(AreaRow.group_id == group_id, AreaRow.code == code))
        if row is None:
            row = AreaRow(group_id=group_id, code=code, name=name)
            self.s.add(row)
        else:
            row.name = name
        self.s.flush()
        return Area(row.id, row.group_id, row.code, row.name)

    def areas(self, group_id: str) -> list[Area]:
        rows = self.s.scalars(select(AreaRow).where(AreaRow.group_id == group_id).order_by(AreaRow.id))
        return [Area(r.id, r.group_id, r.code, r.name) for r in rows]

    def area_by_code(self, group_id: str, code: str) -> Area:
        r = self.s.scalar(select(AreaRow).where(AreaRow.group_id == group_id, AreaRow.code == code))
        if r is None:
            raise KeyError(code)
        return Area(r.id, r.group_id, r.code, r.name)

    def places(self, area_id: int) -> list[Place]:
        if area_id in self._places:
            return list(self._places[area_id])
        rows = self._core(_PLACES, {"area_id": area_id})
        return [Place(*r) for r in rows]

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
        self._places.pop(area_id, None)
        norm = _norm(name)
        approved = approved or configured
        q = select(PlaceRow).where(PlaceRow.area_id == area_id, PlaceRow.norm == norm)
        row = self.s.scalar(q)
        if row is None:
            stmt = self._insert(PlaceRow).values(
                area_id=area_id,
                name=" ".join(name.split()),
                norm=norm,
                lat=lat,
                lon=lon,
                configured=configured,
                created_at=now,
                review="approved" if approved else "pending",
            )
            self.s.execute(stmt.on_conflict_do_nothing(index_elements=["area_id", "norm"]))
            row = self.s.scalar(q)
            assert row is not None
        else:
            if configured and not row.configured:
                row.configured = True
            if configured and lat is not None and (row.lat, row.lon) != (lat, lon):
                row.lat, row.lon = lat, lon  # the file gives the position of a configured place
            if approved and row.review != "approved":
                row.review = "approved"
        return Place(row.id, row.area_id, row.name, row.lat, row.lon)

    def places_for_review(self, group_id: str) -> list[dict[str, Any]]:
        """Places reporters named or shared that wait for a coordinator: id, area, name, how many answers name
        them, and whether they came from a shared location."""
        q = (
            select(PlaceRow, AreaRow.code, func.count(AnswerRow.id))
            .join(AreaRow, AreaRow.id == PlaceRow.area_id)
            .outerjoin(AnswerRow, AnswerRow.place_id == PlaceRow.id)
            .where(AreaRow.group_id == group_id, PlaceRow.review == "pending")
            .group_by(PlaceRow.id, AreaRow.code)
            .order_by(PlaceRow.id)
        )
        return [
            {"id": p.id, "area": code, "name": p.name, "answers": int(n), "located": p.lat is not None}
            for p, code, n in self.s.execute(q)
        ]

    def rename_place(self, place_id: int, name: str) -> str:
        """Give an approved place a coordinator's name; when the area already has a place of that name, the two
        become one (answers, candidates and actions follow). Returns the name the place now has."""
        row = self.s.get(PlaceRow, place_id)
        assert row is not None
        self._places.pop(row.area_id, None)
        norm = _norm(name)
        other = self.s.scalar(
            select(PlaceRow).where(PlaceRow.area_id == row.area_id, PlaceRow.norm == norm, PlaceRow.id != row.id)
        )
        if other is None:
            row.name, row.norm = " ".join(name.split()), norm
            self.s.flush()
            return row.name
        for model in (AnswerRow, CandidateRow, ActionRow):
            self.s.execute(update(model).where(model.place_id == row.id).values(place_id=other.id))
        if other.lat is None and row.lat is not None:
            other.lat, other.lon = row.lat, row.lon
        other.review = "approved"
        self.s.delete(row)
        self.s.flush()
        return other.name

    def set_place_review(self, group_id: str, place_id: int, status: str) -> str | None:
        """Approve or reject a place of the group; its name, or None when the group has no such place."""
        row = self.s.get(PlaceRow, place_id)
        if row is None:
            return None
        area = self.s.get(AreaRow, row.area_id)
        if area is None or area.group_id != group_id:
            return None
        if row.configured and status != "approved":
            return None  # a place from the configuration file is changed there
        row.review = status
        self._places.pop(row.area_id, None)
        self.s.flush()
        return row.name

    def count_area_reporters(self, area_id: int) -> int:
        return int(
            self.s.scalar(
                select(func.count())
                .select_from(PersonAreaRow)
                .join(PersonRow)
                .where(PersonAreaRow.area_id == area_id, PersonRow.active.is_(True))
            )
            or 0
        )

    # ------------------------------------------------------------ people

    def upsert_person(
        self, group_id: str, name: str, organisation: str, role: str, language: str, receives_report: bool
    ) -> Person:
        key = _norm(name)
        row = self.s.scalar(select(PersonRow).where(PersonRow.group_id == group_id, PersonRow.name_key == key))
        if row is None:
            row = PersonRow(
                group_id=group_id,
                name=name,
                name_key=key,
                organisation=organisation,
                role=role,
                language=language,
                receives_report=receives_report,
                active=True,
                forgotten=False,
            )
            self.s.add(row)
        else:
            row.name, row.organisation, row.role = name, organisation, role
            row.receives_report = receives_report
        self.s.flush()
        return _person(row)

    def get_person(self, person_id: int) -> Person:
        row = self.s.get(PersonRow, person_id)
        if row is None:
            raise KeyError(person_id)
        return _person(row)

    def person_by_name(self, group_id: str, name: str) -> Person | None:
        row = self.s.scalar(select(PersonRow).where(PersonRow.group_id == group_id, PersonRow.name_key == _norm(name)))
        return _person(row) if row else None

    def persons(self, group_id: str, active_only: bool = True) -> list[Person]:
        q = select(PersonRow).where(PersonRow.group_id == group_id, PersonRow.forgotten.is_(False))
        if active_only:
            q = q.where(PersonRow.active.is_(True))
        return [_person(r) for r in self.s.scalars(q.order_by(PersonRow.name))]

    def person_by_account(self, platform: str, external_id: str) -> Person | None:
        # Every incoming event starts here: a statement built once (module level), no ORM loading.
        if (platform, external_id) in self._persons:
            return self._persons[platform, external_id]
        row = self._core(_PERSON_BY_ACCOUNT, {"platform": platform, "external_id": external_id})
        found = row.first()
        return _person(found) if found else None

    def link_account(self, platform: str, external_id: str, person_id: int) -> None:
        row = self.s.get(AccountRow, (platform, external_id))
        if row is None:
            self.s.add(AccountRow(platform=platform, external_id=external_id, person_id=person_id))
        else:
            row.person_id = person_id
        self.s.flush()

    def account_owner(self, platform: str, external_id: str) -> int | None:
        row = self.s.get(AccountRow, (platform, external_id))
        return row.person_id if row else None

    def accounts_of(self, person_id: int) -> list[tuple[str, str]]:
        rows = self.s.execute(
            select(AccountRow.platform, AccountRow.external_id)
            .where(AccountRow.person_id == person_id)
            .order_by(AccountRow.platform)
        )
        return [(p, e) for p, e in rows]

    def set_person_areas(self, person_id: int, area_ids: list[int]) -> None:
        self.s.execute(delete(PersonAreaRow).where(PersonAreaRow.person_id == person_id))
        for pos, aid in enumerate(area_ids):
            self.s.add(PersonAreaRow(person_id=person_id, area_id=aid, position=pos))
        self.s.flush()

    def person_areas(self, person_id: int) -> list[Area]:
        if person_id in self._areas:
            return list(self._areas[person_id])
        return [Area(*r) for r in self._core(_PERSON_AREAS, {"person_id": person_id})]

    def set_language(self, person_id: int, lang: str) -> None:
        self.s.execute(update(PersonRow).where(PersonRow.id == person_id).values(language=lang))

    def set_paused(self, person_id: int, until: datetime | None) -> None:
        self.s.execute(update(PersonRow).where(PersonRow.id == person_id).values(paused_until=until))

    def set_active(self, person_id: int, active: bool) -> None:
        self.s.execute(update(PersonRow).where(PersonRow.id == person_id).values(active=active))

    # ------------------------------------------------------------ rounds

    def get_round(self, group_id: str, key: RoundKey) -> Round | None:
        r = self.s.scalar(
            select(RoundRow).where(RoundRow.group_id == group_id, RoundRow.year == key.year, RoundRow.week == key.week)
        )
        return _round(r) if r else None

    def get_round_by_id(self, round_id: int) -> Round | None:
        if round_id in self._rounds:
            return self._rounds[round_id]
        r = self._core(_ROUND_BY_ID, {"round_id": round_id}).first()
        return _round(r) if r else None

    def create_round(self, group_id: str, key: RoundKey, now: datetime) -> Round:
        """Insert the round unless another process just did; either way return it."""
        stmt = self._insert(RoundRow).values(
            group_id=group_id, year=key.year, week=key.week, phase=Phase.PLANNED.value, created_at=now
        )
        self.s.execute(stmt.on_conflict_do_nothing(index_elements=["group_id", "year", "week"]))
        r = self.get_round(group_id, key)
        assert r is not None
        return r

    def recent_rounds(self, group_id: str, n: int) -> list[Round]:
        rows = self.s.scalars(
            select(RoundRow)
            .where(RoundRow.group_id == group_id)
            .order_by(RoundRow.year.desc(), RoundRow.week.desc())
            .limit(n)
        )
        return [_round(r) for r in rows]

    def unpublished_rounds(self, group_id: str) -> list[Round]:
        rows = self.s.scalars(
            select(RoundRow)
            .where(RoundRow.group_id == group_id, RoundRow.phase != Phase.PUBLISHED.value)
            .order_by(RoundRow.year, RoundRow.week)
        )
        return [_round(r) for r in rows]

    def set_phase(self, round_id: int, old: Phase, new: Phase, now: datetime) -> bool:
        """Compare-and-set: only one caller ever moves a round from `old` to `new`."""
        values: dict[str, Any] = {"phase": new.value}
        stamp = {
            Phase.OPEN: "opened_at",
            Phase.CLOSED: "closed_at",
            Phase.DRAFTED: "drafted_at",
            Phase.FINALISED: "finalised_at",
            Phase.PUBLISHED: "published_at",
        }.get(new)
        if stamp:
            values[stamp] = now
        res = self.s.execute(
            update(RoundRow).where(RoundRow.id == round_id, RoundRow.phase == old.value).values(**values)
        )
        return bool(res.rowcount == 1)  # type: ignore[attr-defined]

    # ------------------------------------------------------------ responses

    def get_response(self, round_id: int, person_id: int) -> Response | None:
        r = self.s.scalar(
            select(ResponseRow).where(ResponseRow.round_id == round_id, ResponseRow.person_id == person_id)
        )
        return _response(r) if r else None

    def get_or_create_response(self, round_id: int, person_id: int, organisation: str, now: datetime) -> Response:
        """The reporter's row for the round, locked for this unit of work; created if missing. In a batch, as
        the batch last saved it (see `begin_batch`)."""
        known = self._responses.get((round_id, person_id))
        if known is not None:
            self._handed[known.id] = known
            return known
        params = {"round_id": round_id, "person_id": person_id}
        r = self._core(_RESPONSE_FOR_UPDATE, params).first()
        if r is None:
            stmt = self._insert(ResponseRow).values(
                round_id=round_id,
                person_id=person_id,
                organisation=organisation,
                status="pending",
                state={},
                version=0,
                reminders=0,
                late=False,
                updated_at=now,
                more_review="pending",
            )
            self.s.execute(stmt.on_conflict_do_nothing(index_elements=["round_id", "person_id"]))
            r = self._core(_RESPONSE_FOR_UPDATE, params).first()
        assert r is not None
        response = _response(r)
        if self._batch:  # the next press of this reporter in the batch must see what this one saves
            self._responses[round_id, person_id] = self._handed[response.id] = response
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
        params = {
            "b_id": response_id,
            "b_version": version,
            "b_state": state.to_json(),
            "b_status": status,
            "b_snoozed_until": snoozed_until,
            "b_late": late,
            "b_submitted_at": submitted_at,
            "b_updated_at": now,
            "b_next_version": version + 1,
        }
        handed = self._handed.pop(response_id, None) if self._batch else None
        if handed is not None:  # written with the batch; the reporter's next press in it reads this
            self._saves.append(params)
            self._responses[handed.round_id, cast(int, handed.person_id)] = replace(
                handed,
                state=state,
                version=version + 1,
                status=status,
                snoozed_until=snoozed_until,
                late=late,
                submitted_at=submitted_at,
            )
            return
        if self._core(_SAVE_RESPONSE, params).rowcount != 1:
            raise RuntimeError(f"response {response_id} changed concurrently")

    def set_reminders(self, response_id: int, n: int) -> None:
        self.s.execute(update(ResponseRow).where(ResponseRow.id == response_id).values(reminders=n))

    def max_reminders(self, round_id: int) -> int:
        return int(self.s.scalar(select(func.max(ResponseRow.reminders)).where(ResponseRow.round_id == round_id)) or 0)

    def due_snoozes(self, group_id: str, now: datetime) -> list[tuple[Response, Round]]:
        rows = self.s.execute(
            select(ResponseRow, RoundRow)
            .join(RoundRow, RoundRow.id == ResponseRow.round_id)
            .where(RoundRow.group_id == group_id, ResponseRow.status == "snoozed", ResponseRow.snoozed_until <= now)
        )
        return [(_response(r), _round(rr)) for r, rr in rows]

    def replace_answers(self, response_id: int, answers: list[AnswerIn], more: str | None) -> None:
        """A sent questionnaire's answers, replacing any earlier ones; a note kept word for word keeps its review."""
        params = {"response_id": response_id}
        old = {(area_id, factor): (note, review) for area_id, factor, note, review in self._core(_OLD_NOTES, params)}
        self._core(_DELETE_ANSWERS, params)
        rows = []
        for a in answers:
            prev = old.get((a.area_id, a.factor))
            review = prev[1] if prev is not None and prev[0] == a.note else "pending"
            rows.append(
                {
                    "response_id": response_id,
                    "area_id": a.area_id,
                    "factor": a.factor,
                    "level": a.level,
                    "place_id": a.place_id,
                    "note": a.note,
                    "note_review": review,
                }
            )
        if rows:
            self._core(_INSERT_ANSWERS, rows)
        self._core(_SET_MORE, {"b_id": response_id, "b_more": more})

    def last_submitted_answers(self, group_id: str, key: RoundKey, person_id: int) -> dict[str, dict[str, Any]] | None:
        prev = key.prev()
        row = self.s.scalar(
            select(ResponseRow)
            .join(RoundRow, RoundRow.id == ResponseRow.round_id)
            .where(
                RoundRow.group_id == group_id,
                RoundRow.year == prev.year,
                RoundRow.week == prev.week,
                ResponseRow.person_id == person_id,
                ResponseRow.status == "submitted",
            )
        )
        if row is None:
            return None
        out: dict[str, dict[str, Any]] = {}
        q = (
            select(AnswerRow, AreaRow.code, PlaceRow.name)
            .join(AreaRow, AreaRow.id == AnswerRow.area_id)
            .outerjoin(PlaceRow, PlaceRow.id == AnswerRow.place_id)
            .where(AnswerRow.response_id == row.id)
        )
        for a, code, place in self.s.execute(q):
            d: dict[str, Any] = {"level": a.level}
            if place:
                d["place"] = place
            out[f"{code}|{a.factor}"] = d
        return out

    def round_status(self, round_id: int, group_id: str, now: datetime) -> dict[str, Any]:
        rows = self.s.execute(
            select(ResponseRow, PersonRow)
            .outerjoin(PersonRow, PersonRow.id == ResponseRow.person_id)
            .where(ResponseRow.round_id == round_id)
        )
        expected = done = late = 0
        missing: list[str] = []
        paused: list[str] = []
        for resp, person in rows:
            expected += 1
            if resp.status == "submitted":
                done += 1
                late += int(resp.late)
            elif person is not None:
                missing.append(person.name)
        for p in self.persons(group_id):
            if p.is_paused(now):
                paused.append(p.name)
        return {"expected": expected, "done": done, "late": late, "missing": sorted(missing), "paused": paused}

    # ------------------------------------------------------------ picture input

    def _reports(self, round_ids: list[int]) -> dict[int, list[Report]]:
        out: dict[int, list[Report]] = defaultdict(list)
        if not round_ids:
            return out
        q = (
            select(
                ResponseRow.round_id,
                ResponseRow.id,
                ResponseRow.organisation,
                AreaRow.code,
                AnswerRow.factor,
                AnswerRow.level,
                PlaceRow.name,
                AnswerRow.note,
            )
            .join(AnswerRow, AnswerRow.response_id == ResponseRow.id)
            .join(AreaRow, AreaRow.id == AnswerRow.area_id)
            .outerjoin(PlaceRow, _APPROVED_PLACE)
            .where(ResponseRow.round_id.in_(round_ids), ResponseRow.status == "submitted")
        )
        for rid, resp_id, org, area, factor, level, place, note in self.s.execute(q):
            out[rid].append(Report(resp_id, org, area, factor, level, place, note))
        return out

    def _level_counts(self, round_ids: list[int]) -> dict[int, dict[tuple[str, str, int], int]]:
        """Submitted answers per round counted by (area, factor, level), in the database: all that the
        picture needs of earlier weeks, a few hundred rows a week whatever the number of reporters."""
        out: dict[int, dict[tuple[str, str, int], int]] = defaultdict(dict)
        if not round_ids:
            return out
        q = (
            select(ResponseRow.round_id, AreaRow.code, AnswerRow.factor, AnswerRow.level, func.count())
            .join(AnswerRow, AnswerRow.response_id == ResponseRow.id)
            .join(AreaRow, AreaRow.id == AnswerRow.area_id)
            .where(ResponseRow.round_id.in_(round_ids), ResponseRow.status == "submitted")
            .group_by(ResponseRow.round_id, AreaRow.code, AnswerRow.factor, AnswerRow.level)
        )
        for rid, area, factor, level, n in self.s.execute(q):
            out[rid][(area, factor, level)] = n
        return out

    def picture_input(
        self, group_id: str, group_name: str, rnd: Round, factors: list[Factor], threshold: int, now: datetime
    ) -> PictureInput:
        history_rows = list(
            self.s.scalars(
                select(RoundRow)
                .where(
                    RoundRow.group_id == group_id,
                    (RoundRow.year * 100 + RoundRow.week) < rnd.key.year * 100 + rnd.key.week,
                )
                .order_by(RoundRow.year.desc(), RoundRow.week.desc())
                # enough weeks for the detection rule and for the level before of every action followed up
                .limit(max(HISTORY_WEEKS, FOLLOW_WEEKS + BEFORE_WEEKS - 1))
            )
        )
        reports = self._reports([rnd.id])
        counts = self._level_counts([r.id for r in history_rows])
        history_counts = {RoundKey(r.year, r.week): counts.get(r.id, {}) for r in history_rows}
        this_round = self.s.get(RoundRow, rnd.id)
        assert this_round is not None
        areas = self.areas(group_id)
        area_code = {a.id: a.code for a in areas}
        known = {
            (area_code[p.area_id], p.norm)
            for p in self.s.scalars(
                select(PlaceRow).where(
                    PlaceRow.area_id.in_(list(area_code)),
                    (PlaceRow.configured.is_(True)) | (PlaceRow.created_at < this_round.created_at),
                )
            )
        }
        st = self.round_status(rnd.id, group_id, now)
        notes: list[Note] = []
        q = (
            select(AnswerRow, AreaRow.code, PlaceRow.name, ResponseRow.organisation)
            .join(ResponseRow, ResponseRow.id == AnswerRow.response_id)
            .join(AreaRow, AreaRow.id == AnswerRow.area_id)
            .outerjoin(PlaceRow, _APPROVED_PLACE)
            .where(
                ResponseRow.round_id == rnd.id,
                ResponseRow.status == "submitted",
                AnswerRow.note.is_not(None),
                AnswerRow.note_review != "hidden",
            )
            .order_by(AnswerRow.id)
        )
        for a, code, place, org in self.s.execute(q):
            notes.append(Note(a.id * 2, code, a.factor, place, a.note or "", org, a.note_review == "approved"))
        for r in self.s.scalars(
            select(ResponseRow)
            .where(
                ResponseRow.round_id == rnd.id,
                ResponseRow.status == "submitted",
                ResponseRow.more_note.is_not(None),
                ResponseRow.more_review != "hidden",
            )
            .order_by(ResponseRow.id)
        ):
            notes.append(
                Note(r.id * 2 + 1, None, None, None, r.more_note or "", r.organisation, r.more_review == "approved")
            )
        obs = [
            Observation(area_code.get(o.area_id) if o.area_id else None, o.factor, o.text, o.author, o.source)
            for o in self.s.scalars(
                select(ObservationRow).where(ObservationRow.round_id == rnd.id).order_by(ObservationRow.id)
            )
        ]
        follow: list[ActionFollowUp] = []
        # The levels before and after by the one definition (bot.domain.effect), from the same counts the
        # picture is built from: the history read above covers the weeks back to D-3 of every action followed.
        round_by_id = {r.id: RoundKey(r.year, r.week) for r in history_rows}
        first_followed = rnd.key.minus(FOLLOW_WEEKS)
        week_counts: dict[RoundKey, Mapping[tuple[str, str, int], int]] = {
            **history_counts,
            rnd.key: count_levels(reports.get(rnd.id, [])),
        }
        all_factors = [f.code for f in factors]
        for act in self.s.scalars(
            select(ActionRow)
            .where(ActionRow.group_id == group_id, ActionRow.round_id.in_(list(round_by_id)))
            .order_by(ActionRow.id)
        ):
            decided = round_by_id[act.round_id]
            if decided < first_followed:
                continue
            code = area_code[act.area_id]
            fs = [f for f in act.factors.split(",") if f] or all_factors
            weekly = {w: pooled_level(counts, code, fs) for w, counts in week_counts.items()}
            change = level_change(weekly.get, decided, rnd.key)
            place = self.s.get(PlaceRow, act.place_id) if act.place_id else None
            follow.append(
                ActionFollowUp(
                    act.id,
                    code,
                    place.name if place else None,
                    act.factors.split(",")[0] if act.factors else None,
                    act.title,
                    act.responsible or "",
                    decided,
                    change.before,
                    change.after,
                )
            )
        return PictureInput(
            group_name=group_name,
            week=rnd.key,
            areas=[AreaInfo(a.code, a.name) for a in areas],
            factors=factors,
            reports=reports.get(rnd.id, []),
            history={},
            history_counts=history_counts,
            known_places=known,
            expected=st["expected"],
            responded=st["done"],
            late=st["late"],
            non_responders=st["missing"],
            notes=notes,
            observations=obs,
            actions=follow,
            threshold=threshold,
        )

    def notes_for_review(self, round_id: int) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        q = (
            select(AnswerRow, AreaRow.code, PlaceRow.name)
            .join(ResponseRow, ResponseRow.id == AnswerRow.response_id)
            .join(AreaRow, AreaRow.id == AnswerRow.area_id)
            .outerjoin(PlaceRow, PlaceRow.id == AnswerRow.place_id)
            .where(ResponseRow.round_id == round_id, ResponseRow.status == "submitted", AnswerRow.note.is_not(None))
            .order_by(AnswerRow.id)
        )
        for a, code, place in self.s.execute(q):
            where = f"{code}/{a.factor}" + (f"/{place}" if place else "")
            out.append({"id": a.id * 2, "review": a.note_review, "where": where, "text": a.note})
        for r in self.s.scalars(
            select(ResponseRow).where(
                ResponseRow.round_id == round_id, ResponseRow.status == "submitted", ResponseRow.more_note.is_not(None)
            )
        ):
            out.append({"id": r.id * 2 + 1, "review": r.more_review, "where": "–", "text": r.more_note})
        return out

    def set_note_review(self, round_id: int, ident: str, status: str) -> bool:
        if not ident.isdigit():
            return False
        n = int(ident)
        if n % 2 == 0:
            a = self.s.get(AnswerRow, n // 2)
            if a is None or a.note is None:
                return False
            resp = self.s.get(ResponseRow, a.response_id)
            if resp is None or resp.round_id != round_id:
                return False
            a.note_review = status
            return True
        r = self.s.get(ResponseRow, n // 2)
        if r is None or r.round_id != round_id or r.more_note is None:
            return False
        r.more_review = status
        return True

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
    ) -> None:
        rnd = self.s.get(RoundRow, round_id)
        assert rnd is not None
        area_id = self.area_by_code(rnd.group_id, area).id if area else None
        self.s.add(
            ObservationRow(
                round_id=round_id,
                author_id=author_id,
                author=author,
                source=source,
                area_id=area_id,
                factor=factor,
                text=text,
                created_at=now,
            )
        )
        self.s.flush()

    def edit_note(self, round_id: int, ident: str, text: str) -> bool:
        """A coordinator's rewrite of a note (e.g. a name taken out): stored, approved, and put into the
        reporter's saved questionnaire too, so a later edit of theirs does not bring the old text back."""
        if not ident.isdigit():
            return False
        n = int(ident)
        resp: ResponseRow | None
        if n % 2 == 0:
            a = self.s.get(AnswerRow, n // 2)
            if a is None or a.note is None:
                return False
            resp = self.s.get(ResponseRow, a.response_id)
            if resp is None or resp.round_id != round_id:
                return False
            self._requote(a.note, text)
            a.note, a.note_review = text, "approved"
            code = self.s.scalar(select(AreaRow.code).where(AreaRow.id == a.area_id))
            state = dict(resp.state or {})
            answers = {k: dict(v) for k, v in (state.get("answers") or {}).items()}
            if f"{code}|{a.factor}" in answers:
                answers[f"{code}|{a.factor}"]["note"] = text
            state["answers"] = answers
            resp.state = state
            return True
        resp = self.s.get(ResponseRow, n // 2)
        if resp is None or resp.round_id != round_id or resp.more_note is None:
            return False
        self._requote(resp.more_note, text)
        resp.more_note, resp.more_review = text, "approved"
        resp.state = {**(resp.state or {}), "more": text}
        return True

    def _requote(self, old: str, new: str) -> None:
        """Messages, queued or sent, that quote a note which a coordinator rewrote quote the new text: the old
        one (often with a name in it) is kept nowhere, and `forget` later finds the text that is stored."""
        pattern = [_quote_pattern(old)]
        for message in self.s.scalars(select(OutboxRow)):
            payload = _redact(message.payload, pattern, new)
            if payload != message.payload:
                message.payload = payload

    def purge_notes(self, group_id: str, before: RoundKey, before_time: datetime) -> dict[str, int]:
        """Retention: delete reporters' free text (notes, the "anything more" text, saved questionnaires) of
        the group's rounds before week `before`, and sent or parked messages queued before `before_time` (their
        texts quote notes), and the names of places only those weeks named that no coordinator approved. Levels,
        approved places, actions and the rounds themselves stay. Idempotent."""
        old = select(RoundRow.id).where(
            RoundRow.group_id == group_id, (RoundRow.year * 100 + RoundRow.week) < before.year * 100 + before.week
        )
        old_responses = select(ResponseRow.id).where(ResponseRow.round_id.in_(old))
        notes = self.s.execute(
            update(AnswerRow)
            .where(AnswerRow.response_id.in_(old_responses), AnswerRow.note.is_not(None))
            .values(note=None)
            .returning(AnswerRow.id)
        ).all()
        more = self.s.execute(
            update(ResponseRow)
            .where(ResponseRow.round_id.in_(old), ResponseRow.more_note.is_not(None))
            .values(more_note=None)
            .returning(ResponseRow.id)
        ).all()
        drafts = 0
        for resp in self.s.scalars(select(ResponseRow).where(ResponseRow.round_id.in_(old))):
            if resp.state:
                resp.state = {}
                drafts += 1
        messages = len(
            self.s.execute(
                delete(OutboxRow)
                .where(OutboxRow.status.in_(("sent", "parked")), OutboxRow.created_at < before_time)
                .returning(OutboxRow.id)
            ).all()
        )
        # Place names reporters typed that no coordinator approved are their free text too: gone once no answer
        # of a newer week, no candidate and no action names them.
        group_areas = select(AreaRow.id).where(AreaRow.group_id == group_id)
        newer = select(AnswerRow.place_id).where(
            AnswerRow.response_id.not_in(old_responses), AnswerRow.place_id.is_not(None)
        )
        places = list(self.s.scalars(_unapproved_unused(PlaceRow.area_id.in_(group_areas), PlaceRow.id.not_in(newer))))
        if places:
            self.s.execute(update(AnswerRow).where(AnswerRow.place_id.in_(places)).values(place_id=None))
            self.s.execute(delete(PlaceRow).where(PlaceRow.id.in_(places)))
            self._places.clear()
        self.s.flush()
        return {"notes": len(notes) + len(more), "drafts": drafts, "messages": messages, "places": len(places)}

    def forget_person(self, person_id: int, placeholder: str, redacted: str = "[…]") -> dict[str, int]:
        """Erase a person's identity: name, organisation, chat accounts, invitations, area links, own notes and
        saved questionnaires, messages to them, their name in observations and the audit log. Their notes are
        also cut out of every queued or sent message to others that quotes them (review lists, pictures, reports),
        replaced by `redacted`, and places only they named that no coordinator approved are deleted. Their
        levels stay, linked to a nameless row, so the weekly numbers do not change."""
        person = self.s.get(PersonRow, person_id)
        assert person is not None
        name = person.name
        places = self._places_only_named_by(person_id)
        own = self._own_texts(person_id) | {
            n for n in self.s.scalars(select(PlaceRow.name).where(PlaceRow.id.in_(places))) if n.strip()
        }
        quoted = [_quote_pattern(text) for text in sorted(own, key=len, reverse=True) if _distinctive(text)]
        accounts = [
            (a.platform, a.external_id)
            for a in self.s.scalars(select(AccountRow).where(AccountRow.person_id == person_id))
        ]
        if accounts:
            self.s.execute(delete(OutboxRow).where(_to_accounts(OutboxRow, accounts)))
            self.s.execute(delete(MessageRefRow).where(_to_accounts(MessageRefRow, accounts)))
        redacted_messages = 0
        for message in self.s.scalars(select(OutboxRow)):  # messages to others that name or quote them
            named = _replace_name(message.payload, name, placeholder)
            payload = _redact(named, quoted, redacted)
            redacted_messages += payload != named
            if payload != message.payload:
                message.payload = payload
        self.s.execute(delete(AccountRow).where(AccountRow.person_id == person_id))
        self.s.execute(delete(InviteRow).where(InviteRow.person_id == person_id))
        self.s.execute(delete(PersonAreaRow).where(PersonAreaRow.person_id == person_id))
        responses = select(ResponseRow.id).where(ResponseRow.person_id == person_id)
        self.s.execute(
            update(AnswerRow)
            .where(AnswerRow.response_id.in_(responses), AnswerRow.place_id.in_(places))
            .values(place_id=None)
        )
        if places:
            self.s.execute(delete(PlaceRow).where(PlaceRow.id.in_(places)))
            self._places.clear()
        # A questionnaire never sent holds no levels that count: without its row the person is no longer counted
        # as asked and not answered (status, the picture's response rate and the weeks' figures agree).
        unsent = select(ResponseRow.id).where(ResponseRow.person_id == person_id, ResponseRow.status != "submitted")
        unsent_ids = list(self.s.scalars(unsent))
        if unsent_ids:
            self.s.execute(delete(AnswerRow).where(AnswerRow.response_id.in_(unsent_ids)))
            self.s.execute(delete(ResponseRow).where(ResponseRow.id.in_(unsent_ids)))
        self.s.execute(update(AnswerRow).where(AnswerRow.response_id.in_(responses)).values(note=None))
        n_responses = len(
            self.s.execute(
                update(ResponseRow)
                .where(ResponseRow.person_id == person_id)
                .values(more_note=None, state={})
                .returning(ResponseRow.id)
            ).all()
        )
        self.s.execute(
            update(ObservationRow)
            .where(ObservationRow.author_id == person_id)
            .values(author=placeholder, author_id=None)
        )
        audit_rows = 0
        for row in self.s.scalars(select(AuditRow).where(AuditRow.group_id == person.group_id)):
            detail = _replace_name(row.detail, name, placeholder)
            if row.actor == name or detail != row.detail:
                row.actor = placeholder if row.actor == name else row.actor
                row.detail = detail
                audit_rows += 1
        person.name, person.name_key, person.organisation = placeholder, f"#forgotten-{person_id}", ""
        person.active, person.forgotten, person.receives_report, person.paused_until = False, True, False, None
        self.s.flush()
        return {
            "accounts": len(accounts),
            "responses": n_responses,
            "audit": audit_rows,
            "messages": redacted_messages,
            "places": len(places),
        }

    def _own_texts(self, person_id: int) -> set[str]:
        """Every free text the person wrote that is stored with their answers: notes, "anything more", and the
        same in their saved questionnaires (a draft may hold a note not sent yet)."""
        texts: set[str] = set()
        for note, more, state in self.s.execute(
            select(AnswerRow.note, ResponseRow.more_note, ResponseRow.state)
            .select_from(ResponseRow)
            .outerjoin(AnswerRow, AnswerRow.response_id == ResponseRow.id)
            .where(ResponseRow.person_id == person_id)
        ):
            texts.update(x for x in (note, more) if x)
            if isinstance(state, dict):
                texts.update(
                    a["note"] for a in (state.get("answers") or {}).values() if isinstance(a, dict) and a.get("note")
                )
                if state.get("more"):
                    texts.add(state["more"])
        return {x for x in texts if isinstance(x, str) and x.strip()}

    def _places_only_named_by(self, person_id: int) -> list[int]:
        """Places waiting for review (or rejected) that no answer of anybody else names, nor any priority."""
        theirs = select(ResponseRow.id).where(ResponseRow.person_id == person_id)
        others = select(AnswerRow.place_id).where(AnswerRow.response_id.not_in(theirs), AnswerRow.place_id.is_not(None))
        named = (
            select(AnswerRow.place_id)
            .where(AnswerRow.response_id.in_(theirs), AnswerRow.place_id.is_not(None))
            .distinct()
        )
        return list(self.s.scalars(_unapproved_unused(PlaceRow.id.in_(named), PlaceRow.id.not_in(others))))

    def person_export(self, person_id: int) -> dict[str, Any]:
        """Everything stored about one person, for their own copy (a subject access request)."""
        p = self.s.get(PersonRow, person_id)
        assert p is not None
        responses = []
        for resp, rnd in self.s.execute(
            select(ResponseRow, RoundRow)
            .join(RoundRow, RoundRow.id == ResponseRow.round_id)
            .where(ResponseRow.person_id == person_id)
            .order_by(RoundRow.year, RoundRow.week)
        ):
            answers = [
                {"area": code, "factor": a.factor, "level": a.level, "place": place, "note": a.note}
                for a, code, place in self.s.execute(
                    select(AnswerRow, AreaRow.code, PlaceRow.name)
                    .join(AreaRow, AreaRow.id == AnswerRow.area_id)
                    .outerjoin(PlaceRow, PlaceRow.id == AnswerRow.place_id)
                    .where(AnswerRow.response_id == resp.id)
                    .order_by(AnswerRow.id)
                )
            ]
            responses.append(
                {
                    "week": str(RoundKey(rnd.year, rnd.week)),
                    "status": resp.status,
                    "organisation": resp.organisation,
                    "submitted_at": resp.submitted_at.isoformat() if resp.submitted_at else None,
                    "late": resp.late,
                    "answers": answers,
                    "more": resp.more_note,
                    "saved_questionnaire": resp.state or {},
                }
            )
        observations = [
            {"week": str(RoundKey(r.year, r.week)), "factor": o.factor, "text": o.text, "at": o.created_at.isoformat()}
            for o, r in self.s.execute(
                select(ObservationRow, RoundRow)
                .join(RoundRow, RoundRow.id == ObservationRow.round_id)
                .where(ObservationRow.author_id == person_id)
                .order_by(ObservationRow.id)
            )
        ]
        votes = [
            title
            for (title,) in self.s.execute(
                select(CandidateRow.title)
                .join(VoteRow, VoteRow.candidate_id == CandidateRow.id)
                .where(VoteRow.person_id == person_id)
                .order_by(CandidateRow.id)
            )
        ]
        invites = [
            {"created_at": i.created_at.isoformat(), "used_at": i.used_at.isoformat() if i.used_at else None}
            for i in self.s.scalars(select(InviteRow).where(InviteRow.person_id == person_id))
        ]
        accounts = self.accounts_of(person_id)
        messages = (
            [
                {
                    "at": m.created_at.isoformat(),
                    "platform": m.platform,
                    "status": m.status,
                    "text": (m.payload or {}).get("text", ""),
                    "attachments": [a.get("filename") for a in (m.payload or {}).get("attachments", ())],
                }
                for m in self.s.scalars(
                    select(OutboxRow).where(_to_accounts(OutboxRow, accounts)).order_by(OutboxRow.id)
                )
            ]
            if accounts
            else []
        )
        return {
            "person": {
                "name": p.name,
                "group": p.group_id,
                "organisation": p.organisation,
                "role": p.role,
                "language": p.language,
                "active": p.active,
                "receives_report": p.receives_report,
                "paused_until": p.paused_until.isoformat() if p.paused_until else None,
            },
            "areas": [a.code for a in self.person_areas(person_id)],
            "accounts": [{"platform": pl, "id": ext} for pl, ext in accounts],
            "responses": responses,
            "observations": observations,
            "votes": votes,
            "invitations": invites,
            "messages": messages,
        }

    # ------------------------------------------------------------ candidates, votes, actions

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
    ) -> int | None:
        rnd = self.s.get(RoundRow, round_id)
        assert rnd is not None
        area_row = self.area_by_code(rnd.group_id, area)
        place_id = None
        if place:
            # a place named in a priority is shown with it: naming it approves it
            place_id = self.get_or_create_place(area_row.id, place, rnd.created_at, approved=True).id
        stmt = self._insert(CandidateRow).values(
            round_id=round_id,
            key=key,
            area_id=area_row.id,
            place_id=place_id,
            factors=",".join(factors),
            title=title,
            reasons="\n".join(reasons),
            source=source,
            position=position,
            status="candidate",
        )
        self.s.execute(stmt.on_conflict_do_nothing(index_elements=["round_id", "key"]))
        return self.s.scalar(select(CandidateRow.id).where(CandidateRow.round_id == round_id, CandidateRow.key == key))

    def _candidate(self, row: CandidateRow) -> Candidate:
        area = self.s.get(AreaRow, row.area_id)
        place = self.s.get(PlaceRow, row.place_id) if row.place_id else None
        votes = int(self.s.scalar(select(func.count()).select_from(VoteRow).where(VoteRow.candidate_id == row.id)) or 0)
        assert area is not None
        return Candidate(
            row.id,
            row.round_id,
            row.key,
            area.code,
            area.name,
            place.name if place else None,
            tuple(f for f in row.factors.split(",") if f),
            row.title,
            tuple(r for r in row.reasons.split("\n") if r),
            row.source,
            row.action_type,
            row.responsible,
            row.timeframe,
            row.status,
            votes,
        )

    def candidates(self, round_id: int) -> list[Candidate]:
        rows = self.s.scalars(
            select(CandidateRow)
            .where(CandidateRow.round_id == round_id)
            .order_by(CandidateRow.position, CandidateRow.id)
        )
        return [self._candidate(r) for r in rows]

    def get_candidate(self, candidate_id: int) -> Candidate | None:
        row = self.s.get(CandidateRow, candidate_id)
        return self._candidate(row) if row else None

    def vote(self, candidate_id: int, person_id: int, on: bool) -> bool:
        """Add or withdraw one person's vote; True if that changed anything (a double click does not)."""
        if on:
            stmt = self._insert(VoteRow).values(candidate_id=candidate_id, person_id=person_id)
            stmt = stmt.on_conflict_do_nothing(index_elements=["candidate_id", "person_id"])
            return self.s.execute(stmt.returning(VoteRow.person_id)).first() is not None
        else:
            res = self.s.execute(
                delete(VoteRow).where(VoteRow.candidate_id == candidate_id, VoteRow.person_id == person_id)
            )
        return bool(res.rowcount == 1)  # type: ignore[attr-defined]

    def set_candidate_field(self, candidate_id: int, field: str, value: str) -> bool:
        if field not in ("action_type", "responsible", "timeframe"):
            raise ValueError(field)
        row = self.s.get(CandidateRow, candidate_id)
        if row is None or getattr(row, field) == value:
            return False
        setattr(row, field, value)
        self.s.flush()
        return True

    def decide_candidate(self, candidate_id: int, decided: bool, group_id: str, round_id: int, now: datetime) -> None:
        row = self.s.get(CandidateRow, candidate_id)
        assert row is not None
        row.status = "decided" if decided else "dropped"
        if decided:
            votes = int(
                self.s.scalar(select(func.count()).select_from(VoteRow).where(VoteRow.candidate_id == candidate_id))
                or 0
            )
            stmt = self._insert(ActionRow).values(
                group_id=group_id,
                round_id=round_id,
                candidate_id=candidate_id,
                area_id=row.area_id,
                place_id=row.place_id,
                factors=row.factors,
                title=row.title,
                action_type=row.action_type,
                responsible=row.responsible,
                timeframe=row.timeframe,
                votes=votes,
                status="planned",
                created_at=now,
            )
            self.s.execute(stmt.on_conflict_do_nothing(index_elements=["candidate_id"]))
        self.s.flush()

    def _actions(self, where: Any) -> list[Action]:
        q = (
            select(ActionRow, RoundRow, AreaRow, PlaceRow.name)
            .join(RoundRow, RoundRow.id == ActionRow.round_id)
            .join(AreaRow, AreaRow.id == ActionRow.area_id)
            .outerjoin(PlaceRow, PlaceRow.id == ActionRow.place_id)
            .where(where)
            .order_by(ActionRow.id)
        )
        return [
            Action(
                a.id,
                RoundKey(r.year, r.week),
                ar.code,
                ar.name,
                place,
                tuple(f for f in a.factors.split(",") if f),
                a.title,
                a.action_type,
                a.responsible,
                a.timeframe,
                a.votes,
                a.status,
            )
            for a, r, ar, place in self.s.execute(q)
        ]

    def actions_for_round(self, round_id: int) -> list[Action]:
        return self._actions(ActionRow.round_id == round_id)

    def actions(self, group_id: str) -> list[Action]:
        return self._actions(ActionRow.group_id == group_id)

    def set_action_status(self, group_id: str, action_id: int, status: str) -> bool:
        res = self.s.execute(
            update(ActionRow)
            .where(and_(ActionRow.id == action_id, ActionRow.group_id == group_id))
            .values(status=status)
        )
        return bool(res.rowcount == 1)  # type: ignore[attr-defined]

    # ------------------------------------------------------------ figures over weeks (reports, exports)

    @staticmethod
    def _weeks(first: RoundKey, last: RoundKey) -> Any:
        n = RoundRow.year * 100 + RoundRow.week
        return and_(n >= first.year * 100 + first.week, n <= last.year * 100 + last.week)

    def week_stats(self, group_id: str, first: RoundKey, last: RoundKey) -> list[WeekStat]:
        """Each round from `first` to `last`: phase, reporters asked, reports submitted; oldest first."""
        submitted = func.sum(case((ResponseRow.status == "submitted", 1), else_=0))
        q = (
            select(RoundRow.year, RoundRow.week, RoundRow.phase, func.count(ResponseRow.id), submitted)
            .outerjoin(ResponseRow, ResponseRow.round_id == RoundRow.id)
            .where(RoundRow.group_id == group_id, self._weeks(first, last))
            .group_by(RoundRow.id, RoundRow.year, RoundRow.week, RoundRow.phase)
            .order_by(RoundRow.year, RoundRow.week)
        )
        return [WeekStat(RoundKey(y, w), ph, int(n), int(done or 0)) for y, w, ph, n, done in self.s.execute(q)]

    def cell_stats(self, group_id: str, first: RoundKey, last: RoundKey) -> list[CellStat]:
        """Count, sum and highest level of the submitted reports per week, area and factor."""
        q = (
            select(
                RoundRow.year,
                RoundRow.week,
                AreaRow.code,
                AnswerRow.factor,
                func.count(AnswerRow.id),
                func.sum(AnswerRow.level),
                func.max(AnswerRow.level),
            )
            .join(ResponseRow, ResponseRow.round_id == RoundRow.id)
            .join(AnswerRow, AnswerRow.response_id == ResponseRow.id)
            .join(AreaRow, AreaRow.id == AnswerRow.area_id)
            .where(RoundRow.group_id == group_id, ResponseRow.status == "submitted", self._weeks(first, last))
            .group_by(RoundRow.year, RoundRow.week, AreaRow.code, AnswerRow.factor)
            .order_by(RoundRow.year, RoundRow.week, AreaRow.code, AnswerRow.factor)
        )
        return [
            CellStat(RoundKey(y, w), area, factor, int(n), int(total or 0), int(top))
            for y, w, area, factor, n, total, top in self.s.execute(q)
        ]

    def place_mentions(self, group_id: str, first: RoundKey, last: RoundKey) -> list[PlaceMention]:
        """How many submitted reports named each place, per week and factor."""
        q = (
            select(RoundRow.year, RoundRow.week, AreaRow.code, PlaceRow.name, AnswerRow.factor, func.count())
            .join(ResponseRow, ResponseRow.round_id == RoundRow.id)
            .join(AnswerRow, AnswerRow.response_id == ResponseRow.id)
            .join(AreaRow, AreaRow.id == AnswerRow.area_id)
            .join(PlaceRow, _APPROVED_PLACE)
            .where(RoundRow.group_id == group_id, ResponseRow.status == "submitted", self._weeks(first, last))
            .group_by(RoundRow.year, RoundRow.week, AreaRow.code, PlaceRow.name, AnswerRow.factor)
            .order_by(RoundRow.year, RoundRow.week, AreaRow.code, PlaceRow.name, AnswerRow.factor)
        )
        return [
            PlaceMention(RoundKey(y, w), area, place, factor, int(n))
            for y, w, area, place, factor, n in self.s.execute(q)
        ]

    def answer_records(self, group_id: str, first: RoundKey, last: RoundKey) -> list[AnswerRecord]:
        """Every submitted answer in the weeks, with its organisation (never the person); approved notes only."""
        q = (
            select(
                RoundRow.year,
                RoundRow.week,
                ResponseRow.id,
                ResponseRow.organisation,
                ResponseRow.late,
                AreaRow.code,
                AreaRow.name,
                AnswerRow.factor,
                AnswerRow.level,
                PlaceRow.name,
                AnswerRow.note,
                AnswerRow.note_review,
            )
            .join(ResponseRow, ResponseRow.round_id == RoundRow.id)
            .join(AnswerRow, AnswerRow.response_id == ResponseRow.id)
            .join(AreaRow, AreaRow.id == AnswerRow.area_id)
            .outerjoin(PlaceRow, _APPROVED_PLACE)
            .where(RoundRow.group_id == group_id, ResponseRow.status == "submitted", self._weeks(first, last))
            .order_by(RoundRow.year, RoundRow.week, ResponseRow.id, AreaRow.id, AnswerRow.id)
        )
        return [
            AnswerRecord(
                RoundKey(y, w),
                rid,
                org or "",
                code,
                name,
                factor,
                level,
                place,
                note if review == "approved" else None,
                bool(late),
            )
            for y, w, rid, org, late, code, name, factor, level, place, note, review in self.s.execute(q)
        ]

    def participation(self, group_id: str, first: RoundKey, last: RoundKey) -> list[Participation]:
        """Per organisation: reports submitted and weeks with at least one; most reports first."""
        answers = func.count(ResponseRow.id)
        q = (
            select(ResponseRow.organisation, answers, func.count(func.distinct(RoundRow.id)))
            .join(RoundRow, RoundRow.id == ResponseRow.round_id)
            .where(RoundRow.group_id == group_id, ResponseRow.status == "submitted", self._weeks(first, last))
            .group_by(ResponseRow.organisation)
            .order_by(answers.desc(), ResponseRow.organisation)
        )
        return [Participation(org or "", int(n), int(weeks)) for org, n, weeks in self.s.execute(q)]

    def action_organisations(self, group_id: str) -> dict[int, list[str]]:
        """The organisations of the people who voted for each decided action (never their names)."""
        q = (
            select(ActionRow.id, PersonRow.organisation)
            .join(VoteRow, VoteRow.candidate_id == ActionRow.candidate_id)
            .join(PersonRow, PersonRow.id == VoteRow.person_id)
            .where(ActionRow.group_id == group_id)
            .distinct()
            .order_by(ActionRow.id, PersonRow.organisation)
        )
        out: dict[int, list[str]] = defaultdict(list)
        for action_id, org in self.s.execute(q):
            if org:
                out[action_id].append(org)
        return dict(out)

    # ------------------------------------------------------------ invites

    def create_invite(self, code: str, person_id: int, now: datetime, expires_at: datetime) -> None:
        self.s.add(InviteRow(code=code, person_id=person_id, created_at=now, expires_at=expires_at))
        self.s.flush()

    def use_invite(self, code: str, used_by: str, now: datetime) -> int | None:
        """Spend a one-time code; the person it was made for, or None if unknown, used or expired."""
        row = self.s.execute(
            update(InviteRow)
            .where(InviteRow.code == code, InviteRow.used_at.is_(None), InviteRow.expires_at > now)
            .values(used_at=now, used_by=used_by)
            .returning(InviteRow.person_id)
        ).first()
        return int(row[0]) if row else None

    # ------------------------------------------------------------ a batch of presses, read together

    def begin_batch(
        self,
        presses: Sequence[tuple[str, str, int | None]],
        events: Sequence[tuple[str, str]],
        now: datetime,
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
        `SqlUnitOfWork.commit` ends the batch; nothing of it outlives the unit of work.
        """
        self._batch = True
        new = sorted(set(events))  # the same order in every process, so two batches cannot deadlock
        if new:
            first: set[tuple[str, str]] = set()
            for i in range(0, len(new), _MARK_MANY):
                chunk = new[i : i + _MARK_MANY]
                params: dict[str, Any] = {"at": now}
                for n, (platform, event_id) in enumerate(chunk):
                    params[f"p{n}"], params[f"e{n}"] = platform, event_id
                first.update((p, e) for p, e in self._core(_mark_processed_many(len(chunk)), params))
            self._marked.update((k, k in first) for k in new)
        by_platform: dict[str, set[str]] = defaultdict(set)
        for platform, account, _ in presses:
            if (platform, account) not in self._persons:
                by_platform[platform].add(account)
        for platform, accounts in by_platform.items():
            for account in accounts:
                self._persons[platform, account] = None
            for r in self._core(_PERSONS_BY_ACCOUNTS, {"platform": platform, "accounts": sorted(accounts)}):
                self._persons[platform, r.external_id] = _person(r)
        person_ids = {p.id for p in self._persons.values() if p is not None} - self._areas.keys()
        if person_ids:
            for pid in person_ids:
                self._areas[pid] = []
            for r in self._core(_AREAS_OF_PERSONS, {"person_ids": sorted(person_ids)}):
                self._areas[r.person_id].append(Area(r.id, r.group_id, r.code, r.name))
        area_ids = {a.id for areas in self._areas.values() for a in areas} - self._places.keys()
        if area_ids:
            for aid in area_ids:
                self._places[aid] = []
            for r in self._core(_PLACES_OF_AREAS, {"area_ids": sorted(area_ids)}):
                self._places[r.area_id].append(Place(*r))
        round_ids = {rid for _, _, rid in presses if rid is not None} - self._rounds.keys()
        if round_ids:
            for rid in round_ids:
                self._rounds[rid] = None
            for r in self._core(_ROUNDS_BY_IDS, {"round_ids": sorted(round_ids)}):
                self._rounds[r.id] = _round(r)
        pairs = {
            (rid, person.id)
            for platform, account, rid in presses
            if rid is not None and (person := self._persons.get((platform, account))) is not None
        }
        if pairs:
            for r in self._core(_RESPONSES_FOR_UPDATE_OF_PAIRS, {"pairs": sorted(pairs)}):
                self._responses[r.round_id, r.person_id] = _response(r)

    def end_batch(self) -> None:
        """Write what the batch held back, and read from the database again from now on (the events recorded
        by `begin_batch` stay recorded). Without a batch, nothing to do."""
        self._batch = False
        for cache in (self._persons, self._areas, self._places, self._rounds, self._responses, self._handed):
            cache.clear()
        if self._outbox_rows:
            rows, self._outbox_rows = self._outbox_rows, []
            self._core(_ENQUEUE, rows)
        if self._saves:
            saves, self._saves = self._saves, []
            changed = self._core(_SAVE_RESPONSE, saves).rowcount  # summed over the rows by sqlite3 and psycopg
            if changed != len(saves):
                raise RuntimeError(f"{len(saves) - changed} of {len(saves)} responses changed concurrently")

    # ------------------------------------------------------------ events, audit

    def mark_event_processed(self, platform: str, event_id: str, now: datetime) -> bool:
        """Whether this is the first delivery of the event (recorded now, or by `begin_batch`)."""
        first = self._marked.pop((platform, event_id), None)
        if first is not None:
            return first
        row = self._core(_mark_processed_many(1), {"p0": platform, "e0": event_id, "at": now}).first()
        return row is not None

    def audit(self, now: datetime, group_id: str, actor: str, action: str, detail: dict[str, Any]) -> None:
        # Masked here, where every audit entry is made: a detail may quote what a coordinator typed.
        detail = mask_data(detail)
        self.s.add(AuditRow(at=now, group_id=group_id, actor=mask_personal_data(actor), action=action, detail=detail))

    def audit_log(
        self, group_id: str | None = None, limit: int = 100
    ) -> list[tuple[datetime, str, str, str, dict[str, Any]]]:
        q = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        if group_id:
            q = q.where(AuditRow.group_id == group_id)
        return [(r.at, r.group_id, r.actor, r.action, r.detail) for r in self.s.scalars(q)]

    # ------------------------------------------------------------ outbox

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
        if self._batch:
            self._outbox_rows.append(values)
        else:
            self._core(_ENQUEUE, values)

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
        first_outside: dict[str, int] = {
            a: int(n)
            for a, n in self._core(
                _FIRST_OUTSIDE, {"platform": platform, "addresses": sorted({r.address for r in rows}), "ids": ids}
            )
        }
        taken = [r for r in rows if r.id < first_outside.get(r.address, r.id + 1)]
        if taken:
            self._core(_LEASE, {"ids": [r.id for r in taken], "b_until": lease_until, "b_by": claimer})
        return [OutboxItem(r.id, r.key, r.platform, r.address, r.ref, r.payload, r.attempts, r.status) for r in taken]

    def outbox_sent(self, item_id: int, now: datetime, message_id: str | None) -> None:
        """Mark a row sent and remember which platform message shows its ref (one UPDATE, one upsert).

        `claimed_by` stays: it tells which process delivered the row."""
        platform, address, ref = self._core(_SENT, {"b_id": item_id, "b_now": now}).one()
        if message_id is not None and ref:
            self._core(_REMEMBER_MESSAGE, {"platform": platform, "address": address, "ref": ref, "mid": message_id})

    def outbox_retry(self, item_id: int, at: datetime, error: str, park_after: int, count: bool = True) -> bool:
        """Schedule another attempt, or park the row after too many failures; True if parked.

        A rate limit (`count=False`) reschedules without counting as a failed attempt. A row that is no longer
        pending (another claimer whose lease outlived ours delivered it) is left as it is."""
        row = self.s.get(OutboxRow, item_id)
        assert row is not None
        if row.status != "pending":
            return False
        error = mask_personal_data(error)  # a platform's error may quote the message it refused
        row.claimed_until = row.claimed_by = None
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

    def outbox_park(self, item_id: int, error: str) -> None:
        row = self.s.get(OutboxRow, item_id)
        assert row is not None
        if row.status != "pending":
            return
        row.attempts += 1
        row.status, row.last_error = "parked", mask_personal_data(error)[:2000]
        row.claimed_until = row.claimed_by = None

    def outbox_release(self, item_ids: list[int], claimer: str) -> None:
        """Give back claimed rows that were not tried (a rate limit stopped the batch, or the sender stopped)."""
        if item_ids:
            self.s.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_(item_ids), OutboxRow.claimed_by == claimer, OutboxRow.status == "pending")
                .values(claimed_until=None, claimed_by=None)
            )

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

    def outbox_counts(self) -> dict[str, int]:
        rows = self.s.execute(select(OutboxRow.status, func.count()).group_by(OutboxRow.status))
        return {s: int(n) for s, n in rows}

    def prune_processed_events(self, before: datetime) -> None:
        self.s.execute(delete(ProcessedEventRow).where(ProcessedEventRow.at < before))

    # ------------------------------------------------------------ statistics

    def save_stat_records(
        self, group_id: str, source: str, records: list[StatRecord], file: str, now: datetime
    ) -> tuple[int, int, int]:
        """Add new records and update changed ones, matched by natural key; (new, updated, unchanged)."""
        fields = ("year", "month", "day", "category", "region", "place", "count")
        by_key = {_key_hash(r.key): r for r in records}
        existing: dict[str, tuple[Any, ...]] = {}
        keys = list(by_key)
        cols = [getattr(StatRecordRow, f) for f in fields]
        for i in range(0, len(keys), 500):
            q = select(StatRecordRow.key, StatRecordRow.id, *cols).where(
                StatRecordRow.group_id == group_id,
                StatRecordRow.source == source,
                StatRecordRow.key.in_(keys[i : i + 500]),
            )
            existing.update((row[0], tuple(row[1:])) for row in self.s.execute(q))
        fresh: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for key, r in by_key.items():
            values = {f: getattr(r, f) for f in fields}
            old = existing.get(key)
            if old is None:
                fresh.append({"group_id": group_id, "source": source, "key": key, "file": file, "imported_at": now})
                fresh[-1].update(values)
            elif tuple(old[1:]) != tuple(values.values()):
                changed.append({"id": old[0], "file": file, "imported_at": now, **values})
        # one multi-row statement per batch instead of a unit-of-work object per row
        if fresh:
            self.s.execute(insert(StatRecordRow), fresh)
        if changed:
            self.s.execute(update(StatRecordRow), changed)
        return len(fresh), len(changed), len(by_key) - len(fresh) - len(changed)

    def stat_records(self, group_id: str, first: tuple[int, int], last: tuple[int, int]) -> list[StatRecord]:
        """Every record of the group from month `first` to month `last` (year, month), both included."""
        ym = StatRecordRow.year * 100 + StatRecordRow.month
        q = (
            select(
                StatRecordRow.source,
                StatRecordRow.key,
                StatRecordRow.year,
                StatRecordRow.month,
                StatRecordRow.day,
                StatRecordRow.category,
                StatRecordRow.region,
                StatRecordRow.place,
                StatRecordRow.count,
            )
            .where(
                StatRecordRow.group_id == group_id,
                ym >= first[0] * 100 + first[1],
                ym <= last[0] * 100 + last[1],
            )
            .order_by(StatRecordRow.id)
        )
        return [StatRecord(*row) for row in self.s.execute(q)]

    def save_police_events(self, group_id: str, events: list[PoliceEvent], now: datetime) -> tuple[int, int, int]:
        """Add new events and update the ones the police have changed, by event id; (new, updated, unchanged)."""
        ids = [e.event_id for e in events]
        existing: dict[int, PoliceEventRow] = {}
        for i in range(0, len(ids), 500):
            q = select(PoliceEventRow).where(
                PoliceEventRow.group_id == group_id, PoliceEventRow.event_id.in_(ids[i : i + 500])
            )
            existing.update((row.event_id, row) for row in self.s.scalars(q))
        new = updated = 0
        for e in events:
            values = {
                "at": e.at,
                "name": e.name,
                "summary": e.summary,
                "url": e.url,
                "type": e.type,
                "location": e.location,
                "lat": e.lat,
                "lon": e.lon,
            }
            row = existing.get(e.event_id)
            if row is None:
                self.s.add(PoliceEventRow(group_id=group_id, event_id=e.event_id, imported_at=now, **values))
                new += 1
            elif any(getattr(row, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(row, k, v)
                row.imported_at = now
                updated += 1
        self.s.flush()
        return new, updated, len(events) - new - updated

    def police_events(self, group_id: str, start: datetime, end: datetime) -> list[PoliceEvent]:
        """The group's police events from `start` (included) to `end` (excluded), oldest first."""
        q = (
            select(PoliceEventRow)
            .where(PoliceEventRow.group_id == group_id, PoliceEventRow.at >= start, PoliceEventRow.at < end)
            .order_by(PoliceEventRow.at, PoliceEventRow.event_id)
        )
        return [
            PoliceEvent(r.event_id, r.at, r.name, r.summary, r.url, r.type, r.location, r.lat, r.lon)
            for r in self.s.scalars(q)
        ]

    def monthly_posted(self, group_id: str, year: int, month: int) -> datetime | None:
        row = self.s.get(MonthlyPostRow, (group_id, year, month))
        return row.posted_at if row else None

    def claim_monthly_post(self, group_id: str, year: int, month: int, now: datetime) -> bool:
        """Record that the month's follow-up is posted; False if it already was (by this or another process)."""
        stmt = self._insert(MonthlyPostRow).values(group_id=group_id, year=year, month=month, posted_at=now)
        stmt = stmt.on_conflict_do_nothing(index_elements=["group_id", "year", "month"])
        return self.s.execute(stmt.returning(MonthlyPostRow.group_id)).first() is not None


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


# One message into the outbox, ignored if its key is already there. Written as text with typed parameters because
# SQLAlchemy cannot cache the compiled form of an `insert().on_conflict_do_nothing()` (it has no cache key), and
# this runs for every message; SQLite and PostgreSQL both read this ON CONFLICT clause.
_ENQUEUE = text(
    "INSERT INTO outbox (key, platform, address, ref, payload, status, attempts, next_attempt_at, created_at) "
    "VALUES (:key, :platform, :address, :ref, :payload, 'pending', 0, :next_attempt_at, :created_at) "
    "ON CONFLICT (key) DO NOTHING"
).bindparams(
    bindparam("payload", type_=OutboxRow.__table__.c.payload.type),
    bindparam("next_attempt_at", type_=OutboxRow.__table__.c.next_attempt_at.type),
    bindparam("created_at", type_=OutboxRow.__table__.c.created_at.type),
)


#: An answer's place as pictures, reports, trends and exports show it: only once a coordinator approved it.
_APPROVED_PLACE = and_(PlaceRow.id == AnswerRow.place_id, PlaceRow.review == "approved")


def _t(model: type[Any]) -> Table:
    """A mapped class's table, typed as one."""
    return cast(Table, model.__table__)


# The statements of the answer path (every button press runs them), built once: building and hashing a
# statement per call cost more than running it (see bench/answers.py and docs/PERFORMANCE.md).
_PERSONS, _ACCOUNTS, _AREAS = _t(PersonRow), _t(AccountRow), _t(AreaRow)
_PERSON_AREAS_T, _PLACES_T, _ROUNDS, _RESPONSES = (
    _t(PersonAreaRow),
    _t(PlaceRow),
    _t(RoundRow),
    _t(ResponseRow),
)
_PERSON_OF_ACCOUNT = (
    select(
        _PERSONS.c.id,
        _PERSONS.c.group_id,
        _PERSONS.c.name,
        _PERSONS.c.organisation,
        _PERSONS.c.role,
        _PERSONS.c.language,
        _PERSONS.c.active,
        _PERSONS.c.receives_report,
        _PERSONS.c.paused_until,
    )
    .select_from(_PERSONS.join(_ACCOUNTS, _ACCOUNTS.c.person_id == _PERSONS.c.id))
    .where(_ACCOUNTS.c.platform == bindparam("platform"), _PERSONS.c.active.is_(True))
)
_PERSON_BY_ACCOUNT = _PERSON_OF_ACCOUNT.where(_ACCOUNTS.c.external_id == bindparam("external_id"))
_AREAS_OF = select(_AREAS.c.id, _AREAS.c.group_id, _AREAS.c.code, _AREAS.c.name).select_from(
    _AREAS.join(_PERSON_AREAS_T, _PERSON_AREAS_T.c.area_id == _AREAS.c.id)
)
_PERSON_AREAS = _AREAS_OF.where(_PERSON_AREAS_T.c.person_id == bindparam("person_id")).order_by(
    _PERSON_AREAS_T.c.position
)
_PLACES_OF = select(_PLACES_T.c.id, _PLACES_T.c.area_id, _PLACES_T.c.name, _PLACES_T.c.lat, _PLACES_T.c.lon)
_PLACES = _PLACES_OF.where(_PLACES_T.c.area_id == bindparam("area_id"), _PLACES_T.c.review == "approved").order_by(
    _PLACES_T.c.configured.desc(), _PLACES_T.c.id
)
_ROUNDS_OF = select(
    _ROUNDS.c.id, _ROUNDS.c.group_id, _ROUNDS.c.year, _ROUNDS.c.week, _ROUNDS.c.phase, _ROUNDS.c.opened_at
)
_ROUND_BY_ID = _ROUNDS_OF.where(_ROUNDS.c.id == bindparam("round_id"))
_RESPONSES_OF = select(
    _RESPONSES.c.id,
    _RESPONSES.c.round_id,
    _RESPONSES.c.person_id,
    _RESPONSES.c.status,
    _RESPONSES.c.state,
    _RESPONSES.c.version,
    _RESPONSES.c.snoozed_until,
    _RESPONSES.c.reminders,
    _RESPONSES.c.late,
    _RESPONSES.c.submitted_at,
)
_RESPONSE_FOR_UPDATE = _RESPONSES_OF.where(
    _RESPONSES.c.round_id == bindparam("round_id"), _RESPONSES.c.person_id == bindparam("person_id")
).with_for_update()
# The same reads for a whole batch of presses (`SqlStore.begin_batch`). Response rows are locked in the order of
# their ids, so two processes locking overlapping batches wait for each other instead of deadlocking.
_PERSONS_BY_ACCOUNTS = _PERSON_OF_ACCOUNT.add_columns(_ACCOUNTS.c.external_id).where(
    _ACCOUNTS.c.external_id.in_(bindparam("accounts", expanding=True))
)
_AREAS_OF_PERSONS = (
    _AREAS_OF.add_columns(_PERSON_AREAS_T.c.person_id)
    .where(_PERSON_AREAS_T.c.person_id.in_(bindparam("person_ids", expanding=True)))
    .order_by(_PERSON_AREAS_T.c.person_id, _PERSON_AREAS_T.c.position)
)
_PLACES_OF_AREAS = _PLACES_OF.where(
    _PLACES_T.c.area_id.in_(bindparam("area_ids", expanding=True)), _PLACES_T.c.review == "approved"
).order_by(_PLACES_T.c.area_id, _PLACES_T.c.configured.desc(), _PLACES_T.c.id)
_ROUNDS_BY_IDS = _ROUNDS_OF.where(_ROUNDS.c.id.in_(bindparam("round_ids", expanding=True)))
_RESPONSES_FOR_UPDATE_OF_PAIRS = (
    _RESPONSES_OF.where(tuple_(_RESPONSES.c.round_id, _RESPONSES.c.person_id).in_(bindparam("pairs", expanding=True)))
    .order_by(_RESPONSES.c.id)
    .with_for_update()
)
_SAVE_RESPONSE = (
    update(_RESPONSES)
    .where(_RESPONSES.c.id == bindparam("b_id"), _RESPONSES.c.version == bindparam("b_version"))
    .values(
        state=bindparam("b_state"),
        status=bindparam("b_status"),
        snoozed_until=bindparam("b_snoozed_until"),
        late=bindparam("b_late"),
        submitted_at=bindparam("b_submitted_at"),
        updated_at=bindparam("b_updated_at"),
        version=bindparam("b_next_version"),
    )
)
_ANSWERS = _t(AnswerRow)
_OLD_NOTES = select(_ANSWERS.c.area_id, _ANSWERS.c.factor, _ANSWERS.c.note, _ANSWERS.c.note_review).where(
    _ANSWERS.c.response_id == bindparam("response_id")
)
_DELETE_ANSWERS = delete(_ANSWERS).where(_ANSWERS.c.response_id == bindparam("response_id"))
_INSERT_ANSWERS = insert(_ANSWERS)
# The closing note keeps its review unless it changed.
_SET_MORE = (
    update(_RESPONSES)
    .where(_RESPONSES.c.id == bindparam("b_id"))
    .values(
        more_review=case(
            (_RESPONSES.c.more_note.is_not_distinct_from(bindparam("b_more")), _RESPONSES.c.more_review),
            else_="pending",
        ),
        more_note=bindparam("b_more"),
    )
)

# The outbox's statements, on every message sent.
_OUTBOX, _REFS = _t(OutboxRow), _t(MessageRefRow)
_CLAIM = (
    select(_OUTBOX)
    .where(
        _OUTBOX.c.platform == bindparam("platform"),
        _OUTBOX.c.status == "pending",
        _OUTBOX.c.next_attempt_at <= bindparam("now"),
        _OUTBOX.c.claimed_until.is_(None) | (_OUTBOX.c.claimed_until <= bindparam("now")),
    )
    .order_by(_OUTBOX.c.id)
    .limit(bindparam("limit"))
    .with_for_update(skip_locked=True)
)
_CLAIM_FOR_ADDRESS = _CLAIM.where(_OUTBOX.c.address == bindparam("address"))
_FIRST_OUTSIDE = (
    select(_OUTBOX.c.address, func.min(_OUTBOX.c.id))
    .where(
        _OUTBOX.c.platform == bindparam("platform"),
        _OUTBOX.c.status == "pending",
        _OUTBOX.c.address.in_(bindparam("addresses", expanding=True)),
        _OUTBOX.c.id.not_in(bindparam("ids", expanding=True)),
    )
    .group_by(_OUTBOX.c.address)
)
_LEASE = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id.in_(bindparam("ids", expanding=True)))
    .values(claimed_until=bindparam("b_until"), claimed_by=bindparam("b_by"))
)
_SENT = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("b_id"))
    .values(status="sent", sent_at=bindparam("b_now"), attempts=_OUTBOX.c.attempts + 1, claimed_until=None)
    .returning(_OUTBOX.c.platform, _OUTBOX.c.address, _OUTBOX.c.ref)
)
_MESSAGE_ID = select(_REFS.c.message_id).where(
    _REFS.c.platform == bindparam("platform"), _REFS.c.address == bindparam("address"), _REFS.c.ref == bindparam("ref")
)
_REMEMBER_MESSAGE = text(
    "INSERT INTO message_refs (platform, address, ref, message_id) VALUES (:platform, :address, :ref, :mid) "
    "ON CONFLICT (platform, address, ref) DO UPDATE SET message_id = excluded.message_id"
)
_MARK_MANY = 64  # events per statement in `begin_batch`


@functools.lru_cache(maxsize=_MARK_MANY)
def _mark_processed_many(n: int) -> TextClause:
    """Record `n` events as processed in one statement (parameters p0, e0, p1, e1, … and one `at`); text, so that
    it is compiled once per `n`. RETURNING, not rowcount, tells which were new, on SQLite and psycopg alike."""
    values = ", ".join(f"(:p{i}, :e{i}, :at)" for i in range(n))
    return text(
        f"INSERT INTO processed_events (platform, event_id, at) VALUES {values} "
        "ON CONFLICT (platform, event_id) DO NOTHING RETURNING platform, event_id"
    ).bindparams(bindparam("at", type_=ProcessedEventRow.__table__.c.at.type))


def _to_accounts(model: Any, accounts: Sequence[tuple[str, str]]) -> Any:
    """Rows addressed to one of these chat accounts: their direct chat, or a private address an edge makes for the
    person elsewhere, which ends with `:<account id>` (Slack's `eph:<channel>:<user>` and `home:<user>`)."""
    return or_(
        *(
            and_(
                model.platform == platform,
                or_(model.address == ext, model.address.endswith(f":{ext}", autoescape=True)),
            )
            for platform, ext in accounts
        )
    )


def _unapproved_unused(*where: Any) -> Any:
    """Places no coordinator approved (nor the configuration named) that no candidate or action names, among
    `where`: reporters' free text, which retention and `forget` remove."""
    return select(PlaceRow.id).where(
        *where,
        PlaceRow.review != "approved",
        PlaceRow.configured.is_(False),
        PlaceRow.id.not_in(select(CandidateRow.place_id).where(CandidateRow.place_id.is_not(None))),
        PlaceRow.id.not_in(select(ActionRow.place_id).where(ActionRow.place_id.is_not(None))),
    )


def _distinctive(text: str) -> bool:
    """Whether a note or place name is long enough to be cut out of other messages where it is quoted. A single
    word or a few letters ("Klotter", "Centrum") is also a factor, an area, a button or a word in someone else's
    note: cutting it everywhere would garble other people's messages and break documents, and it names nobody
    (notes are masked for personal data when they come in)."""
    return len(text.split()) >= 2 and len(text.strip()) >= 12


_HTML_FORMS = {"&": ("&amp;",), "<": ("&lt;",), ">": ("&gt;",), '"': ("&quot;", "&#34;"), "'": ("&#x27;", "&#39;")}


def _quote_pattern(text: str) -> re.Pattern[str]:
    """A pattern for `text` as a message may quote it: any run of whitespace for a space, and each character
    possibly escaped for Markdown (a backslash before it) or HTML (an entity)."""

    def char(c: str) -> str:
        forms = [re.escape(c), *(re.escape(f) for f in _HTML_FORMS.get(c, ()))]
        return r"\\?(?:" + "|".join(forms) + ")"

    body = r"\s+".join("".join(char(c) for c in word) for word in text.split())
    return re.compile(r"(?<!\w)" + body + r"(?!\w)")


def _redact(value: Any, patterns: list[re.Pattern[str]], marker: str) -> Any:
    """`value` (a message payload: JSON of dicts, lists and strings) with every match of `patterns` replaced."""

    def cut(text: str) -> str:
        for pattern in patterns:
            text = pattern.sub(lambda _: marker, text)
        return text

    return map_strings(value, cut) if patterns else value


def _replace_name(value: Any, name: str, placeholder: str) -> Any:
    """`value` (an audit detail: JSON of dicts, lists and strings) with `name` replaced wherever it appears."""
    return map_strings(value, lambda text: text.replace(name, placeholder))
