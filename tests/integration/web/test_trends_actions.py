"""The trends, actions and statistics pages over the report data set (2026-W40 … W47, two decided actions:
#1 in W41 at Norrskolan, done; #2 in W45 at Stortorget), through the TestClient."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

from starlette.testclient import TestClient

from bot.domain.cycle import RoundKey
from bot.usecases.statistics import import_file
from tests.integration.web.conftest import Web, csrf_of, statements
from tests.support.report_data import FIRST_ACTION, SECOND_ACTION

Client = Callable[[str | None], TestClient]
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def rows(page: str) -> dict[str, list[str]]:
    """A table's body rows by their header cell: the cells' text."""
    out: dict[str, list[str]] = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S):
        head = re.search(r'<th scope="row"[^>]*>(.*?)</th>', row, re.S)
        if head:
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            out[_text(head.group(1))] = [_text(c) for c in cells]
    return out


def _text(fragment: str) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", fragment).split()))


def audit(web: Web) -> list[tuple[str, str, dict[str, object]]]:
    """The audit log's changes of actions, newest first."""
    with web.app.services.unit() as uow:
        entries = uow.audit.audit_log("tbg")
    return [(actor, what, detail) for _, _, actor, what, detail in entries if what == "action_status"]


def status_of(web: Web, action_id: int) -> str:
    with web.app.services.unit() as uow:
        (action,) = [a for a in uow.meeting.actions("tbg") if a.id == action_id]
    return action.status


# --------------------------------------------------------------------------- trends


def test_trends_draws_the_level_on_the_bands_with_a_table_of_the_same_figures(web_client: Client) -> None:
    page = web_client("participant").get("/trends?area=centrum&factor=narkotika&span=12")
    assert page.status_code == 200
    text = page.text
    assert re.search(r'<svg class="wt-svg"[^>]*role="img"', text)
    assert 'aria-label="Diagram: nivån för Narkotika, öppen droghantering i Centrum vecka för vecka, 2026-W36' in text
    assert text.count('fill-opacity="0.22"') >= 4  # the four bands
    table = rows(text)
    # W47: Anna 3, Bo 2; W46: 2 and 1; W45: 1 and 0; before W40 no reports: gaps, not zeros
    assert table["2026-W47"][:2] == ["2,5", "2"]
    assert table["2026-W46"][:2] == ["1,5", "2"]
    assert table["2026-W45"] == ["0,5", "2", f"#2 {SECOND_ACTION} (planerad)"]
    assert f'<a href="/actions#action-2">#2 {SECOND_ACTION} (planerad)</a>' in text
    assert table["2026-W39"][:2] == ["–", "0"] and table["2026-W36"][:2] == ["–", "0"]
    assert len(table) == 12
    assert "#2" in re.findall(r'font-weight="bold" fill="#222222">(.*?)</g>', text, re.S)[0]  # marked on the chart
    assert text.count("<path d=") == 1  # one line: W40 … W47, the weeks before are a gap


def test_trends_defaults_52_weeks_and_english(web: Web, web_client: Client) -> None:
    web.chat().cmd("kim", "språk en")
    client = web_client("participant")
    default = client.get("/trends")
    assert default.status_code == 200 and '<html lang="en">' in default.text
    assert "All factors in Centrum" in default.text  # the first area, all factors
    assert len(rows(default.text)) == 12
    wide = client.get("/trends?area=norr&factor=klotter&span=52&junk=1")
    table = rows(wide.text)
    assert len(table) == 52 and table["2026-W40"][:2] == ["1.5", "2"] and table["2026-W47"][:2] == ["0.5", "2"]
    assert table["2026-W41"][2] == f"#1 {FIRST_ACTION} (done)"
    odd = client.get("/trends?area=%3Cscript%3E&factor=x&span=7")
    assert odd.status_code == 200 and "<script>" not in odd.text and len(rows(odd.text)) == 12


def test_a_reporter_may_not_see_trends(web_client: Client) -> None:
    assert web_client("reporter").get("/trends").status_code == 403


# --------------------------------------------------------------------------- actions


