"""Personal data: retention, `forget NAME`, and a person's copy of their own data.

* **Retention (gallring).** `retention()` deletes reporters' free text (notes, the "anything more" text, saved
  questionnaires) of weeks older than `privacy.note_retention_weeks`, and the queued messages of that time that
  quote them; levels, places, decisions and reports are kept. The scheduler runs it daily; it is idempotent.
* **forget NAME** (coordinators and admins): the person's name, organisation, chat accounts, invitations, own
  notes and messages are erased; their levels stay under a nameless placeholder, so the weekly numbers hold.
  Audited under the person's id, never their name.
* **mydata / minadata**: everything stored about the asker, as a JSON file and a short text, sent privately.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.commands.privacy import Forget, MyData
from bot.conversation.messages import Attachment, Outbound
from bot.domain.cycle import RoundKey, local_round_key
from bot.domain.export import PersonExport
from bot.housekeeping import housekeeping
from bot.ports.pacing import Limiter
from bot.text import LANGUAGES, count, listed, t
from bot.usecases.context import Ctx, Env, audit, reply, say
from bot.usecases.files import group_dir, report_filename
from bot.usecases.registry import handles
from bot.usecases.reports import REPORT_FORMATS, weekly_report

log = logging.getLogger(__name__)
EXPORT_KEEP = timedelta(days=1)
#: Files made for a chat `export` or `followup` are attachments waiting in the outbox: kept a week, long enough
#: for an outage of the platform, then removed (they hold answers, though never names).
CHAT_FILES_KEEP = timedelta(days=7)


# ---------------------------------------------------------------- retention


def retention(env: Env, limiter: Limiter | None = None) -> list[str]:
    """Delete free text older than the configured number of weeks, in every group, and what the bot keeps for
    itself and no longer needs (bot/housekeeping.py: old charts of the cache, `limiter`'s idle windows); what was
    done, per group."""
    weeks = env.config.privacy.note_retention_weeks
    now = env.clock.now()
    done: list[str] = []
    for group in env.config.groups:
        before = local_round_key(now - timedelta(weeks=weeks), group.tz)
        before_time = datetime.combine(before.monday(), datetime.min.time(), group.tz).astimezone(UTC)
        with env.unit() as uow:
            counts = uow.privacy.purge_notes(group.id, before, before_time)
            if any(counts.values()):
                uow.audit.audit(now, group.id, "retention", "retention", {"before": str(before), **counts})
            uow.commit()
        if any(counts.values()):
            log.info("retention %s: before %s deleted %s", group.id, before, counts)
            done.append(f"{group.id} retention before {before}: {counts}")
    with env.unit() as uow:  # spent or expired sign-in links and ended sessions of the web view, after a day
        pruned = uow.web.prune(now - timedelta(days=1))
        uow.commit()
    if pruned:
        done.append(f"web: removed {pruned} old sign-in links and sessions")
    _prune_exports(Path(env.config.reports_dir) / "private", now)
    for group in env.config.groups:
        for kind in ("exports", "followup"):
            removed = _prune_chat_files(Path(env.config.reports_dir) / group.id / kind)
            if removed:
                log.info("retention %s: removed %d old %s folders", group.id, removed, kind)
                done.append(f"{group.id} removed {removed} old {kind} folders")
    done += housekeeping(Path(env.config.reports_dir), limiter)
    return done


def add_retention_job(scheduler: Any, env: Env, limiter: Limiter | None = None) -> None:
    """Retention once a day at 03:17 UTC, in the leader (the scheduler is paused elsewhere), with the
    housekeeping of the bot's `limiter`."""
    from apscheduler.triggers.cron import CronTrigger  # APScheduler is loaded only where a scheduler runs

    def job() -> None:
        try:
            retention(env, limiter)
        except Exception:
            log.exception("retention failed; tomorrow's run tries again")

    scheduler.add_job(
        job, CronTrigger(hour=3, minute=17, timezone="UTC"), id="retention", name="retention", replace_existing=True
    )


def _prune_exports(folder: Path, now: datetime) -> None:
    """Copies made for `mydata` are only needed until sent: remove those older than a day."""
    if not folder.is_dir():
        return
    limit = time.time() - EXPORT_KEEP.total_seconds()
    for path in folder.glob("mydata-*.json"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _prune_chat_files(folder: Path) -> int:
    """Remove the one-off folders (`<folder>/<random>/file`) of chat exports and follow-ups older than
    CHAT_FILES_KEEP; returns how many went."""
    if not folder.is_dir():
        return 0
    limit = time.time() - CHAT_FILES_KEEP.total_seconds()
    removed = 0
    for sub in folder.iterdir():
        if sub.is_dir() and not sub.is_symlink() and sub.stat().st_mtime < limit:
            shutil.rmtree(sub)
            removed += 1
    return removed


def _remake_reports(env: Env, ctx: Ctx, weeks: list[str]) -> int:
    """The weekly report files already written for the weeks the person answered (PDF, HTML, Markdown in each
    language) made again from the erased data, in place, so a file on disk or still waiting as an attachment in
    the outbox holds none of their notes; how many were made again."""
    assert ctx.group is not None
    folder = group_dir(env, ctx.group)
    remade = 0
    for week in weeks:
        key = RoundKey.parse(week)
        rnd = ctx.uow.rounds.get_round(ctx.group.id, key)
        for lang in LANGUAGES:
            for fmt in REPORT_FORMATS:
                if rnd is not None and (folder / report_filename(key, lang, fmt)).exists():
                    weekly_report(env, ctx.uow, ctx.group, rnd, lang, fmt)
                    remade += 1
    return remade


# ---------------------------------------------------------------- forget


@handles(Forget)
def forget(env: Env, ctx: Ctx, cmd: Forget) -> None:
    assert ctx.group is not None and ctx.person is not None
    person = ctx.uow.people.person_by_name(ctx.group.id, cmd.person)
    if person is None:
        # Not the name again: a second `forget` (or a typo) must store nothing about the person.
        say(env, ctx, "forget.unknown")
        return
    if person.id == ctx.person.id:
        say(env, ctx, "forget.self")
        return
    placeholder = f"#{person.id}"
    weeks = {r["week"] for r in ctx.uow.privacy.person_export(person.id)["responses"]}
    counts = ctx.uow.privacy.forget_person(person.id, placeholder, t(ctx.lang, "forget.redacted"))
    counts["files"] = _remove_own_files(env, person.id)
    counts["reports"] = _remake_reports(env, ctx, sorted(weeks))
    say(
        env,
        ctx,
        "forget.done",
        placeholder=placeholder,
        responses=count(ctx.lang, "response", counts["responses"]),
        messages=counts["messages"],
        files=counts["files"],
    )
    if any(r.name.casefold() == person.name.casefold() for r in ctx.group.reporters):
        say(env, ctx, "forget.in_config")
    audit(ctx, "forget", {"person_id": person.id, **counts})


def _remove_own_files(env: Env, person_id: int) -> int:
    """The copies `mydata` made for the person; how many were removed."""
    folder = Path(env.config.reports_dir) / "private"
    if not folder.is_dir():
        return 0
    removed = 0
    for path in folder.glob(f"mydata-{person_id}-*.json"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed


# ---------------------------------------------------------------- a person's own data


@handles(MyData)
def mydata(env: Env, ctx: Ctx, cmd: MyData) -> None:
    """Everything stored about the asker, privately (`reply` always answers the asker in private)."""
    assert ctx.person is not None and ctx.group is not None
    data = ctx.uow.privacy.person_export(ctx.person.id)
    folder = Path(env.config.reports_dir) / "private"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"mydata-{ctx.person.id}-{ctx.now:%Y%m%dT%H%M%S}.json"
    names = {a.code: a.name for a in ctx.uow.groups.areas(ctx.group.id)}  # the text names areas as people do
    copy = {**data, "exported_at": ctx.now.isoformat()}
    path.write_text(json.dumps(copy, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    path.chmod(0o600)
    text = t(
        ctx.lang,
        "mydata.text",
        name=ctx.person.name,
        role=t(ctx.lang, f"role.one.{ctx.person.role}"),
        org=ctx.person.organisation or "–",
        language=ctx.person.language,
        areas=listed(ctx.lang, [names.get(code, code) for code in data["areas"]]) or "–",
        accounts=", ".join(f"{a['platform']} {a['id']}" for a in data["accounts"]) or "–",
        responses=count(ctx.lang, "week", len(data["responses"])),
        notes=count(ctx.lang, "note", _count_notes(data)),
        observations=len(data["observations"]),
        votes=len(data["votes"]),
        messages=len(data["messages"]),
        file=path.name,
        weeks=count(ctx.lang, "week", env.config.privacy.note_retention_weeks),
    )
    out = Outbound(text, kind="notice", attachments=(Attachment(path.name, "application/json", str(path.resolve())),))
    reply(env, ctx, out)
    audit(ctx, "mydata", {})


def _count_notes(data: PersonExport) -> int:
    return sum(bool(a["note"]) for r in data["responses"] for a in r["answers"]) + sum(
        bool(r["more"]) for r in data["responses"]
    )
