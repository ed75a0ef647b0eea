"""The questionnaire as transcripts: what a reporter sends, what the bot answers, what is stored."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import create_engine, select, update

from bot.conversation.messages import Outbound
from bot.domain.cycle import RoundKey
from storage.models import AccountRow, ResponseRow
from tests.conftest import TUE_OPEN, Bot


def texts(out: list[Outbound]) -> str:
    return "\n".join(o.text for o in out)


def open_week(bot: Bot) -> None:
    bot.tick()  # Tuesday 08:00: the questionnaire goes out


def stored(bot: Bot, who: str, week: RoundKey = RoundKey(2026, 47)) -> dict[str, Any]:
    with bot.app.services.unit() as uow:
        person = uow.people.person_by_account("console", who)
        assert person is not None
        rnd = uow.rounds.get_round("tbg", week)
        assert rnd is not None
        resp = uow.rounds.get_response(rnd.id, person.id)
        assert resp is not None
        pic = uow.rounds.picture_input("tbg", "x", rnd, [], 2, bot.clock.now())
        reports = [r for r in pic.reports if r.reporter_id == person.id]
        return {
            "status": resp.status,
            "late": resp.late,
            "state": resp.state.to_json(),
            "reports": reports,
            "notes": pic.notes,
        }


def answer_all(bot: Bot, who: str, levels: dict[int, int], place: str = "Stortorget", note: str = "Kl 22") -> None:
    bot.answer_levels(who, levels, place, note)


def test_greeting_goes_out_on_tuesday_with_quick_paths(bot: Bot) -> None:
    open_week(bot)
    greeting = bot.last_question("anna")
    assert "Hej Anna!" in greeting.text and "2026-W47" in greeting.text and "Centrum" in greeting.text
    labels = [c.label for c in greeting.all_choices()]
    assert labels == ["▶️ Börja", "🟢 Inget att rapportera", "⏰ Påminn mig senare"]  # no last week yet
    assert bot.last_question("cecilia").text.startswith("Hi Cecilia!")  # English reporter
    assert bot.sender.to("sara") == []  # coordinator without areas gets no questionnaire


def test_full_questionnaire_with_a_place_and_a_note(bot: Bot) -> None:
    open_week(bot)
    out = bot.press("anna", "Börja")
    assert "Fråga 1 av 12" in texts(out) and "Hot och våld" in texts(out)
    out = bot.press("anna", ":l:0:0")
    assert "Fråga 2 av 12" in texts(out)
    out = bot.press("anna", ":l:1:3")  # skadegörelse: serious
    assert "Var?" in texts(out)
    assert [c.label for c in out[-1].all_choices()][:2] == ["Stortorget", "Resecentrum"]
    out = bot.press("anna", "Stortorget")
    assert "Vad hände" in texts(out)
    out = bot.text("anna", "Krossade rutor, ring 070-123 45 67 eller mejla a.b@exempel.se. Pnr 19850101-1234")
    assert "Fråga 3 av 12" in texts(out)
    answer_all(bot, "anna", {})
    out = bot.text("anna", "Lugnt annars.")
    summary = out[-1]
    assert summary.data["step"] == "summary"
    assert "🔴 Skadegörelse: Allvarligt / eskalerande – Stortorget" in summary.text
    assert "070-123" not in summary.text and "[telefon]" in summary.text
    out = bot.press("anna", "Skicka")
    assert "Tack! Din rapport för 2026-W47 är skickad" in texts(out)
    s = stored(bot, "anna")
    assert s["status"] == "submitted" and not s["late"]
    assert len(s["reports"]) == 12
    serious = [r for r in s["reports"] if r.level == 3]
    assert [(r.factor, r.place) for r in serious] == [("skadegorelse", "Stortorget")]
    assert serious[0].note == "Krossade rutor, ring [telefon] eller mejla [e-post]. Pnr [personnummer]"
    assert any(n.text == "Lugnt annars." for n in s["notes"])


def test_nothing_to_report_is_two_taps(bot: Bot) -> None:
    open_week(bot)
    out = bot.press("anna", "Inget att rapportera")
    assert "Allt är grönt" in texts(out)
    bot.press("anna", "Skicka")
    assert [r.level for r in stored(bot, "anna")["reports"]] == [0] * 12


def test_same_as_last_week_copies_levels_and_places_then_confirms(bot: Bot) -> None:
    open_week(bot)
    bot.press("anna", "Börja")
    answer_all(bot, "anna", {2: 2}, place="Ny plats vid kiosken", note="Klotter på väggen")
    bot.press("anna", "Nej tack")
    bot.press("anna", "Skicka")
    # next week
    bot.clock.set(TUE_OPEN.replace(day=24))
    bot.tick()
    greeting = bot.last_question("anna")
    assert "🔁 Som förra veckan" in [c.label for c in greeting.all_choices()]
    out = bot.press("anna", "Som förra veckan")
    assert "Dina svar från förra veckan är ifyllda" in texts(out)
    assert "🟠 Klotter: Återkommande – Ny plats vid kiosken" in out[-1].text
    assert "Klotter på väggen" not in out[-1].text  # notes are not copied
    bot.press("anna", "Skicka")
    s = stored(bot, "anna", RoundKey(2026, 48))
    # the typed place waits for a coordinator before a picture names it
    assert [(r.factor, r.level, r.place) for r in s["reports"] if r.level] == [("klotter", 2, None)]
    waiting = next(line for line in texts(bot.cmd("sara", "granska")).splitlines() if "Ny plats vid kiosken" in line)
    assert "är godkänd" in texts(bot.cmd("sara", f"granska godkänn {waiting.split()[0]}"))
    s = stored(bot, "anna", RoundKey(2026, 48))
    assert [(r.factor, r.level, r.place) for r in s["reports"] if r.level] == [("klotter", 2, "Ny plats vid kiosken")]


def test_same_as_last_week_without_last_week_is_refused_kindly(bot: Bot) -> None:
    open_week(bot)
    q = bot.last_question("anna")
    out = bot.say("anna", "choice", choice=q.all_choices()[0].id.replace("g:start", "g:same"))
    assert "ingen skickad rapport från förra veckan" in texts(out)


def test_change_an_answer_from_the_summary_and_after_sending(bot: Bot) -> None:
    open_week(bot)
    bot.press("anna", "Inget att rapportera")
    out = bot.press("anna", "Narkotika")  # change button on the summary
    assert "Narkotika" in texts(out) and out[-1].data["step"] == "level"
    assert "Tillbaka" not in [c.label for c in out[-1].all_choices()]
    bot.press("anna", ":l:5:2")
    bot.press("anna", "Resecentrum")
    out = bot.press("anna", "Hoppa över")
    assert out[-1].data["step"] == "summary"  # back to the summary, not to question 7
    bot.press("anna", "Skicka")
    out = bot.press("anna", "Ändra svar")
    assert out[-1].data["step"] == "summary"
    bot.press("anna", "Narkotika")
    bot.press("anna", ":l:5:0")
    bot.press("anna", "Skicka")
    s = stored(bot, "anna")
    assert [r.level for r in s["reports"]] == [0] * 12


def test_double_click_changes_nothing_and_says_nothing(bot: Bot) -> None:
    open_week(bot)
    bot.press("anna", "Börja")
    q = bot.last_question("anna")
    choice = q.all_choices()[1].id  # level 1 on question 1
    bot.say("anna", "choice", choice=choice)
    before = stored(bot, "anna")["state"]
    out = bot.say("anna", "choice", choice=choice)
    assert out == []
    assert stored(bot, "anna")["state"] == before


def test_a_different_old_button_is_explained(bot: Bot) -> None:
    open_week(bot)
    bot.press("anna", "Börja")
    first = bot.last_question("anna").all_choices()
    bot.say("anna", "choice", choice=first[0].id)
    out = bot.say("anna", "choice", choice=first[3].id)  # a different level for the answered question
    assert "redan besvarad" in texts(out)
    assert stored(bot, "anna")["state"]["answers"]["centrum|hot_vald"] == {"level": 0}


def test_back_button_returns_to_previous_question(bot: Bot) -> None:
    open_week(bot)
    bot.press("anna", "Börja")
    bot.press("anna", ":l:0:1")
    out = bot.press("anna", "Tillbaka")
    assert "Fråga 1 av 12" in texts(out)


def test_text_when_a_button_is_expected_gets_a_hint(bot: Bot) -> None:
    open_week(bot)
    bot.press("anna", "Börja")
    out = bot.text("anna", "hej")
    assert "Välj ett av alternativen" in texts(out) and "Fråga 1 av 12" in texts(out)


def test_shared_location_becomes_the_place(bot: Bot) -> None:
    open_week(bot)
    bot.press("anna", "Börja")
    bot.press("anna", ":l:0:2")
    out = bot.say("anna", "location", location=(55.37501, 13.15702))
    assert "Vad hände" in texts(out)
    bot.press("anna", "Hoppa över")
    answer_all(bot, "anna", {})
    bot.press("anna", "Nej tack")
    bot.press("anna", "Skicka")
    rep = [r for r in stored(bot, "anna")["reports"] if r.level == 2]
    assert rep[0].place is None  # a shared location waits for a coordinator, like a typed place
    with bot.app.services.unit() as uow:
        (waiting,) = uow.groups.places_for_review("tbg")
    assert waiting.name == "Delad position 55.375, 13.157"  # about 100 m, never the raw fix


def test_several_areas_are_asked_per_area(bot: Bot) -> None:
    open_week(bot)
    out = bot.press("bo", "Börja")
    assert "Centrum · Fråga 1 av 24" in texts(out)
    for _ in range(12):
        bot.press("bo", ":0")
    out = bot.flush("bo")
    q = bot.last_question("bo")
    assert q.text.startswith("Norr · Fråga 13 av 24")


def test_remind_me_later_comes_back_after_the_snooze(bot: Bot) -> None:
    open_week(bot)
    out = bot.press("anna", "Påminn mig senare")
    assert "påminner dig igen" in texts(out)
    bot.tick()
    assert bot.flush("anna") == []
    bot.clock.advance(__import__("datetime").timedelta(hours=3, minutes=1))
    bot.tick()
    again = bot.flush("anna")
    assert again and again[-1].data["step"] == "greeting"
    bot.tick()
    assert bot.flush("anna") == []  # only once


def test_long_text_is_cut_with_a_notice(bot: Bot) -> None:
    open_week(bot)
    bot.press("anna", "Börja")
    bot.press("anna", ":l:0:2")
    bot.press("anna", "Stortorget")
    out = bot.text("anna", "x" * 10_000)
    assert "kortats till 500 tecken" in texts(out)


def test_answers_after_close_are_taken_and_marked_late(bot: Bot) -> None:
    open_week(bot)
    bot.clock.set(TUE_OPEN.replace(day=19, hour=7, minute=1))  # Thursday 08:01
    bot.tick()
    bot.press("anna", "Inget att rapportera")
    out = bot.press("anna", "Skicka")
    assert "markerad som sen" in texts(out)
    assert stored(bot, "anna")["late"] is True


def test_sent_answers_cannot_change_after_close(bot: Bot) -> None:
    open_week(bot)
    bot.press("anna", "Inget att rapportera")
    bot.press("anna", "Skicka")
    bot.clock.set(TUE_OPEN.replace(day=19, hour=7, minute=1))
    bot.tick()
    out = bot.press("anna", "Ändra svar")
    assert "kan inte längre ändras" in texts(out)


def test_unknown_user_gets_a_clear_answer_and_nothing_is_stored(bot: Bot) -> None:
    out = bot.text("stranger", "hej")
    assert "känner inte igen dig" in texts(out) and "don't know you" in texts(out)
    with bot.app.services.unit() as uow:
        assert uow.people.person_by_account("console", "stranger") is None


def test_restart_in_the_middle_resumes_exactly_there(bot: Bot) -> None:
    open_week(bot)
    bot.press("anna", "Börja")
    for _ in range(4):
        bot.press("anna", ":0")
    bot.press("anna", ":l:4:2")
    bot.press("anna", "Stortorget")  # now at "what" for question 5
    b2 = bot.restart()  # a new process over the same database file
    out = b2.cmd("anna", "rapport")
    assert out[-1].data["step"] == "what" and "Vad hände" in out[-1].text
    b2.text("anna", "Brand i papperskorg")
    q = b2.last_question("anna")
    assert "Fråga 6 av 12" in q.text  # nothing asked twice
    answer_all(b2, "anna", {})
    b2.press("anna", "Nej tack")
    b2.press("anna", "Skicka")
    # a double send after another restart stores nothing twice
    b3 = b2.restart()
    b3.cmd("anna", "rapport")
    reports = stored(b3, "anna")["reports"]
    assert len(reports) == 12
    assert [(r.factor, r.level, r.place, r.note) for r in reports if r.level] == [
        ("brand", 2, "Stortorget", "Brand i papperskorg")
    ]
    b3.app.close()


def test_language_switch(bot: Bot) -> None:
    out = bot.cmd("anna", "språk en")
    assert "English from now on" in texts(out)
    open_week(bot)
    assert bot.last_question("anna").text.startswith("Hi Anna!")


def _with_areas(bot: Bot, who_name: str, areas: list[str]) -> Bot:
    """Restart with a configuration in which one reporter covers other areas."""
    from bot.bootstrap import build
    from tests.conftest import RecordingSender, group_dict, make_config

    g = group_dict()
    for r in g["reporters"]:
        if r["name"] == who_name:
            r["areas"] = areas
    bot.app.close()
    sender = RecordingSender()
    app = build(make_config(bot.url, reporters=g["reporters"]), clock=bot.clock, senders={"console": sender})
    return Bot(app, bot.clock, sender, bot.url)


def test_areas_reordered_mid_questionnaire_resume_at_the_same_question(bot: Bot) -> None:
    open_week(bot)
    bot.press("bo", "Börja")
    for _ in range(14):
        bot.press("bo", ":0")  # all of centrum and two of norr
    b2 = _with_areas(bot, "Bo Berg", ["norr", "centrum"])
    out = b2.cmd("bo", "rapport")
    assert out[-1].text.startswith("Norr · Fråga 3 av 24")  # norr's third factor, now item 3
    b2.app.close()


def test_area_removed_mid_questionnaire_continues_and_cannot_send_unanswered(bot: Bot) -> None:
    open_week(bot)
    bot.press("bo", "Börja")
    for _ in range(15):
        bot.press("bo", ":0")  # at norr item 15 of 24
    b2 = _with_areas(bot, "Bo Berg", ["norr"])
    out = b2.cmd("bo", "rapport")
    assert out[-1].text.startswith("Fråga 4 av 12")  # the first norr question not answered yet
    b2.app.close()


def test_send_with_missing_answers_goes_to_the_first_missing(bot: Bot) -> None:
    open_week(bot)
    bot.press("bo", "Inget att rapportera")
    b2 = bot
    # forge a Send from a state where one answer is missing
    with b2.app.services.unit() as uow:
        person = uow.people.person_by_account("console", "bo")
        assert person is not None
        rnd = uow.rounds.get_round("tbg", RoundKey(2026, 47))
        assert rnd is not None
        resp = uow.rounds.get_response(rnd.id, person.id)
        assert resp is not None
        state = replace(resp.state, answers={k: v for k, v in resp.state.answers.items() if k != "norr|brand"})
        uow.rounds.save_response(resp.id, resp.version, state, "in_progress", None, False, None, b2.clock.now())
        uow.commit()
    out = b2.press("bo", "Skicka")
    assert "saknar svar" in texts(out) and "Norr · Fråga 17 av 24" in out[-1].text
    assert stored(b2, "bo")["status"] == "in_progress"


def test_wake_up_after_snooze_is_a_new_message_that_notifies(bot: Bot) -> None:
    from datetime import timedelta

    open_week(bot)
    bot.press("anna", "Påminn mig senare")
    bot.clock.advance(timedelta(hours=3, minutes=1))
    bot.tick()
    sent = [(o, mid) for item, o, mid in bot.sender.sent if item.address == "anna"]
    wake, prompt = sent[-2], sent[-1]
    assert wake[0].kind == "reminder" and "som du bad om" in wake[0].text
    assert prompt[0].fresh and prompt[1] is None  # posted anew (no message to edit), so the phone notifies


def test_a_row_saved_before_the_state_was_typed_resumes(bot: Bot) -> None:
    """A `responses.state` written by an older version (no item key "k", no "ret" or "origin") is read as it is
    in the database and the reporter goes on from it; the next save writes today's shape."""
    open_week(bot)
    bot.press("anna", "Börja")
    bot.press("anna", ":l:0:0")
    answers = {"centrum|hot_vald": {"level": 0}, "centrum|skadegorelse": {"level": 1}}
    old = {"step": "level", "i": 2, "answers": answers}
    engine = create_engine(bot.url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.begin() as c:
            c.execute(
                update(ResponseRow)
                .where(
                    ResponseRow.person_id
                    == select(AccountRow.person_id).where(AccountRow.external_id == "anna").scalar_subquery()
                )
                .values(state=old)
            )
    finally:
        engine.dispose()
    rid = bot.last_question("anna").data["round_id"]
    out = bot.say("anna", "choice", choice=f"q{rid}:l:2:1")
    assert "Fråga 4 av 12" in texts(out)
    state = stored(bot, "anna")["state"]
    assert state == {
        "step": "level",
        "i": 3,
        "answers": {**answers, "centrum|klotter": {"level": 1}},
        "more": None,
        "ret": False,
        "origin": None,
        "k": "centrum|nedskrapning",
    }
