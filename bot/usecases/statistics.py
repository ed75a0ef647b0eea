"""Use cases of the monthly statistics follow-up: import a file, post the month's follow-up once, answer `stats`,
and pick the week's police events for the situation picture.

Each public function is one unit of work (it is given the `Env`): an import
stores all of a file or nothing, and the monthly post is recorded in the same transaction as its messages.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from bot.commands.reports import Stats
from bot.config import GroupConfig
from bot.conversation.messages import Attachment, Outbound
from bot.domain.cycle import Phase, RoundKey, monthly_due_at, phase_due_at, previous_month
from bot.domain.statistics import (
    AreaEvent,
    Month,
    PoliceEvent,
    SourceTrend,
    events_in_areas,
    events_trend,
    match_event_area,
    same_municipality,
    source_trend,
)
from bot.ports import UnitOfWork
from bot.stats.importers import (
    MAX_SUMMARY,
    MAX_TEXT,
    Cleaning,
    ImportFailed,
    parse_records,
    read_events,
    read_table,
)
from bot.text import t
from bot.usecases.context import Ctx, Env, channel_addresses, reply, send_to_channel, send_to_person
from bot.usecases.registry import handles

log = logging.getLogger(__name__)

WINDOW = 13  # months in a trend: the month followed up and the twelve before it
CATCH_UP = timedelta(days=7)  # how long after its time a missed monthly post is still made


# --------------------------------------------------------------------------- import


@dataclass(frozen=True)
class ImportReport:
    kind: str
    file: str
    rows: int
    new: int
    updated: int
    unchanged: int
    skipped: dict[str, int]
    first: Month | None
    last: Month | None
    cleaning: Cleaning = field(default_factory=Cleaning)

    @property
    def masked(self) -> int:
        """Fields in which personal data was masked."""
        return self.cleaning.masked

    def text(self) -> str:
        span = f", {self.first}..{self.last}" if self.first and self.last else ""
        parts = [f"{self.new} new", f"{self.updated} updated", f"{self.unchanged} already imported"]
        skipped = [f"{n} {why}" for why, n in self.skipped.items() if n]
        extra = f"; skipped {', '.join(skipped)}" if skipped else ""
        limits = f"to {MAX_TEXT} characters"
        if self.kind == "events":
            limits += f" (a summary or link to {MAX_SUMMARY:,})".replace(",", " ")
        if self.masked:
            fields = "field" if self.masked == 1 else "fields"
            extra += f"; personal data (personal identity, phone or e-mail) masked in {self.masked} {fields}"
        cleaned = self.cleaning.text(limits)
        extra += f"; {cleaned}" if cleaned else ""
        encoding = self.cleaning.encoding
        read_as = f" (read as {encoding})" if encoding.startswith(("UTF-16", "UTF-32")) else ""  # not the usual
        return f"{self.file}{read_as}: {self.rows} rows read{span}: {', '.join(parts)}{extra}"


def area_lists(uow: UnitOfWork, group_id: str) -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
    """(code, name) of the group's areas and the names of each area's known places."""
    areas = uow.groups.areas(group_id)
    return [(a.code, a.name) for a in areas], {a.code: [p.name for p in uow.groups.places(a.id)] for a in areas}


def group_events(
    events: Sequence[PoliceEvent],
    group: GroupConfig,
    areas: Sequence[tuple[str, str]],
    places: dict[str, list[str]],
) -> list[PoliceEvent]:
    """The events that concern the group: in its municipality or named after one of its areas or places.
    Without a configured municipality every event is kept (there is nothing to tell them apart by)."""
    if not group.municipality:
        return list(events)
    return [
        e
        for e in events
        if same_municipality(e.location, group.municipality) or match_event_area(e, areas, places, None) is not None
    ]


def save_events(
    env: Env, group: GroupConfig, events: Sequence[PoliceEvent], name: str, actor: str
) -> tuple[int, int, int, int]:
    """Store the group's share of `events` in one unit of work; (new, updated, unchanged, outside)."""
    now = env.clock.now()
    with env.unit() as uow:
        areas, places = area_lists(uow, group.id)
        mine = group_events(events, group, areas, places)
        new, updated, same = uow.statistics.save_police_events(group.id, mine, now)
        uow.audit.audit(now, group.id, actor, "import_events", {"file": name, "new": new, "updated": updated})
        uow.commit()
    return new, updated, same, len(events) - len(mine)


