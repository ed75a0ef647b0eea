"""The ids of the bot's buttons as typed values: one codec, so that nothing else reads or writes their strings.

A button's id is what a platform hands back when it is pressed (Telegram's `callback_data`, Slack's `value`), so
the strings are fixed: buttons already sent must keep working. They are

    q<round>:<action>          a reporter's questionnaire ("q12:l:3:2"; the actions are listed below)
    c<candidate>:v / :u        a vote for a candidate priority, or taking it back
    c<candidate>:a|r|t:<code>  the candidate's action type, responsible or time frame
    f<round>                   finalising the week's picture

and at most 64 bytes (Telegram's limit). `decode` accepts only what `encode` makes (`encode(decode(s)) == s`);
anything else, from an old version or a forged press, is None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, TypeVar

from bot.conversation.ids import parse_id
from bot.domain.model import ACTION_TYPES, RESPONSIBLES, TIMEFRAMES

# The questionnaire's actions, each with the step code it has always been written as. An `index` is the item's
# position in the questionnaire's items (the question), counted from 0.

GreetingWhat = Literal["start", "nothing", "same", "later"]
_GREETINGS: dict[str, GreetingWhat] = {"start": "start", "nothing": "nothing", "same": "same", "later": "later"}


@dataclass(frozen=True)
class Greeting:
    """ "g:start" | "g:nothing" | "g:same" | "g:later": how the reporter begins (or puts it off)."""

    what: GreetingWhat


@dataclass(frozen=True)
class LevelPick:
    """ "l:<index>:<level>": a level for a question (the engine checks that it is 0-3)."""

    index: int
    level: int


@dataclass(frozen=True)
class LevelBack:
    """ "l:<index>:back": back to the question before."""

    index: int


@dataclass(frozen=True)
class PlacePick:
    """ "p:<index>:<place>": one of the known places offered, by its position in the area's places."""

    index: int
    place: int


@dataclass(frozen=True)
class PlaceNew:
    """ "p:<index>:new": the reporter will type a new place."""

    index: int


@dataclass(frozen=True)
class PlaceSkip:
    """ "p:<index>:skip": no place."""

    index: int


@dataclass(frozen=True)
class NoteSkip:
    """ "w:<index>:skip": no note on what happened."""

    index: int


@dataclass(frozen=True)
class MoreSkip:
    """ "m:skip": nothing more to say."""


@dataclass(frozen=True)
class Send:
    """ "s:send": the summary sent."""


@dataclass(frozen=True)
class AddMore:
    """ "s:more": from the summary, to what more the reporter has to say."""


@dataclass(frozen=True)
class Change:
    """ "s:c:<index>": from the summary, back to one question."""

    index: int


@dataclass(frozen=True)
class Edit:
    """ "x:edit": a sent questionnaire back to its summary."""


QuestionnaireAction = (
    Greeting
    | LevelPick
    | LevelBack
    | PlacePick
    | PlaceNew
    | PlaceSkip
    | NoteSkip
    | MoreSkip
    | Send
    | AddMore
    | Change
    | Edit
)
PlaceAction = PlacePick | PlaceNew | PlaceSkip
_A = TypeVar("_A", LevelBack, PlaceNew, PlaceSkip, NoteSkip, Change)

MAX_BYTES = 64

CandidateField = Literal["action_type", "responsible", "timeframe"]
_FIELD_CODES: dict[CandidateField, str] = {"action_type": "a", "responsible": "r", "timeframe": "t"}
_FIELDS: dict[str, CandidateField] = {code: name for name, code in _FIELD_CODES.items()}
FIELD_VALUES: dict[CandidateField, tuple[str, ...]] = {
    "action_type": ACTION_TYPES,
    "responsible": RESPONSIBLES,
    "timeframe": TIMEFRAMES,
}


@dataclass(frozen=True)
class QuestionnaireChoice:
    """A button of a reporter's questionnaire for one round."""

    round_id: int
    action: QuestionnaireAction


@dataclass(frozen=True)
class VoteChoice:
    """A vote for a candidate priority (`vote` True), or taking it back (False)."""

    candidate_id: int
    vote: bool


@dataclass(frozen=True)
class CandidateFieldChoice:
    """One of a candidate's settings chosen in the meeting: its action type, responsible or time frame."""

    candidate_id: int
    field: CandidateField
    value: str


@dataclass(frozen=True)
class FinaliseChoice:
    """Finalising the picture of a round."""

    round_id: int


ChoiceValue = QuestionnaireChoice | VoteChoice | CandidateFieldChoice | FinaliseChoice


