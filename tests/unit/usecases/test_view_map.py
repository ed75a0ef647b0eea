"""The map's read side over in-memory storage: places with a level in the period, how high and how often they
were named, their factors, weeks and actions; approved shared locations drawn, unapproved places left out;
places without a position listed but not drawn; the areas' outlines from the settings."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from bot.domain.conversation_state import ConversationState
from bot.domain.cycle import RoundKey
from bot.domain.model import AnswerIn, Person
from bot.usecases.views.map import DEFAULT_WEEKS, MAX_WEEKS, map_data
from tests.unit.fakes.bot import FakeBot, fake_config

NOW = datetime(2026, 11, 17, 7, 0, tzinfo=UTC)  # Tuesday of 2026-W47
W47 = RoundKey(2026, 47)
SQUARE = [[13.15, 55.37], [13.17, 55.37], [13.17, 55.38], [13.15, 55.38], [13.15, 55.37]]


def build(tmp_path: Path) -> FakeBot:
    outline = tmp_path / "norr.geojson"
    outline.write_text(json.dumps({"type": "Polygon", "coordinates": [SQUARE]}), encoding="utf-8")
    areas = [
        {
            "code": "centrum",
            "name": "Centrum",
            "places": [{"name": "Stortorget", "lat": 55.375, "lon": 13.157}, "Resecentrum"],
        },
        {"code": "norr", "name": "Norr", "places": ["Norrskolan"], "outline": str(outline)},
    ]
    return FakeBot.build(fake_config(tmp_path / "reports", areas=areas))


def person(bot: FakeBot, account: str, lang: str | None = None) -> Person:
    with bot.unit() as uow:
        p = uow.people.person_by_account("console", account)
        assert p is not None
        if lang:
            uow.people.set_language(p.id, lang)
            uow.commit()
            p = uow.people.get_person(p.id)
    return p


def report(bot: FakeBot, key: RoundKey, who: str, answers: list[tuple[str, str, int, str | None]]) -> None:
    """`who` submits in week `key`: (area code, factor, level, place name or None) per answer; a place not in the
    area yet is created as a reporter's place (waiting for review)."""
    with bot.unit() as uow:
        rnd = uow.rounds.get_round("tbg", key) or uow.rounds.create_round("tbg", key, NOW)
        p = uow.people.person_by_account("console", who)
        assert p is not None
        resp = uow.rounds.get_or_create_response(rnd.id, p.id, p.organisation, NOW)
        uow.rounds.save_response(resp.id, 0, ConversationState(), "submitted", None, False, NOW, NOW)
        rows = []
        for code, factor, level, place in answers:
            area = uow.groups.area_by_code("tbg", code)
            pid = uow.groups.get_or_create_place(area.id, place, NOW).id if place else None
            rows.append(AnswerIn(area.id, factor, level, pid, None))
        uow.rounds.replace_answers(resp.id, rows, None)
        uow.commit()


def decide(bot: FakeBot, key: RoundKey, area: str, place: str, title: str) -> None:
    with bot.unit() as uow:
        rnd = uow.rounds.get_round("tbg", key)
        assert rnd is not None
        cid = uow.meeting.add_candidate(rnd.id, title, area, place, ("klotter",), title, (), "manual", 0)
        assert cid is not None
        uow.meeting.set_candidate_field(cid, "responsible", "municipality")
        uow.meeting.decide_candidate(cid, True, "tbg", rnd.id, NOW)
        uow.commit()


