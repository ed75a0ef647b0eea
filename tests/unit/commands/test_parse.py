"""The command parser on its own: words (Swedish and English) to a typed command, or to a ParseError with the
answer the bot gives; no database, no clock, nothing sent."""

from __future__ import annotations

from datetime import date

import pytest

from bot.commands.actions import ActionList, ActionsCommand, ActionStatus, Observe, Priority
from bot.commands.parse import parse, split_head
from bot.commands.people import (
    AreaAdd,
    AreaCommand,
    AreaList,
    Help,
    Invite,
    Language,
    Pause,
    PauseOther,
    ReporterAdd,
    ReporterCommand,
    ReporterList,
    ReporterRemove,
    ReportMe,
    Start,
)
from bot.commands.privacy import Forget, MyData
from bot.commands.reports import Export, Followup, FollowupBadYear, FollowupCommand, Stats
from bot.commands.review import PlaceReview, ReviewCommand, ReviewEdit, ReviewInvalid, ReviewList, ReviewNote
from bot.commands.types import Command, ParseError
from bot.commands.week import Draft, Finalize, Picture, Publish, ReportBare, Status, WeeklyReport
from bot.conversation.messages import Inbound
from bot.domain.cycle import RoundKey
from bot.domain.statistics import Month


def words(line: str, mentions: tuple[tuple[str, str], ...] = ()) -> Command | ParseError:
    command, *args = line.split()
    return parse(Inbound("console", "anna", "command", command=command, args=tuple(args), mentions=mentions))


W12 = RoundKey(2026, 12)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("help", Help()),
        ("hjälp", Help()),
        ("/Hjalp", Help()),
        ("rapport", ReportMe()),
        ("report", ReportBare()),
        ("veckorapport", WeeklyReport()),
        ("weeklyreport", WeeklyReport()),
        ("report 2026-W12", WeeklyReport(W12)),
        ("start abc123", Start()),
        ("språk en", Language("en")),
        ("lang svenska", Language("sv")),
        ("status whatever", Status()),
        ("lägesbild 2026-W12", Picture(W12)),
        ("picture", Picture()),
        ("utkast", Draft()),
        ("fastställ 2026-12", Finalize(W12)),
        ("finalise", Finalize()),
        ("publicera 2026w12", Publish(W12)),
        ("ledig 2026-05-01", Pause(date(2026, 5, 1), "2026-05-01")),
        ("pause off", Pause(None, "off")),
        ("ledig av", Pause(None, "av")),
        ("ledig Anna Berg 2026-05-01", PauseOther("Anna Berg", "2026-05-01", date(2026, 5, 1))),
        ("minadata", MyData()),
        ("observera NV: Glass vid torget", Observe("nv", None, "Glass vid torget")),
        ("observe nv trygghet: dark at night", Observe("nv", "trygghet", "dark at night")),
        ("prioritet ny NV | Torget: Mer ljus", Priority("nv", "Mer ljus", "Torget")),
        ("priority add nv: More light", Priority("nv", "More light", None)),
        ("åtgärder", ActionList()),
        ("actions klar #12", ActionStatus(12, "done", "#12")),
        ("actions ongoing 3", ActionStatus(3, "ongoing", "3")),
        ("granska", ReviewList()),
        ("review godkänn #7", ReviewNote("7", "approved")),
        ("review hide 7", ReviewNote("7", "hidden")),
        ("review redigera 7: Ny text", ReviewEdit("7", "Ny text")),
        ("review approve P3 Kiosken vid torget", PlaceReview(3, True, "Kiosken vid torget")),
        ("granska avvisa p4", PlaceReview(4, False, "")),
        ("rapportör lista", ReporterList()),
        ("reporter remove Anna Berg", ReporterRemove("Anna Berg")),
        ("rapportör ta bort Anna", ReporterRemove("Anna")),
        ("bjud Anna Berg", Invite("Anna Berg")),
        ("område lista", AreaList()),
        ("area add nv Norra Västra", AreaAdd("nv", "Norra Västra")),
        ("glöm Anna", Forget("Anna")),
        ("statistik", Stats()),
        ("stats 2026-03", Stats(Month(2026, 3))),
        ("exportera", Export()),
        ("export 2026-W10 2026-W12 csv svar", Export((RoundKey(2026, 10), W12), "csv", "answers")),
        ("uppföljning 2025 html", Followup(2025, "html")),
        ("followup", Followup()),
        ("followup 12", FollowupBadYear("12")),
    ],
)
def test_words_make_a_typed_command(line: str, expected: Command) -> None:
    assert words(line) == expected


