"""The web view over a real database with eight published weeks (tests/support/report_data.py: 2026-W40 … W47,
two decided actions, an approved and a hidden note), through Starlette's TestClient over https.

`web_client("reporter" | "participant" | "coordinator" | None)` gives a client signed in through the real
sign-in (a link from the use case, the confirm page, its POST) as Anna (reporter), Kim (participant) or Sara
(coordinator), or signed out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import event
from starlette.testclient import TestClient

from bot.bootstrap import App, build
from bot.clock import ManualClock
from bot.usecases.web import issue_link
from handlers.web.app import build_web_app
from tests.conftest import TUE_OPEN, Bot, RecordingSender, make_config
from tests.support.report_data import seed

SECRET = "test-secret-" + "x" * 40
BASE = "https://testserver"
PEOPLE = {"reporter": "Anna Andersson", "participant": "Kim Polis", "coordinator": "Sara Samordnare"}
TOKEN = re.compile(r"/in/([A-Za-z]{43})")


@dataclass
class Web:
    app: App
    clock: ManualClock
    ids: dict[str, int]
    sender: RecordingSender

    def chat(self) -> Bot:
        """The same bot in the chat (the console platform), to ask for links as people do."""
        return Bot(self.app, self.clock, self.sender, "")

    def link(self, name: str) -> str:
        """A fresh sign-in link's path for a person of the test group."""
        services = self.app.services
        with services.unit() as uow:
            person = uow.people.person_by_name(self.app.config.groups[0].id, name)
            assert person is not None
            url = issue_link(services.env, uow, person, self.clock.now())
            uow.commit()
        match = TOKEN.search(url)
        assert match is not None
        return "/in/" + match.group(1)

    def client(self) -> TestClient:
        return TestClient(build_web_app(self.app.services.env, SECRET), base_url=BASE, follow_redirects=False)

    def signed_in(self, name: str) -> TestClient:
        client = self.client()
        sign_in(client, self.link(name))
        return client


def statements(web: Web, client: TestClient, path: str) -> int:
    """How many SQL statements one request costs (the sign-in's session lookup included)."""
    seen: list[str] = []

    def count(conn: object, cursor: object, statement: str, *rest: object) -> None:
        seen.append(statement)

    event.listen(web.app.engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(web.app.engine, "before_cursor_execute", count)
    return len(seen)


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match is not None, "no CSRF field in the page"
    return match.group(1)


def sign_in(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200, page.text
    done = client.post(path, data={"csrf": csrf_of(page.text)})
    assert done.status_code == 303, done.text


@pytest.fixture
def web(db_url: str) -> Iterator[Web]:
    clock = ManualClock(TUE_OPEN)
    sender = RecordingSender()
    app = build(make_config(db_url), clock=clock, senders={"console": sender})
    ids = seed(app, TUE_OPEN)
    yield Web(app, clock, ids, sender)
    app.close()


@pytest.fixture
def web_client(web: Web) -> Iterator[Callable[[str | None], TestClient]]:
    clients: list[TestClient] = []

    def make(role: str | None) -> TestClient:
        client = web.client() if role is None else web.signed_in(PEOPLE[role])
        clients.append(client)
        return client

    yield make
    for c in clients:
        c.close()
