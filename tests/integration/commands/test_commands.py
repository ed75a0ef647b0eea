"""Coordinator and participant commands, the meeting and the Friday report, as transcripts."""

from __future__ import annotations

from datetime import timedelta

from bot.conversation.messages import Outbound
from tests.conftest import TUE_OPEN, Bot

THU_DRAFT = TUE_OPEN + timedelta(days=2, minutes=5)
FRI_PUBLISH = TUE_OPEN + timedelta(days=2, hours=23, minutes=30)


def texts(out: list[Outbound]) -> str:
    return "\n".join(o.text for o in out)


def report(bot: Bot, who: str, levels: dict[int, int], place: str = "Stortorget") -> None:
    bot.cmd(who, "rapport")
    if not levels:
        bot.press(who, ":g:nothing")
        bot.press(who, ":s:send")
        return
    bot.press(who, ":g:start")
    if bot.answer_levels(who, levels, place, "Ungdomar samlas kvällstid") == "more":
        bot.press(who, ":m:skip")
    bot.press(who, ":s:send")


def test_reporter_cannot_use_coordinator_commands(bot: Bot) -> None:
    out = bot.cmd("anna", "status")
    assert texts(out) == 'Kommandot "status" är bara för samordnare.'
    out = bot.cmd("cecilia", "reporter list")
    assert texts(out) == 'The command "reporter" is only for coordinators.'


def test_unknown_command_and_help(bot: Bot) -> None:
    assert 'Okänt kommando "flyga"' in texts(bot.cmd("anna", "flyga"))
    help_reporter = texts(bot.cmd("anna", "help"))
    assert "rapport" in help_reporter and "Samordnarkommandon" not in help_reporter
    assert "Samordnarkommandon" in texts(bot.cmd("sara", "hjälp"))


def test_a_mistyped_command_is_told_what_it_likely_was_in_the_askers_words(bot: Bot) -> None:
    assert texts(bot.cmd("sara", "exprot")) == (
        'Okänt kommando "exprot". Menade du exportera? Skriv hjälp för att se vad du kan göra.'
    )
    bot.cmd("sara", "language en")  # a coordinator who reads English (Cecilia, a reporter, may use neither)
    assert texts(bot.cmd("sara", "statsu")) == (
        'Unknown command "statsu". Did you mean stats or status? Type help to see what you can do.'
    )


def test_a_mistyped_command_is_never_told_as_one_the_asker_may_not_use(bot: Bot) -> None:
    """A reporter who mistypes is not pointed to a coordinator's command, which would only be refused."""
    assert texts(bot.cmd("anna", "exprot")) == 'Okänt kommando "exprot". Skriv hjälp för att se vad du kan göra.'
    assert texts(bot.cmd("anna", "statsu")) == 'Okänt kommando "statsu". Skriv hjälp för att se vad du kan göra.'
    assert texts(bot.cmd("anna", "rapprot")) == (
        'Okänt kommando "rapprot". Menade du rapport? Skriv hjälp för att se vad du kan göra.'
    )


def test_status_shows_response_rate_and_who_has_not_answered(bot: Bot) -> None:
    bot.tick()
    report(bot, "anna", {})
    out = texts(bot.cmd("sara", "status"))
    assert "2026-W47: öppen. Svar: 1 av 3 (33 %), varav 0 sena." in out
    assert "Har inte svarat: Bo Berg, Cecilia Ek" in out
    assert "Nästa steg: öppen (påmind) onsdag 18/11 13:00." in out


def test_remind_nudges_only_those_not_done(bot: Bot) -> None:
    bot.tick()
    report(bot, "anna", {})
    out = bot.cmd("sara", "påminn")
    assert texts(out) == "Påminnelse skickad till 2 rapportörer."
    assert any(o.kind == "reminder" for o in bot.flush("bo")) or any(o.kind == "reminder" for o in bot.sender.to("bo"))
    assert not [o for o in bot.sender.to("anna") if o.kind == "reminder"]
    bot.cmd("sara", "remind")  # coordinators can nudge again
    assert len([o for o in bot.sender.to("bo") if o.kind == "reminder"]) == 2


