"""The week's form on the web, as a browser uses it (Starlette's TestClient over a real database): the e-mail's
link, the form, the summary, send, change until close, late answers, and the form and the chat as one response.
"""

from __future__ import annotations

import re
from datetime import timedelta

from starlette.testclient import TestClient

from bot.domain.cycle import Phase, RoundKey
from bot.domain.factors import DEFAULT_FACTORS
from bot.domain.model import AnswerIn
from handlers.web.app import build_web_app
from tests.integration.web.form_site import BASE, SECRET, FormSite, fill_page, site

__all__ = ["site"]

ALL_GREEN = {i: 0 for i in range(12)}
FACTOR_7 = DEFAULT_FACTORS[7].code


def test_the_link_starts_a_form_session_and_leaves_the_address_bar(site: FormSite) -> None:
    client = site.client()
    answer = client.get(site.form_link("Anna Andersson"))
    assert answer.status_code == 303 and answer.headers["location"] == "/form"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("__Host-est-form=") and "Secure" in cookie and "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower() and "Max-Age=43200" in cookie
    page = client.get("/form")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "Formulär för Anna Andersson, Trygghetsvärdar" in page.text and "Inte jag?" in page.text
    assert "Veckans rapport, vecka 47" in page.text and "Hot och våld" in page.text
    assert 'class="form-level form-red"' in page.text and "3 Allvarligt / eskalerande" in page.text
    assert page.text.count('type="radio"') == 48 and "Stortorget" in page.text
    assert "Inget att rapportera" in page.text
    assert site.response("Anna Andersson") is None or site.response("Anna Andersson").status != "submitted"  # type: ignore[union-attr]


def test_a_high_level_with_a_new_place_and_a_note_holding_a_personnummer_sent_masked(site: FormSite) -> None:
    client = site.opened("Anna Andersson")
    page = client.get("/form").text
    data = fill_page(
        page,
        {**ALL_GREEN, 1: 3, 5: 2},
        np1="Porten vid 19811218-9876",
        w1="Mannen 811218-9876 slog sönder rutan",
        p5="Stortorget",
        w5="Langning kl 22",
        more="Ring 070-123 45 67",
    )
    review = client.post("/form", data=data)
    assert review.status_code == 303 and review.headers["location"] == "/form/summary"
    summary = client.get("/form/summary")
    assert summary.status_code == 200
    assert "🔴 Skadegörelse: Allvarligt / eskalerande – Porten vid [personnummer]" in summary.text
    assert "9876" not in summary.text and "070-123" not in summary.text
    assert "Skicka" in summary.text and "Ändra" in summary.text
    sent = client.post("/form/summary", data=fill_page(summary.text, {}))
    assert sent.status_code == 303 and sent.headers["location"] == "/form/sent"
    thanks = client.get("/form/sent")
    assert "Din rapport för vecka 47 är skickad. Du kan ändra den fram till" in thanks.text
    assert "Ändra svaren" in thanks.text
    assert site.sent_answers("Anna Andersson") == [  # the new place waits for review before it is shown
        ("skadegorelse", 3, None, "Mannen [personnummer] slog sönder rutan"),
        ("narkotika", 2, "Stortorget", "Langning kl 22"),
    ]
    resp = site.response("Anna Andersson")
    assert resp is not None and resp.status == "submitted" and not resp.late
    assert resp.state.answers["centrum|skadegorelse"].place == "Porten vid [personnummer]"
    assert "9876" not in str(resp.state.to_json()) and "[telefon]" in str(resp.state.more)


def test_a_form_posted_twice_stores_one_response(site: FormSite) -> None:
    client = site.opened("Anna Andersson")
    data = fill_page(client.get("/form").text, {**ALL_GREEN, 2: 1})
    assert client.post("/form", data=data).status_code == 303
    version = site.response("Anna Andersson").version  # type: ignore[union-attr]
    again = client.post("/form", data=data)  # the double click, with the page's old version
    assert again.status_code == 303 and again.headers["location"] == "/form/summary"
    assert site.response("Anna Andersson").version == version  # type: ignore[union-attr]  # nothing stored twice
    summary = client.get("/form/summary").text
    send = fill_page(summary, {})
    assert client.post("/form/summary", data=send).headers["location"] == "/form/sent"
    assert client.post("/form/summary", data=send).headers["location"] == "/form/sent"  # the back button
    resp = site.response("Anna Andersson")
    assert resp is not None and resp.version == version + 1 and resp.status == "submitted"
    assert site.counted("Anna Andersson") == 12


