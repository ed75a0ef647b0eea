"""Signing in to the web view without passwords: `webb` in any chat answers privately with a personal link that
works once, for 15 minutes; opening it starts a session that ends after idling or by logging out.

Tokens and session ids are random; the sign-in tables keep only their SHA-256, so a copy of them signs nobody
in. The link itself goes out like every message, through the outbox, whose row keeps the text: a copy of the
database taken in the link's 15 minutes, before its person used it, holds a link that works. A session lasts at
most SESSION_HOURS. Sign-ins, link requests and logouts are in the audit log; the daily retention removes old
links and sessions.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.commands.web import WebLink
from bot.conversation.messages import Outbound
from bot.domain.model import Person
from bot.ports import UnitOfWork
from bot.ports.web import LinkRefusal
from bot.text import DEFAULT_LANGUAGE, norm_lang, t
from bot.usecases.context import Ctx, Env, audit, reply, say
from bot.usecases.registry import handles

#: How long a sign-in link works (once).
LINK_MINUTES = 15
#: How long a session lasts however busy it is: then a new link from the chat.
SESSION_HOURS = 12
#: Letters only: the chat's masking of identity and phone numbers never touches a token of letters.
_ALPHABET = string.ascii_letters
_TOKEN_LENGTH = 43  # about 245 bits
_SIGN_IN_PATH = "/in/"


def digest(token: str) -> str:
    """What storage keeps of a token or session id."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(_TOKEN_LENGTH))


def well_formed(token: str) -> bool:
    """Whether a string could be a token at all (anything else is refused without a database read)."""
    return len(token) == _TOKEN_LENGTH and all(c in _ALPHABET for c in token)


def link_url(env: Env, token: str) -> str:
    return env.config.web.base_url.rstrip("/") + _SIGN_IN_PATH + token


def issue_link(env: Env, uow: UnitOfWork, person: Person, now: datetime) -> str:
    """A new sign-in link for the person, valid once for LINK_MINUTES (the caller commits)."""
    token = new_token()
    uow.web.create_link(digest(token), person.id, now, now + timedelta(minutes=LINK_MINUTES))
    return link_url(env, token)


@handles(WebLink)
def request_link(env: Env, ctx: Ctx, cmd: WebLink) -> None:
    """Answer privately with a personal sign-in link, at most `[web] links_per_hour` an hour."""
    assert ctx.person is not None
    person = ctx.person
    since = ctx.now - timedelta(hours=1)
    if ctx.uow.web.links_since(person.id, since) >= env.config.web.links_per_hour:
        say(env, ctx, "web.link.limit", n=env.config.web.links_per_hour)
        return
    url = issue_link(env, ctx.uow, person, ctx.now)
    text = t(ctx.lang, "web.link", url=url, minutes=LINK_MINUTES)
    # data["link"]: an edge whose plain text is not linked (Slack's plain_text blocks) draws it as a link.
    reply(env, ctx, Outbound(text, kind="notice", data={"link": url}))
    audit(ctx, "web_link", {"platform": ctx.inbound.platform})


@dataclass(frozen=True)
class SignedIn:
    session_id: str  # the raw id, for the signed cookie only
    person: Person


def sign_in(env: Env, token: str) -> SignedIn | LinkRefusal:
    """Spend a link and start a session, or say why the link works no more."""
    if not well_formed(token):
        return "unknown"
    now = env.clock.now()
    with env.unit() as uow:
        spent = uow.web.use_link(digest(token), now)
        if spent.person_id is None:
            uow.commit()
            return spent.refusal or "unknown"
        person = uow.people.get_person(spent.person_id)
        if not person.active:
            uow.commit()  # the link is spent either way
            return "unknown"
        session_id = new_token()
        uow.web.start_session(digest(session_id), person.id, now)
        uow.audit.audit(now, person.group_id, person.name, "web_sign_in", {})
        uow.commit()
    return SignedIn(session_id, person)


@dataclass(frozen=True)
class LinkLook:
    """A link as its page shows it before the button is pressed: whether it still works, in its person's
    language (Swedish for a link nobody made)."""

    lang: str
    refusal: LinkRefusal | None


def look_at_link(env: Env, token: str) -> LinkLook:
    """Whether a link still works, without spending it (a chat's link preview may open it too)."""
    if not well_formed(token):
        return LinkLook(DEFAULT_LANGUAGE, "unknown")
    with env.unit() as uow:
        seen = uow.web.peek_link(digest(token), env.clock.now())
        lang = DEFAULT_LANGUAGE if seen.person_id is None else uow.people.get_person(seen.person_id).language
    return LinkLook(norm_lang(lang), seen.refusal)


def viewer(env: Env, session_id: str) -> Person | None:
    """The person of a live session (seen within `[web] idle_minutes`), or None; the session counts as seen."""
    if not well_formed(session_id):
        return None
    now = env.clock.now()
    idle_since = now - timedelta(minutes=env.config.web.idle_minutes)
    with env.unit() as uow:
        started_since = now - timedelta(hours=SESSION_HOURS)
        person_id = uow.web.session_person(digest(session_id), now, idle_since, started_since)
        if person_id is None:
            return None
        person = uow.people.get_person(person_id)
        if not person.active or env.group_or_none(person.group_id) is None:
            uow.web.end_session(digest(session_id), now)
            uow.commit()
            return None
        uow.commit()
    return person


def sign_out(env: Env, session_id: str) -> str:
    """End the session (logging out twice is harmless); the language of whoever it was (for the next page)."""
    lang = DEFAULT_LANGUAGE
    if not well_formed(session_id):
        return lang
    now = env.clock.now()
    with env.unit() as uow:
        long_ago = now - timedelta(days=3650)
        person_id = uow.web.session_person(digest(session_id), now, long_ago, long_ago)
        uow.web.end_session(digest(session_id), now)
        if person_id is not None:
            person = uow.people.get_person(person_id)
            uow.audit.audit(now, person.group_id, person.name, "web_sign_out", {})
            lang = norm_lang(person.language)
        uow.commit()
    return lang
