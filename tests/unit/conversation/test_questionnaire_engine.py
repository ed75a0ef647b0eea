"""The questionnaire engine on its own: a `Spec`, a typed `ConversationState` and events, no database.

The transcripts in tests/integration/usecases/test_questionnaire.py run the same engine through the use cases and
storage; these
check the moves and what they store, step by step, in milliseconds.
"""

from __future__ import annotations

from dataclasses import replace

from bot.conversation.messages import Outbound
from bot.conversation.questionnaire import Event, Item, Questionnaire, Result, Spec
from bot.domain.conversation_state import Answer, ConversationState, Origin, Step
from bot.domain.factors import DEFAULT_FACTORS

VIOLENCE, DAMAGE, GRAFFITI = DEFAULT_FACTORS[:3]
ITEMS = (Item("centrum", "Centrum", VIOLENCE), Item("centrum", "Centrum", DAMAGE), Item("centrum", "Centrum", GRAFFITI))
V, D, G = (it.key for it in ITEMS)


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
        located={"centrum": (("Stortorget", 59.3345, 18.0632),)},
        snap_m=150.0,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


ENGINE = Questionnaire(spec())


def choose(state: ConversationState, code: str, engine: Questionnaire = ENGINE) -> Result:
    return engine.step(state, Event.pressed(f"q7:{code}"))


def typed(state: ConversationState, text: str, engine: Questionnaire = ENGINE) -> Result:
    return engine.step(state, Event("text", text))


def texts(out: list[Outbound]) -> str:
    return "\n".join(o.text for o in out)


def test_the_greeting_for_a_new_state() -> None:
    r = ENGINE.step(ConversationState(), Event("show"))
    assert not r.changed and r.state.step is Step.GREETING
    q = r.out[0]
    assert q.text.startswith("Hej Anna!") and q.ref == "q:7" and q.data["step"] == "greeting"
    assert [c.id for c in q.all_choices()] == ["q7:g:start", "q7:g:nothing", "q7:g:later"]  # no last week


def test_the_greeting_names_a_reporters_areas_as_a_list_is_written() -> None:
    """Two or three areas read "Hamnen och Centrum", "Hamnen, Norr och Centrum" (was "Hamnen, Centrum")."""
    for names, sv, en in (
        (("Centrum",), "i Centrum?", "in Centrum?"),
        (("Hamnen", "Centrum"), "i Hamnen och Centrum?", "in Hamnen and Centrum?"),
        (("Hamnen", "Norr", "Centrum"), "i Hamnen, Norr och Centrum?", "in Hamnen, Norr and Centrum?"),
    ):
        items = tuple(Item(n.lower(), n, f) for n in names for f in (VIOLENCE, DAMAGE))
        for lang, said in (("sv", sv), ("en", en)):
            engine = Questionnaire(spec(items=items, lang=lang))
            assert said in engine.step(ConversationState(), Event("show")).out[0].text


def test_a_whole_questionnaire_and_what_it_stores() -> None:
    s = choose(ConversationState(), "g:start").state
    assert s == ConversationState(Step.LEVEL, 0, {}, None, False, Origin.MANUAL, V)
    r = choose(s, "l:0:0")
    assert r.changed and "Fråga 2 av 3" in texts(r.out)
    r = choose(r.state, "l:1:3")
    assert r.state.step is Step.WHERE and r.state.key == D and r.out[-1].data["places"] == ["Stortorget", "Resecentrum"]
    r = choose(r.state, "p:1:0")
    assert r.state.step is Step.WHAT and r.state.answers[D] == Answer(3, "Stortorget")
    r = typed(r.state, "Krossade rutor, ring 070-123 45 67")
    assert r.state.answers[D] == Answer(3, "Stortorget", "Krossade rutor, ring [telefon]")  # masked
    r = choose(r.state, "l:2:1")
    assert r.state.step is Step.MORE
    r = typed(r.state, "Lugnt i övrigt")
    assert r.state.step is Step.SUMMARY and r.state.more == "Lugnt i övrigt"
    assert "Skadegörelse: Allvarligt / eskalerande – Stortorget (Krossade rutor, ring [telefon])" in r.out[-1].text
    assert r.out[-1].data["complete"] is True
    sent = choose(r.state, "s:send")
    assert sent.submitted and sent.changed and sent.out == [] and sent.state.step is Step.SENT
    assert sent.state.to_json() == {
        "step": "sent",
        "i": 2,
        "answers": {
            V: {"level": 0},
            D: {"level": 3, "place": "Stortorget", "note": "Krossade rutor, ring [telefon]"},
            G: {"level": 1},
        },
        "more": "Lugnt i övrigt",
        "ret": False,
        "origin": "manual",
        "k": G,
    }
    assert choose(sent.state, "x:edit").state.step is Step.SUMMARY


