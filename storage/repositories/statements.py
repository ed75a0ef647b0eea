"""The statements of the answer path (every button press runs them), built once: building and hashing a
statement per call cost more than running it (see bench/answers.py and docs/PERFORMANCE.md). The batch of presses
(storage/batch.py) reads and writes with the same ones, many rows at a time.
"""

from __future__ import annotations

import functools

from sqlalchemy import ARRAY, Integer, String, any_, bindparam, case, delete, func, insert, select, text, tuple_, update
from sqlalchemy.sql.elements import TextClause

from storage.models import (
    AccountRow,
    AnswerRow,
    AreaRow,
    OutboxRow,
    PersonAreaRow,
    PersonRow,
    PlaceRow,
    ProcessedEventRow,
    ResponseRow,
    RoundRow,
)
from storage.repositories.base import table
from storage.repositories.prepared import prepare

PERSONS, ACCOUNTS, AREAS = table(PersonRow), table(AccountRow), table(AreaRow)

PERSON_AREAS_T, PLACES_T, ROUNDS, RESPONSES = (
    table(PersonAreaRow),
    table(PlaceRow),
    table(RoundRow),
    table(ResponseRow),
)

PERSON_OF_ACCOUNT = (
    select(
        PERSONS.c.id,
        PERSONS.c.group_id,
        PERSONS.c.name,
        PERSONS.c.organisation,
        PERSONS.c.role,
        PERSONS.c.language,
        PERSONS.c.active,
        PERSONS.c.receives_report,
        PERSONS.c.paused_until,
        PERSONS.c.channel,
    )
    .select_from(PERSONS.join(ACCOUNTS, ACCOUNTS.c.person_id == PERSONS.c.id))
    .where(ACCOUNTS.c.platform == bindparam("platform"), PERSONS.c.active.is_(True))
)

PERSON_BY_ACCOUNT = PERSON_OF_ACCOUNT.where(ACCOUNTS.c.external_id == bindparam("external_id"))

AREAS_OF = select(AREAS.c.id, AREAS.c.group_id, AREAS.c.code, AREAS.c.name).select_from(
    AREAS.join(PERSON_AREAS_T, PERSON_AREAS_T.c.area_id == AREAS.c.id)
)

PERSON_AREAS = AREAS_OF.where(PERSON_AREAS_T.c.person_id == bindparam("person_id")).order_by(PERSON_AREAS_T.c.position)

# A person by account with their areas (one row per area, or one with no area), in the areas' order: every event
# reads its sender, and a questionnaire press the sender's areas next.
PERSON_WITH_AREAS = (
    select(
        *PERSON_OF_ACCOUNT.selected_columns,
        AREAS.c.id.label("area_id"),
        AREAS.c.group_id.label("area_group_id"),
        AREAS.c.code,
        AREAS.c.name.label("area_name"),
    )
    .select_from(
        PERSONS.join(ACCOUNTS, ACCOUNTS.c.person_id == PERSONS.c.id)
        .outerjoin(PERSON_AREAS_T, PERSON_AREAS_T.c.person_id == PERSONS.c.id)
        .outerjoin(AREAS, AREAS.c.id == PERSON_AREAS_T.c.area_id)
    )
    .where(
        ACCOUNTS.c.platform == bindparam("platform"),
        ACCOUNTS.c.external_id == bindparam("external_id"),
        PERSONS.c.active.is_(True),
    )
    .order_by(PERSON_AREAS_T.c.position)
)

PLACES_OF = select(PLACES_T.c.id, PLACES_T.c.area_id, PLACES_T.c.name, PLACES_T.c.lat, PLACES_T.c.lon)

PLACES = PLACES_OF.where(PLACES_T.c.area_id == bindparam("area_id"), PLACES_T.c.review == "approved").order_by(
    PLACES_T.c.configured.desc(), PLACES_T.c.id
)

ROUNDS_OF = select(ROUNDS.c.id, ROUNDS.c.group_id, ROUNDS.c.year, ROUNDS.c.week, ROUNDS.c.phase, ROUNDS.c.opened_at)

ROUND_BY_ID = ROUNDS_OF.where(ROUNDS.c.id == bindparam("round_id"))

RESPONSES_OF = select(
    RESPONSES.c.id,
    RESPONSES.c.round_id,
    RESPONSES.c.person_id,
    RESPONSES.c.status,
    RESPONSES.c.state,
    RESPONSES.c.version,
    RESPONSES.c.snoozed_until,
    RESPONSES.c.reminders,
    RESPONSES.c.late,
    RESPONSES.c.submitted_at,
)