def test_a_stale_post_never_overwrites_newer_answers_and_keeps_what_was_typed(site: FormSite) -> None:
    tab = site.opened("Anna Andersson")
    old_page = tab.get("/form").text
    other = site.opened("Anna Andersson")
    assert other.post("/form", data=fill_page(other.get("/form").text, {**ALL_GREEN, 0: 1})).status_code == 303
    answer = tab.post("/form", data=fill_page(old_page, {**ALL_GREEN, 0: 0, 2: 3}, w2="Nytt klotter på skolan"))
    assert answer.status_code == 200 and "ändrades någon annanstans" in answer.text
    state = site.response("Anna Andersson").state  # type: ignore[union-attr]
    assert state.answers["centrum|hot_vald"].level == 1 and state.answers["centrum|klotter"].level == 0
    # what was typed is on the page again, with the newer version: sending it again stores it
    assert "Nytt klotter på skolan" in answer.text
    again = tab.post("/form", data=fill_page(answer.text, {}, w2="Nytt klotter på skolan"))
    assert again.status_code == 303 and again.headers["location"] == "/form/summary"
    state = site.response("Anna Andersson").state  # type: ignore[union-attr]
    assert state.answers["centrum|hot_vald"].level == 0 and state.answers["centrum|klotter"].level == 3
    assert state.answers["centrum|klotter"].note == "Nytt klotter på skolan"


def test_missing_levels_are_shown_and_what_was_typed_is_kept(site: FormSite) -> None:
    client = site.opened("Anna Andersson")
    data = fill_page(client.get("/form").text, {0: 0, 1: 3}, np1="Torget", w1="Krossat glas")
    answer = client.post("/form", data=data)
    assert answer.status_code == 422 and "Välj en nivå för varje fråga" in answer.text
    assert answer.text.count('class="form-miss"') == 10
    assert 'value="Torget"' in answer.text and "Krossat glas" in answer.text


def test_missing_levels_name_their_area_when_the_person_has_two(site: FormSite) -> None:
    """Bo reports for Centrum and Norr: "Hot och våld" alone would not say which area's question is left."""
    client = site.opened("Bo Berg")
    answer = client.post("/form", data=fill_page(client.get("/form").text, {i: 0 for i in range(12)} | {13: 1}))
    assert answer.status_code == 422
    factors = ", ".join(f.sv for i, f in enumerate(DEFAULT_FACTORS) if i != 1)
    assert f"Nivå saknas för Norr: {factors}." in answer.text
    one = site.opened("Anna Andersson")
    answer = one.post("/form", data=fill_page(one.get("/form").text, {i: 0 for i in range(11)}))
    assert f"Nivå saknas för {DEFAULT_FACTORS[11].sv}." in answer.text  # one area: no area named
    assert "Det du har svarat är sparat." in answer.text


def test_answers_after_a_question_without_a_level_are_kept_for_later(site: FormSite) -> None:
    # Anna skips the first question, answers the rest (a high level with a new place and a note) and what more,
    # closes the page, and comes back later through the e-mail's link: all of it is there, masked as the chat
    # masks it; she gives the first level and sends.
    client = site.opened("Anna Andersson")
    levels = {i: 0 for i in range(1, 12)} | {2: 3}
    data = fill_page(client.get("/form").text, levels, np2="Skolan", w2="Tagg 19811218-9876", more="Lugnt annars")
    data.pop("l0", None)
    assert client.post("/form", data=data).status_code == 422
    later = site.opened("Anna Andersson")
    page = later.get("/form").text
    assert 'name="l2" value="3" checked' in page or 'name="l2" value="3" class="form-hi" checked' in page
    assert "Tagg [personnummer]" in page and "Skolan" in page and "Lugnt annars" in page and "9876" not in page
    answer = later.post("/form", data=fill_page(page, {0: 1}, np2="Skolan", w2="Tagg [personnummer]"))
    assert answer.status_code == 303 and answer.headers["location"] == "/form/summary"
    state = site.response("Anna Andersson").state  # type: ignore[union-attr]
    assert state.answers["centrum|hot_vald"].level == 1
    klotter = state.answers["centrum|klotter"]
    assert (klotter.level, klotter.place, klotter.note) == (3, "Skolan", "Tagg [personnummer]")
    assert state.more == "Lugnt annars" and len(state.answers) == 12


