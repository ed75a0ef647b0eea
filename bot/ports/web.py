"""What the core needs to sign people in to the web view: one-time links and sessions, stored only as hashes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

LinkRefusal = Literal["unknown", "used", "expired"]


@dataclass(frozen=True)
class LinkSpent:
    """A sign-in link's use: the person it was made for, or why it works no more."""

    person_id: int | None
    refusal: LinkRefusal | None = None


class WebAccess(Protocol):
    """Sign-in links and web sessions. Tokens are never stored, only their SHA-256."""

    def create_link(self, token_hash: str, person_id: int, now: datetime, expires_at: datetime) -> None: ...

    def links_since(self, person_id: int, since: datetime) -> int:
        """How many links the person asked for since then."""
        ...

    def use_link(self, token_hash: str, now: datetime) -> LinkSpent:
        """Spend a link once: its person, or why not (unknown, already used, expired)."""
        ...

    def peek_link(self, token_hash: str, now: datetime) -> LinkSpent:
        """What `use_link` would say, without spending it; `person_id` is the link's person even when it works no
        more (their language words the page), None for an unknown link."""
        ...

    def start_session(self, session_hash: str, person_id: int, now: datetime) -> None: ...

    def session_person(
        self, session_hash: str, now: datetime, idle_since: datetime, started_since: datetime
    ) -> int | None:
        """The person of a live session (started after `started_since`, seen after `idle_since`, not ended),
        marked seen now; else None."""
        ...

    def end_session(self, session_hash: str, now: datetime) -> None: ...

    def form_generation(self, person_id: int, round_id: int) -> int:
        """The generation today's links to the person's form of that week carry (0 until one was revoked)."""
        ...

    def revoke_form_links(self, person_id: int, round_id: int, now: datetime) -> int:
        """A "not me": the links sent so far stop working; returns the generation new links carry."""
        ...

    def prune(self, before: datetime) -> int:
        """Delete the links that expired and the sessions last seen (an ended one: when it ended) before then;
        how many."""
        ...
