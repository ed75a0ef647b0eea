"""The button ids' codec: every typed value written as today's strings (buttons already sent keep working), read
back to the same value, within Telegram's 64 bytes; anything else read as None."""

from __future__ import annotations

import pytest

from bot.conversation.choices import (
    FIELD_VALUES,
    AddMore,
    CandidateFieldChoice,
    Change,
    ChoiceValue,
    Edit,
    FinaliseChoice,
    Greeting,
    LevelBack,
    LevelPick,
    MoreSkip,
    NoteSkip,
    PlaceNew,
    PlacePick,
    PlaceSkip,
    QuestionnaireChoice,
    Send,
    VoteChoice,
    decode,
    encode,
    prefix_round,
    round_prefix,
)
from bot.conversation.questionnaire import Event, Item, Questionnaire, Spec
from bot.domain.conversation_state import ConversationState, Step
from bot.domain.factors import DEFAULT_FACTORS

TODAY = [
    (QuestionnaireChoice(12, Greeting("start")), "q12:g:start"),
    (QuestionnaireChoice(12, Greeting("nothing")), "q12:g:nothing"),
    (QuestionnaireChoice(12, Greeting("same")), "q12:g:same"),
    (QuestionnaireChoice(12, Greeting("later")), "q12:g:later"),
    (QuestionnaireChoice(12, LevelPick(3, 2)), "q12:l:3:2"),
    (QuestionnaireChoice(12, LevelPick(0, 0)), "q12:l:0:0"),
    (QuestionnaireChoice(7, LevelBack(1)), "q7:l:1:back"),
    (QuestionnaireChoice(7, PlacePick(2, 5)), "q7:p:2:5"),
    (QuestionnaireChoice(7, PlacePick(0, 0)), "q7:p:0:0"),
    (QuestionnaireChoice(7, PlaceNew(0)), "q7:p:0:new"),
    (QuestionnaireChoice(7, PlaceSkip(11)), "q7:p:11:skip"),
    (QuestionnaireChoice(7, NoteSkip(4)), "q7:w:4:skip"),
    (QuestionnaireChoice(7, MoreSkip()), "q7:m:skip"),
    (QuestionnaireChoice(7, Send()), "q7:s:send"),
    (QuestionnaireChoice(7, AddMore()), "q7:s:more"),
    (QuestionnaireChoice(2147483647, Change(11)), "q2147483647:s:c:11"),
    (QuestionnaireChoice(3, Edit()), "q3:x:edit"),
    (VoteChoice(5, True), "c5:v"),
    (VoteChoice(5, False), "c5:u"),
    (CandidateFieldChoice(5, "action_type", "presence"), "c5:a:presence"),
    (CandidateFieldChoice(5, "responsible", "municipality"), "c5:r:municipality"),
    (CandidateFieldChoice(5, "timeframe", "next_week"), "c5:t:next_week"),
    (FinaliseChoice(9), "f9"),
]


@pytest.mark.parametrize(("value", "text"), TODAY)
def test_values_are_written_as_today_and_read_back(value: ChoiceValue, text: str) -> None:
    assert encode(value) == text
    assert decode(text) == value


def test_every_setting_of_a_candidate_round_trips() -> None:
    for field, values in FIELD_VALUES.items():
        for v in values:
            value = CandidateFieldChoice(2147483647, field, v)
            text = encode(value)
            assert decode(text) == value
            assert len(text.encode()) <= 64


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "q",
        "q12",  # no step code
        "qx:g:start",
        "q012:g:start",  # not as encode writes it
        "q0:g:start",
        "q2147483648:g:start",  # beyond a 32-bit key
        "q-1:g:start",
        "q１２:g:start",  # digits, but not ASCII
        "f",
        "f12:x",
        "fabc",
        "c",
        "c5",
        "c5:",
        "c5:x",
        "c5:v:extra",
        "c5:a:no-such-type",
        "c5:z:next_week",
        "c5:t:presence",  # a value of another setting
        "cx:v",
        "q12:",  # a questionnaire's prefix, not a button
        "q12:g",
        "q12:g:soon",
        "q12:g:start:extra",
        "q12:l:3",
        "q12:l:03:2",  # a position not as encode writes it
        "q12:l:3:+2",
        "q12:l:-1:2",
        "q12:l:３:2",
        "q12:l:3:2:1",
        "q12:p:0:",
        "q12:p:0:old",
        "q12:w:0:new",
        "q12:w:0",
        "q12:m:more",
        "q12:s:c",
        "q12:s:c:x",
        "q12:s:sent",
        "q12:x:edit:1",
        "q12:z:1",
        "a",
        "est:0:1",
    ],
)
def test_anything_else_is_none(junk: str) -> None:
    assert decode(junk) is None


def test_the_round_prefix_of_the_where_form_is_read_back() -> None:
    assert round_prefix(12) == "q12:" and prefix_round("q12:") == 12
    for junk in ("q12", "q012:", "q:", "12:", "q12:g:start", "f12:"):
        assert prefix_round(junk) is None, junk


def test_a_value_too_long_for_a_callback_is_refused() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        encode(QuestionnaireChoice(1, PlacePick(10**30, 10**30)))


def test_the_questionnaire_builds_its_buttons_with_it() -> None:
    spec = Spec(4, "2026-W47", "Anna", "sv", (Item("A", "Centrum", DEFAULT_FACTORS[0]),), 2, {"A": ()})
    out = Questionnaire(spec).step(ConversationState(), Event("show")).out[0]
    assert [decode(c.id) for c in out.all_choices()][:2] == [
        QuestionnaireChoice(4, Greeting("start")),
        QuestionnaireChoice(4, Greeting("nothing")),
    ]
    started = Questionnaire(spec).step(ConversationState(), Event.pressed("q4:g:start"))
    assert started.changed and started.state.step == Step.LEVEL
    for other in ("q5:g:start", "q04:g:start", "q4g:start"):  # another round's, or not as written
        assert not Questionnaire(spec).step(ConversationState(), Event.pressed(other)).changed