def encode(value: ChoiceValue) -> str:
    """The id of the button for `value`; a ValueError if it would not fit a platform's callback."""
    match value:
        case QuestionnaireChoice(round_id, action):
            text = f"{round_prefix(round_id)}{_action_code(action)}"
        case VoteChoice(candidate_id, vote):
            text = f"c{candidate_id}:{'v' if vote else 'u'}"
        case CandidateFieldChoice(candidate_id, field, chosen):
            text = f"c{candidate_id}:{_FIELD_CODES[field]}:{chosen}"
        case FinaliseChoice(round_id):
            text = f"f{round_id}"
    if len(text.encode()) > MAX_BYTES:
        raise ValueError(f"a choice id longer than {MAX_BYTES} bytes: {text[:80]!r}")
    return text


@lru_cache(maxsize=4096)  # the same few ids are pressed by every reporter: a press is decoded more than once
def decode(text: str) -> ChoiceValue | None:
    """The value of a button id, or None for anything `encode` does not make."""
    kind, rest = text[:1], text[1:]
    if kind == "q":
        head, colon, code = rest.partition(":")
        round_id = _id(head)
        action = _action(code) if colon and round_id is not None else None
        return QuestionnaireChoice(round_id, action) if round_id is not None and action is not None else None
    if kind == "f":
        round_id = _id(rest)
        return FinaliseChoice(round_id) if round_id is not None else None
    if kind == "c":
        head, _, what = rest.partition(":")
        candidate_id = _id(head)
        if candidate_id is None:
            return None
        if what in ("v", "u"):
            return VoteChoice(candidate_id, what == "v")
        code, _, chosen = what.partition(":")
        field = _FIELDS.get(code)
        if field is not None and chosen in FIELD_VALUES[field]:
            return CandidateFieldChoice(candidate_id, field, chosen)
    return None


def round_prefix(round_id: int) -> str:
    """What every button of the round's questionnaire begins with ("q12:"): Slack's where/what form carries it."""
    return f"q{round_id}:"


def prefix_round(prefix: str) -> int | None:
    """The round of a `round_prefix`, or None for anything else."""
    if not (prefix.startswith("q") and prefix.endswith(":")):
        return None
    return _id(prefix[1:-1])


def _action_code(action: QuestionnaireAction) -> str:
    match action:
        case Greeting(what):
            return f"g:{what}"
        case LevelPick(index, level):
            return f"l:{index}:{level}"
        case LevelBack(index):
            return f"l:{index}:back"
        case PlacePick(index, place):
            return f"p:{index}:{place}"
        case PlaceNew(index):
            return f"p:{index}:new"
        case PlaceSkip(index):
            return f"p:{index}:skip"
        case NoteSkip(index):
            return f"w:{index}:skip"
        case MoreSkip():
            return "m:skip"
        case Send():
            return "s:send"
        case AddMore():
            return "s:more"
        case Change(index):
            return f"s:c:{index}"
        case Edit():
            return "x:edit"


def _action(code: str) -> QuestionnaireAction | None:
    """The action of a step code, or None for anything `_action_code` does not write."""
    match code.split(":"):
        case ["g", what] if what in _GREETINGS:
            return Greeting(_GREETINGS[what])
        case ["l", index, "back"]:
            return _indexed(LevelBack, index)
        case ["l", index, level]:
            i, lv = _number(index), _number(level)
            return LevelPick(i, lv) if i is not None and lv is not None else None
        case ["p", index, "new"]:
            return _indexed(PlaceNew, index)
        case ["p", index, "skip"]:
            return _indexed(PlaceSkip, index)
        case ["p", index, place]:
            i, k = _number(index), _number(place)
            return PlacePick(i, k) if i is not None and k is not None else None
        case ["w", index, "skip"]:
            return _indexed(NoteSkip, index)
        case ["m", "skip"]:
            return MoreSkip()
        case ["s", "send"]:
            return Send()
        case ["s", "more"]:
            return AddMore()
        case ["s", "c", index]:
            return _indexed(Change, index)
        case ["x", "edit"]:
            return Edit()
    return None


def _indexed(kind: Callable[[int], _A], index: str) -> _A | None:
    i = _number(index)
    return kind(i) if i is not None else None


def _number(text: str) -> int | None:
    """A count or position written the way `encode` writes it: ASCII digits, no sign, no leading zero."""
    if not (text.isascii() and text.isdigit()) or (len(text) > 1 and text[0] == "0"):
        return None
    return int(text)


def _id(text: str) -> int | None:
    """A database id written the way `encode` writes it (no sign, no leading zero)."""
    n = parse_id(text)
    return n if n is not None and str(n) == text else None
