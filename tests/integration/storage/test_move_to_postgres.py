"""`est-bot migrate --to postgresql://…` (needs EST_TEST_PG_URL): a played SQLite database copied to an empty
PostgreSQL database, the counts equal table by table, a second copy refused, then a whole week played on the copy.
And `est-bot backup`/`restore` with pg_dump, when PostgreSQL's client tools are installed.

The source is a week played by the test group (three reporters), not the demo's five weeks: the demo alone takes
about 17 s, more than this part's share of CI."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from typer.testing import CliRunner

from bot.bootstrap import build
from bot.cli import app as cli
from bot.clock import ManualClock
from bot.domain.cycle import Phase, RoundKey
from storage.db import make_engine
from storage.models import Base
from tests.conftest import PG_URL, TUE_OPEN, Bot, RecordingSender, make_config
from tests.integration.storage.test_backup import answer_nothing, config_file

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(PG_URL is None, reason="needs a PostgreSQL server: set EST_TEST_PG_URL"),
]
runner = CliRunner()
GROUP = "tbg"
HOUR = timedelta(hours=1)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards."""
    assert PG_URL is not None
    name = "est_move_" + uuid.uuid4().hex[:10]
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    base, _, _ = PG_URL.rpartition("/")
    yield f"{base}/{name}"
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def play_week(bot: Bot, monday_utc: datetime, answer: tuple[str, ...]) -> RoundKey:
    """Hourly ticks from Monday to the next Monday; the reporters in `answer` answer on Tuesday at 10:00 in
    Stockholm (09:00 UTC in winter), two hours after the week opened."""
    key = RoundKey.of(monday_utc.date())
    now = monday_utc
    while now < monday_utc + timedelta(days=7):
        now += HOUR
        bot.clock.set(now)
        bot.tick()
        if now == monday_utc + timedelta(days=1, hours=9):
            for who in answer:
                answer_nothing(bot, who)
    with bot.app.services.unit() as uow:
        rnd = uow.rounds.get_round(GROUP, key)
    assert rnd is not None and rnd.phase == Phase.PUBLISHED, (key, rnd)
    return key


def counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def test_a_played_sqlite_database_moves_to_postgresql_and_the_next_week_plays_there(
    tmp_path: Path, pg_url: str
) -> None:
    sqlite_url = f"sqlite:///{tmp_path / 'est.sqlite'}"
    monday = TUE_OPEN - timedelta(days=1, hours=7)  # Monday 2026-11-16 00:00 UTC (01:00 in Stockholm)
    clock = ManualClock(monday)
    sender = RecordingSender()
    bot = Bot(build(make_config(sqlite_url), clock=clock, senders={"console": sender}), clock, sender, sqlite_url)
    first = play_week(bot, monday, ("anna", "bo"))
    bot.app.close()
    before = counts(sqlite_url)
    assert before["responses"] >= 2 and before["outbox"] > 0

    cfg = config_file(tmp_path, sqlite_url, tmp_path / "reports")
    moved = runner.invoke(cli, ["migrate", "--config", str(cfg), "--to", pg_url])
    assert moved.exit_code == 0, moved.output
    assert "the counts match" in moved.output and "  responses: " in moved.output
    assert counts(pg_url) == before

    again = runner.invoke(cli, ["migrate", "--config", str(cfg), "--to", pg_url])
    assert again.exit_code == 1 and "already holds data" in again.output
    assert counts(pg_url) == before

    # The next week on the copy: new rows get ids after the copied ones (the sequences were set).
    sender = RecordingSender()
    on_pg = Bot(build(make_config(pg_url), clock=clock, senders={"console": sender}), clock, sender, pg_url)
    try:
        second = play_week(on_pg, monday + timedelta(days=7), ("anna", "bo"))
        with on_pg.app.services.unit() as uow:
            rounds = {r.key: r for r in uow.rounds.recent_rounds(GROUP, 10)}
        assert set(rounds) == {first, second}
    finally:
        on_pg.app.close()
    after = counts(pg_url)
    assert after["rounds"] == before["rounds"] + 1
    assert after["responses"] > before["responses"]


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="PostgreSQL's client tools (pg_dump) are not installed")
def test_postgresql_backup_and_restore(tmp_path: Path, pg_url: str) -> None:
    clock = ManualClock(TUE_OPEN)
    sender = RecordingSender()
    bot = Bot(build(make_config(pg_url), clock=clock, senders={"console": sender}), clock, sender, pg_url)
    bot.tick()
    answer_nothing(bot, "anna")
    cfg = config_file(tmp_path, pg_url, tmp_path / "reports")
    dump = tmp_path / "est.pgdump"
    done = runner.invoke(cli, ["backup", str(dump), "--config", str(cfg)])
    assert done.exit_code == 0, done.output
    assert dump.read_bytes().startswith(b"PGDMP")
    refused = runner.invoke(cli, ["restore", str(dump), "--config", str(cfg), "--force"])
    assert refused.exit_code == 1 and "in use" in refused.output  # the bot's connections are open
    bot.app.close()
    before = counts(pg_url)
    full = runner.invoke(cli, ["restore", str(dump), "--config", str(cfg)])
    assert full.exit_code == 1 and "already holds data" in full.output
    forced = runner.invoke(cli, ["restore", str(dump), "--config", str(cfg), "--force"])
    assert forced.exit_code == 0, forced.output
    assert counts(pg_url) == before
