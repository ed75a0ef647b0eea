"""Tests for bot.domain.cycle: phases, phase times, schedules, ISO-week rounds. Due times, DST and monthly dates:
test_cycle_times.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.cycle import (
    DEFAULT_SCHEDULE,
    PHASE_ORDER,
    SCHEDULED_PHASES,
    Phase,
    PhaseTime,
    RoundKey,
    WeekSchedule,
    local_round_key,
    phase_index,
)

STHLM = ZoneInfo("Europe/Stockholm")
CEST = timedelta(hours=2)
CET = timedelta(hours=1)


def sched(open_: str, remind: str, close: str, draft: str, publish: str) -> WeekSchedule:
    return WeekSchedule(
        open=PhaseTime.parse(open_),
        remind=PhaseTime.parse(remind),
        close=PhaseTime.parse(close),
        draft=PhaseTime.parse(draft),
        publish=PhaseTime.parse(publish),
    )


# --------------------------------------------------------------------------- Phase


def test_phase_order_and_index() -> None:
    assert [p.value for p in PHASE_ORDER] == [
        "planned",
        "open",
        "reminded",
        "closed",
        "drafted",
        "finalised",
        "published",
    ]
    assert [phase_index(p) for p in PHASE_ORDER] == list(range(7))
    assert SCHEDULED_PHASES == (Phase.OPEN, Phase.REMINDED, Phase.CLOSED, Phase.DRAFTED, Phase.PUBLISHED)
    assert Phase.FINALISED not in SCHEDULED_PHASES
    assert phase_index(Phase.FINALISED) < phase_index(Phase.PUBLISHED)
    assert Phase("open") is Phase.OPEN and str(Phase.OPEN) == "open"


# --------------------------------------------------------------------------- PhaseTime


@pytest.mark.parametrize(
    ("text", "weekday", "at"),
    [
        ("tue 08:00", 2, time(8, 0)),
        ("Tisdag 08:00", 2, time(8, 0)),
        ("ti 8:00", 2, time(8, 0)),
        ("TIS 8:00", 2, time(8, 0)),
        ("tuesday 08:00", 2, time(8, 0)),
        ("mån 00:00", 1, time(0, 0)),
        ("måndag 09:15", 1, time(9, 15)),
        ("Monday 9:15", 1, time(9, 15)),
        ("mon 9:15", 1, time(9, 15)),
        ("ons 13:00", 3, time(13, 0)),
        ("onsdag 13:00", 3, time(13, 0)),
        ("wed 13:00", 3, time(13, 0)),
        ("tor 08:05", 4, time(8, 5)),
        ("torsdag 08:05", 4, time(8, 5)),
        ("thu 08:05", 4, time(8, 5)),
        ("thursday 08:05", 4, time(8, 5)),
        ("fre 07:30", 5, time(7, 30)),
        ("fredag 07.30", 5, time(7, 30)),
        ("fri 07:30", 5, time(7, 30)),
        ("fre kl. 07.30", 5, time(7, 30)),
        ("lör 12:00", 6, time(12, 0)),
        ("Lördag 12:00", 6, time(12, 0)),
        ("sat 12:00", 6, time(12, 0)),
        ("sön 23:59", 7, time(23, 59)),
        ("söndag 23:59", 7, time(23, 59)),
        ("sunday 23:59", 7, time(23, 59)),
        ("  sun   23:59  ", 7, time(23, 59)),
        # decomposed å (a + combining ring) as some keyboards/clients send it
        ("ma\u030andag 10:00", 1, time(10, 0)),
    ],
)
def test_phase_time_parse(text: str, weekday: int, at: time) -> None:
    pt = PhaseTime.parse(text)
    assert pt == PhaseTime(weekday, at)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("tue 08:00", "tue 08:00"),
        ("Tisdag 8:00", "tue 08:00"),
        ("ti 8:00", "tue 08:00"),
        ("fredag 07.30", "fri 07:30"),
        ("söndag 0:00", "sun 00:00"),
        ("lör 23:59", "sat 23:59"),
        ("Thursday 08:05", "thu 08:05"),
    ],
)
def test_phase_time_format_round_trip(text: str, canonical: str) -> None:
    pt = PhaseTime.parse(text)
    assert str(pt) == canonical
    assert PhaseTime.parse(str(pt)) == pt


def test_phase_time_str_round_trip_every_day_and_many_times() -> None:
    for wd in range(1, 8):
        for hour in (0, 1, 9, 12, 23):
            for minute in (0, 5, 59):
                pt = PhaseTime(wd, time(hour, minute))
                assert PhaseTime.parse(str(pt)) == pt


@pytest.mark.parametrize(
    "text",
    [
        "",
        "tue",
        "08:00",
        "tue 8",
        "tue 24:00",
        "tue 08:60",
        "tue 8:0",
        "tue 08:00 extra",
        "tuesdai 08:00",
        "tisdagen 08:00",
        "xyz 08:00",
        "8:00 tue",
        "lördagar 10:00",
        "tue -1:00",
    ],
)
def test_phase_time_parse_errors(text: str) -> None:
    with pytest.raises(ValueError) as exc:
        PhaseTime.parse(text)
    msg = str(exc.value)
    # the message is in English and says what is allowed, in both languages
    assert "expected" in msg
    assert "tue 08:00" in msg
    assert "mån" in msg and "mon" in msg and "söndag" in msg and "HH:MM" in msg


def test_phase_time_constructor_validates() -> None:
    with pytest.raises(ValueError):
        PhaseTime(0, time(8, 0))
    with pytest.raises(ValueError):
        PhaseTime(8, time(8, 0))
    with pytest.raises(ValueError):
        PhaseTime(2, time(8, 0, 30))
    with pytest.raises(ValueError):
        PhaseTime(2, time(8, 0, tzinfo=UTC))


def test_phase_time_ordering() -> None:
    assert PhaseTime.parse("mon 23:59") < PhaseTime.parse("tue 00:00")
    assert PhaseTime.parse("thu 08:00") < PhaseTime.parse("thu 08:05")


# --------------------------------------------------------------------------- WeekSchedule


def test_default_schedule() -> None:
    s = DEFAULT_SCHEDULE
    assert [str(s.time_for(p)) for p in SCHEDULED_PHASES] == [
        "tue 08:00",
        "wed 13:00",
        "thu 08:00",
        "thu 08:05",
        "fri 07:30",
    ]
    assert s.monthly_at == time(9, 0)
    s.validate()


@pytest.mark.parametrize("phase", [Phase.PLANNED, Phase.FINALISED])
def test_time_for_unscheduled_phase_raises(phase: Phase) -> None:
    with pytest.raises(ValueError):
        DEFAULT_SCHEDULE.time_for(phase)


def test_validate_accepts_close_equal_draft_and_whole_week() -> None:
    sched("mon 00:00", "tue 00:00", "wed 00:00", "wed 00:00", "sun 23:59").validate()


@pytest.mark.parametrize(
    "times",
    [
        ("wed 08:00", "tue 13:00", "thu 08:00", "thu 08:05", "fri 07:30"),  # remind before open
        ("tue 08:00", "tue 08:00", "thu 08:00", "thu 08:05", "fri 07:30"),  # open == remind
        ("tue 08:00", "wed 13:00", "wed 13:00", "thu 08:05", "fri 07:30"),  # remind == close
        ("tue 08:00", "wed 13:00", "thu 08:05", "thu 08:00", "fri 07:30"),  # draft before close
        ("tue 08:00", "wed 13:00", "thu 08:00", "thu 08:05", "thu 08:05"),  # draft == publish
        ("tue 08:00", "wed 13:00", "thu 08:00", "thu 08:05", "mon 07:30"),  # publish wraps to next week
        ("sun 08:00", "mon 13:00", "tue 08:00", "tue 08:05", "wed 07:30"),  # open at week end
    ],
)
def test_validate_rejects_out_of_order(times: tuple[str, str, str, str, str]) -> None:
    with pytest.raises(ValueError, match="out of order"):
        sched(*times).validate()


# --------------------------------------------------------------------------- RoundKey


@pytest.mark.parametrize("text", ["2026-W47", "2026-w47", "2026W47", "2026w47", "2026-47", " 2026-W47 "])
def test_round_key_parse_forms(text: str) -> None:
    key = RoundKey.parse(text)
    assert key == RoundKey(2026, 47)
    assert str(key) == "2026-W47"
    assert RoundKey.parse(str(key)) == key


def test_round_key_str_zero_pads() -> None:
    assert str(RoundKey(2027, 1)) == "2027-W01"
    assert RoundKey.parse("2027-W1") == RoundKey(2027, 1)


@pytest.mark.parametrize(
    "text", ["", "2026", "2026-W", "W47", "26-W47", "2026/W47", "2026-X47", "202647", "2026-W470", "abc"]
)
def test_round_key_parse_bad_format(text: str) -> None:
    with pytest.raises(ValueError, match="expected an ISO year and week like '2026-W47'"):
        RoundKey.parse(text)


@pytest.mark.parametrize("text", ["2026-W00", "2026-W54", "2025-W53", "2027-W53", "2026-W99"])
def test_round_key_parse_out_of_range(text: str) -> None:
    with pytest.raises(ValueError, match="has no week"):
        RoundKey.parse(text)


def test_week_53_exists_in_2026_only_where_it_should() -> None:
    # 2026 starts on a Thursday, so it has 53 ISO weeks; 2025 and 2027 do not.
    key = RoundKey.parse("2026-W53")
    assert key.monday() == date(2026, 12, 28)
    assert RoundKey(2026, 53).monday().isocalendar().week == 53
    with pytest.raises(ValueError):
        RoundKey(2025, 53)
    with pytest.raises(ValueError):
        RoundKey(2027, 53)


def test_round_key_next_prev_across_year_ends() -> None:
    assert RoundKey(2026, 52).next() == RoundKey(2026, 53)
    assert RoundKey(2026, 53).next() == RoundKey(2027, 1)
    assert RoundKey(2027, 1).prev() == RoundKey(2026, 53)
    assert RoundKey(2026, 53).prev() == RoundKey(2026, 52)
    assert RoundKey(2025, 52).next() == RoundKey(2026, 1)
    assert RoundKey(2026, 1).prev() == RoundKey(2025, 52)
    assert RoundKey(2027, 52).next() == RoundKey(2028, 1)
    assert RoundKey(2027, 1).monday() == date(2027, 1, 4)
    assert RoundKey(2026, 1).monday() == date(2025, 12, 29)


def test_round_key_minus_and_walk() -> None:
    key = RoundKey(2027, 2)
    assert key.minus(0) == key
    assert key.minus(1) == RoundKey(2027, 1)
    assert key.minus(2) == RoundKey(2026, 53)
    assert key.minus(54) == RoundKey(2026, 1)
    assert key.minus(-1) == RoundKey(2027, 3)
    # walking 300 weeks forward then back returns, and Mondays are 7 days apart
    k = RoundKey(2024, 1)
    seen = [k]
    for _ in range(300):
        nxt = k.next()
        assert nxt.monday() - k.monday() == timedelta(weeks=1)
        assert nxt > k
        assert nxt.prev() == k
        k = nxt
        seen.append(k)
    assert RoundKey(2024, 1).minus(-300) == k
    assert k.minus(300) == RoundKey(2024, 1)
    assert seen == sorted(seen)


def test_round_key_of_dates() -> None:
    assert RoundKey.of(date(2026, 11, 16)) == RoundKey(2026, 47)
    assert RoundKey.of(date(2027, 1, 1)) == RoundKey(2026, 53)  # Friday of 2026-W53
    assert RoundKey.of(date(2027, 1, 3)) == RoundKey(2026, 53)  # Sunday
    assert RoundKey.of(date(2027, 1, 4)) == RoundKey(2027, 1)
    assert RoundKey.of(date(2025, 12, 29)) == RoundKey(2026, 1)


def test_local_round_key_uses_local_date() -> None:
    # Sunday 2027-01-03 23:30 UTC is Monday 00:30 in Stockholm: the next round already.
    now = datetime(2027, 1, 3, 23, 30, tzinfo=UTC)
    assert RoundKey.of(now.date()) == RoundKey(2026, 53)
    assert local_round_key(now, STHLM) == RoundKey(2027, 1)
    assert local_round_key(now, ZoneInfo("America/New_York")) == RoundKey(2026, 53)
    # the same instant expressed in another zone gives the same answer
    assert local_round_key(now.astimezone(ZoneInfo("Asia/Tokyo")), STHLM) == RoundKey(2027, 1)


def test_local_round_key_rejects_naive() -> None:
    with pytest.raises(ValueError, match="aware"):
        local_round_key(datetime(2026, 11, 16, 12, 0), STHLM)  # noqa: DTZ001 (naive on purpose: refused)