RESPONSE_FOR_UPDATE = RESPONSES_OF.where(
    RESPONSES.c.round_id == bindparam("round_id"), RESPONSES.c.person_id == bindparam("person_id")
).with_for_update()

# The same reads for a whole batch of presses (`storage.batch`). Response rows are locked in the order of
# their ids, so two processes locking overlapping batches wait for each other instead of deadlocking.
PERSONS_BY_ACCOUNTS = PERSON_OF_ACCOUNT.add_columns(ACCOUNTS.c.external_id).where(
    ACCOUNTS.c.external_id.in_(bindparam("accounts", expanding=True))
)

AREAS_OF_PERSONS = (
    AREAS_OF.add_columns(PERSON_AREAS_T.c.person_id)
    .where(PERSON_AREAS_T.c.person_id.in_(bindparam("person_ids", expanding=True)))
    .order_by(PERSON_AREAS_T.c.person_id, PERSON_AREAS_T.c.position)
)

PLACES_OF_AREAS = PLACES_OF.where(
    PLACES_T.c.area_id.in_(bindparam("area_ids", expanding=True)), PLACES_T.c.review == "approved"
).order_by(PLACES_T.c.area_id, PLACES_T.c.configured.desc(), PLACES_T.c.id)

ROUNDS_BY_IDS = ROUNDS_OF.where(ROUNDS.c.id.in_(bindparam("round_ids", expanding=True)))

RESPONSES_FOR_UPDATE_OF_PAIRS = (
    RESPONSES_OF.where(tuple_(RESPONSES.c.round_id, RESPONSES.c.person_id).in_(bindparam("pairs", expanding=True)))
    .order_by(RESPONSES.c.id)
    .with_for_update()
)

