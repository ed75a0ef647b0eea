"""The weekly cycle on a real database, after trouble: outages and catch-up, late starts, a coordinator's hand on
the cycle, two processes at once. The clock and the helpers are those of test_cycle.py."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest

from bot.bootstrap import App, build
from bot.domain.cycle import Phase
from tests.conftest import Bot, RecordingSender, make_config
from tests.integration.usecases.test_cycle import (
    CYCLE,
    GROUP,
    REPORTERS,
    W46,
    W47,
    W48,
    Sent,
    answer_nothing,
    due,
    expected_phase,
    is_draft,
    is_greeting,
    local,
    person_id,
    round_ids,
    show,
    steps_of,
    stored_phases,
    tick_at,
)

# --------------------------------------------------------------------------- 3. outage and catch-up


def test_outage_catch_up_late_answer_and_publish_after_a_friday_outage(bot: Bot) -> None:
    """Week 46 runs normally. The bot is down from Monday 06:00 to Thursday 10:00 of week 47;
    on restart one tick opens, closes and drafts week 47 (greetings go out late, reminders not,
    since the close had passed); Anna's answer is taken, marked late. Down again from Thursday
    until Tuesday of week 48: the next tick publishes week 47 first, then opens week 48."""
    now = local(2026, 11, 9)
    while now < local(2026, 11, 16, 6, 0):
        now += timedelta(hours=1)
        bot.clock.set(now)
        bot.tick()
    assert stored_phases(bot) == {W46: Phase.PUBLISHED}

    bot.clock.set(local(2026, 11, 19, 10, 0))
    bot = bot.restart()
    try:
        done = bot.tick()
        assert done == [f"{GROUP} {W47} {p}" for p in (Phase.OPEN, Phase.REMINDED, Phase.CLOSED, Phase.DRAFTED)]
        assert stored_phases(bot) == {W46: Phase.PUBLISHED, W47: Phase.DRAFTED}
        rid = round_ids(bot)[W47]
        for who in REPORTERS:
            msgs = bot.sender.to(who)
            assert len([o for o in msgs if is_greeting(o, rid)]) == 1, who
            assert [o for o in msgs if o.kind == "reminder"] == [], who
            with bot.app.services.unit() as uow:
                resp = uow.rounds.get_response(rid, person_id(bot, who))
            assert resp is not None and resp.reminders == 0 and resp.status == "pending", (who, resp)
        assert len([o for o in bot.sender.to("möte") if is_draft(o, rid)]) == 1
        assert bot.tick() == []

        bot.clock.set(local(2026, 11, 19, 10, 30))
        sent = answer_nothing(bot, "anna")
        assert "markerad som sen" in sent.text, sent.text
        with bot.app.services.unit() as uow:
            resp = uow.rounds.get_response(rid, person_id(bot, "anna"))
        assert resp is not None and resp.status == "submitted" and resp.late is True

        bot.clock.set(local(2026, 11, 24, 9, 0))
        bot = bot.restart()
        done = bot.tick()
        assert done == [f"{GROUP} {W47} finalised", f"{GROUP} {W47} published", f"{GROUP} {W48} open"]
        assert stored_phases(bot) == {W46: Phase.PUBLISHED, W47: Phase.PUBLISHED, W48: Phase.OPEN}
        reports = [o for o in bot.sender.to("rapport") if o.kind == "report"]
        assert [o.data.get("week") for o in reports] == [str(W47)]
        steps = steps_of(bot, W47)
        assert [p for _, p in steps] == list(CYCLE)
        assert {at for at, _ in steps[:4]} == {local(2026, 11, 19, 10, 0)}
        assert {at for at, _ in steps[4:]} == {local(2026, 11, 24, 9, 0)}
    finally:
        bot.app.close()


def test_outage_until_wednesday_afternoon_greets_once_without_a_reminder_in_the_same_minute(bot: Bot) -> None:
    """Down from Monday until Wednesday 14:00 of week 47 (the reminder was due at 13:00): the
    catch-up tick opens and marks the round reminded, but reporters who are only now asked get
    the questionnaire once and no reminder about it in the same minute."""
    bot.clock.set(local(2026, 11, 18, 14, 0))
    bot = bot.restart()
    try:
        assert bot.tick() == [f"{GROUP} {W47} open", f"{GROUP} {W47} reminded"]
        rid = round_ids(bot)[W47]
        for who in REPORTERS:
            assert [(o.kind, o.data.get("step")) for o in bot.sender.to(who)] == [("question", "greeting")], who
        bot.clock.set(local(2026, 11, 18, 14, 1))
        assert bot.tick() == []
        assert [o for who in REPORTERS for o in bot.sender.to(who) if o.kind == "reminder"] == []
        with bot.app.services.unit() as uow:
            resp = uow.rounds.get_response(rid, person_id(bot, "bo"))
        assert resp is not None and resp.reminders == 0
    finally:
        bot.app.close()


def test_a_failed_step_in_a_catch_up_does_not_turn_into_a_reminder_a_minute_later(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As above, but the database fails once when the round is to be marked reminded."""
    from storage.repositories.rounds import SqlRounds

    real_set_phase = SqlRounds.set_phase
    failures: list[Phase] = []

    def flaky_set_phase(store: SqlRounds, round_id: int, old: Phase, new: Phase, now: datetime) -> bool:
        if new == Phase.REMINDED and not failures:
            failures.append(new)
            raise RuntimeError("database is locked")
        return real_set_phase(store, round_id, old, new, now)

    monkeypatch.setattr(SqlRounds, "set_phase", flaky_set_phase)
    bot.clock.set(local(2026, 11, 18, 14, 0))
    with pytest.raises(RuntimeError, match="database is locked"):
        bot.app.services.advance(GROUP)
    bot.flush()
    assert stored_phases(bot) == {W47: Phase.OPEN}

    bot.clock.set(local(2026, 11, 18, 14, 1))
    assert bot.tick() == [f"{GROUP} {W47} reminded"]
    for who in REPORTERS:
        assert [(o.kind, o.data.get("step")) for o in bot.sender.to(who)] == [("question", "greeting")], who


