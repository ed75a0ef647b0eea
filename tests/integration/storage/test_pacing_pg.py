"""The bot's pacing on PostgreSQL (storage/pacing.py, on revision 0009's table and functions): several threads, each
on a connection of its own, as several `est-bot run` processes would be, take turns from one shared state, with the
same sliding windows as bot/ratelimit.py's `RateLimiter` in one process."""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError, ProgrammingError
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.ports.pacing import Later, LimiterUnavailable, Window
from bot.ratelimit import PATIENCE, RateLimiter, telegram_limits
from storage.db import make_engine
from storage.migrate import migrate
from storage.pacing import MARGIN, SharedLimiter, Turn, problem, shape
from tests.conftest import PG_URL
from tests.support.pg import fresh_database

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(PG_URL is None, reason="needs a PostgreSQL server: set EST_TEST_PG_URL"),
]


@pytest.fixture
def engine() -> Iterator[Engine]:
    assert PG_URL is not None
    with fresh_database(PG_URL, "est_pacing_") as url:
        engine = make_engine(url)
        migrate(engine)
        yield engine
        engine.dispose()


def no_sleep(seconds: float) -> None:
    """The turns are checked on the server's schedule, not by waiting for them."""


def test_four_connections_sharing_the_platform_s_window_never_take_two_turns_closer_than_its_spacing(
    engine: Engine,
) -> None:
    limiters = [SharedLimiter(engine, no_sleep) for _ in range(2)]  # two "processes" …
    turns: list[Turn] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def send(limiter: SharedLimiter, first_chat: int) -> None:
        try:
            for chat in range(first_chat, first_chat + 40):  # … of two sending threads each
                turn = limiter.turn("telegram", telegram_limits(chat), PATIENCE)
                with lock:
                    turns.append(turn)
            limiter.close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(limiters[n % 2], 1000 * n)) for n in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert len(turns) == 160 and not any(t.later for t in turns)  # every chat is new: none is refused
    at = sorted(t.at for t in turns)
    gap = shape(Window(30, 1.0)).seconds
    assert gap == pytest.approx(MARGIN / 30)
    assert min(b - a for a, b in itertools.pairwise(at)) >= gap - 1e-6  # the platform's window: evenly spaced
    # any second of the schedule (less a microsecond for the rounding of the sums) holds at most 30 / MARGIN = 25
    assert max(sum(1 for x in at[i:] if x < a + 1.0 - 1e-6) for i, a in enumerate(at)) <= math.floor(30 / MARGIN)


def test_a_burst_to_one_telegram_group_goes_at_once_up_to_its_limit_and_the_next_waits_for_the_minute(
    engine: Engine,
) -> None:
    a, b = SharedLimiter(engine, no_sleep), SharedLimiter(engine, no_sleep)
    group = {"tg-group:-100": Window(20, 60.0, own=True)}  # a group's own window: 20 a minute
    burst = [(a, b)[i % 2].turn("telegram", group, PATIENCE) for i in range(20)]  # two "processes" taking turns
    assert [t.later for t in burst] == [False] * 20 and [t.wait for t in burst] == [0.0] * 20  # at once
    twenty_first = b.turn("telegram", group, PATIENCE)
    assert twenty_first.later and not twenty_first.everyone  # given back to the Dispatcher, nothing taken …
    assert twenty_first.at == pytest.approx(burst[0].at + 60.0)  # … until the first is a minute old
    with pytest.raises(Later):
        a.acquire("telegram", group, PATIENCE)
    assert not a.turn("telegram", {"tg-group:-200": Window(20, 60.0, own=True)}, PATIENCE).later  # another group


