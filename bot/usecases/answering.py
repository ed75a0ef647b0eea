"""Answering the week's questionnaire: the engine's input (`questionnaire_spec`), each press or typed answer
(`questionnaire_event`), the person's own overview (`show_home`), the greeting of a person who answers no
questionnaire, and the question shown again in a new session (`show_pending`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.config import GroupConfig
from bot.conversation.choices import Edit, QuestionnaireChoice, encode
from bot.conversation.messages import Choice, Outbound
from bot.conversation.questionnaire import Event, Item, Questionnaire, Result, Spec
from bot.domain.conversation_state import Answer, ConversationState, Step
from bot.domain.cycle import Phase, local_round_key, phase_due_at, phase_index
from bot.domain.masking import mask_personal_data
from bot.domain.model import AnswerIn, Area, Person, Place, Response, Round
from bot.domain.places import coarse
from bot.ports import UnitOfWork
from bot.text import CATALOGUE, t
from bot.usecases.context import Ctx, Env, enqueue, local_text, next_key, notice, reply
from bot.usecases.roles import close_key, likely_meant

OPEN_PHASES = (Phase.OPEN, Phase.REMINDED)
ANSWERABLE = (Phase.OPEN, Phase.REMINDED, Phase.CLOSED, Phase.DRAFTED)
SPEC_CACHE_MAX = 4096


def round_for_answering(uow: UnitOfWork, group_id: str) -> Round | None:
    """The newest of the group's last two rounds that still takes answers."""
    for r in uow.rounds.recent_rounds(group_id, 2):
        if r.phase in ANSWERABLE:
            return r
    return None


def questionnaire_spec(
    env: Env,
    uow: UnitOfWork,
    group: GroupConfig,
    rnd: Round,
    person: Person,
    areas: list[Area] | None = None,
    with_last_week: bool = True,
    lazy: bool = False,
) -> Spec:
    """What the engine needs; last week's answers are looked up only where they can be used. `lazy`: the areas'
    places are read when the engine first asks for them (most presses do not), so the spec must not outlive
    the unit of work."""
    areas = uow.people.person_areas(person.id) if areas is None else areas
    key = (group.id, rnd.key, person.language, tuple(areas))
    parts = env.spec_parts.get(key)
    if parts is None:
        if len(env.spec_parts) >= SPEC_CACHE_MAX:
            env.spec_parts.clear()
        factors = group.factor_list()
        close = phase_due_at(rnd.key, Phase.CLOSED, group.week_schedule(), group.tz)
        parts = env.spec_parts[key] = (
            tuple(Item(a.code, a.name, f) for a in areas for f in factors),
            local_text(close, group, person.language),
        )
    items, close_text = parts
    known = KnownPlaces(uow, areas)
    places = known if lazy else dict(known)
    located = known.located if lazy else dict(known.located)
    last = uow.rounds.last_submitted_answers(group.id, rnd.key, person.id) if with_last_week else None
    return Spec(
        round_id=rnd.id,
        week=str(rnd.key),
        name=person.name.split()[0] if person.name else "",
        lang=person.language,
        items=items,
        threshold=group.threshold,
        places=places,
        last_week=last,
        close_text=close_text,
        located=located,
        snap_m=float(env.config.privacy.location_snap_metres),
    )


class KnownPlaces(Mapping[str, tuple[str, ...]]):
    """The approved places of a reporter's areas by area code, read from the unit of work at the first look (for
    one spec, within its unit of work); `located` the ones with a position."""

    def __init__(self, uow: UnitOfWork, areas: Sequence[Area]) -> None:
        self._uow, self._areas = uow, areas
        self._places: dict[str, tuple[Place, ...]] | None = None
        self.located = LocatedPlaces(self)

    def read(self) -> dict[str, tuple[Place, ...]]:
        if self._places is None:
            self._places = {a.code: tuple(self._uow.groups.places(a.id)) for a in self._areas}
        return self._places

    def __getitem__(self, code: str) -> tuple[str, ...]:
        return tuple(p.name for p in self.read()[code])

    def __iter__(self) -> Iterator[str]:
        return iter(self.read())

    def __len__(self) -> int:
        return len(self.read())


