"""The picture's "rising" kind with both signals, as the store hands the weeks over: earlier weeks counted, and the
judged cells' earlier answers reporter by reporter (`PictureInput.reporter_history`)."""

from __future__ import annotations

from dataclasses import replace

from bot.domain.cycle import RoundKey
from bot.domain.detection import DetectionParams, Trigger
from bot.domain.factors import DEFAULT_FACTORS
from bot.domain.picture import AreaInfo, PictureInput, Report, build_picture, count_levels
from bot.domain.reasons import AboveExpected, AboveUsual
from bot.domain.rising import judged_cells, reporter_key
from bot.reports.view import PictureView

WEEK = RoundKey(2026, 47)
NORR = "norr"


def answers(levels: dict[int, int], factor: str = "skadegorelse") -> list[Report]:
    return [Report(who, "Org", NORR, factor, level) for who, level in levels.items()]


def busy_input(params: DetectionParams = DetectionParams()) -> PictureInput:
    """Norr's damage swings with who answers (Anna 2 and Cecilia 1 in even weeks, Bo 0 and David 1 in odd ones);
    this week Bo, Cecilia and David each answer 2. Earlier weeks come as the store hands them over: counted, and
    the judged cell's answers one by one."""
    weeks = {WEEK.minus(10 - w): answers({1: 2, 3: 1} if w % 2 == 0 else {2: 0, 4: 1}) for w in range(10)}
    return PictureInput(
        group_name="G",
        week=WEEK,
        areas=[AreaInfo(NORR, "Norr")],
        factors=list(DEFAULT_FACTORS),
        reports=answers({2: 2, 3: 2, 4: 2}),
        history={},
        known_places=set(),
        expected=4,
        responded=3,
        late=0,
        non_responders=[],
        notes=[],
        observations=[],
        actions=[],
        detection=params,
        history_counts={k: count_levels(v) for k, v in weeks.items()},
        reporter_history=weeks,
    )


def test_a_busy_cell_stands_out_by_its_reporters_and_the_reason_says_so() -> None:
    pic = build_picture(busy_input())
    rising = [s for s in pic.standouts if s.kind == "rising"]
    assert [(s.area, s.factor, s.reporters) for s in rising] == [(NORR, "skadegorelse", 3)]
    reason = rising[0].reason
    assert isinstance(reason, AboveExpected)
    assert reason.fired == (Trigger.REPORTERS,)
    assert reason.usual is not None and reason.usual == AboveUsual(3, 3, reason.usual.rise)
    assert not pic.signals[(NORR, "skadegorelse")].flagged  # the EWMA alone would not have
    # 2.0 is above every earlier week (at most 1.5): highest in the 10 weeks before and this one
    assert PictureView(pic, "sv").reason(rising[0]) == (
        "3 av 3 rapportörer svarade minst 1 över sin vanliga nivå (i snitt +1,3), nivå 2,0, högst på 11 veckor, "
        "nämnt av 3 rapportörer"
    )
    assert PictureView(pic, "en").reason(rising[0]) == (
        "3 of 3 reporters answered at least 1 above their usual level (+1.3 on average), level 2.0, "
        "highest in 11 weeks, named by 3 reporters"
    )


def test_a_cell_flagged_by_its_reporters_alone_keeps_its_change_in_its_strength() -> None:
    """The EWMA did not fire, the reporters' signal did: the change counts (it is a change, not a usual swing)."""
    pic = build_picture(busy_input())
    (rising,) = [s for s in pic.standouts if s.kind == "rising"]
    expected = pic.signals[(NORR, "skadegorelse")].expected
    assert expected == 1.0  # the baseline W37-W44: 1,5 and 0,5 in turn
    assert rising.evidence is not None and rising.evidence.change == 1.0  # 2,0 − 1,0
    # 2,0 + 2 × 1,0 + 0,5 × 3 reporters at the threshold + 0,25 × 1 week orange (the week before was 0,5)
    assert rising.strength == 5.75


def test_without_the_answers_or_with_the_signal_off_the_ewma_decides_alone() -> None:
    counted_only = replace(busy_input(), reporter_history={})
    assert [s for s in build_picture(counted_only).standouts if s.kind == "rising"] == []
    off = busy_input(DetectionParams(reporter_min=0))
    assert [s for s in build_picture(off).standouts if s.kind == "rising"] == []


def test_the_cells_judged_and_the_reporters_number() -> None:
    reports = [*answers({2: 2, 3: 2, 4: 1}), *answers({1: 1, 2: 1}, "klotter"), *answers({1: 3}, "brand")]
    assert judged_cells(reports, 1.5) == {(NORR, "skadegorelse"), (NORR, "brand")}  # 5/3 and 3; klotter 1
    assert judged_cells(reports, 1.0) == {(NORR, "skadegorelse"), (NORR, "brand"), (NORR, "klotter")}
    assert reporter_key(17, 4711) == 17  # the person, the same every week
    assert reporter_key(None, 4711) == -4711  # a person since deleted: the response, never a person's id
