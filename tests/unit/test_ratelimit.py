"""Pacing in one process: sliding windows, one address's "later" and the platform's hold, with a fake clock;
nothing sleeps for real."""

from __future__ import annotations

import math

import pytest

from bot.ratelimit import PATIENCE, Later, RateLimiter, Window, telegram_limits


class FakeTime:
    def __init__(self) -> None:
        self.t = 1000.0

    def now(self) -> float:
        return self.t

    def sleep(self, s: float) -> None:
        self.t += s


def test_one_message_a_second_per_chat_and_thirty_overall() -> None:
    ft = FakeTime()
    limiter = RateLimiter(ft.now, ft.sleep, math.inf)  # every wait slept through
    times = []
    for _ in range(3):
        limiter.acquire("telegram", telegram_limits(42))
        times.append(ft.t)
    assert times == [1000.0, 1001.0, 1002.0]
    ft.t = 2000.0
    starts = []
    for chat in range(100, 160):  # 60 different private chats
        limiter.acquire("telegram", telegram_limits(chat))
        starts.append(ft.t)
    assert starts.count(2000.0) == 30 and starts.count(2001.0) == 30  # 30/s overall


def test_twenty_a_minute_per_group() -> None:
    ft = FakeTime()
    limiter = RateLimiter(ft.now, ft.sleep, math.inf)
    for _ in range(21):
        limiter.acquire("telegram", telegram_limits(-100123))
    assert ft.t == 1060.0  # the 21st waits for the first to leave the minute window


def test_one_chat_s_window_answers_later_and_takes_no_turn_while_the_others_go() -> None:
    ft = FakeTime()
    limiter = RateLimiter(ft.now, ft.sleep)
    limiter.acquire("telegram", telegram_limits(42), PATIENCE)
    ft.t += 0.3
    with pytest.raises(Later) as refused:
        limiter.acquire("telegram", telegram_limits(42), PATIENCE)
    assert refused.value.seconds == pytest.approx(0.7) and not refused.value.everyone
    assert limiter.acquire("telegram", telegram_limits(43), PATIENCE) == 0.0  # another chat goes at once
    ft.t += 0.7
    assert limiter.acquire("telegram", telegram_limits(42), PATIENCE) == 0.0  # the refusal took no turn
    assert ft.t == pytest.approx(1001.0)


def test_a_short_own_wait_and_the_platform_s_window_are_slept_through() -> None:
    ft = FakeTime()
    limiter = RateLimiter(ft.now, ft.sleep)
    limiter.acquire("telegram", telegram_limits(42), PATIENCE)
    ft.t += 0.9
    assert limiter.acquire("telegram", telegram_limits(42), PATIENCE) == pytest.approx(0.1)
    assert ft.t == pytest.approx(1001.0)
    for chat in range(100, 129):  # 29 more at 1001.0: 30 in that second, the platform's whole window
        limiter.acquire("telegram", telegram_limits(chat), 0.0)
    assert ft.t == pytest.approx(1001.0)
    # the 31st waits the platform's window out, whatever the patience: every address would wait as long
    assert limiter.acquire("telegram", telegram_limits(200), 0.0) == pytest.approx(1.0)


def test_a_hold_refuses_everyone_of_that_platform_and_a_document_s_next_page_waits_it_out() -> None:
    ft = FakeTime()
    limiter = RateLimiter(ft.now, ft.sleep)
    limiter.hold("telegram", 5.0)
    limiter.hold("telegram", 2.0)  # a shorter hold does not shorten the longer one
    with pytest.raises(Later) as refused:
        limiter.acquire("telegram", telegram_limits(7), PATIENCE)
    assert refused.value.everyone and refused.value.seconds == pytest.approx(5.0)
    assert limiter.acquire("slack", {"slack": Window(300, 60.0)}, PATIENCE) == 0.0  # other platforms go on
    assert limiter.acquire("telegram", telegram_limits(7), math.inf) == pytest.approx(5.0)
    assert ft.t == pytest.approx(1005.0)
