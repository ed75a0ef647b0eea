"""Tests for bot.domain.cycle in local time: when each phase is due, DST gaps and overlaps, the weeks ahead,
monthly dates."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.cycle import (
    DEFAULT_SCHEDULE,
    SCHEDULED_PHASES,
    Phase,
    PhaseTime,
    RoundKey,
    WeekSchedule,
    due_phase,
    first_weekday_of_month,
    monthly_due_at,
    phase_due_at,
    phase_index,
    previous_month,
    upcoming_phases,
)
from tests.unit.domain.test_cycle import CEST, CET, STHLM, sched

# --------------------------------------------------------------------------- due times and DST


@pytest.mark.parametrize(
    ("key", "offset"),
    [
        (RoundKey(2026, 42), CEST),
        (RoundKey(2026, 43), CEST),  # the week ending Sunday 2026-10-25 (clocks go back that morning)
        (RoundKey(2026, 44), CET),
        (RoundKey(2026, 45), CET),
        (RoundKey(2027, 11), CET),
        (RoundKey(2027, 12), CET),  # the week ending Sunday 2027-03-28 (clocks go forward that morning)
        (RoundKey(2027, 13), CEST),
        (RoundKey(2027, 14), CEST),
    ],
)
def test_phase_times_are_local_wall_times_around_dst(key: RoundKey, offset: timedelta) -> None:
    for phase in SCHEDULED_PHASES:
        due = phase_due_at(key, phase, DEFAULT_SCHEDULE, STHLM)
        assert due.tzinfo is UTC
        local = due.astimezone(STHLM)
        pt = DEFAULT_SCHEDULE.time_for(phase)
        assert local.isoweekday() == pt.weekday
        assert local.time() == pt.at
        assert RoundKey.of(local.date()) == key
        assert local.utcoffset() == offset
        assert due == datetime.combine(local.date(), pt.at).replace(tzinfo=UTC) - offset
    open_ = phase_due_at(key, Phase.OPEN, DEFAULT_SCHEDULE, STHLM)
    assert open_.astimezone(STHLM).time() == time(8, 0)
    assert open_.hour == (6 if offset == CEST else 7)


def test_phase_due_at_known_instants() -> None:
    # Tue 2026-10-20 08:00 CEST = 06:00 UTC; Tue 2026-10-27 08:00 CET = 07:00 UTC
    assert phase_due_at(RoundKey(2026, 43), Phase.OPEN, DEFAULT_SCHEDULE, STHLM) == datetime(
        2026, 10, 20, 6, 0, tzinfo=UTC
    )
    assert phase_due_at(RoundKey(2026, 44), Phase.OPEN, DEFAULT_SCHEDULE, STHLM) == datetime(
        2026, 10, 27, 7, 0, tzinfo=UTC
    )
    # Thu 2027-03-25 08:00 CET = 07:00 UTC; Thu 2027-04-01 08:00 CEST = 06:00 UTC
    assert phase_due_at(RoundKey(2027, 12), Phase.CLOSED, DEFAULT_SCHEDULE, STHLM) == datetime(
        2027, 3, 25, 7, 0, tzinfo=UTC
    )
    assert phase_due_at(RoundKey(2027, 13), Phase.CLOSED, DEFAULT_SCHEDULE, STHLM) == datetime(
        2027, 4, 1, 6, 0, tzinfo=UTC
    )
    # week 53 publishes on Friday 2027-01-01 07:30 CET
    assert phase_due_at(RoundKey(2026, 53), Phase.PUBLISHED, DEFAULT_SCHEDULE, STHLM) == datetime(
        2027, 1, 1, 6, 30, tzinfo=UTC
    )


@pytest.mark.parametrize("phase", [Phase.PLANNED, Phase.FINALISED])
def test_phase_due_at_unscheduled_phase_raises(phase: Phase) -> None:
    with pytest.raises(ValueError):
        phase_due_at(RoundKey(2026, 47), phase, DEFAULT_SCHEDULE, STHLM)


def test_due_phase_basic_and_naive() -> None:
    key = RoundKey(2026, 47)  # Mon 2026-11-16
    assert due_phase(key, DEFAULT_SCHEDULE, STHLM, datetime(2026, 11, 17, 6, 59, tzinfo=UTC)) == Phase.PLANNED
    assert due_phase(key, DEFAULT_SCHEDULE, STHLM, datetime(2026, 11, 17, 7, 0, tzinfo=UTC)) == Phase.OPEN
    assert due_phase(key, DEFAULT_SCHEDULE, STHLM, datetime(2026, 11, 19, 7, 4, tzinfo=UTC)) == Phase.CLOSED
    assert due_phase(key, DEFAULT_SCHEDULE, STHLM, datetime(2026, 11, 19, 7, 5, tzinfo=UTC)) == Phase.DRAFTED
    # long after (catch-up after downtime): straight to PUBLISHED, never FINALISED
    assert due_phase(key, DEFAULT_SCHEDULE, STHLM, datetime(2027, 6, 1, tzinfo=UTC)) == Phase.PUBLISHED
    # long before
    assert due_phase(key, DEFAULT_SCHEDULE, STHLM, datetime(2020, 1, 1, tzinfo=UTC)) == Phase.PLANNED
    with pytest.raises(ValueError, match="aware"):
        due_phase(key, DEFAULT_SCHEDULE, STHLM, datetime(2026, 11, 17, 8, 0))  # noqa: DTZ001 (naive: refused)


def test_due_phase_close_equal_draft_goes_straight_to_drafted() -> None:
    s = sched("tue 08:00", "wed 13:00", "thu 08:00", "thu 08:00", "fri 07:30")
    key = RoundKey(2026, 47)
    at = phase_due_at(key, Phase.CLOSED, s, STHLM)
    assert at == phase_due_at(key, Phase.DRAFTED, s, STHLM)
    assert due_phase(key, s, STHLM, at - timedelta(microseconds=1)) == Phase.REMINDED
    assert due_phase(key, s, STHLM, at) == Phase.DRAFTED


def _walk_clock(
    schedule: WeekSchedule, first_monday: date, weeks: int, step: timedelta
) -> tuple[list[RoundKey], dict[RoundKey, list[tuple[Phase, datetime]]]]:
    """Step a UTC clock through ``weeks`` local weeks; record each round's phase transitions."""
    first = RoundKey.of(first_monday)
    keys = [first.minus(1)] + [first.minus(-i) for i in range(weeks + 1)]  # one extra on each side
    start = datetime.combine(first_monday, time(0, 0), tzinfo=STHLM).astimezone(UTC)
    end = datetime.combine(first_monday + timedelta(weeks=weeks), time(0, 0), tzinfo=STHLM).astimezone(UTC)
    state = {k: due_phase(k, schedule, STHLM, start) for k in keys}
    transitions: dict[RoundKey, list[tuple[Phase, datetime]]] = {k: [] for k in keys}
    now = start
    while now <= end:
        for k in keys:
            p = due_phase(k, schedule, STHLM, now)
            if p != state[k]:
                assert phase_index(p) > phase_index(state[k]), f"{k} went back from {state[k]} to {p} at {now}"
                transitions[k].append((p, now))
                state[k] = p
        now += step
    assert state[keys[0]] == Phase.PUBLISHED and not transitions[keys[0]]
    assert state[keys[-1]] == Phase.PLANNED and not transitions[keys[-1]]
    return keys[1:-1], transitions


