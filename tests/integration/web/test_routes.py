"""Every route of the web view, asked as every role and signed out: a page answers 200 (or its redirect) to the
roles it is for, 403 to the others, and sends the signed-out to the sign-in. New pages are covered as soon as
they are listed in handlers/web/pages/."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from bot.domain.model import ROLE_RANK
from handlers.web.page import ROLES, Page, Public
from handlers.web.pages import PUBLIC, ROUTES
from tests.integration.web.conftest import Web, csrf_of

ASKERS: tuple[str | None, ...] = (None, *ROLES)


def _path(route: Page) -> str:
    return route.path.format(**route.sample)


def test_every_route_is_listed_with_its_sample() -> None:
    routes: list[Page | Public] = [*PUBLIC, *ROUTES]
    for route in routes:
        needed = set(re.findall(r"{(\w+)(?::\w+)?}", route.path))
        assert needed == set(route.sample), f"{route.path}: sample {dict(route.sample)}"


@pytest.mark.parametrize("asker", ASKERS, ids=lambda a: a or "signed-out")
def test_every_route_as_every_role(asker: str | None, web_client: Callable[[str | None], TestClient]) -> None:
    client = web_client(asker)
    csrf = csrf_of(client.get("/", follow_redirects=True).text) if asker else ""
    seen: list[str] = []
    for route in ROUTES:
        path = _path(route)
        for method in route.methods:
            answer = client.request(method, path, data={"csrf": csrf} if method == "POST" else None)
            where = f"{method} {path} as {asker or 'signed out'}: {answer.status_code}"
            seen.append(where)
            if asker is None:
                assert answer.status_code == 303, where
                assert answer.headers["location"].endswith("/signin"), where
            elif ROLE_RANK[asker] < ROLE_RANK[route.role]:
                assert answer.status_code == 403, where
                assert "Inte för din roll" in answer.text, where
            elif method == "GET":
                assert answer.status_code in (200, 303), where
                if answer.status_code == 303:
                    assert "/signin" not in answer.headers["location"], where
            else:
                assert answer.status_code < 500 and answer.status_code != 403, where
    for public in PUBLIC:
        path = public.path.format(**public.sample)
        for method in public.methods:
            answer = client.request(method, path, data={} if method == "POST" else None)
            assert answer.status_code < 500, f"{method} {path} as {asker}: {answer.status_code}"
    assert len(seen) == sum(len(r.methods) for r in ROUTES)


def test_an_unknown_page_is_a_404_page_not_an_error(web_client: Callable[[str | None], TestClient]) -> None:
    answer = web_client("coordinator").get("/no/such/page")
    assert answer.status_code == 404
    assert "Sidan finns inte" in answer.text


def test_an_unknown_page_of_someone_signed_in_is_in_their_language_with_the_menu(
    web: Web, web_client: Callable[[str | None], TestClient]
) -> None:
    """A mistyped address showed an English speaker "Sidan finns inte" with no menu and no way to sign out."""
    with web.app.services.unit() as uow:
        person = uow.people.person_by_name("tbg", "Anna Andersson")
        assert person is not None
        uow.people.set_language(person.id, "en")
        uow.commit()
    answer = web_client("reporter").get("/no/such/page")
    assert answer.status_code == 404
    text = " ".join(re.sub(r"<[^>]+>", " ", answer.text).split())
    assert "Page not found" in text, text
    assert "Sidan finns inte" not in text
    assert "Signed in as Anna Andersson" in text and "My answers" in text and "Sign out" in text, text
    signed_out = web_client(None).get("/no/such/page")
    assert signed_out.status_code == 404 and "Sidan finns inte" in signed_out.text
    assert "Anna" not in signed_out.text


def test_an_unknown_page_is_a_404_page_even_when_the_session_cannot_be_read(
    web_client: Callable[[str | None], TestClient], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Who is signed in only sets the 404 page's language and menu: a database that fails then is no 500."""
    import handlers.web.app

    client = web_client("reporter")

    def broken(*args: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(handlers.web.app, "viewer", broken)
    answer = client.get("/no/such/page")
    assert answer.status_code == 404
    assert "Sidan finns inte" in answer.text and "Signed in as" not in answer.text
    assert "went away" not in caplog.text


HOSTILE = ("²", "9" * 5000, "0001-W01", "9999-W52", "-1", "<script>alert(1)</script>", "%00", "2026-W99", "")
QUERY = ("from", "to", "marked", "status", "span", "area", "factor", "month", "ended", "out")


def test_malformed_parameters_never_give_an_error_page(web_client: Callable[[str | None], TestClient]) -> None:
    client = web_client("coordinator")
    for route in ROUTES:
        if "GET" not in route.methods:
            continue
        for value in HOSTILE:
            path = (
                route.path.format(**{k: value.replace("/", "") or "x" for k in route.sample})
                if route.sample
                else route.path
            )
            query = {name: value for name in QUERY}
            answer = client.get(path, params=query)
            assert answer.status_code < 500, f"{path} {value[:20]!r}: {answer.status_code}"
            if answer.headers.get("content-type", "").startswith("text/html"):  # JSON quotes it, as data (nosniff)
                assert "<script>alert(1)</script>" not in answer.text, path
