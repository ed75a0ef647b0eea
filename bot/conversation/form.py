"""The week's questionnaire as a web form: what a form holds (`FormAnswers`), and `fill`, which reaches it by
stepping the SAME engine (`Questionnaire.step`) with the events a reporter in a chat would send.

A form gives every answer at once; the engine takes them one at a time. `fill` plays the dialogue: the greeting
(start, or a quick path), a level per question, where and what for a high level, what more, then at the summary
a change for each answer that differs, an edit after sending, and the send when asked. So masking, cutting, place
matching, the summary and the state stored are the engine's, exactly as in the chat, and a questionnaire begun
in the chat is finished by the form (or the reverse) as one.

Whether an answer differs is asked of the engine too: a change is played on a copy of the state (the engine is
pure) and kept only if the item's answer comes out different. A form posted twice therefore changes nothing the
second time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from bot.conversation.choices import (
    AddMore,
    Change,
    Edit,
    Greeting,
    LevelPick,
    MoreSkip,
    NoteSkip,
    PlacePick,
    PlaceSkip,
    QuestionnaireAction,
    QuestionnaireChoice,
    Send,
)
from bot.conversation.moves import copied_answer
from bot.conversation.questionnaire import Event, Questionnaire, Result
from bot.domain.conversation_state import Answer, ConversationState, Step

__all__ = ["Filled", "FormAnswers", "ItemAnswer", "KnownPlace", "NewPlace", "Quick", "fill", "from_state", "send"]

Quick = Literal["nothing", "same"]


@dataclass(frozen=True)
class KnownPlace:
    """One of the area's known places, by its position in the questionnaire's list (`Spec.places[area]`)."""

    index: int


@dataclass(frozen=True)
class NewPlace:
    """A place typed by the reporter (the engine cleans, masks, cuts and matches it to a known one)."""

    text: str


PlaceAnswer = KnownPlace | NewPlace | None


@dataclass(frozen=True)
class ItemAnswer:
    """One question of the form: its level (None: not answered), and for a high level where and what."""

    level: int | None = None
    place: PlaceAnswer = None
    note: str = ""


@dataclass(frozen=True)
class FormAnswers:
    """Everything a form posts: an answer per item, in the questionnaire's order, the "more" text, or a quick
    path instead of them all."""

    items: tuple[ItemAnswer, ...] = ()
    more: str = ""
    quick: Quick | None = None


@dataclass(frozen=True)
class Filled:
    """Where the form left the questionnaire: the new state, whether it changed, whether it was sent by this
    fill, the items still without a level (to show as errors) and what the engine said on the way (a text cut
    to its length, nothing from last week to copy)."""

    state: ConversationState
    changed: bool
    submitted: bool = False
    missing: tuple[int, ...] = ()
    notices: tuple[str, ...] = field(default_factory=tuple)


class _Play:
    """The dialogue being played: the state so far, and what the engine said."""

    def __init__(self, q: Questionnaire, state: ConversationState) -> None:
        self.q = q
        self.state = state
        self.changed = False
        self.submitted = False
        self.notices: list[str] = []
        # A bound on the steps: a fill of n items takes at most about 3 steps an item, twice over.
        self.budget = 12 * (len(q.spec.items) + 4)

    def event(self, event: Event) -> Result:
        self.budget -= 1
        result = self.q.step(self.state, event)
        for out in result.out:
            if out.kind == "notice" and out.text not in self.notices:
                self.notices.append(out.text)
        if result.changed:
            self.state = result.state
            self.changed = True
        self.submitted = self.submitted or result.submitted
        return result

    def press(self, action: QuestionnaireAction) -> Result:
        return self.event(Event("choice", choice=QuestionnaireChoice(self.q.spec.round_id, action)))

    def typed(self, text: str) -> Result:
        return self.event(Event("text", text))


def fill(q: Questionnaire, state: ConversationState, form: FormAnswers, send: bool = False) -> Filled:
    """Step the engine from `state` to the form's answers; at the summary, send if `send` and nothing is
    missing. Stops at the summary (or SENT), or at the first question the form leaves without a level."""
    if form.quick is not None and state.step != Step.GREETING:
        form = _quick_answers(q, form.quick, form.more)  # begun already: the quick path's answers, changed one by one
    wanted = _wanted(q, state, form)
    play = _Play(q, state)
    if play.state.step == Step.GREETING:
        if form.quick is not None:
            play.press(Greeting(form.quick))
            if play.state.step == Step.GREETING:  # "same" with nothing to copy: the engine said so
                return _done(play, wanted)
            wanted = _wanted(q, play.state, FormAnswers(more=form.more))
        else:
            play.press(Greeting("start"))
    _forward(play, wanted, form.more)
    if play.state.step == Step.LEVEL:
        _keep_beyond(play, wanted, form.more)
    if play.state.step == Step.SENT:
        trial = _Play(q, play.state)
        trial.press(Edit())
        _review(trial, wanted, form.more)
        if trial.state.answers != play.state.answers or trial.state.more != play.state.more:
            play.state, play.changed = trial.state, True
            play.notices += [n for n in trial.notices if n not in play.notices]
    elif play.state.step == Step.SUMMARY:
        _review(play, wanted, form.more)
    missing = _missing(q, play.state, wanted)
    if send and play.state.step == Step.SUMMARY and not missing:
        play.press(Send())
    return _done(play, wanted)


def send(q: Questionnaire, state: ConversationState) -> Filled:
    """The summary sent as it stands (the form's "Skicka" on the summary page)."""
    play = _Play(q, state)
    if state.step == Step.SUMMARY and not _missing(q, state, [None] * len(q.spec.items)):
        play.press(Send())
    return _done(play, [None] * len(q.spec.items))


def from_state(q: Questionnaire, state: ConversationState) -> FormAnswers:
    """What a form shows for a state: its answers, a stored place as a known one where it is one."""
    answers = (state.answers.get(item.key) for item in q.spec.items)
    items = tuple(ItemAnswer() if a is None else _item_of(q, i, a) for i, a in enumerate(answers))
    return FormAnswers(items, state.more or "")


# ---- the dialogue ---------------------------------------------------------------------------------------------


def _wanted(q: Questionnaire, state: ConversationState, form: FormAnswers) -> list[ItemAnswer | None]:
    """Per item what the form wants: its answer, or, for an item the form leaves without a level, the stored
    level with its place and note as they are (None where there is neither)."""
    out: list[ItemAnswer | None] = []
    for i, item in enumerate(q.spec.items):
        given = form.items[i] if i < len(form.items) else ItemAnswer()
        if given.level is not None:
            out.append(given)
            continue
        stored = state.answers.get(item.key)
        out.append(None if stored is None else _item_of(q, i, stored))
    return out


def _item_of(q: Questionnaire, i: int, a: Answer) -> ItemAnswer:
    item = q.spec.items[i]
    known = q.spec.places.get(item.area, ())
    place: PlaceAnswer = None
    if a.place:
        place = KnownPlace(known.index(a.place)) if a.place in known else NewPlace(a.place)
    return ItemAnswer(a.level, place, a.note or "")


def _forward(play: _Play, wanted: list[ItemAnswer | None], more: str) -> None:
    """Answer the questions in the engine's order until the summary, SENT, or a question without a level."""
    while play.budget > 0:
        s = play.state
        if s.step == Step.LEVEL:
            want = wanted[s.index]
            if want is None or want.level is None:
                return
            if not play.press(LevelPick(s.index, want.level)).changed:
                return
        elif s.step == Step.WHERE:
            _where(play, s.index, wanted[s.index])
        elif s.step == Step.WHAT:
            want = wanted[s.index]
            note = want.note.strip() if want is not None else ""
            if not (note and play.typed(note).changed):
                play.press(NoteSkip(s.index))
        elif s.step == Step.MORE:
            if not (more.strip() and play.typed(more).changed):
                play.press(MoreSkip())
        else:
            return


def _keep_beyond(play: _Play, wanted: list[ItemAnswer | None], more: str) -> None:
    """The form stopped at a question without a level: what it answers after that question, and its "more", are
    kept too, so nothing typed is lost when the person comes back later. Each is played through the engine on its
    own (as from the summary: the question, its where and what), and its answer is kept in the state, which stays
    at the question without a level; the next post plays them again in order."""
    q, keys = play.q, play.q.spec.item_keys
    stop = play.state.index
    for j in range(stop + 1, len(keys)):
        want = wanted[j]
        if want is None or want.level is None:
            continue
        trial = _Play(q, replace(play.state.at(Step.LEVEL, j, returning=True), key=keys[j]))
        trial.budget = play.budget
        _forward(trial, wanted, more)
        answer = trial.state.answers.get(keys[j])
        if trial.state.step == Step.SUMMARY and answer is not None:
            if not _same(answer, play.state.answers.get(keys[j])):
                play.state, play.changed = play.state.with_answer(keys[j], answer), True
            play.notices += [n for n in trial.notices if n not in play.notices]
        play.budget = trial.budget
    if more.strip():
        trial = _Play(q, play.state.at(Step.MORE, returning=True))
        trial.typed(more)
        if trial.state.more != play.state.more:
            play.state, play.changed = replace(play.state, more=trial.state.more), True


def _where(play: _Play, i: int, want: ItemAnswer | None) -> None:
    place = want.place if want is not None else None
    if isinstance(place, KnownPlace) and play.press(PlacePick(i, place.index)).changed:
        return
    if isinstance(place, NewPlace) and place.text.strip() and play.typed(place.text).changed:
        return
    play.press(PlaceSkip(i))


def _review(play: _Play, wanted: list[ItemAnswer | None], more: str) -> None:
    """At the summary: each answer that differs from the form's is changed (played on a copy first, kept only if
    it comes out different); then what more, if the form says something new."""
    q = play.q
    for i, item in enumerate(q.spec.items):
        want = wanted[i]
        if want is None or want.level is None:
            continue
        trial = _Play(q, play.state)
        trial.budget = play.budget
        trial.press(Change(i))
        _forward(trial, wanted, more)
        if trial.state.step != Step.SUMMARY:
            continue  # the engine would not take it back to the summary: keep what is stored
        if not _same(trial.state.answers.get(item.key), play.state.answers.get(item.key)):
            play.state, play.changed = trial.state, True
            play.notices += [n for n in trial.notices if n not in play.notices]
        play.budget = trial.budget
    if more.strip():
        trial = _Play(q, play.state)
        trial.press(AddMore())
        trial.typed(more)
        if trial.state.step == Step.SUMMARY and trial.state.more != play.state.more:
            play.state, play.changed = trial.state, True
            play.notices += [n for n in trial.notices if n not in play.notices]


def _same(a: Answer | None, b: Answer | None) -> bool:
    """Equal as the reporter sees them (a place named after a shared location keeps its position)."""
    if a is None or b is None:
        return a is b
    return (a.level, a.place, a.note) == (b.level, b.place, b.note)


def _missing(q: Questionnaire, state: ConversationState, wanted: list[ItemAnswer | None]) -> tuple[int, ...]:
    return tuple(
        i
        for i, (item, want) in enumerate(zip(q.spec.items, wanted, strict=True))
        if item.key not in state.answers and (want is None or want.level is None)
    )


def _quick_answers(q: Questionnaire, quick: Quick, more: str) -> FormAnswers:
    """A quick path as answers, for a questionnaire already begun: all green, or last week's levels and places."""
    if quick == "nothing":
        return FormAnswers(tuple(ItemAnswer(0) for _ in q.spec.items), more)
    last: Mapping[str, Mapping[str, object]] = q.spec.last_week or {}
    out: list[ItemAnswer] = []
    for item in q.spec.items:
        a = copied_answer(last.get(item.key))
        out.append(ItemAnswer(a.level, NewPlace(a.place) if a.place else None))
    return FormAnswers(tuple(out), more)


def _done(play: _Play, wanted: list[ItemAnswer | None]) -> Filled:
    return Filled(play.state, play.changed, play.submitted, _missing(play.q, play.state, wanted), tuple(play.notices))