def test_reporter_add_list_remove_and_pause(bot: Bot) -> None:
    out = bot.cmd("sara", "reporter add Dana Dahl | Fältassistenter | norr,centrum")
    assert texts(out) == 'Dana Dahl är tillagd (rapportör, norr, centrum).\nI terminalen heter Dana Dahl "dana".'
    assert "finns redan" in texts(bot.cmd("sara", "reporter add Dana Dahl | X | norr"))
    assert "Okänt område söder" in texts(bot.cmd("sara", "reporter add Eva | X | söder"))
    assert "Okänd roll chef" in texts(bot.cmd("sara", "reporter add Eva | X | norr | chef"))
    assert "Så här:" in texts(bot.cmd("sara", "reporter add bara ett namn"))
    said = texts(bot.cmd("sara", "pause Bo Berg 2026-12-06"))
    assert said == "Bo Berg får inga enkäter till och med 2026-12-06."
    assert "förstår jag inte" in texts(bot.cmd("sara", "pause Bo Berg 6/12"))
    assert "har redan varit" in texts(bot.cmd("sara", "pause Bo Berg 2020-01-01"))
    listing = texts(bot.cmd("sara", "reporter list"))
    assert "• Dana Dahl – Fältassistenter – norr, centrum – rapportör" in listing
    assert "Bo Berg – Bostadsbolaget – centrum, norr – rapportör (ledig t.o.m. 2026-12-06)" in listing
    bot.cmd("sara", "reporter remove Cecilia Ek")
    bot.tick()  # Tuesday: Bo is on leave, Cecilia removed, Dana gets the questionnaire
    assert not [o for o in bot.sender.to("bo") if o.kind == "question"]
    assert not [o for o in bot.sender.to("cecilia") if o.kind == "question"]
    assert [o for o in bot.sender.to("dana") if o.kind == "question"]  # linked to the console on add
    with bot.app.services.unit() as uow:
        rnd = uow.rounds.recent_rounds("tbg", 1)[0]
        st = uow.rounds.round_status(rnd.id, "tbg", bot.clock.now())
        log = uow.audit.audit_log("tbg")
    assert st.missing == ("Anna Andersson", "Dana Dahl")
    assert st.paused == ("Bo Berg",)
    assert {a for _, _, actor, a, _ in log if actor == "Sara Samordnare"} >= {
        "reporter_add",
        "pause",
        "reporter_remove",
    }
    assert texts(bot.cmd("cecilia", "help")).startswith("Hej! Jag känner inte igen dig")


def test_reporter_pauses_themselves(bot: Bot) -> None:
    assert texts(bot.cmd("anna", "ledig 2026-11-30")) == "Anna Andersson får inga enkäter till och med 2026-11-30."
    bot.tick()
    assert not [o for o in bot.sender.to("anna") if o.kind == "question"]
    assert [o for o in bot.sender.to("bo") if o.kind == "question"]
    assert "bara för samordnare" in texts(bot.cmd("anna", "ledig Bo Berg 2026-11-30"))


def test_area_add_and_list(bot: Bot) -> None:
    assert texts(bot.cmd("sara", "area add hamnen Hamnen och färjeläget")) == (
        "Området Hamnen och färjeläget (hamnen) är tillagt."
    )
    assert "finns redan" in texts(bot.cmd("sara", "area add norr Norr"))
    assert "får bara ha" in texts(bot.cmd("sara", "area add Bad!Code X"))
    listing = texts(bot.cmd("sara", "area list"))
    assert "• centrum – Centrum (2 platser, 2 rapportörer)" in listing
    assert "• hamnen – Hamnen och färjeläget (0 platser, 0 rapportörer)" in listing


