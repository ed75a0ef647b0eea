"""The situation picture on the small, known week of tests/support/picture_data.py (described there): numbers,
what stands out, the candidates. How it is drawn: tests/unit/reports/test_render.py."""

from __future__ import annotations

import pytest

from bot.domain.detection import Trigger
from bot.domain.factors import DEFAULT_FACTORS
from bot.domain.picture import PictureInput, Report, build_picture
from bot.domain.reasons import (
    AboveExpected,
    AboveUsual,
    CandidateReason,
    NamedBySeveral,
    NewPlace,
    RedLevel,
    SingleReport,
)
from bot.reports.render import render_picture_markdown, render_report_html
from bot.reports.view import PictureView
from bot.text.numbers import format_delta, format_number
from tests.support.picture_data import AREAS, ORG, THIS_WEEK, make_input


@pytest.fixture(scope="module")
def sv() -> PictureView:
    return PictureView(build_picture(make_input()), "sv")


@pytest.fixture(scope="module")
def en() -> PictureView:
    return PictureView(build_picture(make_input()), "en")


# --------------------------------------------------------------------------- numbers


def test_cells_have_exact_means_counts_colours_and_deltas(sv: PictureView) -> None:
    drugs = sv.cells[("centrum", "narkotika")]
    assert (drugs.count, drugs.max, drugs.colour) == (4, 3, "orange")
    assert drugs.mean == pytest.approx(1.75)  # 3 + 3 + 0 + 1
    assert drugs.last_week == pytest.approx(0.5)
    assert drugs.baseline == pytest.approx(0.375)  # (0.5 + 0.25 + 0 + 0.75) / 4; W42 is too old
    # changes are between the levels as shown: 1,8 against 0,5 and 0,4
    assert drugs.vs_last == pytest.approx(1.3)
    assert drugs.vs_baseline == pytest.approx(1.4)

    gatherings = sv.cells[("centrum", "grupperingar")]
    assert gatherings.mean == pytest.approx(0.75)
    assert gatherings.colour == "orange"  # the mean is yellow, but someone said 3

    damage = sv.cells[("norr", "skadegorelse")]
    assert (damage.count, damage.max, damage.colour) == (3, 2, "orange")
    assert damage.mean == pytest.approx(5 / 3)
    assert damage.last_week == pytest.approx(1.0)
    assert damage.baseline == pytest.approx(4 / 9)  # W43 had no answers from Norr: (1 + 0 + 1/3) / 3
    assert damage.vs_last == pytest.approx(0.7)  # 1,7 against 1,0

    graffiti = sv.cells[("norr", "klotter")]
    assert (graffiti.mean, graffiti.colour) == (pytest.approx(2 / 3), "yellow")

    traffic = sv.cells[("soder", "trafik")]
    assert (traffic.count, traffic.max, traffic.colour) == (3, 3, "orange")
    assert traffic.mean == pytest.approx(4 / 3)
    assert traffic.baseline == pytest.approx(1 / 3)

    quiet = sv.cells[("centrum", "hot_vald")]
    assert (quiet.count, quiet.max, quiet.mean, quiet.colour) == (4, 0, 0.0, "green")
    assert (quiet.vs_last, quiet.vs_baseline) == (0.0, 0.0)

    empty = sv.cells[("soder", "personal")]
    assert (empty.count, empty.max, empty.mean, empty.colour) == (0, None, None, "none")
    assert empty.last_week == 0.0
    assert (empty.vs_last, empty.vs_baseline) == (None, None)

    assert len(sv.cells) == 3 * 12
    assert sv.response_rate == pytest.approx(10 / 11)


def test_numbers_use_a_decimal_comma_in_swedish_and_round_half_up() -> None:
    assert format_number(1.75, "sv") == "1,8"
    assert format_number(1.25, "sv") == "1,3"
    assert format_number(1.25, "en") == "1.3"
    assert format_number(-0.04, "sv") == "0,0"
    assert format_delta(1.25, "sv") == "↑ +1,3"
    assert format_delta(-0.75, "en") == "↓ −0.8"
    assert format_delta(0.04, "sv") == "→ 0,0"
    assert format_delta(None, "sv") == "–"


# --------------------------------------------------------------------------- what stands out


