"""The weeks pages (handlers/web/pages/weeks.py) through the TestClient over the eight published weeks of
tests/support/report_data.py: the list of weeks, and one week's heatmap, what stands out, decisions, approved
notes, links, and what only coordinators see."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from starlette.testclient import TestClient

from bot.domain.cycle import RoundKey
from tests.integration.web.conftest import PEOPLE, Web
from tests.support.report_data import APPROVED_NOTE, HIDDEN_NOTE

HOSTILE = "<script>alert(1)</script>"


def text_of(page: str) -> str:
    """The page's text, tags dropped and entities decoded, whitespace collapsed: what a reader reads."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_list_has_a_line_per_week_newest_first_with_what_stands_out(
    web_client: Callable[[str | None], TestClient],
) -> None:
    page = web_client("participant").get("/weeks")
    assert page.status_code == 200
    assert "<caption>Veckorna i Tryggare Trelleborg</caption>" in page.text
    assert '<th scope="col">Röda rutor</th>' in page.text
    weeks = re.findall(r'<a href="[^"]*/weeks/(2026-W\d\d)">', page.text)
    assert weeks == [f"2026-W{w}" for w in range(47, 39, -1)]
    text = text_of(page.text)
    # W47: Anna 3 and Bo 2 on drugs in Centrum, at Stortorget both
    assert "2026-W47 3 av 3 (100 %) 1" in text
    assert "Centrum · Narkotika, öppen droghantering: röd nivå (3) från 1 rapportör" in text
    assert text.count("Ja") >= 8  # every week is published


def test_the_week_shows_levels_changes_standouts_and_approved_notes_only(
    web_client: Callable[[str | None], TestClient],
) -> None:
    page = web_client("participant").get("/weeks/2026-W47")
    assert page.status_code == 200
    text = text_of(page.text)
    assert '<td class="est-level est-level-red">' in page.text
    assert "2,5 förändring sedan förra veckan: ↑ +1,0 2 svar" in text  # W46: 2 and 1 → 1,5; W47: 3 and 2
    assert "röd nivå (3) från 1 rapportör" in text
    assert "Stortorget" in text and "nämnd av 2 rapportörer" in text
    assert APPROVED_NOTE in text and HIDDEN_NOTE not in page.text
    assert '<a href="/reports/2026-W47.pdf">' in page.text and '<a href="/reports/2026-W47.html">' in page.text
    assert "export.csv" not in page.text and "export.xlsx" not in page.text  # exports: coordinators only
    assert "Har inte svarat" not in text


def test_a_week_with_a_decision_shows_who_acts_when_and_the_votes(
    web_client: Callable[[str | None], TestClient],
) -> None:
    text = text_of(web_client("participant").get("/weeks/2026-W45").text)
    assert "Stortorget, Centrum Närvaro Trygghetsvärdar I helgen 2 röster" in text
    assert "beslutad" in text


def test_a_coordinator_sees_the_exports_and_who_has_not_answered(
    web: Web, web_client: Callable[[str | None], TestClient]
) -> None:
    with web.app.services.unit() as uow:
        group = web.app.config.groups[0].id
        rnd = uow.rounds.get_round(group, RoundKey(2026, 47))
        bo = uow.people.person_by_name(group, "Bo Berg")
        kim = uow.people.person_by_name(group, PEOPLE["participant"])
        assert rnd is not None and bo is not None and kim is not None
        uow.rounds.get_or_create_response(rnd.id, kim.id, kim.organisation, web.clock.now())  # asked, not answered
        uow.commit()
    client = web_client("coordinator")
    page = client.get("/weeks/2026-W47")
    assert page.status_code == 200
    assert "/weeks/2026-W47/export.csv" in page.text and "/weeks/2026-W47/export.xlsx" in page.text
    assert "<caption>Rapportörer som inte har svarat vecka 2026-W47</caption>" in page.text
    assert '<th scope="row">Kim Polis</th>' in page.text
    links = re.findall(r'<a href="([^"]+)">(?:Veckorapporten|Svaren) ', page.text)
    assert len(links) == 4
    for href in links:  # the report's and the exports' own routes answer
        assert client.get(href).status_code == 200, href


def test_a_hostile_place_name_is_shown_as_text(web: Web, web_client: Callable[[str | None], TestClient]) -> None:
    with web.app.services.unit() as uow:
        centrum = uow.groups.area_by_code(web.app.config.groups[0].id, "centrum")
        place = next(p for p in uow.groups.places(centrum.id) if p.name == "Stortorget")
        uow.groups.rename_place(place.id, HOSTILE)
        uow.commit()
    client = web_client("coordinator")
    page = client.get("/weeks/2026-W47")
    assert page.status_code == 200
    assert HOSTILE not in page.text
    assert "nämnd av 2 rapportörer" in text_of(page.text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text  # in what stands out and in the candidates
    listing = client.get("/weeks")
    assert listing.status_code == 200 and HOSTILE not in listing.text


def test_a_week_that_is_not_there_is_a_clear_404(web_client: Callable[[str | None], TestClient]) -> None:
    client = web_client("participant")
    for path in ("/weeks/2026-W30", "/weeks/2026-W99", "/weeks/nonsense", "/weeks/%3Cscript%3E"):
        page = client.get(path)
        assert page.status_code == 404, path
        assert "Veckan finns inte" in page.text
    assert "&lt;script&gt;" in client.get("/weeks/%3Cscript%3E").text


def test_the_weeks_in_english(web: Web, web_client: Callable[[str | None], TestClient]) -> None:
    with web.app.services.unit() as uow:
        kim = uow.people.person_by_name(web.app.config.groups[0].id, PEOPLE["participant"])
        assert kim is not None
        uow.people.set_language(kim.id, "en")
        uow.commit()
    client = web_client("participant")
    listing = client.get("/weeks")
    assert "<caption>The weeks of Tryggare Trelleborg</caption>" in listing.text
    text = text_of(client.get("/weeks/2026-W47").text)
    assert "Levels by area and factor" in text and "What stands out" in text
    assert "2.5 change since last week: ↑ +1.0 2 reports" in text
    assert "red level (3) from 1 reporter" in text
    assert "The weekly report as PDF" in text
