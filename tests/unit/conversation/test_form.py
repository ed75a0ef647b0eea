"""The web form's driver (`bot/conversation/form.py`) as dialogues: a state and a form in, the state the same
engine reaches out, exactly, with no database."""

from __future__ import annotations

from dataclasses import replace

from bot.conversation.form import FormAnswers, ItemAnswer, KnownPlace, NewPlace, fill, from_state, send
from bot.conversation.questionnaire import Event, Item, Questionnaire, Spec
from bot.domain.conversation_state import Answer, ConversationState, Origin, Step
from bot.domain.factors import DEFAULT_FACTORS

VIOLENCE, DAMAGE, GRAFFITI, DRUGS = DEFAULT_FACTORS[:4]
ITEMS = tuple(Item("centrum", "Centrum", f) for f in (VIOLENCE, DAMAGE, GRAFFITI, DRUGS))
V, D, G, N = (it.key for it in ITEMS)


def spec(**kw: object) -> Spec:
    base = Spec(
        round_id=7,
        week="2026-W47",
        name="Anna",
        lang="sv",
        items=ITEMS,
        threshold=2,
        places={"centrum": ("Stortorget", "Resecentrum")},
        close_text="fre 12:00",
    )
    return replace(base, **kw)  # type: ignore[arg-type]


Q = Questionnaire(spec())


def form(*levels: int | None, more: str = "", **high: ItemAnswer) -> FormAnswers:
    """A form with these levels in order; `high` replaces an item's answer by its factor letter (v, d, g, n)."""
    items = [ItemAnswer(level) for level in levels]
    for letter, answer in high.items():
        items["vdgn".index(letter)] = answer
    return FormAnswers(tuple(items), more)


def chat(state: ConversationState, *codes: str) -> ConversationState:
    """Buttons pressed (or, for "t:<text>", text typed) in the chat, from `state`."""
    for code in codes:
        event = Event("text", code[2:]) if code.startswith("t:") else Event.pressed(f"q7:{code}")
        state = Q.step(state, event).state
    return state


def test_a_new_form_sent_at_once_is_the_chat_s_whole_dialogue() -> None:
    done = fill(Q, ConversationState(), form(0, 3, 1, 0, d=ItemAnswer(3, KnownPlace(0), "Krossade rutor")), send=True)
    assert done.changed and done.submitted and done.missing == ()
    by_chat = chat(ConversationState(), "g:start", "l:0:0", "l:1:3", "p:1:0", "t:Krossade rutor", "l:2:1", "l:3:0")
    by_chat = chat(by_chat, "m:skip", "s:send")
    assert done.state == by_chat
    assert done.state.answers == {
        V: Answer(0),
        D: Answer(3, "Stortorget", "Krossade rutor"),
        G: Answer(1),
        N: Answer(0),
    }
    assert done.state.step is Step.SENT and done.state.origin is Origin.MANUAL


def test_a_state_begun_in_the_chat_at_level_3_is_finished_by_the_form() -> None:
    begun = chat(ConversationState(), "g:start", "l:0:1", "l:1:2", "p:1:1", "w:1:skip", "l:2:0")
    assert (begun.step, begun.index) == (Step.LEVEL, 3)
    shown = from_state(Q, begun)  # the form is prefilled with what the chat stored
    assert shown.items == (ItemAnswer(1), ItemAnswer(2, KnownPlace(1)), ItemAnswer(0), ItemAnswer())
    done = fill(Q, begun, replace(shown, items=(*shown.items[:3], ItemAnswer(1))))
    assert done.changed and not done.submitted and done.missing == ()
    assert done.state == ConversationState(
        Step.SUMMARY,
        3,
        {V: Answer(1), D: Answer(2, "Resecentrum"), G: Answer(0), N: Answer(1)},
        None,
        False,
        Origin.MANUAL,
        N,
    )


def test_a_high_level_with_a_new_place_and_a_note_holding_a_personnummer_is_masked() -> None:
    high = ItemAnswer(3, NewPlace("Hos 19811218-9876 på torget"), "Mannen (811218-9876) hotade vakten")
    done = fill(Q, ConversationState(), form(3, 0, 0, 0, v=high))
    assert done.state.answers[V] == Answer(3, "Hos [personnummer] på torget", "Mannen ([personnummer]) hotade vakten")
    assert "9876" not in str(done.state.to_json())


def test_a_typed_place_that_is_a_known_one_becomes_it() -> None:
    done = fill(Q, ConversationState(), form(0, 0, 2, 0, g=ItemAnswer(2, NewPlace("  stortorget "))))
    assert done.state.answers[G] == Answer(2, "Stortorget")


