"""The questionnaire as transcripts over in-memory storage: what a reporter sends, what the bot answers, what is
kept. No database: each test runs in milliseconds."""

from __future__ import annotations

from bot.conversation.messages import Inbound, Outbound
from bot.domain.cycle import RoundKey
from bot.domain.picture import Report
from standins.config import TUE_OPEN
from tests.unit.fakes.bot import FakeBot

W47 = RoundKey(2026, 47)


def texts(out: list[Outbound]) -> str:
    return "\n".join(o.text for o in out)


def reports(bot: FakeBot, who: str, week: RoundKey = W47) -> tuple[str, list[Report]]:
    """The reporter's response status and the reports the picture would count of them."""
    with bot.unit() as uow:
        person = uow.people.person_by_account("console", who)
        rnd = uow.rounds.get_round("tbg", week)
        assert person is not None and rnd is not None
        resp = uow.rounds.get_response(rnd.id, person.id)
        assert resp is not None
        pic = uow.rounds.picture_input("tbg", "x", rnd, [], 2, bot.clock.now())
        return resp.status, [r for r in pic.reports if r.reporter_id == person.id]


def test_the_greeting_goes_out_on_tuesday_with_quick_paths(fake_bot: FakeBot) -> None:
    fake_bot.tick()  # Tuesday 08:00: the questionnaire goes out
    greeting = fake_bot.last_question("anna")
    assert "Hej Anna!" in greeting.text and "2026-W47" in greeting.text and "Centrum" in greeting.text
    assert [c.label for c in greeting.all_choices()] == ["▶️ Börja", "🟢 Inget att rapportera", "⏰ Påminn mig senare"]
    assert fake_bot.last_question("cecilia").text.startswith("Hi Cecilia!")
    assert fake_bot.sender.to("sara") == []  # a coordinator without areas gets no questionnaire


def test_levels_a_place_a_note_the_summary_and_send(fake_bot: FakeBot) -> None:
    fake_bot.tick()
    out = fake_bot.press("anna", "Börja")
    assert "Fråga 1 av 12" in texts(out) and "Hot och våld" in texts(out)
    assert "Fråga 2 av 12" in texts(fake_bot.press("anna", ":l:0:0"))
    out = fake_bot.press("anna", ":l:1:3")  # skadegörelse: serious
    assert "Var?" in texts(out)
    assert [c.label for c in out[-1].all_choices()][:2] == ["Stortorget", "Resecentrum"]
    assert "Vad hände" in texts(fake_bot.press("anna", "Stortorget"))
    out = fake_bot.text("anna", "Krossade rutor, ring 070-123 45 67")
    assert "Fråga 3 av 12" in texts(out)
    fake_bot.answer_levels("anna", {})
    summary = fake_bot.text("anna", "Lugnt annars.")[-1]
    assert summary.data["step"] == "summary"
    assert "🔴 Skadegörelse: Allvarligt / eskalerande – Stortorget" in summary.text
    assert "070-123" not in summary.text and "[telefon]" in summary.text
    assert "Tack! Din rapport för 2026-W47 är skickad" in texts(fake_bot.press("anna", "Skicka"))
    status, sent = reports(fake_bot, "anna")
    assert status == "submitted" and len(sent) == 12
    assert [(r.factor, r.level, r.place, r.note) for r in sent if r.level] == [
        ("skadegorelse", 3, "Stortorget", "Krossade rutor, ring [telefon]")
    ]


def test_nothing_to_report_is_two_taps(fake_bot: FakeBot) -> None:
    fake_bot.tick()
    assert "Allt är grönt" in texts(fake_bot.press("anna", "Inget att rapportera"))
    fake_bot.press("anna", "Skicka")
    assert [r.level for r in reports(fake_bot, "anna")[1]] == [0] * 12


