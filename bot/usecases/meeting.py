"""The meeting: the situation picture of a week, the draft posted with its candidate priorities, the votes and
settings chosen on them, the decisions when the picture is finalised, and the charts that go with it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from bot.config import GroupConfig
from bot.conversation.choices import CandidateField, CandidateFieldChoice, FinaliseChoice, VoteChoice, encode
from bot.conversation.messages import Attachment, Choice, Outbound
from bot.domain.cycle import Phase, phase_index
from bot.domain.model import ACTION_TYPES, RESPONSIBLES, TIMEFRAMES, Candidate, Person, Round
from bot.domain.picture import PictureInput, build_picture
from bot.domain.rising import judged_cells
from bot.ports import UnitOfWork
from bot.reports.chart_pool import PictureCharts, TrendJob
from bot.reports.grid import picture_grid
from bot.reports.render import Decision, picture_summary_text
from bot.reports.view import PictureView
from bot.text import label, t
from bot.text.reasons import candidate_reasons
from bot.usecases import draft_charts
from bot.usecases.context import Ctx, Env, channel_addresses, local_text, notice, send_to_channel
from bot.usecases.files import attachment, trend_attachment, trend_job
from bot.usecases.statistics import week_events

log = logging.getLogger(__name__)


def picture_input(env: Env, uow: UnitOfWork, group: GroupConfig, rnd: Round) -> PictureInput:
    inp = uow.rounds.picture_input(group.id, group.name, rnd, group.factor_list(), group.threshold, env.clock.now())
    params = group.detection.params()
    inp = replace(
        inp,
        police_events=week_events(uow, group, rnd.key),
        detection=params,
        attention=group.detection.attention(),
    )
    judged = judged_cells(inp.reports, params.min_level) if params.reporter_min else set()
    if not judged:
        return inp  # the second signal is off, or no cell is high enough for the rule to judge
    answers = uow.rounds.reporter_answers(group.id, rnd.key, params.history_weeks, judged)
    return replace(inp, reporter_history=answers)


def picture(env: Env, uow: UnitOfWork, group: GroupConfig, rnd: Round, lang: str | None = None) -> PictureView:
    return PictureView(build_picture(picture_input(env, uow, group, rnd)), lang or group.language)


def decisions(uow: UnitOfWork, rnd: Round, lang: str) -> list[Decision]:
    return [
        Decision(
            a.title,
            a.area_name,
            a.place,
            label(lang, "atype", a.action_type),
            label(lang, "resp", a.responsible),
            label(lang, "time", a.timeframe),
            a.votes,
        )
        for a in uow.meeting.actions_for_round(rnd.id)
    ]


def heatmap_path(env: Env, group: GroupConfig, rnd: Round, lang: str) -> Path:
    return Path(env.config.reports_dir) / group.id / f"lagesbild-{rnd.key}-{lang}.png"


def heatmap(env: Env, group: GroupConfig, rnd: Round, pic: PictureView) -> tuple[Attachment, ...]:
    """The week's heatmap as an attachment; a chart that cannot be drawn costs the image, not the message."""
    from bot.reports.charts import heatmap_png  # matplotlib is loaded only when a chart is drawn

    path = heatmap_path(env, group, rnd, pic.lang)
    try:
        heatmap_png(pic, path)
    except Exception:
        log.exception("heatmap for %s %s failed; sending text only", group.id, rnd.key)
        return ()
    return (Attachment(path.name, "image/png", str(path.resolve())),)


def charts(env: Env, group: GroupConfig, rnd: Round, pic: PictureView) -> tuple[Attachment, ...]:
    """The week's heatmap and the trend of the last 12 weeks, drawn by a chart worker if there are any; a chart
    that fails costs that image only."""
    if env.chart_pool is None:
        return heatmap(env, group, rnd, pic) + trend_attachment(env, group, rnd, pic)
    try:
        return tuple(attachment(p) for p in env.chart_pool.run(chart_job(env, group, rnd, pic)))
    except Exception:
        log.exception("charts for %s %s failed; sending text only", group.id, rnd.key)
        return ()


