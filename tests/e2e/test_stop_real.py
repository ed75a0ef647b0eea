"""SIGTERM stops a real `est-bot run` cleanly (bot/stopping.py), also when it was started in the background.

In the middle of the Tuesday fan-out (the stand-in Telegram API slowed down, so it takes a few seconds) the
process gets SIGTERM: it finishes the message it is sending, gives back the outbox rows it held, and exits 0.
The outbox lease is set long (120 s): the rest of the fan-out goes out after the restart (and, on PostgreSQL,
through a second process that was running all along) only because the rows were given back, not because their
lease ran out. Every reporter is greeted exactly once.
"""

from __future__ import annotations

import signal
from datetime import datetime
from pathlib import Path

import pytest

from standins.telegram_api import FakeTelegramAPI
from tests.support.realproc import (
    STOCKHOLM,
    BotProcess,
    Week,
    held_by,
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

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:.*retry_after.*")]
LEASE = 120.0  # longer than any wait below: a row left leased would fail the test by timing out
BEGINS, DONE = "stopping (SIGTERM received)", "stopped cleanly"


def greeted(fake: FakeTelegramAPI, n: int) -> int:
    return sum(1 for i in range(n) if texts_starting(fake, reporter_id(i), "Hej "))


def test_sigterm_during_the_fan_out_gives_the_rest_to_the_next_process(tmp_path: Path, db_url: str) -> None:
    n = 30
    postgres = db_url.startswith("postgresql")
    week = Week(datetime(2026, 11, 17, 7, 59, 58, tzinfo=STOCKHOLM))
    with FakeTelegramAPI() as fake, processes() as procs:
        fake.delay_next("sendMessage", 0.15, times=10_000)
        cfg = write_config(tmp_path / "est.toml", fake, db_url, n, lease=LEASE)
        # started as `est-bot run &` from a script: its own session, SIGINT ignored; SIGTERM must still stop it
        first = BotProcess(cfg, fake, week.at(), "first", background=True)
        procs.append(first)
        if postgres:  # a second process, running all along, takes the rest of the fan-out
            other = BotProcess(cfg, fake, week.at(), "other")
            procs.append(other)
        wait_until(lambda: greeted(fake, n) >= 6, what="the fan-out to start")
        assert first.terminate(seconds=30) == 0, first.log()
        at_stop = greeted(fake, n)
        # the order that matters: when the process is gone, it holds no row; none waits for the lease to run out
        assert held_by(db_url, first.pid) == 0
        if not postgres:
            assert at_stop < n, "the stop came after the fan-out"
            assert query(
                db_url, "SELECT COUNT(*) FROM outbox WHERE claimed_until IS NOT NULL AND status = 'pending'"
            ) == [(0,)]
        log = first.log()
        assert BEGINS in log and DONE in log and log.index(BEGINS) < log.index(DONE), log
        assert "Traceback" not in log, log
        second = BotProcess(cfg, fake, week.at(), "second")
        procs.append(second)
        second.wait_log("running:")  # on PostgreSQL `other` may finish first: SIGTERM must not come mid-start
        wait_until(lambda: greeted(fake, n) == n and pending(db_url) == 0, what="every reporter greeted")
        assert second.terminate(seconds=30) == 0, second.log()
        per_chat = {reporter_id(i): texts_starting(fake, reporter_id(i), "Hej ") for i in range(n)}
        assert set(per_chat.values()) == {1}, per_chat  # nothing lost, nothing sent twice
        if postgres:
            assert other.terminate(seconds=30) == 0, other.log()
        record("SIGTERM during the fan-out", sent_at_stop=at_stop, of=n, postgres=postgres)
    assert query(db_url, "SELECT COUNT(*) FROM audit WHERE action = 'phase:open'") == [(1,)]


def sending_to_a_new_chat(fake: FakeTelegramAPI, db: str) -> bool:
    """A row is claimed whose chat has had nothing yet: its send is under way (or about to be), and hangs."""
    return any(not fake.sent_to(int(address)) for address in in_flight(db))


def test_a_second_sigterm_during_the_stop_ends_it_at_once(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'est.sqlite'}"
    week = Week(datetime(2026, 11, 17, 7, 59, 58, tzinfo=STOCKHOLM))
    with FakeTelegramAPI() as fake, processes() as procs:
        fake.delay_next("sendMessage", 30.0, times=100)  # every message hangs: the stop waits for the first
        cfg = write_config(tmp_path / "est.toml", fake, db, 3, lease=LEASE)
        bot = BotProcess(cfg, fake, week.at(), "bot", background=True)
        procs.append(bot)
        bot.wait_log("running:")  # the database is there
        wait_until(lambda: sending_to_a_new_chat(fake, db), what="a message under way")
        bot.proc.send_signal(signal.SIGTERM)
        bot.wait_log(BEGINS)
        assert bot.terminate(seconds=10) == 128 + signal.SIGTERM, bot.log()
        assert "SIGTERM again while stopping" in bot.log(), bot.log()
        assert DONE not in bot.log()


def test_a_stop_longer_than_the_grace_period_exits_1_and_says_why(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'est.sqlite'}"
    week = Week(datetime(2026, 11, 17, 7, 59, 58, tzinfo=STOCKHOLM))
    with FakeTelegramAPI() as fake, processes() as procs:
        fake.delay_next("sendMessage", 30.0, times=100)
        cfg = write_config(tmp_path / "est.toml", fake, db, 3, lease=LEASE, stop_grace=1.0)
        bot = BotProcess(cfg, fake, week.at(), "bot")
        procs.append(bot)
        bot.wait_log("running:")  # the database is there
        wait_until(lambda: sending_to_a_new_chat(fake, db), what="a message under way")
        assert bot.terminate(seconds=20) == 1, bot.log()
        assert "stop_grace_seconds = 1 and is cut short while" in bot.log(), bot.log()
        assert DONE not in bot.log()