def test_change_an_answer_from_the_summary_and_after_sending(fake_bot: FakeBot) -> None:
    fake_bot.tick()
    fake_bot.press("anna", "Inget att rapportera")
    out = fake_bot.press("anna", "Narkotika")  # the change button on the summary
    assert "Narkotika" in texts(out) and out[-1].data["step"] == "level"
    fake_bot.press("anna", ":l:5:2")
    fake_bot.press("anna", "Resecentrum")
    assert fake_bot.press("anna", "Hoppa över")[-1].data["step"] == "summary"  # back to the summary
    fake_bot.press("anna", "Skicka")
    assert fake_bot.press("anna", "Ändra svar")[-1].data["step"] == "summary"  # edit after sending
    fake_bot.press("anna", "Narkotika")
    fake_bot.press("anna", ":l:5:0")
    assert "Tack!" in texts(fake_bot.press("anna", "Skicka"))
    assert [r.level for r in reports(fake_bot, "anna")[1]] == [0] * 12


def test_the_same_as_last_week_copies_levels_and_places(fake_bot: FakeBot) -> None:
    fake_bot.tick()
    fake_bot.press("anna", "Börja")
    fake_bot.answer_levels("anna", {2: 2}, place="Resecentrum", note="Klotter på väggen")
    fake_bot.press("anna", "Nej tack")
    fake_bot.press("anna", "Skicka")
    fake_bot.clock.set(TUE_OPEN.replace(day=24))  # next Tuesday
    fake_bot.tick()
    assert "🔁 Som förra veckan" in [c.label for c in fake_bot.last_question("anna").all_choices()]
    out = fake_bot.press("anna", "Som förra veckan")
    assert "Dina svar från förra veckan är ifyllda" in texts(out)
    assert "🟠 Klotter: Återkommande – Resecentrum" in out[-1].text
    assert "Klotter på väggen" not in out[-1].text  # notes are not copied
    fake_bot.press("anna", "Skicka")
    status, sent = reports(fake_bot, "anna", RoundKey(2026, 48))
    assert status == "submitted"
    assert [(r.factor, r.level, r.place) for r in sent if r.level] == [("klotter", 2, "Resecentrum")]


def test_a_duplicate_event_id_is_handled_once(fake_bot: FakeBot) -> None:
    fake_bot.tick()
    fake_bot.flush("anna")
    first = fake_bot.say("anna", "text", text="hej", event_id="ev-1")
    assert [o.kind for o in first] == ["notice", "question"]  # a hint, and the greeting shown again
    assert fake_bot.say("anna", "text", text="hej", event_id="ev-1") == []  # the platform delivered it again
    assert [o.kind for o in fake_bot.say("anna", "text", text="hej", event_id="ev-2")] == ["notice", "question"]


def test_presses_that_arrive_together_are_handled_in_one_batch_and_a_repeated_event_once(fake_bot: FakeBot) -> None:
    fake_bot.tick()
    nothing = {who: fake_bot.last_question(who).all_choices()[1].id for who in ("anna", "bo")}
    fake_bot.flush("anna"), fake_bot.flush("bo")  # the greetings, seen
    commits = fake_bot.storage.db.commits
    fake_bot.services.handle_many(
        [
            Inbound("console", "anna", "choice", choice=nothing["anna"], event_id="a1"),
            Inbound("console", "bo", "choice", choice=nothing["bo"], event_id="b1"),
            Inbound("console", "bo", "text", text="hej", event_id="b2"),
            Inbound("console", "bo", "text", text="hej", event_id="b2"),  # delivered twice
        ]
    )
    assert fake_bot.storage.db.commits == commits + 1  # one unit of work for them all
    assert "Allt är grönt" in texts(fake_bot.flush("anna"))
    summary, *to_hej = fake_bot.flush("bo")
    assert "Allt är grönt" in summary.text
    # one answer to "hej": a hint, and the summary shown again below it (the repeated delivery got nothing)
    assert [(o.kind, o.data.get("step")) for o in to_hej] == [("notice", None), ("question", "summary")]
