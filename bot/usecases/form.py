"""The week's questionnaire as a web form, for people reached by e-mail: opening a personal link, the form as
it stands, a submit (review, send, the quick paths), "Inte jag?", and turning the Friday report off.

The form is the chat's questionnaire: the same spec (`questionnaire_spec`), the same engine, stepped by
`bot/conversation/form.fill` with a chat reporter's events, the same response row and the same save
(`answering.save_step`). A link (bot/usecases/formlinks.py) names a person, a round and a generation; it works
while the person is active, the round takes answers (late ones until it is finalised, marked late) and the
generation is today's (an "Inte jag?" moves it on). Every submit carries the response's version as the page
showed it, so a form posted twice stores one response, and one posted over newer answers (given in the chat
meanwhile, or in another tab) is not stored: the page shows the newer answers instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.config import GroupConfig
from bot.conversation.form import Filled, FormAnswers, ItemAnswer, fill, from_state, send
from bot.conversation.mail import FormRef
from bot.conversation.messages import Outbound
from bot.conversation.questionnaire import Questionnaire, Result
from bot.domain.conversation_state import ConversationState, Origin, Step
from bot.domain.cycle import Phase, phase_index
from bot.domain.factors import LEVEL_COLOURS
from bot.domain.model import Area, Person, Round
from bot.ports import UnitOfWork
from bot.text import DEFAULT_LANGUAGE, norm_lang, t
from bot.usecases.answering import questionnaire_spec, save_step
from bot.usecases.context import Env, send_to_channel, send_to_person
from bot.usecases.formlinks import read_form_token, read_report_off_token

FormRefusal = Literal["forged", "revoked", "closed", "gone"]
Outcome = Literal["summary", "sent", "incomplete", "stale", "closed"]


@dataclass(frozen=True)
class Refused:
    """Why a link or a form session works no more, in the language of its person where known."""

    reason: FormRefusal
    lang: str = DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Opened:
    ref: FormRef
    lang: str


@dataclass(frozen=True)
class Level:
    value: int
    name: str  # "Återkommande"
    colour: str  # EST's: green, yellow, orange, red


@dataclass(frozen=True)
class FormItem:
    index: int
    factor: str  # the factor's label
    answer: ItemAnswer  # what is stored now (or what was just posted)


@dataclass(frozen=True)
class FormArea:
    code: str
    name: str
    places: tuple[str, ...]
    items: tuple[FormItem, ...]


@dataclass(frozen=True)
class FormView:
    """Everything the form's pages show: whose form, the week and its close, the questions with what is stored
    (prefilled), the engine's summary, and the response's status and version."""

    lang: str
    name: str
    organisation: str
    group: str
    week: str
    close: str
    threshold: int
    levels: tuple[Level, ...]
    areas: tuple[FormArea, ...]
    more: str
    step: str  # the questionnaire's step: greeting … summary, sent
    status: str  # none | pending | in_progress | snoozed | submitted
    late: bool
    closed: bool  # the round has closed: answers now are late
    locked: bool  # sent, and the round has closed: no more changes
    version: int
    same_possible: bool  # there are last week's answers to copy
    summary_head: str
    summary: tuple[str, ...]
    complete: bool

    @property
    def sent_not_all_green(self) -> bool:
        """Sent, with a level above 0 somewhere: "nothing to report" now would replace it (and its notes)."""
        return self.status == "submitted" and any(
            (item.answer.level or 0) > 0 for area in self.areas for item in area.items
        )


@dataclass(frozen=True)
class Submitted:
    """What a submit did, and the form as it now stands (with the posted answers on the questions, for an
    incomplete form, so nothing typed is lost)."""

    outcome: Outcome
    view: FormView
    missing: tuple[int, ...] = ()
    notices: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Form:
    person: Person
    group: GroupConfig
    rnd: Round
    areas: list[Area]


def open_link(env: Env, secret: str, token: str) -> Opened | Refused:
    """A link from an e-mail: the form it opens, or why not (nothing is changed either way)."""
    ref = read_form_token(secret, token)
    if ref is None:
        return Refused("forged")
    with env.unit() as uow:
        found = _check(env, uow, ref)
    return found if isinstance(found, Refused) else Opened(ref, norm_lang(found.person.language))


def check(env: Env, ref: FormRef) -> Refused | None:
    """Whether a form session's form still works (None) or why not."""
    with env.unit() as uow:
        found = _check(env, uow, ref)
    return found if isinstance(found, Refused) else None


