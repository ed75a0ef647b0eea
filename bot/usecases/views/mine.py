"""The read side of a reporter's pages: their own answers (`/me`) and the weekly reports of their group that
were published (`/reports`).

A person's own answers are read by their person id alone (`uow.rounds.own_answers`, one query), so the page
shows exactly what storage holds of them (notes as masked when they were sent, or as a coordinator rewrote
them) and never anyone else's.

Which weekly reports a person may read: a reporter, those that went out (the round is published and somebody
was asked that week: a week nobody was asked gets no report); a meeting participant or coordinator also a
finalised week's report before Friday's broadcast, as the chat's `veckorapport` gives it to them. A draft (a
week not yet finalised) has no report for anyone: its picture is the week page's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.config import GroupConfig
from bot.domain.cycle import Phase, RoundKey, local_round_key, phase_index
from bot.domain.factors import LEVEL_COLOURS
from bot.domain.model import OwnAnswer, Person, Round
from bot.domain.stats import WeekStat
from bot.ports import UnitOfWork
from bot.text import t
from bot.text.numbers import format_percent
from bot.usecases.context import Env, local_text

HISTORY_YEARS = 10  # how far back the list of reports reaches


@dataclass(frozen=True)
class MyAnswer:
    factor: str  # the factor's label in the person's language
    level: int
    label: str  # the level's words: "Återkommande"
    colour: str  # green | yellow | orange | red: the level's colour, for its CSS class
    place: str | None
    note: str | None


@dataclass(frozen=True)
class MyArea:
    name: str
    answers: tuple[MyAnswer, ...]  # in the order of the questionnaire


@dataclass(frozen=True)
class MyWeek:
    week: str
    sent: str | None  # when it was sent, worded in the group's time zone
    late: bool
    areas: tuple[MyArea, ...]  # each area the person answered for, in the order they answered
    more: str | None  # the "anything more" text


@dataclass(frozen=True)
class MinePage:
    weeks: tuple[MyWeek, ...]  # newest first


@dataclass(frozen=True)
class PublishedReport:
    week: str
    responses: str  # "12 av 15 (80 %)"
    status: str  # sent, or finalised and not sent yet (participants and up)
    published: bool


@dataclass(frozen=True)
class ReportsPage:
    reports: tuple[PublishedReport, ...]  # newest first
    sees_finalised: bool  # the person also sees reports finalised but not yet sent


def group_of(env: Env, person: Person) -> GroupConfig:
    return env.config.group(person.group_id)


def my_answers(env: Env, person: Person) -> MinePage:
    """The person's own sent answers, week by week, newest first."""
    group = group_of(env, person)
    with env.unit() as uow:
        rows = uow.rounds.own_answers(person.id)
        areas = {a.code: a.name for a in uow.groups.areas(group.id)}
    by_week: dict[RoundKey, list[OwnAnswer]] = {}
    for row in rows:
        by_week.setdefault(row.week, []).append(row)
    labels = {f.code: f.label(person.language) for f in group.factor_list()}
    return MinePage(tuple(_week(answers, group, person.language, areas, labels) for answers in by_week.values()))


def _week(
    rows: list[OwnAnswer], group: GroupConfig, lang: str, areas: dict[str, str], labels: dict[str, str]
) -> MyWeek:
    by_area: dict[str, list[MyAnswer]] = {}
    for a in rows:
        by_area.setdefault(a.area, []).append(
            MyAnswer(
                factor=labels.get(a.factor, a.factor),
                level=a.level,
                label=t(lang, f"level.{a.level}"),
                colour=LEVEL_COLOURS.get(a.level, "none"),
                place=a.place,
                note=a.note,
            )
        )
    first = rows[0]
    sent = local_text(first.submitted_at, group, lang) if first.submitted_at else None
    shown = tuple(MyArea(areas.get(code, code), tuple(answers)) for code, answers in by_area.items())
    return MyWeek(str(first.week), sent, first.late, shown, first.more or None)


# --------------------------------------------------------------------------- published reports


def sees_finalised(person: Person) -> bool:
    """Whether the person sees a finalised week's report before it is sent (as `veckorapport` in the chat)."""
    return person.has_role("participant")


def _readable(person: Person, phase: Phase, expected: int) -> bool:
    if expected == 0:
        return False  # nobody was asked: no report was made
    if phase == Phase.PUBLISHED:
        return True
    return sees_finalised(person) and phase_index(phase) >= phase_index(Phase.FINALISED)


def published_reports(env: Env, person: Person) -> ReportsPage:
    """The weekly reports of the person's group they may read, newest first."""
    group = group_of(env, person)
    lang = person.language
    now = local_round_key(env.clock.now(), group.tz)
    with env.unit() as uow:
        stats = uow.history.week_stats(group.id, RoundKey(max(1, now.year - HISTORY_YEARS), 1), now)
    reports = [_report(w, lang) for w in reversed(stats) if _readable(person, Phase(w.phase), w.expected)]
    return ReportsPage(tuple(reports), sees_finalised(person))


def _report(w: WeekStat, lang: str) -> PublishedReport:
    published = Phase(w.phase) == Phase.PUBLISHED
    return PublishedReport(
        week=str(w.week),
        responses=t(
            lang,
            "web.reports.responses",
            responded=w.responded,
            expected=w.expected,
            percent=format_percent(w.responded / w.expected, lang),
        ),
        status=t(lang, "web.reports.published" if published else "web.reports.finalised"),
        published=published,
    )


def readable_round(uow: UnitOfWork, group: GroupConfig, person: Person, week: str, now: datetime) -> Round | None:
    """The round of `week` if the person may read its weekly report; None for a week that is not one, has no
    round, or whose report they may not (yet) read."""
    try:
        key = RoundKey.parse(week)
    except ValueError:
        return None
    rnd = uow.rounds.get_round(group.id, key)
    if rnd is None:
        return None
    expected = uow.rounds.round_status(rnd.id, group.id, now).expected
    return rnd if _readable(person, rnd.phase, expected) else None
