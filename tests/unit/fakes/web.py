"""The web view's sign-in links and sessions, in memory."""

from __future__ import annotations

from datetime import datetime

from bot.ports.web import LinkSpent
from tests.unit.fakes.tables import Tables, WebLinkRow, WebSessionRow


class FakeWeb:
    def __init__(self, tables: Tables) -> None:
        self.t = tables

    def create_link(self, token_hash: str, person_id: int, now: datetime, expires_at: datetime) -> None:
        if token_hash in self.t.web_links:
            raise ValueError("link exists (a unique key)")
        self.t.web_links[token_hash] = WebLinkRow(token_hash, person_id, now, expires_at)

    def form_generation(self, person_id: int, round_id: int) -> int:
        return self.t.form_links.get((person_id, round_id), 0)

    def revoke_form_links(self, person_id: int, round_id: int, now: datetime) -> int:
        generation = self.t.form_links[(person_id, round_id)] = self.t.form_links.get((person_id, round_id), 0) + 1
        return generation

    def links_since(self, person_id: int, since: datetime) -> int:
        return sum(1 for w in self.t.web_links.values() if w.person_id == person_id and w.created_at > since)

    def use_link(self, token_hash: str, now: datetime) -> LinkSpent:
        row = self.t.web_links.get(token_hash)
        if row is None:
            return LinkSpent(None, "unknown")
        if row.used_at is not None:
            return LinkSpent(None, "used")
        if not row.expires_at > now:
            return LinkSpent(None, "expired")
        row.used_at = now
        return LinkSpent(row.person_id)

    def peek_link(self, token_hash: str, now: datetime) -> LinkSpent:
        row = self.t.web_links.get(token_hash)
        if row is None:
            return LinkSpent(None, "unknown")
        if row.used_at is not None:
            return LinkSpent(row.person_id, "used")
        return LinkSpent(row.person_id, None if row.expires_at > now else "expired")

    def start_session(self, session_hash: str, person_id: int, now: datetime) -> None:
        if session_hash in self.t.web_sessions:
            raise ValueError("session exists (a unique key)")
        self.t.web_sessions[session_hash] = WebSessionRow(session_hash, person_id, now, now)

    def session_person(
        self, session_hash: str, now: datetime, idle_since: datetime, started_since: datetime
    ) -> int | None:
        row = self.t.web_sessions.get(session_hash)
        if row is None or row.ended_at is not None or not row.seen_at > idle_since:
            return None
        if not row.created_at > started_since:
            return None
        row.seen_at = now
        return row.person_id

    def end_session(self, session_hash: str, now: datetime) -> None:
        row = self.t.web_sessions.get(session_hash)
        if row is not None and row.ended_at is None:
            row.ended_at = now

    def prune(self, before: datetime) -> int:
        links = [k for k, w in self.t.web_links.items() if w.expires_at < before]
        sessions = [k for k, w in self.t.web_sessions.items() if w.seen_at < before]
        for k in links:
            del self.t.web_links[k]
        for k in sessions:
            del self.t.web_sessions[k]
        return len(links) + len(sessions)