def test_actions_with_before_and_after_as_the_reports_define_them(web_client: Client) -> None:
    page = web_client("participant").get("/actions")
    assert page.status_code == 200
    table = rows(page.text)
    first = next(v for k, v in table.items() if k.startswith(f"#1 {FIRST_ACTION}"))
    second = next(v for k, v in table.items() if k.startswith(f"#2 {SECOND_ACTION}"))
    # the rule of bot/domain/effect.py, as in the follow-up report: 1.5 -> 0.5 lower, 0.1 -> 2.0 higher
    assert first[:7] == ["2026-W41", "genomförd", "Kommunen", "Längre sikt", "1,5", "0,5", "↓ −1,0 lägre"]
    assert second[:7] == ["2026-W45", "planerad", "Trygghetsvärdar", "I helgen", "0,1", "2,0", "↑ +1,9 högre"]
    assert "<form" not in page.text.split("<main")[1].split("</main>")[0]  # no forms for a participant
    assert "Så räknas före och efter" in page.text
    assert 'href="/trends?area=centrum&amp;factor=narkotika&amp;span=12">Trenden i området</a>' in page.text


def test_actions_in_english(web: Web, web_client: Client) -> None:
    web.chat().cmd("sara", "språk en")
    page = web_client("coordinator").get("/actions")
    table = rows(page.text)
    first = next(v for k, v in table.items() if k.startswith(f"#1 {FIRST_ACTION}"))
    assert first[:7] == ["2026-W41", "done", "Municipality", "Longer term", "1.5", "0.5", "↓ −1.0 lower"]
    assert '<label for="status-2">New status of action #2</label>' in page.text
    assert "How before and after are worked out" in page.text


