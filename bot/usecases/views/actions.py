"""The actions page: every decided action of the group with its status, who acts, the time frame and its level
before and after, by the one definition the reports use (`bot.domain.effect`, computed for each action by
`bot.reports.followup.action_effect` through `bot.usecases.reports.effects_of`). The same few queries however many
actions and weeks: the actions, the finalised weeks, the weekly figures, the place mentions and the voters."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.cycle import RoundKey, local_round_key
from bot.domain.effect import AFTER_WEEKS, BEFORE_WEEKS, MIN_AFTER, STEP
from bot.domain.factors import colour_for
from bot.domain.model import Person
from bot.text import label, t
from bot.text.numbers import format_delta, format_number
from bot.usecases.actions import WEB_STATUSES
from bot.usecases.context import Env
from bot.usecases.reports import effects_of
from bot.usecases.views.trends import ALL_FACTORS, SPANS


@dataclass(frozen=True)
class StatusChoice:
    value: str
    label: str


@dataclass(frozen=True)
class ActionLine:
    id: int
    week: RoundKey  # the week of the meeting that decided it
    title: str
    area: str  # the area's name
    place: str | None
    factors: str  # worded: the factors' labels, or "all factors"
    action_type: str  # worded, "not chosen" when the meeting chose none
    responsible: str
    timeframe: str
    status: str  # the code: planned, ongoing, done
    status_text: str  # worded
    before: str  # the level before, worded ("1,5"), "–" without one
    after: str
    change: str  # worded with an arrow ("↓ −0,5"), "–" without both levels
    verdict: str  # worded: lower, unchanged, higher, too early
    before_colour: str  # the level's band (green … red, none)
    after_colour: str
    trend: tuple[tuple[str, str], ...]  # the query of the trends page showing its area and factor around it


@dataclass(frozen=True)
class ActionsPage:
    actions: tuple[ActionLine, ...]  # newest decision first
    can_mark: bool  # the person may mark an action ongoing or done here
    statuses: tuple[StatusChoice, ...]  # what an action can be marked as here
    rule: str  # how before and after are worked out, as the follow-up report words it


def _level(value: float | None, lang: str) -> str:
    return "–" if value is None else format_number(value, lang)


def actions_page(env: Env, person: Person) -> ActionsPage:
    group = env.config.group(person.group_id)
    lang = person.language
    labels = {f.code: f.label(lang) for f in group.factor_list()}
    now = local_round_key(env.clock.now(), group.tz)
    with env.unit() as uow:
        decided = uow.meeting.actions(group.id)
        weeks = [a.week for a in decided]
        effects = effects_of(uow, group, decided, min(weeks), max(weeks), now)[0] if decided else []
    lines = []
    for e in effects:
        a = e.action
        lines.append(
            ActionLine(
                id=a.id,
                week=a.week,
                title=a.title,
                area=a.area_name,
                place=a.place,
                factors=", ".join(labels.get(c, c) for c in a.factors) or t(lang, "followup.all_factors"),
                action_type=label(lang, "atype", a.action_type),
                responsible=label(lang, "resp", a.responsible),
                timeframe=label(lang, "time", a.timeframe),
                status=a.status,
                status_text=t(lang, f"status.{a.status}"),
                before=_level(e.before, lang),
                after=_level(e.after, lang),
                change=format_delta(e.change, lang),
                verdict=t(lang, f"followup.verdict.{e.verdict}"),
                before_colour=colour_for(e.before),
                after_colour=colour_for(e.after),
                trend=(
                    ("area", a.area_code),
                    ("factor", a.factors[0] if len(a.factors) == 1 else ALL_FACTORS),
                    ("span", str(SPANS[0] if a.week >= now.minus(SPANS[0] - 1) else SPANS[-1])),
                ),
            )
        )
    lines.sort(key=lambda line: (line.week, line.id), reverse=True)
    return ActionsPage(
        actions=tuple(lines),
        can_mark=person.has_role("coordinator"),
        statuses=tuple(StatusChoice(s, t(lang, f"status.{s}")) for s in WEB_STATUSES),
        rule=t(
            lang,
            "followup.effect.rule",
            before=BEFORE_WEEKS,
            after=AFTER_WEEKS,
            min_after=MIN_AFTER,
            step=format_number(float(STEP), lang),
        ),
    )
