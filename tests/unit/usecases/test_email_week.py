"""The week for people reached by e-mail, over in-memory storage: Tuesday's invitation to the form, Wednesday's
reminder, the Friday report with its mail parts, the coordinator's `reporter add … | e-post`, `reporter list` and
`status`. The e-mail "platform" is a recording sender here; the edge that lays it out and sends it over SMTP is
tested in tests/integration/handlers/email/. Chat people see what they always saw (test_cycle.py)."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.conversation.mail import EMAIL, FormRef, MailParts
from bot.conversation.messages import Inbound, Outbound
from bot.domain.cycle import RoundKey
from bot.outbox import Dispatcher
from bot.services import Services
from standins.config import TUE_OPEN, RecordingSender
from tests.support.mail_week import DORA, ERIK, STINA, MailSender, mail_people
from tests.unit.fakes.bot import FakeBot, fake_config
from tests.unit.fakes.uow import FakeStorage

WED_REMIND = TUE_OPEN + timedelta(days=1, hours=5)
THU_CLOSE = TUE_OPEN + timedelta(days=2)
FRI_PUBLISH = TUE_OPEN + timedelta(days=2, hours=23, minutes=30)

W47 = RoundKey(2026, 47)


class MailBot(FakeBot):
    """The test group's bot with e-mail enabled beside the console: `mail` records what went by e-mail."""

    mail: MailSender

    @classmethod
    def with_mail(cls, tmp: Path) -> MailBot:
        config = fake_config(tmp / "reports", reporters=mail_people())
        storage = FakeStorage()
        clock = ManualClock(TUE_OPEN)
        console, mail = RecordingSender(), MailSender()
        services = Services(config, storage.unit, clock, platforms=("console", EMAIL))
        services.sync_config()
        dispatcher = Dispatcher(storage.unit, clock, {"console": console, EMAIL: mail})
        bot = cls(services, dispatcher, clock, console, storage=storage)
        bot.mail = mail
        return bot

    def flush(self, who: str | None = None) -> list[Outbound]:
        self.dispatcher.drain(EMAIL, limit=100_000, batch=500)
        return super().flush(who)

    def mails(self, address: str) -> list[Outbound]:
        return self.mail.to(address)


@pytest.fixture
def bot(tmp_path: Path) -> MailBot:
    return MailBot.with_mail(tmp_path)


def texts(out: list[Outbound]) -> str:
    return "\n".join(o.text for o in out)


def parts(out: Outbound) -> MailParts:
    mail = MailParts.from_data(out.data)
    assert mail is not None, f"{out.kind} carries no mail parts"
    return mail


def test_tuesday_sends_one_email_with_the_form_to_those_reached_by_email(bot: MailBot) -> None:
    bot.tick()
    (dora,) = bot.mails(DORA)
    assert dora.kind == "form_invite" and dora.choices == ()
    with bot.unit() as uow:
        dora_id = uow.people.account_owner(EMAIL, DORA)
        rnd = uow.rounds.get_round("tbg", W47)
        assert dora_id is not None and rnd is not None
    assert parts(dora) == MailParts(
        "Veckans trygghetsenkät v. 47 – Tryggare Trelleborg", "sv", form=FormRef(dora_id, rnd.id, 0)
    )
    assert dora.data["round_id"] == rnd.id
    assert dora.text.startswith("Hej Dora Dahl!\n\nNu är det dags för veckans EST-rapport för Tryggare Trelleborg")
    assert "till torsdag 19/11 08:00" in dora.text  # the close, in Stockholm's time
    assert "Svara i formuläret via din personliga länk nedan" in dora.text
    (erik,) = bot.mails(ERIK)  # channel = "email" wins over his console account; in English
    assert parts(erik).subject == "This week's safety questionnaire, week 47 – Tryggare Trelleborg"
    assert erik.text.startswith("Hello Erik Ek,") and "until Thursday 19/11 08:00" in erik.text
    assert bot.flush("erik") == []  # no chat prompt beside it
    assert bot.mails(STINA) == []  # no areas: no questionnaire
    # the chat people as always: one question each
    assert [o.kind for o in bot.flush("anna")] == ["question"]
    erik_id = person_id(bot, ERIK)
    assert email_keys(bot) == sorted([f"open:{rnd.id}:{dora_id}@email", f"open:{rnd.id}:{erik_id}@email"])
    bot.tick()  # a second tick sends nothing again
    assert len(bot.mails(DORA)) == 1


