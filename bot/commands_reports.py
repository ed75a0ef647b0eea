"""Chat commands for documents: `export` (exportera) and `followup` (uppföljning), coordinators only.

The file is made at once and attached to the answer (the edge uploads it: a document in Telegram, a path in
the console). Wrong arguments get the usage in the asker's language and nothing is written.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from bot.conversation.messages import Outbound
from bot.domain.cycle import RoundKey, local_round_key
from bot.reporting import (
    KINDS,
    TREND_WEEKS,
    ReportError,
    attachment,
    export,
    followup_document,
    group_dir,
)
from bot.services import Ctx, Services
from bot.text import plural, t

KIND_WORDS = {
    "answers": "answers",
    "svar": "answers",
    "pictures": "pictures",
    "lägesbilder": "pictures",
    "lagesbilder": "pictures",
    "actions": "actions",
    "åtgärder": "actions",
    "atgarder": "actions",
    "all": "all",
    "allt": "all",
    "alla": "all",
}


def _say(svc: Services, ctx: Ctx, key: str, **kw: object) -> None:
    svc.reply(ctx, Outbound(t(ctx.lang, key, **kw), kind="notice"))


def _audit(ctx: Ctx, action: str, detail: dict[str, object]) -> None:
    assert ctx.person is not None and ctx.group is not None
    ctx.uow.store.audit(ctx.now, ctx.group.id, ctx.person.name, action, detail)


def cmd_export(svc: Services, ctx: Ctx, args: list[str]) -> None:
    """`export [FROM [TO]] [csv|xlsx] [answers|pictures|actions|all]`: by default the last 12 weeks, XLSX, all."""
    assert ctx.group is not None
    weeks: list[RoundKey] = []
    fmt, what = "xlsx", "all"
    for arg in args:
        word = arg.lower()
        if word in ("csv", "xlsx"):
            fmt = word
        elif word in KIND_WORDS:
            what = KIND_WORDS[word]
        elif any(c.isdigit() for c in word):
            try:
                weeks.append(RoundKey.parse(word))
            except ValueError:
                _say(svc, ctx, "cmd.bad_week", value=arg)
                return
        else:
            _say(svc, ctx, "cmd.usage", usage=t(ctx.lang, "cmd.export.usage"))
            return
    now = local_round_key(ctx.now, ctx.group.tz)
    if len(weeks) > 2:
        _say(svc, ctx, "cmd.usage", usage=t(ctx.lang, "cmd.export.usage"))
        return
    first = weeks[0] if weeks else now.minus(TREND_WEEKS - 1)
    last = weeks[1] if len(weeks) == 2 else now
    out_dir = group_dir(svc, ctx.group) / "exports" / uuid.uuid4().hex[:12]
    try:
        result = export(
            ctx.uow, ctx.group, first, last, fmt, KINDS if what == "all" else (what,), out_dir, ctx.lang, now
        )
    except ReportError as exc:
        svc.reply(ctx, Outbound(exc.text(ctx.lang), kind="notice"))
        return
    rows = t(
        ctx.lang,
        "cmd.export.rows",
        answers=plural(ctx.lang, "export.n.answers", result.answers),
        cells=plural(ctx.lang, "export.n.cells", result.cells),
        actions=plural(ctx.lang, "followup.n.actions", result.actions),
    )
    text = t(ctx.lang, "cmd.export.done", first=str(first), last=str(last), rows=rows)
    svc.reply(
        ctx,
        Outbound(
            text,
            kind="export",
            data={"from": str(first), "to": str(last), "format": fmt, "what": what},
            attachments=tuple(attachment(p) for p in result.files),
        ),
    )
    _audit(ctx, "export", {"from": str(first), "to": str(last), "format": fmt, "what": what})


def cmd_followup(svc: Services, ctx: Ctx, args: list[str]) -> None:
    """`followup [YEAR] [html|pdf]`: the yearly follow-up of decided actions for the steering group."""
    assert ctx.group is not None
    now = local_round_key(ctx.now, ctx.group.tz)
    year, fmt = now.year, "pdf"
    for arg in args:
        word = arg.lower()
        if word in ("pdf", "html"):
            fmt = word
        elif word.isdigit() and len(word) == 4:
            year = int(word)
        elif any(c.isdigit() for c in word):
            _say(svc, ctx, "cmd.followup.bad_year", value=arg, last=now.year + 1)
            return
        else:
            _say(svc, ctx, "cmd.usage", usage=t(ctx.lang, "cmd.followup.usage"))
            return
    out = group_dir(svc, ctx.group) / "followup" / uuid.uuid4().hex[:12]
    stem = f"uppfoljning-{year}" if ctx.lang == "sv" else f"follow-up-{year}"
    try:
        path, f = followup_document(
            svc, ctx.uow, ctx.group, year, fmt, ctx.lang, now, Path(out) / f"{stem}.{ctx.lang}.{fmt}"
        )
    except ReportError as exc:
        svc.reply(ctx, Outbound(exc.text(ctx.lang), kind="notice"))
        return
    text = t(
        ctx.lang,
        "cmd.followup.done",
        year=year,
        actions=plural(ctx.lang, "noun.decided_action", len(f.effects)),
        weeks=plural(ctx.lang, "followup.n.weeks", f.weeks_with_reports),
    )
    svc.reply(ctx, Outbound(text, kind="followup", data={"year": year, "format": fmt}, attachments=(attachment(path),)))
    _audit(ctx, "followup", {"year": year, "format": fmt})
