"""People and areas over in-memory storage, as transcripts: language, leave, adding reporters and areas, invites."""

from __future__ import annotations

from bot.conversation.messages import Outbound
from tests.unit.fakes.bot import FakeBot


def texts(out: list[Outbound]) -> str:
    return "\n".join(o.text for o in out)


def test_a_person_switches_language_and_back(fake_bot: FakeBot) -> None:
    assert texts(fake_bot.cmd("anna", "språk en")) == "I will write in English from now on."
    assert texts(fake_bot.cmd("anna", "status")) == 'The command "status" is only for coordinators.'
    assert texts(fake_bot.cmd("anna", "language sv")) == "Jag skriver på svenska från och med nu."
    assert texts(fake_bot.cmd("anna", "status")) == 'Kommandot "status" är bara för samordnare.'
    assert texts(fake_bot.cmd("anna", "språk fi")).endswith("språk sv|en")


def test_a_coordinator_pauses_a_reporter_until_a_date_and_wrong_dates_are_refused(fake_bot: FakeBot) -> None:
    said = texts(fake_bot.cmd("sara", "pause Bo Berg 2026-12-06"))
    assert said == "Bo Berg får inga enkäter till och med 2026-12-06."
    assert "förstår jag inte" in texts(fake_bot.cmd("sara", "pause Bo Berg 6/12"))
    assert "har redan varit" in texts(fake_bot.cmd("sara", "pause Bo Berg 2020-01-01"))
    assert "mer än ett år fram" in texts(fake_bot.cmd("sara", "pause Bo Berg 9999-12-31"))
    listing = texts(fake_bot.cmd("sara", "reporter list"))
    assert "Bo Berg – Bostadsbolaget – centrum, norr – rapportör (ledig t.o.m. 2026-12-06)" in listing
    fake_bot.tick()  # Tuesday: Bo is on leave, Anna is not
    assert not [o for o in fake_bot.sender.to("bo") if o.kind == "question"]
    assert [o for o in fake_bot.sender.to("anna") if o.kind == "question"]


def test_a_reporter_pauses_themselves_but_not_others(fake_bot: FakeBot) -> None:
    assert texts(fake_bot.cmd("anna", "ledig 2026-11-30")) == "Anna Andersson får inga enkäter till och med 2026-11-30."
    assert "bara för samordnare" in texts(fake_bot.cmd("anna", "ledig Bo Berg 2026-11-30"))
    fake_bot.tick()
    assert not [o for o in fake_bot.sender.to("anna") if o.kind == "question"]
    assert [o for o in fake_bot.sender.to("bo") if o.kind == "question"]


def test_reporter_add_refusals_and_remove(fake_bot: FakeBot) -> None:
    assert "Okänd roll chef" in texts(fake_bot.cmd("sara", "reporter add Eva | X | norr | chef"))
    assert "Så här:" in texts(fake_bot.cmd("sara", "reporter add bara ett namn"))
    fake_bot.cmd("sara", "reporter remove Cecilia Ek")
    assert "• Cecilia Ek – Skolan – norr – rapportör (borttagen)" in texts(fake_bot.cmd("sara", "reporter list"))
    fake_bot.tick()
    assert not [o for o in fake_bot.sender.to("cecilia") if o.kind == "question"]
    assert texts(fake_bot.cmd("cecilia", "help")).startswith("Hej! Jag känner inte igen dig")


def test_area_add_and_list(fake_bot: FakeBot) -> None:
    out = texts(fake_bot.cmd("sara", "area add hamnen Hamnen och färjeläget"))
    assert out == "Området Hamnen och färjeläget (hamnen) är tillagt."
    assert "finns redan" in texts(fake_bot.cmd("sara", "area add norr Norr"))
    assert "får bara ha" in texts(fake_bot.cmd("sara", "area add Bad!Code X"))
    listing = texts(fake_bot.cmd("sara", "area list"))
    assert "• centrum – Centrum (2 platser, 2 rapportörer)" in listing
    assert "• hamnen – Hamnen och färjeläget (0 platser, 0 rapportörer)" in listing


def test_area_add_in_english(fake_bot: FakeBot) -> None:
    fake_bot.cmd("sara", "language en")
    assert texts(fake_bot.cmd("sara", "area add hamnen Harbour")) == "The area Harbour (hamnen) was added."


def test_an_invite_is_made_for_a_known_reporter_only(fake_bot: FakeBot) -> None:
    out = texts(fake_bot.cmd("sara", "bjud Bo Berg"))
    assert out.startswith("Inbjudan till Bo Berg, gäller en gång till och med 2026-12-01:\n/start ")
    assert texts(fake_bot.cmd("sara", "bjud Ingen Alls")) == "Ingen rapportör heter Ingen Alls."
    assert "bara för samordnare" in texts(fake_bot.cmd("anna", "bjud Bo Berg"))
