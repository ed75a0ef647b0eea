"""The weekly cycle: the scheduler's tick, each round moved to the phase due now (`advance`), one phase step
with what it sends (`transition`), reminders, snoozed reporters woken, and a coordinator's phase change now.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from bot import logs
from bot.config import GroupConfig
from bot.conversation.mail import EMAIL
from bot.conversation.messages import Outbound
from bot.conversation.questionnaire import Questionnaire
from bot.domain.cycle import (
    PHASE_ORDER,
    Phase,
    RoundKey,
    due_phase,
    local_round_key,
    phase_due_at,
    phase_index,
    round_may_begin,
)
from bot.domain.model import Area, Person, Round
from bot.ports import UnitOfWork
from bot.reports.chart_pool import PictureCharts
from bot.text import t
from bot.usecases import draft_charts, mailing, meeting, publishing
from bot.usecases.answering import ANSWERABLE, questionnaire_spec
from bot.usecases.context import Env, fan_out, local_text, reach, send_to, send_to_person
from bot.usecases.statistics import post_monthly_if_due

log = logging.getLogger(__name__)


def tick(env: Env) -> list[str]:
    """The scheduler's heartbeat: advance every group and re-ask snoozed reporters."""
    done: list[str] = []
    for g in env.config.groups:
        with logs.context(group=g.id):  # every line of this group's tick names the group
            try:
                done += advance(env, g.id)
                done += wake_snoozed(env, g.id)
            except Exception:
                log.exception("tick for group %s failed; the next tick tries again", g.id)
            try:
                done += owed_charts(env, g.id)
            except Exception:
                log.exception("the owed draft charts of group %s failed; the next tick tries again", g.id)
            try:
                done += post_monthly_if_due(env, g.id)
            except Exception:
                log.exception("monthly follow-up for group %s failed; the next tick tries again", g.id)
    return done


def advance(env: Env, group_id: str, now: datetime | None = None) -> list[str]:
    """Move the group's rounds to the phase due now; idempotent, and catches up after downtime."""
    group = env.config.group(group_id)
    now = now or env.clock.now()
    schedule = group.week_schedule()
    done: list[str] = []
    current = local_round_key(now, group.tz)
    with env.uow_factory() as uow:
        if (
            uow.rounds.get_round(group_id, current) is None
            and due_phase(current, schedule, group.tz, now) != Phase.PLANNED
            and round_may_begin(current, schedule, group.tz, now)
        ):
            uow.rounds.create_round(group_id, current, now)
        uow.commit()
    with env.uow_factory() as uow:
        rounds = uow.rounds.unpublished_rounds(group_id)
    for rnd in rounds:
        target = due_phase(rnd.key, schedule, group.tz, now)
        if rnd.key < current and target == Phase.PLANNED:
            continue
        for phase in PHASE_ORDER[phase_index(rnd.phase) + 1 : phase_index(target) + 1]:
            later: list[Callable[[], None]] = []  # what waits for the commit (charts drawn by workers)
            with logs.context(group=group_id, round=str(rnd.key)), env.uow_factory() as uow:
                if not transition(env, uow, group, rnd.key, phase, now, automatic=True, later=later):
                    break
                uow.commit()
            for step in later:
                try:
                    step()
                except Exception:  # the phase is done and committed; only what follows it is lost
                    log.exception("%s %s: what follows %s failed", group_id, rnd.key, phase)
            done.append(f"{group_id} {rnd.key} {phase}")
    return done


def owed_charts(env: Env, group_id: str) -> list[str]:
    """The draft charts a stopped process, or a lost worker, left unqueued (draft_charts): drawn again."""
    group = env.config.group(group_id)
    owed: list[tuple[Round, PictureCharts]] = []
    with env.uow_factory() as uow:
        for rnd in uow.rounds.charts_owed(group_id):
            if phase_index(rnd.phase) > phase_index(Phase.DRAFTED):
                # the meeting is over (finalised, or the week published with charts of its own): a draft's charts
                # now would come after what replaced them, so the debt is settled without sending
                if uow.rounds.settle_charts(rnd.id):
                    log.info(
                        "%s %s: the draft's charts were never sent; the week is %s, so not now",
                        group_id,
                        rnd.key,
                        rnd.phase,
                    )
            elif rnd.id not in env.charts_in_flight:
                owed.append((rnd, meeting.chart_job(env, group, rnd, meeting.picture(env, uow, group, rnd))))
        uow.commit()
    for rnd, job in owed:
        log.warning("%s %s: the draft's charts were never queued; drawn again", group_id, rnd.key)
        draft_charts.hand_over(env, group, rnd, job)
    return [f"{group_id} {rnd.key} draft charts" for rnd, _ in owed]


