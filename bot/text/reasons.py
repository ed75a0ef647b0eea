"""Why something stands out, in words: the catalogue's rendering of `bot.domain.reasons`.

"röd nivå (3) från 2 rapportörer", "över förväntad nivå: 1,8 mot väntat 0,4, stiger 3 veckor i rad, högst på
8 veckor, nämnt av 2 rapportörer", "3 av 5 rapportörer svarade minst 1 över sin vanliga nivå (i snitt +1,2)",
"nämnd av 3 rapportörer", "nämnd av 4 rapportörer, brukar nämnas av 1,5 i veckan", "ny plats", "enstaka allvarlig
rapport"; a candidate's reason for an area names its factor first ("Klotter: ny plats"). The rising reason names
the signal that fired: the cell's level against its expected level (the EWMA), the reporters against their own
usual levels, or both.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.domain.detection import Trigger
from bot.domain.model import Candidate
from bot.domain.reasons import (
    AboveExpected,
    AboveUsual,
    CandidateReason,
    NamedBySeveral,
    NewPlace,
    Reason,
    RedLevel,
    SingleReport,
)
from bot.text import t
from bot.text.numbers import format_number, reporters_text


def _above_usual(u: AboveUsual, lang: str) -> str:
    rise = format_number(u.rise, lang)
    return t(lang, "detect.reason.reporters", above=u.above, compared=u.compared, rise=rise)


def _above_expected(r: AboveExpected, lang: str) -> str:
    now, expected = format_number(r.level, lang), format_number(r.expected, lang)
    parts: list[str] = []
    if Trigger.EWMA in r.fired:
        parts.append(t(lang, "detect.reason.ewma", now=now, expected=expected))
    if r.usual is not None:
        parts.append(_above_usual(r.usual, lang))
        if Trigger.EWMA not in r.fired:
            parts.append(t(lang, "detect.reason.level", now=now))
    if r.rising_weeks is not None:
        key = "detect.reason.rising.one" if r.rising_weeks == 1 else "detect.reason.rising"
        parts.append(t(lang, key, weeks=r.rising_weeks))
    if r.highest_weeks is not None:
        parts.append(t(lang, "detect.reason.highest", weeks=r.highest_weeks))
    if r.reporters:
        parts.append(t(lang, "detect.reason.named", reporters=reporters_text(r.reporters, lang)))
    return ", ".join(parts)


def reason_text(reason: Reason, lang: str) -> str:
    """One reason, short, in `lang`."""
    match reason:
        case RedLevel(reporters=n):
            return t(lang, "picture.reason.red", reporters=reporters_text(n, lang))
        case AboveExpected():
            return _above_expected(reason, lang)
        case NamedBySeveral(reporters=n, usual=usual):
            if usual is None:
                return t(lang, "picture.reason.hotspot", reporters=reporters_text(n, lang))
            usual_text = format_number(usual, lang)
            return t(lang, "picture.reason.hotspot.usual", reporters=reporters_text(n, lang), usual=usual_text)
        case NewPlace():
            return t(lang, "picture.reason.new_place")
        case SingleReport():
            return t(lang, "picture.reason.single")


def candidate_reason_text(reason: CandidateReason, lang: str, factor_label: Callable[[str], str]) -> str:
    """A candidate's reason; an area candidate's names its factor ("Klotter: ny plats")."""
    text = reason_text(reason.reason, lang)
    if reason.factor is None:
        return text
    return t(lang, "picture.reason.factor", factor=factor_label(reason.factor), reason=text)


def candidate_reasons(c: Candidate, lang: str) -> tuple[str, ...]:
    """Why a candidate priority is there: the picture's reasons, or, for one a coordinator added by command (which
    has none), that a coordinator added it."""
    if c.reasons or c.source != "manual":
        return c.reasons
    return (t(lang, "candidate.manual"),)
