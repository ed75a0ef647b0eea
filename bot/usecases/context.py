"""What every use case works with: the application's settings (`Env`), the event being handled (`Ctx`), and the
way messages leave: to the person who wrote, to a person, to a group's channel, always as outbox rows in the
caller's unit of work (they are sent only if it commits).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.commands.types import ParseError
from bot.config import Config, GroupConfig
from bot.conversation.mail import EMAIL
from bot.conversation.messages import Inbound, Outbound
from bot.conversation.questionnaire import Item
from bot.domain.cycle import RoundKey
from bot.domain.model import Area, Person
from bot.ports import UnitOfWork
from bot.text import CATALOGUE, t

if TYPE_CHECKING:
    from bot.reports.chart_pool import ChartPool


@dataclass
class Ctx:
    """One incoming event being handled: who, where to answer, in which language."""

    uow: UnitOfWork
    inbound: Inbound
    person: Person | None
    group: GroupConfig | None
    now: datetime
    key_base: str
    n: int = 0
    sent: list[Outbound] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.person.language if self.person else "sv"


SpecKey = tuple[str, RoundKey, str, tuple[Area, ...]]


class Env:
    """The settings every use case reads: the configuration, the storage, the clock and the enabled platforms."""

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
        # A questionnaire's items and closing time per group, week, language and areas: the same for every
        # press of every reporter with those, and rebuilt for each press they cost as much as a database read.
        self.spec_parts: dict[SpecKey, tuple[tuple[Item, ...], str]] = {}
        # Worker processes that draw the week's charts off the critical path (`est-bot run`); None: drawn inline.
        self.chart_pool: ChartPool | None = None
        # With a pool: the draft's charts follow its text in a message of their own (a bot, so that no group's
        # draft waits for charts); False: they go with the draft as without a pool (the demo, whose transcript
        # shows one draft message).
        self.draft_charts_follow = True
        # Rounds whose owed draft charts are with the workers now (bot/usecases/draft_charts.py): the tick's
        # catch-up leaves them be.
        self.charts_in_flight: set[int] = set()

    @contextmanager
    def unit(self) -> Iterator[UnitOfWork]:
        with self.uow_factory() as uow:
            yield uow

    def group_or_none(self, group_id: str) -> GroupConfig | None:
        try:
            return self.config.group(group_id)
        except KeyError:
            return None  # the group was removed from the configuration


def next_key() -> str:
    """A key for an event the platform gave no id: unique across processes, even under a test clock."""
    return uuid.uuid4().hex


def local_text(when: datetime, group: GroupConfig, lang: str) -> str:
    """A time as the group's people read it: weekday, date and time of day in the group's time zone."""
    local = when.astimezone(group.tz)
    return f"{t(lang, f'day.{local.isoweekday()}')} {local:%d/%m %H:%M}"


def enqueue(env: Env, uow: UnitOfWork, platform: str, address: str, out: Outbound, key: str) -> None:
    uow.outbox.enqueue(key, platform, address, out.ref, out.to_json(), env.clock.now())


def reach(
    env: Env,
    uow: UnitOfWork,
    person: Person,
    platform: str | None = None,
    accounts: Mapping[int, list[tuple[str, str]]] | None = None,
) -> tuple[str, str] | None:
    """Where a message to `person` goes, as (platform, address) on an enabled platform, or None: `platform` if
    they have it, else the channel they were given (`channel = "email"`), else their first chat account, and
    e-mail only for those without one. `accounts`: the group's, read together (`accounts_in_group`) by a caller
    that reaches many."""
    mine = uow.people.accounts_of(person.id) if accounts is None else accounts.get(person.id, [])
    usable = [(p, a) for p, a in mine if p in env.platforms]
    if not usable:
        return None
    return min(usable, key=lambda pa: (pa[0] != platform, pa[0] != person.channel, pa[0] == EMAIL))


def send_to_person(
    env: Env, uow: UnitOfWork, person_id: int, out: Outbound, key: str, platform: str | None = None
) -> bool:
    """Queue `out` to a person where they are reached (`reach`; `platform` first)."""
    return send_to(env, uow, reach(env, uow, uow.people.get_person(person_id), platform), out, key)


def send_to(env: Env, uow: UnitOfWork, where: tuple[str, str] | None, out: Outbound, key: str) -> bool:
    """Queue `out` to where a person is reached (`reach`, asked once by a caller that sends them several)."""
    if where is None:
        return False
    p, a = where
    enqueue(env, uow, p, a, out, f"{key}@{p}")
    return True


@contextmanager
def fan_out(uow: UnitOfWork, now: datetime) -> Iterator[None]:
    """A message to each of many people: their outbox rows written together when the block ends (one statement,
    not one per person; the batch of `UnitOfWork.begin_batch` with nothing read ahead). A phase's fan-out never
    runs inside a batch of presses (`routing.handle_batch` ends a batch before anything but a press)."""
    uow.begin_batch((), (), now)
    yield
    uow.end_batch()


def channel_addresses(env: Env, group: GroupConfig, role: str) -> list[tuple[str, str]]:
    """(platform, address) of the group's channel for `role` on every enabled platform."""
    ch = group.channels.get(role)  # type: ignore[call-overload]
    if ch is None:
        return []
    return [(p, str(a)) for p in env.platforms if (a := getattr(ch, p, None)) is not None]


def send_to_channel(env: Env, uow: UnitOfWork, group: GroupConfig, role: str, out: Outbound, key: str) -> int:
    addresses = channel_addresses(env, group, role)
    for platform, address in addresses:
        enqueue(env, uow, platform, address, out, f"{key}@{platform}")
    return len(addresses)


def reply(env: Env, ctx: Ctx, out: Outbound) -> None:
    """Answer the person who wrote, in private: an answer given in a group chat (status with the names of
    non-responders, a refusal) is for the asker alone. What the group should see goes by send_to_channel."""
    ctx.n += 1
    inbound = ctx.inbound
    address = inbound.sender if out.ref else (inbound.reply_address or inbound.sender)
    enqueue(env, ctx.uow, inbound.platform, address, out, f"{ctx.key_base}:{ctx.n}")
    ctx.sent.append(out)


def notice(env: Env, ctx: Ctx, key: str, **kwargs: object) -> None:
    """A short notice from the text catalogue to the person who wrote, in their language."""
    reply(env, ctx, Outbound(t(ctx.lang, key, **kwargs), kind="notice"))


def say(env: Env, ctx: Ctx, key: str, kind: str = "notice", **kw: object) -> None:
    """A text of the catalogue to the person who wrote, in their language."""
    reply(env, ctx, Outbound(t(ctx.lang, key, **kw), kind=kind))


def tell(env: Env, ctx: Ctx, error: ParseError) -> None:
    """The answer a `ParseError` carries, in the asker's language."""
    texts = {name: t(ctx.lang, key) for name, key in error.texts.items()}
    reply(env, ctx, Outbound(t(ctx.lang, error.key, **error.params, **texts), kind="notice"))


def audit(ctx: Ctx, action: str, detail: dict[str, object]) -> None:
    """An audit entry under the asker's name."""
    assert ctx.person is not None and ctx.group is not None
    ctx.uow.audit.audit(ctx.now, ctx.group.id, ctx.person.name, action, detail)


def role_name(lang: str, role: str) -> str:
    """One role in the person's language ("rapportör", not "reporter")."""
    key = f"role.one.{role}"
    return t(lang, key) if key in CATALOGUE else role
