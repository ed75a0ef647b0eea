"""One truth in every number: an action's level before and after is read back from every output that shows it
(the chat, the weekly report, the yearly follow-up and the export, each parsed from what the person gets) and
must be the same figures everywhere, with a change that agrees with them; on SQLite and PostgreSQL.

The history is made so that every other way of counting gives other figures: the week of the decision alone
(0,7) is not the four weeks up to it (0,458 → 0,5); the week of the report alone (0,3) is not the four weeks
after the decision (0,417 → 0,4); the unrounded levels are within 0,05 of each other, so a change computed
from them printed "före 0,5, efter 0,4 (→ 0,0)"; and an export with two decimals showed 0.46 and 0.42.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from bot.bootstrap import App
from bot.domain.conversation_state import ConversationState
from bot.domain.cycle import Phase, RoundKey
from bot.domain.effect import LevelChange, level_change, shown_change, shown_level
from bot.domain.model import Action, AnswerIn
from bot.reports.followup import ActionEffect
from bot.text.numbers import format_delta, format_number
from bot.usecases.reports import weekly_report
from tests.conftest import TUE_OPEN, Bot

WEEKS = [RoundKey(2026, w) for w in range(40, 48)]
DECIDED = RoundKey(2026, 43)
TITLE = "Mer närvaro i centrum"
# the sum of the 24 levels reported on Centrum each week (Anna and Bo, 12 factors each)
TOTALS = {40: 8, 41: 8, 42: 12, 43: 16, 44: 12, 45: 10, 46: 10, 47: 8}
LEVELS = {  # week total -> (Anna's, Bo's) levels on (narkotika, klotter, grupperingar); every other factor 0
    8: ((2, 2, 0), (2, 2, 0)),
    10: ((3, 2, 0), (3, 2, 0)),
    12: ((3, 3, 0), (3, 3, 0)),
    16: ((3, 3, 2), (3, 3, 2)),
}
BEFORE, AFTER, CHANGE = 0.5, 0.4, -0.1  # 44/96 = 0.458 and 40/96 = 0.417, as shown


def seed_history(app: App) -> int:
    """Eight published weeks and one action about all factors in Centrum, decided in W43; returns its id."""
    group = app.config.groups[0]
    factors = [f.code for f in group.factor_list()]
    with app.services.unit() as uow:
        people = {p.name.split()[0].lower(): p for p in uow.people.persons(group.id)}
        action_id = 0
        for i, key in enumerate(WEEKS):
            at = TUE_OPEN - timedelta(weeks=len(WEEKS) - i)
            rnd = uow.rounds.create_round(group.id, key, at)
            for n, who in enumerate(("anna", "bo", "cecilia")):
                person = people[who]
                resp = uow.rounds.get_or_create_response(rnd.id, person.id, person.organisation, at)
                answers = []
                for area in uow.people.person_areas(person.id):
                    mine = LEVELS[TOTALS[key.week]][n] if area.code == "centrum" else (0, 0, 0)
                    chosen = dict(zip(("narkotika", "klotter", "grupperingar"), mine, strict=True))
                    answers += [AnswerIn(area.id, f, chosen.get(f, 0)) for f in factors]
                uow.rounds.replace_answers(resp.id, answers, None)
                uow.rounds.save_response(resp.id, resp.version, ConversationState(), "submitted", None, False, at, at)
            if key == DECIDED:
                cid = uow.meeting.add_candidate(rnd.id, "area:centrum", "centrum", None, (), TITLE, (), "auto", 0)
                assert cid is not None
                uow.meeting.vote(cid, people["kim"].id, True)
                uow.meeting.set_candidate_field(cid, "action_type", "presence")
                uow.meeting.set_candidate_field(cid, "responsible", "hosts")
                uow.meeting.decide_candidate(cid, True, group.id, rnd.id, at)
                action_id = uow.meeting.actions_for_round(rnd.id)[0].id
            assert uow.rounds.set_phase(rnd.id, Phase.PLANNED, Phase.PUBLISHED, at)
        uow.commit()
    return action_id


Figures = tuple[float, float, float]
NUMBER = r"−?-?\d+[,.]\d"


def number(text: str) -> float:
    return float(text.replace(",", ".").replace("−", "-"))


def signed(arrow: str, value: str) -> float:
    """ "↓ −0,1" as -0.1, checking that the arrow points the way of the sign."""
    v = number(value.lstrip("+"))
    assert arrow == ("↑" if v > 0 else "↓" if v < 0 else "→"), (arrow, value)
    return v


def from_sentence(text: str) -> Figures:
    """The figures of "nivå före 0,5, efter 0,4 (↓ −0,1)" in a chat message or a document's text."""
    m = re.search(rf"före ({NUMBER}), efter ({NUMBER}) \(([↑↓→]) \+?({NUMBER})\)", " ".join(text.split()))
    assert m, text
    return number(m[1]), number(m[2]), signed(m[3], m[4])


