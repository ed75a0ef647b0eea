"""Places reporters type and locations they share wait for a coordinator: `review` lists them, approves (under a
better name if wanted) or rejects them; until then they are neither offered to other reporters nor named in the
picture. A shared location is kept at about 100 m, or as the nearest approved place; never the raw fix."""

from __future__ import annotations

import re

from sqlalchemy import select, text

from bot.bootstrap import build
from bot.clock import ManualClock
from storage.models import Base
from tests.conftest import TUE_OPEN, Bot, RecordingSender, group_dict, make_config
from tests.integration.commands.test_commands import texts
from tests.integration.usecases.test_privacy import rows


def answer_at(bot: Bot, who: str, place: str | None = None, location: tuple[float, float] | None = None) -> None:
    """`who` reports graffiti (question 3) at level 2 at a typed `place` or a shared `location`, and sends."""
    bot.cmd(who, "rapport")
    bot.press(who, ":g:start")
    bot.press(who, ":0")
    bot.press(who, ":0")
    bot.press(who, ":2")
    if location is not None:
        bot.say(who, "location", location=location)
    else:
        assert place is not None
        q = bot.last_question(who)
        if place in q.data["places"]:
            bot.press(who, place)
        else:
            bot.text(who, place)
    bot.text(who, "Nytt klotter på väggen")
    while bot.last_question(who).data.get("step") == "level":
        bot.press(who, ":0")
    bot.press(who, ":m:skip")
    bot.press(who, ":s:send")


def menu_places(bot: Bot, who: str) -> list[str]:
    """The places offered to `who` at their first where-question (they stop there)."""
    bot.cmd(who, "rapport")
    for _ in range(30):
        q = bot.last_question(who)
        if "places" in q.data:
            return list(q.data["places"])
        bot.press(who, ":g:start" if any(c.id.endswith(":g:start") for c in q.all_choices()) else ":2")
    raise AssertionError("no where-question")


def waiting(bot: Bot, name: str) -> str:
    """The P-id `review` shows for a waiting place."""
    for line in texts(bot.cmd("sara", "granska")).splitlines():
        if name in line and re.match(r"P\d+ ", line):
            return line.split()[0]
    raise AssertionError(f"{name!r} is not waiting for review")


def waiting_places(bot: Bot) -> list[str]:
    return [line for line in texts(bot.cmd("sara", "granska")).splitlines() if re.match(r"P\d+ ", line)]


def everything(bot: Bot) -> str:
    """Every row of every table, as text."""
    with bot.app.engine.connect() as conn:
        return "\n".join(str(tuple(r)) for table in Base.metadata.sorted_tables for r in conn.execute(select(table)))


def test_a_typed_place_waits_for_a_coordinator_before_it_is_offered_or_reported(bot: Bot) -> None:
    bot.tick()
    answer_at(bot, "anna", "Kiosken vid torget")
    # not offered to Bo, not in the picture
    assert menu_places(bot, "bo") == ["Stortorget", "Resecentrum"]
    picture = texts(bot.cmd("sara", "picture"))
    assert "Kiosken" not in picture and "ny plats" not in picture
    assert "Platser som väntar på granskning: 1 (se granska)." in texts(bot.cmd("sara", "status"))
    # review lists it with the notes, in Swedish and in English
    listing = texts(bot.cmd("sara", "granska"))
    assert "Platser som rapportörer skrivit eller delat och som väntar på granskning:" in listing
    pid = waiting(bot, "Kiosken vid torget")
    assert f"{pid} Centrum: Kiosken vid torget (svar: 1)" in listing
    assert "Nytt klotter på väggen" in listing  # the note is still there to review
    bot.cmd("sara", "språk en")
    listing_en = texts(bot.cmd("sara", "review"))
    assert f"{pid} Centrum: Kiosken vid torget (answers: 1)" in listing_en
    assert "Approve: review approve P-ID [new name]" in listing_en and "granska" not in listing_en
    # mistakes change nothing
    assert texts(bot.cmd("sara", "review approve P999")) == "There is no place P999 to review."
    assert "only for coordinators" in texts(bot.cmd("cecilia", f"review approve {pid}"))
    assert rows(bot, "SELECT review FROM places WHERE name = 'Kiosken vid torget'") == [("pending",)]
    out = texts(bot.cmd("sara", f"review approve {pid}"))
    assert (
        out == f"Place {pid} is approved: Kiosken vid torget. It is now offered in the menus and shown in the picture."
    )
    bot.cmd("sara", "language sv")
    # now offered and reported as a new place
    bot.text("bo", "Stortorget")  # Bo answers his open question and goes on to the next
    bot.text("bo", "Lugnt")
    assert "Kiosken vid torget" in menu_places(bot, "bo")
    picture = texts(bot.cmd("sara", "picture"))
    assert "Kiosken vid torget" in picture and "ny plats" in picture
    assert waiting_places(bot) == []  # no longer waiting
    assert "granskning" not in texts(bot.cmd("sara", "status"))
    audit = rows(bot, "SELECT detail FROM audit WHERE action = 'review_place'")
    assert len(audit) == 1 and "Kiosken" not in str(audit)