def test_begun_in_the_chat_and_finished_on_the_web_is_one_response(site: FormSite) -> None:
    bot = site.bot
    bot.press("anna", "Börja")
    bot.press("anna", ":l:0:1")
    bot.press("anna", ":l:1:3")
    bot.press("anna", "Resecentrum")
    bot.text("anna", "Sprejat på väggen")  # the chat is now at question 3
    client = site.opened("Anna Andersson")
    page = client.get("/form").text
    assert "Påbörjad, inte skickad" in page and "Sprejat på väggen" in page
    assert 'name="l1" value="3" class="form-hi" checked' in page
    data = fill_page(page, {i: 0 for i in range(2, 12)}, p1="Resecentrum", w1="Sprejat på väggen")
    answer = client.post("/form", data=data)
    assert answer.headers["location"] == "/form/summary"
    summary = client.get("/form/summary").text
    assert "Skadegörelse: Allvarligt / eskalerande – Resecentrum (Sprejat på väggen)" in summary
    client.post("/form/summary", data=fill_page(summary, {}))
    assert site.sent_answers("Anna Andersson") == [
        ("hot_vald", 1, None, None),
        ("skadegorelse", 3, "Resecentrum", "Sprejat på väggen"),
    ]
    assert site.counted("Anna Andersson") == 12


def test_begun_on_the_web_and_finished_in_the_chat_is_one_response(site: FormSite) -> None:
    client = site.opened("Anna Andersson")
    page = client.get("/form").text
    answer = client.post("/form", data=fill_page(page, {0: 2, 1: 0}, np0="Stortorget", w0="Bråk"))
    assert answer.status_code == 422  # ten questions left: stored up to the first of them
    rnd = site.round()
    bot = site.bot
    out = bot.say("anna", "choice", choice=f"q{rnd.id}:l:2:0")  # the chat goes on from question 3
    assert "Fråga 4 av 12" in "\n".join(o.text for o in out)
    assert bot.answer_levels("anna", {}) == "more"
    bot.press("anna", "Nej")
    assert "Tack!" in "\n".join(o.text for o in bot.press("anna", "Skicka"))
    assert site.sent_answers("Anna Andersson") == [("hot_vald", 2, "Stortorget", "Bråk")]
    assert "Skickad" in client.get("/form").text


def test_change_until_close_then_refused_and_late_answers_marked_late(site: FormSite) -> None:
    anna = site.opened("Anna Andersson")
    anna.post("/form", data=fill_page(anna.get("/form").text, ALL_GREEN, quick="nothing"))
    anna.post("/form/summary", data=fill_page(anna.get("/form/summary").text, {}))
    changed = anna.post("/form", data=fill_page(anna.get("/form").text, {7: 1}))  # a change before the close
    assert changed.headers["location"] == "/form/summary"
    assert anna.get("/form/sent").headers["location"] == "/form/summary"  # changed, not sent again yet
    unsent = anna.get("/form/summary").text
    assert "Dina ändringar är inte skickade än" in unsent
    assert [a[:2] for a in site.sent_answers("Anna Andersson")] == []  # what was sent before stands
    anna.post("/form/summary", data=fill_page(unsent, {}))
    assert [a[:2] for a in site.sent_answers("Anna Andersson")] == [(FACTOR_7, 1)]
    before_close = anna.get("/form").text
    site.bot.cmd("sara", "stäng")  # the coordinator closes the week
    assert site.round().phase == Phase.CLOSED
    locked = anna.get("/form")
    assert locked.status_code == 409 and "kan inte längre ändras" in locked.text
    refused = anna.post("/form", data=fill_page(before_close, {7: 3}))  # a page open from before the close
    assert refused.status_code == 409 and [a[:2] for a in site.sent_answers("Anna Andersson")] == [(FACTOR_7, 1)]
    bo = site.opened("Bo Berg")  # not sent before the close: a late answer is still taken
    page = bo.get("/form").text
    assert "markeras som sena" in page
    bo.post("/form", data=fill_page(page, {i: 0 for i in range(24)}))
    bo.post("/form/summary", data=fill_page(bo.get("/form/summary").text, {}))
    assert "mottagen och markerad som sen" in bo.get("/form/sent").text
    resp = site.response("Bo Berg")
    assert resp is not None and resp.late and resp.status == "submitted"


def test_an_english_speaker_s_form_is_in_english(site: FormSite) -> None:
    client = site.opened("Cecilia Ek")
    page = client.get("/form")
    assert '<html lang="en">' in page.text and "Form for Cecilia Ek, Skolan" in page.text
    assert "Not me?" in page.text and "To the summary" in page.text and "3 Serious / escalating" in page.text
    assert client.post("/form", data=fill_page(page.text, {i: 0 for i in range(12)})).status_code == 303
    assert "Your answers for week 47. Is this right?" in client.get("/form/summary").text


