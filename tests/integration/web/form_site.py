"""The week's form over a real database: the test group's bot at Tuesday's open (week 47 sent out), with a
coordinators' channel, and the web app in front of it through Starlette's TestClient over https.

`form_link(name)` is the path of a person's personal link as the e-mail carries it (bot/usecases/formlinks.py,
signed with the web secret), `fill_page(...)` the fields a browser would post for the form as a page shows it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from bot.bootstrap import build
from bot.clock import ManualClock
from bot.conversation.mail import FormRef
from bot.domain.cycle import Phase, RoundKey
from bot.domain.model import Person, Response, Round
from bot.usecases.formlinks import form_url
from handlers.web.app import build_web_app
from tests.conftest import TUE_OPEN, Bot, RecordingSender, make_config

SECRET = "form-secret-" + "y" * 40
BASE = "https://testserver"
W47 = RoundKey(2026, 47)
CHANNELS = {
    "meeting": {"console": "möte"},
    "broadcast": {"console": "rapport"},
    "coordinators": {"console": "samordnare-kanal"},
}


@dataclass
class FormSite:
    bot: Bot

    @property
    def clock(self) -> ManualClock:
        return self.bot.clock

    def person(self, name: str) -> Person:
        with self.bot.services.unit() as uow:
            person = uow.people.person_by_name("tbg", name)
            assert person is not None
            return person

    def round(self) -> Round:
        with self.bot.services.unit() as uow:
            rnd = uow.rounds.get_round("tbg", W47)
            assert rnd is not None
            return rnd

    def response(self, name: str) -> Response | None:
        with self.bot.services.unit() as uow:
            return uow.rounds.get_response(self.round().id, self.person(name).id)

    def sent_answers(self, name: str) -> list[tuple[str, int, str | None, str | None]]:
        """(factor, level, place, note) of every answer the person's sent response counts with, level > 0."""
        person = self.person(name)
        with self.bot.services.unit() as uow:
            rnd = self.round()
            resp = uow.rounds.get_response(rnd.id, person.id)
            assert resp is not None
            pic = uow.rounds.picture_input("tbg", "x", rnd, [], 2, self.clock.now())
            mine = [r for r in pic.reports if r.reporter_id == person.id]
        return [(r.factor, r.level, r.place, r.note) for r in mine if r.level]

    def counted(self, name: str) -> int:
        """How many answers of the person the week's picture counts (one response: its items, once)."""
        person = self.person(name)
        with self.bot.services.unit() as uow:
            rnd = self.round()
            pic = uow.rounds.picture_input("tbg", "x", rnd, [], 2, self.clock.now())
            resp = uow.rounds.get_response(rnd.id, person.id)
            assert resp is not None
            return sum(1 for r in pic.reports if r.reporter_id == person.id)

    def form_link(self, name: str, generation: int | None = None) -> str:
        """The path of the person's link to this week's form, as the e-mail edge makes it."""
        person, rnd = self.person(name), self.round()
        if generation is None:
            with self.bot.services.unit() as uow:
                generation = uow.web.form_generation(person.id, rnd.id)
        url = form_url(BASE, SECRET, FormRef(person.id, rnd.id, generation))
        return urlsplit(url).path

    def client(self) -> TestClient:
        return TestClient(build_web_app(self.bot.services.env, SECRET), base_url=BASE, follow_redirects=False)

    def opened(self, name: str) -> TestClient:
        """A browser that opened the person's link (its form session started)."""
        client = self.client()
        answer = client.get(self.form_link(name))
        assert answer.status_code == 303 and answer.headers["location"] == "/form", answer.text
        return client

    def set_phase(self, old: Phase, new: Phase) -> None:
        with self.bot.services.unit() as uow:
            assert uow.rounds.set_phase(self.round().id, old, new, self.clock.now())
            uow.commit()

    def audit(self, action: str) -> list[dict[str, object]]:
        with self.bot.services.unit() as uow:
            return [d for _, _, _, a, d in uow.audit.audit_log("tbg") if a == action]

    def outbox_to(self, address: str) -> list[str]:
        self.bot.flush()
        return [o.text for o in self.bot.sender.to(address)]


def field(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match is not None, f"no field {name} in the page"
    return match.group(1)


def fill_page(html: str, levels: dict[int, int], **extra: str) -> dict[str, str]:
    """What a browser posts for the form page `html`: its CSRF token and version, the levels chosen (others as
    the page has them checked), and `extra` fields (np3, w3, p3, more, quick …)."""
    data = {"csrf": field(html, "csrf"), "version": field(html, "version")}
    for i, level in re.findall(r'name="l(\d+)" value="(\d)"[^>]*checked', html):
        data[f"l{i}"] = level
    for i, level in levels.items():
        data[f"l{i}"] = str(level)
    data.update(extra)
    return data


@pytest.fixture
def site(db_url: str) -> Iterator[FormSite]:
    clock = ManualClock(TUE_OPEN)
    sender = RecordingSender()
    app = build(make_config(db_url, channels=CHANNELS), clock=clock, senders={"console": sender})
    bot = Bot(app, clock, sender, db_url)
    bot.tick()  # Tuesday 08:00: week 47's questionnaire goes out
    yield FormSite(bot)
    app.close()