def test_a_rejected_place_is_never_offered_nor_reported(bot: Bot) -> None:
    bot.tick()
    answer_at(bot, "anna", "Utanför Kalles lägenhet")
    pid = waiting(bot, "Kalles")
    assert texts(bot.cmd("sara", f"granska avvisa {pid}")).startswith(f"Plats {pid} är avvisad")
    assert waiting_places(bot) == []
    assert "Kalles" not in " ".join(menu_places(bot, "bo"))
    assert "Kalles" not in texts(bot.cmd("sara", "picture"))
    # a reporter who types it again joins the rejected place: it does not come back for review or into menus
    bot.text("bo", "utanför kalles  lägenhet")  # Bo is at his where-question
    bot.text("bo", "Klotter")
    while bot.last_question("bo").data.get("step") == "level":
        bot.press("bo", ":0")
    bot.press("bo", ":m:skip")
    bot.press("bo", ":s:send")
    assert waiting_places(bot) == []
    assert rows(bot, "SELECT review FROM places WHERE name LIKE '%Kalles%'") == [("rejected",)]
    # a configured place cannot be rejected here
    (sid,) = rows(bot, "SELECT id FROM places WHERE name = 'Stortorget'")[0]
    assert texts(bot.cmd("sara", f"granska avvisa P{sid}")) == f"Det finns ingen plats P{sid} att granska."


def test_approving_under_a_known_name_merges_the_two_places(bot: Bot) -> None:
    bot.tick()
    answer_at(bot, "anna", "torget framför stadshuset")
    pid = waiting(bot, "torget framför stadshuset")
    out = texts(bot.cmd("sara", f"granska godkänn {pid} Stortorget"))
    assert out.startswith(f"Plats {pid} är godkänd: Stortorget.")
    assert rows(bot, "SELECT count(*) FROM places WHERE name LIKE '%stadshuset%'") == [(0,)]
    assert rows(bot, "SELECT p.name FROM answers a JOIN places p ON p.id = a.place_id WHERE a.level = 2") == [
        ("Stortorget",)
    ]
    assert "Stortorget" in texts(bot.cmd("sara", "picture"))


def test_a_shared_location_is_kept_at_about_100_m_or_as_the_nearest_approved_place(bot: Bot) -> None:
    bot.tick()
    raw = (55.375123, 13.157345)
    answer_at(bot, "anna", location=raw)
    stored = everything(bot)
    for digits in ("55.37512", "13.15734", "55.3751", "13.1573"):
        assert digits not in stored  # the raw fix is nowhere, not even in the saved questionnaire
    assert rows(bot, "SELECT name, lat, lon, review FROM places WHERE lat IS NOT NULL") == [
        ("Delad position 55.375, 13.157", 55.375, 13.157, "pending")
    ]
    listing = texts(bot.cmd("sara", "granska"))
    assert "Delad position 55.375, 13.157 (delad position, svar: 1)" in listing
    pid = waiting(bot, "Delad position")
    bot.cmd("sara", f"granska godkänn {pid} Kiosken vid torget")
    # Bo shares a fix about 80 m away: it becomes that place (within the default 150 m)
    answer_at(bot, "bo", location=(55.37570, 13.15790))
    assert rows(bot, "SELECT p.name FROM answers a JOIN places p ON p.id = a.place_id WHERE a.level = 2") == [
        ("Kiosken vid torget",),
        ("Kiosken vid torget",),
    ]
    assert "nämnd av 2 rapportörer" in texts(bot.cmd("sara", "picture"))
    assert bot.app.config.privacy.location_snap_metres == 150


def test_snapping_can_be_turned_off_and_far_locations_wait_as_new_places(bot: Bot) -> None:
    bot.tick()
    answer_at(bot, "anna", location=(55.375, 13.157))
    bot.cmd("sara", f"granska godkänn {waiting(bot, 'Delad position')} Kiosken")
    object.__setattr__(bot.app.config.privacy, "location_snap_metres", 0)
    answer_at(bot, "bo", location=(55.37504, 13.15704))  # 5 m away, but snapping is off
    names = rows(bot, "SELECT p.name, p.review FROM answers a JOIN places p ON p.id = a.place_id ORDER BY a.id")
    assert ("Kiosken", "approved") in names and ("Delad position 55.375, 13.157", "pending") in names


