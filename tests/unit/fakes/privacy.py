"""Fake privacy (storage/repositories/privacy.py, in memory): retention, erasure and a person's own copy."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.cycle import RoundKey
from bot.domain.export import (
    ExportedAnswer,
    ExportedInvitation,
    ExportedMessage,
    ExportedObservation,
    ExportedResponse,
    PersonExport,
    exported_message,
    exported_person,
)
from storage.redaction import distinctive, quote_pattern, redact, replace_name
from tests.unit.fakes.people import FakePeople, FakeRepository
from tests.unit.fakes.tables import Tables, as_json


def to_accounts(platform: str, address: str, accounts: Sequence[tuple[str, str]]) -> bool:
    """Whether a row goes to one of these chat accounts: their direct chat, or a private address an edge makes for
    the person elsewhere, which ends with `:<account id>`."""
    return any(platform == p and (address == ext or address.endswith(f":{ext}")) for p, ext in accounts)


class FakePrivacy(FakeRepository):
    def __init__(self, tables: Tables, people: FakePeople) -> None:
        super().__init__(tables)
        self.people = people

    def _unapproved_unused(self, place_ids: set[int]) -> list[int]:
        """Places among `place_ids` no coordinator approved (nor the configuration named) that no candidate or
        action names."""
        named = {c.place_id for c in self.t.candidates.values()} | {a.place_id for a in self.t.actions.values()}
        return sorted(
            pid
            for pid in place_ids
            if pid in self.t.places
            and self.t.places[pid].review != "approved"
            and not self.t.places[pid].configured
            and pid not in named
        )

    def purge_notes(self, group_id: str, before: RoundKey, before_time: datetime) -> dict[str, int]:
        limit = before.year * 100 + before.week
        old = {r.id for r in self.t.rounds.values() if r.group_id == group_id and r.number < limit}
        old_responses = {r.id for r in self.t.responses.values() if r.round_id in old}
        notes = drafts = 0
        for a in self.t.answers.values():
            if a.response_id in old_responses and a.note is not None:
                a.note = None
                notes += 1
        for resp in self.t.responses.values():
            if resp.round_id in old and resp.more_note is not None:
                resp.more_note = None
                notes += 1
        for resp in self.t.responses.values():
            if resp.round_id in old and resp.state:
                resp.state = {}
                drafts += 1
        gone = [r.id for r in self.t.outbox.values() if r.status in ("sent", "parked") and r.created_at < before_time]
        for i in gone:
            del self.t.outbox[i]
        group_areas = {a.id for a in self.t.areas.values() if a.group_id == group_id}
        newer = {
            a.place_id for a in self.t.answers.values() if a.response_id not in old_responses and a.place_id is not None
        }
        places = self._unapproved_unused(
            {p.id for p in self.t.places.values() if p.area_id in group_areas and p.id not in newer}
        )
        self._drop_places(places)
        return {"notes": notes, "drafts": drafts, "messages": len(gone), "places": len(places)}

    def _drop_places(self, places: Sequence[int]) -> None:
        for a in self.t.answers.values():
            if a.place_id in places:
                a.place_id = None
        for pid in places:
            del self.t.places[pid]

    def forget_person(self, person_id: int, placeholder: str, redacted: str = "[…]") -> dict[str, int]:
        person = self.t.persons[person_id]
        name = person.name
        places = self._places_only_named_by(person_id)
        own = self._own_texts(person_id) | {self.t.places[p].name for p in places if self.t.places[p].name.strip()}
        quoted = [quote_pattern(text) for text in sorted(own, key=len, reverse=True) if distinctive(text)]
        accounts = self.people.accounts_of(person_id)
        if accounts:
            for i in [r.id for r in self.t.outbox.values() if to_accounts(r.platform, r.address, accounts)]:
                del self.t.outbox[i]
            for ref in [k for k in self.t.message_refs if to_accounts(k[0], k[1], accounts)]:
                del self.t.message_refs[ref]
        redacted_messages = 0
        for message in self.t.outbox.values():
            named = replace_name(message.payload, name, placeholder)
            payload = redact(named, quoted, redacted)
            redacted_messages += payload != named
            message.payload = payload
        for k in [k for k, pid in self.t.accounts.items() if pid == person_id]:
            del self.t.accounts[k]
        for code in [c for c, i in self.t.invites.items() if i.person_id == person_id]:
            del self.t.invites[code]
        for token in [c for c, w in self.t.web_links.items() if w.person_id == person_id]:
            del self.t.web_links[token]
        for sid in [c for c, w in self.t.web_sessions.items() if w.person_id == person_id]:
            del self.t.web_sessions[sid]
        self.t.person_areas.pop(person_id, None)
        theirs = {r.id for r in self.t.responses.values() if r.person_id == person_id}
        self._drop_places(places)
        unsent = {r.id for r in self.t.responses.values() if r.person_id == person_id and r.status != "submitted"}
        for aid in [a.id for a in self.t.answers.values() if a.response_id in unsent]:
            del self.t.answers[aid]
        for rid in unsent:
            del self.t.responses[rid]
        for a in self.t.answers.values():
            if a.response_id in theirs:
                a.note = None
        n_responses = 0
        for resp in self.t.responses.values():
            if resp.person_id == person_id:
                resp.more_note, resp.state = None, {}
                n_responses += 1
        for o in self.t.observations.values():
            if o.author_id == person_id:
                o.author, o.author_id = placeholder, None
        audit_rows = 0
        for row in self.t.audit.values():
            if row.group_id != person.group_id:
                continue
            detail = replace_name(row.detail, name, placeholder)
            if row.actor == name or detail != row.detail:
                row.actor = placeholder if row.actor == name else row.actor
                row.detail = detail
                audit_rows += 1
        person.name, person.name_key, person.organisation = placeholder, f"#forgotten-{person_id}", ""
        person.active, person.forgotten, person.receives_report, person.paused_until = False, True, False, None
        return {
            "accounts": len(accounts),
            "responses": n_responses,
            "audit": audit_rows,
            "messages": redacted_messages,
            "places": len(places),
        }

    def _own_texts(self, person_id: int) -> set[str]:
        texts: set[str] = set()
        for resp in self.t.responses.values():
            if resp.person_id != person_id:
                continue
            texts.update(a.note for a in self.t.answers.values() if a.response_id == resp.id and a.note)
            if resp.more_note:
                texts.add(resp.more_note)
            state = resp.state
            texts.update(
                a["note"] for a in (state.get("answers") or {}).values() if isinstance(a, dict) and a.get("note")
            )
            if state.get("more"):
                texts.add(state["more"])
        return {x for x in texts if isinstance(x, str) and x.strip()}

    def _places_only_named_by(self, person_id: int) -> list[int]:
        theirs = {r.id for r in self.t.responses.values() if r.person_id == person_id}
        others = {a.place_id for a in self.t.answers.values() if a.response_id not in theirs and a.place_id is not None}
        named = {a.place_id for a in self.t.answers.values() if a.response_id in theirs and a.place_id is not None}
        return self._unapproved_unused(named - others)

    def person_export(self, person_id: int) -> PersonExport:
        p = self.t.persons[person_id]
        responses: list[ExportedResponse] = []
        mine = [r for r in self.t.responses.values() if r.person_id == person_id]
        for resp in sorted(mine, key=lambda r: self.t.rounds[r.round_id].number):
            rnd = self.t.rounds[resp.round_id]
            answers: list[ExportedAnswer] = []
            for a in sorted(self.t.answers.values(), key=lambda a: a.id):
                if a.response_id != resp.id:
                    continue
                place = self.t.places.get(a.place_id) if a.place_id else None
                answers.append(
                    {
                        "area": self.t.areas[a.area_id].code,
                        "factor": a.factor,
                        "level": a.level,
                        "place": place.name if place else None,
                        "note": a.note,
                    }
                )
            responses.append(
                {
                    "week": str(RoundKey(rnd.year, rnd.week)),
                    "status": resp.status,
                    "organisation": resp.organisation,
                    "submitted_at": resp.submitted_at.isoformat() if resp.submitted_at else None,
                    "late": resp.late,
                    "answers": answers,
                    "more": resp.more_note,
                    "saved_questionnaire": as_json(resp.state or {}),
                }
            )
        observations: list[ExportedObservation] = [
            {
                "week": str(RoundKey(self.t.rounds[o.round_id].year, self.t.rounds[o.round_id].week)),
                "factor": o.factor,
                "text": o.text,
                "at": o.created_at.isoformat(),
            }
            for o in sorted(self.t.observations.values(), key=lambda o: o.id)
            if o.author_id == person_id
        ]
        votes = [
            c.title for c in sorted(self.t.candidates.values(), key=lambda c: c.id) if (c.id, person_id) in self.t.votes
        ]
        invites: list[ExportedInvitation] = [
            {"created_at": i.created_at.isoformat(), "used_at": i.used_at.isoformat() if i.used_at else None}
            for i in self.t.invites.values()
            if i.person_id == person_id
        ]
        accounts = self.people.accounts_of(person_id)
        messages: list[ExportedMessage] = [
            exported_message(m.created_at, m.platform, m.status, m.payload)
            for m in sorted(self.t.outbox.values(), key=lambda m: m.id)
            if to_accounts(m.platform, m.address, accounts)
        ]
        return {
            "person": exported_person(p),
            "areas": [a.code for a in self.people.person_areas(person_id)],
            "accounts": [{"platform": pl, "id": ext} for pl, ext in accounts],
            "responses": responses,
            "observations": observations,
            "votes": votes,
            "invitations": invites,
            "messages": messages,
        }
