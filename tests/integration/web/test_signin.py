"""Signing in with the chat's one-time link: the link works once, for 15 minutes, for its person only; the
session cookie's flags; idling and logging out end the session; every refusal is a clear page."""

from __future__ import annotations

from datetime import timedelta

from starlette.testclient import TestClient

from tests.integration.web.conftest import PEOPLE, TOKEN, Web, csrf_of, sign_in


def test_the_webb_command_answers_privately_with_a_link_that_signs_in_once(web: Web) -> None:
    bot = web.chat()
    said = bot.cmd("anna", "webb")
    assert len(said) == 1
    text = said[0].text
    assert "fungerar en gång, i 15 minuter" in text
    token = TOKEN.search(text)
    assert token is not None
    assert "http://localhost:8080/in/" in text  # the configured base_url starts the link
    client = web.client()
    path = "/in/" + token.group(1)
    page = client.get(path)
    assert page.status_code == 200
    assert "Logga in på webbvyn" in page.text
    assert not any(c.name.endswith("est-session") for c in client.cookies.jar)  # a GET spends nothing
    done = client.post(path, data={"csrf": csrf_of(page.text)})
    assert done.status_code == 303
    cookie = done.headers["set-cookie"]
    assert "__Host-est-session=" in cookie
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    home = client.get("/", follow_redirects=True)
    assert home.status_code == 200
    assert "Inloggad som Anna Andersson (rapportör)" in home.text
    # used once: a second browser gets the page that says so at once, and no session
    again = web.client()
    refused = again.get(path)
    assert refused.status_code == 410
    assert "redan använts" in refused.text
    assert "set-cookie" not in refused.headers
    # a POST with a token taken earlier is refused the same way
    assert again.post(path, data={"csrf": "0" * 64}).status_code == 403
    with web.app.services.unit() as uow:
        actions = [a for _, _, actor, a, _ in uow.audit.audit_log(None, 20) if actor == "Anna Andersson"]
    assert "web_sign_in" in actions and "web_link" in actions


def test_an_expired_link_and_a_forged_one_are_refused_with_a_clear_page(web: Web) -> None:
    path = web.link(PEOPLE["participant"])
    web.clock.advance(timedelta(minutes=15, seconds=1))
    client = web.client()
    refused = client.get(path)  # Kim's language, Swedish
    assert refused.status_code == 410
    assert "gått ut" in refused.text
    forged = client.get("/in/" + "A" * 43)
    assert forged.status_code == 404
    assert "känner jag inte igen" in forged.text
    short = client.get("/in/abc")
    assert short.status_code == 404
    assert not any("est-session" in c.name for c in client.cookies.jar)


def test_the_sign_in_post_needs_the_csrf_token_of_this_browser(web: Web) -> None:
    path = web.link(PEOPLE["reporter"])
    client = web.client()
    client.get(path)
    assert client.post(path, data={}).status_code == 403
    assert client.post(path, data={"csrf": "0" * 64}).status_code == 403
    other = web.client()  # a token from another browser's page does not fit this browser's cookie
    token = csrf_of(other.get(path).text)
    assert client.post(path, data={"csrf": token}).status_code == 403
    # the link was not spent by the refused posts
    sign_in(client, path)


def test_idling_ends_the_session_and_logging_out_ends_it_for_good(web: Web) -> None:
    client = web.signed_in(PEOPLE["coordinator"])
    assert client.get("/").status_code in (200, 303)
    web.clock.advance(timedelta(minutes=29))
    page = client.get("/", follow_redirects=True)
    assert page.status_code == 200 and "Inloggad som Sara Samordnare" in page.text
    web.clock.advance(timedelta(minutes=31))
    ended = client.get("/")
    assert ended.status_code == 303 and ended.headers["location"].endswith("/signin?ended=1")
    # a new session, then logout: without the CSRF token refused, with it the cookie no longer works
    client = web.signed_in(PEOPLE["coordinator"])
    page = client.get("/", follow_redirects=True)
    stolen = client.cookies.get("__Host-est-session")
    assert client.post("/signout", data={}).status_code == 403
    out = client.post("/signout", data={"csrf": csrf_of(page.text)})
    assert out.status_code == 303 and out.headers["location"].endswith("/signin?out=1")
    replay = web.client()
    replay.cookies.set("__Host-est-session", stolen or "", domain="testserver")
    assert replay.get("/").status_code == 303
    with web.app.services.unit() as uow:
        assert "web_sign_out" in [a for _, _, _, a, _ in uow.audit.audit_log(None, 5)]


def test_a_forged_session_cookie_is_ignored(web: Web) -> None:
    client: TestClient = web.client()
    client.cookies.set("__Host-est-session", "A" * 43 + ".forged", domain="testserver")
    answer = client.get("/")
    assert answer.status_code == 303 and "/signin" in answer.headers["location"]


def test_link_requests_are_limited_per_person(web: Web) -> None:
    bot = web.chat()
    texts = [bot.cmd("kim", "webb")[0].text for _ in range(6)]
    assert all(TOKEN.search(x) for x in texts[:5])
    assert TOKEN.search(texts[5]) is None
    assert "5 länkar den senaste timmen" in texts[5]
    web.clock.advance(timedelta(hours=1, seconds=1))
    assert TOKEN.search(bot.cmd("kim", "webb")[0].text)
    # others are not limited by Kim's requests
    assert TOKEN.search(bot.cmd("anna", "webb")[0].text)


def test_the_pages_before_sign_in_speak_the_person_s_language_not_the_browser_s(web: Web) -> None:
    client = web.client()
    client.headers["accept-language"] = "en-US,en;q=0.9"  # a Swedish coordinator's English browser
    page = client.get(web.link(PEOPLE["coordinator"]))
    assert "Logga in på webbvyn" in page.text
    english = web.client()
    path = web.link("Cecilia Ek")  # English in the test group
    page = english.get(path)
    assert "Sign in to the web view" in page.text
    assert english.post(path, data={"csrf": csrf_of(page.text)}).status_code == 303
    out = english.post("/signout", data={"csrf": csrf_of(english.get("/", follow_redirects=True).text)})
    assert out.headers["location"].endswith("/signin?out=1&lang=en")
    assert "You are signed out." in english.get(out.headers["location"]).text
    assert "Den här länken har redan använts" not in web.client().get(path).text
    assert "This link has been used already" in web.client().get(path).text
