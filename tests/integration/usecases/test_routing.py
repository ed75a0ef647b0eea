"""The routing of incoming events (bot/usecases/routing.py): a handler for every kind of event and every type of
button, and a button no version of the bot made is answered as an old one, changing nothing."""

from __future__ import annotations

from typing import get_args

from bot.conversation.choices import ChoiceValue
from bot.conversation.messages import InboundKind
from bot.usecases.routing import CHOICE_HANDLERS, EVENT_HANDLERS
from tests.conftest import Bot
from tests.integration.usecases.test_questionnaire import open_week, stored, texts


def test_every_kind_of_event_and_every_type_of_choice_has_a_handler() -> None:
    assert set(EVENT_HANDLERS) == set(get_args(InboundKind))
    assert set(CHOICE_HANDLERS) == set(get_args(ChoiceValue))


def test_a_button_id_that_does_not_decode_is_answered_as_stale_and_changes_nothing(bot: Bot) -> None:
    open_week(bot)
    before = stored(bot, "anna")["state"]
    for junk in ("qx:g:start", "q01:g:start", "c1:v:extra", "f1:x", "zz"):
        out = bot.say("anna", "choice", choice=junk)
        assert "gäller inte längre" in texts(out), junk  # meet.stale
    assert stored(bot, "anna")["state"] == before
    bot.press("anna", "Börja")  # the real button still works
    assert stored(bot, "anna")["state"]["step"] == "level"
