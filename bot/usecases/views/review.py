"""The read side of the coordinator's review queue (`/review`): the places reporters typed or shared that wait
for approval (the list `granska` shows in the chat, bot.usecases.places.pending_lines), with how many and since
when. Read only: approving and rejecting stay in the chat, where they are audited."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.model import Person
from bot.text import plural, t
from bot.usecases.context import Env, local_text
from bot.usecases.views.mine import group_of


@dataclass(frozen=True)
class WaitingPlace:
    ident: str  # "P3", as the chat's `granska godkänn P3` names it
    area: str  # the area's name
    name: str
    answers: int  # how many answers name it
    source: str  # typed or shared location, worded
    since: str  # when it was first named, worded in the group's time zone


@dataclass(frozen=True)
class ReviewPage:
    places: tuple[WaitingPlace, ...]  # oldest first, as the chat lists them
    summary: str  # "3 platser väntar, den äldsta sedan …"; empty when none wait


def review_queue(env: Env, person: Person) -> ReviewPage:
    group = group_of(env, person)
    lang = person.language
    with env.unit() as uow:
        waiting = uow.groups.places_for_review(group.id)
        names = {a.code: a.name for a in uow.groups.areas(group.id)}
    places = tuple(
        WaitingPlace(
            ident=f"P{p.id}",
            area=names.get(p.area, p.area),
            name=p.name,
            answers=p.answers,
            source=t(lang, "web.review.located" if p.located else "web.review.typed"),
            since=local_text(p.since, group, lang) if p.since else t(lang, "web.review.unknown_since"),
        )
        for p in waiting
    )
    known = [p.since for p in waiting if p.since is not None]
    oldest = local_text(min(known), group, lang) if known else t(lang, "web.review.unknown_since")
    summary = plural(lang, "web.review.summary", len(places), since=oldest) if places else ""
    return ReviewPage(places, summary)
