"""The e-mail's links on the web: forged, altered, revoked, closed-week and finalised links get a clear page and
change nothing; "Inte jag?" blocks the links and tells the coordinators; the one-click "nothing to report" and
turning the Friday report off (with and without RFC 8058's One-Click body); and a form session opens that one
form only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.cycle import Phase
from bot.usecases import form as form_usecases
from bot.usecases.formlinks import report_off_token
from tests.integration.web.form_site import SECRET, FormSite, field, fill_page, site

__all__ = ["site"]


def test_a_forged_or_altered_link_is_a_clear_page_and_no_session(site: FormSite) -> None:
    client = site.client()
    link = site.form_link("Anna Andersson")
    forged = client.get("/form/" + "x" * 40)
    assert forged.status_code == 404 and "Länken är inte giltig" in forged.text
    assert "set-cookie" not in forged.headers
    token = link.removeprefix("/form/")
    altered = client.get("/form/" + token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    assert altered.status_code == 404 and "set-cookie" not in altered.headers
    other_secret = site.form_link("Anna Andersson").replace(token[-6:], "abcdef")
    assert client.get(other_secret).status_code == 404
    assert client.get("/form").status_code == 403  # no form session
    assert "Öppna formuläret från e-posten" in client.get("/form").text
    resp = site.response("Anna Andersson")
    assert resp is not None and resp.status == "pending" and resp.state.answers == {}


def test_a_link_of_a_finalised_week_is_refused_and_one_of_a_closed_week_still_takes_late_answers(
    site: FormSite,
) -> None:
    client = site.client()
    link = site.form_link("Anna Andersson")
    site.set_phase(Phase.OPEN, Phase.CLOSED)
    assert client.get(link).status_code == 303  # closed: late answers are still taken
    site.set_phase(Phase.CLOSED, Phase.FINALISED)
    refused = client.get(link)
    assert refused.status_code == 410 and "svar tas inte längre emot" in refused.text
    stopped = client.get("/form")  # the session opened before stops too, and is ended
    assert stopped.status_code == 410 and 'est-form=""' in stopped.headers["set-cookie"]


def test_an_english_speaker_s_refused_link_is_in_english(site: FormSite) -> None:
    link = site.form_link("Cecilia Ek")
    site.set_phase(Phase.OPEN, Phase.FINALISED)
    assert "answers are no longer taken" in site.client().get(link).text


def test_not_me_blocks_the_links_and_tells_the_coordinators(site: FormSite) -> None:
    link = site.form_link("Anna Andersson")
    client = site.opened("Anna Andersson")
    page = client.get("/form").text
    ask = client.post("/form/not-me", data={"csrf": field(page, "csrf")})
    assert ask.status_code == 200 and "Om du inte är Anna Andersson spärrar vi länken" in ask.text
    assert site.client().get(link).status_code == 303  # asking changed nothing
    done = client.post("/form/not-me", data={"csrf": field(ask.text, "csrf"), "confirm": "yes"})
    assert done.status_code == 200 and "Länken är spärrad" in done.text
    assert 'est-form=""' in done.headers["set-cookie"]  # the session ended
    revoked = site.client().get(link)
    assert revoked.status_code == 410 and "Länken har spärrats" in revoked.text
    assert "Är formuläret ditt, be samordnaren om en ny länk." in revoked.text  # what the form's owner does now
    assert client.get("/form").status_code in (403, 410)
    told = site.outbox_to("samordnare-kanal")
    assert len(told) == 1 and "Anna Andersson" in told[0] and "2026-W47" in told[0]
    assert site.audit("form_not_me") == [{"week": "2026-W47", "told": True}]
    assert site.client().get(site.form_link("Anna Andersson")).status_code == 303  # a new link works


def test_not_me_needs_the_session_s_csrf_token(site: FormSite) -> None:
    client = site.opened("Anna Andersson")
    refused = client.post("/form/not-me", data={"csrf": "forged", "confirm": "yes"})
    assert refused.status_code == 403
    assert site.client().get(site.form_link("Anna Andersson")).status_code == 303


def test_nothing_to_report_from_the_e_mail_is_a_page_with_one_button(site: FormSite) -> None:
    client = site.client()
    link = site.form_link("Anna Andersson") + "/nothing"
    page = client.get(link)  # what a mail scanner does too: nothing changes
    assert page.status_code == 200 and page.text.count("<button") == 1
    before = site.response("Anna Andersson")
    assert before is not None and before.status == "pending"  # sent out on Tuesday, not begun
    assert "Skicka: inget att rapportera" in page.text
    done = client.post(link, data={"version": field(page.text, "version")})
    assert done.status_code == 303 and done.headers["location"] == "/form/sent"
    assert "Din rapport för vecka 47 är skickad" in client.get("/form/sent").text
    assert site.sent_answers("Anna Andersson") == [] and site.counted("Anna Andersson") == 12
    again = client.post(link, data={"version": field(page.text, "version")})  # pressed twice: one response
    assert again.headers["location"] == "/form/sent"
    assert site.response("Anna Andersson").version == before.version + 1  # type: ignore[union-attr]


def test_nothing_to_report_over_a_sent_report_that_is_not_all_green_says_it_replaces_it(site: FormSite) -> None:
    """A second click on the e-mail's "Inget att rapportera" after a report with a red answer was sent."""
    link = site.form_link("Anna Andersson") + "/nothing"
    assert "redan skickat" not in site.client().get(link).text  # nothing sent yet
    client = site.opened("Anna Andersson")
    red = fill_page(client.get("/form").text, {i: 3 if i == 1 else 0 for i in range(12)})
    assert client.post("/form", data=red).status_code == 303
    assert client.post("/form/summary", data=fill_page(client.get("/form/summary").text, {})).status_code == 303
    page = site.client().get(link).text
    assert "Du har redan skickat en rapport för vecka 47 där inte allt är grönt." in page
    assert "ersätts den: alla frågor blir gröna (0)" in page and "Skicka: inget att rapportera" in page
    green = site.form_link("Bo Berg")
    bo = site.opened("Bo Berg")
    assert bo.post("/form", data=fill_page(bo.get("/form").text, {i: 0 for i in range(24)})).status_code == 303
    assert bo.post("/form/summary", data=fill_page(bo.get("/form/summary").text, {})).status_code == 303
    assert "redan skickat" not in site.client().get(green + "/nothing").text  # all green: nothing to lose


