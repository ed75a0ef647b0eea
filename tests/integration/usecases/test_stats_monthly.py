"""The monthly follow-up as coordinators see it: posted once on the first weekday of the month, the `stats`
command, and the week's police events in the situation picture."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import bot.usecases.statistics as stats_service
from bot.bootstrap import build
from bot.clock import ManualClock
from bot.conversation.messages import Outbound
from bot.domain.cycle import RoundKey
from bot.reports.render import render_picture_html
from bot.usecases.statistics import import_file, post_monthly_if_due
from tests.conftest import TUE_OPEN, Bot, RecordingSender, make_config
from tests.support.paths import DATA

STHLM_OFFSET = timedelta(hours=1)  # CET in November to January


def local(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=UTC) - STHLM_OFFSET


def make_bot(db_url: str, **over: Any) -> Bot:
    clock = ManualClock(TUE_OPEN)
    sender = RecordingSender()
    app = build(make_config(db_url, **over), clock=clock, senders={"console": sender})
    return Bot(app, clock, sender, db_url)


CHANNELS = {
    "meeting": {"console": "möte"},
    "broadcast": {"console": "rapport"},
    "coordinators": {"console": "samordnare"},
}


@pytest.fixture
def sbot(db_url: str) -> Iterator[Bot]:
    b = make_bot(db_url, municipality="Trelleborg", channels=CHANNELS)
    yield b
    b.app.close()


def import_all(b: Bot) -> None:
    for kind, name in (
        ("police", "bra_anmalda_brott.xlsx"),
        ("police", "polisen_anmalda_brott.csv"),
        ("vandalism", "skadegorelse_kommunen.csv"),
        ("events", "polisen_handelser.json"),
    ):
        import_file(b.app.services.env, "tbg", kind, DATA / name)


def monthly_posts(b: Bot, address: str = "samordnare") -> list[Outbound]:
    b.flush()
    return [o for o in b.sender.to(address) if o.kind == "stats"]


NOVEMBER = (
    "📊 Månadsuppföljning Tryggare Trelleborg – november 2026\n"
    "Polisens anmälda brott: 177 (oktober: 178, ↓ −1; november 2025: 176, ↑ +1)\n"
    "  Mest: Stöld och snatteri 122 · Skadegörelse 42 · Skadegörelse genom klotter 13\n"
    "  Platser: Stortorget 1\n"
    "Kommunens skadegörelseanmälningar: 1 (oktober: 6, ↓ −5; november 2025: 0, ↑ +1)\n"
    "  Mest: Klotter 1\n"
    "  Platser: Stortorget 1\n"
    "Polisens händelser: 3 (oktober: 1, ↑ +2; november 2025: 0, ↑ +3)\n"
    "  Mest: Bråk 1 · Misshandel 1 · Skadegörelse 1\n"
    "  Platser: Norrskolan 1 · Resecentrum 1 · Stortorget 1\n"
    "Veckodagar de senaste 13 månaderna (20 daterade): flest på lördag (10).\n"
    "Diagram: per månad, per veckodag och per plats."
)


def test_the_monthly_follow_up_is_posted_once_on_the_first_weekday_at_the_configured_time(sbot: Bot) -> None:
    import_all(sbot)
    sbot.clock.set(local(2026, 12, 1, 8, 59))  # Tuesday 1 December, a minute early
    sbot.tick()
    assert monthly_posts(sbot) == []
    sbot.clock.set(local(2026, 12, 1, 9, 0))
    assert "tbg monthly 2026-11" in sbot.tick()
    [post] = monthly_posts(sbot)
    assert post.text == NOVEMBER
    assert post.data == {"group": "tbg", "month": "2026-11", "lang": "sv"}
    assert [a.filename for a in post.attachments] == [
        "statistik-2026-11-manad-sv.png",
        "statistik-2026-11-veckodag-sv.png",
        "statistik-2026-11-plats-sv.png",
    ]
    assert all(Path(a.path).stat().st_size > 10_000 for a in post.attachments)
    # not twice: the next tick, a late cron job, the next day, another process
    sbot.tick()
    assert post_monthly_if_due(sbot.app.services.env, "tbg", local(2026, 12, 1, 9, 30)) == []
    sbot.clock.set(local(2026, 12, 2, 9, 0))
    sbot.tick()
    again = sbot.restart()
    try:
        again.tick()
        assert monthly_posts(again) == []
    finally:
        sbot.app = again.app
    assert len(monthly_posts(sbot)) == 1
    with sbot.app.services.unit() as uow:
        audit = [(a, d) for _, _, _, a, d in uow.audit.audit_log("tbg") if a == "monthly_followup"]
    assert audit == [("monthly_followup", {"month": "2026-11", "messages": 1})]


def test_the_first_weekday_skips_the_new_years_holiday_and_the_weekend(sbot: Bot) -> None:
    import_all(sbot)
    with sbot.app.services.unit() as uow:  # December is already done
        uow.statistics.claim_monthly_post("tbg", 2026, 11, sbot.clock.now())
        uow.commit()
    for day in (1, 2, 3):  # Friday nyårsdagen, Saturday, Sunday
        sbot.clock.set(local(2027, 1, day, 9, 0))
        sbot.tick()
        assert monthly_posts(sbot) == []
    sbot.clock.set(local(2027, 1, 4, 9, 0))  # Monday
    sbot.tick()
    [post] = monthly_posts(sbot)
    assert post.text.startswith("📊 Månadsuppföljning Tryggare Trelleborg – december 2026\n")
    assert "Polisens anmälda brott: 0 (november: 177, ↓ −177; december 2025: 176, ↓ −176)" in post.text
    assert "Kommunens skadegörelseanmälningar: 0 (november: 1, ↓ −1; december 2025: 0, → 0)" in post.text


def test_downtime_catches_up_within_a_week_but_a_first_start_mid_month_posts_nothing(sbot: Bot) -> None:
    import_all(sbot)
    sbot.clock.set(local(2026, 12, 4, 15, 0))  # the bot was down from Tuesday to Friday
    sbot.tick()
    assert len(monthly_posts(sbot)) == 1
    sbot.clock.set(local(2027, 2, 12, 10, 0))  # down from January to 12 February: too late for January
    sbot.tick()
    assert len(monthly_posts(sbot)) == 1


def test_two_processes_at_the_same_minute_post_once(sbot: Bot, db_url: str) -> None:
    import_all(sbot)
    other = build(sbot.app.config, clock=sbot.clock, senders={"console": RecordingSender()})
    when = local(2026, 12, 1, 9, 0)
    real = stats_service.followup_message
    inner: list[list[str]] = []

    def interleaved(*args: Any) -> Outbound:
        if not inner:  # while this process draws its charts, the other one does the whole post
            inner.append([])
            inner[0] = post_monthly_if_due(other.services.env, "tbg", when)
        return real(*args)

    try:
        stats_service.followup_message = interleaved  # type: ignore[assignment]
        assert post_monthly_if_due(sbot.app.services.env, "tbg", when) == []
    finally:
        stats_service.followup_message = real
        other.close()
    assert inner == [["tbg monthly 2026-11"]]
    assert len(monthly_posts(sbot)) == 1


def test_without_a_coordinators_channel_each_coordinator_gets_it_and_no_figures_means_no_post(db_url: str) -> None:
    b = make_bot(db_url)  # no coordinators channel, no municipality
    try:
        b.clock.set(local(2026, 12, 1, 9, 0))
        b.tick()
        assert monthly_posts(b, "sara") == []  # nothing imported: nobody is told so every month
        with b.app.services.unit() as uow:
            assert uow.statistics.monthly_posted("tbg", 2026, 11) is not None
        import_file(b.app.services.env, "tbg", "vandalism", DATA / "skadegorelse_kommunen.xlsx")
        b.clock.set(local(2027, 1, 4, 9, 0))
        b.tick()
        [post] = monthly_posts(b, "sara")
        assert post.text.startswith("📊 Månadsuppföljning Tryggare Trelleborg – december 2026\n")
        assert "Polisens anmälda brott: inga uppgifter för december 2026." in post.text
        assert not monthly_posts(b, "anna") and not monthly_posts(b, "kim")
    finally:
        b.app.close()


# --------------------------------------------------------------------------- the command


def texts(out: list[Outbound]) -> str:
    return "\n".join(o.text for o in out)


def test_stats_command_is_for_coordinators_and_answers_bad_months(sbot: Bot) -> None:
    import_all(sbot)
    assert texts(sbot.cmd("anna", "stats")) == 'Kommandot "statistik" är bara för samordnare.'
    assert texts(sbot.cmd("kim", "statistik 2026-10")) == 'Kommandot "statistik" är bara för samordnare.'
    [out] = sbot.cmd("sara", "statistik")  # last month by default
    assert out.kind == "stats" and out.text.startswith("📊 Månadsuppföljning Tryggare Trelleborg – oktober 2026\n")
    assert "Polisens anmälda brott: 178 (september: 168, ↑ +10; oktober 2025: 0, ↑ +178)" in out.text
    assert "Kommunens skadegörelseanmälningar: 6 (september: 2, ↑ +4" in out.text
    assert "  Platser: Stortorget 3 · Norrskolan 1 · Resecentrum 1 · Åkerlundsparken 1" in out.text
    assert len(out.attachments) == 3
    [nov] = sbot.cmd("sara", "stats 2026-11")  # the month so far
    assert nov.text == NOVEMBER
    assert texts(sbot.cmd("sara", "stats 2026-13")) == (
        "Månaden 2026-13 förstår jag inte; skriv den som 2026-11 (eller bara statistik för förra månaden)."
    )
    assert "förstår jag inte" in texts(sbot.cmd("sara", "stats november"))
    assert texts(sbot.cmd("sara", "stats 2027-01")) == "januari 2027 har inte börjat än; välj en månad som har varit."
    assert texts(sbot.cmd("sara", "stats 2026-10 2026-11")) == "Så här: statistik [ÅÅÅÅ-MM]"
    [empty] = sbot.cmd("sara", "stats 2020-01")
    assert empty.attachments == () and "Inga siffror är importerade för januari 2020." in empty.text
    sbot.cmd("sara", "language en")
    [english] = sbot.cmd("sara", "stats 2026-11")
    assert english.text.startswith("📊 Monthly follow-up Tryggare Trelleborg – November 2026\n")
    assert "Crimes reported to the police: 177 (October: 178, ↓ −1; November 2025: 176, ↑ +1)" in english.text
    assert english.attachments[0].filename == "statistik-2026-11-manad-en.png"
    assert "stats [YYYY-MM]" in texts(sbot.cmd("sara", "help"))


# --------------------------------------------------------------------------- the situation picture


def event(ident: int, when: str, kind: str, location: str, summary: str) -> dict[str, Any]:
    return {
        "id": ident,
        "datetime": when,
        "name": f"{when[:10]}, {kind}, {location}",
        "summary": summary,
        "url": f"/aktuellt/handelser/{ident}/",
        "type": kind,
        "location": {"name": location, "gps": "55.375423,13.157252"},
    }


def test_the_weeks_police_events_in_the_areas_appear_in_the_picture(sbot: Bot, tmp_path: Path) -> None:
    week = [
        event(700001, "2026-11-12 07:59:00 +01:00", "Skadegörelse", "Trelleborg", "Klotter vid Stortorget."),  # W46
        event(700002, "2026-11-12 08:00:00 +01:00", "Misshandel", "Trelleborg", "Bråk utanför Norrskolan."),
        event(700003, "2026-11-14 22:15:00 +01:00", "Brand", "Trelleborg", "Brand vid Stortorget och Norrskolan."),
        event(700004, "2026-11-15 23:30:12 +01:00", "Bråk", "Trelleborg", "Ungdomar bråkade vid resecentrum."),
        event(700005, "2026-11-16 02:00:00 +01:00", "Rattfylleri", "Trelleborg", "En bilist stoppades."),
        event(700006, "2026-11-16 12:00:00 +01:00", "Stöld", "Norr", "Cykelstöld."),
        event(700007, "2026-11-16 13:00:00 +01:00", "Rån", "Vellinge", "Rån vid Stortorget i Vellinge."),
        event(700008, "2026-11-19 08:00:00 +01:00", "Brand", "Trelleborg", "Brand vid Stortorget."),  # W48
    ]
    path = tmp_path / "handelser.json"
    path.write_text(json.dumps(week, ensure_ascii=False), "utf-8")
    sbot.tick()  # Tuesday: week 47 opens
    report = import_file(sbot.app.services.env, "tbg", "events", path)
    assert (report.new, report.skipped["outside the municipality"]) == (7, 1)
    shown = texts(sbot.cmd("sara", "lägesbild"))
    heading = "Polisens händelser i områdena"
    assert f"\n\n{heading}\n{'─' * len(heading)}\n" in shown
    section = shown.split(f"{heading}\n{'─' * len(heading)}\n")[1].split("\n\n")[0]
    assert section.splitlines() == [
        "• Norr · Norrskolan: tor 12/11 08:00 – Misshandel: Bråk utanför Norrskolan.",
        "• Centrum · Resecentrum: sön 15/11 23:30 – Bråk: Ungdomar bråkade vid resecentrum.",
        "• Norr: mån 16/11 12:00 – Stöld: Cykelstöld.",
    ]
    with sbot.app.services.unit() as uow:
        group = sbot.app.config.group("tbg")
        rnd = uow.rounds.get_round("tbg", RoundKey(2026, 47))
        assert rnd is not None
        pic = sbot.app.services.picture(uow, group, rnd)
    assert len(pic.input.police_events) == 3
    html = render_picture_html(pic)
    assert "<h2>Polisens händelser i områdena</h2>" in html
    assert "<strong>Centrum · Resecentrum</strong>: sön 15/11 23:30 – Bråk: Ungdomar bråkade vid resecentrum." in html
    sbot.clock.set(TUE_OPEN + timedelta(days=2, minutes=5))  # Thursday's draft to the meeting
    sbot.tick()
    draft = [o for o in sbot.sender.to("möte") if o.kind == "picture"][-1]
    assert "🚓 Polisens händelser i områdena: 3" in draft.text
