"""Upgrades: a database built at every Alembic revision, filled through that revision's schema, upgraded to head,
loses nothing (SQLite, and PostgreSQL with EST_TEST_PG_URL). And `est-bot run` on an older schema: it migrates
first, or with `[database] auto_migrate = false` refuses with a line naming `est-bot migrate`.

A new migration is covered by adding its revision to FILLS: the rows its new tables and columns hold (and, in
ADDED, what the rows stored before it get in a new column). Without that step the test fails and says so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.dialects import postgresql
from typer.testing import CliRunner

from bot.bootstrap import build
from bot.cli import app as cli
from bot.clock import ManualClock
from storage.db import make_engine
from storage.migrate import alembic_config, current_revision, head_revision, migrate
from tests.conftest import TUE_OPEN, RecordingSender, make_config

T = datetime(2026, 11, 17, 7, 0, tzinfo=UTC)
LATER = datetime(2026, 12, 17, 7, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Row:
    table: str
    values: dict[str, Any]
    key: tuple[str, ...] = ("id",)
    only: str | None = None  # the one database kind whose schema holds the table (None: both)


def _rows(table: str, *rows: dict[str, Any], key: tuple[str, ...] = ("id",), only: str | None = None) -> list[Row]:
    return [Row(table, r, key, only) for r in rows]


#: What each revision's schema holds, in the order of the foreign keys. Later revisions' rows may point at
#: earlier ones' (person 1, round 1, area 1).
FILLS: dict[str, list[Row]] = {
    "0001": [
        *_rows("groups", {"id": "g", "name": "Tryggare Trelleborg"}),
        *_rows("areas", {"id": 1, "group_id": "g", "code": "centrum", "name": "Centrum"}),
        *_rows(
            "persons",
            {
                "id": 1,
                "group_id": "g",
                "name": "Anna Andersson",
                "name_key": "anna andersson",
                "organisation": "Trygghetsvärdar",
                "role": "reporter",
                "language": "sv",
                "active": True,
                "receives_report": True,
                "paused_until": LATER,
                "forgotten": False,
            },
        ),
        *_rows("person_areas", {"person_id": 1, "area_id": 1, "position": 0}, key=("person_id", "area_id")),
        *_rows(
            "accounts", {"platform": "console", "external_id": "anna", "person_id": 1}, key=("platform", "external_id")
        ),
        *_rows(
            "rounds",
            {
                "id": 1,
                "group_id": "g",
                "year": 2026,
                "week": 47,
                "phase": "published",
                "created_at": T,
                "opened_at": T,
                "closed_at": T,
                "drafted_at": T,
                "finalised_at": LATER,
                "published_at": LATER,
            },
        ),
        *_rows(
            "places",
            {
                "id": 1,
                "area_id": 1,
                "name": "Stortorget",
                "norm": "stortorget",
                "lat": 55.375,
                "lon": 13.157,
                "configured": True,
                "created_at": T,
            },
        ),
        *_rows(
            "responses",
            {
                "id": 1,
                "round_id": 1,
                "person_id": 1,
                "organisation": "Trygghetsvärdar",
                "status": "submitted",
                "state": {"step": "sent", "levels": {"1": 2}},
                "version": 3,
                "snoozed_until": None,
                "reminders": 1,
                "late": True,
                "submitted_at": T,
                "updated_at": LATER,
                "more_note": "Mer",
                "more_review": "approved",
            },
        ),
        *_rows(
            "answers",
            {
                "id": 1,
                "response_id": 1,
                "area_id": 1,
                "factor": "lighting",
                "level": 2,
                "place_id": 1,
                "note": "Kl 22",
                "note_review": "pending",
            },
        ),
        *_rows(
            "observations",
            {
                "id": 1,
                "round_id": 1,
                "author_id": 1,
                "author": "Anna Andersson",
                "source": "chat",
                "area_id": 1,
                "factor": None,
                "text": "Trasig lampa",
                "created_at": T,
            },
        ),
        *_rows(
            "candidates",
            {
                "id": 1,
                "round_id": 1,
                "key": "c1",
                "area_id": 1,
                "place_id": 1,
                "factors": "lighting",
                "title": "Belysning",
                "reasons": "2 svar",
                "source": "auto",
                "position": 0,
                "action_type": "repair",
                "responsible": "gatukontoret",
                "timeframe": "week",
                "status": "chosen",
            },
        ),
        *_rows(
            "actions",
            {
                "id": 1,
                "group_id": "g",
                "round_id": 1,
                "candidate_id": 1,
                "area_id": 1,
                "place_id": 1,
                "factors": "lighting",
                "title": "Belysning",
                "action_type": "repair",
                "responsible": "gatukontoret",
                "timeframe": "week",
                "votes": 1,
                "status": "open",
                "created_at": T,
            },
        ),
        *_rows("votes", {"candidate_id": 1, "person_id": 1}, key=("candidate_id", "person_id")),
        *_rows(
            "outbox",
            {
                "id": 1,
                "key": "q:1:anna",
                "platform": "console",
                "address": "anna",
                "ref": "q:1",
                "payload": {"kind": "text", "text": "Hej"},
                "status": "sent",
                "attempts": 1,
                "next_attempt_at": T,
                "created_at": T,
                "sent_at": T,
                "last_error": None,
            },
        ),
        *_rows("processed_events", {"platform": "console", "event_id": "e1", "at": T}, key=("platform", "event_id")),
        *_rows(
            "message_refs",
            {"platform": "console", "address": "anna", "ref": "q:1", "message_id": "m1"},
            key=("platform", "address", "ref"),
        ),
        *_rows(
            "audit",
            {"id": 1, "at": T, "group_id": "g", "actor": "sara", "action": "publish", "detail": {"week": "2026-W47"}},
        ),
    ],
    "0002": _rows(
        "invites",
        {"code": "c" * 64, "person_id": 1, "created_at": T, "expires_at": LATER, "used_at": T, "used_by": "telegram"},
        key=("code",),
    ),
    "0003": [
        *_rows(
            "monthly_posts",
            {"group_id": "g", "year": 2026, "month": 11, "posted_at": T},
            key=("group_id", "year", "month"),
        ),
        *_rows(
            "police_events",
            {
                "id": 1,
                "group_id": "g",
                "event_id": 5_000_000_123,
                "at": T,
                "name": "Stöld",
                "summary": "Cykel",
                "url": "/aktuellt/1",
                "type": "Stöld",
                "location": "Trelleborg",
                "lat": 55.37,
                "lon": None,
                "imported_at": T,
            },
        ),
        *_rows(
            "stat_records",
            {
                "id": 1,
                "group_id": "g",
                "source": "bra",
                "key": "k1",
                "year": 2026,
                "month": 11,
                "day": date(2026, 11, 16),
                "category": "Skadegörelse",
                "region": "Skåne",
                "place": "Trelleborg",
                "count": 4,
                "file": "bra.csv",
                "imported_at": T,
            },
        ),
    ],
    "0004": _rows(
        "outbox",
        {
            "id": 2,
            "key": "q:1:bo",
            "platform": "console",
            "address": "bo",
            "ref": None,
            "payload": {"kind": "text"},
            "status": "queued",
            "attempts": 0,
            "next_attempt_at": T,
            "created_at": T,
            "sent_at": None,
            "last_error": "timeout",
            "claimed_until": LATER,
            "claimed_by": "host-1",
        },
    ),
    "0005": _rows(
        "places",
        {
            "id": 2,
            "area_id": 1,
            "name": "Nytt ställe",
            "norm": "nytt stalle",
            "lat": None,
            "lon": None,
            "configured": False,
            "created_at": T,
            "review": "pending",
        },
    ),
    "0006": [
        *_rows(
            "web_links",
            {"token_hash": "a" * 64, "person_id": 1, "created_at": T, "expires_at": LATER, "used_at": None},
            key=("token_hash",),
        ),
        *_rows(
            "web_sessions",
            {"session_hash": "b" * 64, "person_id": 1, "created_at": T, "seen_at": LATER, "ended_at": None},
            key=("session_hash",),
        ),
    ],
    "0007": [
        *_rows(
            "persons",
            {
                "id": 2,
                "group_id": "g",
                "name": "Bo Berg",
                "name_key": "bo berg",
                "organisation": "Bostadsbolaget",
                "role": "reporter",
                "language": "en",
                "active": True,
                "receives_report": False,
                "paused_until": None,
                "forgotten": False,
                "channel": "email",
            },
        ),
        *_rows(
            "form_links",
            {"person_id": 2, "round_id": 1, "generation": 2, "revoked_at": T},
            key=("person_id", "round_id"),
        ),
    ],
    "0008": [
        *_rows(
            "rounds",
            {
                "id": 2,
                "group_id": "g",
                "year": 2026,
                "week": 48,
                "phase": "drafted",
                "created_at": LATER,
                "opened_at": LATER,
                "closed_at": LATER,
                "drafted_at": LATER,
                "finalised_at": None,
                "published_at": None,
                "charts_owed": True,
            },
        ),
    ],
    # PostgreSQL only (the pacing every process shares; SQLite paces in memory): a window with its last turns, a hold
    "0009": _rows(
        "est_pacing_v1",
        {"key": "tg-group:-100", "turns": [1_795_000_000.5, 1_795_000_001.5], "held_until": 0.0},
        {"key": "hold:telegram", "turns": [], "held_until": 1_795_000_030.0},
        key=("key",),
        only="postgresql",
    ),
    "0010": [],  # a function only (est_pacing_prune_v1, PostgreSQL): no table or column to fill
}

#: A column a revision adds to a table that held rows before it: (table, column) -> (revision, what old rows get).
ADDED: dict[tuple[str, str], tuple[str, Any]] = {
    ("outbox", "claimed_until"): ("0004", None),
    ("outbox", "claimed_by"): ("0004", None),
    ("places", "review"): ("0005", "approved"),  # places shown before review existed stay shown
    ("persons", "channel"): ("0007", None),
    ("rounds", "charts_owed"): ("0008", False),  # drafts before it went with their charts
}


def revisions() -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def _type(value: object) -> sa.types.TypeEngine[Any]:
    if value is None:
        return sa.types.NullType()  # no cast: NULL goes into a column of any type
    if isinstance(value, bool):
        return sa.Boolean()
    if isinstance(value, datetime):
        return sa.DateTime(timezone=True)
    if isinstance(value, date):
        return sa.Date()
    if isinstance(value, int):
        return sa.BigInteger()
    if isinstance(value, float):
        return sa.Float()
    if isinstance(value, dict):
        return sa.JSON()
    if isinstance(value, list):
        return postgresql.ARRAY(sa.Float())
    return sa.Text()


def _table(row: Row, columns: dict[str, Any]) -> sa.TableClause:
    return sa.table(row.table, *(sa.column(name, _type(v)) for name, v in columns.items()))


def _same(value: object) -> object:
    """A value as both databases give it back: times in UTC without the zone (SQLite keeps none)."""
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).replace(tzinfo=None)
    return value


def _fetch(conn: sa.Connection, row: Row, columns: dict[str, Any]) -> dict[str, object] | None:
    t = _table(row, columns)
    where = [t.c[k] == row.values[k] for k in row.key]
    got = conn.execute(sa.select(*t.c).where(*where)).mappings().first()
    return None if got is None else {k: _same(v) for k, v in got.items()}


def test_every_revision_has_a_fill_step() -> None:
    missing = [r for r in revisions() if r not in FILLS]
    assert not missing, (
        f"revision(s) {', '.join(missing)} have no fill step: add to FILLS in {Path(__file__).name} the rows "
        "their new tables and columns hold (and to ADDED what older rows get in a new column)"
    )
    assert set(FILLS) <= set(revisions()), "FILLS names a revision that does not exist"


@pytest.mark.parametrize("start", revisions())
def test_a_database_filled_at_an_earlier_revision_upgrades_to_head_with_nothing_lost(db_url: str, start: str) -> None:
    if start not in FILLS:
        pytest.fail(f"revision {start} has no fill step in FILLS ({Path(__file__).name})")
    order = revisions()
    engine = make_engine(db_url)
    kind = engine.dialect.name
    filled = [(rev, row) for rev in order[: order.index(start) + 1] for row in FILLS[rev] if row.only in (None, kind)]
    try:
        migrate(engine, start)
        with engine.begin() as conn:
            for _, row in filled:
                conn.execute(sa.insert(_table(row, row.values)).values(**row.values))
        migrate(engine)
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:
            for rev, row in filled:
                got = _fetch(conn, row, row.values)
                assert got == {k: _same(v) for k, v in row.values.items()}, f"{row.table} filled at {rev}"
                for (table, column), (added_at, default) in ADDED.items():
                    if table == row.table and order.index(rev) < order.index(added_at):
                        new = _fetch(conn, row, {**{k: row.values[k] for k in row.key}, column: None})
                        assert new is not None and new[column] == default, f"{table}.{column} of a row from {rev}"
            counts = {
                t: conn.execute(sa.select(sa.func.count()).select_from(sa.table(t))).scalar_one()
                for t in {row.table for _, row in filled}
            }
        assert counts == {t: sum(1 for _, r in filled if r.table == t) for t in counts}
    finally:
        engine.dispose()


def _old_database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'est.sqlite'}"
    engine = make_engine(url)
    migrate(engine, revisions()[-2])
    engine.dispose()
    return url


def test_starting_on_an_older_schema_migrates_it_first(tmp_path: Path) -> None:
    url = _old_database(tmp_path)
    app = build(make_config(url), clock=ManualClock(TUE_OPEN), senders={"console": RecordingSender()})
    try:
        assert current_revision(app.engine) == head_revision()
    finally:
        app.close()


def test_run_with_auto_migrate_off_refuses_an_older_schema(tmp_path: Path) -> None:
    url = _old_database(tmp_path)
    cfg = tmp_path / "est.toml"
    cfg.write_text(
        f'reports_dir = "{tmp_path / "reports"}"\n[database]\nurl = "{url}"\nauto_migrate = false\n'
        '[[groups]]\nid = "tbg"\nname = "Tryggare Trelleborg"\n'
        '[[groups.areas]]\ncode = "centrum"\nname = "Centrum"\n',
        encoding="utf-8",
    )
    refused = CliRunner().invoke(cli, ["run", "--config", str(cfg)])
    assert refused.exit_code == 1, refused.output
    old, head = revisions()[-2], head_revision()
    assert f"the database is at schema revision {old} and this est-bot needs {head}" in refused.output
    assert "run est-bot migrate" in refused.output
    engine = make_engine(url)
    try:
        assert current_revision(engine) == old  # untouched
    finally:
        engine.dispose()
    done = CliRunner().invoke(cli, ["migrate", "--config", str(cfg)])
    assert done.exit_code == 0 and f"database at revision {head}" in done.output