def test_nothing_to_report_and_same_as_last_week() -> None:
    nothing = choose(ConversationState(), "g:nothing")
    assert nothing.state.origin is Origin.NOTHING and nothing.state.step is Step.SUMMARY
    assert nothing.state.answers == {V: Answer(0), D: Answer(0), G: Answer(0)}
    engine = Questionnaire(spec(last_week={V: {"level": 3, "place": "Torget", "note": "Kl 22"}, D: {"level": 2}}))
    same = choose(ConversationState(), "g:same", engine)
    assert same.state.origin is Origin.SAME
    assert same.state.answers == {V: Answer(3, "Torget"), D: Answer(2), G: Answer(0)}  # no note copied
    none = choose(ConversationState(), "g:same")  # nothing to copy
    assert (
        not none.changed
        and none.state.step is Step.GREETING
        and not none.state.answers
        and "förra veckan" in texts(none.out)
    )


def test_snooze_changes_nothing_but_asks_for_it() -> None:
    r = choose(ConversationState(), "g:later")
    assert r.snooze and r.changed and r.out == [] and r.state.step is Step.GREETING


def test_the_input_state_is_never_changed() -> None:
    s = choose(choose(ConversationState(), "g:start").state, "l:0:3").state
    before = s.to_json()
    for code in ("p:0:0", "p:0:skip", "p:0:new", "l:0:1", "s:send", "junk"):
        choose(s, code)
    typed(s, "Ny plats")
    ENGINE.step(s, Event("location", location=(59.3345, 18.0632)))
    assert s.to_json() == before


def test_a_double_press_or_an_old_button() -> None:
    s = choose(choose(ConversationState(), "g:start").state, "l:0:1").state
    again = choose(s, "l:0:1")
    assert again.out == [] and not again.changed  # the same answer again: nothing to say
    other = choose(s, "l:0:2")
    assert "redan besvarad" in texts(other.out) and not other.changed and other.state == s
    foreign = ENGINE.step(s, Event.pressed("q8:l:1:0"))  # another week's button
    assert "redan besvarad" in texts(foreign.out) and not foreign.changed


def test_back_and_change_from_the_summary() -> None:
    s = choose(choose(ConversationState(), "g:start").state, "l:0:0").state
    back = choose(s, "l:1:back")
    assert back.state.index == 0 and back.state.key == V and back.state.step is Step.LEVEL
    summary = choose(ConversationState(), "g:nothing").state
    change = choose(summary, "s:c:1")
    assert change.state.returning and change.state.index == 1
    assert all(c.id != "q7:l:1:back" for c in change.out[-1].all_choices())  # no back from the summary
    done = choose(change.state, "l:1:1")
    assert done.state.step is Step.SUMMARY and not done.state.returning and done.state.answers[D] == Answer(1)


def test_a_level_changed_at_or_above_the_threshold_keeps_where_and_what() -> None:
    s = ConversationState(Step.SUMMARY, 0, {V: Answer(3, "Torget", "Kl 22"), D: Answer(0), G: Answer(0)})
    again = choose(choose(s, "s:c:0").state, "l:0:2")
    assert again.state.answers[V] == Answer(2, "Torget", "Kl 22") and again.state.step is Step.WHERE
    lower = choose(choose(s, "s:c:0").state, "l:0:1")
    assert lower.state.answers[V] == Answer(1) and lower.state.step is Step.SUMMARY