def test_a_sent_response_changed_by_the_form_is_sent_again_with_only_that_change() -> None:
    sent = fill(Q, ConversationState(), form(0, 3, 1, 0, d=ItemAnswer(3, KnownPlace(0), "Kl 22")), send=True).state
    shown = from_state(Q, sent)
    review = fill(Q, sent, replace(shown, items=(shown.items[0], shown.items[1], ItemAnswer(0), shown.items[3])))
    assert review.changed and not review.submitted and review.state.step is Step.SUMMARY  # back at the summary
    assert review.state.answers == {**sent.answers, G: Answer(0)}
    again = send(Q, review.state)
    assert again.submitted and again.state.step is Step.SENT and again.state.answers == review.state.answers


def test_a_double_submit_changes_nothing() -> None:
    answers = form(0, 3, 1, 0, d=ItemAnswer(3, NewPlace("Torget 070-123 45 67"), "Kl 22"), more="Lugnt")
    first = fill(Q, ConversationState(), answers, send=True)
    assert first.submitted and first.state.answers[D] == Answer(3, "Torget [telefon]", "Kl 22")
    second = fill(Q, first.state, answers, send=True)
    assert not second.changed and not second.submitted and second.state is first.state
    prefilled = fill(Q, first.state, from_state(Q, first.state), send=True)  # the masked text posted back
    assert not prefilled.changed and prefilled.state is first.state


def test_missing_levels_are_named_and_what_was_given_is_kept() -> None:
    done = fill(Q, ConversationState(), form(1, None, 2, None, g=ItemAnswer(2, KnownPlace(0))), send=True)
    assert done.missing == (1, 3) and not done.submitted
    # the answer after the gap is played through the engine and kept; the state waits at the gap
    assert done.state.answers == {V: Answer(1), G: Answer(2, "Stortorget")}
    assert (done.state.step, done.state.index) == (Step.LEVEL, 1)
    whole = fill(Q, done.state, form(None, 0, 2, 0, g=ItemAnswer(2, KnownPlace(0))), send=True)
    assert whole.submitted and whole.missing == ()
    assert whole.state.answers == {V: Answer(1), D: Answer(0), G: Answer(2, "Stortorget"), N: Answer(0)}


def test_quick_paths_nothing_and_same() -> None:
    nothing = fill(Q, ConversationState(), FormAnswers(quick="nothing"))
    assert nothing.state == chat(ConversationState(), "g:nothing")
    assert nothing.state.step is Step.SUMMARY and nothing.state.origin is Origin.NOTHING
    q = Questionnaire(spec(last_week={V: {"level": 3, "place": "Torget", "note": "Kl 22"}, D: {"level": 1}}))
    same = fill(q, ConversationState(), FormAnswers(quick="same"), send=True)
    assert same.submitted and same.state.origin is Origin.SAME
    assert same.state.answers == {V: Answer(3, "Torget"), D: Answer(1), G: Answer(0), N: Answer(0)}
    none = fill(Q, ConversationState(), FormAnswers(quick="same"))  # nothing to copy: the engine says so
    assert not none.changed and none.state.step is Step.GREETING
    assert any("förra veckan" in n for n in none.notices)


def test_nothing_to_report_after_sending_is_a_change_to_all_green() -> None:
    sent = fill(Q, ConversationState(), form(0, 3, 0, 0, d=ItemAnswer(3, None, "")), send=True).state
    done = fill(Q, sent, FormAnswers(quick="nothing"), send=True)
    assert done.submitted and done.state.answers == {V: Answer(0), D: Answer(0), G: Answer(0), N: Answer(0)}


def test_a_note_cut_to_its_length_is_said_once() -> None:
    done = fill(Q, ConversationState(), form(2, 0, 0, 0, v=ItemAnswer(2, None, "x" * 900)))
    note = done.state.answers[V].note
    assert note == "x" * 500 + "…"
    assert [n for n in done.notices if "500" in n] and len(done.notices) == 1
    again = fill(Q, done.state, from_state(Q, done.state))  # the cut note posted back as the page shows it
    assert not again.changed and again.notices == ()


def test_more_is_given_and_changed_at_the_summary() -> None:
    done = fill(Q, ConversationState(), form(0, 0, 0, 0, more="Lugnt"))
    assert done.state.more == "Lugnt" and done.state.step is Step.SUMMARY
    changed = fill(Q, done.state, form(0, 0, 0, 0, more="Oroligt vid stationen"))
    assert changed.changed and changed.state.more == "Oroligt vid stationen"
    assert changed.state.answers == done.state.answers


def test_a_high_level_lowered_drops_its_place_and_note() -> None:
    sent = fill(Q, ConversationState(), form(3, 0, 0, 0, v=ItemAnswer(3, KnownPlace(1), "Kl 22")), send=True).state
    done = fill(Q, sent, form(1, 0, 0, 0, v=ItemAnswer(1, KnownPlace(1), "Kl 22")), send=True)
    assert done.submitted and done.state.answers[V] == Answer(1)


def test_an_unknown_place_index_is_no_place() -> None:
    done = fill(Q, ConversationState(), form(2, 0, 0, 0, v=ItemAnswer(2, KnownPlace(9), "Kl 22")))
    assert done.state.answers[V] == Answer(2, None, "Kl 22")
