"""The handler table: each command type and the use case that carries it out, and `dispatch`, which parses the
words, checks the role the command declares, looks the handler up and calls it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.commands import cycle, meeting, review
from bot.commands.parse import parse
from bot.commands.reply import tell
from bot.commands.roles import permitted
from bot.domain.commands import (
    ActionList,
    ActionsCommand,
    ActionStatus,
    AreaAdd,
    AreaCommand,
    AreaList,
    Close,
    Command,
    Draft,
    Edit,
    Export,
    Finalize,
    Followup,
    FollowupBadYear,
    FollowupCommand,
    Forget,
    Help,
    Invite,
    Language,
    MyData,
    Observe,
    Open,
    ParseError,
    Pause,
    PauseOther,
    Picture,
    PlaceReview,
    Priority,
    Publish,
    Remind,
    ReportBare,
    ReporterAdd,
    ReporterCommand,
    ReporterList,
    ReporterRemove,
    ReportMe,
    ReviewCommand,
    ReviewEdit,
    ReviewInvalid,
    ReviewList,
    ReviewNote,
    Start,
    Stats,
    Status,
    WeeklyReport,
)
from bot.usecases.context import Ctx

if TYPE_CHECKING:
    from bot.services import Services
from bot.usecases import people, places, privacy, reports, statistics

#: A use case of one command type: (svc, ctx, the command). The table's keys and the handlers' annotations are
#: held to each other by tests/commands/test_table.py.
Handler = Callable[..., None]

HANDLERS: dict[type[Command], Handler] = {
    Help: people.show_help,
    ReportMe: people.report_me,
    ReportBare: cycle.report_or_questionnaire,
    Start: people.start,
    Edit: people.edit,
    Language: people.set_language,
    Pause: people.pause,
    PauseOther: people.pause_other,
    MyData: privacy.mydata,
    Status: cycle.status,
    Remind: cycle.remind,
    Open: cycle.open_round,
    Close: cycle.close_round,
    Picture: cycle.picture,
    Draft: cycle.draft,
    Finalize: cycle.finalize_command,
    Publish: cycle.publish,
    WeeklyReport: cycle.report_command,
    Observe: meeting.observe,
    Priority: meeting.add_priority,
    ActionList: meeting.list_actions,
    ActionStatus: meeting.set_action_status,
    ReviewList: review.list_notes,
    ReviewNote: review.review_note,
    ReviewEdit: review.edit_note,
    ReviewInvalid: review.review_invalid,
    PlaceReview: places.decide,
    ReporterList: people.list_reporters,
    ReporterAdd: people.add_reporter,
    ReporterRemove: people.remove_reporter,
    Invite: people.invite,
    AreaList: people.list_areas,
    AreaAdd: people.add_area,
    Forget: privacy.forget,
    Stats: statistics.stats_command,
    Export: reports.export_command,
    Followup: reports.followup_command,
    FollowupBadYear: reports.followup_bad_year,
}

#: Every command word (the English name) and the command type that declares its role: what `help`, the
#: platforms' command menus and the console's word list are checked against.
COMMANDS: dict[str, type[Command]] = {
    "help": Help,
    "report_me": ReportMe,
    "start": Start,
    "edit": Edit,
    "language": Language,
    "pause": Pause,
    "status": Status,
    "remind": Remind,
    "open": Open,
    "close": Close,
    "picture": Picture,
    "draft": Draft,
    "finalize": Finalize,
    "publish": Publish,
    "report": WeeklyReport,
    "reporter": ReporterCommand,
    "area": AreaCommand,
    "observe": Observe,
    "priority": Priority,
    "actions": ActionsCommand,
    "review": ReviewCommand,
    "invite": Invite,
    "stats": Stats,
    "export": Export,
    "followup": FollowupCommand,
    "forget": Forget,
    "mydata": MyData,
}


def dispatch(svc: Services, ctx: Ctx) -> None:
    """Carry out the command of `ctx.inbound` for `ctx.person`: parse, check the role, look up, call."""
    assert ctx.person is not None
    command = parse(ctx.inbound)
    kind = command.command if isinstance(command, ParseError) else type(command)
    if kind is not None and not permitted(svc, ctx, kind):
        return
    if isinstance(command, ParseError):
        tell(svc, ctx, command)
        return
    HANDLERS[type(command)](svc, ctx, command)