class LocatedPlaces(Mapping[str, tuple[tuple[str, float, float], ...]]):
    """Of the known places, those with a position: (name, latitude, longitude) by area code."""

    def __init__(self, known: KnownPlaces) -> None:
        self._known = known

    def __getitem__(self, code: str) -> tuple[tuple[str, float, float], ...]:
        return tuple(
            (p.name, p.lat, p.lon) for p in self._known.read()[code] if p.lat is not None and p.lon is not None
        )

    def __iter__(self) -> Iterator[str]:
        return iter(self._known.read())

    def __len__(self) -> int:
        return len(self._known.read())


def next_open_text(group: GroupConfig, ctx: Ctx) -> str:
    """When the next questionnaire goes out, as the person reads a time."""
    key = local_round_key(ctx.now, group.tz)
    at = phase_due_at(key, Phase.OPEN, group.week_schedule(), group.tz)
    if at <= ctx.now:
        at = phase_due_at(key.next(), Phase.OPEN, group.week_schedule(), group.tz)
    return local_text(at, group, ctx.lang)


def questionnaire_event(env: Env, ctx: Ctx, event: Event, chosen: QuestionnaireChoice | None) -> None:
    """One press, typed answer or shared location for the questionnaire: of the round the button belongs to
    (`chosen`), or else of the round that takes answers now."""
    assert ctx.person is not None and ctx.group is not None
    uow, person, group = ctx.uow, ctx.person, ctx.group
    rnd: Round | None
    if chosen is not None:
        rnd = uow.rounds.get_round_by_id(chosen.round_id)
        if rnd is None or rnd.group_id != group.id:
            notice(env, ctx, "q.stale")
            return
    else:
        rnd = round_for_answering(uow, group.id)
    areas = uow.people.person_areas(person.id)
    if not areas:  # nothing to answer, in any week: say who they are here and what they can do
        # say it was not understood before the greeting: masked first, then shortened (a cut address or
        # number would no longer be recognised)
        words = mask_personal_data(" ".join(ctx.inbound.text.split()))
        if ctx.inbound.kind == "text" and words:
            shown = words if len(words) <= 60 else words[:59].rsplit(" ", 1)[0] + " …"
            meant = likely_meant(ctx, words.split()[0])  # a typo of a command ('statsu'): which one it likely was
            notice(env, ctx, close_key("start.not_understood", meant), text=shown, **meant)
        greet(env, ctx)
        return
    if rnd is None:
        notice(env, ctx, "q.no_round", next=next_open_text(group, ctx))
        return
    if phase_index(rnd.phase) >= phase_index(Phase.FINALISED):
        notice(env, ctx, "q.finalised", week=str(rnd.key))
        return
    resp = uow.rounds.get_or_create_response(rnd.id, person.id, person.organisation, ctx.now)
    at_greeting = resp.state.step == Step.GREETING
    spec = questionnaire_spec(env, uow, group, rnd, person, areas, with_last_week=at_greeting, lazy=True)
    engine = Questionnaire(spec)
    if resp.status == "submitted" and phase_index(rnd.phase) >= phase_index(Phase.CLOSED):
        notice(env, ctx, "q.already_sent" if event.kind == "show" else "q.closed_edit", week=str(rnd.key))
        return
    result = engine.step(resp.state, event)
    # After text typed into the chat the old message is no longer the last one; a form's text leaves it last.
    typed = ctx.inbound.kind != "choice" and not ctx.inbound.from_form
    for out in result.out:
        reply(env, ctx, replace(out, fresh=True) if typed and out.ref else out)
    if not result.changed:
        return
    saved = save_step(uow, group, rnd, resp, spec, areas, result, ctx.now)
    if saved.snoozed_until is not None:
        at = local_text(saved.snoozed_until, group, ctx.lang)
        reply(env, ctx, Outbound(t(ctx.lang, "q.snoozed", at=at), ref=engine.ref, kind="question"))
    if result.submitted:
        edit = Choice(encode(QuestionnaireChoice(rnd.id, Edit())), t(ctx.lang, "q.btn.edit"))
        reply(
            env,
            ctx,
            Outbound(
                t(ctx.lang, "q.sent.late" if saved.late else "q.sent", week=spec.week, close=spec.close_text),
                ((edit,),) if not saved.late else (),
                ref=engine.ref,
                kind="question",
                data={"step": "sent", "round_id": rnd.id},
            ),
        )