def test_with_telegram_s_windows_a_group_s_messages_go_a_second_apart_until_its_minute_is_full(engine: Engine) -> None:
    limiter = SharedLimiter(engine, no_sleep)
    turns = [limiter.turn("telegram", telegram_limits(-100), math.inf) for _ in range(21)]  # a long draft's pages
    assert not any(t.later for t in turns)
    # one a second (the chat's window), not one per 3 s (20 a minute spread evenly) …
    assert [round(t.at - turns[0].at, 6) for t in turns[:20]] == [float(i) for i in range(20)]
    # … and the 21st when the first is a minute old (the group's window), not at 20 s
    assert turns[20].at == pytest.approx(turns[0].at + 60.0)
    # the same schedule as one process's RateLimiter (SQLite), on a clock its sleeps move
    clock = [0.0]

    def advance(seconds: float) -> None:
        clock[0] += seconds

    memory = RateLimiter(lambda: clock[0], advance, math.inf)
    alone: list[float] = []
    for _ in range(21):
        memory.acquire("telegram", telegram_limits(-100))
        alone.append(clock[0])
    assert alone == pytest.approx([t.at - turns[0].at for t in turns])


def test_a_slack_channel_takes_three_at_once_and_the_fourth_refused_until_the_first_is_three_seconds_old(
    engine: Engine,
) -> None:
    limiter = SharedLimiter(engine, no_sleep)
    limits = {"slack-ch:C1": Window(3, 3.0, own=True), "slack": Window(300, 60.0)}
    three = [limiter.turn("slack", limits, PATIENCE) for _ in range(3)]
    gap = shape(limits["slack"]).seconds  # the workspace's spacing, the channel adds nothing to it
    assert not any(t.later for t in three)
    assert [round(t.at - three[0].at, 6) for t in three] == [round(i * gap, 6) for i in range(3)]
    fourth = limiter.turn("slack", limits, PATIENCE)
    assert fourth.later and fourth.at == pytest.approx(three[0].at + 3.0)


def test_an_unmigrated_database_is_said_in_one_line_and_a_migrated_one_passes(engine: Engine) -> None:
    assert problem(engine) is None
    with engine.begin() as conn:
        conn.execute(text("DROP FUNCTION est_pace_v1(text[], integer[], float8[], boolean[], text, float8)"))
    said = problem(engine)
    assert said is not None and "est_pace_v1" in said and "est-bot migrate" in said and "\n" not in said


def test_one_chat_s_window_refuses_without_taking_a_turn_and_a_hold_reaches_every_connection(
    engine: Engine,
) -> None:
    a, b = SharedLimiter(engine, no_sleep), SharedLimiter(engine, no_sleep)
    first = a.turn("telegram", telegram_limits(42), PATIENCE)
    refused = b.turn("telegram", telegram_limits(42), PATIENCE)
    assert refused.later and not refused.everyone
    assert refused.at == pytest.approx(first.at + 1.0)  # the chat's second
    with pytest.raises(Later) as later:
        b.acquire("telegram", telegram_limits(42), PATIENCE)
    assert not later.value.everyone and later.value.seconds > PATIENCE
    other = b.turn("telegram", telegram_limits(43), PATIENCE)  # another chat only waits for the platform's spacing
    assert not other.later and other.at == pytest.approx(first.at + shape(Window(30, 1.0)).seconds)

    a.hold("telegram", 30.0)  # a 429 in one process …
    with pytest.raises(Later) as held:
        b.acquire("telegram", telegram_limits(44), PATIENCE)  # … holds the platform in the other
    assert held.value.everyone and held.value.seconds == pytest.approx(30.0, abs=1.0)
    assert not b.turn("slack", {"slack": Window(300, 60.0)}, PATIENCE).later  # other platforms go on
    page = b.turn("telegram", telegram_limits(45), math.inf)  # a document's next page waits it out
    assert not page.later and page.wait == pytest.approx(30.0, abs=1.0)


def test_a_dropped_connection_costs_one_turn_and_the_next_opens_another(engine: Engine) -> None:
    limiter = SharedLimiter(engine, no_sleep)
    limiter.turn("email", {"email": Window(5, 1.0)})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as admin:
        admin.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    with pytest.raises(OperationalError):  # the turn in flight when the server ended the session
        limiter.turn("email", {"email": Window(5, 1.0)})
    assert not limiter.turn("email", {"email": Window(5, 1.0)}).later


