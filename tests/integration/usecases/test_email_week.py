"""The week for people reached by e-mail on a real database, as transcripts: the configuration's addresses
become accounts, `reporter add … | e-post`, Tuesday's invitation, Wednesday's reminder, the Friday report,
and `status` with the e-mail queue and a parked e-mail (its name found through the e-mail account).
The same scenarios over the in-memory fakes: tests/unit/usecases/test_email_week.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.bootstrap import build
from bot.clock import ManualClock
from bot.conversation.mail import EMAIL, FormRef, MailParts
from bot.conversation.messages import Outbound
from bot.domain.cycle import RoundKey
from tests.conftest import TUE_OPEN, Bot, RecordingSender, make_config
from tests.support.mail_week import DORA, ERIK, STINA, MailSender, mail_people

WED_REMIND = TUE_OPEN + timedelta(days=1, hours=5)
THU_CLOSE = TUE_OPEN + timedelta(days=2)
FRI_PUBLISH = TUE_OPEN + timedelta(days=2, hours=23, minutes=30)


class MailBot(Bot):
    mail: MailSender

    def flush(self, who: str | None = None) -> list[Outbound]:
        self.dispatcher.drain(EMAIL, limit=100_000, batch=500)
        return super().flush(who)


@pytest.fixture
def bot(db_url: str) -> Iterator[MailBot]:
    clock = ManualClock(TUE_OPEN)
    console, mail = RecordingSender(), MailSender()
    app = build(make_config(db_url, reporters=mail_people()), clock=clock, senders={"console": console, EMAIL: mail})
    b = MailBot(app, clock, console, db_url)
    b.mail = mail
    yield b
    app.close()


def texts(out: list[Outbound]) -> str:
    return "\n".join(o.text for o in out)


def owner(bot: Bot, address: str) -> int:
    with bot.app.services.env.unit() as uow:
        pid = uow.people.account_owner(EMAIL, address)
    assert pid is not None
    return pid


def send_nothing(bot: Bot, who: str) -> None:
    bot.cmd(who, "rapport")
    bot.press(who, ":g:nothing")
    bot.press(who, ":s:send")


def test_a_week_by_email_beside_the_chat(bot: MailBot) -> None:
    bot.tick()
    with bot.app.services.env.unit() as uow:
        rnd = uow.rounds.get_round("tbg", RoundKey(2026, 47))
        assert rnd is not None
    dora, erik, stina = owner(bot, DORA), owner(bot, ERIK), owner(bot, STINA)
    (invite,) = bot.mail.to(DORA)
    assert invite.kind == "form_invite"
    assert MailParts.from_data(invite.data) == MailParts(
        "Veckans trygghetsenkät v. 47 – Tryggare Trelleborg", "sv", form=FormRef(dora, rnd.id, 0)
    )
    assert "Du kan svara, och ändra dina svar, till torsdag 19/11 08:00." in invite.text
    assert [o.kind for o in bot.mail.to(ERIK)] == ["form_invite"] and bot.flush("erik") == []
    assert bot.mail.to(STINA) == []
    for who in ("anna", "bo", "cecilia"):
        send_nothing(bot, who)
    bot.clock.set(WED_REMIND)
    bot.tick()
    assert [o.kind for o in bot.mail.to(DORA)] == ["form_invite", "form_reminder"]
    assert [o.kind for o in bot.mail.to(ERIK)] == ["form_invite", "form_reminder"]
    reminder = bot.mail.to(ERIK)[1]
    assert reminder.text.startswith("Hello Erik Ek,\n\nYour EST report for week 47 (Tryggare Trelleborg)")
    bot.clock.set(THU_CLOSE)
    bot.tick()
    bot.cmd("sara", "fastställ")
    bot.clock.set(FRI_PUBLISH)
    bot.tick()
    for address, pid in ((DORA, dora), (ERIK, erik), (STINA, stina)):
        (report,) = [o for o in bot.mail.to(address) if o.kind == "report"]
        parts = MailParts.from_data(report.data)
        assert parts is not None and parts.report_off == pid and parts.form is None
        assert report.attachments[-1].filename.endswith(".pdf")
    (chat_report,) = [o for o in bot.flush("anna") if o.kind == "report"]
    assert "mail" not in chat_report.data
    assert sum(1 for _, o, _ in bot.mail.sent if o.kind == "report") == 3  # each once


def test_reporter_add_by_email_then_status_with_the_queue_and_a_refused_address(bot: MailBot) -> None:
    said = texts(bot.cmd("sara", "rapportör ny Fia Fors | Bussbolaget | centrum | fia.fors@buss.se"))
    assert said == "Fia Fors är tillagd (rapportör, centrum).\nFia Fors får enkäten med e-post (f…@buss.se)."
    with bot.app.services.env.unit() as uow:
        (entry,) = [e for e in uow.audit.audit_log("tbg") if e[3] == "reporter_add"]
    assert entry[4] == {"person": "Fia Fors", "areas": ["centrum"], "role": "reporter", "email": True}
    assert "• Fia Fors – Bussbolaget – centrum – rapportör (e-post)" in texts(bot.cmd("sara", "reporter list"))
    bot.mail.refused.add("fia.fors@buss.se")
    bot.mail.busy.add(DORA)
    bot.tick()
    said = texts(bot.cmd("sara", "status"))
    assert "✉️ E-post: 1 i kö, 1 stoppade." in said
    assert "   • till Fia Fors: 550 5.1.1 <[e-post]>: Recipient address rejected: User unknown" in said
    assert "fia.fors" not in said and DORA not in said
    assert [o.kind for o in bot.mail.to(ERIK)] == ["form_invite"]  # the others still go


def test_an_address_changed_in_the_settings_replaces_the_old_one(bot: MailBot) -> None:
    people = mail_people()
    for r in people:
        if r["name"] == "Dora Dahl":
            r["email"] = "dora@ny.kommun.se"
    sender = MailSender()
    again = build(make_config(bot.url, reporters=people), clock=bot.clock, senders={EMAIL: sender})
    try:  # the next start, with the settings file changed
        with again.services.env.unit() as uow:
            dora = owner(bot, "dora@ny.kommun.se")
            assert [a for p, a in uow.people.accounts_of(dora) if p == EMAIL] == ["dora@ny.kommun.se"]
            assert uow.people.account_owner(EMAIL, DORA) is None
        again.services.tick()
        again.dispatcher.drain(EMAIL, 100)
        assert [o.kind for o in sender.to("dora@ny.kommun.se")] == ["form_invite"] and sender.to(DORA) == []
    finally:
        again.close()