def test_a_start_after_the_publication_leaves_the_week_out_instead_of_publishing_an_empty_report(bot: Bot) -> None:
    """A fresh install (or the end of a long outage) on Saturday of week 47, which never had a round: nobody
    was asked, so nothing is drafted or published for it and nobody gets a questionnaire they cannot answer.
    Week 48 then runs as usual."""
    bot.clock.set(local(2026, 11, 21, 12, 0))
    bot = bot.restart()
    try:
        assert bot.tick() == []
        assert stored_phases(bot) == {}
        assert bot.sender.sent == []
        bot.clock.set(local(2026, 11, 23, 12, 0))
        assert bot.tick() == []
        bot.clock.set(due(W48, Phase.OPEN))
        assert bot.tick() == [f"{GROUP} {W48} open"]
        assert stored_phases(bot) == {W48: Phase.OPEN}
        assert [o.kind for o in bot.sender.to("rapport")] == [] and [o.kind for o in bot.sender.to("möte")] == []
        for who in REPORTERS:
            assert [o.data.get("step") for o in bot.sender.to(who) if o.kind == "question"] == ["greeting"], who
    finally:
        bot.app.close()


def test_a_start_on_friday_morning_still_asks_and_publishes_what_came_in(bot: Bot) -> None:
    """Started on Friday 07:00 of week 47, before the publication: late answers can still be given, so the week
    begins, and at 07:30 the report carries the answer that came in."""
    bot.clock.set(local(2026, 11, 20, 7, 0))
    bot = bot.restart()
    try:
        assert bot.tick()[0] == f"{GROUP} {W47} open"
        answer_nothing(bot, "anna")
        bot.clock.set(due(W47, Phase.PUBLISHED))
        assert bot.tick() == [f"{GROUP} {W47} finalised", f"{GROUP} {W47} published"]
        reports = [o for o in bot.sender.to("rapport") if o.kind == "report"]
        assert len(reports) == 1 and "1 av 3" in reports[0].text, [o.text for o in reports]
    finally:
        bot.app.close()


def test_a_week_in_which_nobody_was_asked_sends_no_report(bot: Bot) -> None:
    """Every reporter is on leave for week 47: the round runs its course, but a report of "0 av 0" tells
    nobody anything, so none is sent, to the channel or to anyone."""
    for who in ("Anna Andersson", "Bo Berg", "Cecilia Ek"):
        assert "inga enkäter" in " ".join(o.text for o in bot.cmd("sara", f"ledig {who} 2026-11-29"))
    assert bot.tick() == [f"{GROUP} {W47} open"]  # Tuesday 08:00
    bot.clock.set(local(2026, 11, 21, 12, 0))
    assert bot.tick()[-1] == f"{GROUP} {W47} published"
    assert stored_phases(bot) == {W47: Phase.PUBLISHED}
    everyone = [o for _, o, _ in bot.sender.sent]
    assert [o for o in everyone if o.kind in ("report", "question")] == []


# --------------------------------------------------------------------------- a coordinator's hand on the cycle


