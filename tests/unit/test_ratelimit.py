"""Pacing: sliding windows with a fake clock; nothing sleeps for real."""

from __future__ import annotations

from bot.ratelimit import RateLimiter, telegram_limits


class FakeTime:
    def __init__(self) -> None:
        self.t = 1000.0

    def now(self) -> float:
        return self.t

    def sleep(self, s: float) -> None:
        self.t += s


def test_one_message_a_second_per_chat_and_thirty_overall() -> None:
    ft = FakeTime()
    limiter = RateLimiter(ft.now, ft.sleep)
    times = []
    for _ in range(3):
        limiter.acquire(telegram_limits(42))
        times.append(ft.t)
    assert times == [1000.0, 1001.0, 1002.0]
    ft.t = 2000.0
    starts = []
    for chat in range(100, 160):  # 60 different private chats
        limiter.acquire(telegram_limits(chat))
        starts.append(ft.t)
    assert starts.count(2000.0) == 30 and starts.count(2001.0) == 30  # 30/s overall


def test_twenty_a_minute_per_group() -> None:
    ft = FakeTime()
    limiter = RateLimiter(ft.now, ft.sleep)
    for _ in range(21):
        limiter.acquire(telegram_limits(-100123))
    assert ft.t == 1060.0  # the 21st waits for the first to leave the minute window
