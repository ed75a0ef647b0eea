"""Personal data over in-memory storage: a person forgotten, and a person's own copy."""

from __future__ import annotations

import json
from pathlib import Path

from bot.conversation.messages import Outbound
from tests.unit.fakes.bot import FakeBot


def texts(out: list[Outbound]) -> str:
    return "\n".join(o.text for o in out)


def report(bot: FakeBot, who: str, levels: dict[int, int], place: str = "Stortorget") -> None:
    bot.cmd(who, "rapport")
    bot.press(who, ":g:start")
    if bot.answer_levels(who, levels, place, "Ungdomar samlas kvällstid") == "more":
        bot.press(who, ":m:skip")
    bot.press(who, ":s:send")


def test_forget_erases_a_person_and_keeps_their_levels(fake_bot: FakeBot) -> None:
    fake_bot.tick()
    report(fake_bot, "anna", {5: 3})
    report(fake_bot, "bo", {5: 2})
    with fake_bot.unit() as uow:
        levels = [a.level for a in sorted(uow.rounds.t.answers.values(), key=lambda a: a.id)]
    assert "bara för samordnare" in texts(fake_bot.cmd("kim", "forget Anna Andersson"))
    unknown = texts(fake_bot.cmd("sara", "forget Olle Okänd"))
    assert "Det finns ingen med det namnet" in unknown and "Olle" not in unknown
    assert "inte radera dig själv" in texts(fake_bot.cmd("sara", "forget Sara Samordnare"))
    out = texts(fake_bot.cmd("sara", "glöm anna andersson"))
    assert "är raderad" in out and "1 svar finns kvar utan namn" in out and "Anna" not in out
    assert "känner inte igen dig" in texts(fake_bot.text("anna", "hej"))  # a stranger to the bot now
    with fake_bot.unit() as uow:
        t = uow.people.t
        everything = " ".join(str(rows) for rows in (t.persons, t.audit, t.observations, t.outbox, t.accounts))
        assert "Anna" not in everything and "Andersson" not in everything
        forgotten = next(p for p in t.persons.values() if p.forgotten)
        theirs = {r.id for r in t.responses.values() if r.person_id == forgotten.id}
        assert [a.note for a in t.answers.values() if a.response_id in theirs] == [None] * 12
        assert [a.level for a in sorted(t.answers.values(), key=lambda a: a.id)] == levels  # the levels stay
    assert "Svar: 2 av" in texts(fake_bot.cmd("sara", "picture"))


def test_mydata_gives_a_person_their_own_data(fake_bot: FakeBot) -> None:
    fake_bot.tick()
    report(fake_bot, "anna", {5: 3})
    report(fake_bot, "bo", {5: 2}, place="Norrskolan")
    out = fake_bot.cmd("anna", "minadata")
    assert len(out) == 1 and out[0].text.startswith("Det här har boten sparat om dig (Anna Andersson)")
    assert "• Områden: Centrum\n" in out[0].text  # the area's name, as people know it, not its code "centrum"
    (attachment,) = out[0].attachments
    data = json.loads(Path(attachment.path).read_text(encoding="utf-8"))
    assert data["person"]["name"] == "Anna Andersson" and data["areas"] == ["centrum"]
    assert data["accounts"] == [{"platform": "console", "id": "anna"}]
    (week,) = data["responses"]
    assert week["week"] == "2026-W47" and week["status"] == "submitted"
    assert [a["note"] for a in week["answers"] if a["note"]] == ["Ungdomar samlas kvällstid"]
    assert "Bo Berg" not in json.dumps(data) and "Norrskolan" not in json.dumps(data)