def test_places_with_their_levels_factors_weeks_and_actions(tmp_path: Path) -> None:
    bot = build(tmp_path)
    report(
        bot, W47.minus(2), "anna", [("centrum", "klotter", 2, "Stortorget"), ("centrum", "narkotika", 3, "Stortorget")]
    )
    report(bot, W47, "anna", [("centrum", "klotter", 3, "Stortorget"), ("centrum", "skadegorelse", 1, "Resecentrum")])
    report(bot, W47, "bo", [("centrum", "klotter", 1, "Stortorget"), ("norr", "klotter", 2, "Norrskolan")])
    decide(bot, W47.minus(2), "centrum", "Stortorget", "Belysning vid torget")
    decide(bot, W47, "norr", "Norrskolan", "Fler vuxna på skolgården")

    data = map_data(bot.services.env, person(bot, "kim"))

    assert (data.first, data.last, data.weeks) == ("2026-W36", "2026-W47", DEFAULT_WEEKS)
    assert [(p.name, p.area_name, p.mentions, p.highest, p.mean, p.colour, p.drawn) for p in data.places] == [
        ("Stortorget", "Centrum", 4, 3, "2,3", "orange", True),
        ("Norrskolan", "Norr", 1, 2, "2,0", "orange", False),
        ("Resecentrum", "Centrum", 1, 1, "1,0", "yellow", False),
    ]
    assert data.drawn == 1
    torget = data.places[0]
    assert (torget.lat, torget.lon, torget.hex, torget.level) == (55.375, 13.157, "#f07c00", "Återkommande")
    assert torget.summary == "Nämnd 4 gånger, högsta nivå 3, medelnivå 2,3"
    assert [f.text for f in torget.factors] == [
        "Klotter: 3 gånger, högst 3, medel 2,0",  # as high, and named more often
        "Narkotika, öppen droghantering: 1 gång, högst 3, medel 3,0",
    ]
    assert [w.text for w in torget.weeks] == ["2026-W45: 2 gånger, högst 3", "2026-W47: 2 gånger, högst 3"]
    assert [a.text for a in torget.actions] == ["2026-W45: Belysning vid torget (Kommunen, planerad)"]
    assert [a.title for a in data.places[1].actions] == ["Fler vuxna på skolgården"]
    assert data.places[2].actions == ()
    # Outlines come from the settings: norr has one, centrum none.
    assert [(a.code, a.name) for a in data.areas] == [("centrum", "Centrum"), ("norr", "Norr")]
    assert data.areas[0].outline is None
    assert data.areas[1].outline == ((tuple((lon, lat) for lon, lat in SQUARE),),)


def test_in_english(tmp_path: Path) -> None:
    bot = build(tmp_path)
    report(bot, W47, "anna", [("centrum", "klotter", 3, "Stortorget"), ("centrum", "narkotika", 2, "Stortorget")])
    decide(bot, W47, "centrum", "Stortorget", "Lights")
    [torget] = map_data(bot.services.env, person(bot, "kim", "en")).places
    assert torget.summary == "Named 2 times, highest level 3, mean level 2.5"
    assert torget.level == "Serious / escalating" and torget.colour == "red"
    assert next(f.text for f in torget.factors) == "Graffiti: 1 time, highest 3, mean 3.0"
    assert [a.text for a in torget.actions] == ["2026-W47: Lights (Municipality, planned)"]


def test_the_period_filters_weeks_levels_and_actions(tmp_path: Path) -> None:
    bot = build(tmp_path)
    report(bot, W47.minus(20), "anna", [("centrum", "klotter", 3, "Stortorget")])
    decide(bot, W47.minus(20), "centrum", "Stortorget", "Gammal åtgärd")
    report(bot, W47.minus(1), "anna", [("centrum", "klotter", 1, "Stortorget")])
    kim = person(bot, "kim")
    env = bot.services.env

    [recent] = map_data(env, kim).places
    assert (recent.mentions, recent.highest, recent.actions) == (1, 1, ())
    assert [w.week for w in recent.weeks] == ["2026-W46"]

    old = map_data(env, kim, RoundKey(2026, 20), RoundKey(2026, 30))
    assert (old.first, old.last, old.weeks) == ("2026-W20", "2026-W30", 11)
    [torget] = old.places
    assert (torget.mentions, torget.highest, [a.title for a in torget.actions]) == (1, 3, ["Gammal åtgärd"])

    both = map_data(env, kim, W47, RoundKey(2026, 1))  # the other way round: put in order
    assert (both.first, both.last) == ("2026-W01", "2026-W47")
    assert both.places[0].mentions == 2 and both.places[0].mean == "2,0"

    assert map_data(env, kim, RoundKey(2025, 1), RoundKey(2025, 10)).places == ()
    # Only the first week chosen: twelve weeks from it; a very long period keeps its last week.
    assert (map_data(env, kim, RoundKey(2026, 20)).last) == "2026-W31"
    longest = map_data(env, kim, RoundKey(2020, 1), W47)
    assert longest.weeks == MAX_WEEKS and longest.last == "2026-W47"


def test_shared_locations_are_drawn_once_approved_and_unapproved_places_never(tmp_path: Path) -> None:
    bot = build(tmp_path)
    with bot.unit() as uow:
        area = uow.groups.area_by_code("tbg", "centrum")
        shared = uow.groups.get_or_create_place(area.id, "55.3801, 13.1602", NOW, lat=55.3801, lon=13.1602)
        uow.commit()
    report(bot, W47, "anna", [("centrum", "klotter", 2, shared.name), ("centrum", "narkotika", 3, "Kiosken")])
    kim, env = person(bot, "kim"), bot.services.env

    assert map_data(env, kim).places == ()  # both wait for a coordinator

    with bot.unit() as uow:
        assert uow.groups.set_place_review("tbg", shared.id, "approved")
        uow.commit()
    [place] = map_data(env, kim).places
    assert (place.name, place.lat, place.lon, place.drawn, place.mentions) == (shared.name, 55.3801, 13.1602, True, 1)
