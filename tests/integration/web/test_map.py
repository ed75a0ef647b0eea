"""The map page (/map) and its data (/map/data.json) through the TestClient: the table of places (the page's text
alternative), the data block the script draws from, hostile place names kept as text, the period form, and the
tiles' settings (none for a closed network)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator

import pytest
from markupsafe import escape
from starlette.testclient import TestClient

from bot.bootstrap import build
from bot.clock import ManualClock
from bot.domain.conversation_state import ConversationState
from bot.domain.cycle import RoundKey
from bot.domain.model import AnswerIn
from tests.conftest import TUE_OPEN, RecordingSender, make_config
from tests.integration.web.conftest import PEOPLE, Web, statements
from tests.support.report_data import seed

HOSTILE = '</script><script>alert("x")</script><img src=x onerror=alert(1)>'
DATA_BLOCK = re.compile(r'<script type="application/json" id="map-data">(.*?)</script>', re.DOTALL)
AREAS = [
    {
        "code": "centrum",
        "name": "Centrum",
        "places": [{"name": "Stortorget", "lat": 55.3753, "lon": 13.1571}, "Resecentrum"],
    },
    {"code": "norr", "name": "Norr", "places": ["Norrskolan"]},
]


def hostile_place(web: Web) -> None:
    """A location a reporter shared, approved under a hostile name, and named at level 3 in 2026-W47."""
    with web.app.services.unit() as uow:
        area = uow.groups.area_by_code("tbg", "centrum")
        place = uow.groups.get_or_create_place(area.id, HOSTILE, TUE_OPEN, lat=55.3760, lon=13.1590)
        assert uow.groups.set_place_review("tbg", place.id, "approved") is not None
        rnd = uow.rounds.get_round("tbg", RoundKey(2026, 47))
        assert rnd is not None
        kim = uow.people.person_by_name("tbg", "Kim Polis")
        assert kim is not None
        resp = uow.rounds.get_or_create_response(rnd.id, kim.id, kim.organisation, TUE_OPEN)
        uow.rounds.replace_answers(resp.id, [AnswerIn(area.id, "klotter", 3, place.id, None)], None)
        uow.rounds.save_response(
            resp.id, resp.version, ConversationState(), "submitted", None, False, TUE_OPEN, TUE_OPEN
        )
        uow.commit()


def make_web(db_url: str, tiles: str | None, seeded: bool) -> Web:
    """The test group's app over the database, its places with positions (Stortorget's from the settings); the
    data set written once."""
    clock = ManualClock(TUE_OPEN)
    sender = RecordingSender()
    config = make_config(db_url, areas=AREAS)
    if tiles is not None:
        web_settings = config.web.model_copy(update={"map": config.web.map.model_copy(update={"tiles": tiles})})
        config = config.model_copy(update={"web": web_settings})
    app = build(config, clock=clock, senders={"console": sender})
    web = Web(app, clock, {} if seeded else seed(app, TUE_OPEN), sender)
    if not seeded:
        hostile_place(web)
    return web


@pytest.fixture
def map_client(db_url: str) -> Iterator[Callable[..., TestClient]]:
    """`map_client(role="participant", tiles=None)`: a signed-in client; `tiles` replaces [web.map] tiles."""
    webs: list[Web] = []
    clients: list[TestClient] = []

    def make(role: str = "participant", tiles: str | None = None) -> TestClient:
        web = make_web(db_url, tiles, seeded=bool(webs))
        webs.append(web)
        client = web.signed_in(PEOPLE[role])
        clients.append(client)
        return client

    yield make
    for c in clients:
        c.close()
    for w in webs:
        w.app.close()


def data_block(page: str) -> dict[str, object]:
    match = DATA_BLOCK.search(page)
    assert match is not None, "no data block"
    data: dict[str, object] = json.loads(match.group(1))
    return data


def rows(page: str) -> list[list[str]]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    out = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)
        out.append([" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells])
    return out


def test_the_map_page_lists_the_places_and_embeds_their_data(map_client: Callable[..., TestClient]) -> None:
    page = map_client().get("/map")
    assert page.status_code == 200
    text = page.text
    assert '<div id="map"' in text and 'data-tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in text
    assert 'data-attribution="&amp;copy; &lt;a href=&#34;https://www.openstreetmap.org/copyright&#34;&gt;' in text
    assert "/static/vendor/leaflet/leaflet.js" in text and "/static/map.js" in text
    assert "/static/vendor/leaflet/leaflet.css" in text
    assert "<script>" not in text.replace('<script type="application/json" id="map-data">', "")
    assert "2026-W36" in text and 'value="2026-W47"' in text  # the default period: the last 12 weeks

    table = rows(text)
    names = [r[0] for r in table]
    assert names[0].startswith(HOSTILE)  # level 3 once: highest first
    assert names[1:] == ["Stortorget Visa på kartan", "Norrskolan (ingen position)"]
    torget = table[1]
    assert torget[1:5] == ["Centrum", "3", "3", "2,3 (Återkommande)"]
    assert torget[5] == "Narkotika, öppen droghantering: 3 gånger, högst 3, medel 2,3"
    assert torget[6] == "2026-W46: 1 gång, högst 2 2026-W47: 2 gånger, högst 3"
    assert "2026-W45: Stortorget, Centrum (Trygghetsvärdar, planerad)" in torget[7]
    norr = table[2]
    assert norr[1:5] == ["Norr", "2", "2", "2,0 (Återkommande)"]
    assert "2026-W41: Norrskolan, Norr (Kommunen, genomförd)" in norr[7]
    assert "1 av platserna saknar position och finns bara i tabellen." in text

    data = data_block(text)
    places = data["places"]
    assert isinstance(places, list)
    assert [(p["name"], p["drawn"], p["lat"], p["lon"]) for p in places] == [
        (HOSTILE, True, 55.376, 13.159),
        ("Stortorget", True, 55.3753, 13.1571),
        ("Norrskolan", False, None, None),
    ]
    assert data["labels"] == {
        "factors": "Faktorer",
        "weeks": "Veckor",
        "actions": "Åtgärder",
        "map": "Karta över platserna med en nivå",
    }


def test_a_hostile_place_name_stays_text(map_client: Callable[..., TestClient]) -> None:
    text = map_client().get("/map").text
    # In the page it is escaped; in the data block "<" is \u003c, so "</script>" cannot end the block early.
    assert HOSTILE not in text
    assert str(escape(HOSTILE)) in text  # the table's row header
    block = DATA_BLOCK.search(text)
    assert block is not None and "</script" not in block.group(1) and "\\u003c/script\\u003e" in block.group(1)
    assert data_block(text)["places"][0]["name"] == HOSTILE  # type: ignore[index]
    assert text.count("<script") == 3  # the data block, Leaflet and map.js


def test_the_data_as_json(map_client: Callable[..., TestClient]) -> None:
    client = map_client()
    answer = client.get("/map/data.json", params={"from": "2026-W40", "to": "2026-W41"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/json")
    data = answer.json()
    assert (data["first"], data["last"], data["weeks"]) == ("2026-W40", "2026-W41", 2)
    assert [p["name"] for p in data["places"]] == ["Norrskolan"]
    [norr] = data["places"]
    assert norr["weeks"] == ["2026-W40: 1 gång, högst 2", "2026-W41: 1 gång, högst 2"]
    assert norr["actions"] == ["2026-W41: Norrskolan, Norr (Kommunen, genomförd)"]
    assert (norr["mentions"], norr["highest"], norr["mean"], norr["colour"]) == (2, 2, "2,0", "orange")
    assert [a["code"] for a in data["areas"]] == ["centrum", "norr"]
    bad = client.get("/map/data.json", params={"from": "vecka 3"})
    assert bad.status_code == 400 and "Okänd vecka vecka 3" in bad.json()["error"]


def test_the_period_form_and_a_week_that_cannot_be_read(map_client: Callable[..., TestClient]) -> None:
    client = map_client()
    page = client.get("/map", params={"from": "2026-W40", "to": "2026-W41"}).text
    assert [r[0] for r in rows(page)] == ["Norrskolan (ingen position)"]
    assert 'name="from" type="week" value="2026-W40"' in page and 'value="2026-W41"' in page
    wrong = client.get("/map", params={"from": "<b>nej</b>"})
    assert wrong.status_code == 200
    assert "Okänd vecka &lt;b&gt;nej&lt;/b&gt;: skriv den som 2026-W47." in wrong.text
    assert 'value="2026-W36"' in wrong.text
    empty = client.get("/map", params={"from": "2025-W01", "to": "2025-W05"}).text
    assert "Inga platser nämndes med en nivå under perioden." in empty and "<table" not in empty


def test_tiles_off_draws_only_outlines_and_places(map_client: Callable[..., TestClient]) -> None:
    page = map_client(tiles="").get("/map")
    text = page.text
    assert '<div id="map"' in text and "data-tiles" not in text and "data-attribution" not in text
    assert "Kartan visas utan bakgrundskarta" in text
    assert "openstreetmap" not in page.headers["content-security-policy"]
    assert "tile.openstreetmap.org" in map_client().get("/map").headers["content-security-policy"]


def test_only_for_participants_and_coordinators(map_client: Callable[..., TestClient]) -> None:
    assert map_client("reporter").get("/map").status_code == 403
    assert map_client("reporter").get("/map/data.json").status_code == 403
    assert map_client("coordinator").get("/map").status_code == 200


def test_the_queries_do_not_grow_with_the_period_or_the_places(db_url: str) -> None:
    web = make_web(db_url, None, seeded=False)
    try:
        client = web.signed_in(PEOPLE["participant"])
        one = statements(web, client, "/map?from=2026-W40&to=2026-W40")  # one place
        assert statements(web, client, "/map") == one  # three places over twelve weeks (most of them not counted yet)
        # every week counted already (storage/round_cache.py): the counting query is left out
        assert statements(web, client, "/map/data.json?from=2026-W20&to=2026-W47") == one - 1
        client.close()
    finally:
        web.app.close()