def test_whole_week_draft_meeting_finalise_and_friday_report(bot: Bot) -> None:
    bot.tick()
    report(bot, "anna", {5: 3, 6: 2})  # narkotika red, grupperingar orange at Stortorget
    report(bot, "bo", {5: 2})
    report(bot, "cecilia", {})
    assert "sparad" in texts(bot.cmd("kim", "observe centrum narkotika: Polisen ser langning kvällstid"))
    assert "Okänd faktor" in texts(bot.cmd("kim", "observe centrum knark: x"))
    assert "Okänt område" in texts(bot.cmd("kim", "observe söder: x"))
    assert "Texten saknas" in texts(bot.cmd("kim", "observe centrum:"))
    bot.clock.set(THU_DRAFT)
    bot.tick()
    meeting = bot.sender.to("möte")
    draft = [o for o in meeting if o.kind == "picture"]
    assert len(draft) == 1 and "Utkast till lägesbild 2026-W47 – Tryggare Trelleborg" in draft[0].text
    cands = [o for o in meeting if o.kind == "candidate"]
    assert cands and "Stortorget" in cands[0].text
    cid = cands[0].data["candidate_id"]
    # votes: a participant may vote; a double click counts once; a reporter may not
    bot.say("kim", "choice", choice=f"c{cid}:v")
    updates = [o for o in bot.sender.to("möte") if o.ref == f"cand:{cid}"]
    assert "Röster: 1" in updates[-1].text  # the candidate message is redrawn with the vote
    bot.say("kim", "choice", choice=f"c{cid}:v")  # a double click
    assert len([o for o in bot.sender.to("möte") if o.ref == f"cand:{cid}"]) == len(updates)
    assert "Bara mötesdeltagare" in texts(bot.say("anna", "choice", choice=f"c{cid}:v"))
    bot.say("sara", "choice", choice=f"c{cid}:v")
    bot.say("sara", "choice", choice=f"c{cid}:a:presence")
    bot.say("sara", "choice", choice=f"c{cid}:r:police")
    bot.say("kim", "choice", choice=f"c{cid}:t:weekend")
    latest = [o for o in bot.sender.to("möte") if o.ref == f"cand:{cid}"][-1]
    assert "Röster: 2" in latest.text and "Närvaro" in latest.text and "Polisen" in latest.text
    assert "I helgen" in latest.text
    # a manual priority, which a participant votes for, then finalise: only coordinators
    assert "är tillagd" in texts(bot.cmd("sara", "priority add norr | Norrskolan: Bättre belysning"))
    manual = [o for o in bot.sender.to("möte") if o.kind == "candidate" and "Bättre belysning" in o.text][-1]
    assert "• tillagd av en samordnare" in manual.text.splitlines()  # its reason: where it came from
    bot.say("kim", "choice", choice=f"c{manual.data['candidate_id']}:v")
    assert "bara för samordnare" in texts(bot.say("kim", "choice", choice=draft[0].all_choices()[0].id))
    assert "Det finns ingen fastställd" in texts(bot.cmd("kim", "report"))
    out = bot.say("sara", "choice", choice=draft[0].all_choices()[0].id)
    assert "fastställd med 2 prioriteringar" in texts(out)
    assert "redan fastställd" in texts(bot.say("sara", "choice", choice=draft[0].all_choices()[0].id))
    assert "inget kan ändras" in texts(bot.say("kim", "choice", choice=f"c{cid}:v"))
    actions = texts(bot.cmd("kim", "actions"))
    assert "Närvaro, Polisen, I helgen – planerad" in actions
    assert "Bättre belysning" in actions
    # Friday: the report goes to the broadcast channel and to reporters
    bot.clock.set(FRI_PUBLISH)
    bot.tick()
    broadcast = bot.sender.to("rapport")
    assert len(broadcast) == 1 and broadcast[0].text.startswith("Veckorapport 2026-W47 – Tryggare Trelleborg")
    assert "Polisen" in broadcast[0].text
    en = [o for o in bot.sender.to("cecilia") if o.kind == "report"]
    assert en and en[0].text.startswith("Weekly report 2026-W47")
    md = texts(bot.cmd("sara", "report 2026-W47"))
    assert "Stortorget" in md and "Bättre belysning" in md
    assert "finns inte; skriv den som 2026-W47" in texts(bot.cmd("sara", "report vecka47"))
    bot.tick()
    assert len(bot.sender.to("rapport")) == 1  # published once


def test_review_notes_before_the_report(bot: Bot) -> None:
    bot.tick()
    report(bot, "anna", {5: 3})
    listing = texts(bot.cmd("sara", "review"))
    assert "[ej granskad] centrum/narkotika/Stortorget: Ungdomar samlas kvällstid" in listing
    note_id = listing.split("#", 1)[1].split(" ", 1)[0]
    assert "ingen anteckning #999" in texts(bot.cmd("sara", "review approve 999"))
    assert texts(bot.cmd("sara", f"review approve {note_id}")) == f"Anteckning #{note_id}: godkänd."
    assert "[godkänd]" in texts(bot.cmd("sara", "review"))