def _check(env: Env, uow: UnitOfWork, ref: FormRef) -> _Form | Refused:
    try:
        person = uow.people.get_person(ref.person_id)
    except KeyError:
        return Refused("gone")
    lang = norm_lang(person.language)
    group = env.group_or_none(person.group_id)
    if not person.active or group is None:
        return Refused("gone", lang)
    rnd = uow.rounds.get_round_by_id(ref.round_id)
    if rnd is None or rnd.group_id != group.id:
        return Refused("forged", lang)
    if phase_index(rnd.phase) >= phase_index(Phase.FINALISED):
        return Refused("closed", lang)
    if uow.web.form_generation(person.id, rnd.id) != ref.generation:
        return Refused("revoked", lang)
    areas = uow.people.person_areas(person.id)
    if not areas:
        return Refused("gone", lang)
    return _Form(person, group, rnd, areas)


def form_view(env: Env, ref: FormRef) -> FormView | Refused:
    with env.unit() as uow:
        found = _check(env, uow, ref)
        if isinstance(found, Refused):
            return found
        return _view(env, uow, found)


def submit(env: Env, ref: FormRef, version: int, answers: FormAnswers, finish: bool = False) -> Submitted | Refused:
    """The posted form: stepped into the questionnaire (to its summary; sent too if `finish`, the quick path
    from the e-mail). `version` is the response's as the page showed it."""
    return _step(env, ref, version, lambda q, s: fill(q, s, answers, send=finish), answers)


def send_summary(env: Env, ref: FormRef, version: int) -> Submitted | Refused:
    """ "Skicka" on the summary page."""
    return _step(env, ref, version, send, None)


def _step(
    env: Env,
    ref: FormRef,
    version: int,
    play: Callable[[Questionnaire, ConversationState], Filled],
    posted: FormAnswers | None,
) -> Submitted | Refused:
    now = env.clock.now()
    with env.unit() as uow:
        found = _check(env, uow, ref)
        if isinstance(found, Refused):
            return found
        person, group, rnd, areas = found.person, found.group, found.rnd, found.areas
        resp = uow.rounds.get_or_create_response(rnd.id, person.id, person.organisation, now)
        if resp.status == "submitted" and phase_index(rnd.phase) >= phase_index(Phase.CLOSED):
            return Submitted("closed", _view(env, uow, found))
        spec = questionnaire_spec(env, uow, group, rnd, person, areas)
        engine = Questionnaire(spec)
        filled = play(engine, resp.state)
        if version != resp.version:  # posted over a newer state: stored only if it changes nothing
            if filled.changed:  # nothing stored; what was typed is shown again (with the newer version) to send
                return Submitted("stale", _view(env, uow, found, posted))
            return Submitted(_where(filled.state), _view(env, uow, found))
        if filled.changed:
            result = Result(filled.state, [], submitted=filled.submitted, changed=True)
            save_step(uow, group, rnd, resp, spec, areas, result, now)
            uow.commit()
        view = _view(env, uow, found, posted if filled.missing else None)
    if filled.missing:
        return Submitted("incomplete", view, filled.missing, filled.notices)
    return Submitted(_where(filled.state), view, (), filled.notices)


def _where(state: ConversationState) -> Outcome:
    return "sent" if state.step == Step.SENT else "summary" if state.step == Step.SUMMARY else "incomplete"