def test_coordinator_closes_early_and_finalises_then_the_schedule_goes_on(bot: Bot) -> None:
    """Sara closes week 47 on Wednesday morning (no reminders go out at 13:00), finalises after the
    Thursday meeting, and Friday's publish job publishes once without finalising again."""
    bot.clock.set(due(W47, Phase.OPEN))
    bot.tick()
    bot.clock.set(local(2026, 11, 18, 10, 0))
    assert any("stängd" in o.text for o in bot.cmd("sara", "stäng"))
    assert stored_phases(bot) == {W47: Phase.CLOSED}

    log: list[Sent] = []
    for at in (due(W47, Phase.REMINDED), local(2026, 11, 19, 8, 0), due(W47, Phase.DRAFTED)):
        tick_at(bot, at, log)
    assert [s for s in log if s.out.kind == "reminder"] == []
    assert stored_phases(bot) == {W47: Phase.DRAFTED}

    bot.clock.set(local(2026, 11, 19, 11, 0))
    rid = round_ids(bot)[W47]
    bot.say("sara", "choice", choice=f"f{rid}")
    assert stored_phases(bot) == {W47: Phase.FINALISED}
    n_final = len([o for o in bot.sender.to("möte") if o.kind == "picture" and o.data.get("locked")])
    assert n_final == 1

    assert tick_at(bot, due(W47, Phase.PUBLISHED), log) == [f"{GROUP} {W47} published"]
    assert len([o for o in bot.sender.to("möte") if o.kind == "picture" and o.data.get("locked")]) == 1
    assert len([o for o in bot.sender.to("rapport") if o.kind == "report"]) == 1
    with bot.app.services.unit() as uow:
        rows = uow.audit.audit_log(GROUP, limit=1000)
    finalised = [(at, actor) for at, _, actor, action, _ in rows if action == "phase:finalised"]
    assert finalised == [(local(2026, 11, 19, 11, 0), "Sara Samordnare")]


# --------------------------------------------------------------------------- 4. two processes at once


def race(apps: Sequence[App]) -> list[list[str]]:
    """Every app advances the group at the same instant, each in its own thread."""
    barrier = threading.Barrier(len(apps))
    results: list[list[str]] = [[] for _ in apps]
    errors: list[Exception] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = apps[i].services.advance(GROUP)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(apps))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a process hung"
    assert not errors, errors
    return results


def test_two_processes_advancing_at_the_same_instant_do_each_step_once(bot: Bot, db_url: str) -> None:
    """Two processes over one database (own engine, own services), both after an outage on
    Thursday 10:00 of week 47 and then at every due time until week 48 is published: each step
    is done by exactly one of them, and every reporter gets one greeting and one reminder a week."""
    other = build(make_config(db_url), clock=bot.clock, senders={"console": RecordingSender()})
    try:
        apps = (bot.app, other)
        instants = [local(2026, 11, 19, 10, 0), due(W47, Phase.PUBLISHED)]
        instants += [due(W48, p) for p in (Phase.OPEN, Phase.REMINDED, Phase.CLOSED, Phase.DRAFTED, Phase.PUBLISHED)]
        all_done: list[str] = []
        for at in instants:
            bot.clock.set(at)
            results = race(apps)
            all_done += results[0] + results[1]
            stored = stored_phases(bot)
            for key in (W47, W48):
                assert stored.get(key, Phase.PLANNED) == expected_phase(key, at), (key, show(at), results)

        expected = [f"{GROUP} {k} {p}" for k in (W47, W48) for p in CYCLE]
        assert sorted(all_done) == sorted(expected)
        for key in (W47, W48):
            assert [p for _, p in steps_of(bot, key)] == list(CYCLE), key

        bot.flush()
        items = [(item, out) for item, out, _ in bot.sender.sent]
        assert all(n == 1 for n in Counter(item.key for item, _ in items).values())
        ids = round_ids(bot)
        for key in (W47, W48):
            rid = ids[key]
            for who in REPORTERS:
                mine = [(item, out) for item, out in items if item.address == who]
                greetings = [o for i, o in mine if is_greeting(o, rid) and i.key.startswith("open:")]
                assert len(greetings) == 1, (who, key)
                reminders = [o for i, o in mine if o.kind == "reminder" and i.key.startswith(f"remind:{rid}:")]
                assert len(reminders) == (0 if key == W47 else 1), (who, key)
            reports = [o for i, o in items if i.address == "rapport" and o.data.get("week") == str(key)]
            assert len(reports) == 1, key
            assert len([o for i, o in items if i.address == "möte" and is_draft(o, rid)]) == 1, key
    finally:
        other.close()
