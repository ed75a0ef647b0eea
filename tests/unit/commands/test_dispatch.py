"""`dispatch` without a database: the role a command declares is checked before the words' error is told, and a
ParseError is answered in the asker's language. The stand-in unit of work has only an outbox that keeps nothing;
any other use of it would fail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import cast

import pytest

from bot.clock import ManualClock
from bot.config import Config
from bot.conversation.messages import Inbound
from bot.domain.model import Person
from bot.ports import UnitOfWork
from bot.text import t
from bot.usecases.context import Ctx, Env
from bot.usecases.dispatch import dispatch

NOW = datetime(2026, 3, 18, tzinfo=UTC)


class Outbox:
    """The one thing `dispatch` uses of the unit of work when nothing reaches a use case: the outbox of replies
    (ctx.sent keeps what was replied)."""

    def enqueue(self, *row: object) -> None:
        pass


class Unit:
    outbox = Outbox()


def answer(role: str, lang: str, line: str) -> str:
    command, *args = line.split()
    person = Person(1, "g", "Anna", "", role, lang)
    inbound = Inbound("console", "anna", "command", command=command, args=tuple(args))
    ctx = Ctx(cast(UnitOfWork, Unit()), inbound, person, None, NOW, "k")
    env = Env(cast(Config, None), cast(Callable[[], UnitOfWork], None), ManualClock(NOW))
    dispatch(env, ctx)
    assert len(ctx.sent) == 1
    return ctx.sent[0].text


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_command_above_the_askers_role_is_refused_before_its_words_are_read(lang: str) -> None:
    denied = t(lang, "cmd.denied", cmd=t(lang, "word.picture"), role=t(lang, "role.participant"))
    assert answer("reporter", lang, "lägesbild v12") == denied
    assert answer("participant", lang, "lägesbild v12") == t(lang, "cmd.bad_week", value="v12")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_pausing_someone_else_is_refused_by_its_own_words(lang: str) -> None:
    denied = t(lang, "cmd.denied", cmd=t(lang, "cmd.pause.other"), role=t(lang, "role.coordinator"))
    assert answer("reporter", lang, "ledig Bo Ek 2026-04-01") == denied


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_parse_errors_are_told_with_their_nested_texts(lang: str) -> None:
    assert answer("coordinator", lang, "nosuch x") == t(lang, "cmd.unknown", cmd="nosuch")
    usage = t(lang, "cmd.usage", usage=t(lang, "cmd.export.usage"))
    assert answer("coordinator", lang, "exportera pdf") == usage
    refused = t(lang, "cmd.name_personal_data", what=t(lang, "cmd.what.area_code"))
    assert answer("coordinator", lang, "område ny a@b.se Namn") == refused
