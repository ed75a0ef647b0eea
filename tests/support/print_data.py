"""A week that is hard to print: six areas with long names, a place named by one very long compound word, notes
with emoji and a long link, actions with long descriptions, and twelve weeks of history so that the trend chart
has six panels. Built as a picture in memory (no database); tests/integration/reports/test_print.py prints it."""

from __future__ import annotations

from bot.domain.cycle import RoundKey
from bot.domain.factors import DEFAULT_FACTORS
from bot.domain.picture import (
    ActionFollowUp,
    AreaInfo,
    Note,
    Observation,
    PictureInput,
    Report,
    build_picture,
)
from bot.reports.render import Decision
from bot.reports.view import PictureView

WEEK = RoundKey(2026, 47)
GROUP = "Tryggare Kvarnby-Östra Sjöstadens samverkansområde"
AREAS = (
    AreaInfo("centrum", "Centrum och Stora Torget med Resecentrum"),
    AreaInfo("hamnen", "Hamnen, Färjeterminalen och Strandpromenaden"),
    AreaInfo("norr", "Norra stadsdelen"),
    AreaInfo("oster", "Östra industriområdet"),
    AreaInfo("soder", "Södra villaområdet"),
    AreaInfo("vaster", "Västra skolområdet"),
)
LONG_PLACE = "Kvarnbyparkeringsgarageinfarten"  # one word, as places are often named in Swedish
LONG_LINK = "https://kommunen.example/trygghet/anmalningar/2026/vecka-47/kvarnbyparkeringsgarageinfarten-belysning"
EMOJI_NOTE = "Trasig lampa 💡 vid cykelstället 🚲, mörkt hela kvällen"
LONG_ACTION = "Se över belysningen och klipp buskarna vid Kvarnbyparkeringsgarageinfarten och gångtunneln"
# long words the PDF prints in its tables and lists besides the column headers (the first two areas stand out,
# so their names are printed), which a cell must never split
WHOLE_WORDS = (
    "Trygghetsvärdar",
    "Kommunpolisen",
    LONG_PLACE,
    "Färjeterminalen",
    "Strandpromenaden",
    "Resecentrum",
)


def _reports(week: int) -> list[Report]:
    """Four reporters in every area; levels that rise week by week in two areas so that lines stand out."""
    out: list[Report] = []
    rid = 0
    for i, area in enumerate(AREAS):
        for j in range(4):
            rid += 1
            for f in DEFAULT_FACTORS:
                level = 0
                if f.code == "narkotika" and i in (0, 1):
                    level = min(3, max(0, week - 43 + j % 2))
                elif f.code == "klotter":
                    level = (week + i + j) % 3 if i % 2 == 0 else 1
                place = LONG_PLACE if level >= 2 and i == 0 else ("Strandpromenaden" if level >= 2 else None)
                org = ("Trygghetsvärdar", "Bostadsbolaget", "Socialtjänstens mobila team", "Kommunpolisen")[j]
                out.append(Report(rid, org, area.code, f.code, level, place))
    return out


def picture(lang: str = "sv", areas: int = 6) -> PictureView:
    shown = list(AREAS[:areas])
    codes = {a.code for a in shown}
    history = {WEEK.minus(n): [r for r in _reports(WEEK.week - n) if r.area in codes] for n in range(1, 12)}
    inp = PictureInput(
        GROUP,
        WEEK,
        shown,
        list(DEFAULT_FACTORS),
        [r for r in _reports(WEEK.week) if r.area in codes],
        history,
        set(),
        4 * areas,
        4 * areas,
        0,
        [],
        [
            Note(1, "centrum", "skadegorelse", LONG_PLACE, EMOJI_NOTE, "Trygghetsvärdar", True),
            Note(2, "hamnen", None, None, f"Anmält till kommunen, se {LONG_LINK}", "Bostadsbolaget", True),
        ],
        [Observation("centrum", "narkotika", "Ökad handel kvällstid 👀 enligt Kommunpolisen", "Kim", "polis")],
        [
            ActionFollowUp(
                action_id=1,
                area="centrum",
                place=LONG_PLACE,
                factor="skadegorelse",
                description=LONG_ACTION,
                responsible="hosts",
                decided_week=WEEK.minus(3),
                level_before=1.5,
                level_after=0.75,
            ),
            ActionFollowUp(
                action_id=2,
                area="hamnen",
                place="Strandpromenaden",
                factor="narkotika",
                description="Närvaro",
                responsible="police",
                decided_week=WEEK.minus(2),
                level_before=0.5,
                level_after=2.0,
            ),
        ],
    )
    return PictureView(build_picture(inp), lang)


def decisions(lang: str = "sv") -> list[Decision]:
    return [
        Decision(LONG_ACTION, "centrum", LONG_PLACE, "Fysisk åtgärd", "Trygghetsvärdar", "Längre sikt", 3),
        Decision("Strandpromenaden", "hamnen", "Strandpromenaden", "Närvaro", "Kommunpolisen", "I helgen", 1),
    ]