@pytest.mark.parametrize(
    ("first_monday", "dst_change"),
    [
        (date(2026, 10, 5), date(2026, 10, 25)),  # 2026-W41..W46: autumn, clocks back
        (date(2027, 3, 8), date(2027, 3, 28)),  # 2027-W10..W15: spring, clocks forward
    ],
)
def test_clock_walk_each_phase_due_exactly_once_in_order(first_monday: date, dst_change: date) -> None:
    assert first_monday < dst_change < first_monday + timedelta(weeks=6)
    keys, transitions = _walk_clock(DEFAULT_SCHEDULE, first_monday, 6, timedelta(minutes=5))
    assert len(keys) == 6
    before = STHLM.utcoffset(datetime.combine(first_monday, time(12, 0)))
    after = STHLM.utcoffset(datetime.combine(dst_change + timedelta(days=1), time(12, 0)))
    assert before != after
    all_events: list[tuple[datetime, RoundKey, Phase]] = []
    for k in keys:
        seen = transitions[k]
        # each scheduled phase exactly once, in PHASE order, nothing else
        assert [p for p, _ in seen] == list(SCHEDULED_PHASES), f"{k}: {seen}"
        for p, at in seen:
            # step is aligned with the schedule, so each is seen exactly at its due instant
            assert at == phase_due_at(k, p, DEFAULT_SCHEDULE, STHLM)
            local = at.astimezone(STHLM)
            pt = DEFAULT_SCHEDULE.time_for(p)
            assert (local.isoweekday(), local.time()) == (pt.weekday, pt.at)
            assert local.utcoffset() == (before if local.date() < dst_change else after)
            all_events.append((at, k, p))
    assert len(all_events) == 5 * 6
    # globally: rounds run one after another, phase order within each
    assert [(k, p) for _, k, p in sorted(all_events)] == [(k, p) for k in keys for p in SCHEDULED_PHASES]