def test_run_and_doctor_on_a_database_without_the_pacing_say_so_in_one_line_at_start(
    engine: Engine, tmp_path: Path
) -> None:
    with engine.begin() as conn:  # at the newest revision, but the function is gone (dropped by hand, say)
        conn.execute(text("DROP FUNCTION est_pace_v1(text[], integer[], float8[], boolean[], text, float8)"))
    cfg = tmp_path / "est.toml"
    cfg.write_text(
        f'reports_dir = "{tmp_path / "reports"}"\n[database]\nurl = "{engine.url.render_as_string(False)}"\n'
        '[[groups]]\nid = "tbg"\nname = "Tryggare Trelleborg"\n'
        '[[groups.areas]]\ncode = "centrum"\nname = "Centrum"\n',
        encoding="utf-8",
    )
    run = CliRunner().invoke(cli, ["run", "--config", str(cfg)])
    assert run.exit_code == 1 and isinstance(run.exception, SystemExit), run.exception  # typer.Exit, no traceback
    said = [line for line in run.output.splitlines() if "est_pace_v1" in line]
    assert len(said) == 1 and "run `est-bot migrate`" in said[0] and "Traceback" not in run.output
    doctor = CliRunner().invoke(cli, ["doctor", "--config", str(cfg)])
    assert doctor.exit_code == 1
    assert any("est_pace_v1" in line and "est-bot migrate" in line for line in doctor.output.splitlines())


def test_a_limiter_whose_database_is_gone_says_so_as_limiter_unavailable_and_takes_no_turn(engine: Engine) -> None:
    """What the Dispatcher gives back without counting an attempt (bot/outbox.py), not a database error."""
    limiter = SharedLimiter(engine, no_sleep)
    limiter.acquire("email", {"email": Window(5, 1.0)})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as admin:
        admin.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    with pytest.raises(LimiterUnavailable, match="could not be asked"):
        limiter.acquire("email", {"email": Window(5, 1.0)})
    limiter.acquire("email", {"email": Window(5, 1.0)})  # the next opens another connection
    with pytest.raises(LimiterUnavailable, match="could not be told"):
        SharedLimiter(make_engine(_unreachable(engine)), no_sleep).hold("email", 5.0)


def _unreachable(engine: Engine) -> str:
    return engine.url.set(port=1).render_as_string(False)


def test_windows_unused_for_a_day_are_pruned_by_a_role_that_may_not_delete(engine: Engine) -> None:
    """Revision 0010's `est_pacing_prune_v1`, SECURITY DEFINER: the running role needs no DELETE on the table."""
    limiter = SharedLimiter(engine, no_sleep)
    limiter.turn("telegram", telegram_limits(-100))
    limiter.hold("telegram", 30.0)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE est_pacing_v1 SET turns = ARRAY[extract(epoch FROM now()) - 90000] WHERE key LIKE 'tg-%'")
        )
        conn.execute(text("INSERT INTO est_pacing_v1 (key, held_until) VALUES ('hold:slack', 1)"))
    role = f"est_pacer_{engine.url.database}"
    with engine.begin() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        conn.execute(text(f'GRANT SELECT, INSERT, UPDATE ON est_pacing_v1 TO "{role}"'))
    try:
        pacer = make_engine(engine.url.set(username=role).render_as_string(False))
        with pacer.connect() as conn, pytest.raises(ProgrammingError):  # the role as `est-bot run` has it
            conn.execute(text("DELETE FROM est_pacing_v1"))  # no DELETE
        assert problem(pacer) is None
        assert SharedLimiter(pacer, no_sleep).prune(86_400.0) == 3  # the group's two windows and the old hold
        assert SharedLimiter(pacer, no_sleep).prune(1.0) == 0  # an hour at least: nothing in use goes
        pacer.dispose()
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE "{role}"'))
    with engine.connect() as conn:
        left = sorted(conn.execute(text("SELECT key FROM est_pacing_v1")).scalars())
    assert left == ["hold:telegram", "telegram"]  # the platform's window was used now; the hold lasts


def test_a_database_without_revision_0010_s_prune_is_said_in_one_line(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DROP FUNCTION est_pacing_prune_v1(float8)"))
    said = problem(engine)
    assert said is not None and "est_pacing_prune_v1" in said and "0010" in said and "est-bot migrate" in said