def test_standouts_and_their_reasons_in_swedish(sv: PictureView) -> None:
    """Strongest first (`bot.domain.attention.strength`, worked out by hand in the comments), the single serious
    reports after the real changes."""
    got = [(s.kind, s.area, s.factor, s.place, sv.reason(s), s.reporters) for s in sv.standouts]
    assert got == [
        # 1,75 + 2 × (1,75 − 0,125) + 0,5 × 2 + 0,25 × 1 week orange + 0,25 × 1 place = 6,5; red before rising
        ("red", "centrum", "narkotika", None, "röd nivå (3) från 2 rapportörer", 2),
        (
            "rising",
            "centrum",
            "narkotika",
            None,
            "över förväntad nivå: 1,8 mot väntat 0,1, 3 av 4 rapportörer svarade minst 1 över sin vanliga nivå "
            "(i snitt +1,6), stiger 3 veckor i rad, högst på 11 veckor, nämnt av 2 rapportörer",
            2,
        ),
        # 5/3 + 2 × (5/3 − 1/21) + 0,5 × 2 + 0,25 + 0,25 × 1 place (Idrottsplatsen) = 6,40
        (
            "rising",
            "norr",
            "skadegorelse",
            None,
            "över förväntad nivå: 1,7 mot väntat 0,0, 2 av 3 rapportörer svarade minst 1 över sin vanliga nivå "
            "(i snitt +1,6), stiger 2 veckor i rad, högst på 11 veckor, nämnt av 2 rapportörer",
            2,
        ),
        # a place's level and change weigh half: 0,5 × 3 + 1 × change (3 reporters, usually 0: 1,5) + 0,5 × 3
        # reporters + 0,25 × 1 week + 0,25 × 2 factors = 5,25, after the two changed cells
        ("hotspot", "centrum", None, "Stortorget", "nämnd av 3 rapportörer", 3),
        # 0,5 × level 2 + 1 × 0,5 (1 reporter at the threshold) + 0,5 × 1 + 0,25 × 1 factor = 2,25
        ("new_place", "norr", "klotter", "Norrparken", "ny plats", 1),
        # 0,5 × level 1 + 0,25 × 1 factor = 0,75
        ("new_place", "soder", "trafik", "Bryggan", "ny plats", 1),
        # one reporter's 3 on cells whose mean is not orange: after the real changes, 4/3 + 2 × (4/3 − 1/3) + 0,5
        # = 3,83 before 0,75 + 2 × 0,75 + 0,5 + 0,25 × 1 place (Stortorget) = 3,0
        ("single_report", "soder", "trafik", None, "enstaka allvarlig rapport", 1),
        ("single_report", "centrum", "grupperingar", None, "enstaka allvarlig rapport", 1),
    ]
    assert [round(s.strength, 4) for s in sv.standouts] == [6.5, 6.5, 6.4048, 5.25, 2.25, 0.75, 3.8333, 3.0]


def test_standout_reasons_are_values_with_their_numbers(sv: PictureView) -> None:
    """The domain says which rule fired and its numbers; the catalogue words them (the tests around this one)."""
    reasons = [s.reason for s in sv.standouts]
    assert reasons[0] == RedLevel(2)
    assert reasons[3:] == [NamedBySeveral(3), NewPlace(), NewPlace(), SingleReport(), SingleReport()]
    centrum, norr = reasons[1], reasons[2]
    assert isinstance(centrum, AboveExpected) and isinstance(norr, AboveExpected)
    assert (centrum.level, centrum.rising_weeks, centrum.highest_weeks, centrum.reporters) == (1.75, 3, 11, 2)
    # both signals: the cell's mean, and its 4 reporters against their own W37-W44: +2.75, +2.875, −0.125, +1
    assert centrum.fired == (Trigger.EWMA, Trigger.REPORTERS)
    assert centrum.usual is not None and (centrum.usual.above, centrum.usual.compared) == (3, 4)
    assert centrum.usual == AboveUsual(3, 4, centrum.usual.rise) and centrum.usual.rise == pytest.approx(1.625)
    assert centrum.expected == sv.signals[("centrum", "narkotika")].expected
    assert (norr.level, norr.expected) == (pytest.approx(5 / 3), pytest.approx(1 / 21))  # shown 1,7 and 0,0
    assert (norr.rising_weeks, norr.highest_weeks, norr.reporters) == (2, 11, 2)
    norr_candidate = next(c for c in sv.candidates if c.key == "area:norr")
    assert norr_candidate.reasons == (CandidateReason(norr, "skadegorelse"),)
    stortorget = next(c for c in sv.candidates if c.key == "place:centrum:stortorget")
    assert stortorget.reasons == (CandidateReason(NamedBySeveral(3)),)


