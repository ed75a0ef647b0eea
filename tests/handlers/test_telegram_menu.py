"""The Telegram command menu: every entry is a command the bot takes, for the role it is shown to."""

from __future__ import annotations

import re

import pytest

from bot.commands import ALIASES, COMMANDS
from bot.text import CATALOGUE
from handlers.telegram.runner import COORDINATOR_MENU, MENU_WORDS, REPORTER_MENU

# The commands that are not in COMMANDS because the questionnaire handles them itself.
QUESTIONNAIRE = {"report_me", "edit"}


@pytest.mark.parametrize("name", sorted(set(REPORTER_MENU) | set(COORDINATOR_MENU)))
def test_every_menu_entry_is_a_command_with_text_in_both_languages(name: str) -> None:
    word = MENU_WORDS.get(name, name)
    assert re.fullmatch(r"[a-z0-9_]{1,32}", word), word  # what Telegram accepts as a command
    command = ALIASES.get(word, word)
    assert command == name or (name in QUESTIONNAIRE and command in QUESTIONNAIRE | set(COMMANDS))
    if name not in QUESTIONNAIRE:
        assert command in COMMANDS, f"/{word} is in the menu but the bot has no such command"
    text = CATALOGUE[f"menu.{name}"]
    assert text.get("sv") and text.get("en")
    assert 3 <= len(text["sv"]) <= 256 and 3 <= len(text["en"]) <= 256  # Telegram's description limits


def test_reporters_see_only_what_they_may_use() -> None:
    for name in REPORTER_MENU:
        if name in QUESTIONNAIRE:
            continue
        role, _ = COMMANDS[ALIASES.get(MENU_WORDS.get(name, name), name)]
        assert role in (None, "reporter"), f"{name} needs {role} but is in every reporter's menu"
    assert "mydata" in REPORTER_MENU  # everyone can see what is stored about them
