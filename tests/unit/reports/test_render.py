"""The situation picture of tests/unit/domain/test_picture.py's known week, drawn: Markdown, HTML, the weekly
report and the chat summary (bot/reports/render.py)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from bot.domain.attention import AttentionParams
from bot.domain.factors import LEVEL_EMOJI, LEVEL_HEX
from bot.domain.picture import AreaInfo, PictureInput, build_picture
from bot.reports.render import (
    Decision,
    escape_markdown,
    picture_summary_text,
    render_picture_html,
    render_picture_markdown,
    render_report_html,
    render_report_markdown,
)
from bot.reports.view import PictureView
from tests.support.picture_data import BOLD_NOTE, DECISIONS, make_input


@pytest.fixture(scope="module")
def sv() -> PictureView:
    return PictureView(build_picture(make_input()), "sv")


@pytest.fixture(scope="module")
def en() -> PictureView:
    return PictureView(build_picture(make_input()), "en")


# --------------------------------------------------------------------------- Markdown


def test_markdown_picture_in_swedish(sv: PictureView) -> None:
    md = render_picture_markdown(sv)
    assert md.startswith("# Lägesbild Tryggare Trelleborg – vecka 47, 2026\n")
    assert "Svar: 10 av 11 (91 %), varav 1 kom in sent" in md
    row = "| Narkotika, öppen droghantering | 🟠 | 1,8 | 3 | 4 | ↑ +1,3 | ↑ +1,4 |"
    assert row in md
    assert "| Skadegörelse | 🟠 | 1,7 | 2 | 3 | ↑ +0,7 | ↑ +1,3 |" in md  # 1,7 − 0,4 (4/9) = 1,3
    assert "| Hot och störningar mot personal | ⚪ | – | – | 0 | – | – |" in md
    assert "- 🔴 **Centrum · Narkotika, öppen droghantering**: röd nivå (3) från 2 rapportörer" in md
    assert "- 📍 **Centrum · Stortorget**: nämnd av 3 rapportörer" in md
    assert "- 🆕 **Norr · Norrparken · Klotter**: ny plats" in md
    candidates = md[md.index("## Förslag till prioriteringar") : md.index("## Läget per område")]
    assert re.findall(r"^\d\. \*\*(.+?)\*\*", candidates, re.M) == [
        "Stortorget, Centrum",
        "Norr",
        "Söder",
        "Norrparken, Norr",
    ]
    assert "nivå före 2,5, efter 1,8 (↓ −0,7)" in md  # the change agrees with the figures shown
    assert "Fler ungdomar kvällstid (trygghetsvärd, Anna Andersson)" in md
    for colour in ("green", "yellow", "orange", "red", "none"):
        assert LEVEL_EMOJI[colour] in md


def test_markdown_picture_in_english(en: PictureView) -> None:
    md = render_picture_markdown(en)
    assert md.startswith("# Situation picture Tryggare Trelleborg – week 47, 2026\n")
    assert "Answers: 10 of 11 (91%), 1 of them late" in md
    assert "| Open drug dealing and use | 🟠 | 1.8 | 3 | 4 | ↑ +1.3 | ↑ +1.4 |" in md
    assert (
        "- 📈 **Norr · Damage, vandalism**: above the expected level: 1.7 against an expected 0.0, 2 of 3 reporters "
        "answered at least 1 above their usual level (+1.6 on average), rising"
    ) in md
    assert "## Candidate priorities" in md
    assert "(not reviewed)" in md


def test_markdown_escapes_user_text(sv: PictureView) -> None:
    md = render_picture_markdown(sv)
    assert r"\*bold\* tags på \[muren\](http://x)" in md
    assert BOLD_NOTE not in md
    assert r"\<script\>alert(1)\</script\>" in md
    assert escape_markdown("a_b `c` <d>\nnext") == r"a\_b \`c\` \<d\> next"


def test_draft_shows_every_note_and_marks_the_unreviewed(sv: PictureView) -> None:
    md = render_picture_markdown(sv)
    assert "**Norr · Norrparken · Klotter**: " in md
    assert "(Bostadsbolaget) *(ej granskad)*" in md
    assert "**Allmänt**: Lugnt i helgen (Bostadsbolaget)\n" in md
    html = render_picture_html(sv)
    assert "*bold* tags på [muren](http://x)" in html
    assert '<span class="tag">ej granskad</span>' in html


def test_non_responders_are_shown_to_coordinators_only(sv: PictureView) -> None:
    assert "Kalle Karlsson" not in render_picture_markdown(sv)
    assert "Kalle Karlsson" not in render_picture_html(sv)
    assert "Har inte svarat (1): Kalle Karlsson" in render_picture_markdown(sv, for_coordinators=True)
    assert "Har inte svarat (1): Kalle Karlsson" in render_picture_html(sv, for_coordinators=True)
    assert "Kalle Karlsson" not in render_report_markdown(sv, DECISIONS)
    assert "Kalle Karlsson" not in render_report_html(sv, DECISIONS)
    assert "Kalle Karlsson" not in picture_summary_text(sv)


# --------------------------------------------------------------------------- HTML


def test_html_picture_is_a_self_contained_phone_friendly_document(sv: PictureView, en: PictureView) -> None:
    html = render_picture_html(sv)
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="sv">' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "overflow-x: auto" in html
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html)
    assert "<link" not in html
    assert "<script" not in html
    assert '<html lang="en">' in render_picture_html(en)


def test_html_cells_are_coloured_and_carry_the_number(sv: PictureView, en: PictureView) -> None:
    html = render_picture_html(sv)
    assert f".lv-orange {{ background: {LEVEL_HEX['orange']}; color: " in html and " style=" not in html
    cell = re.search(
        r'<td class="level lv-orange" title="Centrum · Narkotika, öppen droghantering: ([^"]*)">'
        r'\s*<span class="mean">([^<]*)</span>\s*<span class="small">([^<]*)</span>'
        r'\s*<span class="small">([^<]*)</span>',
        html,
    )
    assert cell is not None
    assert cell.groups() == ("1,8, max 3, 4 svar", "1,8", "4 svar", "↑ +1,3")
    assert f".lv-none {{ background: {LEVEL_HEX['none']}; " in html and '<td class="level lv-none"' in html
    assert '<td class="num">↑ +1,4</td>' in html
    assert '<li class="standout-hotspot">📍 <strong>Centrum · Stortorget</strong>: ' in html
    assert "nämnd av 3 rapportörer</li>" in html
    assert "<strong>Stortorget, Centrum</strong> (Narkotika, öppen droghantering" in html
    english = render_picture_html(en)
    assert "Centrum · Open drug dealing and use: 1.8, max 3, 4 reports" in english
    assert "red level (3) from 2 reporters" in english


def test_html_escapes_user_text(sv: PictureView) -> None:
    for html in (render_picture_html(sv), render_report_html(sv, DECISIONS)):
        assert "<script>" not in html
        assert "Langning vid &lt;script&gt;alert(1)&lt;/script&gt; busshållplatsen" in html


def test_html_escapes_names_in_titles_and_tables() -> None:
    inp = make_input()
    hostile = PictureInput(
        **{
            **inp.__dict__,
            "group_name": "<b>G</b>",
            "areas": [AreaInfo("centrum", 'Cent"rum<i>'), *inp.areas[1:]],
        }
    )
    html = render_picture_html(PictureView(build_picture(hostile), "sv"))
    assert "<b>G</b>" not in html and "&lt;b&gt;G&lt;/b&gt;" in html
    assert "<i>" not in html and "Cent&#34;rum&lt;i&gt;" in html


# --------------------------------------------------------------------------- the weekly report


def test_report_markdown(sv: PictureView) -> None:
    md = render_report_markdown(sv, DECISIONS)
    assert md.startswith("# Veckorapport Tryggare Trelleborg – vecka 47, 2026\n")
    assert (
        "- Celler där någon svarat 3: 3 · Celler över förväntad nivå: 2 · Platser nämnda av flera rapportörer: 1"
        " · Nya platser: 2"
    ) in md
    assert "- Beslutade prioriteringar: 2" in md
    assert "| Faktor | Centrum | Norr | Söder |" in md
    assert "| Narkotika, öppen droghantering | 🟠 1,8 ↑ | 🟢 0,0 → | 🟢 0,0 → |" in md
    assert "| Hot och störningar mot personal | 🟢 0,0 → | 🟢 0,0 → | ⚪ – |" in md
    assert "1. **Stortorget, Centrum**: Närvaro · Polisen · i helgen (4 röster)" in md
    assert "2. **Söder**: Trafikkontroll · Polisen · nästa vecka (1 röst)" in md
    assert "röd nivå (3) från 2 rapportörer" in md
    assert "**Polisnärvaro fredag–lördag** (Centrum · Stortorget · Narkotika, öppen droghantering)" in md
    assert "Inbrottsvåg i villaområden (polis, Kommunpolisen)" in md
    assert "Lugnt i helgen" in md


def test_report_leaves_out_unreviewed_notes(sv: PictureView) -> None:
    for text in (render_report_markdown(sv, DECISIONS), render_report_html(sv, DECISIONS)):
        assert "bold" not in text
        assert "muren" not in text
        assert "ej granskad" not in text
        assert "Lugnt i helgen" in text


def test_report_in_english(en: PictureView) -> None:
    decisions = [Decision("Stortorget, Centrum", "centrum", "Stortorget", "Presence", "Police", "weekend", 2)]
    md = render_report_markdown(en, decisions)
    assert md.startswith("# Weekly report Tryggare Trelleborg – week 47, 2026\n")
    assert "## Decided priorities and who acts" in md
    assert "1. **Stortorget, Centrum**: Presence · Police · weekend (2 votes)" in md
    html = render_report_html(en, decisions)
    assert '<html lang="en">' in html
    assert "<strong>Stortorget, Centrum</strong>: Presence · Police · weekend" in html
    assert "level before 2.5, after 1.8 (↓ −0.7)" in html


def test_a_decision_names_its_area_when_the_title_does_not(sv: PictureView) -> None:
    decision = Decision("Belysning", "soder", "Gångtunneln", "Fysisk åtgärd", "Kommunen", "längre sikt", 3)
    md = render_report_markdown(sv, [decision])
    assert "1. **Belysning (Gångtunneln, Söder)**: Fysisk åtgärd · Kommunen · längre sikt (3 röster)" in md


# --------------------------------------------------------------------------- chat summary


def test_summary_text(sv: PictureView) -> None:
    text = picture_summary_text(sv)
    lines = text.splitlines()
    assert lines[:5] == [
        "Lägesbild Tryggare Trelleborg – vecka 47, 2026",
        "Svar: 10 av 11 (91 %), varav 1 kom in sent",
        "🟩🟩🟩🟩🟩🟧🟧🟩🟩🟩🟩🟩 Centrum – högst: Narkotika, öppen droghantering 1,8",
        "🟩🟧🟨🟩🟩🟩🟩🟩🟩🟩🟩🟩 Norr – högst: Skadegörelse 1,7",
        "🟩🟩🟩🟩🟩🟩🟩🟩🟧🟩⬜🟩 Söder – högst: Otillåten eller farlig trafik 1,3",
    ]
    # strongest first, the single serious reports after the real changes; 8 standouts, 7 things to discuss (the
    # drugs cell is red and rising: one line), all shown (show = 8)
    assert lines[5:] == [
        "Sticker ut:",
        "🔴📈 Centrum · Narkotika, öppen droghantering: röd nivå (3) från 2 rapportörer; över förväntad nivå: 1,8 "
        "mot väntat 0,1, 3 av 4 rapportörer svarade minst 1 över sin vanliga nivå (i snitt +1,6), stiger 3 veckor i "
        "rad, högst på 11 veckor, nämnt av 2 rapportörer",
        "📈 Norr · Skadegörelse: över förväntad nivå: 1,7 mot väntat 0,0, 2 av 3 rapportörer svarade minst 1 över "
        "sin vanliga nivå (i snitt +1,6), stiger 2 veckor i rad, högst på 11 veckor, nämnt av 2 rapportörer",
        "📍 Centrum · Stortorget: nämnd av 3 rapportörer",
        "🆕 Norr · Norrparken · Klotter: ny plats",
        "🆕 Söder · Bryggan · Otillåten eller farlig trafik: ny plats",
        "❕ Söder · Otillåten eller farlig trafik: enstaka allvarlig rapport",
        "❕ Centrum · Störande grupperingar: enstaka allvarlig rapport",
    ]
    assert "**" not in text


def test_summary_text_shows_the_first_show_standouts_and_how_many_more() -> None:
    """`[groups.detection] show = 3`: the three strongest things, then how many more the report lists."""
    pic = build_picture(replace(make_input(), attention=AttentionParams(show=3)))
    lines = picture_summary_text(PictureView(pic, "en")).splitlines()
    assert lines[5:] == [
        "Stands out:",
        "🔴📈 Centrum · Open drug dealing and use: red level (3) from 2 reporters; above the expected level: 1.8 "
        "against an expected 0.1, 3 of 4 reporters answered at least 1 above their usual level (+1.6 on average), "
        "rising 3 weeks in a row, highest in 11 weeks, named by 2 reporters",
        "📈 Norr · Damage, vandalism: above the expected level: 1.7 against an expected 0.0, 2 of 3 reporters "
        "answered at least 1 above their usual level (+1.6 on average), rising 2 weeks in a row, highest in 11 "
        "weeks, named by 2 reporters",
        "📍 Centrum · Stortorget: named by 3 reporters",
        "… and 4 more",
    ]


def test_summary_text_is_cut_to_max_lines(en: PictureView) -> None:
    lines = picture_summary_text(en, max_lines=7).splitlines()
    assert len(lines) == 7
    assert lines[5] == "Stands out:"
    assert lines[6] == "… and 7 more"  # the 7 lines of standouts (the drugs cell's red and rising are one)