def table_rows(html: str) -> list[list[str]]:
    """The text of each table row's cells in an HTML page."""
    return [
        [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)
    ]


def pdf_words(path: str | Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def test_one_action_has_the_same_before_after_and_change_in_every_output(bot: Bot, tmp_path: Path) -> None:
    action_id = seed_history(bot.app)
    group = bot.app.config.groups[0]
    seen: dict[str, Figures] = {}

    # the chat: the report and the coordinator's picture, as the messages say them
    (report,) = [o for o in bot.cmd("sara", "report 2026-W47") if o.kind == "report_document"]
    seen["chat report"] = from_sentence(report.text)
    seen["chat picture"] = from_sentence(" ".join(o.text for o in bot.cmd("sara", "picture 2026-W47")))

    # the weekly report: the PDF the chat attached (its follow-up table) and the HTML document
    pdf = pdf_words(report.attachments[0].path)
    row = re.search(rf"{TITLE} – Trygghetsvärdar 2026-W43 ({NUMBER}) ({NUMBER}) ([↑↓→]) \+?({NUMBER})", pdf)
    assert row, pdf
    seen["weekly report PDF"] = (number(row[1]), number(row[2]), signed(row[3], row[4]))
    with bot.app.services.unit() as uow:
        rnd = uow.rounds.get_round(group.id, WEEKS[-1])
        assert rnd is not None
        html = weekly_report(bot.app.services.env, uow, group, rnd, "en", "html", tmp_path / "r.html")
    seen["weekly report HTML"] = from_sentence(
        html.read_text("utf-8").replace("before", "före").replace("after", "efter")
    )

    # the yearly follow-up: the sentence of the action and its row in the effect table, in the PDF and the HTML
    (followup,) = bot.cmd("sara", "followup 2026")
    text = pdf_words(followup.attachments[0].path)
    line = re.search(rf"Nivå före ({NUMBER}), efter ({NUMBER}): oförändrad\.", text)
    table = re.search(rf"{action_id} {TITLE} ({NUMBER}) ({NUMBER}) ([↑↓→]) \+?({NUMBER}) oförändrad", text)
    assert line and table, text
    assert (number(line[1]), number(line[2])) == (number(table[1]), number(table[2]))
    seen["follow-up PDF"] = (number(table[1]), number(table[2]), signed(table[3], table[4]))
    (followup_html,) = bot.cmd("sara", "uppföljning 2026 html")
    page = Path(followup_html.attachments[0].path).read_text("utf-8")
    (cells,) = [r for r in table_rows(page) if r[:2] == [str(action_id), TITLE] and r[-1] == "oförändrad"]
    arrow, _, change = cells[4].partition(" ")
    seen["follow-up HTML"] = (number(cells[2]), number(cells[3]), signed(arrow, change.lstrip("+")))

    # the export: the workbook the chat uploaded, and the CSV file, read back as numbers
    (workbook,) = bot.cmd("sara", "export 2026-W40 2026-W47 xlsx actions")
    assert workbook.text.startswith("Export 2026-W40–2026-W47: 0 svar, 0 celler (område × faktor × vecka), 1 åtgärd.")
    sheet = list(load_workbook(workbook.attachments[0].path)["Åtgärder"].iter_rows(values_only=True))
    record = dict(zip(sheet[0], sheet[1], strict=True))
    assert record["id"] == action_id
    figures = (record["nivå_före"], record["nivå_efter"], record["förändring"])
    assert all(isinstance(v, float) for v in figures), figures  # numbers, not text
    seen["export XLSX"] = (float(figures[0]), float(figures[1]), float(figures[2]))
    (comma,) = bot.cmd("sara", "export 2026-W40 2026-W47 csv actions")
    (row_csv,) = csv.DictReader(io.StringIO(Path(comma.attachments[0].path).read_text("utf-8-sig")))
    seen["export CSV"] = (number(row_csv["nivå_före"]), number(row_csv["nivå_efter"]), number(row_csv["förändring"]))

    assert followup.text == "Uppföljning 2026: 1 beslutad åtgärd, 8 veckor med rapporter."
    assert len(seen) == 8
    for where, got in seen.items():
        assert got == pytest.approx((BEFORE, AFTER, CHANGE)), where
        # the change agrees with the figures beside it
        level_before, level_after, level_change = got
        assert level_change == pytest.approx(level_after - level_before), where


# --------------------------------------------------------------------------- the definition and the rounding


def test_the_definition_counts_the_four_weeks_around_the_decision_and_waits_for_two_after() -> None:
    levels = {RoundKey(2026, w): v for w, v in {39: 3.0, 40: 1.0, 41: None, 42: 0.0, 43: 0.5, 44: 0.25}.items()}
    early = level_change(levels.get, DECIDED, RoundKey(2026, 44))
    assert (early.before, early.after, early.after_weeks, early.verdict) == (0.5, None, 1, "unknown")
    # W39 is not one of the four weeks up to W43; W41 had no reports and is left out: (1 + 0 + 0.5) / 3
    levels[RoundKey(2026, 45)] = 0.0
    later = level_change(levels.get, DECIDED, RoundKey(2026, 47))
    assert (later.before, later.after, later.change, later.verdict) == (0.5, 0.1, -0.4, "lower")
    # weeks after the one the output is for are not counted, even when there are figures for them
    levels[RoundKey(2026, 46)] = 3.0
    assert level_change(levels.get, DECIDED, RoundKey(2026, 45)).after == 0.1


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_printed_change_is_the_difference_of_the_printed_levels(lang: str) -> None:
    grid = [n / 24 for n in range(0, 73)] + [n / 9 for n in range(0, 28)]
    for now in grid:
        for before in grid:
            shown = format_delta(shown_change(now, before), lang)
            arrow, _, value = shown.partition(" ")
            difference = number(format_number(now, lang)) - number(format_number(before, lang))
            assert signed(arrow, value.lstrip("+")) == pytest.approx(difference), (now, before, shown)
    assert format_delta(shown_change(0.44, 0.45), "sv") == "↓ −0,1"  # 0,4 against 0,5, never "→ 0,0"
    assert shown_level(0.125) == 0.1 and shown_level(0.25) == 0.3 and shown_level(None) is None


def test_a_picture_says_when_it_is_too_early_for_the_level_after(bot: Bot) -> None:
    seed_history(bot.app)
    one_week = " ".join(" ".join(o.text for o in bot.cmd("sara", "picture 2026-W44")).split())
    assert (
        f"{TITLE} (Centrum): Trygghetsvärdar, beslutad vecka 43: nivå före 0,5, efter: för tidigt att säga" in one_week
    )
    assert not re.search(r"för tidigt att säga \(", one_week)  # no change beside a level that is not there yet
    two_weeks = " ".join(o.text for o in bot.cmd("sara", "picture 2026-W45"))
    assert from_sentence(two_weeks) == (0.5, 0.5, 0.0)  # W44 and W45: (12 + 10) / 48 = 0.458, "→ 0,0"


# --------------------------------------------------------------------------- counts and sentences


@pytest.mark.parametrize(
    ("lang", "labels"),
    [
        ("sv", ("Celler där någon svarat 3", "Celler över förväntad nivå", "Platser nämnda av flera rapportörer")),
        (
            "en",
            ("Cells where someone answered 3", "Cells above their expected level", "Places named by several reporters"),
        ),
    ],
)
def test_the_summary_counts_name_what_they_count(lang: str, labels: tuple[str, str, str]) -> None:
    from bot.domain.picture import build_picture
    from bot.reports.render import render_report_markdown
    from bot.reports.view import PictureView
    from tests.support.picture_data import DECISIONS, make_input

    pic = PictureView(build_picture(make_input()), lang)
    line = next(x for x in render_report_markdown(pic, DECISIONS).splitlines() if labels[0] in x)
    counts = {k.strip(" -"): int(v) for k, v in re.findall(r"([^:·]+): (\d+)", line)}
    answered_3, above, several = (counts[label] for label in labels)
    # three cells had an answer of 3, and none of them is red in the overview (a cell is coloured by its mean)
    assert answered_3 == sum(c.max == 3 for c in pic.cells.values()) == 3
    assert not any(c.colour == "red" for c in pic.cells.values()) and "Röd" not in line and "Red" not in line
    assert above == sum(s.kind == "rising" for s in pic.standouts) == 2
    assert several == sum(s.kind == "hotspot" for s in pic.standouts) == 1


def _effect(n: int, status: str, before: float | None, after: float | None) -> ActionEffect:
    action = Action(
        n, DECIDED, "centrum", "Centrum", None, (), f"Åtgärd {n}", "presence", "police", "weekend", 1, status
    )
    return ActionEffect(action, [], [], None, LevelChange(before, after, 0 if after is None else 4), [])


FOLLOW_UPS = {
    0: [],
    1: [_effect(1, "done", 1.5, 0.5)],
    3: [_effect(1, "done", 1.5, 0.5), _effect(2, "planned", 2.0, 1.0), _effect(3, "ongoing", 1.0, None)],
}
SENTENCES = {
    ("sv", 0): ("Inga beslutade åtgärder under året.", "Inga åtgärder att följa upp."),
    ("sv", 1): ("1 beslutad åtgärd: 1 genomförd.", "Nivån efter åtgärden: lägre efter 1 åtgärd."),
    ("sv", 3): (
        "3 beslutade åtgärder: 1 genomförd, 1 pågår och 1 planerad.",
        "Nivån efter åtgärderna: lägre efter 2 åtgärder och för tidigt att säga för 1 åtgärd.",
    ),
    ("en", 0): ("No actions were decided this year.", "No actions to follow up."),
    ("en", 1): ("1 decided action: 1 done.", "The level after the action: lower after 1 action."),
    ("en", 3): (
        "3 decided actions: 1 done, 1 ongoing and 1 planned.",
        "The level after the actions: lower after 2 actions and too early to say for 1 action.",
    ),
}


@pytest.mark.parametrize(("lang", "count"), sorted(SENTENCES))
def test_the_follow_up_reads_right_for_no_one_and_many_actions(lang: str, count: int) -> None:
    from bot.domain.factors import DEFAULT_FACTORS
    from bot.domain.stats import Series, WeekStat
    from bot.reports.documents import followup_view
    from bot.reports.followup import FollowUp

    weeks = [WeekStat(RoundKey(2026, 10), "published", 3, 1)]
    f = FollowUp("Tryggare Trelleborg", 2026, weeks, [], FOLLOW_UPS[count], Series([], [], list(DEFAULT_FACTORS)))
    view = followup_view(f, lang)
    actions, effect = SENTENCES[(lang, count)]
    assert view["overview"][1] == actions and view["effect_summary"] == effect
    assert (
        view["overview"][0]
        == {
            "sv": "1 vecka med rapporter, 1 inskickad rapport, i snitt 33 % svarsfrekvens.",
            "en": "1 week with reports, 1 report submitted, 33% response rate on average.",
        }[lang]
    )
