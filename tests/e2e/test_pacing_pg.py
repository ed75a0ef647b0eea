"""The platforms' limits hold for the whole bot: three `est-bot run` processes on one PostgreSQL share a Tuesday
fan-out to 60 reporters against a stand-in that enforces the platform's limits, and the leader is stopped in the
middle of it. The stand-in refuses nothing (no 429) and every reporter gets the questionnaire once. For Slack the
stand-in enforces one message a second per channel and the workspace window the bot is configured with, small here:
each direct message is a channel of its own, so the workspace window is the limit the processes must share (with a
limiter per process, the stand-in refuses some).

The leader is stopped with SIGTERM (`kill`), which gives back what it holds: a SIGKILL may repeat the one message
in flight (tests/e2e/test_two_processes_pg.py counts that window), and here every reporter must get exactly one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from standins.slack_api import FakeSlackAPI
from standins.slack_socket import FakeSocketMode
from standins.telegram_api import FakeTelegramAPI
from tests.conftest import PG_URL
from tests.support.pg import fresh_database
from tests.support.realproc import (
    STOCKHOLM,
    BotProcess,
    Week,
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
]
LEADS = "this process leads"
REPORTERS = 60


@pytest.fixture
def pg_db() -> Iterator[str]:
    assert PG_URL is not None
    with fresh_database(PG_URL, "est_pacing_") as url:
        yield url


def start_three(procs: list[BotProcess], make: list[BotProcess]) -> BotProcess:
    """Start the processes, wait for them to run and for one to lead; returns the leader."""
    procs += make
    for p in procs:
        p.wait_log("running:")
    wait_until(lambda: any(LEADS in p.log() for p in procs), what="a leader")
    leaders = [p for p in procs if LEADS in p.log()]
    assert len(leaders) == 1
    return leaders[0]


def senders_of(db_url: str) -> set[str]:
    """The processes (pids) that delivered outbox rows."""
    rows = query(db_url, "SELECT DISTINCT claimed_by FROM outbox WHERE status = 'sent' AND claimed_by IS NOT NULL")
    return {str(r[0]).split(":")[1] for r in rows}


def test_three_processes_keep_telegram_s_limits_for_the_bot_through_a_leader_change(tmp_path: Path, pg_db: str) -> None:
    week = Week(datetime(2026, 11, 17, 7, 59, 48, tzinfo=STOCKHOLM))  # the week opens 12 s from now

    def greeted() -> int:
        return sum(1 for i in range(REPORTERS) if texts_starting(fake, reporter_id(i), "Hej "))

    with FakeTelegramAPI(enforce_limits=True) as fake, processes() as procs:
        cfg = write_config(tmp_path / "est.toml", fake, pg_db, REPORTERS)
        leader = start_three(procs, [BotProcess(cfg, fake, week.at(), name) for name in "abc"])
        wait_until(lambda: greeted() >= 15, what="the fan-out to begin")
        assert leader.terminate() == 0  # the leader stops in the middle of the fan-out …
        assert greeted() < REPORTERS, "the leader stopped after the fan-out"
        others = [p for p in procs if p is not leader]
        wait_until(lambda: any(LEADS in p.log() for p in others), what="another leader")  # … and one takes over
        wait_until(lambda: greeted() == REPORTERS and pending(pg_db) == 0, what="every reporter greeted")
        for p in others:
            p.stop()
        sends = fake.calls_to("sendMessage")
        refused = [c for c in fake.calls if c.status == 429]
        per_chat = {reporter_id(i): texts_starting(fake, reporter_id(i), "Hej ") for i in range(REPORTERS)}
        record("3 processes pace Telegram for the bot", of=REPORTERS, sends=len(sends), refused=len(refused))
    assert refused == []  # the stand-in enforced 30/s overall and 1/s per chat, and refused nothing
    assert set(per_chat.values()) == {1}, per_chat  # each reporter exactly one questionnaire
    assert len(senders_of(pg_db)) >= 2  # the fan-out was shared, not sent by one process
    assert query(pg_db, "SELECT COUNT(*) FROM outbox WHERE status <> 'sent'") == [(0,)]


#: The workspace-wide window, the bot's (its config) and the stand-in's alike: small, so that the three processes
#: must share it (each alone may send 15 in 3 s; the 60 direct messages take 14 s or more on it together).
WORKSPACE = (15, 3.0)


def slack_id(i: int) -> str:
    return f"U0REP{i:04d}"


def write_slack_config(path: Path, fake: FakeSlackAPI, db_url: str) -> Path:
    lines = [
        f'reports_dir = "{path.parent / "reports"}"',
        "",
        "[database]",
        f'url = "{db_url}"',
        "",
        "[slack]",
        "enabled = true",
        f'api_url = "{fake.base_url}"',
        f"workspace_messages = {WORKSPACE[0]}",
        f"workspace_seconds = {WORKSPACE[1]}",
        "",
        "[run]",
        "tick_seconds = 1",
        "leader_retry_seconds = 0.5",
        "outbox_lease_seconds = 3",
        "stop_grace_seconds = 20",
        "",
        "[[groups]]",
        'id = "tbg"',
        'name = "Tryggare Trelleborg"',
        "",
        "[[groups.areas]]",
        'code = "centrum"',
        'name = "Centrum"',
        "",
        "[[groups.reporters]]",
        'name = "Sara Samordnare"',
        'role = "coordinator"',
        'slack = "U0SARA003"',
    ]
    for i in range(REPORTERS):
        lines += ["", "[[groups.reporters]]", f'name = "Rapportör {i:03d}"', 'areas = ["centrum"]']
        lines += [f'slack = "{slack_id(i)}"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_three_processes_keep_slack_s_limits_for_the_bot_through_a_leader_change(tmp_path: Path, pg_db: str) -> None:
    week = Week(datetime(2026, 11, 17, 7, 59, 48, tzinfo=STOCKHOLM))  # the week opens 12 s from now
    # one chat.postMessage a second per channel, strictly (no burst), and the workspace window: every direct
    # message is a channel of its own, so the workspace window is the one three processes must share
    with (
        FakeSlackAPI(enforce_limits=True, post_message_burst=1, workspace_window=WORKSPACE) as fake,
        FakeSocketMode() as sock,
    ):
        sock.attach(fake)
        for i in range(REPORTERS):
            fake.add_user(slack_id(i))
        fake.add_user("U0SARA003")

        def greeted() -> int:
            return sum(1 for i in range(REPORTERS) if fake.messages(fake.dm_channel(slack_id(i))))

        cfg = write_slack_config(tmp_path / "est.toml", fake, pg_db)
        env = {"EST_SLACK_BOT_TOKEN": fake.bot_token, "EST_SLACK_APP_TOKEN": fake.app_token}
        with processes() as procs:
            leader = start_three(procs, [BotProcess(cfg, None, week.at(), name, env=env) for name in "abc"])
            wait_until(lambda: greeted() >= 15, what="the fan-out to begin")
            assert leader.terminate() == 0
            assert greeted() < REPORTERS, "the leader stopped after the fan-out"
            others = [p for p in procs if p is not leader]
            wait_until(lambda: any(LEADS in p.log() for p in others), what="another leader")
            wait_until(lambda: greeted() == REPORTERS and pending(pg_db) == 0, what="every reporter greeted")
            for p in others:
                p.stop()
        refused = [c for c in fake.calls if c.status == 429]
        per_dm = {slack_id(i): len(fake.messages(fake.dm_channel(slack_id(i)))) for i in range(REPORTERS)}
        posts = [c for c in fake.calls_to("chat.postMessage") if c.status == 200]
        record("3 processes pace Slack for the bot", of=REPORTERS, posts=len(posts), refused=len(refused))
    assert refused == []  # the workspace window and one a second per channel, enforced: nothing refused
    assert set(per_dm.values()) == {1}, per_dm
    assert len(senders_of(pg_db)) >= 2
    assert query(pg_db, "SELECT COUNT(*) FROM outbox WHERE status <> 'sent'") == [(0,)]