def test_force_open_and_close(bot: Bot) -> None:
    bot.clock.set(TUE_OPEN - timedelta(days=1))  # Monday
    assert texts(bot.cmd("sara", "open")) == "2026-W47 är öppen; enkäten har gått ut."
    assert any(o.kind == "question" for o in bot.sender.to("anna"))
    assert "redan öppen" in texts(bot.cmd("sara", "open"))
    assert texts(bot.cmd("sara", "stäng")) == "2026-W47 är stängd för ordinarie svar."
    bot.clock.set(TUE_OPEN)
    bot.tick()  # the scheduled open on Tuesday changes nothing now
    assert len([o for o in bot.sender.to("anna") if o.data.get("step") == "greeting"]) == 1


def test_retried_delivery_changes_nothing_twice(bot: Bot) -> None:
    from bot.conversation.messages import Inbound

    bot.tick()
    bot.flush("anna")
    q = bot.last_question("anna")
    inbound = Inbound("console", "anna", "choice", choice=q.all_choices()[0].id, event_id="ev-1")
    bot.app.services.handle(inbound)
    first = bot.flush("anna")
    assert bot.app.services.handle(inbound) == []
    assert bot.flush("anna") == [] and first


def test_added_person_never_takes_over_someone_elses_console_account(bot: Bot) -> None:
    out = texts(bot.cmd("sara", "reporter add Sara Berg | Skolan | norr"))
    assert 'I terminalen heter Sara Berg "sara2".' in out
    assert "bara för samordnare" not in texts(bot.cmd("sara", "status"))  # Sara is still the coordinator
    with bot.app.services.unit() as uow:
        owner = uow.people.account_owner("console", "sara")
        assert owner is not None and uow.people.get_person(owner).name == "Sara Samordnare"


def test_a_removed_reporter_can_be_added_again(bot: Bot) -> None:
    bot.cmd("sara", "reporter remove Bo Berg")
    out = texts(bot.cmd("sara", "reporter add Bo Berg | Bostadsbolaget | norr"))
    assert out == "Bo Berg är tillagd igen (rapportör, norr)."
    assert "känner inte igen dig" not in texts(bot.cmd("bo", "help"))


def test_odd_arguments_get_clear_answers_and_change_nothing(bot: Bot) -> None:
    bot.tick()
    assert "mer än ett år fram" in texts(bot.cmd("sara", "pause Bo Berg 9999-12-31"))
    assert "Så här:" in texts(bot.cmd("sara", "reporter add \x01 | org | centrum"))
    assert "Det finns ingen åtgärd #99999999999999999999" in texts(bot.cmd("sara", "actions done 99999999999999999999"))
    assert "Det finns ingen åtgärd #2147483648" in texts(bot.cmd("sara", "actions done 2147483648"))
    assert "ingen anteckning #4294967296" in texts(bot.cmd("sara", "review approve 4294967296"))
    for choice in (
        "q99999999999999999999:l:0:1",
        "c99999999999999999999:v",
        "f99999999999999999999",
        "c abc",
        "f",
        "x",
    ):
        out = texts(bot.say("kim", "choice", choice=choice))
        assert "gäller inte längre" in out or "redan besvarad" in out, choice
    assert texts(bot.cmd("sara", "report vecka47")) == "Veckan vecka47 finns inte; skriv den som 2026-W47."


def test_participants_do_not_see_who_has_not_answered(bot: Bot) -> None:
    bot.tick()
    assert "Anna Andersson" not in texts(bot.cmd("kim", "picture"))
    assert "Anna Andersson" in texts(bot.cmd("sara", "picture"))


def test_undecided_fields_stay_undecided_in_actions(bot: Bot) -> None:
    bot.tick()
    bot.cmd("sara", "priority add centrum: Mer närvaro")
    bot.cmd("sara", "priority add norr: Bättre belysning")
    bot.clock.set(THU_DRAFT)
    bot.tick()
    voted = next(o for o in bot.sender.to("möte") if o.kind == "candidate" and "Mer närvaro" in o.text)
    bot.say("kim", "choice", choice=f"c{voted.data['candidate_id']}:v")  # a vote, nothing else chosen
    assert "fastställd med 1 prioritering" in texts(bot.cmd("sara", "finalize"))
    actions = texts(bot.cmd("sara", "actions"))
    assert "Mer närvaro – ej vald, ej vald, ej vald – planerad" in actions
    # nobody voted for the other, chose an action type or someone responsible: it is not a decided priority
    assert "Bättre belysning" not in actions
    locked = [o for o in bot.sender.to("möte") if o.kind == "candidate" and "Bättre belysning" in o.text][-1]
    assert locked.data["status"] == "dropped"
    bot.clock.set(FRI_PUBLISH)
    bot.tick()
    report = texts(bot.cmd("sara", "report 2026-W47"))
    assert "Mer närvaro" in report and "Bättre belysning" not in report


