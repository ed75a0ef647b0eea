"""The fakes keep to storage's contract: the same scenarios run over `FakeUnitOfWork` and over the real
`SqlUnitOfWork` on SQLite (the `storage` fixture is parametrised), with the same expected answers. A whole week
through the front, compared message by message over both, is tests/integration/usecases/test_fakes_week.py."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.conversation_state import ConversationState
from bot.domain.cycle import Phase, RoundKey
from bot.domain.model import AnswerIn, OwnAnswer, PlaceForReview, RoundStatus
from bot.domain.picture import Report
from bot.domain.statistics import PoliceEvent, StatRecord
from bot.ports import UnitOfWork
from storage.db import make_session_factory, open_engine
from storage.migrate import migrate
from storage.uow import SqlUnitOfWork
from tests.unit.fakes import FakeStorage

Units = Callable[[], UnitOfWork]
NOW = datetime(2026, 11, 17, 7, 0, tzinfo=UTC)
W47 = RoundKey(2026, 47)


@pytest.fixture(params=["fake", "sqlite"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Units]:
    if request.param == "fake":
        yield FakeStorage().unit
        return
    engine = open_engine(f"sqlite:///{tmp_path / 'est.sqlite'}")
    migrate(engine)
    factory, lock = make_session_factory(engine), threading.RLock()
    yield lambda: SqlUnitOfWork(factory, lock)
    engine.dispose()


def group(units: Units) -> tuple[int, int, int]:
    """Group g with areas a and b, and Anna (a) and Bo (a, b) on the console: (area a, Anna, Bo)."""
    with units() as uow:
        uow.groups.upsert_group("g", "G")
        a = uow.groups.upsert_area("g", "a", "A")
        b = uow.groups.upsert_area("g", "b", "B")
        anna = uow.people.upsert_person("g", "Anna", "Org1", "reporter", "sv", True)
        bo = uow.people.upsert_person("g", "Bo", "Org2", "reporter", "en", True)
        uow.people.set_person_areas(anna.id, [a.id])
        uow.people.set_person_areas(bo.id, [b.id, a.id])
        uow.people.link_account("console", "anna", anna.id)
        uow.people.link_account("console", "bo", bo.id)
        uow.commit()
        return a.id, anna.id, bo.id


def test_leaving_without_a_commit_rolls_back(storage: Units) -> None:
    group(storage)
    with storage() as uow:
        uow.groups.upsert_area("g", "c", "C")
        uow.audit.mark_event_processed("console", "e1", NOW)
    with storage() as uow:
        assert [a.code for a in uow.groups.areas("g")] == ["a", "b"]
        assert uow.audit.mark_event_processed("console", "e1", NOW)  # not recorded before
        uow.rollback()
        assert uow.audit.mark_event_processed("console", "e1", NOW)
        uow.begin_batch([("console", "anna", None)], [("console", "e2"), ("console", "e2")], NOW)
        assert uow.audit.mark_event_processed("console", "e2", NOW)  # the batch's first delivery
        assert not uow.audit.mark_event_processed("console", "e2", NOW)
        uow.commit()
    with storage() as uow:
        assert not uow.audit.mark_event_processed("console", "e1", NOW)
        assert not uow.audit.mark_event_processed("console", "e2", NOW)


def test_groups_people_and_places(storage: Units) -> None:
    area, anna, bo = group(storage)
    with storage() as uow:
        assert [p.name for p in uow.people.persons("g")] == ["Anna", "Bo"]
        assert [a.code for a in uow.people.person_areas(bo)] == ["b", "a"]
        assert uow.people.person_by_account("console", "bo") == uow.people.get_person(bo)
        assert uow.people.person_by_name("g", "  anna ") == uow.people.get_person(anna)
        uow.people.set_active(bo, False)
        assert uow.people.person_by_account("console", "bo") is None and uow.people.account_owner("console", "bo") == bo
        assert [p.name for p in uow.people.persons("g", active_only=False)] == ["Anna", "Bo"]
        assert uow.groups.count_area_reporters(area) == 1
        uow.people.create_invite("code", anna, NOW, NOW + timedelta(days=1))
        assert uow.people.use_invite("code", "telegram:1", NOW) == anna
        assert uow.people.use_invite("code", "telegram:2", NOW) is None  # once only
        assert uow.people.use_invite("nope", "telegram:2", NOW) is None
        torget = uow.groups.get_or_create_place(area, "Stortorget", NOW, configured=True)
        kiosk = uow.groups.get_or_create_place(area, "Ny  kiosk", NOW)
        assert uow.groups.get_or_create_place(area, "ny kiosk", NOW).id == kiosk.id and kiosk.name == "Ny kiosk"
        assert [p.name for p in uow.groups.places(area)] == ["Stortorget"]  # the typed one waits for review
        assert uow.groups.places_for_review("g") == [PlaceForReview(kiosk.id, "a", "Ny kiosk", 0, False, NOW)]
        assert uow.groups.set_place_review("g", torget.id, "rejected") is None  # configured: changed in the file
        assert uow.groups.set_place_review("other", kiosk.id, "approved") is None
        assert uow.groups.set_place_review("g", kiosk.id, "approved") == "Ny kiosk"
        assert uow.groups.rename_place(kiosk.id, "Kiosken") == "Kiosken"
        assert uow.groups.rename_place(kiosk.id, "stortorget") == "Stortorget"  # the two become one
        assert [p.name for p in uow.groups.places(area)] == ["Stortorget"]
        with pytest.raises(KeyError):
            uow.groups.area_by_code("g", "zz")


def test_rounds_responses_and_answers(storage: Units) -> None:
    area, anna, bo = group(storage)
    with storage() as uow:
        rnd = uow.rounds.create_round("g", W47, NOW)
        assert uow.rounds.create_round("g", W47, NOW).id == rnd.id and rnd.phase is Phase.PLANNED
        assert uow.rounds.set_phase(rnd.id, Phase.PLANNED, Phase.OPEN, NOW)
        assert not uow.rounds.set_phase(rnd.id, Phase.PLANNED, Phase.OPEN, NOW)  # compare-and-set
        again = uow.rounds.get_round_by_id(rnd.id)
        assert again is not None and again.phase is Phase.OPEN and again.opened_at == NOW
        resp = uow.rounds.get_or_create_response(rnd.id, anna, "Org1", NOW)
        assert (resp.status, resp.version, resp.state) == ("pending", 0, ConversationState())
        uow.rounds.save_response(resp.id, 0, ConversationState(), "submitted", None, False, NOW, NOW)
        with pytest.raises(RuntimeError):
            uow.rounds.save_response(resp.id, 0, ConversationState(), "submitted", None, False, NOW, NOW)
        uow.rounds.replace_answers(resp.id, [AnswerIn(area, "klotter", 2, None, "Klotter på väggen")], "Mer")
        notes = uow.rounds.notes_for_review(rnd.id)
        assert [(n.review, n.where, n.text) for n in notes] == [
            ("pending", "a/klotter", "Klotter på väggen"),
            ("pending", "–", "Mer"),
        ]
        assert uow.rounds.set_note_review(rnd.id, str(notes[0].id), "approved")
        assert not uow.rounds.set_note_review(rnd.id, "999", "approved") and not uow.rounds.set_note_review(
            rnd.id, "x", "approved"
        )
        torget = uow.groups.get_or_create_place(area, "Torget", NOW, configured=True).id
        uow.rounds.replace_answers(resp.id, [AnswerIn(area, "klotter", 3, torget, "Klotter på väggen")], "Mer")
        assert [n.review for n in uow.rounds.notes_for_review(rnd.id)] == ["approved", "pending"]  # kept
        assert uow.rounds.edit_note(rnd.id, str(notes[1].id), "Mer, utan namn")
        assert [n.review for n in uow.rounds.notes_for_review(rnd.id)] == ["approved", "approved"]
        other = uow.rounds.get_or_create_response(rnd.id, bo, "Org2", NOW)
        uow.rounds.save_response(other.id, 0, ConversationState(), "snoozed", NOW, False, None, NOW)
        uow.rounds.set_reminders(other.id, 2)
        assert uow.rounds.max_reminders(rnd.id) == 2
        assert [(r.person_id, w.id) for r, w in uow.rounds.due_snoozes("g", NOW)] == [(bo, rnd.id)]
        assert uow.rounds.due_snoozes("g", NOW - timedelta(seconds=1)) == []
        status = uow.rounds.round_status(rnd.id, "g", NOW)
        assert status == RoundStatus(expected=2, done=1, late=0, missing=("Bo",), paused=())
        nxt = uow.rounds.create_round("g", W47.next(), NOW)
        assert uow.rounds.last_submitted_answers("g", nxt.key, anna) == {"a|klotter": {"level": 3, "place": "Torget"}}
        assert uow.rounds.last_submitted_answers("g", nxt.key, bo) is None
        assert uow.rounds.own_answers(anna) == [
            OwnAnswer(W47, NOW, False, "Mer, utan namn", "a", "klotter", 3, "Torget", "Klotter på väggen")
        ]
        assert uow.rounds.own_answers(bo) == []  # snoozed: nothing sent
        assert [r.key for r in uow.rounds.recent_rounds("g", 5)] == [W47.next(), W47]
        assert [r.key for r in uow.rounds.unpublished_rounds("g")] == [W47, W47.next()]
        pic = uow.rounds.picture_input("g", "G", rnd, [], 2, NOW)
        assert [(r.area, r.factor, r.level, r.place) for r in pic.reports] == [("a", "klotter", 3, "Torget")]
        assert [(n.text, n.approved) for n in pic.notes] == [("Klotter på väggen", True), ("Mer, utan namn", True)]
        assert [r.reporter_id for r in pic.reports] == [anna]  # the person: the same number every week
        # the judged cells' answers reporter by reporter, per round of the weeks asked; [] where nobody answered
        assert uow.rounds.reporter_answers("g", W47.next().next(), 2, {("a", "klotter")}) == {
            W47: [Report(anna, "", "a", "klotter", 3)],
            W47.next(): [],
        }
        assert uow.rounds.reporter_answers("g", W47.next(), 1, {("a", "brand")}) == {W47: []}
        assert uow.rounds.reporter_answers("g", W47, 4, {("a", "klotter")}) == {}  # no round before W47
        week = uow.history.week_stats("g", W47, W47.next())
        assert [(w.week, w.expected, w.responded) for w in week] == [(W47, 2, 1), (W47.next(), 0, 0)]
        cells = uow.history.cell_stats("g", W47, W47)
        assert [(c.area, c.factor, c.count, c.total, c.max) for c in cells] == [("a", "klotter", 1, 3, 3)]
        assert [p.organisation for p in uow.history.participation("g", W47, W47)] == ["Org1"]
        mentions = uow.history.place_mentions("g", W47, W47)
        assert [(m.area, m.place, m.factor, m.count) for m in mentions] == [("a", "Torget", "klotter", 1)]
        levels = uow.history.place_levels("g", W47, W47)
        assert [(p.week, p.area, p.place, p.lat, p.lon, p.factor, p.mentions, p.total, p.max) for p in levels] == [
            (W47, "a", "Torget", None, None, "klotter", 1, 3, 3)
        ]
        records = uow.history.answer_records("g", W47, W47)
        assert [(r.organisation, r.level, r.place, r.note) for r in records] == [
            ("Org1", 3, "Torget", "Klotter på väggen")
        ]


def test_place_levels_name_approved_places_with_their_positions(storage: Units) -> None:
    area, anna, bo = group(storage)
    with storage() as uow:
        rnd = uow.rounds.create_round("g", W47, NOW)
        later = uow.rounds.create_round("g", W47.next(), NOW)
        torget = uow.groups.get_or_create_place(area, "Torget", NOW, configured=True, lat=58.28, lon=12.29).id
        shared = uow.groups.get_or_create_place(area, "58.281, 12.301", NOW, lat=58.281, lon=12.301).id
        typed = uow.groups.get_or_create_place(area, "Kiosken", NOW).id
        for who, org, levels in ((anna, "Org1", (3, 2)), (bo, "Org2", (1, 3))):
            resp = uow.rounds.get_or_create_response(rnd.id, who, org, NOW)
            uow.rounds.save_response(resp.id, 0, ConversationState(), "submitted", None, False, NOW, NOW)
            uow.rounds.replace_answers(
                resp.id,
                [
                    AnswerIn(area, "klotter", levels[0], torget, None),
                    AnswerIn(area, "droger", levels[1], shared, None),
                    AnswerIn(area, "skadegorelse", 2, typed, None),
                ],
                None,
            )
        resp = uow.rounds.get_or_create_response(later.id, anna, "Org1", NOW)
        uow.rounds.save_response(resp.id, 0, ConversationState(), "submitted", None, False, NOW, NOW)
        uow.rounds.replace_answers(resp.id, [AnswerIn(area, "klotter", 2, torget, None)], None)
        draft = uow.rounds.get_or_create_response(later.id, bo, "Org2", NOW)  # not submitted: not counted
        uow.rounds.replace_answers(draft.id, [AnswerIn(area, "klotter", 3, torget, None)], None)
        uow.commit()
    with storage() as uow:
        rows = [
            (p.week, p.place, p.lat, p.lon, p.factor, p.mentions, p.total, p.max)
            for p in uow.history.place_levels("g", W47, W47.next())
        ]
        # The shared location is not approved yet, the typed place neither: only Torget.
        assert rows == [
            (W47, "Torget", 58.28, 12.29, "klotter", 2, 4, 3),
            (W47.next(), "Torget", 58.28, 12.29, "klotter", 1, 2, 2),
        ]
        assert uow.groups.set_place_review("g", shared, "approved") == "58.281, 12.301"
        rows = [
            (p.week, p.place, p.lat, p.lon, p.factor, p.mentions, p.total, p.max)
            for p in uow.history.place_levels("g", W47, W47)
        ]
        assert rows == [
            (W47, "58.281, 12.301", 58.281, 12.301, "droger", 2, 5, 3),
            (W47, "Torget", 58.28, 12.29, "klotter", 2, 4, 3),
        ]
        assert uow.history.place_levels("g", W47.next().next(), W47.next().next()) == []


def test_outbox_claims_in_order_per_chat(storage: Units) -> None:
    group(storage)
    with storage() as uow:
        for n, address in enumerate(["anna", "bo", "anna"]):
            uow.outbox.enqueue(f"k{n}", "console", address, f"ref{n}", {"text": f"m{n}"}, NOW)
        uow.outbox.enqueue("k0", "console", "anna", None, {"text": "again"}, NOW)  # the same key: ignored
        uow.commit()
    with storage() as uow:
        first = uow.outbox.claim("console", NOW, 1, lease_until=NOW + timedelta(minutes=2), claimer="x")
        assert [(i.key, i.payload) for i in first] == [("k0", {"text": "m0"})]
        # k2 waits for k0 to the same chat; k1 goes
        assert [i.key for i in uow.outbox.claim("console", NOW, 10, claimer="y")] == ["k1"]
        uow.outbox.sent(first[0].id, NOW, "msg-0")
        assert uow.outbox.message_id_for("console", "anna", "ref0") == "msg-0"
        assert uow.outbox.ref_for_message("console", "anna", "msg-0") == "ref0"
        later = NOW + timedelta(minutes=5)
        (k2,) = uow.outbox.claim("console", later, 10, address="anna", claimer="z")
        assert not uow.outbox.retry(k2.id, later, "boom", park_after=2)
        assert uow.outbox.retry(k2.id, later, "boom 070-123 45 67", park_after=2)  # parked
        assert uow.outbox.parked_messages() == [("console", "anna", "Anna", "boom [telefon]")]
        assert uow.outbox.counts() == {"sent": 1, "pending": 1, "parked": 1}
        assert uow.outbox.parked_count() == 1
        uow.outbox.release([first[0].id], "x")  # sent: stays sent


def test_outbox_sent_many_marks_each_row_and_remembers_the_last_message_of_a_ref(storage: Units) -> None:
    group(storage)
    with storage() as uow:
        for n, (address, ref) in enumerate([("anna", "q"), ("bo", None), ("anna", "q"), ("carl", "r")]):
            uow.outbox.enqueue(f"k{n}", "console", address, ref, {"text": f"m{n}"}, NOW)
        uow.commit()
    with storage() as uow:
        items = uow.outbox.claim("console", NOW, 10, claimer="x")
        assert [i.key for i in items] == ["k0", "k1", "k2", "k3"]
        uow.outbox.sent_many([(items[0], "m-1"), (items[1], "m-2"), (items[2], "m-3"), (items[3], None)], NOW)
        uow.commit()
    with storage() as uow:
        assert uow.outbox.counts() == {"sent": 4}
        assert uow.outbox.message_id_for("console", "anna", "q") == "m-3"  # the later edit's
        assert uow.outbox.message_id_for("console", "carl", "r") is None  # no message id: nothing remembered
        assert uow.outbox.claim("console", NOW, 10, claimer="y") == []


def test_release_all_gives_back_only_the_claimers_pending_rows(storage: Units) -> None:
    group(storage)
    lease = NOW + timedelta(minutes=2)
    with storage() as uow:
        for n, address in enumerate(["anna", "bo", "carl", "dana"]):
            uow.outbox.enqueue(f"k{n}", "console", address, None, {"text": f"m{n}"}, NOW)
        uow.commit()
    with storage() as uow:
        mine = uow.outbox.claim("console", NOW, 3, lease_until=lease, claimer="me")
        theirs = uow.outbox.claim("console", NOW, 10, lease_until=lease, claimer="them")
        assert [i.key for i in mine] == ["k0", "k1", "k2"] and [i.key for i in theirs] == ["k3"]
        uow.outbox.sent(mine[0].id, NOW, None)
        uow.commit()
    with storage() as uow:
        assert uow.outbox.release_all("me") == 2  # k1 and k2; k0 was sent, k3 is theirs
        assert uow.outbox.release_all("me") == 0
        uow.commit()
    with storage() as uow:  # at once, not after the lease: k1 and k2 are due again for anyone
        assert [i.key for i in uow.outbox.claim("console", NOW, 10, lease_until=lease, claimer="next")] == [
            "k1",
            "k2",
        ]
        assert uow.outbox.counts() == {"sent": 1, "pending": 3}


def test_meeting_votes_decisions_audit_and_statistics(storage: Units) -> None:
    _, anna, bo = group(storage)
    with storage() as uow:
        rnd = uow.rounds.create_round("g", W47, NOW)
        cid = uow.meeting.add_candidate(rnd.id, "k", "a", "Torget", ("klotter",), "T", ("r1", "r2"), "auto", 0)
        assert cid is not None
        assert uow.meeting.add_candidate(rnd.id, "k", "a", None, (), "Other", (), "auto", 1) == cid
        assert uow.meeting.vote(cid, anna, True) and not uow.meeting.vote(cid, anna, True)
        assert (
            uow.meeting.vote(cid, bo, True)
            and uow.meeting.vote(cid, bo, False)
            and not uow.meeting.vote(cid, bo, False)
        )
        assert uow.meeting.set_candidate_field(cid, "responsible", "police")
        assert not uow.meeting.set_candidate_field(cid, "responsible", "police")
        (c,) = uow.meeting.candidates(rnd.id)
        assert (c.place, c.reasons, c.votes, c.responsible) == ("Torget", ("r1", "r2"), 1, "police")
        uow.meeting.decide_candidate(cid, True, "g", rnd.id, NOW)
        uow.meeting.decide_candidate(cid, True, "g", rnd.id, NOW)  # once
        (action,) = uow.meeting.actions("g")
        assert (action.place, action.votes, action.status, action.week) == ("Torget", 1, "planned", W47)
        assert uow.meeting.set_action_status("g", action.id, "done") and not uow.meeting.set_action_status(
            "other", action.id, "done"
        )
        assert uow.history.action_organisations("g") == {action.id: ["Org1"]}
        assert uow.audit.mark_event_processed("console", "e1", NOW)
        assert not uow.audit.mark_event_processed("console", "e1", NOW)
        uow.audit.audit(NOW, "g", "Anna", "one", {"text": "ring 070-123 45 67"})
        uow.audit.audit(NOW, "g", "Bo", "two", {})
        assert [(actor, action, detail) for _, _, actor, action, detail in uow.audit.audit_log("g", limit=5)] == [
            ("Bo", "two", {}),
            ("Anna", "one", {"text": "ring [telefon]"}),
        ]
        records = [StatRecord("police", "k1", 2026, 10, date(2026, 10, 3), "Skadegörelse", "", "", 2)]
        assert uow.statistics.save_stat_records("g", "police", records, "f", NOW) == (1, 0, 0)
        changed = [StatRecord("police", "k1", 2026, 10, date(2026, 10, 3), "Skadegörelse", "", "", 3)]
        assert uow.statistics.save_stat_records("g", "police", changed, "f", NOW) == (0, 1, 0)
        assert uow.statistics.save_stat_records("g", "police", changed, "f", NOW) == (0, 0, 1)
        (kept,) = uow.statistics.stat_records("g", (2026, 10), (2026, 10))
        assert (kept.key, kept.count) == (hashlib.sha256(b"k1").hexdigest(), 3)  # stored by the natural key's hash
        event = PoliceEvent(7, NOW, "Stöld", "s", "u", "Stöld", "Trelleborg", None, None)
        assert uow.statistics.save_police_events("g", [event], NOW) == (1, 0, 0)
        assert uow.statistics.police_events("g", NOW, NOW + timedelta(days=1)) == [event]
        assert uow.statistics.claim_monthly_post("g", 2026, 10, NOW)
        assert not uow.statistics.claim_monthly_post("g", 2026, 10, NOW)
        assert uow.statistics.monthly_posted("g", 2026, 10) == NOW


def test_forget_export_and_retention(storage: Units) -> None:
    area, anna, bo = group(storage)
    with storage() as uow:
        rnd = uow.rounds.create_round("g", W47, NOW)
        kiosk = uow.groups.get_or_create_place(area, "Anna's kiosk", NOW)
        for person in (anna, bo):
            resp = uow.rounds.get_or_create_response(rnd.id, person, "Org", NOW)
            uow.rounds.save_response(resp.id, 0, ConversationState(), "submitted", None, False, NOW, NOW)
            place = kiosk.id if person == anna else None
            uow.rounds.replace_answers(resp.id, [AnswerIn(area, "klotter", 2, place, f"Note by {person} here")], None)
        uow.outbox.enqueue("to-anna", "console", "anna", None, {"text": "hej Anna"}, NOW)
        uow.outbox.enqueue("quote", "console", "bo", None, {"text": f"Note by {anna} here, said Anna"}, NOW)
        uow.audit.audit(NOW, "g", "Anna", "x", {"who": "Anna"})
        export = uow.privacy.person_export(anna)
        assert export["person"]["name"] == "Anna" and export["areas"] == ["a"]
        assert [(a["place"], a["note"]) for r in export["responses"] for a in r["answers"]] == [
            ("Anna's kiosk", f"Note by {anna} here")
        ]
        assert [m["text"] for m in export["messages"]] == ["hej Anna"]
        done = uow.privacy.forget_person(anna, "(raderad)")
        assert done == {"accounts": 1, "responses": 1, "audit": 1, "messages": 1, "places": 1}
        assert uow.people.person_by_account("console", "anna") is None
        assert uow.outbox.counts() == {"pending": 1}
        assert [n.text for n in uow.rounds.notes_for_review(rnd.id)] == [f"Note by {bo} here"]
        assert [actor for _, _, actor, _, _ in uow.audit.audit_log("g")] == ["(raderad)"]
        assert uow.rounds.round_status(rnd.id, "g", NOW).done == 2  # the levels stay
        uow.commit()
    with storage() as uow:
        (quote,) = uow.outbox.claim("console", NOW, 10)
        assert quote.payload == {"text": "[…], said (raderad)"}
        uow.outbox.sent(quote.id, NOW, None)
        done = uow.privacy.purge_notes("g", W47.next(), NOW + timedelta(seconds=1))
        assert done == {"notes": 1, "drafts": 1, "messages": 1, "places": 0}  # Bo's saved questionnaire
        assert uow.privacy.purge_notes("g", W47.next(), NOW + timedelta(seconds=1))["notes"] == 0  # idempotent


def test_history_level_counts_and_non_responders(storage: Units) -> None:
    area, anna, bo = group(storage)
    with storage() as uow:
        rnd = uow.rounds.create_round("g", W47, NOW)
        resp = uow.rounds.get_or_create_response(rnd.id, anna, "Org1", NOW)
        uow.rounds.save_response(resp.id, 0, ConversationState(), "submitted", None, False, NOW, NOW)
        uow.rounds.replace_answers(resp.id, [AnswerIn(area, "klotter", 2, None, None)], None)
        uow.rounds.get_or_create_response(rnd.id, bo, "Org2", NOW)
        uow.commit()
    with storage() as uow:
        assert uow.history.level_counts("g", W47.prev(), W47.next()) == {W47: {("a", "klotter", 2): 1}}
        assert uow.history.level_counts("g", W47.next(), W47.next()) == {}
        absent = uow.history.non_responders(rnd.id)
        assert [(p.name, p.areas) for p in absent] == [("Bo", ("B", "A"))]  # in the order of their areas


def test_history_place_weeks(storage: Units) -> None:
    area, anna, bo = group(storage)
    with storage() as uow:
        old = uow.groups.get_or_create_place(area, "Torget", NOW - timedelta(days=1), configured=True).id
        rnd = uow.rounds.create_round("g", W47, NOW)
        new = uow.groups.get_or_create_place(area, "Hamnen", NOW + timedelta(hours=1), approved=True).id
        waiting = uow.groups.get_or_create_place(area, "Okänd", NOW + timedelta(hours=1)).id  # not reviewed yet
        for person, answers in (
            (
                anna,
                [
                    AnswerIn(area, "klotter", 3, old),
                    AnswerIn(area, "narkotika", 2, old),
                    AnswerIn(area, "brand", 1, new),
                ],
            ),
            (bo, [AnswerIn(area, "klotter", 1, old), AnswerIn(area, "brand", 0, waiting)]),
        ):
            resp = uow.rounds.get_or_create_response(rnd.id, person, "Org", NOW)
            uow.rounds.save_response(resp.id, 0, ConversationState(), "submitted", None, False, NOW, NOW)
            uow.rounds.replace_answers(resp.id, answers, None)
        uow.commit()
    with storage() as uow:
        weeks = uow.history.place_weeks("g", W47, W47, 2)
        assert [(p.place, p.known, p.reporters, p.all_reporters, p.factors, p.all_factors) for p in weeks] == [
            ("Hamnen", False, 0, 1, (), ("brand",)),
            ("Torget", True, 1, 2, ("klotter", "narkotika"), ("klotter", "narkotika")),
        ]
        assert uow.history.place_weeks("g", W47.next(), W47.next(), 2) == []


def test_form_links_generation_channel_and_report(storage: Units) -> None:
    _, anna, _ = group(storage)
    with storage() as uow:
        rnd = uow.rounds.create_round("g", W47, NOW)
        assert uow.web.form_generation(anna, rnd.id) == 0
        assert uow.web.revoke_form_links(anna, rnd.id, NOW) == 1
        assert uow.web.form_generation(anna, rnd.id) == 1
        assert uow.web.revoke_form_links(anna, rnd.id, NOW) == 2  # a second "not me" moves it on again
        uow.people.set_channel(anna, "email")
        uow.people.set_receives_report(anna, False)
        uow.people.link_account("email", "anna@example.se", anna)
        uow.commit()
    with storage() as uow:
        assert uow.web.form_generation(anna, rnd.id) == 2
        person = uow.people.get_person(anna)
        assert person.channel == "email" and not person.receives_report
        by_address = uow.people.person_by_account("email", "anna@example.se")
        assert by_address is not None and by_address.channel == "email"


def test_what_a_fan_out_reads_and_writes_together(storage: Units) -> None:
    """A phase's fan-out (bot/usecases/cycle.py, publishing.py): the group's accounts read together, the round's
    responses created together (existing ones left as they are), and the candidates' order by id."""
    _, anna, bo = group(storage)
    with storage() as uow:
        uow.people.link_account("email", "bo@example.org", bo)
        uow.groups.upsert_group("h", "H")
        other = uow.people.upsert_person("h", "Cecilia", "Org3", "reporter", "sv", True)
        uow.people.link_account("console", "cecilia", other.id)
        assert uow.people.accounts_in_group("g") == {
            anna: [("console", "anna")],
            bo: [("console", "bo"), ("email", "bo@example.org")],
        }
        assert uow.people.accounts_in_group("g")[bo] == uow.people.accounts_of(bo)
        rnd = uow.rounds.create_round("g", W47, NOW)
        first = uow.rounds.get_or_create_response(rnd.id, anna, "Org1", NOW)
        uow.rounds.save_response(first.id, first.version, ConversationState(), "submitted", None, False, NOW, NOW)
        uow.rounds.create_responses(rnd.id, [(anna, "Org1"), (bo, "Org2")], NOW + timedelta(hours=1))
        uow.rounds.create_responses(rnd.id, [], NOW)
        assert uow.rounds.get_or_create_response(rnd.id, anna, "Org1", NOW).status == "submitted"
        made = uow.rounds.get_response(rnd.id, bo)
        assert made is not None and (made.status, made.reminders, made.version) == ("pending", 0, 0)
        assert uow.rounds.round_status(rnd.id, "g", NOW).expected == 2
        second = uow.meeting.add_candidate(rnd.id, "k2", "a", None, (), "B", (), "auto", 1)
        first_c = uow.meeting.add_candidate(rnd.id, "k1", "a", None, (), "A", (), "auto", 0)
        assert uow.meeting.candidate_ids(rnd.id) == [c.id for c in uow.meeting.candidates(rnd.id)] == [first_c, second]
        uow.commit()


def test_a_persons_accounts_come_in_one_order_whichever_way_they_are_read(storage: Units) -> None:
    """Two accounts on one platform (a second chat linked): `reach` takes the first of them, so every read of a
    person's accounts (one person's, or a fan-out's whole group) answers them in one order, the platform's and
    then the account's, whatever order they were linked in; else the questionnaire could open in one chat and
    a later message go to the other (PostgreSQL promises no order among equal sort keys)."""
    _, anna, _ = group(storage)
    with storage() as uow:
        for external_id in ("900", "100", "500"):
            uow.people.link_account("telegram", external_id, anna)
        expected = [("console", "anna"), ("telegram", "100"), ("telegram", "500"), ("telegram", "900")]
        assert uow.people.accounts_of(anna) == expected
        assert uow.people.accounts_in_group("g")[anna] == expected
