"""`dispatch` without a database: the role a command declares is checked before the words' error is told, and a
ParseError is answered in the asker's language. The stand-in engine only records the answers; any use of the
unit of work would fail (there is none)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

import pytest

from bot.commands import dispatch
from bot.conversation.messages import Inbound, Outbound
from bot.domain.model import Person
from bot.ports import UnitOfWork
from bot.services import Ctx, Services
from bot.text import t


class Answers:
    """What `dispatch` needs of `Services` when nothing reaches a use case: `reply`."""

    def __init__(self) -> None:
        self.out: list[Outbound] = []

    def reply(self, ctx: Ctx, out: Outbound) -> None:
        self.out.append(out)


def answer(role: str, lang: str, line: str) -> str:
    command, *args = line.split()
    person = Person(1, "g", "Anna", "", role, lang)
    inbound = Inbound("console", "anna", "command", command=command, args=tuple(args))
    ctx = Ctx(cast(UnitOfWork, None), inbound, person, None, datetime(2026, 3, 18, tzinfo=UTC), "k")
    answers = Answers()
    dispatch(cast(Services, answers), ctx)
    assert len(answers.out) == 1
    return answers.out[0].text


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
