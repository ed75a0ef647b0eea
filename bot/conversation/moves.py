"""The questionnaire's moves: pure functions from one `ConversationState` to the next.

The engine (`questionnaire.py`) decides which move an event makes; these say what the move does to the position
and the answers. None of them knows about messages or text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from bot.domain.conversation_state import Answer, ConversationState, Step

POSITIONED = (Step.LEVEL, Step.WHERE, Step.WHAT)  # the steps that ask about one item


def fit(s: ConversationState, keys: Sequence[str]) -> ConversationState:
    """Fit a stored state to today's items: the areas or factors may have changed since it was saved.

    The position is kept by item key, not by index, so a reordered list resumes at the same question; a
    removed item's answer is dropped and the reporter continues at the first unanswered question.
    """
    if any(k not in keys for k in s.answers):
        s = replace(s, answers={k: v for k, v in s.answers.items() if k in keys})
    if s.step not in POSITIONED:
        return s
    step, index = s.step, s.index
    if s.key in keys:
        index = keys.index(s.key)
    elif s.key is not None or not 0 <= index < len(keys):
        index = first_missing(s, keys)
        step = Step.LEVEL
    if step in (Step.WHERE, Step.WHAT) and keys[index] not in s.answers:
        step = Step.LEVEL
    return s if (step, index) == (s.step, s.index) else s.at(step, index)


def first_missing(s: ConversationState, keys: Sequence[str]) -> int:
    for i, key in enumerate(keys):
        if key not in s.answers:
            return i
    return 0


def keyed(s: ConversationState, keys: Sequence[str]) -> ConversationState:
    """The state with the key of the item at its position, kept so a reordered list resumes there."""
    if 0 <= s.index < len(keys) and s.key != keys[s.index]:
        return ConversationState(s.step, s.index, s.answers, s.more, s.returning, s.origin, keys[s.index])
    return s


def level_given(s: ConversationState, key: str, level: int, threshold: int, n_items: int) -> ConversationState:
    """A level for the item at the position. At the threshold or above, where and what are asked next; a place
    and note given for an earlier level at or above it are kept (the reporter changed the level only)."""
    old = s.answers.get(key)
    answer = Answer(level)
    if level >= threshold and old is not None and old.level >= threshold:
        answer = Answer(level, old.place, old.note, old.loc)
    s = s.with_answer(key, answer)
    return s.at(Step.WHERE) if level >= threshold else after_item(s, n_items)


def place_given(
    s: ConversationState, key: str, place: str | None, loc: tuple[float, float] | None = None
) -> ConversationState:
    """Where it happened (None: skipped); what happened is asked next."""
    old = s.answers[key]
    return s.with_answer(key, Answer(old.level, place, old.note, loc)).at(Step.WHAT)


def note_given(s: ConversationState, key: str, note: str | None, n_items: int) -> ConversationState:
    """What happened (None: skipped, and an earlier note is dropped); then the next item."""
    old = s.answers[key]
    return after_item(s.with_answer(key, Answer(old.level, old.place, note, old.loc)), n_items)


def note_typed(s: ConversationState, key: str, note: str, n_items: int) -> ConversationState:
    """A typed note; an empty one (nothing left after cleaning) keeps what was there."""
    return note_given(s, key, note, n_items) if note else after_item(s, n_items)


def after_item(s: ConversationState, n_items: int) -> ConversationState:
    if s.returning:
        return s.at(Step.SUMMARY, returning=False)
    nxt = s.index + 1
    if nxt < n_items:
        return s.at(Step.LEVEL, nxt)
    return s.at(Step.MORE)


def more_given(s: ConversationState, more: str | None) -> ConversationState:
    return replace(s, more=more, step=Step.SUMMARY, returning=False)


def copied_answer(last: Mapping[str, object] | None) -> Answer:
    """Last week's answer as this week's: its level and place (not its note)."""
    if not last:
        return Answer(0)
    level = last.get("level", 0)
    place = last.get("place")
    return Answer(
        int(level) if isinstance(level, (int, str)) else 0, place if isinstance(place, str) and place else None
    )