def test_a_coordinator_marks_an_action_done_with_the_csrf_token(web: Web, web_client: Client) -> None:
    client = web_client("coordinator")
    page = client.get("/actions")
    assert '<form class="wt-mark" method="post" action="/actions/2/status">' in page.text
    answer = client.post("/actions/2/status", data={"csrf": csrf_of(page.text), "status": "done"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/actions?marked=2&status=done#action-2"
    assert status_of(web, 2) == "done"
    assert audit(web)[0] == ("Sara Samordnare", "action_status", {"id": 2, "status": "done"})
    shown = client.get(answer.headers["location"])
    assert "Åtgärd #2 är markerad som genomförd." in shown.text
    again = client.post("/actions/1/status", data={"csrf": csrf_of(shown.text), "status": "ongoing"})
    assert again.status_code == 303 and status_of(web, 1) == "ongoing"


def test_marking_without_or_with_a_wrong_token_is_refused_and_changes_nothing(web: Web, web_client: Client) -> None:
    client = web_client("coordinator")
    before = audit(web)
    assert client.post("/actions/2/status", data={"status": "done"}).status_code == 403
    assert client.post("/actions/2/status", data={"csrf": "x" * 40, "status": "done"}).status_code == 403
    other = web_client("participant")
    token = csrf_of(other.get("/actions").text)
    assert client.post("/actions/2/status", data={"csrf": token, "status": "done"}).status_code == 403
    assert status_of(web, 2) == "planned" and audit(web) == before


def test_a_participant_may_not_mark_an_action(web: Web, web_client: Client) -> None:
    client = web_client("participant")
    token = csrf_of(client.get("/actions").text)
    answer = client.post("/actions/2/status", data={"csrf": token, "status": "done"})
    assert answer.status_code == 403 and status_of(web, 2) == "planned"


def test_a_bad_status_or_an_unknown_action_is_a_clear_page(web: Web, web_client: Client) -> None:
    client = web_client("coordinator")
    token = csrf_of(client.get("/actions").text)
    before = audit(web)
    bad = client.post("/actions/2/status", data={"csrf": token, "status": "planned"})
    assert bad.status_code == 400 and "kan här markeras som pågår eller genomförd" in bad.text
    # a planned action's menu starts on its own status, not chosen: Spara alone sends no status and changes nothing
    page = client.get("/actions").text
    assert '<option value="" selected disabled>planerad</option>' in page
    assert client.post("/actions/2/status", data={"csrf": token}).status_code == 400
    unknown = client.post("/actions/999/status", data={"csrf": token, "status": "done"})
    assert unknown.status_code == 404 and "ingen åtgärd #999" in unknown.text
    odd = client.post("/actions/%3Cb%3E/status", data={"csrf": token, "status": "done"})
    assert odd.status_code == 404 and "<b>" not in odd.text
    assert status_of(web, 2) == "planned" and audit(web) == before


def test_hostile_text_in_an_action_is_shown_as_text(web: Web, web_client: Client) -> None:
    with web.app.services.unit() as uow:
        rnd = uow.rounds.get_round("tbg", RoundKey(2026, 47))
        assert rnd is not None
        cid = uow.meeting.add_candidate(rnd.id, "manual:centrum:x", "centrum", HOSTILE, (), HOSTILE, (), "manual", 1)
        assert cid is not None
        uow.meeting.decide_candidate(cid, True, "tbg", rnd.id, web.clock.now())
        uow.commit()
    for path in ("/actions", "/trends?area=centrum"):
        page = web_client("coordinator").get(path)
        assert page.status_code == 200
        assert "<script>alert" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text


# --------------------------------------------------------------------------- statistics


def test_statistics_with_a_table_for_every_chart_and_hostile_places_escaped(
    web: Web, web_client: Client, tmp_path: Path
) -> None:
    path = tmp_path / "skadegorelse.csv"
    path.write_text(
        "Ärendenummer;Registrerad;Tid;Plats;Område;Typ av skada;Kostnad (kr);Beskrivning\n"
        "SK-1;2026-10-03;07:40;Stortorget;Centrum;Klotter;100;x\n"
        "SK-2;2026-10-10;07:40;Stortorget;Centrum;Klotter;100;x\n"
        f"SK-3;2026-10-05;07:40;{HOSTILE};Centrum;Glaskross;100;x\n",
        encoding="utf-8",
    )
    import_file(web.app.services.env, "tbg", "vandalism", path)
    page = web_client("participant").get("/statistics")
    assert page.status_code == 200
    text = page.text
    assert "Uppföljning av oktober 2026" in text
    assert "Kommunens skadegörelseanmälningar: 3 (september: 0, ↑ +3; oktober 2025: 0, ↑ +3)" in text
    assert text.count('role="img"') == 3 and text.count("<caption>") == 3 + 3  # and the year's three tables
    table = rows(text)
    assert table["oktober 2026"] == ["0", "3", "0"] and table["lör"] == ["0", "2", "0"]
    assert table["Stortorget"] == ["0", "2", "0", "2"]
    assert "<script>alert" not in text and "<img src=x" not in text and "&lt;img src=x" in text
    # the month's year in brief, as the yearly follow-up words it
    assert "Uppföljning 2026 – Tryggare Trelleborg" in text
    assert "8 veckor med rapporter, 24 inskickade rapporter, i snitt 100 % svarsfrekvens." in text
    assert "2 beslutade åtgärder: 1 genomförd och 1 planerad." in text
    assert table["Bostadsbolaget"] == ["8", "8"] and table["Närvaro"] == ["1"]
    september = web_client("participant").get("/statistics?month=2026-09")
    assert "Uppföljning av september 2026" in september.text


def test_statistics_without_figures_in_english_and_for_a_reporter(web: Web, web_client: Client) -> None:
    web.chat().cmd("kim", "språk en")
    english = web_client("participant").get("/statistics?month=2026-08")
    assert "Follow-up of August 2026" in english.text and "No figures are imported for August 2026" in english.text
    page = web_client("coordinator").get("/statistics?month=nonsense")
    assert page.status_code == 200 and "Inga siffror är importerade för oktober 2026" in page.text
    assert 'role="img"' not in page.text
    assert web_client("reporter").get("/statistics").status_code == 403


# --------------------------------------------------------------------------- queries


def test_the_queries_do_not_grow_with_the_weeks_or_the_actions(web: Web, web_client: Client) -> None:
    client = web_client("coordinator")
    assert statements(web, client, "/trends?span=12") == statements(web, client, "/trends?span=52")
    before = statements(web, client, "/actions")
    with web.app.services.unit() as uow:
        for week in (44, 46):
            rnd = uow.rounds.get_round("tbg", RoundKey(2026, week))
            assert rnd is not None
            cid = uow.meeting.add_candidate(rnd.id, f"manual:norr:{week}", "norr", None, (), "Ljus", (), "manual", 1)
            assert cid is not None
            uow.meeting.decide_candidate(cid, True, "tbg", rnd.id, web.clock.now())
        uow.commit()
    assert statements(web, client, "/actions") == before
    assert statements(web, client, "/statistics?month=2026-10") == statements(web, client, "/statistics?month=2026-03")