def test_observations_after_finalising_go_to_next_week(bot: Bot) -> None:
    bot.tick()
    bot.clock.set(FRI_PUBLISH + timedelta(days=3))  # Monday after the report
    bot.tick()
    bot.flush("kim")
    assert texts(bot.cmd("kim", "observe centrum: Lugnt i helgen")) == "Observationen är sparad för 2026-W48."
    assert "är tillagd för 2026-W48" in texts(bot.cmd("sara", "priority add norr: Belysning"))


def test_report_command_after_close_says_it_was_sent(bot: Bot) -> None:
    bot.tick()
    report(bot, "anna", {})
    bot.clock.set(THU_DRAFT)
    bot.tick()
    assert "är skickad och rapporteringen har stängt" in texts(bot.cmd("anna", "rapport"))


def test_strangers_in_a_channel_are_not_answered(bot: Bot) -> None:
    out = bot.app.services.handle(
        __import__("bot.conversation.messages", fromlist=["Inbound"]).Inbound(
            "console", "stranger", "text", text="hej alla", chat="möte"
        )
    )
    assert out == []


def test_names_with_personal_data_are_refused_and_echoes_are_masked(bot: Bot) -> None:
    out = texts(bot.cmd("sara", "area add hamnen Hamnen 070-123 45 67"))
    assert out == (
        "Områdets namn får inte innehålla personnummer, telefonnummer eller e-postadresser, eftersom det visas för "
        "alla. Inget sparades; skriv det utan dem."
    )
    assert texts(bot.cmd("sara", "area add 19850101-1234 Hamnen")).startswith("Områdets kod får inte innehålla")
    assert texts(bot.cmd("sara", "area add 850101 1234 Hamnen")).startswith("Områdets namn får inte")  # split
    out = texts(bot.cmd("sara", "reporter add Dana 850101-1234 | Fältassistenter | norr"))
    assert out.startswith("Personens namn får inte innehålla")
    out = texts(bot.cmd("sara", "reporter add Dana Dahl | dana@exempel.se | norr"))
    assert out.startswith("Organisationens namn får inte innehålla")
    assert "hamnen" not in texts(bot.cmd("sara", "area list"))
    assert "Dana" not in texts(bot.cmd("sara", "reporter list"))
    bot.cmd("sara", "language en")
    assert texts(bot.cmd("sara", "area add hamnen Hamnen +46701234567")).startswith(
        "The area's name must not contain personal identity numbers"
    )
    # what repeats the typed text shows it masked, and so do the outbox and the audit log
    assert texts(bot.cmd("sara", "reporter remove 19850101-1234")) == "No reporter is called [personnummer]."
    assert texts(bot.cmd("anna", "ledig 0701234567")).startswith("Datumet [telefon] förstår jag inte")
    assert texts(bot.cmd("anna", "a.b@exempel.se")).startswith('Okänt kommando "[e-post]"')
    assert texts(bot.cmd("kim", "picture 850101-1234")).startswith("Veckan [personnummer] finns inte")
    bot.cmd("sara", "priority add norr | Norrskolan 070-1234567: Ring 08-123 456 78 om belysningen")
    with bot.app.services.unit() as uow:
        audit = repr(uow.audit.audit_log("tbg"))
    assert "[telefon]" in audit and "08-123" not in audit and "070-1234567" not in audit
    rows = repr(_outbox(bot))
    assert "[personnummer]" in rows and "[e-post]" in rows
    assert not any(s in rows for s in ("19850101", "0701234567", "a.b@exempel", "850101-1234", "08-123"))


def _outbox(bot: Bot) -> list[dict[str, object]]:
    from sqlalchemy import select

    from storage.models import OutboxRow

    with bot.app.engine.connect() as c:
        return list(c.execute(select(OutboxRow.payload)).scalars())