def person_id(bot: MailBot, address: str) -> int:
    with bot.unit() as uow:
        pid = uow.people.account_owner(EMAIL, address)
    assert pid is not None
    return pid


def email_keys(bot: MailBot) -> list[str]:
    with bot.unit() as uow:
        return sorted(r.key for r in uow.outbox.t.outbox.values() if r.platform == EMAIL)


def test_wednesday_reminds_by_one_email_with_the_link_those_who_have_not_sent(bot: MailBot) -> None:
    bot.tick()
    bot.cmd("erik", "rapport")  # Erik answers in the console after all: sent, so no reminder
    bot.press("erik", "Nothing to report")
    bot.press("erik", "Send")
    bot.clock.set(WED_REMIND)
    bot.tick()
    invite, reminder = bot.mails(DORA)
    assert reminder.kind == "form_reminder" and reminder.choices == ()
    assert parts(reminder).subject == "Påminnelse: veckans trygghetsenkät v. 47 – Tryggare Trelleborg"
    assert parts(reminder).form == parts(invite).form  # the same link, until a "not me" moves it on
    assert "Formuläret stänger torsdag 19/11 08:00" in reminder.text
    assert [o.kind for o in bot.mails(ERIK)] == ["form_invite"]
    assert [o.kind for o in bot.flush("bo")] == ["question", "reminder", "question"]  # the chat's pair
    # a second reminder by hand: Anna, Bo, Cecilia in the chat, Dora again by e-mail
    assert texts(bot.cmd("sara", "påminn")) == "Påminnelse skickad till 4 rapportörer."
    assert [o.kind for o in bot.mails(DORA)] == ["form_invite", "form_reminder", "form_reminder"]


def test_after_not_me_only_a_coordinators_reminder_sends_a_new_link(bot: MailBot) -> None:
    bot.tick()
    dora = person_id(bot, DORA)
    with bot.unit() as uow:
        rnd = uow.rounds.get_round("tbg", W47)
        assert rnd is not None
        uow.web.revoke_form_links(dora, rnd.id, bot.clock.now())  # "Inte jag?" on the form
        uow.commit()
    bot.clock.set(WED_REMIND)
    bot.tick()  # the address may be wrong: the scheduler's reminder sends no new link there
    assert [o.kind for o in bot.mails(DORA)] == ["form_invite"]
    bot.cmd("sara", "påminn")  # the coordinator checked the address
    _, reminder = bot.mails(DORA)
    assert parts(reminder).form == FormRef(dora, rnd.id, 1)


def test_a_snooze_in_the_chat_wakes_in_the_chat_never_by_email(bot: MailBot) -> None:
    bot.tick()
    bot.cmd("erik", "rapport")
    bot.press("erik", "Remind me later")
    bot.clock.set(TUE_OPEN + timedelta(hours=5))
    bot.tick()
    assert [o.kind for o in bot.flush("erik")][-2:] == ["reminder", "question"]
    assert [o.kind for o in bot.mails(ERIK)] == ["form_invite"]


def test_friday_report_goes_by_email_with_a_subject_and_the_report_off_link_to_the_steering_group_too(
    bot: MailBot,
) -> None:
    bot.tick()
    for who in ("anna", "bo", "cecilia", "erik"):
        bot.cmd(who, "rapport")
        bot.press(who, "Inget att rapportera" if who not in ("cecilia", "erik") else "Nothing to report")
        bot.press(who, "Skicka" if who not in ("cecilia", "erik") else "Send")
    bot.clock.set(THU_CLOSE)
    bot.tick()
    bot.cmd("sara", "fastställ")
    bot.clock.set(FRI_PUBLISH)
    bot.tick()
    (chat,) = [o for o in bot.flush("anna") if o.kind == "report"]
    assert "mail" not in chat.data  # chat people see no change
    for address, pid_lang, subject in (
        (DORA, "sv", "Veckorapport v. 47 – Tryggare Trelleborg"),
        (ERIK, "en", "Weekly report week 47 – Tryggare Trelleborg"),
        (STINA, "sv", "Veckorapport v. 47 – Tryggare Trelleborg"),
    ):
        (report,) = [o for o in bot.mails(address) if o.kind == "report"]
        assert parts(report) == MailParts(subject, pid_lang, report_off=person_id(bot, address))
        assert report.text.startswith(subject.replace(" v. 47", " 2026-W47").replace(" week 47", " 2026-W47"))
        assert [a.filename for a in report.attachments] == [a.filename for a in chat.attachments] or pid_lang == "en"
        assert report.attachments and report.attachments[-1].filename.endswith(".pdf")


