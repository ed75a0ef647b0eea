"""The meeting over in-memory storage: the draft's candidates, votes, the meeting's choices and finalising."""

from __future__ import annotations

from datetime import timedelta

from bot.conversation.messages import Outbound
from standins.config import TUE_OPEN
from tests.unit.fakes.bot import FakeBot

THU_DRAFT = TUE_OPEN + timedelta(days=2, minutes=5)


def texts(out: list[Outbound]) -> str:
    return "\n".join(o.text for o in out)


def drafted_week(bot: FakeBot) -> tuple[Outbound, int]:
    """Anna and Bo report drugs at Stortorget; Thursday's draft is posted. The draft and its first candidate's id."""
    bot.tick()
    for who, levels in (("anna", {5: 3, 6: 2}), ("bo", {5: 2})):
        bot.cmd(who, "rapport")
        bot.press(who, ":g:start")
        if bot.answer_levels(who, levels, note="Ungdomar samlas kvällstid") == "more":
            bot.press(who, ":m:skip")
        bot.press(who, ":s:send")
    bot.clock.set(THU_DRAFT)
    bot.tick()
    meeting = bot.flush("möte")
    (draft,) = [o for o in meeting if o.kind == "picture"]
    candidates = [o for o in meeting if o.kind == "candidate"]
    assert candidates and "Stortorget" in candidates[0].text
    return draft, int(candidates[0].data["candidate_id"])


def candidate_messages(bot: FakeBot, cid: int) -> list[Outbound]:
    return [o for o in bot.sender.to("möte") if o.ref == f"cand:{cid}"]


def test_a_participant_votes_once_and_a_reporter_may_not(fake_bot: FakeBot) -> None:
    _, cid = drafted_week(fake_bot)
    fake_bot.say("kim", "choice", choice=f"c{cid}:v")
    fake_bot.flush()
    assert "Röster: 1" in candidate_messages(fake_bot, cid)[-1].text  # redrawn with the vote
    shown = len(candidate_messages(fake_bot, cid))
    fake_bot.say("kim", "choice", choice=f"c{cid}:v")  # a double click
    assert len(candidate_messages(fake_bot, cid)) == shown
    assert "Bara mötesdeltagare" in texts(fake_bot.say("anna", "choice", choice=f"c{cid}:v"))
    fake_bot.say("sara", "choice", choice=f"c{cid}:v")
    fake_bot.say("sara", "choice", choice=f"c{cid}:a:presence")
    fake_bot.say("kim", "choice", choice=f"c{cid}:r:police")
    fake_bot.flush()
    latest = candidate_messages(fake_bot, cid)[-1].text
    assert "Röster: 2" in latest and "Närvaro" in latest and "Polisen" in latest


def test_finalising_is_for_coordinators_and_locks_the_votes(fake_bot: FakeBot) -> None:
    draft, cid = drafted_week(fake_bot)
    fake_bot.say("kim", "choice", choice=f"c{cid}:v")
    finalise = draft.all_choices()[0].id
    assert "bara för samordnare" in texts(fake_bot.say("kim", "choice", choice=finalise))
    assert "fastställd med 1 prioritering" in texts(fake_bot.say("sara", "choice", choice=finalise))
    assert "redan fastställd" in texts(fake_bot.say("sara", "choice", choice=finalise))
    assert "inget kan ändras" in texts(fake_bot.say("kim", "choice", choice=f"c{cid}:v"))
    assert "planerad" in texts(fake_bot.cmd("kim", "actions"))
