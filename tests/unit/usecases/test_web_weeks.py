"""The web view's weeks (bot/usecases/views/weeks.py) over in-memory storage: the list of weeks and one week."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from bot.config import parse_config
from bot.domain.cycle import RoundKey
from bot.domain.model import AnswerIn, Person
from bot.domain.stats import NonResponder
from bot.usecases.views.weeks import WeekPage, week_page, weeks_page
from standins.config import TUE_OPEN, group_dict
from tests.unit.fakes.bot import FakeBot

THU_DRAFT = TUE_OPEN + timedelta(days=2, minutes=5)
W47 = RoundKey(2026, 47)


def person(bot: FakeBot, name: str, group: str = "tbg") -> Person:
    with bot.unit() as uow:
        found = uow.people.person_by_name(group, name)
    assert found is not None
    return found


def played_week(bot: FakeBot) -> None:
    """Anna reports drugs at level 3 and gatherings at 2 at Stortorget, Bo drugs at 2; Cecilia does not answer.
    Anna's note is approved, Bo's is not; the draft is posted, Kim votes for the first candidate, Sara has the
    police act on it and finalises the week."""
    bot.tick()
    for who, levels, note in (
        ("anna", {5: 3, 6: 2}, "Ungdomar samlas kvällstid"),
        ("bo", {5: 2}, "Hemlig <b>anteckning</b>"),
    ):
        bot.cmd(who, "rapport")
        bot.press(who, ":g:start")
        if bot.answer_levels(who, levels, note=note) == "more":
            bot.press(who, ":m:skip")
        bot.press(who, ":s:send")
    with bot.unit() as uow:
        rnd = uow.rounds.get_round("tbg", W47)
        assert rnd is not None
        for n in uow.rounds.notes_for_review(rnd.id):
            if n.text.startswith("Ungdomar"):
                assert uow.rounds.set_note_review(rnd.id, str(n.id), "approved")
        uow.commit()
    bot.clock.set(THU_DRAFT)
    bot.tick()
    meeting = bot.flush("möte")
    (draft,) = [o for o in meeting if o.kind == "picture"]
    cid = next(int(o.data["candidate_id"]) for o in meeting if o.kind == "candidate")
    bot.say("kim", "choice", choice=f"c{cid}:v")
    bot.say("sara", "choice", choice=f"c{cid}:r:police")
    bot.say("sara", "choice", choice=draft.all_choices()[0].id)


def week_of(bot: FakeBot, who: str, week: str = "2026-W47", lang: str | None = None) -> WeekPage:
    p = person(bot, who)
    page = week_page(bot.services.env, replace(p, language=lang) if lang else p, week)
    assert page is not None
    return page


def test_the_week_shows_the_heatmap_what_stands_out_the_decisions_and_approved_notes_only(fake_bot: FakeBot) -> None:
    played_week(fake_bot)
    page = week_of(fake_bot, "Kim Polis")
    assert page.week == "2026-W47" and page.finalised and page.report
    assert page.areas == ("Centrum", "Norr")
    drugs = next(row for row in page.heatmap if row.factor.startswith("Narkotika"))
    centrum = drugs.cells[0]
    assert (centrum.level, centrum.colour, centrum.reports) == ("2,5", "red", "2 svar")
    assert (drugs.cells[1].level, drugs.cells[1].colour) == ("0,0", "green")  # Bo answered 0 in Norr
    assert page.red == 1
    assert any(s.kind == "red" and "röd nivå (3) från 1 rapportör" in s.reason for s in page.standouts)
    assert page.candidates and page.candidates[0].responsible == "Polisen"
    assert page.candidates[0].status == "beslutad" and page.candidates[0].votes == "1 röst"
    assert [d.responsible for d in page.decisions] == ["Polisen"]
    assert {n.text for n in page.notes} == {"Ungdomar samlas kvällstid"}  # Anna's, on both her answers; not Bo's
    assert page.non_responders is None  # a participant does not see who has not answered


def test_a_priority_a_coordinator_added_says_so_where_the_others_give_their_reasons(fake_bot: FakeBot) -> None:
    """A priority added by command has none of the picture's reasons: its "Varför" cell was empty."""
    played_week(fake_bot)
    with fake_bot.unit() as uow:
        rnd = uow.rounds.get_round("tbg", W47)
        assert rnd is not None
        uow.meeting.add_candidate(
            rnd.id, "manual:centrum:1", "centrum", None, (), "Se över belysningen", (), "manual", 9
        )
        uow.commit()
    for lang, said in (("sv", "tillagd av en samordnare"), ("en", "added by a coordinator")):
        page = week_of(fake_bot, "Kim Polis", lang=lang)
        (added,) = [c for c in page.candidates if c.title == "Se över belysningen"]
        assert added.reasons == said
        assert all(c.reasons and c.reasons != said for c in page.candidates if c is not added)


def test_a_coordinator_sees_who_has_not_answered_by_name_and_area(fake_bot: FakeBot) -> None:
    played_week(fake_bot)
    page = week_of(fake_bot, "Sara Samordnare")
    assert page.non_responders == (NonResponder("Cecilia Ek", ("Norr",)),)


def test_the_week_in_english(fake_bot: FakeBot) -> None:
    played_week(fake_bot)
    page = week_of(fake_bot, "Kim Polis", lang="en")
    drugs = next(row for row in page.heatmap if row.factor.startswith("Open drug"))
    assert drugs.cells[0].level == "2.5" and drugs.cells[0].reports == "2 reports"
    assert page.decisions[0].responsible == "Police" and page.phase == "finalised"
    assert any("red level (3) from 1 reporter" in s.reason for s in page.standouts)


