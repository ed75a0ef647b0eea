"""Signing in to the web view over in-memory storage: the link is personal, works once and for 15 minutes,
is rate-limited per person; sessions end after idling, on logout, and when the person is forgotten."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.usecases import web
from tests.unit.fakes.bot import FakeBot

TOKEN = re.compile(r"/in/([A-Za-z]{43})$", re.M)


def _link(fake_bot: FakeBot, who: str) -> str:
    said = fake_bot.cmd(who, "webb")
    assert len(said) == 1
    match = TOKEN.search(said[0].text)
    assert match is not None, said[0].text
    return match.group(1)


def test_a_link_signs_its_person_in_once(fake_bot: FakeBot) -> None:
    env = fake_bot.services.env
    token = _link(fake_bot, "kim")
    signed = web.sign_in(env, token)
    assert isinstance(signed, web.SignedIn)
    assert signed.person.name == "Kim Polis"
    assert web.sign_in(env, token) == "used"
    assert web.sign_in(env, "B" * 43) == "unknown"
    assert web.sign_in(env, "not a token") == "unknown"
    viewer = web.viewer(env, signed.session_id)
    assert viewer is not None and viewer.name == "Kim Polis"
    with fake_bot.unit() as uow:
        stored = [w.token_hash for w in uow.tables.web_links.values()] if uow.tables else []
    assert token not in stored and web.digest(token) in stored  # only the hash is kept


def test_a_link_expires_after_15_minutes(fake_bot: FakeBot) -> None:
    token = _link(fake_bot, "anna")
    fake_bot.clock.advance(timedelta(minutes=15))
    assert web.sign_in(fake_bot.services.env, token) == "expired"


def test_an_english_speaker_gets_the_link_in_english(fake_bot: FakeBot) -> None:
    said = fake_bot.cmd("cecilia", "web")
    assert said[0].text.startswith("Your personal link to the web view. It works once, for 15 minutes")


def test_sessions_end_after_idling_on_logout_and_when_the_person_is_forgotten(fake_bot: FakeBot) -> None:
    env = fake_bot.services.env
    first = web.sign_in(env, _link(fake_bot, "anna"))
    assert isinstance(first, web.SignedIn)
    fake_bot.clock.advance(timedelta(minutes=29))
    assert web.viewer(env, first.session_id) is not None  # seen now: the idle time starts again
    fake_bot.clock.advance(timedelta(minutes=29))
    assert web.viewer(env, first.session_id) is not None
    fake_bot.clock.advance(timedelta(minutes=31))
    assert web.viewer(env, first.session_id) is None
    second = web.sign_in(env, _link(fake_bot, "anna"))
    assert isinstance(second, web.SignedIn)
    web.sign_out(env, second.session_id)
    assert web.viewer(env, second.session_id) is None
    third = web.sign_in(env, _link(fake_bot, "bo"))
    assert isinstance(third, web.SignedIn)
    fake_bot.cmd("sara", "radera Bo Berg")
    assert web.viewer(env, third.session_id) is None


def test_link_requests_are_limited_per_person_per_hour(fake_bot: FakeBot) -> None:
    for _ in range(5):
        _link(fake_bot, "anna")
    refused = fake_bot.cmd("anna", "webb")[0].text
    assert refused == "Du har bett om 5 länkar den senaste timmen. Vänta en stund och skriv webb igen."
    _link(fake_bot, "bo")
    fake_bot.clock.advance(timedelta(minutes=61))
    _link(fake_bot, "anna")


def test_a_session_lasts_12_hours_however_busy(fake_bot: FakeBot) -> None:
    env = fake_bot.services.env
    signed = web.sign_in(env, _link(fake_bot, "sara"))
    assert isinstance(signed, web.SignedIn)
    for _ in range(24):  # a request every 29 minutes keeps it from idling: 11 h 36 min
        fake_bot.clock.advance(timedelta(minutes=29))
        assert web.viewer(env, signed.session_id) is not None
    fake_bot.clock.advance(timedelta(minutes=29))  # 12 h 5 min after signing in
    assert web.viewer(env, signed.session_id) is None


def test_the_daily_retention_removes_old_links_and_sessions(fake_bot: FakeBot) -> None:
    from bot.usecases.privacy import retention

    env = fake_bot.services.env
    _link(fake_bot, "anna")  # never used
    signed = web.sign_in(env, _link(fake_bot, "kim"))
    assert isinstance(signed, web.SignedIn)
    web.sign_out(env, signed.session_id)
    retention(env)
    with fake_bot.unit() as uow:
        assert uow.tables is not None and len(uow.tables.web_links) == 2 and len(uow.tables.web_sessions) == 1
    fake_bot.clock.advance(timedelta(days=1, hours=1))
    assert "web: removed 3 old sign-in links and sessions" in retention(env)
    with fake_bot.unit() as uow:
        assert uow.tables is not None and not uow.tables.web_links and not uow.tables.web_sessions