def test_same_as_last_week_copies_levels_and_places_not_notes(site: FormSite) -> None:
    anna = site.person("Anna Andersson")
    with site.bot.services.unit() as uow:  # week 46, sent: narkotika 2 at Stortorget with a note
        w46 = uow.rounds.create_round("tbg", RoundKey(2026, 46), site.clock.now() - timedelta(weeks=1))
        resp = uow.rounds.get_or_create_response(w46.id, anna.id, anna.organisation, site.clock.now())
        area = uow.people.person_areas(anna.id)[0]
        place = uow.groups.get_or_create_place(area.id, "Stortorget", site.clock.now())
        answers = [
            AnswerIn(
                area.id,
                f.code,
                2 if f.code == "narkotika" else 0,
                place.id if f.code == "narkotika" else None,
                "Kl 22" if f.code == "narkotika" else None,
            )
            for f in DEFAULT_FACTORS
        ]
        uow.rounds.replace_answers(resp.id, answers, None)
        uow.rounds.save_response(
            resp.id, resp.version, resp.state, "submitted", None, False, site.clock.now(), site.clock.now()
        )
        uow.commit()
    client = site.opened("Anna Andersson")
    page = client.get("/form").text
    assert "Samma som förra veckan" in page
    assert client.post("/form", data=fill_page(page, {}, quick="same")).headers["location"] == "/form/summary"
    summary = client.get("/form/summary").text
    assert "Dina svar från förra veckan är ifyllda" in summary
    assert "Narkotika, öppen droghantering: Återkommande – Stortorget" in summary and "Kl 22" not in summary
    client.post("/form/summary", data=fill_page(summary, {}))
    assert site.sent_answers("Anna Andersson") == [("narkotika", 2, "Stortorget", None)]


def test_a_form_with_every_note_typed_in_full_is_taken_whole(site: FormSite) -> None:
    # 12 high levels, each with a 100-letter new place and a 500-letter note of å (six bytes each once
    # percent-encoded): about 44 KiB, more than the web view's other forms may be, and nothing of it lost.
    client = site.opened("Anna Andersson")
    page = client.get("/form").text
    typed = {f"np{i}": "å" * 100 for i in range(12)} | {f"w{i}": "å" * 500 for i in range(12)}
    data = fill_page(page, dict.fromkeys(range(12), 3), **typed)
    answer = client.post("/form", data=data)
    assert answer.status_code == 303 and answer.headers["location"] == "/form/summary"
    state = site.response("Anna Andersson").state  # type: ignore[union-attr]
    assert all(a.level == 3 and a.note == "å" * 500 and a.place == "å" * 100 for a in state.answers.values())
    assert len(state.answers) == 12


def test_the_long_form_is_taken_whole_under_a_base_url_with_a_path_too(site: FormSite) -> None:
    # base_url = "https://kommun.example.se/est": uvicorn serves the app under root_path "/est", and the path
    # of each request starts with it.
    client = TestClient(build_web_app(site.bot.services.env, SECRET), base_url=BASE, root_path="/est")
    client.follow_redirects = False
    opened = client.get("/est" + site.form_link("Anna Andersson"))
    assert opened.status_code == 303 and opened.headers["location"] == "/est/form"
    page = client.get("/est/form").text
    typed = {f"np{i}": "å" * 100 for i in range(12)} | {f"w{i}": "å" * 500 for i in range(12)}
    answer = client.post("/est/form", data=fill_page(page, dict.fromkeys(range(12), 3), **typed))
    assert answer.status_code == 303 and answer.headers["location"] == "/est/form/summary"
    assert len(site.response("Anna Andersson").state.answers) == 12  # type: ignore[union-attr]


def test_a_place_chosen_stays_that_place_when_the_list_changes_before_the_post(site: FormSite) -> None:
    with site.bot.services.unit() as uow:
        centrum = uow.groups.area_by_code("tbg", "centrum")
        waiting = uow.groups.get_or_create_place(centrum.id, "Parkeringshuset", site.clock.now())
        uow.groups.get_or_create_place(centrum.id, "Hamnen", site.clock.now(), approved=True)
        uow.commit()
    client = site.opened("Anna Andersson")
    page = client.get("/form").text
    hamnen = re.search(r'<option value="([^"]*)">Hamnen</option>', page)
    assert hamnen is not None
    with site.bot.services.unit() as uow:  # meanwhile a coordinator approves the place that waited
        uow.groups.set_place_review("tbg", waiting.id, "approved")
        uow.commit()
    answer = client.post("/form", data=fill_page(page, {**ALL_GREEN, 5: 2}, p5=hamnen.group(1)))
    assert answer.status_code == 303
    assert site.response("Anna Andersson").state.answers["centrum|narkotika"].place == "Hamnen"  # type: ignore[union-attr]


def test_the_form_names_the_person_s_areas(site: FormSite) -> None:
    assert "hur har veckan varit i Centrum?" in site.opened("Anna Andersson").get("/form").text
    assert "hur har veckan varit i Centrum och Norr?" in site.opened("Bo Berg").get("/form").text