def test_standout_reasons_in_english(en: PictureView) -> None:
    assert [en.reason(s) for s in en.standouts] == [
        "red level (3) from 2 reporters",
        "above the expected level: 1.8 against an expected 0.1, 3 of 4 reporters answered at least 1 above their "
        "usual level (+1.6 on average), rising 3 weeks in a row, highest in 11 weeks, named by 2 reporters",
        "above the expected level: 1.7 against an expected 0.0, 2 of 3 reporters answered at least 1 above their "
        "usual level (+1.6 on average), rising 2 weeks in a row, highest in 11 weeks, named by 2 reporters",
        "named by 3 reporters",
        "new place",
        "new place",
        "single serious report",
        "single serious report",
    ]


def test_a_known_place_named_by_one_reporter_does_not_stand_out(sv: PictureView) -> None:
    assert all(s.place != "Idrottsplatsen" for s in sv.standouts)


# --------------------------------------------------------------------------- candidates


def test_candidates_are_ordered_by_score_then_title(sv: PictureView) -> None:
    got = [(c.key, c.title, c.factors, sv.candidate_reasons(c), c.score) for c in sv.candidates]
    assert got == [
        # 3 + 3 (highest level per factor at the place) + 3 reporters
        (
            "place:centrum:stortorget",
            "Stortorget, Centrum",
            ("narkotika", "grupperingar"),
            ("nämnd av 3 rapportörer",),
            9.0,
        ),
        # the rising cell: max 2 + 2 reporters at or above the threshold
        (
            "area:norr",
            "Norr",
            ("skadegorelse",),
            (
                "Skadegörelse: över förväntad nivå: 1,7 mot väntat 0,0, 2 av 3 rapportörer svarade minst 1 över "
                "sin vanliga nivå (i snitt +1,6), stiger 2 veckor i rad, högst på 11 veckor, nämnt av 2 rapportörer",
            ),
            4.0,
        ),
        # the single serious report: max 3 + 1 reporter; ties with Norr and sorts after it by title
        (
            "area:soder",
            "Söder",
            ("trafik",),
            ("Otillåten eller farlig trafik: enstaka allvarlig rapport",),
            4.0,
        ),
        # a new place at level 2: 2 + 1 reporter
        ("place:norr:norrparken", "Norrparken, Norr", ("klotter",), ("ny plats",), 3.0),
    ]
    # Centrum's red and rising cells are covered by Stortorget; Bryggan is below the threshold
    assert "area:centrum" not in {c.key for c in sv.candidates}
    assert all(c.place != "Bryggan" for c in sv.candidates)


def test_the_picture_is_deterministic(sv: PictureView) -> None:
    inp = make_input()
    shuffled = PictureInput(**{**inp.__dict__, "reports": list(reversed(inp.reports))})
    again = build_picture(shuffled)
    assert again.cells == sv.cells
    assert [c.key for c in again.candidates] == [c.key for c in sv.candidates]
    assert [(s.kind, s.area, s.factor) for s in again.standouts] == [(s.kind, s.area, s.factor) for s in sv.standouts]


@pytest.mark.parametrize("order", [1, -1])
def test_a_place_is_matched_case_insensitively_and_named_the_same_whatever_the_order(order: int) -> None:
    inp = make_input()
    extra = [
        Report(9, ORG[9], "soder", "brand", 2, " hamnen"),
        Report(10, ORG[10], "soder", "brand", 3, "Hamnen "),
    ][::order]
    p = PictureView(build_picture(PictureInput(**{**inp.__dict__, "reports": inp.reports + extra})), "sv")
    harbour = [s for s in p.standouts if s.place == "Hamnen"]
    assert [(s.kind, s.factor, p.reason(s), s.reporters) for s in harbour] == [
        ("hotspot", "brand", "nämnd av 2 rapportörer", 2),
        ("new_place", "brand", "ny plats", 2),
    ]
    candidate = next(c for c in p.candidates if c.key == "place:soder:hamnen")
    assert (candidate.title, candidate.score) == ("Hamnen, Söder", 5.0)  # level 3 + 2 reporters


def test_an_empty_week_stands_out_nowhere() -> None:
    inp = PictureInput(
        group_name="Tom",
        week=THIS_WEEK,
        areas=AREAS,
        factors=list(DEFAULT_FACTORS),
        reports=[],
        history={},
        known_places=set(),
        expected=0,
        responded=0,
        late=0,
        non_responders=[],
        notes=[],
        observations=[],
        actions=[],
    )
    p = PictureView(build_picture(inp), "sv")
    assert (p.standouts, p.candidates, p.response_rate) == ([], [], 0.0)
    assert {c.colour for c in p.cells.values()} == {"none"}
    assert "Inget sticker ut den här veckan." in render_picture_markdown(p)
    assert "Inga prioriteringar beslutades" in render_report_html(p, [])