def test_clock_walk_with_odd_step_still_sees_each_phase_once() -> None:
    # a 7-minute step is not aligned with the schedule: transitions are seen late but still once, in order
    keys, transitions = _walk_clock(DEFAULT_SCHEDULE, date(2027, 3, 15), 3, timedelta(minutes=7))
    for k in keys:
        phases = [p for p, _ in transitions[k]]
        # close (08:00) and draft (08:05) may land in the same 7-minute step
        assert phases in (
            list(SCHEDULED_PHASES),
            [Phase.OPEN, Phase.REMINDED, Phase.DRAFTED, Phase.PUBLISHED],
        )
        for p, at in transitions[k]:
            due = phase_due_at(k, p, DEFAULT_SCHEDULE, STHLM)
            assert due <= at < due + timedelta(minutes=7)


SPRING_SUNDAY = date(2027, 3, 28)  # 02:00 CET -> 03:00 CEST in Stockholm
AUTUMN_SUNDAY = date(2026, 10, 25)  # 03:00 CEST -> 02:00 CET


def test_nonexistent_spring_forward_time_resolves_with_fold_0() -> None:
    s = sched("tue 08:00", "wed 13:00", "thu 08:00", "thu 08:05", "sun 02:30")
    s.validate()
    key = RoundKey.of(SPRING_SUNDAY)
    assert key == RoundKey(2027, 12)
    due = phase_due_at(key, Phase.PUBLISHED, s, STHLM)
    # 02:30 does not exist; fold=0 reads it with the pre-change offset (+01:00): 01:30 UTC = 03:30 CEST
    assert due == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert due.astimezone(STHLM).time() == time(3, 30)
    assert due.astimezone(STHLM).utcoffset() == CEST
    # deterministic: same answer every time, and due_phase agrees with it
    assert all(phase_due_at(key, Phase.PUBLISHED, s, STHLM) == due for _ in range(5))
    assert due_phase(key, s, STHLM, due - timedelta(seconds=1)) == Phase.DRAFTED
    assert due_phase(key, s, STHLM, due) == Phase.PUBLISHED
    # the same wall time on an ordinary Sunday is the plain 02:30
    assert phase_due_at(key.next(), Phase.PUBLISHED, s, STHLM) == datetime(2027, 4, 4, 0, 30, tzinfo=UTC)
    # and the clock walk still sees every phase once, in order
    keys, transitions = _walk_clock(s, date(2027, 3, 15), 3, timedelta(minutes=5))
    for k in keys:
        assert [p for p, _ in transitions[k]] == list(SCHEDULED_PHASES)
    rows = upcoming_phases(s, STHLM, date(2027, 3, 22), 1)
    assert rows[-1] == (key, Phase.PUBLISHED, due.astimezone(STHLM))