def transition(
    env: Env,
    uow: UnitOfWork,
    group: GroupConfig,
    key: RoundKey,
    phase: Phase,
    now: datetime,
    automatic: bool,
    actor: Person | None = None,
    later: list[Callable[[], None]] | None = None,
) -> bool:
    """One phase step inside the caller's unit of work; False if another process did it first. What `later`
    collects is for the caller to run once it has committed."""
    rnd = uow.rounds.get_round(group.id, key)
    if rnd is None or phase_index(rnd.phase) + 1 != phase_index(phase):
        return False
    if not uow.rounds.set_phase(rnd.id, rnd.phase, phase, now):
        return False
    opened_at = now if phase == Phase.OPEN else rnd.opened_at
    rnd = Round(rnd.id, rnd.group_id, rnd.key, phase, opened_at)
    schedule = group.week_schedule()
    if phase == Phase.OPEN:
        # Catching up past the publication: nobody could answer any more, so nobody is asked.
        if not automatic or now < phase_due_at(key, Phase.PUBLISHED, schedule, group.tz):
            open_round(env, uow, group, rnd, now)
    elif phase == Phase.REMINDED:
        # Remind only while answers are still regular, and not when the questionnaire itself went out
        # after the reminder was due (a catch-up): decided from the stored round, so any process agrees.
        close_at = phase_due_at(key, Phase.CLOSED, schedule, group.tz)
        remind_at = phase_due_at(key, Phase.REMINDED, schedule, group.tz)
        opened_late = rnd.opened_at is not None and rnd.opened_at >= remind_at
        if not automatic or (now < close_at and not opened_late):
            send_reminders(env, uow, group, rnd, now, 1, automatic=True)
    elif phase == Phase.DRAFTED:
        meeting.post_draft(env, uow, group, rnd, later)
    elif phase == Phase.FINALISED:
        meeting.finalise(env, uow, group, rnd, now, actor)
    elif phase == Phase.PUBLISHED:
        publishing.publish(env, uow, group, rnd)
    uow.audit.audit(now, group.id, actor.name if actor else "scheduler", f"phase:{phase}", {"week": str(key)})
    log.info("%s %s -> %s", group.id, key, phase, extra={"group": group.id, "round": str(key)})
    return True


def open_round(env: Env, uow: UnitOfWork, group: GroupConfig, rnd: Round, now: datetime) -> None:
    """The questionnaire to every active reporter with an area who is not on leave: in their chat, or one
    e-mail with the personal link to the week's form for those reached by e-mail."""
    asked, accounts = _asked(uow, group, rnd, now)
    with fan_out(uow, now):
        for person, areas in asked:
            resp = uow.rounds.get_or_create_response(rnd.id, person.id, person.organisation, now)
            where = reach(env, uow, person, accounts=accounts)
            if where is None:
                continue
            key = f"open:{rnd.id}:{person.id}"
            if where[0] == EMAIL:
                send_to(env, uow, where, mailing.invitation(env, uow, group, rnd, person), key)
                continue
            spec = questionnaire_spec(env, uow, group, rnd, person, areas)
            send_to(env, uow, where, Questionnaire(spec).prompt(resp.state), key)


def _areas(uow: UnitOfWork, person: Person, now: datetime) -> list[Area]:
    """The areas a person is asked about this week: none while on leave."""
    return [] if person.is_paused(now) else uow.people.person_areas(person.id)


def _asked(
    uow: UnitOfWork, group: GroupConfig, rnd: Round, now: datetime
) -> tuple[list[tuple[Person, list[Area]]], dict[int, list[tuple[str, str]]]]:
    """Who is asked this week, with their areas (their response rows made together), and the group's accounts."""
    asked = [(p, areas) for p in uow.people.persons(group.id, active_only=True) if (areas := _areas(uow, p, now))]
    uow.rounds.create_responses(rnd.id, [(p.id, p.organisation) for p, _ in asked], now)
    return asked, uow.people.accounts_in_group(group.id)