def test_reporter_add_with_an_address_reaches_them_by_email_and_keeps_it_out_of_the_audit(bot: MailBot) -> None:
    said = texts(bot.cmd("sara", "reporter add Fia Fors | Bussbolaget | centrum | fia.fors@buss.se"))
    assert said == "Fia Fors är tillagd (rapportör, centrum).\nFia Fors får enkäten med e-post (f…@buss.se)."
    said = texts(bot.cmd("sara", "rapportör ny Gun Gren | Skolan | norr | Gun.Gren@Skolan.SE | samordnare"))
    assert said == "Gun Gren är tillagd (samordnare, norr).\nGun Gren får enkäten med e-post (G…@skolan.se)."
    with bot.unit() as uow:
        (gun,) = [pid for (p, a), pid in uow.people.t.accounts.items() if p == EMAIL and a.startswith("Gun")]
        assert ("email", "Gun.Gren@skolan.se") in uow.people.accounts_of(gun)  # the domain in lower case
        assert not [a for p, a in uow.people.accounts_of(gun) if p == "console"]  # no terminal name made up
        entries = [r for r in uow.audit.t.audit.values() if r.action == "reporter_add"]
        assert len(entries) == 2
        assert [r.detail for r in entries] == [
            {"person": "Fia Fors", "areas": ["centrum"], "role": "reporter", "email": True},
            {"person": "Gun Gren", "areas": ["norr"], "role": "coordinator", "email": True},
        ]
    listing = texts(bot.cmd("sara", "reporter list"))
    assert "• Fia Fors – Bussbolaget – centrum – rapportör (e-post)" in listing
    assert "• Dora Dahl – Västtrafik – centrum – rapportör (e-post)" in listing
    assert "• Anna Andersson – Trygghetsvärdar – centrum – rapportör\n" in listing
    bot.clock.set(TUE_OPEN)
    bot.tick()
    assert [o.kind for o in bot.mails("fia.fors@buss.se")] == ["form_invite"]
    assert "fia.fors@buss.se" not in "".join(o.text for o in bot.sender.to("sara"))


def test_a_reporter_added_by_email_while_the_week_is_open_gets_its_email_at_once(bot: MailBot) -> None:
    bot.tick()  # Tuesday: the week is out
    said = texts(bot.cmd("sara", "reporter add Fia Fors | Bussbolaget | centrum | fia.fors@buss.se"))
    assert said.endswith(
        "Fia Fors får enkäten med e-post (f…@buss.se).\nVeckans enkät (v. 47) har skickats till Fia Fors med e-post."
    )
    (invite,) = bot.mails("fia.fors@buss.se")
    assert invite.kind == "form_invite" and parts(invite).form is not None
    bot.cmd("sara", "reporter remove Fia Fors")
    bot.cmd("sara", "reporter add Fia Fors | Bussbolaget | centrum | fia.fors@buss.se")
    assert len(bot.mails("fia.fors@buss.se")) == 1  # added again the same week: not twice
    without_area = texts(bot.cmd("sara", "reporter add Ola Ek | Styrgruppen | | ola@kommun.se"))
    assert "Veckans enkät" not in without_area and bot.mails("ola@kommun.se") == []


