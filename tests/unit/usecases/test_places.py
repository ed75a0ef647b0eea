"""Places reporters type wait for a coordinator, over in-memory storage: `granska` lists them, `godkänn` approves
and `avvisa` rejects; until approved they are neither offered to other reporters nor named in the picture."""

from __future__ import annotations

import re

from bot.conversation.messages import Outbound
from tests.unit.fakes.bot import FakeBot


def texts(out: list[Outbound]) -> str:
    return "\n".join(o.text for o in out)


def answer_at(bot: FakeBot, who: str, place: str) -> None:
    """`who` reports graffiti (question 3) at level 2 at a typed `place`, and sends."""
    bot.cmd(who, "rapport")
    bot.press(who, ":g:start")
    bot.press(who, ":0")
    bot.press(who, ":0")
    bot.press(who, ":2")
    bot.text(who, place)
    bot.text(who, "Nytt klotter på väggen")
    while bot.last_question(who).data.get("step") == "level":
        bot.press(who, ":0")
    bot.press(who, ":m:skip")
    bot.press(who, ":s:send")


def menu_places(bot: FakeBot, who: str) -> list[str]:
    """The places offered to `who` at their first where-question (they stop there)."""
    bot.cmd(who, "rapport")
    for _ in range(30):
        q = bot.last_question(who)
        if "places" in q.data:
            return list(q.data["places"])
        bot.press(who, ":g:start" if any(c.id.endswith(":g:start") for c in q.all_choices()) else ":2")
    raise AssertionError("no where-question")


def waiting_places(bot: FakeBot) -> list[str]:
    return [line for line in texts(bot.cmd("sara", "granska")).splitlines() if re.match(r"P\d+ ", line)]


def test_a_typed_place_waits_for_review_and_is_approved(fake_bot: FakeBot) -> None:
    fake_bot.tick()
    answer_at(fake_bot, "anna", "Kiosken vid torget")
    assert menu_places(fake_bot, "bo") == ["Stortorget", "Resecentrum"]
    assert "Kiosken" not in texts(fake_bot.cmd("sara", "picture"))
    listing = texts(fake_bot.cmd("sara", "granska"))
    assert "Platser som rapportörer skrivit eller delat och som väntar på granskning:" in listing
    (line,) = waiting_places(fake_bot)
    pid = line.split()[0]
    assert line == f"{pid} Centrum: Kiosken vid torget (svar: 1)"
    assert texts(fake_bot.cmd("sara", "granska godkänn P999")) == "Det finns ingen plats P999 att granska."
    assert "bara för samordnare" in texts(fake_bot.cmd("anna", f"granska godkänn {pid}"))
    out = texts(fake_bot.cmd("sara", f"granska godkänn {pid}"))
    assert out.startswith(f"Plats {pid} är godkänd: Kiosken vid torget.")
    assert waiting_places(fake_bot) == []
    fake_bot.text("bo", "Stortorget")  # Bo answers his open question and goes on to the next
    fake_bot.text("bo", "Lugnt")
    assert "Kiosken vid torget" in menu_places(fake_bot, "bo")
    assert "Kiosken vid torget" in texts(fake_bot.cmd("sara", "picture"))


def test_review_in_english(fake_bot: FakeBot) -> None:
    fake_bot.tick()
    answer_at(fake_bot, "anna", "Kiosken vid torget")
    fake_bot.cmd("sara", "language en")
    listing = texts(fake_bot.cmd("sara", "review"))
    pid = next(w for w in listing.split() if re.fullmatch(r"P\d+", w))
    assert f"{pid} Centrum: Kiosken vid torget (answers: 1)" in listing
    assert "Approve: review approve P-ID [new name]" in listing and "granska" not in listing
    out = texts(fake_bot.cmd("sara", f"review approve {pid}"))
    assert out == (
        f"Place {pid} is approved: Kiosken vid torget. It is now offered in the menus and shown in the picture."
    )


def test_a_rejected_place_is_never_offered_nor_reported(fake_bot: FakeBot) -> None:
    fake_bot.tick()
    answer_at(fake_bot, "anna", "Utanför Kalles lägenhet")
    (line,) = waiting_places(fake_bot)
    pid = line.split()[0]
    assert texts(fake_bot.cmd("sara", f"granska avvisa {pid}")).startswith(f"Plats {pid} är avvisad")
    assert waiting_places(fake_bot) == []
    assert "Kalles" not in " ".join(menu_places(fake_bot, "bo"))
    assert "Kalles" not in texts(fake_bot.cmd("sara", "picture"))
