"""Fake rounds and responses (storage/repositories/rounds.py and notes.py, in memory); the picture's input is in
tests/unit/fakes/picture.py."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from bot.domain.conversation_state import ConversationState
from bot.domain.cycle import Phase, RoundKey
from bot.domain.factors import Factor
from bot.domain.model import AnswerIn, LastAnswer, NoteForReview, OwnAnswer, Response, Round, RoundStatus
from bot.domain.picture import PictureInput, Report
from storage.redaction import quote_pattern, redact
from tests.unit.fakes.people import FakeGroups, FakePeople, FakeRepository
from tests.unit.fakes.picture import picture_input, reporter_answers
from tests.unit.fakes.tables import AnswerRow, ObservationRow, ResponseRow, RoundRow, Tables, as_json

_STAMPS = {
    Phase.OPEN: "opened_at",
    Phase.CLOSED: "closed_at",
    Phase.DRAFTED: "drafted_at",
    Phase.FINALISED: "finalised_at",
    Phase.PUBLISHED: "published_at",
}


def round_of(r: RoundRow) -> Round:
    return Round(r.id, r.group_id, RoundKey(r.year, r.week), Phase(r.phase), r.opened_at)


def response_of(r: ResponseRow) -> Response:
    return Response(
        r.id,
        r.round_id,
        r.person_id,
        r.status,
        ConversationState.from_json(as_json(r.state or {})),
        r.version,
        r.snoozed_until,
        r.reminders,
        r.late,
        r.submitted_at,
    )


class FakeRounds(FakeRepository):
    def __init__(self, tables: Tables, groups: FakeGroups, people: FakePeople) -> None:
        super().__init__(tables)
        self.groups = groups
        self.people = people

    def _round(self, group_id: str, key: RoundKey) -> RoundRow | None:
        return next(
            (r for r in self.t.rounds.values() if r.group_id == group_id and (r.year, r.week) == (key.year, key.week)),
            None,
        )

    def get_round(self, group_id: str, key: RoundKey) -> Round | None:
        r = self._round(group_id, key)
        return round_of(r) if r else None

    def get_round_by_id(self, round_id: int) -> Round | None:
        r = self.t.rounds.get(round_id)
        return round_of(r) if r else None

    def create_round(self, group_id: str, key: RoundKey, now: datetime) -> Round:
        r = self._round(group_id, key)
        if r is None:
            r = RoundRow(self.t.next_id("rounds"), group_id, key.year, key.week, Phase.PLANNED.value, now)
            self.t.rounds[r.id] = r
        return round_of(r)

    def recent_rounds(self, group_id: str, n: int) -> list[Round]:
        rows = sorted((r for r in self.t.rounds.values() if r.group_id == group_id), key=lambda r: -r.number)
        return [round_of(r) for r in rows[:n]]

    def unpublished_rounds(self, group_id: str) -> list[Round]:
        rows = [r for r in self.t.rounds.values() if r.group_id == group_id and r.phase != Phase.PUBLISHED.value]
        return [round_of(r) for r in sorted(rows, key=lambda r: r.number)]

    def set_phase(self, round_id: int, old: Phase, new: Phase, now: datetime) -> bool:
        r = self.t.rounds.get(round_id)
        if r is None or r.phase != old.value:
            return False
        r.phase = new.value
        stamp = _STAMPS.get(new)
        if stamp:
            setattr(r, stamp, now)
        return True

    def owe_charts(self, round_id: int) -> None:
        self.t.rounds[round_id].charts_owed = True

    def charts_owed(self, group_id: str) -> list[Round]:
        rows = [r for r in self.t.rounds.values() if r.group_id == group_id and r.charts_owed]
        return [round_of(r) for r in sorted(rows, key=lambda r: r.number)]

    def settle_charts(self, round_id: int) -> bool:
        r = self.t.rounds.get(round_id)
        if r is None or not r.charts_owed:
            return False
        r.charts_owed = False
        return True

    def _response(self, round_id: int, person_id: int) -> ResponseRow | None:
        return next((r for r in self.t.responses.values() if r.round_id == round_id and r.person_id == person_id), None)

    def get_response(self, round_id: int, person_id: int) -> Response | None:
        r = self._response(round_id, person_id)
        return response_of(r) if r else None

    def get_or_create_response(self, round_id: int, person_id: int, organisation: str, now: datetime) -> Response:
        r = self._response(round_id, person_id)
        if r is None:
            r = ResponseRow(self.t.next_id("responses"), round_id, person_id, organisation, now)
            self.t.responses[r.id] = r
        return response_of(r)

    def create_responses(self, round_id: int, people: Sequence[tuple[int, str]], now: datetime) -> None:
        for person_id, organisation in people:
            self.get_or_create_response(round_id, person_id, organisation, now)

    def save_response(
        self,
        response_id: int,
        version: int,
        state: ConversationState,
        status: str,
        snoozed_until: datetime | None,
        late: bool,
        submitted_at: datetime | None,
        now: datetime,
    ) -> None:
        r = self.t.responses.get(response_id)
        if r is None or r.version != version:
            raise RuntimeError(f"response {response_id} changed concurrently")
        r.state, r.status, r.snoozed_until, r.late = as_json(state.to_json()), status, snoozed_until, late
        r.submitted_at, r.updated_at, r.version = submitted_at, now, version + 1

    def set_reminders(self, response_id: int, n: int) -> None:
        if response_id in self.t.responses:
            self.t.responses[response_id].reminders = n

    def max_reminders(self, round_id: int) -> int:
        return max((r.reminders for r in self.t.responses.values() if r.round_id == round_id), default=0)

    def due_snoozes(self, group_id: str, now: datetime) -> list[tuple[Response, Round]]:
        out: list[tuple[Response, Round]] = []
        for r in sorted(self.t.responses.values(), key=lambda r: r.id):
            rnd = self.t.rounds[r.round_id]
            if rnd.group_id != group_id or r.status != "snoozed":
                continue
            if r.snoozed_until is not None and r.snoozed_until <= now:
                out.append((response_of(r), round_of(rnd)))
        return out

    def replace_answers(self, response_id: int, answers: list[AnswerIn], more: str | None) -> None:
        old = {
            (a.area_id, a.factor): (a.note, a.note_review)
            for a in self.t.answers.values()
            if a.response_id == response_id
        }
        for aid in [a.id for a in self.t.answers.values() if a.response_id == response_id]:
            del self.t.answers[aid]
        for a in answers:
            prev = old.get((a.area_id, a.factor))
            review = prev[1] if prev is not None and prev[0] == a.note else "pending"
            if any(
                x.response_id == response_id and (x.area_id, x.factor) == (a.area_id, a.factor)
                for x in self.t.answers.values()
            ):
                raise ValueError(f"answer {a.area_id}/{a.factor} twice (a unique key)")
            row = AnswerRow(self.t.next_id("answers"), response_id, a.area_id, a.factor, a.level, a.place_id, a.note)
            row.note_review = review
            self.t.answers[row.id] = row
        resp = self.t.responses[response_id]
        if resp.more_note != more:
            resp.more_review = "pending"
        resp.more_note = more

    def last_submitted_answers(self, group_id: str, key: RoundKey, person_id: int) -> dict[str, LastAnswer] | None:
        prev = key.prev()
        rnd = self._round(group_id, prev)
        if rnd is None:
            return None
        row = self._response(rnd.id, person_id)
        if row is None or row.status != "submitted":
            return None
        out: dict[str, LastAnswer] = {}
        for a in sorted(self.t.answers.values(), key=lambda a: a.id):
            if a.response_id != row.id:
                continue
            place = self.t.places.get(a.place_id) if a.place_id else None
            d: LastAnswer = {"level": a.level, "place": place.name} if place else {"level": a.level}
            out[f"{self.t.areas[a.area_id].code}|{a.factor}"] = d
        return out

    def own_answers(self, person_id: int) -> list[OwnAnswer]:
        out: list[tuple[tuple[int, int, int, int], OwnAnswer]] = []
        for a in self.t.answers.values():
            r = self.t.responses[a.response_id]
            if r.person_id != person_id or r.status != "submitted":
                continue
            rnd = self.t.rounds[r.round_id]
            place = self.t.places[a.place_id].name if a.place_id else None
            own = OwnAnswer(
                RoundKey(rnd.year, rnd.week), r.submitted_at, r.late, r.more_note, self.t.areas[a.area_id].code,
                a.factor, a.level, place, a.note,
            )  # fmt: skip
            out.append(((-rnd.year, -rnd.week, r.id, a.id), own))
        return [own for _, own in sorted(out, key=lambda pair: pair[0])]

    def round_status(self, round_id: int, group_id: str, now: datetime) -> RoundStatus:
        expected = done = late = 0
        missing: list[str] = []
        for resp in sorted(self.t.responses.values(), key=lambda r: r.id):
            if resp.round_id != round_id:
                continue
            expected += 1
            person = self.t.persons.get(resp.person_id) if resp.person_id is not None else None
            if resp.status == "submitted":
                done += 1
                late += int(resp.late)
            elif person is not None:
                missing.append(person.name)
        paused = tuple(p.name for p in self.people.persons(group_id) if p.is_paused(now))
        return RoundStatus(expected, done, late, tuple(sorted(missing)), paused)

    def picture_input(
        self, group_id: str, group_name: str, rnd: Round, factors: list[Factor], threshold: int, now: datetime
    ) -> PictureInput:
        status = self.round_status(rnd.id, group_id, now)
        return picture_input(self.t, self.groups, group_id, group_name, rnd, factors, threshold, status)

    def reporter_answers(
        self, group_id: str, before: RoundKey, weeks: int, cells: Collection[tuple[str, str]]
    ) -> dict[RoundKey, list[Report]]:
        return reporter_answers(self.t, group_id, before, weeks, cells)

    # ------------------------------------------------------------ notes and observations

    def notes_for_review(self, round_id: int) -> list[NoteForReview]:
        out: list[NoteForReview] = []
        submitted = {r.id for r in self.t.responses.values() if r.round_id == round_id and r.status == "submitted"}
        for a in sorted(self.t.answers.values(), key=lambda a: a.id):
            if a.response_id not in submitted or a.note is None:
                continue
            place = self.t.places.get(a.place_id) if a.place_id else None
            where = f"{self.t.areas[a.area_id].code}/{a.factor}" + (f"/{place.name}" if place else "")
            out.append(NoteForReview(a.id * 2, a.note_review, where, a.note))
        for rid in sorted(submitted):
            r = self.t.responses[rid]
            if r.more_note is not None:
                out.append(NoteForReview(r.id * 2 + 1, r.more_review, "–", r.more_note))
        return out

    def _note_owner(self, round_id: int, ident: str) -> tuple[ResponseRow, AnswerRow | None] | None:
        """The response (and for an even id, the answer) a note id names in this round, if it has a note."""
        if not ident.isdigit():
            return None
        n = int(ident)
        if n % 2 == 0:
            a = self.t.answers.get(n // 2)
            if a is None or a.note is None:
                return None
            resp = self.t.responses.get(a.response_id)
            if resp is None or resp.round_id != round_id:
                return None
            return resp, a
        resp = self.t.responses.get(n // 2)
        if resp is None or resp.round_id != round_id or resp.more_note is None:
            return None
        return resp, None

    def set_note_review(self, round_id: int, ident: str, status: str) -> bool:
        found = self._note_owner(round_id, ident)
        if found is None:
            return False
        resp, answer = found
        if answer is not None:
            answer.note_review = status
        else:
            resp.more_review = status
        return True

    def add_observation(
        self,
        round_id: int,
        author_id: int,
        author: str,
        source: str,
        area: str | None,
        factor: str | None,
        text: str,
        now: datetime,
    ) -> None:
        rnd = self.t.rounds[round_id]
        area_id = self.groups.area_by_code(rnd.group_id, area).id if area else None
        row = ObservationRow(
            self.t.next_id("observations"), round_id, author_id, author, source, area_id, factor, text, now
        )
        self.t.observations[row.id] = row

    def edit_note(self, round_id: int, ident: str, text: str) -> bool:
        found = self._note_owner(round_id, ident)
        if found is None:
            return False
        resp, a = found
        if a is not None:
            assert a.note is not None
            self._requote(a.note, text)
            a.note, a.note_review = text, "approved"
            code = self.t.areas[a.area_id].code
            state = dict(resp.state or {})
            answers = {k: dict(v) for k, v in (state.get("answers") or {}).items()}
            if f"{code}|{a.factor}" in answers:
                answers[f"{code}|{a.factor}"]["note"] = text
            state["answers"] = answers
            resp.state = state
            return True
        assert resp.more_note is not None
        self._requote(resp.more_note, text)
        resp.more_note, resp.more_review = text, "approved"
        resp.state = {**(resp.state or {}), "more": text}
        return True

    def _requote(self, old: str, new: str) -> None:
        pattern = [quote_pattern(old)]
        for message in self.t.outbox.values():
            message.payload = redact(message.payload, pattern, new)