# --------------------------------------------------------------------------- the draft


def post_draft(
    env: Env, uow: UnitOfWork, group: GroupConfig, rnd: Round, later: list[Callable[[], None]] | None = None
) -> None:
    """The picture's candidate priorities stored, and the draft with them posted to the meeting's channel.

    With a chart pool (env.chart_pool) and `later` to run once the caller has committed, the draft goes as text
    at once and its charts follow in a message of their own when a worker has drawn them, so that no group's
    draft waits for charts (unless `env.draft_charts_follow` is off); otherwise the charts (drawn here, or by a
    worker while this waits) go with the draft."""
    pic = picture(env, uow, group, rnd)
    for pos, c in enumerate(pic.candidates):
        reasons = pic.candidate_reasons(c)
        uow.meeting.add_candidate(rnd.id, c.key, c.area, c.place, c.factors, c.title, reasons, "auto", pos)
    lang = group.language
    head = t(lang, "meet.draft_header", week=str(rnd.key), group=group.name)
    meeting_channel = bool(channel_addresses(env, group, "meeting"))
    pool = env.chart_pool if later is not None and env.draft_charts_follow else None
    out = Outbound(
        head + "\n\n" + picture_summary_text(pic),
        ref=f"pic:{rnd.id}",
        kind="picture",
        choices=((Choice(encode(FinaliseChoice(rnd.id)), t(lang, "meet.btn.finalize"), "danger"),),),
        data={"round_id": rnd.id, "week": str(rnd.key), "group": group.id, "grid": picture_grid(pic)},
        attachments=charts(env, group, rnd, pic) if meeting_channel and pool is None else (),
    )
    send_to_channel(env, uow, group, "meeting", out, f"draft:{rnd.id}")
    for n, cand in enumerate(uow.meeting.candidates(rnd.id), start=1):
        msg = candidate_message(cand, n, lang, False)
        send_to_channel(env, uow, group, "meeting", msg, f"draft:{rnd.id}:cand:{cand.id}")
    if meeting_channel and pool is not None and later is not None:  # owed in this transaction (draft_charts)
        draft_charts.owe(env, uow, group, rnd, chart_job(env, group, rnd, pic), later)


def chart_job(env: Env, group: GroupConfig, rnd: Round, pic: PictureView) -> PictureCharts:
    """The week's heatmap and trend chart as a job for a chart worker (the files `charts` would write)."""
    try:
        trend: TrendJob | None = trend_job(env, group, rnd, pic)
    except Exception:
        log.exception("trend chart for %s %s failed; sending without it", group.id, rnd.key)
        trend = None
    return PictureCharts(pic, heatmap_path(env, group, rnd, pic.lang), trend)


def candidate_message(c: Candidate, n: int, lang: str, locked: bool) -> Outbound:
    lines = [t(lang, "meet.candidate", n=n, title=c.title)]
    lines += [f"• {r}" for r in candidate_reasons(c, lang)]
    lines.append(t(lang, "meet.votes", n=c.votes))
    lines.append(
        t(
            lang,
            "meet.choice",
            type=label(lang, "atype", c.action_type),
            resp=label(lang, "resp", c.responsible),
            time=label(lang, "time", c.timeframe),
        )
    )
    rows: tuple[tuple[Choice, ...], ...] = ()
    if locked:
        lines.append(t(lang, "meet.decided") if c.status == "decided" else t(lang, "meet.dropped"))
    else:

        def setting(field: CandidateField, value: str, chosen: str | None, text: str) -> Choice:
            return Choice(
                encode(CandidateFieldChoice(c.id, field, value)), text, "primary" if value == chosen else None
            )

        rows = (
            (
                Choice(encode(VoteChoice(c.id, True)), t(lang, "meet.btn.vote"), "primary"),
                Choice(encode(VoteChoice(c.id, False)), t(lang, "meet.btn.unvote")),
            ),
            tuple(setting("action_type", a, c.action_type, t(lang, f"atype.{a}")) for a in ACTION_TYPES),
            tuple(setting("responsible", r, c.responsible, t(lang, f"resp.{r}")) for r in RESPONSIBLES),
            tuple(setting("timeframe", x, c.timeframe, t(lang, f"time.{x}")) for x in TIMEFRAMES),
        )
    return Outbound(
        "\n".join(lines),
        rows,
        ref=f"cand:{c.id}",
        kind="candidate",
        data={
            "candidate_id": c.id,
            "round_id": c.round_id,
            "votes": c.votes,
            "action_type": c.action_type,
            "responsible": c.responsible,
            "timeframe": c.timeframe,
            "status": c.status,
            "locked": locked,
        },
    )


