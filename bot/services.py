"""The front of the use cases (bot/usecases/), for the callers outside them (bootstrap, the CLI, the scheduler,
the police fetcher, tests): each method hands its work on to the use case that does it, in one line. No use case
imports it; they call each other directly, with the `Env` this front holds (`services.env`).

Every use case is one unit of work: what it changes and every message it wants sent (as outbox rows) commit
together or not at all. Nothing there knows Slack, Telegram or SQL; it speaks to storage through the
`UnitOfWork` port.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from bot.clock import Clock
from bot.config import Config, GroupConfig
from bot.conversation.document import Document
from bot.conversation.messages import Attachment, Inbound, Outbound
from bot.conversation.questionnaire import Spec
from bot.domain.cycle import Phase, RoundKey
from bot.domain.model import Area, Candidate, Person, Round
from bot.domain.picture import PictureInput
from bot.domain.statistics import PoliceEvent
from bot.ports import UnitOfWork
from bot.reports.render import Decision
from bot.reports.view import PictureView
from bot.usecases import answering, context, cycle, meeting, publishing, routing, setup, statistics
from bot.usecases.context import Ctx, Env

__all__ = ["Ctx", "Services"]


class Services:
    def __init__(
        self,
        config: Config,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        platforms: Sequence[str] = ("console",),
    ) -> None:
        self.config = config
        self.uow_factory = uow_factory
        self.clock = clock
        self.platforms = tuple(platforms)
        self.env = Env(config, uow_factory, clock, self.platforms)

    # ------------------------------------------------------------------ set-up

    def sync_config(self) -> None:
        setup.sync_config(self.env)

    def create_invite(self, uow: UnitOfWork, person: Person, days: int = 14) -> tuple[str, str, datetime]:
        return setup.create_invite(self.env, uow, person, days)

    # ------------------------------------------------------------------ addressing

    def send_to_person(
        self, uow: UnitOfWork, person_id: int, out: Outbound, key: str, platform: str | None = None
    ) -> bool:
        return context.send_to_person(self.env, uow, person_id, out, key, platform)

    def channel_addresses(self, group: GroupConfig, role: str) -> list[tuple[str, str]]:
        return context.channel_addresses(self.env, group, role)

    def send_to_channel(self, uow: UnitOfWork, group: GroupConfig, role: str, out: Outbound, key: str) -> int:
        return context.send_to_channel(self.env, uow, group, role, out, key)

    def reply(self, ctx: Ctx, out: Outbound) -> None:
        context.reply(self.env, ctx, out)

    def local_text(self, when: datetime, group: GroupConfig, lang: str) -> str:
        return context.local_text(when, group, lang)

    @contextmanager
    def unit(self) -> Iterator[UnitOfWork]:
        with self.env.unit() as uow:
            yield uow

    # ------------------------------------------------------------------ incoming events

    def handle(self, inbound: Inbound) -> list[Outbound]:
        return routing.handle(self.env, inbound)

    def handle_many(self, inbounds: Sequence[Inbound], pause: Callable[[], object] | None = None) -> list[Outbound]:
        return routing.handle_many(self.env, inbounds, pause)

    def message_ref(self, platform: str, address: str, message_id: str) -> str | None:
        return routing.message_ref(self.env, platform, address, message_id)

    # ------------------------------------------------------------------ answering

    def questionnaire_spec(
        self,
        uow: UnitOfWork,
        group: GroupConfig,
        rnd: Round,
        person: Person,
        areas: list[Area] | None = None,
        with_last_week: bool = True,
    ) -> Spec:
        return answering.questionnaire_spec(self.env, uow, group, rnd, person, areas, with_last_week)

    def show_home(self, ctx: Ctx) -> None:
        answering.show_home(self.env, ctx)

    def greeting(self, ctx: Ctx) -> str:
        return answering.greeting(ctx)

    def show_questionnaire(self, ctx: Ctx) -> None:
        answering.show_questionnaire(self.env, ctx)

    def show_pending(self, platform: str, address: str) -> bool:
        return answering.show_pending(self.env, platform, address)

    def edit_questionnaire(self, ctx: Ctx) -> None:
        answering.edit_questionnaire(self.env, ctx)

    # ------------------------------------------------------------------ the cycle

    def tick(self) -> list[str]:
        return cycle.tick(self.env)

    def monthly(self, group_id: str) -> list[str]:
        return statistics.post_monthly_if_due(self.env, group_id)

    def advance(self, group_id: str, now: datetime | None = None) -> list[str]:
        return cycle.advance(self.env, group_id, now)

    def transition(
        self,
        uow: UnitOfWork,
        group: GroupConfig,
        key: RoundKey,
        phase: Phase,
        now: datetime,
        automatic: bool,
        actor: Person | None = None,
    ) -> bool:
        return cycle.transition(self.env, uow, group, key, phase, now, automatic, actor)

    def send_reminders(self, uow: UnitOfWork, group: GroupConfig, rnd: Round, now: datetime, nth: int) -> int:
        return cycle.send_reminders(self.env, uow, group, rnd, now, nth)

    def wake_snoozed(self, group_id: str) -> list[str]:
        return cycle.wake_snoozed(self.env, group_id)

    def force_phase(
        self, uow: UnitOfWork, group: GroupConfig, target: Phase, actor: Person, key: RoundKey | None = None
    ) -> tuple[RoundKey, bool]:
        return cycle.force_phase(self.env, uow, group, target, actor, key)

    # ------------------------------------------------------------------ picture, meeting, publishing

    def picture_input(self, uow: UnitOfWork, group: GroupConfig, rnd: Round) -> PictureInput:
        return meeting.picture_input(self.env, uow, group, rnd)

    def picture(self, uow: UnitOfWork, group: GroupConfig, rnd: Round, lang: str | None = None) -> PictureView:
        return meeting.picture(self.env, uow, group, rnd, lang)

    def heatmap(self, group: GroupConfig, rnd: Round, pic: PictureView) -> tuple[Attachment, ...]:
        return meeting.heatmap(self.env, group, rnd, pic)

    def charts(self, group: GroupConfig, rnd: Round, pic: PictureView) -> tuple[Attachment, ...]:
        return meeting.charts(self.env, group, rnd, pic)

    def candidate_message(self, c: Candidate, n: int, lang: str, locked: bool) -> Outbound:
        return meeting.candidate_message(c, n, lang, locked)

    def decisions(self, uow: UnitOfWork, rnd: Round, lang: str) -> list[Decision]:
        return meeting.decisions(uow, rnd, lang)

    def report_document(self, uow: UnitOfWork, group: GroupConfig, rnd: Round, lang: str) -> Document:
        return publishing.report_document(self.env, uow, group, rnd, lang)

    # ------------------------------------------------------------------ statistics

    def save_events(
        self, group: GroupConfig, events: Sequence[PoliceEvent], name: str, actor: str
    ) -> tuple[int, int, int, int]:
        return statistics.save_events(self.env, group, events, name, actor)
