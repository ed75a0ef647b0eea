"""Personal data: retention (`purge_notes`), erasure (`forget_person`) and a person's own copy (`person_export`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import Session

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
from storage.models import (
    AccountRow,
    ActionRow,
    AnswerRow,
    AreaRow,
    AuditRow,
    CandidateRow,
    InviteRow,
    MessageRefRow,
    ObservationRow,
    OutboxRow,
    PersonAreaRow,
    PersonRow,
    PlaceRow,
    ResponseRow,
    RoundRow,
    VoteRow,
    WebLinkRow,
    WebSessionRow,
)
from storage.redaction import distinctive, quote_pattern, redact, replace_name
from storage.repositories.base import SqlRepository
from storage.repositories.people import SqlPeople


class SqlPrivacy(SqlRepository):
    """Retention, erasure and export of personal data."""

    def __init__(self, session: Session, people: SqlPeople) -> None:
        super().__init__(session)
        self.people = people

    def purge_notes(self, group_id: str, before: RoundKey, before_time: datetime) -> dict[str, int]:
        """Retention: delete reporters' free text (notes, the "anything more" text, saved questionnaires) of
        the group's rounds before week `before`, and sent or parked messages queued before `before_time` (their
        texts quote notes), and the names of places only those weeks named that no coordinator approved. Levels,
        approved places, actions and the rounds themselves stay. Idempotent."""
        old = select(RoundRow.id).where(
            RoundRow.group_id == group_id, (RoundRow.year * 100 + RoundRow.week) < before.year * 100 + before.week
        )
        old_responses = select(ResponseRow.id).where(ResponseRow.round_id.in_(old))
        notes = self.s.execute(
            update(AnswerRow)
            .where(AnswerRow.response_id.in_(old_responses), AnswerRow.note.is_not(None))
            .values(note=None)
            .returning(AnswerRow.id)
        ).all()
        more = self.s.execute(
            update(ResponseRow)
            .where(ResponseRow.round_id.in_(old), ResponseRow.more_note.is_not(None))
            .values(more_note=None)
            .returning(ResponseRow.id)
        ).all()
        drafts = 0
        for resp in self.s.scalars(select(ResponseRow).where(ResponseRow.round_id.in_(old))):
            if resp.state:
                resp.state = {}
                drafts += 1
        messages = len(
            self.s.execute(
                delete(OutboxRow)
                .where(OutboxRow.status.in_(("sent", "parked")), OutboxRow.created_at < before_time)
                .returning(OutboxRow.id)
            ).all()
        )
        # Place names reporters typed that no coordinator approved are their free text too: gone once no answer
        # of a newer week, no candidate and no action names them.
        group_areas = select(AreaRow.id).where(AreaRow.group_id == group_id)
        newer = select(AnswerRow.place_id).where(
            AnswerRow.response_id.not_in(old_responses), AnswerRow.place_id.is_not(None)
        )
        places = list(self.s.scalars(_unapproved_unused(PlaceRow.area_id.in_(group_areas), PlaceRow.id.not_in(newer))))
        if places:
            self.s.execute(update(AnswerRow).where(AnswerRow.place_id.in_(places)).values(place_id=None))
            self.s.execute(delete(PlaceRow).where(PlaceRow.id.in_(places)))
        self.s.flush()
        return {"notes": len(notes) + len(more), "drafts": drafts, "messages": messages, "places": len(places)}

    def forget_person(self, person_id: int, placeholder: str, redacted: str = "[…]") -> dict[str, int]:
        """Erase a person's identity: name, organisation, chat accounts, invitations, area links, own notes and
        saved questionnaires, messages to them, their name in observations and the audit log. Their notes are
        also cut out of every queued or sent message to others that quotes them (review lists, pictures, reports),
        replaced by `redacted`, and places only they named that no coordinator approved are deleted. Their
        levels stay, linked to a nameless row, so the weekly numbers do not change."""
        person = self.s.get(PersonRow, person_id)
        assert person is not None
        name = person.name
        places = self._places_only_named_by(person_id)
        own = self._own_texts(person_id) | {
            n for n in self.s.scalars(select(PlaceRow.name).where(PlaceRow.id.in_(places))) if n.strip()
        }
        quoted = [quote_pattern(text) for text in sorted(own, key=len, reverse=True) if distinctive(text)]
        accounts = [
            (a.platform, a.external_id)
            for a in self.s.scalars(select(AccountRow).where(AccountRow.person_id == person_id))
        ]
        if accounts:
            self.s.execute(delete(OutboxRow).where(_to_accounts(OutboxRow, accounts)))
            self.s.execute(delete(MessageRefRow).where(_to_accounts(MessageRefRow, accounts)))
        redacted_messages = 0
        for message in self.s.scalars(select(OutboxRow)):  # messages to others that name or quote them
            named = replace_name(message.payload, name, placeholder)
            payload = redact(named, quoted, redacted)
            redacted_messages += payload != named
            if payload != message.payload:
                message.payload = payload
        self.s.execute(delete(AccountRow).where(AccountRow.person_id == person_id))
        self.s.execute(delete(InviteRow).where(InviteRow.person_id == person_id))
        self.s.execute(delete(WebLinkRow).where(WebLinkRow.person_id == person_id))
        self.s.execute(delete(WebSessionRow).where(WebSessionRow.person_id == person_id))
        self.s.execute(delete(PersonAreaRow).where(PersonAreaRow.person_id == person_id))
        self.people.areas_changed()
        responses = select(ResponseRow.id).where(ResponseRow.person_id == person_id)
        self.s.execute(
            update(AnswerRow)
            .where(AnswerRow.response_id.in_(responses), AnswerRow.place_id.in_(places))
            .values(place_id=None)
        )
        if places:
            self.s.execute(delete(PlaceRow).where(PlaceRow.id.in_(places)))
        # A questionnaire never sent holds no levels that count: without its row the person is no longer counted
        # as asked and not answered (status, the picture's response rate and the weeks' figures agree).
        unsent = select(ResponseRow.id).where(ResponseRow.person_id == person_id, ResponseRow.status != "submitted")
        unsent_ids = list(self.s.scalars(unsent))
        if unsent_ids:
            self.s.execute(delete(AnswerRow).where(AnswerRow.response_id.in_(unsent_ids)))
            self.s.execute(delete(ResponseRow).where(ResponseRow.id.in_(unsent_ids)))
        self.s.execute(update(AnswerRow).where(AnswerRow.response_id.in_(responses)).values(note=None))
        n_responses = len(
            self.s.execute(
                update(ResponseRow)
                .where(ResponseRow.person_id == person_id)
                .values(more_note=None, state={})
                .returning(ResponseRow.id)
            ).all()
        )
        self.s.execute(
            update(ObservationRow)
            .where(ObservationRow.author_id == person_id)
            .values(author=placeholder, author_id=None)
        )
        audit_rows = 0
        for row in self.s.scalars(select(AuditRow).where(AuditRow.group_id == person.group_id)):
            detail = replace_name(row.detail, name, placeholder)
            if row.actor == name or detail != row.detail:
                row.actor = placeholder if row.actor == name else row.actor
                row.detail = detail
                audit_rows += 1
        person.name, person.name_key, person.organisation = placeholder, f"#forgotten-{person_id}", ""
        person.active, person.forgotten, person.receives_report, person.paused_until = False, True, False, None
        self.s.flush()
        return {
            "accounts": len(accounts),
            "responses": n_responses,
            "audit": audit_rows,
            "messages": redacted_messages,
            "places": len(places),
        }

    def _own_texts(self, person_id: int) -> set[str]:
        """Every free text the person wrote that is stored with their answers: notes, "anything more", and the
        same in their saved questionnaires (a draft may hold a note not sent yet)."""
        texts: set[str] = set()
        for note, more, state in self.s.execute(
            select(AnswerRow.note, ResponseRow.more_note, ResponseRow.state)
            .select_from(ResponseRow)
            .outerjoin(AnswerRow, AnswerRow.response_id == ResponseRow.id)
            .where(ResponseRow.person_id == person_id)
        ):
            texts.update(x for x in (note, more) if x)
            if isinstance(state, dict):
                texts.update(
                    a["note"] for a in (state.get("answers") or {}).values() if isinstance(a, dict) and a.get("note")
                )
                if state.get("more"):
                    texts.add(state["more"])
        return {x for x in texts if isinstance(x, str) and x.strip()}

    def _places_only_named_by(self, person_id: int) -> list[int]:
        """Places waiting for review (or rejected) that no answer of anybody else names, nor any priority."""
        theirs = select(ResponseRow.id).where(ResponseRow.person_id == person_id)
        others = select(AnswerRow.place_id).where(AnswerRow.response_id.not_in(theirs), AnswerRow.place_id.is_not(None))
        named = (
            select(AnswerRow.place_id)
            .where(AnswerRow.response_id.in_(theirs), AnswerRow.place_id.is_not(None))
            .distinct()
        )
        return list(self.s.scalars(_unapproved_unused(PlaceRow.id.in_(named), PlaceRow.id.not_in(others))))

    def person_export(self, person_id: int) -> PersonExport:
        """Everything stored about one person, for their own copy (a subject access request)."""
        p = self.s.get(PersonRow, person_id)
        assert p is not None
        responses: list[ExportedResponse] = []
        for resp, rnd in self.s.execute(
            select(ResponseRow, RoundRow)
            .join(RoundRow, RoundRow.id == ResponseRow.round_id)
            .where(ResponseRow.person_id == person_id)
            .order_by(RoundRow.year, RoundRow.week)
        ):
            answers: list[ExportedAnswer] = [
                {"area": code, "factor": a.factor, "level": a.level, "place": place, "note": a.note}
                for a, code, place in self.s.execute(
                    select(AnswerRow, AreaRow.code, PlaceRow.name)
                    .join(AreaRow, AreaRow.id == AnswerRow.area_id)
                    .outerjoin(PlaceRow, PlaceRow.id == AnswerRow.place_id)
                    .where(AnswerRow.response_id == resp.id)
                    .order_by(AnswerRow.id)
                )
            ]
            responses.append(
                {
                    "week": str(RoundKey(rnd.year, rnd.week)),
                    "status": resp.status,
                    "organisation": resp.organisation,
                    "submitted_at": resp.submitted_at.isoformat() if resp.submitted_at else None,
                    "late": resp.late,
                    "answers": answers,
                    "more": resp.more_note,
                    "saved_questionnaire": resp.state or {},
                }
            )
        observations: list[ExportedObservation] = [
            {"week": str(RoundKey(r.year, r.week)), "factor": o.factor, "text": o.text, "at": o.created_at.isoformat()}
            for o, r in self.s.execute(
                select(ObservationRow, RoundRow)
                .join(RoundRow, RoundRow.id == ObservationRow.round_id)
                .where(ObservationRow.author_id == person_id)
                .order_by(ObservationRow.id)
            )
        ]
        votes = [
            title
            for (title,) in self.s.execute(
                select(CandidateRow.title)
                .join(VoteRow, VoteRow.candidate_id == CandidateRow.id)
                .where(VoteRow.person_id == person_id)
                .order_by(CandidateRow.id)
            )
        ]
        invites: list[ExportedInvitation] = [
            {"created_at": i.created_at.isoformat(), "used_at": i.used_at.isoformat() if i.used_at else None}
            for i in self.s.scalars(select(InviteRow).where(InviteRow.person_id == person_id))
        ]
        accounts = self.people.accounts_of(person_id)
        messages: list[ExportedMessage] = (
            [
                exported_message(m.created_at, m.platform, m.status, m.payload)
                for m in self.s.scalars(
                    select(OutboxRow).where(_to_accounts(OutboxRow, accounts)).order_by(OutboxRow.id)
                )
            ]
            if accounts
            else []
        )
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


def _to_accounts(model: Any, accounts: Sequence[tuple[str, str]]) -> Any:
    """Rows addressed to one of these chat accounts: their direct chat, or a private address an edge makes for the
    person elsewhere, which ends with `:<account id>` (Slack's `eph:<channel>:<user>` and `home:<user>`)."""
    return or_(
        *(
            and_(
                model.platform == platform,
                or_(model.address == ext, model.address.endswith(f":{ext}", autoescape=True)),
            )
            for platform, ext in accounts
        )
    )


def _unapproved_unused(*where: Any) -> Any:
    """Places no coordinator approved (nor the configuration named) that no candidate or action names, among
    `where`: reporters' free text, which retention and `forget` remove."""
    return select(PlaceRow.id).where(
        *where,
        PlaceRow.review != "approved",
        PlaceRow.configured.is_(False),
        PlaceRow.id.not_in(select(CandidateRow.place_id).where(CandidateRow.place_id.is_not(None))),
        PlaceRow.id.not_in(select(ActionRow.place_id).where(ActionRow.place_id.is_not(None))),
    )