def _view(env: Env, uow: UnitOfWork, f: _Form, posted: FormAnswers | None = None) -> FormView:
    person, group, rnd = f.person, f.group, f.rnd
    lang = norm_lang(person.language)
    resp = uow.rounds.get_response(rnd.id, person.id)
    state = resp.state if resp is not None else ConversationState()
    spec = questionnaire_spec(env, uow, group, rnd, person, f.areas)
    engine = Questionnaire(spec)
    shown = posted if posted is not None else from_state(engine, state)
    areas: list[FormArea] = []
    for area in f.areas:
        items = tuple(
            FormItem(i, item.factor.label(lang), shown.items[i] if i < len(shown.items) else ItemAnswer())
            for i, item in enumerate(spec.items)
            if item.area == area.code
        )
        areas.append(FormArea(area.code, area.name, spec.places.get(area.code, ()), items))
    head = t(lang, "web.form.summary.head", week=t(lang, "web.form.week", n=rnd.key.week))
    if state.origin == Origin.SAME:
        head = t(lang, "q.summary.copied") + " " + head
    elif state.origin == Origin.NOTHING:
        head = t(lang, "q.summary.nothing") + " " + head
    closed = phase_index(rnd.phase) >= phase_index(Phase.CLOSED)
    status = resp.status if resp is not None else "none"
    return FormView(
        lang=lang,
        name=person.name,
        organisation=person.organisation,
        group=group.name,
        week=t(lang, "web.form.week", n=rnd.key.week),  # as the e-mail says it ("v. 47"), not 2026-W47
        close=spec.close_text,
        threshold=spec.threshold,
        levels=tuple(Level(lv, t(lang, f"level.{lv}"), LEVEL_COLOURS[lv]) for lv in range(4)),
        areas=tuple(areas),
        more=shown.more,
        step=state.step.value,
        status=status,
        late=resp.late if resp is not None else False,
        closed=closed,
        locked=closed and status == "submitted",
        version=resp.version if resp is not None else 0,
        same_possible=bool(spec.last_week),
        summary_head=head,
        summary=tuple(engine.summary_lines(state)),
        complete=all(k in state.answers for k in spec.item_keys),
    )


@dataclass(frozen=True)
class NotMe:
    """An "Inte jag?" done: the person's language, and whether a coordinator could be told (a channel or a
    coordinator on a platform this bot runs; else only the audit log has it)."""

    lang: str
    told: bool


def not_me(env: Env, ref: FormRef) -> Refused | NotMe:
    """ "Inte jag?": the person's links to the form stop working, and the coordinators are told (their channel,
    or else each coordinator)."""
    now = env.clock.now()
    with env.unit() as uow:
        found = _check(env, uow, ref)
        if isinstance(found, Refused):
            return found
        person, group, rnd = found.person, found.group, found.rnd
        generation = uow.web.revoke_form_links(person.id, rnd.id, now)
        key = f"form-not-me:{person.id}:{rnd.id}:{generation}"

        def told(lang: str) -> Outbound:
            return Outbound(t(lang, "web.form.not_me.told", name=person.name, week=str(rnd.key)), kind="notice")

        reached = send_to_channel(env, uow, group, "coordinators", told(group.language), key) > 0
        if not reached:
            for c in uow.people.persons(group.id):
                if c.has_role("coordinator") and c.id != person.id:
                    reached = send_to_person(env, uow, c.id, told(c.language), f"{key}:{c.id}") or reached
        uow.audit.audit(now, group.id, person.name, "form_not_me", {"week": str(rnd.key), "told": reached})
        uow.commit()
        return NotMe(norm_lang(person.language), reached)


@dataclass(frozen=True)
class ReportOff:
    """A report-off link's person: their language, and whether the report is (now) off."""

    lang: str
    name: str
    off: bool


def report_off(env: Env, secret: str, token: str, turn_off: bool, how: str = "page") -> ReportOff | Refused:
    """Whose Friday report a link turns off; with `turn_off`, turned off (in the audit log, once)."""
    person_id = read_report_off_token(secret, token)
    if person_id is None:
        return Refused("forged")
    with env.unit() as uow:
        try:
            person = uow.people.get_person(person_id)
        except KeyError:
            return Refused("gone")
        lang = norm_lang(person.language)
        if not person.active:
            return Refused("gone", lang)
        if turn_off and person.receives_report:
            uow.people.set_receives_report(person.id, False)
            uow.audit.audit(env.clock.now(), person.group_id, person.name, "report_off", {"how": how})
            uow.commit()
        return ReportOff(lang, person.name, turn_off or not person.receives_report)