def test_report_off_with_its_button_and_with_one_click(site: FormSite) -> None:
    client = site.client()
    kim = site.person("Kim Polis")
    path = f"/report-off/{report_off_token(SECRET, kim.id)}"
    page = client.get(path)
    assert page.status_code == 200 and "Kim Polis: vill du sluta få veckorapporten" in page.text
    assert site.person("Kim Polis").receives_report  # the GET changed nothing
    done = client.post(path, data={})
    assert done.status_code == 200 and "du får inte längre veckorapporten" in done.text
    assert not site.person("Kim Polis").receives_report
    assert site.audit("report_off") == [{"how": "page"}]
    sara = site.person("Sara Samordnare")
    one_click = site.client().post(
        f"/report-off/{report_off_token(SECRET, sara.id)}",
        content=b"List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert one_click.status_code == 200 and not site.person("Sara Samordnare").receives_report
    assert sorted(str(d["how"]) for d in site.audit("report_off")) == ["one-click", "page"]
    forged = client.post("/report-off/" + "x" * 30, content=b"List-Unsubscribe=One-Click")
    assert forged.status_code == 404 and "Ingenting ändrades" in forged.text


def test_a_form_session_opens_that_form_only(site: FormSite) -> None:
    client = site.opened("Anna Andersson")
    for path in ("/weeks", "/me", "/", "/reports", "/map"):
        answer = client.get(path)
        assert answer.status_code == 303 and answer.headers["location"] == "/signin", path


def test_a_form_session_lasts_twelve_hours(site: FormSite) -> None:
    client = site.opened("Anna Andersson")  # Tuesday 08:00: the page may stay open all day
    site.clock.advance(timedelta(hours=11, minutes=59))
    assert client.get("/form").status_code == 200
    site.clock.advance(timedelta(minutes=2))
    ended = client.get("/form")
    assert ended.status_code == 403 and "Öppna formuläret från e-posten" in ended.text
    assert client.post("/form", data={"csrf": "x"}).status_code == 403


def test_a_failure_on_a_link_logs_no_token(
    site: FormSite, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("the database is gone")

    link = site.form_link("Anna Andersson")
    monkeypatch.setattr(form_usecases, "open_link", broken)
    answer = site.client().get(link + "/nothing")
    assert answer.status_code == 500
    token = link.removeprefix("/form/")
    assert "RuntimeError on GET /form/…/nothing" in caplog.text and token not in caplog.text


def test_the_form_s_pages_carry_the_headers_and_no_inline_script_or_style(site: FormSite) -> None:
    client = site.opened("Anna Andersson")
    link = site.form_link("Anna Andersson")
    kim = site.person("Kim Polis")
    pages = [client.get("/form"), site.client().get(link + "/nothing"), site.client().get("/form")]
    pages.append(site.client().get(f"/report-off/{report_off_token(SECRET, kim.id)}"))
    pages.append(client.post("/form/not-me", data={"csrf": field(pages[0].text, "csrf")}))
    for page in pages:
        assert "script-src 'self'" in page.headers["content-security-policy"], page.url
        assert page.headers["x-frame-options"] == "DENY" and page.headers["referrer-policy"] == "no-referrer"
        assert page.headers["cache-control"] == "no-store", page.url
        assert "<script" not in page.text and "style=" not in page.text and "<style" not in page.text, page.url
