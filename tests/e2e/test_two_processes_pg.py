"""Several `est-bot run` processes on one real PostgreSQL database and one stand-in Telegram API.

All of them send the outbox (rows claimed with FOR UPDATE SKIP LOCKED and a lease); one leads (a PostgreSQL
advisory lock) and runs the schedule and the long polling. Killing the leader hands both to another process.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from standins.telegram_api import FakeTelegramAPI
from tests.conftest import PG_URL
from tests.support.pg import fresh_database
from tests.support.realproc import (
    COORDINATOR,
    STOCKHOLM,
    BotProcess,
    Week,
    in_flight,
    pending,
    processes,
    query,
    record,
    reporter_id,
    texts_starting,
    wait_until,
    write_config,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="needs a PostgreSQL server (EST_TEST_PG_URL)"),
    pytest.mark.filterwarnings("ignore:.*retry_after.*"),
]
LEADS = "this process leads"


@pytest.fixture
def pg_db() -> Iterator[str]:
    assert PG_URL is not None
    with fresh_database(PG_URL, "est_procs_") as url:
        yield url


def test_three_processes_share_the_fan_out_and_the_schedule_survives_two_leader_kills(
    tmp_path: Path, pg_db: str
) -> None:
    n = 40
    week = Week(datetime(2026, 11, 17, 7, 59, 40, tzinfo=STOCKHOLM))  # the week opens 20 s from now

    def greeted() -> int:
        return sum(1 for i in range(n) if texts_starting(fake, reporter_id(i), "Hej "))

    with FakeTelegramAPI() as fake, processes() as procs:
        fake.delay_next("sendMessage", 0.1, times=10_000)
        cfg = write_config(tmp_path / "est.toml", fake, pg_db, n)
        # a and b start at the same moment on a fresh database: they migrate and load the file in turns
        procs += [BotProcess(cfg, fake, week.at(), "a"), BotProcess(cfg, fake, week.at(), "b")]
        for p in procs:
            p.wait_log("running:")
        wait_until(lambda: any(LEADS in p.log() for p in procs), what="a leader")
        leader, b = sorted(procs, key=lambda p: LEADS not in p.log())
        assert LEADS not in b.log()  # one leader
        leader.kill9()  # the leader dies before the week opens …
        assert week.now().hour == 7 and greeted() == 0, "too slow a start: the week opened before the first kill"
        b.wait_log(LEADS)  # … and the other takes over
        c = BotProcess(cfg, fake, week.at(), "c")
        procs.append(c)
        c.wait_log("running:")
        wait_until(lambda: greeted() >= 10, what="b's schedule to open the week")
        b.kill9()  # the second leader dies during the fan-out …
        window = in_flight(pg_db)
        assert greeted() < n, "the kill came after the fan-out"
        c.wait_log(LEADS)  # … and c takes over the schedule and the polling
        wait_until(lambda: greeted() == n and pending(pg_db) == 0, what="every reporter greeted")
        fake.push_update(fake.command_update(COORDINATOR, COORDINATOR, "status"))
        wait_until(lambda: any("Svar: 0 av" in t for t in fake.texts_to(COORDINATOR)), what="status answered by c")
        c.stop()
        per_chat = {str(reporter_id(i)): texts_starting(fake, reporter_id(i), "Hej ") for i in range(n)}
        repeated = {chat for chat, k in per_chat.items() if k > 1}
        assert all(k in (1, 2) for k in per_chat.values()), per_chat
        assert repeated <= window, (repeated, window)
        assert len(window) <= 2
        record("3 processes, 2 leader kills", of=n, in_flight=len(window), repeated=len(repeated))
    senders = {str(r[0]).split(":")[1] for r in query(pg_db, "SELECT DISTINCT claimed_by FROM outbox")}
    assert {str(b.pid), str(c.pid)} <= senders  # both drained the fan-out
    assert query(pg_db, "SELECT COUNT(*), COUNT(DISTINCT person_id) FROM responses") == [(n, n)]
    assert query(pg_db, "SELECT COUNT(*) FROM audit WHERE action = 'phase:open'") == [(1,)]