@dataclass(frozen=True)
class Saved:
    """What a step stored: the response's status, whether it was sent late, until when it is snoozed, and the
    version the row now has."""

    status: str
    late: bool
    snoozed_until: datetime | None
    version: int


def save_step(
    uow: UnitOfWork,
    group: GroupConfig,
    rnd: Round,
    resp: Response,
    spec: Spec,
    areas: list[Area],
    result: Result,
    now: datetime,
) -> Saved:
    """What follows a step that changed the questionnaire, wherever it was answered (a chat, the web form): on
    send the answers replace the earlier ones (a new place is added for review) and the response is marked
    sent, late after the close; a snooze sets its time; the state is saved over the version it was read at (a
    concurrent change of the row fails the unit of work rather than being overwritten)."""
    status = resp.status if resp.status == "submitted" else "in_progress"
    snoozed_until = None
    if result.snooze:
        snoozed_until = now + timedelta(hours=group.snooze_hours)
        status = "snoozed"
    late = resp.late
    submitted_at = resp.submitted_at
    if result.submitted:
        answers = []
        area_ids = {a.code: a.id for a in areas}
        for item in spec.items:
            a = result.state.answers.get(item.key, Answer(0))
            place_id = None
            if a.place:
                loc = coarse(*a.loc) if a.loc else None  # ~100 m, even from an older state
                place = uow.groups.get_or_create_place(
                    area_ids[item.area],
                    a.place,
                    now,
                    lat=loc[0] if loc else None,
                    lon=loc[1] if loc else None,
                )
                place_id = place.id
            answers.append(AnswerIn(area_ids[item.area], item.factor.code, a.level, place_id, a.note))
        uow.rounds.replace_answers(resp.id, answers, result.state.more)
        status = "submitted"
        submitted_at = now
        late = phase_index(rnd.phase) >= phase_index(Phase.CLOSED)
    uow.rounds.save_response(resp.id, resp.version, result.state, status, snoozed_until, late, submitted_at, now)
    return Saved(status, late, snoozed_until, resp.version + 1)


def show_questionnaire(env: Env, ctx: Ctx) -> None:
    questionnaire_event(env, ctx, Event("show"), None)


def edit_questionnaire(env: Env, ctx: Ctx) -> None:
    """`edit`: a sent questionnaire back at its summary, or else the questionnaire where it stands."""
    assert ctx.person is not None and ctx.group is not None
    rnd = round_for_answering(ctx.uow, ctx.group.id)
    if rnd is not None:
        resp = ctx.uow.rounds.get_response(rnd.id, ctx.person.id)
        if resp is not None and resp.status == "submitted":
            edit = QuestionnaireChoice(rnd.id, Edit())
            questionnaire_event(env, ctx, Event("choice", choice=edit), edit)
            return
    show_questionnaire(env, ctx)