def import_file(env: Env, group_id: str, kind: str, path: Path, actor: str = "cli") -> ImportReport:
    """Read the whole file, then store it in one transaction: all of it, or (on any problem) nothing."""
    group = env.config.group(group_id)
    if not path.is_file():
        raise ImportFailed(str(path), "file not found")
    if kind == "events":
        parsed = read_events(path)
        new, updated, same, outside = save_events(env, group, parsed.events, path.name, actor)
        months = sorted(Month.of(e.at.astimezone(group.tz).date()) for e in parsed.events)
        return ImportReport(
            kind,
            path.name,
            len(parsed.events) + parsed.repeated,
            new,
            updated,
            same,
            {"outside the municipality": outside, "repeated in the file": parsed.repeated},
            months[0] if months else None,
            months[-1] if months else None,
            parsed.cleaning,
        )
    if kind not in ("police", "vandalism"):
        raise ValueError(kind)
    result = parse_records(read_table(path), kind, group.municipality)
    now = env.clock.now()
    with env.unit() as uow:
        new, updated, same = uow.statistics.save_stat_records(group.id, kind, result.records, path.name, now)
        detail = {"file": path.name, "kind": kind, "new": new, "updated": updated, "masked": result.masked}
        uow.audit.audit(now, group.id, actor, "import_statistics", detail)
        uow.commit()
    months = sorted(Month(r.year, r.month) for r in result.records)
    return ImportReport(
        kind,
        path.name,
        result.rows,
        new,
        updated,
        same,
        {"of another municipality": result.skipped_region, 'without a value ("..")': result.skipped_empty},
        months[0] if months else None,
        months[-1] if months else None,
        result.cleaning,
    )


# --------------------------------------------------------------------------- the week's events


def week_events(uow: UnitOfWork, group: GroupConfig, key: RoundKey) -> tuple[AreaEvent, ...]:
    """The police events in the group's areas during the week the round's reporters describe: from the
    previous round's close to this round's close (Thursday 08:00 to Thursday 08:00 by default)."""
    schedule = group.week_schedule()
    start = phase_due_at(key.prev(), Phase.CLOSED, schedule, group.tz)
    end = phase_due_at(key, Phase.CLOSED, schedule, group.tz)
    events = uow.statistics.police_events(group.id, start, end)
    if not events:
        return ()
    areas, places = area_lists(uow, group.id)
    matched = events_in_areas(events, areas, places, group.municipality)
    return tuple(replace(e, at=e.at.astimezone(group.tz)) for e in matched)


# --------------------------------------------------------------------------- the follow-up


@dataclass(frozen=True)
class FollowUp:
    month: Month
    trends: list[SourceTrend]

    @property
    def has_data(self) -> bool:
        return any(n for tr in self.trends for _, n in tr.by_month)


def month_name(m: Month, lang: str) -> str:
    return f"{t(lang, f'stats.month.{m.month}')} {m.year}"


def load_followup(uow: UnitOfWork, group: GroupConfig, month: Month) -> FollowUp:
    first = month.plus(-(WINDOW - 1))
    records = uow.statistics.stat_records(group.id, (first.year, first.month), (month.year, month.month))
    start = datetime.combine(first.first_day(), time(0), tzinfo=group.tz).astimezone(UTC)
    end = datetime.combine(month.plus(1).first_day(), time(0), tzinfo=group.tz).astimezone(UTC)
    events = uow.statistics.police_events(group.id, start, end)
    areas, places = area_lists(uow, group.id)
    names = dict(areas)

    def place_of(e: PoliceEvent) -> str:
        """The known place or area an event was matched to (the rule of the picture), else its location."""
        hit = match_event_area(e, areas, places, group.municipality)
        return e.location if hit is None else hit[1] or names[hit[0]]

    trends = [
        source_trend("police", records, month, WINDOW),
        source_trend("vandalism", records, month, WINDOW),
        events_trend(events, month, group.tz, WINDOW, place_of),
    ]
    return FollowUp(month, trends)


def _delta(n: int) -> str:
    if n > 0:
        return f"↑ +{n}"
    if n < 0:
        return f"↓ −{-n}"
    return "→ 0"


def _items(pairs: list[tuple[str, int]], n: int = 4) -> str:
    return " · ".join(f"{name} {count}" for name, count in pairs[:n])


def followup_text(group: GroupConfig, fu: FollowUp, lang: str) -> str:
    lines = [t(lang, "stats.title", group=group.name, month=month_name(fu.month, lang))]
    if not fu.has_data:
        lines.append(t(lang, "stats.nothing", month=month_name(fu.month, lang)))
        return "\n".join(lines)
    lines += followup_lines(fu, lang)
    lines.append(t(lang, "stats.charts"))
    return "\n".join(lines)


def followup_lines(fu: FollowUp, lang: str) -> list[str]:
    """The figures of a month with data, one line each: per source its total against the month before and the
    same month a year before, its categories and places; the busiest weekday."""
    month = fu.month
    lines: list[str] = []
    for tr in fu.trends:
        source = t(lang, f"stats.source.{tr.source}")
        if not any(n for _, n in tr.by_month):
            lines.append(t(lang, "stats.none", source=source, month=month_name(month, lang)))
            continue
        year_part = ""
        if tr.year_before is not None:
            year_part = t(
                lang,
                "stats.year_part",
                month=month_name(month.plus(-12), lang),
                value=tr.year_before,
                delta=_delta(tr.total - tr.year_before),
            )
        lines.append(
            t(
                lang,
                "stats.total",
                source=source,
                total=tr.total,
                previous_month=t(lang, f"stats.month.{month.plus(-1).month}"),
                previous=tr.previous,
                delta=_delta(tr.total - tr.previous),
                year_part=year_part,
            )
        )
        if tr.categories:
            lines.append(t(lang, "stats.categories", items=_items(tr.categories)))
        if tr.places_month:
            lines.append(t(lang, "stats.places", items=_items(tr.places_month)))
    days = [sum(tr.weekdays[d] for tr in fu.trends) for d in range(7)]
    dated = sum(tr.dated for tr in fu.trends)
    if dated:
        top = max(days)
        names = [t(lang, f"day.{d + 1}") for d in range(7) if days[d] == top]
        lines.append(t(lang, "stats.weekdays", n=dated, days=", ".join(names) + f" ({top})"))
    return lines