def send_reminders(
    env: Env, uow: UnitOfWork, group: GroupConfig, rnd: Round, now: datetime, nth: int, automatic: bool = False
) -> int:
    """The `nth` reminder, with the question where they stand, to every reporter who has not sent yet (one
    e-mail with the link to the form again for those reached by e-mail).

    After an "Inte jag?" on someone's form the address may be wrong, so the scheduler's reminder sends them no
    new link: the coordinator was told, checks the address, and a coordinator's `påminn` sends one."""
    n = 0
    close = phase_due_at(rnd.key, Phase.CLOSED, group.week_schedule(), group.tz)
    asked, accounts = _asked(uow, group, rnd, now)
    with fan_out(uow, now):
        for person, areas in asked:
            resp = uow.rounds.get_or_create_response(rnd.id, person.id, person.organisation, now)
            if resp.status == "submitted" or resp.reminders >= nth:
                continue
            key = f"remind:{rnd.id}:{person.id}:{nth}"
            where = reach(env, uow, person, accounts=accounts)
            if where is not None and where[0] == EMAIL:
                if automatic and uow.web.form_generation(person.id, rnd.id) > 0:
                    continue  # someone said the form was not theirs: no new link until a coordinator asks
                send_to(env, uow, where, mailing.reminder(env, uow, group, rnd, person), key)
                uow.rounds.set_reminders(resp.id, nth)
                n += 1
                continue
            engine = Questionnaire(questionnaire_spec(env, uow, group, rnd, person, areas))
            lang = person.language
            text = t(lang, "q.reminder", week=str(rnd.key), close=local_text(close, group, lang))
            send_to(env, uow, where, Outbound(text, kind="reminder"), key)
            send_to(env, uow, where, replace(engine.prompt(resp.state), fresh=True), f"{key}:prompt")
            uow.rounds.set_reminders(resp.id, nth)
            n += 1
    return n


def wake_snoozed(env: Env, group_id: str) -> list[str]:
    """Ask reporters who chose "later" again once their snooze is over, in the chat where they chose it: never
    by e-mail (the form has no "later"; someone reached by e-mail who snoozed in a chat is woken there)."""
    group = env.config.group(group_id)
    now = env.clock.now()
    done = []
    with env.uow_factory() as uow:
        for resp, rnd in uow.rounds.due_snoozes(group_id, now):
            if rnd.phase not in ANSWERABLE or resp.person_id is None:
                continue
            person = uow.people.get_person(resp.person_id)
            chat = [p for p, _ in uow.people.accounts_of(person.id) if p in env.platforms and p != EMAIL]
            if chat:
                spec = questionnaire_spec(env, uow, group, rnd, person)
                prompt = replace(Questionnaire(spec).prompt(resp.state), fresh=True)
                key = f"wake:{resp.id}:{resp.snoozed_until}"
                wake = Outbound(t(person.language, "q.wake", week=str(rnd.key)), kind="reminder")
                platform = person.channel if person.channel in chat else chat[0]
                send_to_person(env, uow, person.id, wake, key, platform)
                send_to_person(env, uow, person.id, prompt, key + ":prompt", platform)
            uow.rounds.save_response(
                resp.id, resp.version, resp.state, "in_progress", None, resp.late, resp.submitted_at, now
            )
            done.append(f"wake {person.name}")
        uow.commit()
    return done


def force_phase(
    env: Env, uow: UnitOfWork, group: GroupConfig, target: Phase, actor: Person, key: RoundKey | None = None
) -> tuple[RoundKey, bool]:
    """A coordinator's open/close/finalize now: walk this week's round up to target."""
    now = env.clock.now()
    key = key or local_round_key(now, group.tz)
    rnd = uow.rounds.get_round(group.id, key) or uow.rounds.create_round(group.id, key, now)
    if phase_index(rnd.phase) >= phase_index(target):
        return key, False
    for phase in PHASE_ORDER[phase_index(rnd.phase) + 1 : phase_index(target) + 1]:
        if phase == Phase.REMINDED:
            r = uow.rounds.get_round(group.id, key)
            assert r is not None
            uow.rounds.set_phase(r.id, r.phase, Phase.REMINDED, now)
            continue
        transition(env, uow, group, key, phase, now, automatic=False, actor=actor)
    return key, True
