"""Coordinator commands over in-memory storage, as transcripts: what a coordinator types, what the bot answers."""

from __future__ import annotations

from bot.conversation.messages import Outbound
from tests.unit.fakes.bot import FakeBot


def texts(out: list[Outbound]) -> str:
    return "\n".join(o.text for o in out)


def test_status_shows_the_response_rate_and_who_has_not_answered(fake_bot: FakeBot) -> None:
    assert texts(fake_bot.cmd("anna", "status")) == 'Kommandot "status" är bara för samordnare.'
    fake_bot.tick()
    fake_bot.cmd("anna", "rapport")
    fake_bot.press("anna", ":g:nothing")
    fake_bot.press("anna", ":s:send")
    out = texts(fake_bot.cmd("sara", "status"))
    assert "2026-W47: öppen. Svar: 1 av 3 (33 %), varav 0 sena." in out
    assert "Har inte svarat: Bo Berg, Cecilia Ek" in out
    assert "Nästa steg: öppen (påmind) onsdag 18/11 13:00." in out


def test_remind_by_hand_nudges_only_those_not_done(fake_bot: FakeBot) -> None:
    fake_bot.tick()
    fake_bot.cmd("anna", "rapport")
    fake_bot.press("anna", ":g:nothing")
    fake_bot.press("anna", ":s:send")
    assert texts(fake_bot.cmd("sara", "påminn")) == "Påminnelse skickad till 2 rapportörer."
    assert [o.kind for o in fake_bot.sender.to("bo")].count("reminder") == 1
    assert [o.kind for o in fake_bot.sender.to("anna")].count("reminder") == 0


def test_reporter_add_and_list(fake_bot: FakeBot) -> None:
    out = fake_bot.cmd("sara", "reporter add Dana Dahl | Fältassistenter | norr,centrum")
    assert texts(out) == 'Dana Dahl är tillagd (rapportör, norr, centrum).\nI terminalen heter Dana Dahl "dana".'
    assert "finns redan" in texts(fake_bot.cmd("sara", "reporter add Dana Dahl | X | norr"))
    assert "Okänt område söder" in texts(fake_bot.cmd("sara", "reporter add Eva | X | söder"))
    listing = texts(fake_bot.cmd("sara", "reporter list"))
    assert "• Dana Dahl – Fältassistenter – norr, centrum – rapportör" in listing
    fake_bot.tick()  # Tuesday: Dana, linked to the console on add, gets the questionnaire
    assert [o for o in fake_bot.sender.to("dana") if o.kind == "question"]


def test_reporter_add_with_personal_data_is_refused_and_nothing_is_kept(fake_bot: FakeBot) -> None:
    out = texts(fake_bot.cmd("sara", "reporter add Dana 850101-1234 | Fältassistenter | norr"))
    assert out.startswith("Personens namn får inte innehålla")
    out = texts(fake_bot.cmd("sara", "reporter add Dana Dahl | dana@exempel.se | norr"))
    assert out.startswith("Organisationens namn får inte innehålla")
    assert "Dana" not in texts(fake_bot.cmd("sara", "reporter list"))
    with fake_bot.unit() as uow:
        assert uow.people.person_by_name("tbg", "Dana Dahl") is None
        everything = str(uow.outbox.t.outbox) + str(uow.outbox.t.audit)
    assert "850101-1234" not in everything and "dana@exempel.se" not in everything
