"""The small, known week of the situation picture tests (tests/unit/domain/test_picture.py,
tests/unit/reports/test_render.py, tests/integration/reports/test_numbers.py).

The data set: three areas, the twelve default factors, ten reporters who each answer
every factor for their home area, this week (2026-W47) and ten weeks of history
(W37–W46, quiet but for the weeks spelled out below).

* Centrum (reporters 1–4): Stortorget is named at level 3 by reporters 1 and 2
  (narcotics) and 3 (gatherings): a hotspot (never named before), a red cell (two 3s)
  and a single serious report (gatherings: one 3, mean 0,75). Narcotics went
  0 → 0,25 → 0,5 → 1,75 over the last weeks against an expected 0,1 (the baseline
  W37–W44): the EWMA rule flags it, rising 3 weeks in a row.
* Norr (reporters 5–7): damage goes 0 → 1,0 → 1,7 against an expected 0,0: flagged,
  rising 2 weeks. Reporter 5 names a new place, Norrparken, for graffiti.
* Söder (reporters 8–10): traffic has one reporter's 3 (a single serious report, not a red
  cell) and +1,0 against the baseline, but its mean (1,3) is below the rule's minimum level
  (1,5). Reporter 9 names a new place at level 1 (a standout, but below the threshold, so no
  candidate). Nobody answered "staff" this week. Week 2026-W34 is all 3s and is too old to matter.
"""

from __future__ import annotations

from bot.domain.cycle import RoundKey
from bot.domain.factors import DEFAULT_FACTORS
from bot.domain.picture import ActionFollowUp, AreaInfo, Note, Observation, PictureInput, Report
from bot.reports.render import Decision

AREAS = [AreaInfo("centrum", "Centrum"), AreaInfo("norr", "Norr"), AreaInfo("soder", "Söder")]
HOME = {1: "centrum", 2: "centrum", 3: "centrum", 4: "centrum"}
HOME |= {5: "norr", 6: "norr", 7: "norr", 8: "soder", 9: "soder", 10: "soder"}
ORG = {r: ("Trygghetsvärdarna" if r % 2 else "Bostadsbolaget") for r in HOME}
THIS_WEEK = RoundKey(2026, 47)

Answer = int | tuple[int, str]


def week(
    answers: dict[tuple[int, str], Answer],
    *,
    absent: frozenset[int] = frozenset(),
    skip: frozenset[tuple[str, str]] = frozenset(),
) -> list[Report]:
    """Every reporter answers every factor for their area: 0 unless `answers` says (level, place)."""
    out = []
    for reporter, area in HOME.items():
        if reporter in absent:
            continue
        for factor in DEFAULT_FACTORS:
            if (area, factor.code) in skip:
                continue
            answer = answers.get((reporter, factor.code), 0)
            level, place = (answer, None) if isinstance(answer, int) else answer
            out.append(Report(reporter, ORG[reporter], area, factor.code, level, place))
    return out


SCRIPT_NOTE = "Langning vid <script>alert(1)</script> busshållplatsen"
BOLD_NOTE = "*bold* tags på [muren](http://x)"


def make_input() -> PictureInput:
    reports = week(
        {
            (1, "narkotika"): (3, "Stortorget"),
            (2, "narkotika"): (3, "  stortorget "),
            (3, "grupperingar"): (3, "Stortorget"),
            (4, "narkotika"): 1,
            (5, "skadegorelse"): 2,
            (6, "skadegorelse"): (2, "Idrottsplatsen"),
            (7, "skadegorelse"): 1,
            (5, "klotter"): (2, "Norrparken"),
            (8, "trafik"): 3,
            (9, "trafik"): (1, "Bryggan"),
        },
        skip=frozenset({("soder", "personal")}),
    )
    history = {
        RoundKey(2026, 46): week(
            {
                (1, "narkotika"): 1,
                (2, "narkotika"): 1,
                (5, "skadegorelse"): 1,
                (6, "skadegorelse"): 1,
                (7, "skadegorelse"): 1,
                (8, "trafik"): 1,
                (9, "trafik"): 1,
            }
        ),
        RoundKey(2026, 45): week({(1, "narkotika"): 1, (8, "trafik"): 1}),
        RoundKey(2026, 44): week({(7, "skadegorelse"): 1}),
        RoundKey(2026, 43): week(
            {(1, "narkotika"): 1, (2, "narkotika"): 1, (3, "narkotika"): 1, (8, "trafik"): 1},
            absent=frozenset({5, 6, 7}),
        ),
        RoundKey(2026, 42): week({(1, "narkotika"): 1}),
        **{RoundKey(2026, w): week({}) for w in range(37, 42)},
        RoundKey(2026, 34): week({(r, f.code): 3 for r in HOME for f in DEFAULT_FACTORS}),
    }
    return PictureInput(
        group_name="Tryggare Trelleborg",
        week=THIS_WEEK,
        areas=AREAS,
        factors=list(DEFAULT_FACTORS),
        reports=reports,
        history=history,
        known_places={("centrum", "stortorget"), ("norr", "idrottsplatsen")},
        expected=11,
        responded=10,
        late=1,
        non_responders=["Kalle Karlsson"],
        notes=[
            Note(1, "centrum", "narkotika", "Stortorget", SCRIPT_NOTE, "Trygghetsvärdarna", True),
            Note(2, "norr", "klotter", "Norrparken", BOLD_NOTE, "Bostadsbolaget", False),
            Note(3, None, None, None, "Lugnt i helgen", "Bostadsbolaget", True),
        ],
        observations=[
            Observation("centrum", "narkotika", "Fler ungdomar kvällstid", "Anna Andersson", "trygghetsvärd"),
            Observation(None, None, "Inbrottsvåg i villaområden", "Kommunpolisen", "polis"),
        ],
        actions=[
            ActionFollowUp(
                7,
                "centrum",
                "Stortorget",
                "narkotika",
                "Polisnärvaro fredag–lördag",
                "Polisen",
                RoundKey(2026, 45),
                2.5,
                1.75,
            )
        ],
    )


DECISIONS = [
    Decision("Stortorget, Centrum", "centrum", "Stortorget", "Närvaro", "Polisen", "i helgen", 4),
    Decision("Söder", "soder", None, "Trafikkontroll", "Polisen", "nästa vecka", 1),
]
