"""Where a reporter is in this week's questionnaire: a typed value, stored as JSON in their `responses` row.

The engine (`bot/conversation/questionnaire.py`) takes one and returns the next; storage turns it into JSON and
back at its row boundary (`to_json` / `from_json`). The JSON is the shape the engine has always stored, so rows
saved before this type existed load unchanged:

    {"step": "where", "i": 1, "k": "centrum|skadegorelse", "more": null, "ret": false, "origin": "manual",
     "answers": {"centrum|hot_vald": {"level": 0},
                 "centrum|skadegorelse": {"level": 3, "place": "Stortorget", "note": "Kl 22"}}}

An empty object (a row nobody has answered yet, or one whose draft was purged) is the greeting. Rows from before
the position was kept by item key have no "k"; older ones may lack "ret" and "origin" too. An answer's "loc" is
the coarse position of a shared location, `[lat, lon]`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Step(StrEnum):
    GREETING = "greeting"
    LEVEL = "level"
    WHERE = "where"
    WHAT = "what"
    MORE = "more"
    SUMMARY = "summary"
    SENT = "sent"


class Origin(StrEnum):
    """How the reporter began: one question at a time, "nothing to report", or last week's answers copied."""

    MANUAL = "manual"
    NOTHING = "nothing"
    SAME = "same"


@dataclass(slots=True)
class Answer:
    """One item's answer: a level, and for a level at the threshold or above where and what (both optional).
    A value, like the state: replaced, never changed in place."""

    level: int
    place: str | None = None
    note: str | None = None
    loc: tuple[float, float] | None = None  # the coarse position (~100 m) a place named after a location has

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"level": self.level}
        if self.place is not None:
            out["place"] = self.place
        if self.note is not None:
            out["note"] = self.note
        if self.loc is not None:
            out["loc"] = [self.loc[0], self.loc[1]]
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Answer:
        level, place, note, loc = data.get("level"), data.get("place"), data.get("note"), data.get("loc")
        return cls(
            level if type(level) is int else _int(level, "level"),
            place if place is None or type(place) is str else _str(place, "place"),
            note if note is None or type(note) is str else _str(note, "note"),
            None if loc is None else _loc(loc),
        )


@dataclass(slots=True)
class ConversationState:
    """The questionnaire's position and the answers given so far.

    A value: never changed in place (storage's batch cache hands the same object to the reporter's next press).
    The engine's moves return a new one, with a new `answers` mapping whenever an answer changes. Slotted
    rather than frozen: a frozen dataclass is about three times as slow to make, and a state and its answers
    are made on every button press.
    """

    step: Step = Step.GREETING
    index: int = 0  # the item asked at LEVEL, WHERE and WHAT (JSON "i")
    answers: Mapping[str, Answer] = field(default_factory=dict)  # item key ("area|factor") -> answer
    more: str | None = None  # the closing "anything more" text
    returning: bool = False  # the item was opened from the summary: after it, back there (JSON "ret")
    origin: Origin | None = None
    # The key of the item at `index` when it was saved (JSON "k"), so a reordered item list resumes at the same
    # question; None in rows saved before it was kept.
    key: str | None = None

    # The moves build a new state with these (written out rather than `dataclasses.replace`, which looks the
    # fields up each time: a press makes two or three states).

    def at(self, step: Step, index: int | None = None, returning: bool | None = None) -> ConversationState:
        """The same answers at another position."""
        return ConversationState(
            step,
            self.index if index is None else index,
            self.answers,
            self.more,
            self.returning if returning is None else returning,
            self.origin,
            self.key,
        )

    def with_answer(self, key: str, answer: Answer) -> ConversationState:
        """The state with `key`'s answer set (added at the end if it is new, as a dict keeps insertion order)."""
        answers = {**self.answers, key: answer}
        return ConversationState(self.step, self.index, answers, self.more, self.returning, self.origin, self.key)

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "step": self.step.value,
            "i": self.index,
            "answers": {key: a.to_json() for key, a in self.answers.items()},
            "more": self.more,
            "ret": self.returning,
            "origin": self.origin.value if self.origin is not None else None,
        }
        if self.key is not None:
            out["k"] = self.key
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> ConversationState:
        """Read a stored state; raises ValueError for one that is not a questionnaire's state."""
        if not data:
            return cls()
        stored = data.get("answers") or {}
        if type(stored) is not dict and not isinstance(stored, Mapping):
            raise ValueError(f"answers must be an object, not {stored!r}")
        read = Answer.from_json  # on every button press's path: a dict (what JSON gives) is not checked as a Mapping
        answers = {k: read(a if type(a) is dict else _answer_object(k, a)) for k, a in stored.items()}
        step, index, origin = data.get("step"), data.get("i", 0), data.get("origin")
        return cls(
            Step(_str(step, "step")) if step is not None else Step.GREETING,
            index if type(index) is int else _int(index, "i"),
            answers,
            _str_or_none(data.get("more"), "more"),
            bool(data.get("ret", False)),
            Origin(_str(origin, "origin")) if origin else None,
            _str_or_none(data.get("k"), "k"),
        )


def _int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"{name} must be a whole number, not {value!r}")
    return int(value)


def _str(value: object, name: str) -> str:
    if isinstance(value, str):
        return value
    raise ValueError(f"{name} must be text, not {value!r}")


def _str_or_none(value: object, name: str) -> str | None:
    return None if value is None else _str(value, name)


def _loc(value: object) -> tuple[float, float]:
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, (int, float)) for v in value):
        return (float(value[0]), float(value[1]))
    raise ValueError(f"loc must be [lat, lon], not {value!r}")


def _answer_object(key: object, value: object) -> Mapping[str, object]:
    if isinstance(value, Mapping):
        return value
    raise ValueError(f"the answer of {key} must be an object, not {value!r}")
