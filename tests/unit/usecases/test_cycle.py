"""The week's cycle over in-memory storage: the clock moves, the bot ticks, and the outbox shows what goes out.
Default schedule (Europe/Stockholm, CET in November): Tuesday 08:00 open, Wednesday 13:00 remind, Thursday 08:00
close, 08:05 draft, Friday 07:30 publish."""

from __future__ import annotations

from datetime import timedelta

from bot.conversation.messages import Outbound
from bot.domain.cycle import Phase, RoundKey
from standins.config import TUE_OPEN
from tests.unit.fakes.bot import FakeBot

WED_REMIND = TUE_OPEN + timedelta(days=1, hours=5)
THU_CLOSE = TUE_OPEN + timedelta(days=2)
THU_DRAFT = THU_CLOSE + timedelta(minutes=5)
FRI_PUBLISH = TUE_OPEN + timedelta(days=2, hours=23, minutes=30)
W47 = RoundKey(2026, 47)


def kinds(out: list[Outbound]) -> list[str]:
    return [o.kind for o in out]


def phase(bot: FakeBot) -> Phase:
    with bot.unit() as uow:
        rnd = uow.rounds.get_round("tbg", W47)
        assert rnd is not None
        return rnd.phase


def queued(bot: FakeBot) -> list[tuple[str, str]]:
    """(address, kind) of what the outbox holds undelivered, in order."""
    with bot.unit() as uow:
        rows = sorted(uow.outbox.t.outbox.values(), key=lambda r: r.id)
        return [(r.address, str(r.payload["kind"])) for r in rows if r.status == "pending"]


def send_nothing(bot: FakeBot, who: str) -> None:
    bot.cmd(who, "rapport")
    bot.press(who, "Inget att rapportera")
    bot.press(who, "Skicka")


def test_tuesday_opens_the_week_with_a_questionnaire_in_the_outbox_for_each_reporter(fake_bot: FakeBot) -> None:
    fake_bot.clock.set(TUE_OPEN - timedelta(minutes=1))
    assert fake_bot.services.tick() == []  # Tuesday 07:59: nothing yet
    fake_bot.clock.set(TUE_OPEN)
    assert fake_bot.services.tick() != []
    assert phase(fake_bot) is Phase.OPEN
    # queued, not yet sent: one questionnaire each for the three people with areas
    assert queued(fake_bot) == [("anna", "question"), ("bo", "question"), ("cecilia", "question")]
    assert fake_bot.sender.sent == []
    fake_bot.flush()
    assert queued(fake_bot) == [] and len(fake_bot.sender.sent) == 3
    assert fake_bot.services.tick() == []  # a second tick at the same time does nothing again


def test_the_reminder_goes_only_to_those_who_have_not_answered(fake_bot: FakeBot) -> None:
    fake_bot.tick()
    send_nothing(fake_bot, "anna")
    fake_bot.clock.set(WED_REMIND)
    fake_bot.tick()
    assert phase(fake_bot) is Phase.REMINDED
    assert "reminder" not in kinds(fake_bot.sender.to("anna"))
    assert kinds(fake_bot.sender.to("bo")).count("reminder") == 1
    assert kinds(fake_bot.sender.to("cecilia")).count("reminder") == 1


def test_close_draft_finalise_and_publish(fake_bot: FakeBot) -> None:
    fake_bot.tick()
    send_nothing(fake_bot, "anna")
    fake_bot.cmd("bo", "rapport")
    fake_bot.press("bo", "Börja")
    fake_bot.answer_levels("bo", {5: 3}, note="Ungdomar samlas kvällstid")
    fake_bot.press("bo", "Nej tack")
    fake_bot.press("bo", "Skicka")
    fake_bot.clock.set(THU_CLOSE)
    fake_bot.tick()
    assert phase(fake_bot) is Phase.CLOSED
    fake_bot.clock.set(THU_DRAFT)
    fake_bot.tick()
    assert phase(fake_bot) is Phase.DRAFTED
    meeting = fake_bot.flush("möte")
    assert meeting[0].kind == "picture"
    assert meeting[0].text.startswith("Utkast till lägesbild 2026-W47 – Tryggare Trelleborg")
    assert "Svar: 2 av 3" in meeting[0].text
    assert "candidate" in kinds(meeting[1:])
    (finalised, *_) = fake_bot.cmd("sara", "fastställ")
    assert finalised.text.startswith("Lägesbilden för 2026-W47 är fastställd")
    assert phase(fake_bot) is Phase.FINALISED
    assert fake_bot.flush("rapport") == []  # the report waits for Friday
    fake_bot.clock.set(FRI_PUBLISH)
    fake_bot.tick()
    assert phase(fake_bot) is Phase.PUBLISHED
    (broadcast,) = fake_bot.flush("rapport")
    assert broadcast.kind == "report" and broadcast.text.startswith("Veckorapport 2026-W47 – Tryggare Trelleborg")
    assert "report" in kinds(fake_bot.sender.to("anna"))
    (english,) = [o for o in fake_bot.sender.to("cecilia") if o.kind == "report"]
    assert english.text.startswith("Weekly report 2026-W47")
    fake_bot.clock.set(FRI_PUBLISH + timedelta(hours=1))
    assert fake_bot.tick() == []  # published once
    assert fake_bot.flush("rapport") == []