SAVE_RESPONSE = (
    update(RESPONSES)
    .where(RESPONSES.c.id == bindparam("b_id"), RESPONSES.c.version == bindparam("b_version"))
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

ANSWERS = table(AnswerRow)

# A reporter's answers sent for a week (the questionnaire's "as last week"): one row per answer, or one row of
# nothing for a sent response without answers; no row when nothing was sent.
LAST_SUBMITTED_ANSWERS = (
    select(RESPONSES.c.id, ANSWERS.c.factor, ANSWERS.c.level, AREAS.c.code, PLACES_T.c.name)
    .select_from(
        RESPONSES.join(ROUNDS, ROUNDS.c.id == RESPONSES.c.round_id)
        .outerjoin(ANSWERS, ANSWERS.c.response_id == RESPONSES.c.id)
        .outerjoin(AREAS, AREAS.c.id == ANSWERS.c.area_id)
        .outerjoin(PLACES_T, PLACES_T.c.id == ANSWERS.c.place_id)
    )
    .where(
        ROUNDS.c.group_id == bindparam("group_id"),
        ROUNDS.c.year == bindparam("year"),
        ROUNDS.c.week == bindparam("week"),
        RESPONSES.c.person_id == bindparam("person_id"),
        RESPONSES.c.status == "submitted",
    )
)

OLD_NOTES = select(ANSWERS.c.area_id, ANSWERS.c.factor, ANSWERS.c.note, ANSWERS.c.note_review).where(
    ANSWERS.c.response_id == bindparam("response_id")
)

DELETE_ANSWERS = delete(ANSWERS).where(ANSWERS.c.response_id == bindparam("response_id"))

INSERT_ANSWERS = insert(ANSWERS)

# The closing note keeps its review unless it changed.
SET_MORE = (
    update(RESPONSES)
    .where(RESPONSES.c.id == bindparam("b_id"))
    .values(
        more_review=case(
            (RESPONSES.c.more_note.is_not_distinct_from(bindparam("b_more")), RESPONSES.c.more_review),
            else_="pending",
        ),
        more_note=bindparam("b_more"),
    )
)

# One message into the outbox, ignored if its key is already there. Written as text with typed parameters because
# SQLAlchemy cannot cache the compiled form of an `insert().on_conflict_do_nothing()` (it has no cache key), and
# this runs for every message; SQLite and PostgreSQL both read this ON CONFLICT clause.
ENQUEUE = text(
    "INSERT INTO outbox (key, platform, address, ref, payload, status, attempts, next_attempt_at, created_at) "
    "VALUES (:key, :platform, :address, :ref, :payload, 'pending', 0, :next_attempt_at, :created_at) "
    "ON CONFLICT (key) DO NOTHING"
).bindparams(
    bindparam("payload", type_=OutboxRow.__table__.c.payload.type),
    bindparam("next_attempt_at", type_=OutboxRow.__table__.c.next_attempt_at.type),
    bindparam("created_at", type_=OutboxRow.__table__.c.created_at.type),
)

MARK_MANY = 64  # events per statement in a batch (`storage.batch`)


@functools.lru_cache(maxsize=MARK_MANY)
def mark_processed_many(n: int) -> TextClause:
    """Record `n` events as processed in one statement (parameters p0, e0, p1, e1, … and one `at`); text, so that
    it is compiled once per `n`. RETURNING, not rowcount, tells which were new, on SQLite and psycopg alike."""
    values = ", ".join(f"(:p{i}, :e{i}, :at)" for i in range(n))
    return prepare(
        text(
            f"INSERT INTO processed_events (platform, event_id, at) VALUES {values} "
            "ON CONFLICT (platform, event_id) DO NOTHING RETURNING platform, event_id"
        ).bindparams(bindparam("at", type_=ProcessedEventRow.__table__.c.at.type))
    )


# ---------------------------------------------------------------------------------------------- PostgreSQL's
# The batch's reads and its record of events on PostgreSQL: each list one array parameter (`= ANY`, `unnest`), so
# a statement's text is the same whatever the batch's size. psycopg then parses it once and, used often, prepares
# it on the server; with an IN list per press it parsed every batch's statements again (it caches only statements
# of at most 50 parameters: 32 presses' pairs are 64), about a millisecond each (bench/answers.py, engine only).

PG_PERSONS_BY_ACCOUNTS = PERSON_OF_ACCOUNT.add_columns(ACCOUNTS.c.external_id).where(
    ACCOUNTS.c.external_id == any_(bindparam("accounts", type_=ARRAY(String)))
)

PG_AREAS_OF_PERSONS = (
    AREAS_OF.add_columns(PERSON_AREAS_T.c.person_id)
    .where(PERSON_AREAS_T.c.person_id == any_(bindparam("person_ids", type_=ARRAY(Integer))))
    .order_by(PERSON_AREAS_T.c.person_id, PERSON_AREAS_T.c.position)
)

PG_PLACES_OF_AREAS = PLACES_OF.where(
    PLACES_T.c.area_id == any_(bindparam("area_ids", type_=ARRAY(Integer))), PLACES_T.c.review == "approved"
).order_by(PLACES_T.c.area_id, PLACES_T.c.configured.desc(), PLACES_T.c.id)

PG_ROUNDS_BY_IDS = ROUNDS_OF.where(ROUNDS.c.id == any_(bindparam("round_ids", type_=ARRAY(Integer))))

# (round id, person id) pairs as two arrays of the same length, unnested side by side
PG_RESPONSES_FOR_UPDATE_OF_PAIRS = (
    RESPONSES_OF.where(
        tuple_(RESPONSES.c.round_id, RESPONSES.c.person_id).in_(
            select(
                func.unnest(bindparam("round_ids", type_=ARRAY(Integer))),
                func.unnest(bindparam("person_ids", type_=ARRAY(Integer))),
            )
        )
    )
    .order_by(RESPONSES.c.id)
    .with_for_update()
)

# in the order given (sorted by the caller: two batches then cannot deadlock)
PG_MARK_PROCESSED = text(
    "INSERT INTO processed_events (platform, event_id, at) "
    "SELECT u.p, u.e, :at FROM unnest(CAST(:platforms AS VARCHAR[]), CAST(:event_ids AS VARCHAR[])) "
    "WITH ORDINALITY AS u(p, e, n) ORDER BY u.n "
    "ON CONFLICT (platform, event_id) DO NOTHING RETURNING platform, event_id"
).bindparams(bindparam("at", type_=ProcessedEventRow.__table__.c.at.type))

# Run on the driver's cursor (storage/repositories/prepared.py): every press runs most of these.
for _statement in (
    PERSON_BY_ACCOUNT,
    PERSON_WITH_AREAS,
    PERSON_AREAS,
    PLACES,
    ROUND_BY_ID,
    RESPONSE_FOR_UPDATE,
    SAVE_RESPONSE,
    OLD_NOTES,
    DELETE_ANSWERS,
    SET_MORE,
    LAST_SUBMITTED_ANSWERS,
    ENQUEUE,
    PG_PERSONS_BY_ACCOUNTS,
    PG_AREAS_OF_PERSONS,
    PG_PLACES_OF_AREAS,
    PG_ROUNDS_BY_IDS,
    PG_RESPONSES_FOR_UPDATE_OF_PAIRS,
    PG_MARK_PROCESSED,
):
    prepare(_statement)
