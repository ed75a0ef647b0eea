"""The weekly questionnaire as a pure state machine (see STATES.md beside this file).

`Questionnaire(spec).step(state, event)` returns the new `ConversationState` and what to show; it has no I/O,
so it is tested as a dialogue and persisted by the services after every step. What a move does to the state is
in `moves.py`; how a state is drawn is in `prompts.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.conversation import moves
from bot.conversation.choices import (
    AddMore,
    Change,
    Edit,
    Greeting,
    GreetingWhat,
    LevelBack,
    LevelPick,
    MoreSkip,
    NoteSkip,
    PlaceAction,
    PlaceNew,
    PlacePick,
    PlaceSkip,
    QuestionnaireChoice,
    Send,
    decode,
)
from bot.conversation.messages import Outbound
from bot.conversation.prompts import QuestionnaireView
from bot.conversation.spec import Item, Spec
from bot.domain.conversation_state import Answer, ConversationState, Origin, Step
from bot.domain.masking import clean_text
from bot.domain.places import coarse, nearest_place
from bot.text import t

__all__ = [
    "MORE_MAX",
    "NOTE_MAX",
    "PLACE_MAX",
    "Event",
    "Item",
    "Questionnaire",
    "Result",
    "Spec",
]

PLACE_MAX = 100
NOTE_MAX = 500
MORE_MAX = 1000

GREETING, LEVEL, WHERE, WHAT, MORE, SUMMARY, SENT = (
    Step.GREETING,
    Step.LEVEL,
    Step.WHERE,
    Step.WHAT,
    Step.MORE,
    Step.SUMMARY,
    Step.SENT,
)


@dataclass(frozen=True)
class Event:
    """What the reporter did: pressed a button (`choice`, decoded; None for one that is not the questionnaire's),
    typed `value`, shared a `location`, or asked to be shown where they are."""

    kind: str  # "choice" | "text" | "location" | "show"
    value: str = ""
    location: tuple[float, float] | None = None
    choice: QuestionnaireChoice | None = None

    @classmethod
    def pressed(cls, choice_id: str) -> Event:
        """The press of a button, by its id."""
        chosen = decode(choice_id)
        return cls("choice", choice=chosen if isinstance(chosen, QuestionnaireChoice) else None)


@dataclass(slots=True)
class Result:
    state: ConversationState
    out: list[Outbound] = field(default_factory=list)
    submitted: bool = False
    snooze: bool = False
    changed: bool = False


class Questionnaire:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.ref = f"q:{spec.round_id}"
        self.view = QuestionnaireView(spec, self.ref)

    # ---- public -------------------------------------------------------------------------------

    def step(self, state: ConversationState, event: Event) -> Result:
        keys = self.spec.item_keys
        s = moves.fit(state, keys)
        if event.kind == "show":
            result = Result(s, [self.prompt(s)])
        elif event.kind == "choice":
            result = self._choice(s, event.choice)
        elif event.kind == "text":
            result = self._text(s, event.value)
        elif event.kind == "location" and event.location is not None:
            result = self._location(s, event.location)
        else:
            result = Result(s, [self.notice(t(self.spec.lang, "q.type_or_choose")), self.prompt(s)])
        result.state = moves.keyed(result.state, keys)
        return result

    def prompt(self, s: ConversationState, typing_place: bool = False) -> Outbound:
        """The question for the state, with its buttons (the summary at SUMMARY)."""
        return self.view.prompt(s, typing_place)

    def summary_lines(self, s: ConversationState) -> list[str]:
        return self.view.summary_lines(s)

    def notice(self, text: str) -> Outbound:
        return self.view.notice(text)

    # ---- event handlers ---------------------------------------------------------------------------

    def _choice(self, s: ConversationState, chosen: QuestionnaireChoice | None) -> Result:
        if chosen is None or chosen.round_id != self.spec.round_id:  # not a button of this week's questionnaire
            return self._stale_or_same(s, same=False)
        step = s.step
        match chosen.action:
            case Greeting(what) if step == GREETING:
                return self._greeting(s, what)
            case LevelBack(i):
                if step == LEVEL and i == s.index and i > 0:
                    return self._changed(s.at(LEVEL, i - 1))
                return self._stale_or_same(s, same=True)
            case LevelPick(i, level):
                return self._level(s, i, level)
            case PlacePick() | PlaceNew() | PlaceSkip() as place:
                return self._place(s, place)
            case NoteSkip(i):
                if step != WHAT or i != s.index:
                    return self._stale_or_same(s, same=True)
                return self._changed(moves.note_given(s, self.spec.items[i].key, None, len(self.spec.items)))
            case MoreSkip():
                if step != MORE:
                    return self._stale_or_same(s, same=True)
                return self._changed(s.at(SUMMARY, returning=False))
            case Send() if step == SUMMARY:
                if any(key not in s.answers for key in self.spec.item_keys):
                    s = s.at(LEVEL, moves.first_missing(s, self.spec.item_keys), returning=True)
                    return Result(s, [self.notice(t(self.spec.lang, "q.incomplete")), self.prompt(s)], changed=True)
                return Result(s.at(SENT), [], submitted=True, changed=True)
            case AddMore() if step == SUMMARY:
                return self._changed(s.at(MORE, returning=True))
            case Change(i) if step == SUMMARY and 0 <= i < len(self.spec.items):
                return self._changed(s.at(LEVEL, i, returning=True))
            case Edit() if step == SENT:
                return self._changed(s.at(SUMMARY))
            case Greeting():  # at a later step: a button from an earlier step, pressed again
                return Result(s, [])
            case Send() | AddMore() | Change() if step == SENT:  # the summary's, after sending it
                return Result(s, [])
        return self._stale_or_same(s, same=False)

    def _greeting(self, s: ConversationState, what: GreetingWhat) -> Result:
        items = self.spec.items
        match what:
            case "start":
                return self._changed(replace(s, step=LEVEL, index=0, origin=Origin.MANUAL))
            case "nothing":
                answers = {it.key: Answer(0) for it in items}
                return self._changed(replace(s, answers=answers, step=SUMMARY, origin=Origin.NOTHING))
            case "same":
                last = self.spec.last_week
                if not last:
                    return Result(s, [self.notice(t(self.spec.lang, "q.no_last_week")), self.prompt(s)])
                answers = {it.key: moves.copied_answer(last.get(it.key)) for it in items}
                return self._changed(replace(s, answers=answers, step=SUMMARY, origin=Origin.SAME))
            case "later":
                return Result(s, [], snooze=True, changed=True)

    def _level(self, s: ConversationState, i: int, level: int) -> Result:
        items = self.spec.items
        if not 0 <= level <= 3 or not 0 <= i < len(items):
            return self._stale_or_same(s, same=False)
        key = items[i].key
        if s.step == LEVEL and s.index == i:
            return self._changed(moves.level_given(s, key, level, self.spec.threshold, len(items)))
        old = s.answers.get(key)
        return self._stale_or_same(s, same=old is not None and old.level == level)

    def _place(self, s: ConversationState, place: PlaceAction) -> Result:
        i = place.index
        if s.step != WHERE or i != s.index:
            return self._stale_or_same(s, same=False)
        item = self.spec.items[i]
        match place:
            case PlaceSkip():
                return self._changed(moves.place_given(s, item.key, None))
            case PlaceNew():
                return Result(s, [self.prompt(s, typing_place=True)])
            case PlacePick(_, k):
                places = self.spec.places.get(item.area, ())
                if not 0 <= k < len(places):
                    return self._stale_or_same(s, same=False)
                return self._changed(moves.place_given(s, item.key, places[k]))

    def _text(self, s: ConversationState, raw: str) -> Result:
        lang = self.spec.lang
        step = s.step
        if step == WHERE:
            name = clean_text(raw, PLACE_MAX).replace("\n", " ")
            if not name:
                return Result(s, [self.prompt(s)])
            item = self.spec.items[s.index]
            known = {p.casefold(): p for p in self.spec.places.get(item.area, ())}
            s = moves.place_given(s, item.key, known.get(name.casefold(), name))
            return self._changed(s, cut=len(raw.strip()) > PLACE_MAX, limit=PLACE_MAX)
        if step == WHAT:
            note = clean_text(raw, NOTE_MAX)
            s = moves.note_typed(s, self.spec.items[s.index].key, note, len(self.spec.items))
            return self._changed(s, cut=len(raw.strip()) > NOTE_MAX, limit=NOTE_MAX)
        if step == MORE:
            more = clean_text(raw, MORE_MAX)
            return self._changed(moves.more_given(s, more or None), cut=len(raw.strip()) > MORE_MAX, limit=MORE_MAX)
        return Result(s, [self.notice(t(lang, "q.type_or_choose")), self.prompt(s)])

    def _location(self, s: ConversationState, loc: tuple[float, float]) -> Result:
        if s.step != WHERE:
            return Result(s, [self.notice(t(self.spec.lang, "q.not_at_place_step")), self.prompt(s)])
        item = self.spec.items[s.index]
        # The raw fix is used only here, to find the nearest place; what is kept is that place or ~100 m.
        near = nearest_place(loc, self.spec.located.get(item.area, ()), self.spec.snap_m)
        if near is not None:
            return self._changed(moves.place_given(s, item.key, near))
        lat, lon = coarse(*loc)
        label = f"{t(self.spec.lang, 'q.location_label')} {lat:.3f}, {lon:.3f}"
        return self._changed(moves.place_given(s, item.key, label, (lat, lon)))

    # ---- results ----------------------------------------------------------------------------------

    def _changed(self, s: ConversationState, cut: bool = False, limit: int = 0) -> Result:
        out = [self.notice(t(self.spec.lang, "q.too_long", n=limit))] if cut else []
        return Result(s, [*out, self.prompt(s)], changed=True)

    def _stale_or_same(self, s: ConversationState, same: bool) -> Result:
        if same:
            return Result(s, [])
        return Result(s, [self.notice(t(self.spec.lang, "q.stale")), self.prompt(s)])