def followup_charts(env: Env, group: GroupConfig, fu: FollowUp, lang: str) -> tuple[Attachment, ...]:
    """The three charts as attachments; a chart that cannot be drawn costs the images, not the message."""
    from bot.reports.stats_charts import by_month_png, by_place_png, by_weekday_png  # matplotlib: only to draw

    if not fu.has_data:
        return ()
    folder = Path(env.config.reports_dir) / group.id
    try:
        paths = [
            by_month_png(fu.trends, group.name, lang, folder / f"statistik-{fu.month}-manad-{lang}.png"),
            by_weekday_png(fu.trends, lang, folder / f"statistik-{fu.month}-veckodag-{lang}.png"),
            by_place_png(fu.trends, lang, folder / f"statistik-{fu.month}-plats-{lang}.png"),
        ]
    except Exception:
        log.exception("statistics charts for %s %s failed; sending text only", group.id, fu.month)
        return ()
    return tuple(Attachment(p.name, "image/png", str(p.resolve())) for p in paths)


def followup_message(env: Env, group: GroupConfig, fu: FollowUp, lang: str) -> Outbound:
    return Outbound(
        followup_text(group, fu, lang),
        kind="stats",
        data={"group": group.id, "month": str(fu.month), "lang": lang},
        attachments=followup_charts(env, group, fu, lang),
    )


def post_monthly_if_due(env: Env, group_id: str, now: datetime | None = None) -> list[str]:
    """Post the follow-up of last month to the coordinators once, from the first weekday of this month at the
    configured time; after downtime it catches up within CATCH_UP of that time (a bot first started in the
    middle of a month does not post the month before). A month without any figures in the trend window is
    marked done without a message. Idempotent: the monthly_posts row is claimed in the same transaction as the
    messages are queued, so a second call, a second job or a second process posts nothing."""
    group = env.config.group(group_id)
    now = now or env.clock.now()
    local = now.astimezone(group.tz)
    due = monthly_due_at(local.year, local.month, group.week_schedule(), group.tz)
    if not due <= now < due + CATCH_UP:
        return []
    month = Month(*previous_month(local.date()))
    with env.unit() as uow:
        if uow.statistics.monthly_posted(group.id, month.year, month.month) is not None:
            return []
        fu = load_followup(uow, group, month)
        coordinators = [p for p in uow.people.persons(group.id) if p.has_role("coordinator")]
    if not fu.has_data:  # a group that imports no statistics is not told so every month
        with env.unit() as uow:
            if uow.statistics.claim_monthly_post(group.id, month.year, month.month, now):
                uow.audit.audit(now, group.id, "scheduler", "monthly_followup", {"month": str(month), "messages": 0})
                uow.commit()
        return []
    # Charts are drawn outside any transaction: SQLite's write lock is not held while matplotlib works.
    messages: dict[str, Outbound] = {}

    def message(lang: str) -> Outbound:
        if lang not in messages:
            messages[lang] = followup_message(env, group, fu, lang)
        return messages[lang]

    channel = channel_addresses(env, group, "coordinators")
    if channel:
        message(group.language)
    else:
        for p in coordinators:
            message(p.language)
    with env.unit() as uow:
        if not uow.statistics.claim_monthly_post(group.id, month.year, month.month, now):
            return []
        key = f"monthly:{group.id}:{month}"
        sent = 0
        if channel:
            sent = send_to_channel(env, uow, group, "coordinators", message(group.language), key)
        else:
            for p in coordinators:
                sent += int(send_to_person(env, uow, p.id, message(p.language), f"{key}:{p.id}"))
        uow.audit.audit(now, group.id, "scheduler", "monthly_followup", {"month": str(month), "messages": sent})
        uow.commit()
    log.info("%s: monthly follow-up of %s posted (%d messages)", group.id, month, sent)
    return [f"{group.id} monthly {month}"]


# --------------------------------------------------------------------------- the command


@handles(Stats)
def stats_command(env: Env, ctx: Ctx, cmd: Stats) -> None:
    """`stats [YYYY-MM]`: the follow-up of a month (default: last month) to the coordinator who asked."""
    assert ctx.group is not None
    group = ctx.group
    today = ctx.now.astimezone(group.tz).date()
    month = cmd.month
    if month is None:
        month = Month(*previous_month(today))
    elif month > Month.of(today):
        reply(env, ctx, Outbound(t(ctx.lang, "stats.future", month=month_name(month, ctx.lang)), kind="notice"))
        return
    fu = load_followup(ctx.uow, group, month)
    reply(env, ctx, followup_message(env, group, fu, ctx.lang))