def test_send_with_an_answer_missing_goes_to_it() -> None:
    s = ConversationState(Step.SUMMARY, 2, {V: Answer(0), G: Answer(0)}, origin=Origin.NOTHING)
    r = choose(s, "s:send")
    assert not r.submitted and r.changed and "saknar svar" in texts(r.out)
    assert (r.state.step, r.state.index, r.state.returning, r.state.key) == (Step.LEVEL, 1, True, D)


def test_places_typed_chosen_located_and_skipped() -> None:
    at_where = ConversationState(Step.WHERE, 0, {V: Answer(3)}, key=V)
    assert typed(at_where, "stortorget").state.answers[V] == Answer(3, "Stortorget")  # the known spelling
    assert typed(at_where, "  ").out[-1].data["step"] == "where"  # nothing typed: asked again
    long = typed(at_where, "x" * 150)
    assert "kortats till 100" in texts(long.out) and len(long.state.answers[V].place or "") <= 101
    near = ENGINE.step(at_where, Event("location", location=(59.3346, 18.0633)))
    assert near.state.answers[V] == Answer(3, "Stortorget")
    far = ENGINE.step(at_where, Event("location", location=(59.40123, 18.10987)))
    assert far.state.answers[V] == Answer(3, "Delad position 59.401, 18.110", loc=(59.401, 18.11))
    assert far.state.to_json()["answers"] == {
        V: {"level": 3, "place": "Delad position 59.401, 18.110", "loc": [59.401, 18.11]}
    }
    skipped = choose(replace(far.state, step=Step.WHERE), "p:0:skip")
    assert skipped.state.answers[V] == Answer(3) and skipped.state.step is Step.WHAT
    assert choose(at_where, "p:0:new").out[-1].data["typing_place"] is True
    elsewhere = ENGINE.step(ConversationState(), Event("location", location=(59.0, 18.0)))
    assert not elsewhere.changed and "position" in texts(elsewhere.out).lower()


def test_what_happened_typed_or_skipped() -> None:
    at_what = ConversationState(Step.WHAT, 0, {V: Answer(3, "Torget", "Gammal")}, key=V)
    assert typed(at_what, "Ny text").state.answers[V].note == "Ny text"
    assert typed(at_what, " \n ").state.answers[V].note == "Gammal"  # nothing typed keeps the note
    assert choose(at_what, "w:0:skip").state.answers[V].note is None
    assert choose(at_what, "w:0:skip").state.step is Step.LEVEL


def test_a_stored_state_fits_todays_items() -> None:
    """Saved under other items: the position follows the item key, a removed item's answer goes."""
    stored = ConversationState.from_json(
        {"step": "where", "i": 1, "answers": {V: {"level": 0}, D: {"level": 3}, "norr|brand": {"level": 1}},
         "more": None, "ret": False, "origin": "manual", "k": D}
    )  # fmt: skip
    reordered = Questionnaire(spec(items=(ITEMS[1], ITEMS[0], ITEMS[2])))
    r = reordered.step(stored, Event("show"))
    assert (r.state.step, r.state.index, r.state.key) == (Step.WHERE, 0, D)
    assert set(r.state.answers) == {V, D}
    removed = Questionnaire(spec(items=(ITEMS[0], ITEMS[2])))
    r = removed.step(stored, Event("show"))
    assert (r.state.step, r.state.index, r.state.key) == (Step.LEVEL, 1, G)  # the first unanswered item


def test_an_old_state_without_an_item_key_resumes_at_its_index() -> None:
    old = ConversationState.from_json({"step": "level", "i": 2, "answers": {V: {"level": 0}, D: {"level": 1}}})
    r = ENGINE.step(old, Event("show"))
    assert r.state.index == 2 and "Fråga 3 av 3" in r.out[0].text and r.state.key == G


def test_the_summary_lines() -> None:
    s = ConversationState(Step.SUMMARY, 0, {V: Answer(3, "Torget", "n" * 100), D: Answer(0)}, more="m" * 250)
    lines = ENGINE.summary_lines(s)
    assert lines[0].startswith("🔴 Hot och våld: ") and lines[0].endswith("n…)") and len(lines[0]) < 140
    assert lines[2] == "⚪ Klotter: –"  # not answered
    assert lines[-1].endswith("…") and len(lines) == 4
