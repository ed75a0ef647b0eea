"""The bot's pacing on PostgreSQL (storage/pacing.py): several threads, each on a connection of its own, as
several `est-bot run` processes would be, take turns from one shared state."""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from bot.ports.pacing import Later, Window
from bot.ratelimit import PATIENCE, telegram_limits
from storage.db import make_engine
from storage.pacing import MARGIN, SharedLimiter, Turn, spacing
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
    gap = spacing(Window(30, 1.0))
    assert gap == pytest.approx(MARGIN / 30)
    assert min(b - a for a, b in itertools.pairwise(at)) >= gap - 1e-6  # evenly spaced, never a burst
    # any second of the schedule (less a microsecond for the rounding of the sums) holds at most 30 / MARGIN = 25
    assert max(sum(1 for x in at[i:] if x < a + 1.0 - 1e-6) for i, a in enumerate(at)) <= math.floor(30 / MARGIN)


def test_one_chat_s_window_refuses_without_taking_a_turn_and_a_hold_reaches_every_connection(
    engine: Engine,
) -> None:
    a, b = SharedLimiter(engine, no_sleep), SharedLimiter(engine, no_sleep)
    first = a.turn("telegram", telegram_limits(42), PATIENCE)
    refused = b.turn("telegram", telegram_limits(42), PATIENCE)
    assert refused.later and not refused.everyone
    assert refused.at == pytest.approx(first.at + spacing(Window(1, 1.0)))
    with pytest.raises(Later) as later:
        b.acquire("telegram", telegram_limits(42), PATIENCE)
    assert not later.value.everyone and later.value.seconds > PATIENCE
    other = b.turn("telegram", telegram_limits(43), PATIENCE)  # another chat only waits for the platform's spacing
    assert not other.later and other.at == pytest.approx(first.at + spacing(Window(30, 1.0)))

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