def test_the_migration_keeps_existing_places_approved(bot: Bot) -> None:
    with bot.app.engine.begin() as conn:
        conn.execute(text("INSERT INTO places (area_id, name, norm, configured, created_at) "
                          "SELECT id, 'Gamla torget', 'gamla torget', false, CURRENT_TIMESTAMP FROM areas "
                          "WHERE code = 'centrum'"))  # fmt: skip
    assert rows(bot, "SELECT review FROM places WHERE name = 'Gamla torget'") == [("approved",)]


def test_a_location_near_a_configured_place_with_a_position_becomes_that_place(db_url: str) -> None:
    areas = group_dict()["areas"]
    areas[0]["places"] = [{"name": "Stortorget", "lat": 55.3755, "lon": 13.1570}, "Resecentrum"]
    sender, clock = RecordingSender(), ManualClock(TUE_OPEN)
    bot = Bot(build(make_config(db_url, areas=areas), clock=clock, senders={"console": sender}), clock, sender, db_url)
    try:
        bot.tick()
        answer_at(bot, "anna", location=(55.37610, 13.15790))  # about 90 m from Stortorget
        answer_at(bot, "bo", location=(55.39000, 13.15700))  # 1.6 km away: waits as a new position
        assert rows(bot, "SELECT p.name, p.review FROM answers a JOIN places p ON p.id = a.place_id ORDER BY a.id") == [
            ("Stortorget", "approved"),
            ("Delad position 55.390, 13.157", "pending"),
        ]
        assert "55.3761" not in everything(bot) and "13.1579" not in everything(bot)
        # the position comes from the file, also for a place the database knew without one
        assert rows(bot, "SELECT lat, lon FROM places WHERE name = 'Stortorget'") == [(55.3755, 13.157)]
    finally:
        bot.app.close()


def test_console_lines_share_a_location_and_review_it(bot: Bot) -> None:
    """What a person types in `est-bot chat`, through the console edge's parser."""
    from handlers.console.edge import parse_line

    def typed(who: str, line: str) -> str:
        q = bot.sender.to(who)
        choices = q[-1].all_choices() if q else []
        inbound = parse_line(line, who, choices, expects_text=False)
        assert inbound is not None
        bot.app.services.handle(inbound)
        return texts(bot.flush(who))

    bot.tick()
    for line in ("rapport", "Börja", "1", "1", "3", "@55.375123,13.157345", "Hoppa över", *["1"] * 9):
        typed("anna", line)
    assert "Något mer" in texts([bot.last_question("anna")])
    typed("anna", "Nej tack")
    assert "är skickad" in typed("anna", "Skicka")
    assert "55.3751" not in everything(bot)
    listing = typed("sara", "granska")
    pid = next(line.split()[0] for line in listing.splitlines() if re.match(r"P\d+ ", line))
    assert typed("sara", f"granska avvisa {pid}").startswith(f"Plats {pid} är avvisad: Delad position 55.375, 13.157.")


def test_retention_deletes_old_place_names_nobody_approved(bot: Bot) -> None:
    from datetime import timedelta

    from bot.usecases.privacy import retention

    bot.tick()
    answer_at(bot, "anna", "Bakom Kalles garage")
    answer_at(bot, "bo", "Kiosken vid torget")
    bot.cmd("sara", f"granska godkänn {waiting(bot, 'Kiosken')}")
    bot.clock.advance(timedelta(weeks=bot.app.config.privacy.note_retention_weeks + 1))
    done = retention(bot.app.services.env)
    assert len(done) == 1 and "'places': 1" in done[0]
    assert rows(bot, "SELECT name FROM places WHERE name LIKE '%Kalles%'") == []
    assert rows(bot, "SELECT count(*) FROM places WHERE name = 'Kiosken vid torget'") == [(1,)]  # approved: kept
    assert rows(bot, "SELECT count(*) FROM answers WHERE level = 2") == [(2,)]  # the levels stay
    assert retention(bot.app.services.env) == []


def test_distances_and_the_grid() -> None:
    from bot.domain.places import coarse, distance_m, nearest_place

    assert coarse(55.375123, 13.157345) == (55.375, 13.157)
    assert coarse(-33.86751, 151.2069) == (-33.868, 151.207)
    assert 110 < distance_m((55.375, 13.157), (55.376, 13.157)) < 112  # 0.001° of latitude
    assert 62 < distance_m((55.375, 13.157), (55.375, 13.158)) < 64  # 0.001° of longitude at 55° N
    places = [("A", 55.3750, 13.1570), ("B", 55.3760, 13.1570)]
    assert nearest_place((55.3754, 13.1570), places, 150) == "A"
    assert nearest_place((55.3757, 13.1570), places, 150) == "B"
    assert nearest_place((55.3800, 13.1570), places, 150) is None
    assert nearest_place((55.3750, 13.1570), places, 0) is None  # 0 turns snapping off
