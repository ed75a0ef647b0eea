"""Observations, manual priorities and actions over in-memory storage, as transcripts."""

from __future__ import annotations

from datetime import timedelta

from bot.conversation.messages import Outbound
from tests.conftest import TUE_OPEN
from tests.unit.fakes.bot import FakeBot

THU_DRAFT = TUE_OPEN + timedelta(days=2, minutes=5)
FRI_PUBLISH = TUE_OPEN + timedelta(days=2, hours=23, minutes=30)


def texts(out: list[Outbound]) -> str:
    return "\n".join(o.text for o in out)


def test_observe_saves_for_this_week_and_refuses_mistakes(fake_bot: FakeBot) -> None:
    fake_bot.tick()
    assert texts(fake_bot.cmd("kim", "observera centrum narkotika: Polisen ser langning kvällstid")) == (
        "Observationen är sparad för 2026-W47."
    )
    assert "Okänd faktor" in texts(fake_bot.cmd("kim", "observera centrum knark: x"))
    assert "Okänt område" in texts(fake_bot.cmd("kim", "observera söder: x"))
    assert "Texten saknas" in texts(fake_bot.cmd("kim", "observera centrum:"))
    assert "bara för" in texts(fake_bot.cmd("anna", "observera centrum: x"))


def test_observe_in_english(fake_bot: FakeBot) -> None:
    fake_bot.tick()
    fake_bot.cmd("kim", "språk en")
    assert texts(fake_bot.cmd("kim", "observe centrum: Quiet weekend")) == "The observation was saved for 2026-W47."


def test_priority_add_then_finalise_and_actions(fake_bot: FakeBot) -> None:
    fake_bot.tick()
    fake_bot.clock.set(THU_DRAFT)
    fake_bot.tick()
    assert "är tillagd" in texts(fake_bot.cmd("sara", "prioritet add norr | Norrskolan: Bättre belysning"))
    assert "bara för samordnare" in texts(fake_bot.cmd("anna", "prioritet add norr: Belysning"))
    manual = [o for o in fake_bot.sender.to("möte") if o.kind == "candidate" and "Bättre belysning" in o.text][-1]
    fake_bot.say("kim", "choice", choice=f"c{manual.data['candidate_id']}:v")
    assert "fastställd med 1 prioritering" in texts(fake_bot.cmd("sara", "finalize"))
    assert "Bättre belysning" in texts(fake_bot.cmd("kim", "åtgärder"))


def test_observations_after_finalising_go_to_next_week(fake_bot: FakeBot) -> None:
    fake_bot.tick()
    fake_bot.clock.set(FRI_PUBLISH + timedelta(days=3))  # Monday after the report
    fake_bot.tick()
    fake_bot.flush("kim")
    assert texts(fake_bot.cmd("kim", "observera centrum: Lugnt i helgen")) == "Observationen är sparad för 2026-W48."
    assert "är tillagd för 2026-W48" in texts(fake_bot.cmd("sara", "prioritet add norr: Belysning"))
