"""The short answers every command use case gives: a notice in the asker's language, a `ParseError` told, an
audit entry under the asker's name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.conversation.messages import Outbound
from bot.domain.commands import ParseError
from bot.usecases.context import Ctx

if TYPE_CHECKING:
    from bot.services import Services
from bot.text import t


def say(svc: Services, ctx: Ctx, key: str, kind: str = "notice", **kw: object) -> None:
    svc.reply(ctx, Outbound(t(ctx.lang, key, **kw), kind=kind))


def tell(svc: Services, ctx: Ctx, error: ParseError) -> None:
    """The answer a `ParseError` carries, in the asker's language."""
    texts = {name: t(ctx.lang, key) for name, key in error.texts.items()}
    svc.reply(ctx, Outbound(t(ctx.lang, error.key, **error.params, **texts), kind="notice"))


def audit(ctx: Ctx, action: str, detail: dict[str, object]) -> None:
    assert ctx.person is not None and ctx.group is not None
    ctx.uow.audit.audit(ctx.now, ctx.group.id, ctx.person.name, action, detail)