def test_a_week_that_is_not_there_or_not_a_week_is_none(fake_bot: FakeBot) -> None:
    played_week(fake_bot)
    kim = person(fake_bot, "Kim Polis")
    env = fake_bot.services.env
    assert week_page(env, kim, "2026-W46") is None  # no round that week
    assert week_page(env, kim, "2026-W99") is None  # no such ISO week
    assert week_page(env, kim, "nonsense<script>") is None
    assert week_page(env, kim, "2026-w47") is not None  # the key's other spellings


def test_a_week_of_another_group_is_none(tmp_path: Path) -> None:
    """Two groups, each with its own weeks: a person sees their group's weeks only, in the list and by key."""
    other = group_dict(
        id="och",
        name="Tryggare Ystad",
        areas=[{"code": "hamnen", "name": "Hamnen"}],
        reporters=[{"name": "Olle Ö", "organisation": "Hamnen AB", "role": "participant", "console": "olle"}],
        channels={"meeting": {"console": "möte-och"}, "broadcast": {"console": "rapport-och"}},
    )
    config = parse_config(
        {"reports_dir": str(tmp_path), "database": {"url": "sqlite://"}, "groups": [group_dict(), other]}, "test"
    )
    bot = FakeBot.build(config)
    played_week(bot)
    with bot.unit() as uow:
        uow.rounds.create_round("och", RoundKey(2026, 46), TUE_OPEN - timedelta(weeks=1))
        uow.commit()
    env = bot.services.env
    kim, olle = person(bot, "Kim Polis"), person(bot, "Olle Ö", "och")
    assert week_page(env, kim, "2026-W46") is None  # only the other group has a week 46
    theirs = week_page(env, olle, "2026-W46")
    assert theirs is not None and theirs.areas == ("Hamnen",)
    assert not theirs.finalised and not theirs.report  # planned: no weekly report yet
    ours = week_page(env, olle, "2026-W47")  # their own week 47, not the played one of Kim's group
    assert ours is not None and ours.areas == ("Hamnen",) and ours.standouts == ()
    assert [line.week for line in weeks_page(env, olle).lines] == ["2026-W47", "2026-W46"]
    assert [line.week for line in weeks_page(env, kim).lines] == ["2026-W47"]


def test_the_list_has_a_line_per_week_newest_first_agreeing_with_the_week(fake_bot: FakeBot) -> None:
    played_week(fake_bot)
    kim = person(fake_bot, "Kim Polis")
    listing = weeks_page(fake_bot.services.env, kim)
    assert listing.group == "Tryggare Trelleborg"
    (line,) = listing.lines
    assert line.week == "2026-W47" and line.finalised and line.red == 1
    assert line.rate == "67 %" and line.response == "2 av 3 (67 %)"
    page = week_of(fake_bot, "Kim Polis")
    assert line.standouts == len(page.standouts) and {"red", "hotspot"} <= {s.kind for s in page.standouts}
    assert line.standout_text == tuple(f"{s.where}: {s.reason}" for s in page.standouts[:2])
    assert line.more == line.standouts - len(line.standout_text)


def test_the_list_of_a_group_without_weeks_is_empty(fake_bot: FakeBot) -> None:
    assert weeks_page(fake_bot.services.env, person(fake_bot, "Kim Polis")).lines == ()


def test_the_list_words_each_week_as_its_own_page_does_over_a_long_history(fake_bot: FakeBot) -> None:
    """Sixteen weeks of made-up reports (a rise in drugs in Centrum, places named often, a new place now and
    then): every line of the list counts and words what stands out exactly as the week's page does."""
    rng = random.Random(16)
    env = fake_bot.services.env
    with fake_bot.unit() as uow:
        people = uow.people.persons("tbg")
        areas = uow.groups.areas("tbg")
        factors = [f.code for f in env.config.group("tbg").factor_list()]
        for n, week in enumerate(W47.minus(i) for i in range(15, -1, -1)):
            when = TUE_OPEN - timedelta(weeks=15 - n)
            rnd = uow.rounds.create_round("tbg", week, when)
            places = [
                uow.groups.get_or_create_place(a.id, "Stortorget" if a.code == "centrum" else "Norrskolan", when)
                for a in areas
            ]
            if n % 5 == 2:  # a place nobody named before, approved by a coordinator the same week
                fresh = uow.groups.get_or_create_place(
                    areas[n % 2].id, f"Plats {n}", when + timedelta(hours=1), approved=True
                )
                places[n % 2] = fresh
            for p in people:
                if rng.random() < 0.15:
                    continue  # did not answer
                resp = uow.rounds.get_or_create_response(rnd.id, p.id, p.organisation, when)
                uow.rounds.save_response(resp.id, resp.version, resp.state, "submitted", None, False, when, when)
                answers = []
                for i, area in enumerate(areas):
                    for f in factors:
                        level = min(3, int(rng.random() * 2.2 + (n / 6 if f == "narkotika" and i == 0 else 0)))
                        place = places[i].id if level >= 2 and rng.random() < 0.7 else None
                        answers.append(AnswerIn(area.id, f, level, place))
                uow.rounds.replace_answers(resp.id, answers, None)
        uow.commit()
    kim = person(fake_bot, "Kim Polis")
    listing = weeks_page(env, kim)
    assert [line.week for line in listing.lines] == [str(W47.minus(i)) for i in range(16)]
    kinds: set[str] = set()
    for line in listing.lines:
        page = week_page(env, kim, line.week)
        assert page is not None
        kinds |= {s.kind for s in page.standouts}
        assert (line.red, line.standouts) == (page.red, len(page.standouts)), line.week
        assert line.standout_text == tuple(f"{s.where}: {s.reason}" for s in page.standouts[:2]), line.week
        assert line.response == page.response.removeprefix("Svar: ")
    assert kinds == {"red", "rising", "hotspot", "new_place"}
