"""The weekly cycle on a real database: a hand-moved clock walks through weeks and the bot ticks.

Each test reads like a week of one group (Tryggare Trelleborg, Europe/Stockholm, the default
schedule of DESIGN.md §2): Tuesday 08:00 open, Wednesday 13:00 remind, Thursday 08:00 close,
Thursday 08:05 draft, Friday 07:30 publish (finalising first when nobody did it by hand).
Due times are written out here as local wall times, not taken from ``bot.domain.cycle``, so a
wrong conversion there shows up as a phase happening at the wrong tick.
Outages and catch-up, late starts, a coordinator's hand on the cycle and two processes at once:
test_cycle_catch_up.py.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.bootstrap import build
from bot.clock import ManualClock
from bot.conversation.messages import Outbound
from bot.domain.cycle import PHASE_ORDER, Phase, RoundKey
from tests.conftest import Bot, RecordingSender, make_config

STHLM = ZoneInfo("Europe/Stockholm")
GROUP = "tbg"
REPORTERS = ("anna", "bo", "cecilia")  # the people with areas; sara and kim get no questionnaire
STEP = timedelta(minutes=15)
CYCLE = PHASE_ORDER[1:]  # open, reminded, closed, drafted, finalised, published

# The default schedule as local wall time: ISO weekday and time of day.
LOCAL_TIMES: dict[Phase, tuple[int, time]] = {
    Phase.OPEN: (2, time(8, 0)),
    Phase.REMINDED: (3, time(13, 0)),
    Phase.CLOSED: (4, time(8, 0)),
    Phase.DRAFTED: (4, time(8, 5)),
    Phase.FINALISED: (5, time(7, 30)),  # nobody finalised by hand: publishing finalises first
    Phase.PUBLISHED: (5, time(7, 30)),
}

W46, W47, W48 = RoundKey(2026, 46), RoundKey(2026, 47), RoundKey(2026, 48)


def local(y: int, mo: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    """A Stockholm wall-clock time as a UTC instant."""
    return datetime(y, mo, d, hh, mm, tzinfo=STHLM).astimezone(UTC)


def due(key: RoundKey, phase: Phase) -> datetime:
    weekday, at = LOCAL_TIMES[phase]
    return datetime.combine(key.monday() + timedelta(days=weekday - 1), at, tzinfo=STHLM).astimezone(UTC)


def expected_phase(key: RoundKey, now: datetime) -> Phase:
    result = Phase.PLANNED
    for p in CYCLE:
        if due(key, p) <= now:
            result = p
    return result


def show(when: datetime) -> str:
    return f"{when.astimezone(STHLM):%a %Y-%m-%d %H:%M %Z}"


# --------------------------------------------------------------------------- reading the database


def stored_phases(bot: Bot) -> dict[RoundKey, Phase]:
    with bot.app.services.unit() as uow:
        return {r.key: r.phase for r in uow.rounds.recent_rounds(GROUP, 100)}


def round_ids(bot: Bot) -> dict[RoundKey, int]:
    with bot.app.services.unit() as uow:
        return {r.key: r.id for r in uow.rounds.recent_rounds(GROUP, 100)}


def phase_log(bot: Bot) -> list[tuple[datetime, str, Phase]]:
    """Every phase step from the audit trail, oldest first: (when, week, phase)."""
    with bot.app.services.unit() as uow:
        rows = uow.audit.audit_log(GROUP, limit=100_000)
    return [
        (at, str(detail["week"]), Phase(action.removeprefix("phase:")))
        for at, _, _, action, detail in reversed(rows)
        if action.startswith("phase:")
    ]


def steps_of(bot: Bot, key: RoundKey) -> list[tuple[datetime, Phase]]:
    return [(at, p) for at, week, p in phase_log(bot) if week == str(key)]


def outbox_total(bot: Bot) -> int:
    with bot.app.services.unit() as uow:
        return sum(uow.outbox.counts().values())


def snapshot(bot: Bot) -> tuple[int, dict[RoundKey, Phase], int, int]:
    return outbox_total(bot), stored_phases(bot), len(phase_log(bot)), len(bot.sender.sent)


# --------------------------------------------------------------------------- what went out, and when


@dataclass(frozen=True)
class Sent:
    at: datetime  # the tick that queued it (each tick drains the outbox)
    key: str  # the outbox key
    address: str
    out: Outbound


def tick_at(bot: Bot, when: datetime, log: list[Sent]) -> list[str]:
    bot.clock.set(when)
    n = len(bot.sender.sent)
    done = bot.tick()
    log += [Sent(when, item.key, item.address, out) for item, out, _ in bot.sender.sent[n:]]
    return done


def is_greeting(out: Outbound, round_id: int) -> bool:
    return out.kind == "question" and out.data.get("step") == "greeting" and out.ref == f"q:{round_id}"


def is_draft(out: Outbound, round_id: int) -> bool:
    return out.kind == "picture" and out.data.get("round_id") == round_id and not out.data.get("locked")


def answer_nothing(bot: Bot, who: str) -> Outbound:
    """The reporter asks for the questionnaire, says nothing happened, and sends it."""
    bot.cmd(who, "rapport")
    bot.press(who, "Inget att rapportera")
    sent = [o for o in bot.press(who, "Skicka") if o.data.get("step") == "sent"]
    assert len(sent) == 1, sent
    return sent[0]


def person_id(bot: Bot, who: str) -> int:
    with bot.app.services.unit() as uow:
        p = uow.people.person_by_account("console", who)
        assert p is not None
        return p.id


# --------------------------------------------------------------------------- 1. three weeks around DST


@pytest.mark.parametrize(
    "first_monday",
    [date(2026, 10, 12), date(2027, 3, 15)],
    ids=["autumn-2026-10-25", "spring-2027-03-28"],
)
def test_three_weeks_around_a_dst_change_each_phase_once_at_local_time(bot: Bot, first_monday: date) -> None:
    """15-minute ticks from Monday 00:00 for three weeks; the clocks change in the night to the
    last Sunday of the second week. Anna answers in time in the middle week, so she alone is not
    reminded that week."""
    keys = [RoundKey.of(first_monday + timedelta(weeks=i)) for i in range(3)]
    start = local(first_monday.year, first_monday.month, first_monday.day)
    end_day = first_monday + timedelta(weeks=3)
    end = local(end_day.year, end_day.month, end_day.day)
    # Wall time is what the schedule means: Tuesday 08:00 is 06:00 UTC in summer, 07:00 UTC in winter.
    offsets = {due(k, Phase.OPEN).astimezone(STHLM).utcoffset() for k in keys}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}
    answer_at = due(keys[1], Phase.OPEN) + timedelta(hours=2)

    log: list[Sent] = []
    now = start
    while now < end:
        now += STEP
        tick_at(bot, now, log)
        # The stored phases, at the last tick before and the first tick after every due time
        # (the audit trail below covers every step in between).
        expected = {key: expected_phase(key, now) for key in keys}
        around = any(
            expected_phase(k, now - STEP) != p or expected_phase(k, now + STEP) != p for k, p in expected.items()
        )
        if around or now.astimezone(STHLM).time() == time(0):
            stored = stored_phases(bot)
            assert set(stored) <= set(keys)
            for key in keys:
                assert stored.get(key, Phase.PLANNED) == expected[key], f"{key} at {show(now)}"
        if now == answer_at:
            sent = answer_nothing(bot, "anna")
            assert str(keys[1]) in sent.text and "markerad som sen" not in sent.text, sent.text

    ids = round_ids(bot)
    assert set(ids) == set(keys)
    for key in keys:
        # The audit trail: every step once, in order, at the first tick at or after its local due time.
        steps = steps_of(bot, key)
        assert [p for _, p in steps] == list(CYCLE), key
        for at, p in steps:
            assert due(key, p) <= at < due(key, p) + STEP, f"{key} {p} at {show(at)}, due {show(due(key, p))}"

        rid = ids[key]

        def window(s: Sent, phase: Phase, key: RoundKey = key) -> bool:
            return due(key, phase) <= s.at < due(key, phase) + STEP

        for who in REPORTERS:
            mine = [s for s in log if s.address == who]
            greetings = [s for s in mine if is_greeting(s.out, rid)]
            opening = [s for s in greetings if s.key.startswith(f"open:{rid}:")]
            assert len(opening) == 1, (who, key, greetings)
            assert window(opening[0], Phase.OPEN), (who, key, show(opening[0].at))
            reminders = [s for s in mine if s.out.kind == "reminder" and s.key.startswith(f"remind:{rid}:")]
            answered = who == "anna" and key == keys[1]
            assert len(reminders) == (0 if answered else 1), (who, key, reminders)
            assert all(window(s, Phase.REMINDED) for s in reminders), (who, key)
            # Besides the opening greeting, the questionnaire is shown again only with the reminder.
            again = [s for s in greetings if s not in opening]
            assert len(again) == len(reminders) and all(window(s, Phase.REMINDED) for s in again), (who, key)
            reports = [s for s in mine if s.out.kind == "report" and s.out.data.get("round_id") == rid]
            assert len(reports) == 1 and window(reports[0], Phase.PUBLISHED), (who, key)

        reports = [s for s in log if s.address == "rapport" and s.out.kind == "report"]
        mine_r = [s for s in reports if s.out.data.get("week") == str(key)]
        assert len(mine_r) == 1 and window(mine_r[0], Phase.PUBLISHED), (key, mine_r)
        drafts = [s for s in log if s.address == "möte" and is_draft(s.out, rid)]
        assert len(drafts) == 1 and window(drafts[0], Phase.DRAFTED), (key, drafts)
        finals = [s for s in log if s.address == "möte" and s.out.kind == "picture" and s.out.data.get("locked")]
        assert len([s for s in finals if s.out.data.get("round_id") == rid]) == 1, key

    # Nothing beyond one a week: anna's opening greetings name three distinct rounds, one each, and
    # the scheduler never showed her any other step of the questionnaire.
    anna_questions = [s for s in log if s.address == "anna" and s.out.kind == "question"]
    assert {s.out.data.get("step") for s in anna_questions} == {"greeting"}
    anna_greetings = [s for s in anna_questions if s.key.startswith("open:")]
    assert Counter(s.out.ref for s in anna_greetings) == Counter({f"q:{ids[k]}": 1 for k in keys})
    assert len([s for s in log if s.address == "rapport"]) == 3
    assert len([s for s in log if s.address == "möte" and any(is_draft(s.out, i) for i in ids.values())]) == 3
    assert all(n == 1 for n in Counter(s.key for s in log).values())


@pytest.mark.parametrize(
    ("monday", "expected"),
    [
        # 02:30 happens twice on 2026-10-25: the phase is due at the first one (CEST) only.
        (date(2026, 10, 19), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        # 02:30 does not exist on 2027-03-28: the phase is due an hour later on the new clock (03:30 CEST).
        (date(2027, 3, 22), datetime(2027, 3, 28, 1, 30, tzinfo=UTC)),
    ],
    ids=["repeated-hour", "missing-hour"],
)
def test_a_phase_inside_the_dst_hour_happens_once(db_url: str, monday: date, expected: datetime) -> None:
    """A group that publishes on Sunday 02:30, the hour the clocks change: published exactly once."""
    clock = ManualClock(local(monday.year, monday.month, monday.day))
    sender = RecordingSender()
    app = build(make_config(db_url, schedule={"publish": "sön 02:30"}), clock=clock, senders={"console": sender})
    bot = Bot(app, clock, sender, db_url)
    try:
        key = RoundKey.of(monday)
        log: list[Sent] = []
        now = clock.now()
        end = now + timedelta(days=7, hours=12)
        while now < end:
            now += STEP
            tick_at(bot, now, log)
        steps = steps_of(bot, key)
        assert [p for _, p in steps] == list(CYCLE)
        assert [at for at, p in steps if p in (Phase.FINALISED, Phase.PUBLISHED)] == [expected, expected]
        reports = [s for s in log if s.address == "rapport" and s.out.kind == "report"]
        assert [(s.at, s.out.data.get("week")) for s in reports] == [(expected, str(key))]
    finally:
        app.close()


# --------------------------------------------------------------------------- 2. idempotence


def test_ticking_twice_or_a_late_job_changes_nothing(bot: Bot) -> None:
    """Week 47: at each phase's due time the bot ticks; then it ticks again at the same instant,
    the phase's own cron job fires at the same instant, and fires again late (just before the next
    phase is due, as after a misfire). Only the first tick changes anything."""
    due_times = [(p, due(W47, p)) for p in (Phase.OPEN, Phase.REMINDED, Phase.CLOSED, Phase.DRAFTED)]
    due_times.append((Phase.PUBLISHED, due(W47, Phase.PUBLISHED)))
    next_due = [at for _, at in due_times[1:]] + [due(W48, Phase.OPEN)]
    for (phase, at), later in zip(due_times, next_due, strict=True):
        bot.clock.set(at)
        done = bot.tick()
        assert f"{GROUP} {W47} {phase}" in done, (phase, done)
        before = snapshot(bot)
        assert before[1] == {W47: phase}

        assert bot.tick() == []
        assert bot.app.services.advance(GROUP) == []
        assert snapshot(bot) == before, f"second run at {show(at)}"

        bot.clock.set(later - timedelta(minutes=1))
        assert bot.app.services.advance(GROUP) == []
        assert bot.tick() == []
        assert snapshot(bot) == before, f"late run at {show(later - timedelta(minutes=1))}"

    assert [p for _, p in steps_of(bot, W47)] == list(CYCLE)
