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
from bot.domain.model import Person, Round
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

    def show_pending(self, platform: str, address: str) -> bool:
        return answering.show_pending(self.env, platform, address)

    # ------------------------------------------------------------------ the cycle

    def tick(self) -> list[str]:
        return cycle.tick(self.env)

    def monthly(self, group_id: str) -> list[str]:
        return statistics.post_monthly_if_due(self.env, group_id)

    def advance(self, group_id: str, now: datetime | None = None) -> list[str]:
        return cycle.advance(self.env, group_id, now)

    # ------------------------------------------------------------------ picture, meeting, publishing

    def picture(self, uow: UnitOfWork, group: GroupConfig, rnd: Round, lang: str | None = None) -> PictureView:
        return meeting.picture(self.env, uow, group, rnd, lang)

    def heatmap(self, group: GroupConfig, rnd: Round, pic: PictureView) -> tuple[Attachment, ...]:
        return meeting.heatmap(self.env, group, rnd, pic)

    def charts(self, group: GroupConfig, rnd: Round, pic: PictureView) -> tuple[Attachment, ...]:
        return meeting.charts(self.env, group, rnd, pic)

    def decisions(self, uow: UnitOfWork, rnd: Round, lang: str) -> list[Decision]:
        return meeting.decisions(uow, rnd, lang)

    def report_document(self, uow: UnitOfWork, group: GroupConfig, rnd: Round, lang: str) -> Document:
        return publishing.report_document(self.env, uow, group, rnd, lang)

    # ------------------------------------------------------------------ statistics

    def save_events(
        self, group: GroupConfig, events: Sequence[PoliceEvent], name: str, actor: str
    ) -> tuple[int, int, int, int]:
        return statistics.save_events(self.env, group, events, name, actor)