def test_phases_straddling_the_spring_gap_never_run_backwards() -> None:
    # draft 02:30 (does not exist -> 03:30 CEST) but publish 03:00 (exists, CEST): raw times invert.
    s = sched("mon 08:00", "tue 08:00", "wed 08:00", "sun 02:30", "sun 03:00")
    s.validate()
    key = RoundKey.of(SPRING_SUNDAY)
    dues = [phase_due_at(key, p, s, STHLM) for p in SCHEDULED_PHASES]
    assert dues == sorted(dues)
    assert dues[-2] == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    # publish waits for the draft: it is not due before it
    assert dues[-1] == dues[-2]
    assert due_phase(key, s, STHLM, datetime(2027, 3, 28, 1, 0, tzinfo=UTC)) == Phase.CLOSED
    assert due_phase(key, s, STHLM, datetime(2027, 3, 28, 1, 30, tzinfo=UTC)) == Phase.PUBLISHED
    keys, transitions = _walk_clock(s, date(2027, 3, 22), 1, timedelta(minutes=5))
    # draft and publish become due in the same instant; the highest wins, nothing goes back
    assert [p for p, _ in transitions[keys[0]]] == [Phase.OPEN, Phase.REMINDED, Phase.CLOSED, Phase.PUBLISHED]


def test_ambiguous_autumn_time_resolves_to_first_occurrence() -> None:
    s = sched("tue 08:00", "wed 13:00", "thu 08:00", "thu 08:05", "sun 02:30")
    key = RoundKey.of(AUTUMN_SUNDAY)
    assert key == RoundKey(2026, 43)
    due = phase_due_at(key, Phase.PUBLISHED, s, STHLM)
    # 02:30 happens twice; fold=0 is the first, still in summer time (+02:00): 00:30 UTC
    assert due == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    local = due.astimezone(STHLM)
    assert local.time() == time(2, 30) and local.utcoffset() == CEST
    keys, transitions = _walk_clock(s, date(2026, 10, 19), 1, timedelta(minutes=5))
    assert [p for p, _ in transitions[keys[0]]] == list(SCHEDULED_PHASES)
    assert transitions[keys[0]][-1] == (Phase.PUBLISHED, due)


def test_due_phase_is_monotonic_for_random_schedules_and_zones() -> None:
    rng = random.Random(20261025)
    zones = [STHLM, ZoneInfo("America/New_York"), ZoneInfo("Australia/Sydney"), ZoneInfo("UTC")]
    slots = [(wd, h, m) for wd in range(1, 8) for h in (0, 1, 2, 3, 8, 23) for m in (0, 30)]
    for _ in range(200):
        picked = sorted(rng.sample(slots, 5))
        o, r, c, dr, pub = (PhaseTime(wd, time(h, m)) for wd, h, m in picked)
        s = WeekSchedule(o, r, c, dr, pub)
        s.validate()
        tz = rng.choice(zones)
        key = RoundKey(rng.choice([2026, 2027]), rng.randint(1, 52))
        dues = [phase_due_at(key, p, s, tz) for p in SCHEDULED_PHASES]
        assert dues == sorted(dues)
        times = sorted(dues[0] + timedelta(minutes=rng.randint(-600, 10080)) for _ in range(40))
        got = [phase_index(due_phase(key, s, tz, t)) for t in times]
        assert got == sorted(got)
        for p, d in zip(SCHEDULED_PHASES, dues, strict=True):
            assert phase_index(due_phase(key, s, tz, d)) >= phase_index(p)
            assert phase_index(due_phase(key, s, tz, d - timedelta(microseconds=1))) < phase_index(p)


# --------------------------------------------------------------------------- upcoming_phases


@pytest.mark.parametrize("weeks", [0, 1, 3, 8])
def test_upcoming_phases_count_and_sorted(weeks: int) -> None:
    rows = upcoming_phases(DEFAULT_SCHEDULE, STHLM, date(2026, 12, 20), weeks)
    assert len(rows) == 5 * weeks
    assert [r[2] for r in rows] == sorted(r[2] for r in rows)
    for key, phase, at in rows:
        assert at.tzinfo is STHLM
        assert at == phase_due_at(key, phase, DEFAULT_SCHEDULE, STHLM)
        assert at.time() == DEFAULT_SCHEDULE.time_for(phase).at
    keys = list(dict.fromkeys(r[0] for r in rows))
    assert len(keys) == weeks
    if weeks:
        assert keys[0] == RoundKey(2026, 51)
        assert all(b == a.next() for a, b in itertools.pairwise(keys))
    if weeks >= 3:
        assert keys[2] == RoundKey(2026, 53)
    if weeks == 8:
        assert RoundKey(2027, 1) in keys