def test_a_reporter_added_again_with_a_new_address_is_reached_there_only(bot: MailBot) -> None:
    bot.cmd("sara", "reporter add Fia Fors | Bussbolaget | centrum | fia@buss.se")
    bot.cmd("sara", "reporter remove Fia Fors")
    said = texts(bot.cmd("sara", "reporter add Fia Fors | Bussbolaget | centrum | fia.fors@nya-bussen.se"))
    assert said.endswith("Fia Fors får enkäten med e-post (f…@nya-bussen.se).")
    bot.tick()
    assert [o.kind for o in bot.mails("fia.fors@nya-bussen.se")] == ["form_invite"]
    assert bot.mails("fia@buss.se") == []


def test_reporter_add_refuses_a_bad_a_taken_or_a_second_address_and_adds_nobody(bot: MailBot) -> None:
    said = texts(bot.cmd("sara", "reporter add Hugo Holm | X | norr | hugo@"))
    assert said == "Fältet med @ är ingen e-postadress jag kan använda. Skriv den som namn@domän."
    said = texts(bot.cmd("sara", "reporter add Hugo Holm | X | norr | dora.dahl@kommun.se"))
    assert said == "Den e-postadressen tillhör redan Dora Dahl."
    said = texts(bot.cmd("sara", "reporter add Hugo Holm | X | norr | a@b.se | c@d.se"))
    assert said == "Skriv bara en e-postadress per person."
    assert "Hugo" not in texts(bot.cmd("sara", "reporter list"))


def test_reporter_add_with_a_chat_account_gets_the_report_by_email(bot: MailBot) -> None:
    words = ("add", "@Ivar", "Ivar", "Ism", "|", "Skolan", "|", "norr", "|", "ivar@skolan.se")
    bot.services.handle(
        Inbound("console", "sara", "command", command="reporter", args=words, mentions=(("ivar", "Ivar"),))
    )
    assert texts(bot.flush("sara")) == (
        "Ivar Ism är tillagd (rapportör, norr).\n"
        "Ivar Ism kan nu svara här i chatten; frågorna kommer som direktmeddelanden.\n"
        "Ivar Ism har också e-post (i…@skolan.se): dit går veckorapporten."
    )
    listing = texts(bot.cmd("sara", "reporter list"))
    assert "• Ivar Ism – Skolan – norr – rapportör\n" in listing  # the questionnaire comes in the chat


def test_status_shows_the_email_queue_and_a_parked_email_with_the_name_and_the_servers_answer(bot: MailBot) -> None:
    bot.mail.masked = False  # a server answer that kept the address: status masks it still
    bot.mail.refused.add(DORA)
    bot.mail.busy.add(ERIK)
    bot.tick()
    said = texts(bot.cmd("sara", "status"))
    assert "✉️ E-post: 1 i kö, 1 stoppade." in said
    assert "till Dora Dahl: 550 5.1.1 <[e-post]>: Recipient address rejected: User unknown" in said
    assert DORA not in said and ERIK not in said


def test_without_email_enabled_an_address_is_kept_and_the_coordinator_told(fake_bot: FakeBot) -> None:
    said = texts(fake_bot.cmd("sara", "reporter add Fia Fors | Bussbolaget | centrum | fia.fors@buss.se"))
    assert said.endswith("E-post är inte påslagen ([email] i inställningarna), så Fia Fors nås inte förrän den är det.")
    assert "E-post" not in texts(fake_bot.cmd("sara", "status"))


def test_no_address_in_any_log_line_of_a_week(bot: MailBot, caplog: pytest.LogCaptureFixture) -> None:
    """Not masked by bot/logs.py's filter afterwards: never written. (caplog sees the records as they are made.)"""
    caplog.set_level(logging.DEBUG)
    bot.cmd("sara", "reporter add Fia Fors | Bussbolaget | centrum | fia.fors@buss.se")
    bot.cmd("sara", "reporter add Hugo Holm | X | norr | dora.dahl@kommun.se")
    bot.mail.refused.add(DORA)
    bot.mail.busy.add(ERIK)
    for when in (TUE_OPEN, WED_REMIND, THU_CLOSE, FRI_PUBLISH):
        bot.clock.set(when)
        bot.tick()
    bot.cmd("sara", "status")
    assert caplog.records, "nothing was logged: the test would prove nothing"
    for address in (DORA, ERIK, STINA, "fia.fors@buss.se"):
        assert address not in caplog.text