# --------------------------------------------------------------------------- presses in the meeting


def vote_pressed(env: Env, ctx: Ctx, choice: VoteChoice) -> None:
    """A vote for a candidate priority, or taking it back."""
    assert ctx.person is not None
    cid, person_id = choice.candidate_id, ctx.person.id
    _change_candidate(env, ctx, cid, lambda uow: uow.meeting.vote(cid, person_id, choice.vote))


def setting_pressed(env: Env, ctx: Ctx, choice: CandidateFieldChoice) -> None:
    """A candidate's action type, responsible or time frame chosen."""
    cid = choice.candidate_id
    _change_candidate(env, ctx, cid, lambda uow: uow.meeting.set_candidate_field(cid, choice.field, choice.value))


def _change_candidate(env: Env, ctx: Ctx, candidate_id: int, change: Callable[[UnitOfWork], bool]) -> None:
    """Make `change` to a candidate of an open round of the person's group, by a meeting participant, and show
    the candidate as it now is."""
    assert ctx.person is not None and ctx.group is not None
    uow, person, group = ctx.uow, ctx.person, ctx.group
    cand = uow.meeting.get_candidate(candidate_id)
    rnd = uow.rounds.get_round_by_id(cand.round_id) if cand else None
    if cand is None or rnd is None or rnd.group_id != group.id:
        notice(env, ctx, "meet.stale")
        return
    if not person.has_role("participant"):
        notice(env, ctx, "meet.only_participants")
        return
    if phase_index(rnd.phase) >= phase_index(Phase.FINALISED):
        notice(env, ctx, "meet.locked")
        return
    if not change(uow):
        return
    cand = uow.meeting.get_candidate(cand.id)
    assert cand is not None
    n = uow.meeting.candidate_ids(rnd.id).index(cand.id) + 1
    msg = candidate_message(cand, n, group.language, False)
    send_to_channel(env, uow, group, "meeting", msg, f"{ctx.key_base}:cand:{cand.id}")


# --------------------------------------------------------------------------- finalised


def finalise(env: Env, uow: UnitOfWork, group: GroupConfig, rnd: Round, now: datetime, actor: Person | None) -> None:
    """The chosen candidates become the week's decisions; the meeting sees them locked and the final picture."""
    decided = []
    for c in uow.meeting.candidates(rnd.id):
        uow.meeting.decide_candidate(c.id, c.chosen, group.id, rnd.id, now)
        decided.append(replace(c, status="decided" if c.chosen else "dropped"))  # as deciding it left it
    lang = group.language
    for n, c in enumerate(decided, start=1):
        msg = candidate_message(c, n, lang, True)
        send_to_channel(env, uow, group, "meeting", msg, f"final:{rnd.id}:cand:{c.id}")
    note = (
        t(lang, "meet.finalised_note", at=local_text(now, group, lang), name=actor.name)
        if actor
        else t(lang, "meet.auto_finalised")
    )
    pic = picture(env, uow, group, rnd)
    head = t(lang, "meet.final_header", week=str(rnd.key), group=group.name)  # no longer a draft
    out = Outbound(
        head + "\n\n" + picture_summary_text(pic) + "\n\n" + note,
        ref=f"pic:{rnd.id}",
        kind="picture",
        data={"round_id": rnd.id, "week": str(rnd.key), "locked": True, "grid": picture_grid(pic)},
    )
    send_to_channel(env, uow, group, "meeting", out, f"final:{rnd.id}")
