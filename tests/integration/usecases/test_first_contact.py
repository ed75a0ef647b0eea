"""A first contact as transcripts, on SQLite and PostgreSQL: `/start` (or a first message) from a person who answers
no questionnaire greets them and says what they can do; a reporter's `/start` is still their questionnaire. And a
priority's or an observation's text may hold `:` and `|` inside a place or a link."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.commands.parse import split_head
from bot.conversation.messages import Outbound
from bot.domain.cycle import RoundKey
from tests.conftest import Bot

NO_ROUND = ("Det finns ingen omgång", "ingen öppen rapportering", "no round", "no open questionnaire")


def texts(out: list[Outbound]) -> str:
    return "\n".join(o.text for o in out)


def test_start_from_a_coordinator_before_any_round_greets_and_lists_what_they_can_do(bot: Bot) -> None:
    out = bot.cmd("sara", "start")
    said = texts(out)
    assert said.startswith("Hej Sara! Du är samordnare i Tryggare Trelleborg.")
    assert "veckans frågor går inte till dig" in said
    assert "Samordnarkommandon" in said and "• status" in said  # what she can do
    assert not any(phrase in said for phrase in NO_ROUND)
    assert "Just nu" not in said  # no week to speak of yet


def test_start_from_a_participant_once_the_week_is_open(bot: Bot) -> None:
    bot.tick()  # Tuesday 08:00: week 47 opens
    said = texts(bot.cmd("kim", "start"))
    assert said.startswith("Hej Kim! Du är mötesdeltagare i Tryggare Trelleborg.")
    assert "Just nu: vecka 2026-W47, öppen." in said
    assert "Det här kan du skriva till mig" in said
    assert not any(phrase in said for phrase in NO_ROUND)


def test_start_in_english_and_words_after_it_are_no_week(bot: Bot) -> None:
    bot.cmd("sara", "language en")
    said = texts(bot.cmd("sara", "start 7Xk2-already-used-code"))  # a deep link opened again
    assert said.startswith("Hi Sara! You are a coordinator in Tryggare Trelleborg.")
    assert "Coordinator commands" in said
    assert "7Xk2" not in said  # not read as a week, not echoed


def test_a_message_from_a_coordinator_is_answered_with_the_greeting(bot: Bot) -> None:
    bot.tick()
    said = texts(bot.text("sara", "frobnicera 070-123 45 67"))
    first, greeting = said.split("\n", 1)
    assert (
        first == "Jag förstod inte ”frobnicera [telefon]”: det är inget kommando, och du har ingen enkät att svara på."
    )
    assert greeting.lstrip().startswith("Hej Sara! Du är samordnare")
    bot.clock.advance(timedelta(days=4))  # Saturday: the week is over
    bot.tick()
    bot.flush("kim")  # the Friday report
    said = texts(bot.text("kim", "hallå?"))
    assert "Jag förstod inte ”hallå?”" in said and "Hej Kim! Du är mötesdeltagare" in said
    assert "Just nu: vecka 2026-W47, publicerad." in said
    assert not any(phrase in said for phrase in NO_ROUND)


def test_start_from_a_reporter_is_still_the_questionnaire(bot: Bot) -> None:
    bot.tick()
    bot.flush("anna")
    out = bot.cmd("anna", "start")
    assert out[-1].kind == "question" and out[-1].text.startswith("Hej Anna! Dags för veckans EST-rapport")
    bot.cmd("sara", "reporter add Dora Ek | Fastighet | ")  # a reporter without an area
    said = texts(bot.cmd("dora", "start"))
    assert said.startswith("Hej Dora! Du är rapportör i Tryggare Trelleborg, men du har inget område")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("centrum: text", ("centrum", ":", " text")),
        ("centrum:text", ("centrum", ":", "text")),
        ("centrum | Ängen 3:2: text: mer", ("centrum | Ängen 3:2", ":", " text: mer")),
        (
            "centrum | https://karta.example.se/p?q=1|2: ljus",
            ("centrum | https://karta.example.se/p?q=1|2", ":", " ljus"),
        ),
        ("centrum | Kl 12:30-torget:ljus", ("centrum | Kl 12:30-torget", ":", "ljus")),
        ("centrum https://karta.example.se", ("centrum https://karta.example.se", "", "")),
    ],
)
def test_the_head_ends_at_the_colon_that_ends_it(raw: str, expected: tuple[str, str, str]) -> None:
    assert split_head(raw) == expected


def test_a_priority_with_colons_and_bars_in_its_place_and_link(bot: Bot) -> None:
    bot.tick()
    line = (
        "priority add centrum | Kv. Ängen 3:2 | norra delen: Mer ljus vid entrén: se "
        "https://karta.example.se/plats?id=7|8 och kl 22:00"
    )
    said = texts(bot.cmd("sara", line))
    title = "Mer ljus vid entrén: se https://karta.example.se/plats?id=7|8 och kl 22:00"
    assert said == f'Prioriteringen "{title}" är tillagd för 2026-W47.'
    line = "priority add centrum | https://karta.example.se/?q=a|b: Kameror"
    assert texts(bot.cmd("sara", line)) == 'Prioriteringen "Kameror" är tillagd för 2026-W47.'
    with bot.app.services.unit() as uow:
        rnd = uow.rounds.get_round("tbg", RoundKey(2026, 47))
        assert rnd is not None
        found = [(c.area_code, c.place, c.title) for c in uow.meeting.candidates(rnd.id)]
    assert found == [
        ("centrum", "Kv. Ängen 3:2 | norra delen", title),
        ("centrum", "https://karta.example.se/?q=a|b", "Kameror"),
    ]


def test_an_observation_with_a_link_keeps_its_whole_text(bot: Bot) -> None:
    bot.tick()
    line = "observe centrum klotter: Nytt klotter, bild: https://bilder.example.se/a|b kl 21:15"
    assert texts(bot.cmd("kim", line)) == "Observationen är sparad för 2026-W47."
    bot.clock.advance(timedelta(days=2))  # Thursday: the picture is drafted
    bot.tick()
    said = texts(bot.cmd("sara", "picture"))
    assert "Nytt klotter, bild: https://bilder.example.se/a|b kl 21:15" in said.replace("\\", "")