def show_home(env: Env, ctx: Ctx) -> None:
    """A person's overview of their own week: the round, their status and their own answers (nobody
    else's). Platforms that have a place for it (Slack's App Home) show it when the person opens it."""
    assert ctx.person is not None and ctx.group is not None
    uow, person, group, lang = ctx.uow, ctx.person, ctx.group, ctx.lang
    rnd = round_for_answering(uow, group.id)
    areas = uow.people.person_areas(person.id)
    if not areas:  # answers no questionnaire: who they are here and the week, not an answer's status
        text = greeting(ctx) + "\n\n" + t(lang, "start.home_hint")
        reply(env, ctx, Outbound(text, kind="home", data={"title": t(lang, "home.title")}))
        return
    lines = [t(lang, "home.hello", name=person.name.split()[0], group=group.name)]
    answers: list[str] = []
    if rnd is None:
        lines.append(t(lang, "home.no_round", next=next_open_text(group, ctx)))
    else:
        lines.append(t(lang, "home.week", week=str(rnd.key), phase=t(lang, f"phase.{rnd.phase}")))
        resp = uow.rounds.get_response(rnd.id, person.id)
        status = resp.status if resp is not None else "none"
        lines.append(t(lang, f"home.status.{status}"))
        if resp is not None and resp.late:
            lines.append(t(lang, "home.status.late"))
        close = phase_due_at(rnd.key, Phase.CLOSED, group.week_schedule(), group.tz)
        if close > ctx.now:
            lines.append(t(lang, "home.close", close=local_text(close, group, lang)))
        if resp is not None and resp.state.answers:
            spec = questionnaire_spec(env, uow, group, rnd, person, areas, with_last_week=False)
            answers = [t(lang, "home.answers"), *Questionnaire(spec).summary_lines(resp.state)]
    text = "\n".join(lines)
    if answers:
        text += "\n\n" + "\n".join(answers)
    text += "\n\n" + t(lang, "home.hint")
    reply(env, ctx, Outbound(text, kind="home", data={"title": t(lang, "home.title")}))


def greeting(ctx: Ctx) -> str:
    """Hello to a person who answers no questionnaire (a coordinator, a meeting participant, a reporter
    without an area): their role in the group, and this week's round."""
    assert ctx.person is not None and ctx.group is not None
    person, lang = ctx.person, ctx.lang
    role = person.role if f"start.hello.{person.role}" in CATALOGUE else "reporter"
    lines = [t(lang, f"start.hello.{role}", name=person.name.split()[0], group=ctx.group.name)]
    key = local_round_key(ctx.now, ctx.group.tz)
    rnd = ctx.uow.rounds.get_round(ctx.group.id, key)
    if rnd is not None:
        lines.append(t(lang, "start.week", week=str(rnd.key), phase=t(lang, f"phase.{rnd.phase}")))
    return "\n".join(lines)


def show_help(env: Env, ctx: Ctx) -> None:
    """What the person can do, by their roles (and, where commands need a prefix, how to write one)."""
    assert ctx.person is not None
    text = t(ctx.lang, "help.reporter")
    if ctx.person.has_role("participant"):
        text += "\n\n" + t(ctx.lang, "help.participant")
    if ctx.person.has_role("coordinator"):
        text += "\n\n" + t(ctx.lang, "help.coordinator")
    how = f"help.how.{ctx.inbound.platform}"
    if how in CATALOGUE:  # where commands need a prefix (Slack: /est …), say so first
        text = t(ctx.lang, how) + "\n\n" + text
    reply(env, ctx, Outbound(text, kind="help"))


def greet(env: Env, ctx: Ctx) -> None:
    """Hello to a person who answers no questionnaire: who they are here, the week, and the help."""
    reply(env, ctx, Outbound(greeting(ctx), kind="notice"))
    show_help(env, ctx)


def show_pending(env: Env, platform: str, address: str) -> bool:
    """Ask a person's unanswered question again, as a new message, where a new session has nothing on screen
    to answer (a new `est-bot chat` process). Returns whether a question was waiting."""
    now = env.clock.now()
    with env.uow_factory() as uow:
        person = uow.people.person_by_account(platform, address)
        group = env.group_or_none(person.group_id) if person is not None else None
        if person is None or group is None:
            return False
        rnd = round_for_answering(uow, group.id)
        areas = uow.people.person_areas(person.id)
        if rnd is None or not areas:
            return False
        resp = uow.rounds.get_response(rnd.id, person.id)
        if resp is None:
            # nothing begun: a person on leave is left alone, and a closed week is not offered
            if rnd.phase not in OPEN_PHASES or person.is_paused(now):
                return False
        elif resp.status == "submitted":
            return False
        state = resp.state if resp is not None else ConversationState()
        spec = questionnaire_spec(env, uow, group, rnd, person, areas, state.step == Step.GREETING)
        prompt = replace(Questionnaire(spec).step(state, Event("show")).out[0], fresh=True)
        enqueue(env, uow, platform, address, prompt, f"pending:{platform}:{address}:{next_key()}")
        uow.commit()
        return True
