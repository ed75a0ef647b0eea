"""The week's form's use cases (bot/usecases/form.py) over in-memory storage: a link opened, the form's view,
submits with the response's version, late answers, the close, "Inte jag?" and turning the report off."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.conversation.form import FormAnswers, ItemAnswer, KnownPlace, NewPlace
from bot.conversation.mail import FormRef
from bot.domain.cycle import Phase, RoundKey
from bot.domain.model import Response
from bot.usecases import form as uc
from bot.usecases.formlinks import form_token, report_off_token
from tests.unit.fakes.bot import FakeBot, fake_config

SECRET = "unit-secret-" + "z" * 40
W47 = RoundKey(2026, 47)
GREEN = tuple(ItemAnswer(0) for _ in range(12))


def ref(bot: FakeBot, name: str, generation: int = 0) -> FormRef:
    with bot.unit() as uow:
        person = uow.people.person_by_name("tbg", name)
        rnd = uow.rounds.get_round("tbg", W47)
        assert person is not None and rnd is not None
        return FormRef(person.id, rnd.id, generation)


def response(bot: FakeBot, r: FormRef) -> Response:
    with bot.unit() as uow:
        resp = uow.rounds.get_response(r.round_id, r.person_id)
        assert resp is not None
        return resp


def set_phase(bot: FakeBot, r: FormRef, old: Phase, new: Phase) -> None:
    with bot.unit() as uow:
        assert uow.rounds.set_phase(r.round_id, old, new, bot.clock.now())
        uow.commit()


def view(bot: FakeBot, r: FormRef) -> uc.FormView:
    v = uc.form_view(bot.services.env, r)
    assert isinstance(v, uc.FormView), v
    return v


def submitted(result: uc.Submitted | uc.Refused) -> uc.Submitted:
    assert isinstance(result, uc.Submitted), result
    return result


@pytest.fixture
def bot(fake_bot: FakeBot) -> FakeBot:
    fake_bot.tick()  # Tuesday: week 47 opens
    return fake_bot


def test_a_link_opens_its_form_and_says_why_not_when_it_cannot(bot: FakeBot) -> None:
    env, anna = bot.services.env, ref(bot, "Anna Andersson")
    opened = uc.open_link(env, SECRET, form_token(SECRET, anna))
    assert opened == uc.Opened(anna, "sv")
    assert uc.open_link(env, SECRET, "nonsense") == uc.Refused("forged")
    assert uc.open_link(env, "another-secret-" + "q" * 40, form_token(SECRET, anna)) == uc.Refused("forged")
    cecilia = ref(bot, "Cecilia Ek")
    assert uc.open_link(env, SECRET, form_token(SECRET, FormRef(cecilia.person_id, 999, 0))) == uc.Refused(
        "forged", "en"
    )
    with bot.unit() as uow:
        uow.web.revoke_form_links(anna.person_id, anna.round_id, bot.clock.now())
        uow.commit()
    assert uc.open_link(env, SECRET, form_token(SECRET, anna)) == uc.Refused("revoked", "sv")
    assert uc.open_link(env, SECRET, form_token(SECRET, ref(bot, "Anna Andersson", 1))) == uc.Opened(
        ref(bot, "Anna Andersson", 1), "sv"
    )
    sara = ref(bot, "Sara Samordnare")  # answers no questionnaire
    assert uc.open_link(env, SECRET, form_token(SECRET, sara)) == uc.Refused("gone", "sv")
    set_phase(bot, anna, Phase.OPEN, Phase.FINALISED)
    assert uc.open_link(env, SECRET, form_token(SECRET, cecilia)) == uc.Refused("closed", "en")


def test_the_view_shows_whose_form_the_questions_and_the_levels_in_colour(bot: FakeBot) -> None:
    v = view(bot, ref(bot, "Bo Berg"))
    assert (v.name, v.organisation, v.group, v.week) == ("Bo Berg", "Bostadsbolaget", "Tryggare Trelleborg", "vecka 47")
    assert [(a.name, len(a.items), a.places) for a in v.areas] == [
        ("Centrum", 12, ("Stortorget", "Resecentrum")),
        ("Norr", 12, ("Norrskolan",)),
    ]
    assert [a.items[0].index for a in v.areas] == [0, 12]
    assert [(lv.value, lv.colour) for lv in v.levels] == [(0, "green"), (1, "yellow"), (2, "orange"), (3, "red")]
    assert v.levels[3].name == "Allvarligt / eskalerande" and v.threshold == 2
    assert (v.status, v.step, v.late, v.closed, v.locked) == ("pending", "greeting", False, False, False)
    assert v.close == "torsdag 19/11 08:00"  # the close, as the chat says it


def test_review_send_and_the_version_that_keeps_one_response(bot: FakeBot) -> None:
    env, anna = bot.services.env, ref(bot, "Anna Andersson")
    v0 = view(bot, anna).version
    items = list(GREEN)
    items[1] = ItemAnswer(3, NewPlace("Hos 19811218-9876"), "Krossat")
    items[5] = ItemAnswer(2, KnownPlace(0), "")
    review = submitted(uc.submit(env, anna, v0, FormAnswers(tuple(items), "Lugnt annars")))
    assert review.outcome == "summary" and review.view.step == "summary" and review.view.version == v0 + 1
    assert "🔴 Skadegörelse: Allvarligt / eskalerande – Hos [personnummer] (Krossat)" in review.view.summary
    again = submitted(uc.submit(env, anna, v0, FormAnswers(tuple(items), "Lugnt annars")))  # the double click
    assert again.outcome == "summary" and response(bot, anna).version == v0 + 1
    stale = submitted(uc.submit(env, anna, v0, FormAnswers(GREEN)))  # an old page over newer answers
    assert stale.outcome == "stale" and response(bot, anna).state.answers["centrum|skadegorelse"].level == 3
    sent = submitted(uc.send_summary(env, anna, v0 + 1))
    assert sent.outcome == "sent" and sent.view.status == "submitted" and not sent.view.late
    assert submitted(uc.send_summary(env, anna, v0 + 1)).outcome == "sent"  # the back button: nothing twice
    resp = response(bot, anna)
    assert resp.status == "submitted" and resp.version == v0 + 2
    assert resp.state.answers["centrum|narkotika"].place == "Stortorget"


def test_a_questionnaire_begun_in_the_chat_is_finished_by_the_form(bot: FakeBot) -> None:
    env, anna = bot.services.env, ref(bot, "Anna Andersson")
    bot.press("anna", "Börja")
    bot.press("anna", ":l:0:1")
    bot.press("anna", ":l:1:0")
    v = view(bot, anna)
    assert v.step == "level" and v.status == "in_progress"
    assert [i.answer.level for i in v.areas[0].items[:3]] == [1, 0, None]
    done = submitted(
        uc.submit(env, anna, v.version, FormAnswers((ItemAnswer(None), ItemAnswer(None), *GREEN[2:])), True)
    )
    assert done.outcome == "sent"
    assert response(bot, anna).state.answers["centrum|hot_vald"].level == 1


def test_incomplete_forms_keep_what_was_posted(bot: FakeBot) -> None:
    env, anna = bot.services.env, ref(bot, "Anna Andersson")
    posted = FormAnswers((ItemAnswer(0), ItemAnswer(None), ItemAnswer(2, NewPlace("Torget"), "Bråk")), "mer")
    done = submitted(uc.submit(env, anna, view(bot, anna).version, posted))
    assert done.outcome == "incomplete" and done.missing == (1, *range(3, 12))
    assert done.view.areas[0].items[2].answer == ItemAnswer(2, NewPlace("Torget"), "Bråk") and done.view.more == "mer"


def test_late_answers_are_marked_late_and_sent_ones_locked_after_the_close(bot: FakeBot) -> None:
    env, anna, bo = bot.services.env, ref(bot, "Anna Andersson"), ref(bot, "Bo Berg")
    assert (
        submitted(uc.submit(env, anna, view(bot, anna).version, FormAnswers(quick="nothing"), True)).outcome == "sent"
    )
    set_phase(bot, anna, Phase.OPEN, Phase.CLOSED)
    locked = submitted(uc.submit(env, anna, view(bot, anna).version, FormAnswers((*GREEN[:1], ItemAnswer(3)))))
    assert locked.outcome == "closed" and locked.view.locked
    late = submitted(uc.submit(env, bo, view(bot, bo).version, FormAnswers(quick="nothing"), True))
    assert late.outcome == "sent" and late.view.late and response(bot, bo).late
    assert not response(bot, anna).late


def test_not_me_blocks_the_links_and_tells_the_coordinators_channel(tmp_path: Path) -> None:
    channels = {"meeting": {"console": "möte"}, "coordinators": {"console": "samordnare-kanal"}}
    bot = FakeBot.build(fake_config(tmp_path / "reports", channels=channels))
    bot.tick()
    anna = ref(bot, "Anna Andersson")
    assert uc.not_me(bot.services.env, anna) == uc.NotMe("sv", told=True)
    assert uc.check(bot.services.env, anna) == uc.Refused("revoked", "sv")
    assert uc.check(bot.services.env, ref(bot, "Anna Andersson", 1)) is None
    bot.flush()
    told = bot.sender.to("samordnare-kanal")
    assert len(told) == 1 and "Anna Andersson" in told[0].text and "2026-W47" in told[0].text
    assert bot.sender.to("sara") == []
    with bot.unit() as uow:
        assert [(a, d) for _, _, _, a, d in uow.audit.audit_log("tbg") if a == "form_not_me"] == [
            ("form_not_me", {"week": "2026-W47", "told": True})
        ]


def test_not_me_without_a_coordinators_channel_tells_each_coordinator(bot: FakeBot) -> None:
    assert uc.not_me(bot.services.env, ref(bot, "Cecilia Ek")) == uc.NotMe("en", told=True)
    bot.flush()
    told = bot.sender.to("sara")
    assert len(told) == 1 and "Cecilia Ek" in told[0].text and told[0].text.startswith("⚠️ Någon")


def test_report_off_by_page_and_by_one_click_once_in_the_audit(bot: FakeBot) -> None:
    env = bot.services.env
    kim = ref(bot, "Kim Polis").person_id
    token = report_off_token(SECRET, kim)
    look = uc.report_off(env, SECRET, token, False)
    assert look == uc.ReportOff("sv", "Kim Polis", False)
    assert uc.report_off(env, SECRET, token, True, "one-click") == uc.ReportOff("sv", "Kim Polis", True)
    assert uc.report_off(env, SECRET, token, True) == uc.ReportOff("sv", "Kim Polis", True)
    with bot.unit() as uow:
        assert not uow.people.get_person(kim).receives_report
        assert [d for _, _, _, a, d in uow.audit.audit_log("tbg") if a == "report_off"] == [{"how": "one-click"}]
    assert uc.report_off(env, SECRET, "x" * 30, True) == uc.Refused("forged")
    assert uc.report_off(env, SECRET, report_off_token(SECRET, 99999), True) == uc.Refused("gone")


def test_not_me_with_no_coordinator_to_reach_says_so_and_keeps_it_in_the_audit(bot: FakeBot) -> None:
    with bot.unit() as uow:
        sara = uow.people.person_by_name("tbg", "Sara Samordnare")
        assert sara is not None
        uow.people.set_active(sara.id, False)  # the group's only coordinator, gone
        uow.commit()
    assert uc.not_me(bot.services.env, ref(bot, "Cecilia Ek")) == uc.NotMe("en", told=False)
    assert uc.check(bot.services.env, ref(bot, "Cecilia Ek")) == uc.Refused("revoked", "en")
    with bot.unit() as uow:
        assert [d for _, _, _, a, d in uow.audit.audit_log("tbg") if a == "form_not_me"] == [
            {"week": "2026-W47", "told": False}
        ]
