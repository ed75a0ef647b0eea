"""The ids of the bot's buttons as typed values: one codec, so that nothing else reads or writes their strings.

A button's id is what a platform hands back when it is pressed (Telegram's `callback_data`, Slack's `value`), so
the strings are fixed: buttons already sent must keep working. They are

    q<round>:<step code>       a reporter's questionnaire ("q12:l:3:2"; the step code is the engine's own)
    c<candidate>:v / :u        a vote for a candidate priority, or taking it back
    c<candidate>:a|r|t:<code>  the candidate's action type, responsible or time frame
    f<round>                   finalising the week's picture

and at most 64 bytes (Telegram's limit). `decode` accepts only what `encode` makes (`encode(decode(s)) == s`);
anything else, from an old version or a forged press, is None.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from bot.conversation.ids import parse_id
from bot.domain.model import ACTION_TYPES, RESPONSIBLES, TIMEFRAMES

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
    """A button of a reporter's questionnaire for one round; `action` is the engine's step code ("g:start")."""

    round_id: int
    action: str


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
            text = f"q{round_id}:{action}"
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
        head, colon, action = rest.partition(":")
        round_id = _id(head)
        return QuestionnaireChoice(round_id, action) if colon and round_id is not None else None
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


def _id(text: str) -> int | None:
    """A database id written the way `encode` writes it (no sign, no leading zero)."""
    n = parse_id(text)
    return n if n is not None and str(n) == text else None
