"""The questionnaire's state as JSON: today's stored shapes, old rows, and the round trip (no database)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.conversation_state import Answer, ConversationState, Origin, Step

# What the engine stored before the state was typed (its `new_state()`), and what a new row holds.
NEW_STATE: dict[str, Any] = {"step": "greeting", "i": 0, "answers": {}, "more": None, "ret": False, "origin": None}

# Rows as the engine writes them today, one per step.
STORED: list[dict[str, Any]] = [
    {**NEW_STATE, "k": "centrum|hot_vald"},
    {"step": "level", "i": 1, "answers": {"centrum|hot_vald": {"level": 0}}, "more": None, "ret": False,
     "origin": "manual", "k": "centrum|skadegorelse"},
    {"step": "where", "i": 1, "answers": {"centrum|hot_vald": {"level": 0}, "centrum|skadegorelse": {"level": 3}},
     "more": None, "ret": False, "origin": "manual", "k": "centrum|skadegorelse"},
    {"step": "what", "i": 1,
     "answers": {"centrum|hot_vald": {"level": 0}, "centrum|skadegorelse": {"level": 3, "place": "Stortorget"}},
     "more": None, "ret": False, "origin": "manual", "k": "centrum|skadegorelse"},
    {"step": "what", "i": 0,
     "answers": {"norr|brand": {"level": 2, "place": "Plats 59.334, 18.063", "loc": [59.334, 18.063]}},
     "more": None, "ret": True, "origin": "manual", "k": "norr|brand"},
    {"step": "summary", "i": 11,
     "answers": {"centrum|hot_vald": {"level": 3, "place": "Torget", "note": "Kl 22 [telefon]"},
                 "centrum|klotter": {"level": 1}},
     "more": "Lugnt i övrigt", "ret": False, "origin": "same", "k": "centrum|klotter"},
    {"step": "sent", "i": 11, "answers": {"centrum|hot_vald": {"level": 0}}, "more": None, "ret": False,
     "origin": "nothing", "k": "centrum|nedskrapning"},
]  # fmt: skip


@pytest.mark.parametrize("row", STORED, ids=lambda r: str(r["step"]))
def test_a_stored_row_reads_and_writes_back_the_same(row: dict[str, Any]) -> None:
    state = ConversationState.from_json(row)
    assert state.to_json() == row
    assert json.loads(json.dumps(state.to_json())) == row  # through the JSON column
    assert ConversationState.from_json(json.loads(json.dumps(row))) == state


def test_the_fields_are_typed() -> None:
    state = ConversationState.from_json(STORED[5])
    assert state.step is Step.SUMMARY and state.index == 11 and state.origin is Origin.SAME
    assert state.answers["centrum|hot_vald"] == Answer(3, "Torget", "Kl 22 [telefon]")
    assert state.answers["centrum|klotter"] == Answer(1)
    assert state.more == "Lugnt i övrigt" and state.returning is False and state.key == "centrum|klotter"
    loc = ConversationState.from_json(STORED[4]).answers["norr|brand"].loc
    assert loc == (59.334, 18.063) and isinstance(loc, tuple)


def test_an_empty_row_is_the_greeting() -> None:
    """A row nobody has answered yet, or one whose draft was purged (`purge_notes`, `forget`), holds {}."""
    assert ConversationState.from_json({}) == ConversationState()
    assert ConversationState().to_json() == NEW_STATE
    assert ConversationState().step is Step.GREETING


def test_old_rows_without_the_item_key_ret_or_origin_load() -> None:
    """Rows saved before the position was kept by item key have no "k"; the first ones lack "ret" and "origin"
    too. They load with the defaults, and the answers, position and closing text are kept."""
    old = {"step": "level", "i": 2, "answers": {"centrum|hot_vald": {"level": 1}}, "more": "x"}
    state = ConversationState.from_json(old)
    assert state == ConversationState(Step.LEVEL, 2, {"centrum|hot_vald": Answer(1)}, "x", False, None, None)
    assert state.to_json() == {**NEW_STATE, "step": "level", "i": 2, "answers": old["answers"], "more": "x"}
    assert "k" not in state.to_json()


def test_old_rows_with_a_fine_location_and_no_step_load() -> None:
    """A location from before it was coarsened is read as it is (the services coarsen it when the answer is
    sent); a row with answers but no step is at the greeting, as an unanswered one is."""
    row = {"answers": {"a|b": {"level": 3, "place": "Plats", "loc": [59.3345678, 18.0632101]}}}
    state = ConversationState.from_json(row)
    assert state.step is Step.GREETING and state.answers["a|b"].loc == (59.3345678, 18.0632101)


def test_a_level_stored_as_text_is_read_as_a_number() -> None:
    assert (
        ConversationState.from_json({"step": "summary", "answers": {"a|b": {"level": "2"}}}).answers["a|b"].level == 2
    )


@pytest.mark.parametrize(
    "row",
    [
        {"step": "nowhere"},
        {"step": "level", "i": "first"},
        {"step": "level", "answers": ["a|b"]},
        {"step": "level", "answers": {"a|b": 2}},
        {"step": "level", "answers": {"a|b": {"place": "x"}}},
        {"step": "level", "answers": {"a|b": {"level": 1, "loc": [1.0]}}},
        {"step": "level", "answers": {"a|b": {"level": 1, "note": 5}}},
        {"step": "summary", "origin": "somewhere"},
        {"step": "summary", "more": ["x"]},
    ],
)
def test_a_row_that_is_not_a_questionnaire_state_is_refused(row: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        ConversationState.from_json(row)


def test_moves_make_new_states() -> None:
    state = ConversationState.from_json(STORED[2])
    moved = state.at(Step.WHAT)
    answered = state.with_answer("centrum|klotter", Answer(2))
    assert state.to_json() == STORED[2]  # unchanged
    assert moved.step is Step.WHAT and moved.answers is state.answers and moved.key == state.key
    assert list(answered.answers) == ["centrum|hot_vald", "centrum|skadegorelse", "centrum|klotter"]
    assert answered.at(Step.LEVEL, 4, returning=True).to_json()["i"] == 4


_text = st.text(max_size=20)
_answers = st.builds(
    Answer,
    level=st.integers(0, 3),
    place=st.none() | _text,
    note=st.none() | _text,
    loc=st.none() | st.tuples(st.floats(-90, 90), st.floats(-180, 180)),
)
_states = st.builds(
    ConversationState,
    step=st.sampled_from(Step),
    index=st.integers(0, 40),
    answers=st.dictionaries(_text, _answers, max_size=6),
    more=st.none() | _text,
    returning=st.booleans(),
    origin=st.none() | st.sampled_from(Origin),
    key=st.none() | _text,
)


@given(_states)
def test_any_state_survives_the_json_column(state: ConversationState) -> None:
    stored = json.loads(json.dumps(state.to_json()))
    assert ConversationState.from_json(stored) == state
    assert ConversationState.from_json(stored).to_json() == stored
