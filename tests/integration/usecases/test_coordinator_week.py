"""The coordinator in charge of the week (issue 14 §4): `utkast`/`draft` posts the draft picture now, once
reporting is closed, and `publicera`/`publish` sends the finalised report now; the schedule later does nothing a
second time. Transcripts on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import create_engine, text

from bot.bootstrap import build
from bot.clock import ManualClock
from bot.conversation.messages import Outbound
from tests.conftest import TUE_OPEN, Bot, RecordingSender, make_config

THU_CLOSE = TUE_OPEN + timedelta(days=2)
THU_DRAFT = THU_CLOSE + timedelta(minutes=5)
FRI_PUBLISH = TUE_OPEN + timedelta(days=2, hours=23, minutes=30)


def texts(out: list[Outbound]) -> list[str]:
    return [o.text for o in out]


def rows(bot: Bot, sql: str) -> list[Any]:
    url = bot.url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            return [tuple(r) for r in c.execute(text(sql))]
    finally:
        engine.dispose()


def answer(bot: Bot, who: str, levels: dict[int, int]) -> None:
    bot.cmd(who, "rapport")
    bot.press(who, ":g:start")
    if bot.answer_levels(who, levels, "Stortorget", "Ungdomar samlas kvällstid") == "more":
        bot.press(who, ":m:skip")
    bot.press(who, ":s:send")


def test_draft_now_once_reporting_is_closed_and_the_schedule_posts_it_no_second_time(bot: Bot) -> None:
    bot.tick()  # Tuesday 08:00: the week opens
    answer(bot, "anna", {5: 3})
    assert texts(bot.cmd("sara", "utkast")) == [
        "Rapporteringen för 2026-W47 är inte stängd än (öppen); skriv stäng först."
    ]
    assert bot.flush("möte") == []
    bot.clock.set(TUE_OPEN + timedelta(days=1, hours=3))  # Wednesday 11:00
    assert texts(bot.cmd("sara", "stäng")) == ["2026-W47 är stängd för ordinarie svar."]
    assert texts(bot.cmd("sara", "utkast")) == ["Utkastet till lägesbild för 2026-W47 är utlagt i mötet."]
    meeting = bot.flush("möte")
    assert [o.kind for o in meeting][:1] == ["picture"] and meeting[0].text.startswith("Utkast till lägesbild 2026-W47")
    assert {o.kind for o in meeting[1:]} == {"candidate"} and len(meeting) >= 2
    assert texts(bot.cmd("sara", "utkast")) == ["2026-W47 är redan utkast till lägesbild."]

    for at in (TUE_OPEN + timedelta(days=1, hours=6), THU_CLOSE, THU_DRAFT, THU_DRAFT + timedelta(hours=1)):
        bot.clock.set(at)  # the reminder, the close and the draft of the schedule: already done
        assert bot.tick() == []
    assert bot.flush("möte") == []
    assert [o for o in bot.sender.to("bo") if o.kind == "reminder"] == []  # closed early: nobody is nudged
    steps = rows(bot, "SELECT actor, action FROM audit WHERE action IN ('phase:drafted', 'force:drafted')")
    assert sorted(steps) == [("Sara Samordnare", "force:drafted"), ("Sara Samordnare", "phase:drafted")]


def test_publish_now_once_finalised_and_friday_sends_nothing_again(bot: Bot) -> None:
    bot.tick()
    answer(bot, "anna", {5: 3})
    assert texts(bot.cmd("sara", "publicera")) == [
        "Lägesbilden för 2026-W47 är inte fastställd än (öppen); skriv fastställ först."
    ]
    bot.clock.set(THU_DRAFT)
    bot.tick()
    bot.cmd("kim", "lägesbild")
    meeting = bot.flush("möte")
    candidate = next(o for o in meeting if o.kind == "candidate")
    bot.say("kim", "choice", choice=f"c{candidate.data['candidate_id']}:v")
    assert texts(bot.cmd("sara", "publicera")) == [
        "Lägesbilden för 2026-W47 är inte fastställd än (utkast till lägesbild); skriv fastställ först."
    ]
    bot.clock.set(THU_DRAFT + timedelta(hours=2))
    bot.cmd("sara", "fastställ")
    assert bot.flush("rapport") == []
    out = bot.cmd("sara", "publicera")
    assert texts([o for o in out if o.kind == "notice"]) == ["Veckorapporten för 2026-W47 är utskickad."]
    assert [o.kind for o in out if o.kind != "notice"] == ["report"]  # Sara receives the report too
    (broadcast,) = bot.flush("rapport")
    assert broadcast.kind == "report" and broadcast.text.startswith("Veckorapport 2026-W47 – Tryggare Trelleborg")
    # the voted candidate under its heading, not bare bullets after "Sticker ut" (the e-mail shows this text too)
    assert "\n\nBeslutade prioriteringar och vem som gör vad:\n• " in broadcast.text
    assert [o.kind for o in bot.flush("anna") if o.kind == "report"] == ["report"]
    assert texts(bot.cmd("sara", "publicera")) == ["2026-W47 är redan publicerad."]

    bot.clock.set(FRI_PUBLISH)
    assert bot.tick() == []
    bot.clock.set(FRI_PUBLISH + timedelta(days=1))
    assert bot.tick() == []
    assert bot.flush("rapport") == [] and [o for o in bot.flush("anna") if o.kind == "report"] == []
    assert rows(bot, "SELECT phase FROM rounds") == [("published",)]


def test_draft_and_publish_are_for_coordinators_and_speak_each_language(bot: Bot) -> None:
    bot.tick()
    for who in ("anna", "bo", "cecilia"):
        bot.flush(who)  # the week's greetings
    assert texts(bot.cmd("anna", "utkast")) == ['Kommandot "utkast" är bara för samordnare.']
    assert texts(bot.cmd("kim", "publicera")) == ['Kommandot "publicera" är bara för samordnare.']
    assert texts(bot.cmd("cecilia", "draft")) == ['The command "draft" is only for coordinators.']
    bot.cmd("sara", "language en")
    assert texts(bot.cmd("sara", "draft")) == ["Reporting for 2026-W47 has not closed yet (open); write close first."]
    assert texts(bot.cmd("sara", "publish 2026-W46")) == ["There is no round for this week yet."]
    bot.cmd("sara", "close")
    assert texts(bot.cmd("sara", "draft")) == ["The draft situation picture for 2026-W47 is posted in the meeting."]


def test_without_a_meeting_or_broadcast_channel_the_coordinator_is_told(db_url: str) -> None:
    sender = RecordingSender()
    app = build(make_config(db_url, channels={}), clock=ManualClock(TUE_OPEN), senders={"console": sender})
    bot = Bot(app, app.services.clock, sender, db_url)  # type: ignore[arg-type]
    try:
        bot.tick()
        answer(bot, "anna", {})
        bot.cmd("sara", "stäng")
        assert texts(bot.cmd("sara", "utkast")) == [
            "Utkastet till lägesbild för 2026-W47 är utlagt i mötet.",
            "⚠️ Ingen kanal är inställd för mötet, så inget meddelande gick ut där.",
        ]
        bot.cmd("sara", "fastställ")
        out = texts([o for o in bot.cmd("sara", "publicera") if o.kind == "notice"])
        assert out[-1] == "⚠️ Ingen kanal är inställd för utskicket, så inget meddelande gick ut där."
        assert [o.kind for o in bot.flush("anna") if o.kind == "report"] == ["report"]  # the reporters still get it
    finally:
        app.close()


def test_nobody_asked_means_nothing_to_publish(bot: Bot) -> None:
    for who in ("Anna Andersson", "Bo Berg", "Cecilia Ek"):
        bot.cmd("sara", f"ledig {who} 2026-11-29")
    bot.tick()
    bot.cmd("sara", "stäng")
    bot.cmd("sara", "utkast")
    bot.cmd("sara", "fastställ")
    assert texts(bot.cmd("sara", "publicera")) == [
        "Ingen fick enkäten för 2026-W47, så det finns ingen veckorapport att skicka ut."
    ]
    assert bot.flush("rapport") == []


def test_veckorapport_is_always_the_weekly_report_and_rapport_the_questionnaire(bot: Bot) -> None:
    """A meeting participant who also reports: `rapport` is their questionnaire, `veckorapport` the week's report."""
    added = texts(bot.cmd("sara", "rapportör ny Lisa Lind | Polisen | norr | mötesdeltagare"))
    assert added == ["Lisa Lind är tillagd (mötesdeltagare, norr).", 'I terminalen heter Lisa Lind "lisa".']
    bot.tick()
    bot.flush("lisa"), bot.flush("anna")
    assert texts(bot.cmd("lisa", "veckorapport")) == ["Det finns ingen fastställd lägesbild för 2026-W47 än."]
    assert [o.kind for o in bot.cmd("lisa", "rapport")] == ["question"]
    assert texts(bot.cmd("anna", "veckorapport")) == ['Kommandot "veckorapport" är bara för mötesdeltagare.']
