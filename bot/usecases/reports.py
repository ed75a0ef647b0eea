"""Use cases for what people look at: trend charts, the weekly report as a document, exports and the yearly
follow-up of actions. They read through the `UnitOfWork` port only and write files under the configured
reports folder (or where the caller says); the CLI, the chat commands (`report`, `export`, `followup`, at the
end) and the demo call them. A chat export or follow-up is made at once and attached to the answer (the edge
uploads it: a document in Telegram, a path in the console).

A request that cannot be met raises `ReportError` with a text key, so that the CLI and the chat can each say
it in the asker's language.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bot.commands.reports import Export, Followup, FollowupBadYear
from bot.config import GroupConfig
from bot.conversation.messages import Attachment, Outbound
from bot.domain.cycle import Phase, RoundKey, local_round_key, phase_index
from bot.domain.model import Action, Round
from bot.domain.picture import AreaInfo
from bot.domain.stats import Series, series_from_stats, weeks_between
from bot.ports import UnitOfWork
from bot.reports.chart_pool import ChartPool, FollowupPdf, WeeklyPdf, Workbook
from bot.reports.exports import KINDS as KINDS  # what an export can hold, for the CLI and the demo
from bot.reports.exports import Table, actions_table, answers_table, pictures_table, write_csv, write_xlsx
from bot.reports.followup import SHOW_AFTER, SHOW_BEFORE, ActionEffect, FollowUp, action_effect
from bot.reports.render import Decision
from bot.reports.view import PictureView
from bot.text import plural, t
from bot.usecases import meeting
from bot.usecases.context import Ctx, Env, audit, reply, say
from bot.usecases.files import TREND_WEEKS, attachment, group_dir, report_filename, trend_chart, trend_job
from bot.usecases.registry import handles

log = logging.getLogger(__name__)

MAX_EXPORT_WEEKS = 260
REPORT_FORMATS = ("pdf", "html", "md")
FOLLOWUP_FORMATS = ("pdf", "html")


class ReportError(Exception):
    """A report that cannot be made, with a text key (and its arguments) to tell the person why."""

    def __init__(self, key: str, **kwargs: Any) -> None:
        super().__init__(key)
        self.key = key
        self.kwargs = kwargs

    def text(self, lang: str) -> str:
        return t(lang, self.key, **self.kwargs)


# --------------------------------------------------------------------------- weekly report document


def report_round(uow: UnitOfWork, group: GroupConfig, key: RoundKey) -> Round:
    """The round of `key` if its picture is finalised; otherwise a ReportError that says why."""
    rnd = uow.rounds.get_round(group.id, key)
    if rnd is None:
        raise ReportError("cmd.no_round_week", week=str(key))
    if phase_index(rnd.phase) < phase_index(Phase.FINALISED):
        raise ReportError("cmd.report.none", week=str(key))
    return rnd


def weekly_report(
    env: Env, uow: UnitOfWork, group: GroupConfig, rnd: Round, lang: str, fmt: str, out: Path | None = None
) -> Path:
    """Write the Friday report of `rnd` as PDF, HTML or Markdown; returns the file."""
    if fmt not in REPORT_FORMATS:
        raise ValueError(fmt)
    pic = meeting.picture(env, uow, group, rnd, lang)
    return write_weekly_report(env, group, rnd, pic, meeting.decisions(uow, rnd, lang), fmt, out)


def write_weekly_report(
    env: Env, group: GroupConfig, rnd: Round, pic: PictureView, decisions: list[Decision], fmt: str, out: Path | None
) -> Path:
    """The report's file from what was read (no storage: a caller may render it after its unit of work)."""
    from bot.reports.render import render_report_markdown

    if fmt not in REPORT_FORMATS:
        raise ValueError(fmt)
    folder = group_dir(env, group)
    path = out or folder / report_filename(rnd.key, pic.lang, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "md":
        path.write_text(render_report_markdown(pic, decisions), encoding="utf-8")
        return path
    trend_file = path.with_name(f"{path.stem}-trend.png")
    if fmt == "pdf" and env.chart_pool is not None:  # matplotlib and fpdf in a chart worker, not here
        heatmap_file = path.with_name(f"{path.stem}-heatmap.png")
        job = WeeklyPdf(pic, decisions, heatmap_file, trend_job(env, group, rnd, pic, trend_file), path)
        return env.chart_pool.run(job)[0]
    # matplotlib and the PDF renderer are loaded only when a document is made
    from bot.reports.charts import heatmap_png
    from bot.reports.documents import render_weekly_html, write_weekly_pdf

    trend = trend_chart(env, group, rnd, pic, trend_file)
    if fmt == "html":
        path.write_text(render_weekly_html(pic, decisions, trend), encoding="utf-8")
        return path
    heatmap = heatmap_png(pic, path.with_name(f"{path.stem}-heatmap.png"))
    return write_weekly_pdf(pic, decisions, heatmap, trend, path)


def report_pdf_attachment(
    env: Env,
    uow: UnitOfWork,
    group: GroupConfig,
    rnd: Round,
    lang: str,
    read: tuple[PictureView, list[Decision]] | None = None,
) -> tuple[Attachment, ...]:
    """The weekly report as a PDF attachment (of the picture and decisions in `lang` the caller `read` already,
    if it did); a document that cannot be made costs the file, not the answer."""
    try:
        if read is not None:
            return (attachment(write_weekly_report(env, group, rnd, read[0], read[1], "pdf", None)),)
        return (attachment(weekly_report(env, uow, group, rnd, lang, "pdf")),)
    except Exception:
        log.exception("weekly report PDF for %s %s failed; answering with the text only", group.id, rnd.key)
        return ()


# --------------------------------------------------------------------------- figures over weeks


def _areas(uow: UnitOfWork, group: GroupConfig) -> list[AreaInfo]:
    return [AreaInfo(a.code, a.name) for a in uow.groups.areas(group.id)]


def load_series(uow: UnitOfWork, group: GroupConfig, first: RoundKey, last: RoundKey) -> Series:
    stats = uow.history.cell_stats(group.id, first, last)
    return series_from_stats(stats, _areas(uow, group), group.factor_list(), first, last)


def last_finished_week(uow: UnitOfWork, group: GroupConfig, until: RoundKey) -> RoundKey | None:
    """The newest week up to `until` whose picture was finalised: weeks after it are not counted as "after"."""
    done = [
        w.week
        for w in uow.history.week_stats(group.id, RoundKey(max(1, until.year - 10), 1), until)
        if phase_index(Phase(w.phase)) >= phase_index(Phase.FINALISED)
    ]
    return done[-1] if done else None


def action_effects(
    uow: UnitOfWork, group: GroupConfig, first: RoundKey, last: RoundKey, now: RoundKey
) -> tuple[list[ActionEffect], Series]:
    """The actions decided from `first` to `last`, each with the levels around it (weeks up to `now` only)."""
    actions = [a for a in uow.meeting.actions(group.id) if first <= a.week <= last]
    return effects_of(uow, group, actions, first, last, now)


def effects_of(
    uow: UnitOfWork, group: GroupConfig, actions: Sequence[Action], first: RoundKey, last: RoundKey, now: RoundKey
) -> tuple[list[ActionEffect], Series]:
    """`actions` (decided from `first` to `last`), each with the levels around it (weeks up to `now` only)."""
    finished = last_finished_week(uow, group, now) or first.prev()
    span_first = first.minus(SHOW_BEFORE)
    span_last = max(span_first, min(last.minus(-SHOW_AFTER), finished))
    series = load_series(uow, group, span_first, span_last)
    mentions = uow.history.place_mentions(group.id, span_first, span_last) if any(a.place for a in actions) else []
    orgs = uow.history.action_organisations(group.id) if actions else {}
    effects = [action_effect(a, series, mentions, finished, orgs.get(a.id, ())) for a in actions]
    return effects, series


# --------------------------------------------------------------------------- exports


@dataclass(frozen=True)
class ExportResult:
    files: list[Path]
    answers: int
    cells: int
    actions: int


def export_stem(group: GroupConfig, first: RoundKey, last: RoundKey) -> str:
    return f"est-{group.id}-{first}--{last}"


def check_range(first: RoundKey, last: RoundKey) -> None:
    if last < first:
        raise ReportError("cmd.export.bad_range", first=str(first), last=str(last))
    count = len(weeks_between(first, last))
    if count > MAX_EXPORT_WEEKS:
        raise ReportError("cmd.export.too_long", weeks=MAX_EXPORT_WEEKS, first=str(first), last=str(last), count=count)


def export_tables(
    uow: UnitOfWork,
    group: GroupConfig,
    first: RoundKey,
    last: RoundKey,
    kinds: Sequence[str],
    lang: str,
    now: RoundKey,
) -> list[Table]:
    check_range(first, last)
    factors = group.factor_list()
    tables: list[Table] = []
    for kind in KINDS:
        if kind not in kinds:
            continue
        if kind == "answers":
            tables.append(answers_table(uow.history.answer_records(group.id, first, last), factors, lang))
        elif kind == "pictures":
            tables.append(pictures_table(load_series(uow, group, first, last), lang))
        else:
            effects, _ = action_effects(uow, group, first, last, now)
            tables.append(actions_table(effects, factors, lang))
    return tables


def export(
    uow: UnitOfWork,
    group: GroupConfig,
    first: RoundKey,
    last: RoundKey,
    fmt: str,
    kinds: Sequence[str],
    out_dir: Path,
    lang: str,
    now: RoundKey,
    pool: ChartPool | None = None,
) -> ExportResult:
    """Write the export: one CSV per kind, or one XLSX workbook with a sheet per kind (by a worker of `pool` when
    there is one: openpyxl and numpy stay out of this process)."""
    if fmt not in ("csv", "xlsx"):
        raise ValueError(fmt)
    tables = export_tables(uow, group, first, last, kinds, lang, now)
    stem = export_stem(group, first, last)
    if fmt == "csv":
        files = write_csv(tables, out_dir, stem)
    elif pool is not None:
        files = list(pool.run(Workbook(tables, out_dir / f"{stem}.xlsx")))
    else:
        files = [write_xlsx(tables, out_dir / f"{stem}.xlsx")]
    counts = {table.kind: len(table.rows) for table in tables}
    return ExportResult(files, counts.get("answers", 0), counts.get("pictures", 0), counts.get("actions", 0))


# --------------------------------------------------------------------------- yearly follow-up


def year_weeks(year: int) -> tuple[RoundKey, RoundKey]:
    return RoundKey(year, 1), RoundKey.of(date(year, 12, 28))  # 28 December is always in the year's last week


def load_followup(uow: UnitOfWork, group: GroupConfig, year: int, now: RoundKey) -> FollowUp:
    first, last = year_weeks(year)
    effects, _ = action_effects(uow, group, first, last, now)
    return FollowUp(
        group_name=group.name,
        year=year,
        weeks=uow.history.week_stats(group.id, first, last),
        participation=uow.history.participation(group.id, first, min(last, now)),
        effects=effects,
        series=load_series(uow, group, first, min(last, max(first, now))),
    )


def followup_document(
    env: Env,
    uow: UnitOfWork,
    group: GroupConfig,
    year: int,
    fmt: str,
    lang: str,
    now: RoundKey,
    out: Path | None = None,
) -> tuple[Path, FollowUp]:
    """Write the yearly follow-up for the steering group as PDF or HTML, with a chart per action. A PDF is made by
    a chart worker when there is a pool (`env.chart_pool`): matplotlib and fpdf stay out of this process."""
    if fmt not in FOLLOWUP_FORMATS:
        raise ValueError(fmt)
    if not 2000 <= year <= now.year + 1:
        raise ReportError("cmd.followup.bad_year", value=str(year), last=now.year + 1)
    f = load_followup(uow, group, year, now)
    stem = f"uppfoljning-{year}" if lang == "sv" else f"follow-up-{year}"
    path = out or group_dir(env, group) / f"{stem}.{lang}.{fmt}"
    title = None
    if f.series.has_data():
        weeks = f.series.trimmed().weeks
        title = t(lang, "trend.title", group=group.name, first=weeks[0].week, last=weeks[-1].week)
    job = FollowupPdf(f, lang, title, path.with_name(f"{path.stem}-charts"), path)
    if fmt == "pdf" and env.chart_pool is not None:
        return env.chart_pool.run(job)[0], f
    # matplotlib and the PDF renderer are loaded only when a document is made
    from bot.reports.chart_jobs import followup_charts, write_followup
    from bot.reports.documents import render_followup_html

    if fmt == "pdf":
        return write_followup(job), f
    trend, charts = followup_charts(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_followup_html(f, lang, trend, charts), encoding="utf-8")
    return path, f


# --------------------------------------------------------------------------- the chat commands


@handles(Export)
def export_command(env: Env, ctx: Ctx, cmd: Export) -> None:
    """`export [FROM [TO]] [csv|xlsx] [answers|pictures|actions|all]`: by default the last 12 weeks, XLSX, all."""
    assert ctx.group is not None
    now = local_round_key(ctx.now, ctx.group.tz)
    first = cmd.weeks[0] if cmd.weeks else now.minus(TREND_WEEKS - 1)
    last = cmd.weeks[1] if len(cmd.weeks) == 2 else now
    fmt, what = cmd.fmt, cmd.what
    out_dir = group_dir(env, ctx.group) / "exports" / uuid.uuid4().hex[:12]
    try:
        kinds = KINDS if what == "all" else (what,)
        result = export(ctx.uow, ctx.group, first, last, fmt, kinds, out_dir, ctx.lang, now, env.chart_pool)
    except ReportError as exc:
        reply(env, ctx, Outbound(exc.text(ctx.lang), kind="notice"))
        return
    rows = t(
        ctx.lang,
        "cmd.export.rows",
        answers=plural(ctx.lang, "export.n.answers", result.answers),
        cells=plural(ctx.lang, "export.n.cells", result.cells),
        actions=plural(ctx.lang, "followup.n.actions", result.actions),
    )
    text = t(ctx.lang, "cmd.export.done", first=str(first), last=str(last), rows=rows)
    reply(
        env,
        ctx,
        Outbound(
            text,
            kind="export",
            data={"from": str(first), "to": str(last), "format": fmt, "what": what},
            attachments=tuple(attachment(p) for p in result.files),
        ),
    )
    audit(ctx, "export", {"from": str(first), "to": str(last), "format": fmt, "what": what})


@handles(Followup)
def followup_command(env: Env, ctx: Ctx, cmd: Followup) -> None:
    """`followup [YEAR] [html|pdf]`: the yearly follow-up of decided actions for the steering group."""
    assert ctx.group is not None
    now = local_round_key(ctx.now, ctx.group.tz)
    year, fmt = now.year if cmd.year is None else cmd.year, cmd.fmt
    out = group_dir(env, ctx.group) / "followup" / uuid.uuid4().hex[:12]
    stem = f"uppfoljning-{year}" if ctx.lang == "sv" else f"follow-up-{year}"
    try:
        path, f = followup_document(
            env, ctx.uow, ctx.group, year, fmt, ctx.lang, now, Path(out) / f"{stem}.{ctx.lang}.{fmt}"
        )
    except ReportError as exc:
        reply(env, ctx, Outbound(exc.text(ctx.lang), kind="notice"))
        return
    text = t(
        ctx.lang,
        "cmd.followup.done",
        year=year,
        actions=plural(ctx.lang, "noun.decided_action", len(f.effects)),
        weeks=plural(ctx.lang, "followup.n.weeks", f.weeks_with_reports),
    )
    reply(
        env, ctx, Outbound(text, kind="followup", data={"year": year, "format": fmt}, attachments=(attachment(path),))
    )
    audit(ctx, "followup", {"year": year, "format": fmt})


@handles(FollowupBadYear)
def followup_bad_year(env: Env, ctx: Ctx, cmd: FollowupBadYear) -> None:
    assert ctx.group is not None
    say(env, ctx, "cmd.followup.bad_year", value=cmd.value, last=local_round_key(ctx.now, ctx.group.tz).year + 1)