def test_upcoming_phases_starts_with_week_containing_start_and_spans_dst() -> None:
    rows = upcoming_phases(DEFAULT_SCHEDULE, STHLM, date(2026, 10, 25), 2)  # a Sunday
    assert rows[0][0] == RoundKey(2026, 43)
    assert rows[0][2] == datetime(2026, 10, 20, 8, 0, tzinfo=STHLM)
    assert [r[2].utcoffset() for r in rows] == [CEST] * 5 + [CET] * 5
    assert [r[1] for r in rows] == list(SCHEDULED_PHASES) * 2
    with pytest.raises(ValueError):
        upcoming_phases(DEFAULT_SCHEDULE, STHLM, date(2026, 10, 25), -1)


# --------------------------------------------------------------------------- monthly


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2027, 1, date(2027, 1, 4)),  # Fri 1 Jan is New Year's Day, then the weekend
        (2026, 8, date(2026, 8, 3)),  # Sat 1 Aug -> Mon 3 Aug
        (2026, 5, date(2026, 5, 4)),  # Fri 1 May is a holiday -> Mon 4 May
        (2026, 1, date(2026, 1, 2)),  # Thu 1 Jan holiday -> Fri 2 Jan
        (2028, 1, date(2028, 1, 3)),  # Sat 1 Jan -> Mon 3 Jan
        (2026, 6, date(2026, 6, 1)),  # an ordinary Monday
        (2026, 11, date(2026, 11, 2)),  # Sun 1 Nov -> Mon 2 Nov
        (2026, 12, date(2026, 12, 1)),  # Tuesday
        (2027, 5, date(2027, 5, 3)),  # Sat 1 May -> Mon 3 May
    ],
)
def test_first_weekday_of_month(year: int, month: int, expected: date) -> None:
    got = first_weekday_of_month(year, month)
    assert got == expected
    assert got.isoweekday() <= 5


def test_first_weekday_of_month_is_never_weekend_or_fixed_holiday() -> None:
    holidays = {(1, 1), (1, 6), (5, 1), (6, 6), (12, 25), (12, 26)}
    for year in range(2024, 2040):
        for month in range(1, 13):
            d = first_weekday_of_month(year, month)
            assert (d.year, d.month) == (year, month)
            assert d.isoweekday() <= 5 and (d.month, d.day) not in holidays
            for earlier in range(1, d.day):
                e = date(year, month, earlier)
                assert e.isoweekday() > 5 or (month, earlier) in holidays


def test_monthly_due_at_in_utc() -> None:
    # Mon 2027-01-04 09:00 CET = 08:00 UTC
    assert monthly_due_at(2027, 1, DEFAULT_SCHEDULE, STHLM) == datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
    # Mon 2026-08-03 09:00 CEST = 07:00 UTC
    got = monthly_due_at(2026, 8, DEFAULT_SCHEDULE, STHLM)
    assert got == datetime(2026, 8, 3, 7, 0, tzinfo=UTC)
    assert got.tzinfo is UTC
    # Mon 2026-05-04 09:00 CEST = 07:00 UTC
    assert monthly_due_at(2026, 5, DEFAULT_SCHEDULE, STHLM) == datetime(2026, 5, 4, 7, 0, tzinfo=UTC)
    # configurable time
    s = WeekSchedule(
        DEFAULT_SCHEDULE.open,
        DEFAULT_SCHEDULE.remind,
        DEFAULT_SCHEDULE.close,
        DEFAULT_SCHEDULE.draft,
        DEFAULT_SCHEDULE.publish,
        monthly_at=time(13, 15),
    )
    assert monthly_due_at(2027, 1, s, STHLM) == datetime(2027, 1, 4, 12, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2027, 1, 4), (2026, 12)),
        (date(2027, 1, 31), (2026, 12)),
        (date(2026, 3, 1), (2026, 2)),
        (date(2026, 12, 31), (2026, 11)),
    ],
)
def test_previous_month(d: date, expected: tuple[int, int]) -> None:
    assert previous_month(d) == expected
