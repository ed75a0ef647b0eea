"""A known data set for the document tests: eight published weeks (2026-W40 … W47) of the test group.

Every reporter answers all 12 factors for each of their areas; only these are above 0:

* Anna (Trygghetsvärdar, centrum): narkotika max(0, week − 44) → W45 1, W46 2, W47 3, at Stortorget from 2;
  klotter 1 every week.
* Bo (Bostadsbolaget, centrum and norr): centrum narkotika max(0, week − 45) → W46 1, W47 2 (Stortorget at 2);
  norr klotter 2 at Norrskolan up to W41, then 0.
* Cecilia (Skolan, norr): klotter 1 every week.

So in W47 centrum × narkotika has the mean 2.5 from two reports (max 3), norr × klotter 0.5 (W40: 1.5).

Two decided actions: in W41 "Norrskolan, Norr" (klotter, municipality, done; voted for by Kim of Polisen) and
in W45 "Stortorget, Centrum" (narkotika, hosts; voted for by Kim and Sara of Säkerhetsenheten). With the rule in
bot/domain/effect.py the first is followed by a lower level (1.5 → 0.5), the second by a higher one
(0.1 → 2.0; the level before, 0.125, as shown). Anna's W47 note is approved; Bo's W47 note is not, and must
never be exported.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.bootstrap import App
from bot.domain.conversation_state import ConversationState
from bot.domain.cycle import Phase, RoundKey
from bot.domain.model import AnswerIn

WEEKS = [RoundKey(2026, w) for w in range(40, 48)]
APPROVED_NOTE = "Langning vid bänkarna kl 22"
HIDDEN_NOTE = "Privat uppgift som inte granskats"
FIRST_ACTION = "Norrskolan, Norr"
SECOND_ACTION = "Stortorget, Centrum"
NAMES = ("Anna Andersson", "Bo Berg", "Cecilia Ek", "Sara Samordnare", "Kim Polis")


def _levels(who: str, area: str, week: int) -> dict[str, tuple[int, str | None]]:
    """factor -> (level, place) for one reporter, area and week; factors not named are 0."""
    out: dict[str, tuple[int, str | None]] = {}
    if who == "anna" and area == "centrum":
        n = max(0, week - 44)
        out["narkotika"] = (n, "Stortorget" if n >= 2 else None)
        out["klotter"] = (1, None)
    elif who == "bo" and area == "centrum":
        n = max(0, week - 45)
        out["narkotika"] = (n, "Stortorget" if n >= 2 else None)
    elif who == "bo" and area == "norr":
        out["klotter"] = (2, "Norrskolan") if week <= 41 else (0, None)
    elif who == "cecilia" and area == "norr":
        out["klotter"] = (1, None)
    return out


def seed(app: App, now: datetime) -> dict[str, int]:
    """Write the data set through the store; returns the two action ids as {"first": …, "second": …}."""
    group = app.config.groups[0]
    factors = [f.code for f in group.factor_list()]
    ids: dict[str, int] = {}
    with app.services.unit() as uow:
        people = {p.name.split()[0].lower(): p for p in uow.people.persons(group.id)}
        for i, key in enumerate(WEEKS):
            at = now - timedelta(weeks=len(WEEKS) - i)
            rnd = uow.rounds.create_round(group.id, key, at)
            for who in ("anna", "bo", "cecilia"):
                person = people[who]
                resp = uow.rounds.get_or_create_response(rnd.id, person.id, person.organisation, at)
                answers = []
                for area in uow.people.person_areas(person.id):
                    levels = _levels(who, area.code, key.week)
                    for f in factors:
                        level, place = levels.get(f, (0, None))
                        place_id = uow.groups.get_or_create_place(area.id, place, at).id if place else None
                        note = None
                        if key == WEEKS[-1] and f == "narkotika" and area.code == "centrum":
                            note = APPROVED_NOTE if who == "anna" else HIDDEN_NOTE
                        answers.append(AnswerIn(area.id, f, level, place_id, note))
                uow.rounds.replace_answers(resp.id, answers, None)
                uow.rounds.save_response(resp.id, resp.version, ConversationState(), "submitted", None, False, at, at)
            if key == WEEKS[-1]:
                for n in uow.rounds.notes_for_review(rnd.id):
                    if n.text == APPROVED_NOTE:
                        assert uow.rounds.set_note_review(rnd.id, str(n.id), "approved")
            if key.week in (41, 45):
                first = key.week == 41
                area_code, place, factor = (
                    ("norr", "Norrskolan", "klotter") if first else ("centrum", "Stortorget", "narkotika")
                )
                title = FIRST_ACTION if first else SECOND_ACTION
                cid = uow.meeting.add_candidate(
                    rnd.id, f"place:{area_code}:{place.lower()}", area_code, place, (factor,), title, (), "auto", 0
                )
                assert cid is not None
                for voter in ("kim",) if first else ("kim", "sara"):
                    uow.meeting.vote(cid, people[voter].id, True)
                values = ("physical", "municipality", "long_term") if first else ("presence", "hosts", "weekend")
                for field, value in zip(("action_type", "responsible", "timeframe"), values, strict=True):
                    uow.meeting.set_candidate_field(cid, field, value)
                uow.meeting.decide_candidate(cid, True, group.id, rnd.id, at)
                action = uow.meeting.actions_for_round(rnd.id)[0]
                ids["first" if first else "second"] = action.id
                if first:
                    uow.meeting.set_action_status(group.id, action.id, "done")
            assert uow.rounds.set_phase(rnd.id, Phase.PLANNED, Phase.PUBLISHED, at)
        uow.commit()
    return ids