def test_reporter_add_in_both_languages_with_a_role_word_and_a_chat_account() -> None:
    assert words("rapportör ny Anna Berg | Fritids | NV, c , nv | samordnare") == ReporterAdd(
        "Anna Berg", "Fritids", ("nv", "c"), "coordinator"
    )
    assert words("reporter add Bo | Police | nv") == ReporterAdd("Bo", "Police", ("nv",), "reporter")
    added = words("reporter add @bo | Police | nv", mentions=(("U1", "bo"),))
    assert added == ReporterAdd("bo", "Police", ("nv",), "reporter", ("U1", "bo"))


def usage(key: str, command: type[Command]) -> ParseError:
    return ParseError("cmd.usage", texts={"usage": key}, command=command)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("nosuch 1 2", ParseError("cmd.unknown", {"cmd": "nosuch"})),
        ("språk de", usage("cmd.language.usage", Language)),
        ("ledig", usage("cmd.pause.usage", Pause)),
        ("ledig imorgon", ParseError("cmd.bad_date", {"value": "imorgon"}, command=Pause)),
        ("lägesbild v12", ParseError("cmd.bad_week", {"value": "v12"}, command=Picture)),
        ("observera nv", usage("cmd.observe.usage", Observe)),
        ("observe nv:", ParseError("cmd.empty_text", command=Observe)),
        ("prioritet nv: x", usage("cmd.priority.usage", Priority)),
        ("actions done x", ParseError("cmd.actions.unknown", {"id": "x"}, command=ActionsCommand)),
        ("actions all", usage("cmd.actions.usage", ActionsCommand)),
        ("review reject P3 New name", usage("place.review.usage", ReviewCommand)),
        ("rapportör ny Anna | Fritids", usage("cmd.reporter.usage", ReporterCommand)),
        ("reporter remove", ParseError("cmd.reporter.unknown", {"name": "–"}, command=ReporterCommand)),
        ("reporter", usage("cmd.reporter.usage", ReporterCommand)),
        ("område ny nv", usage("cmd.area.usage", AreaCommand)),
        ("area add n/v North", ParseError("cmd.area.bad_code", {"code": "n/v"}, command=AreaCommand)),
        ("glöm", usage("forget.usage", Forget)),
        ("stats 2026-03 x", usage("stats.usage", Stats)),
        ("stats mars", ParseError("stats.bad_month", {"value": "mars"}, command=Stats)),
        ("export 2026-W1 2026-W2 2026-W3", usage("cmd.export.usage", Export)),
        ("export 2026-W99", ParseError("cmd.bad_week", {"value": "2026-W99"}, command=Export)),
        ("export pdf", usage("cmd.export.usage", Export)),
        ("followup word", usage("cmd.followup.usage", FollowupCommand)),
    ],
)
def test_words_that_make_no_command_carry_the_answer(line: str, expected: ParseError) -> None:
    assert words(line) == expected


def test_a_pause_for_someone_else_keeps_an_unreadable_date_for_after_the_name() -> None:
    assert words("ledig Anna imorgon") == PauseOther(
        "Anna", "imorgon", ParseError("cmd.bad_date", {"value": "imorgon"}, command=PauseOther)
    )


def test_a_name_with_personal_data_is_refused_with_what_it_names() -> None:
    refused = words("område ny nv Ring 070-123 45 67")
    assert refused == ParseError("cmd.name_personal_data", texts={"what": "cmd.what.area_name"}, command=AreaCommand)
    added = words("reporter add Anna 19800101-1234 | Fritids | nv")
    assert isinstance(added, ReporterAdd)
    assert added.refused == ParseError(
        "cmd.name_personal_data", texts={"what": "cmd.what.person_name"}, command=ReporterCommand
    )


def test_review_words_that_make_no_note_decision_wait_for_the_round() -> None:
    assert words("review edit x") == ReviewInvalid(usage("review.edit_usage", ReviewCommand))
    assert words("review hide #x") == ReviewInvalid(
        ParseError("cmd.review.unknown", {"id": "x"}, command=ReviewCommand)
    )
    assert words("review something") == ReviewInvalid(usage("cmd.review.usage", ReviewCommand))


def test_roles_are_declared_per_command_type() -> None:
    assert Help.role is None and ReportBare.role is None and Pause.role is None
    assert PauseOther.role == "coordinator" and PauseOther.denied_word == "cmd.pause.other"
    assert Picture.role == "participant" and Observe.role == "participant" and ActionStatus.role == "participant"
    assert ReporterAdd.role == ReporterList.role == "coordinator"  # shared by the word `reporter`
    assert WeeklyReport.name == "report" and PlaceReview.name == "review"


@pytest.mark.parametrize(
    ("raw", "head", "text"),
    [
        ("nv: text: more", "nv", " text: more"),
        ("nv | https://x.se/a: text", "nv | https://x.se/a", " text"),
        ("nv | 12:30 kiosk:text", "nv | 12:30 kiosk", "text"),
        ("nothing here", "nothing here", ""),
    ],
)
def test_split_head(raw: str, head: str, text: str) -> None:
    found_head, _, found_text = split_head(raw)
    assert (found_head, found_text) == (head, text)
