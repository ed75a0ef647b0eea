"""The catalogue words the domain's reasons (bot.domain.reasons) in each language; no database."""

from __future__ import annotations

import pytest

from bot.domain.detection import Trigger
from bot.domain.reasons import AboveExpected, AboveUsual, CandidateReason, NamedBySeveral, NewPlace, Reason, RedLevel
from bot.text.reasons import candidate_reason_text, reason_text


@pytest.mark.parametrize(
    ("reason", "sv", "en"),
    [
        (RedLevel(1), "röd nivå (3) från 1 rapportör", "red level (3) from 1 reporter"),
        (RedLevel(0), "röd nivå (3) från 0 rapportörer", "red level (3) from 0 reporters"),
        (NamedBySeveral(4), "nämnd av 4 rapportörer", "named by 4 reporters"),
        (NewPlace(), "ny plats", "new place"),
        (
            AboveExpected(2.0, 0.0),
            "över förväntad nivå: 2,0 mot väntat 0,0",
            "above the expected level: 2.0 against an expected 0.0",
        ),
        (
            AboveExpected(1.25, 0.35, rising_weeks=1, reporters=1),
            "över förväntad nivå: 1,3 mot väntat 0,4, stiger sedan förra veckan, nämnt av 1 rapportör",
            "above the expected level: 1.3 against an expected 0.4, rising since last week, named by 1 reporter",
        ),
        (
            AboveExpected(1.8, 0.1, rising_weeks=3, highest_weeks=11, reporters=2),
            "över förväntad nivå: 1,8 mot väntat 0,1, stiger 3 veckor i rad, högst på 11 veckor, "
            "nämnt av 2 rapportörer",
            "above the expected level: 1.8 against an expected 0.1, rising 3 weeks in a row, highest in 11 weeks, "
            "named by 2 reporters",
        ),
        (  # only the second signal fired: the reporters against their own usual level, then the cell's level
            AboveExpected(2.0, 1.0, fired=(Trigger.REPORTERS,), usual=AboveUsual(3, 3, 4 / 3), reporters=3),
            "3 av 3 rapportörer svarade minst 1 över sin vanliga nivå (i snitt +1,3), nivå 2,0, nämnt av 3 rapportörer",
            "3 of 3 reporters answered at least 1 above their usual level (+1.3 on average), level 2.0, "
            "named by 3 reporters",
        ),
        (  # both fired
            AboveExpected(
                1.75, 0.125, rising_weeks=3, fired=(Trigger.EWMA, Trigger.REPORTERS), usual=AboveUsual(1, 4, 0.55)
            ),
            "över förväntad nivå: 1,8 mot väntat 0,1, 1 av 4 rapportörer svarade minst 1 över sin vanliga nivå "
            "(i snitt +0,6), stiger 3 veckor i rad",
            "above the expected level: 1.8 against an expected 0.1, 1 of 4 reporters answered at least 1 above their "
            "usual level (+0.6 on average), rising 3 weeks in a row",
        ),
        (
            AboveExpected(1.8, 0.1, highest_weeks=6),
            "över förväntad nivå: 1,8 mot väntat 0,1, högst på 6 veckor",
            "above the expected level: 1.8 against an expected 0.1, highest in 6 weeks",
        ),
    ],
)
def test_each_reason_in_both_languages(reason: Reason, sv: str, en: str) -> None:
    assert (reason_text(reason, "sv"), reason_text(reason, "en")) == (sv, en)


def test_an_area_candidates_reason_names_its_factor() -> None:
    label = {"klotter": "Klotter"}.__getitem__
    assert candidate_reason_text(CandidateReason(NewPlace(), "klotter"), "sv", label) == "Klotter: ny plats"
    assert candidate_reason_text(CandidateReason(RedLevel(2)), "en", label) == "red level (3) from 2 reporters"
