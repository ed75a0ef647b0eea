"""The Telegram command menu: every entry is a command the bot takes, for the role it is shown to."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.commands.parse import COMMANDS
from bot.commands.words import ALIASES
from bot.text import CATALOGUE
from handlers.telegram.runner import COORDINATOR_MENU, REPORTER_MENU, menu_word, set_menu

# The commands that are not in COMMANDS because the questionnaire handles them itself.
QUESTIONNAIRE = {"report_me", "edit"}


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("name", sorted(set(REPORTER_MENU) | set(COORDINATOR_MENU)))
def test_every_menu_entry_is_a_command_with_text_in_both_languages(name: str, lang: str) -> None:
    word = menu_word(lang, name)
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
        role = COMMANDS[ALIASES.get(menu_word("sv", name), name)].role
        assert role in (None, "reporter"), f"{name} needs {role} but is in every reporter's menu"
    assert "mydata" in REPORTER_MENU  # everyone can see what is stored about them


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_each_language_menu_has_its_own_words_once_and_every_coordinator_command(lang: str) -> None:
    words = [menu_word(lang, n) for n in COORDINATOR_MENU]
    assert len(words) == len(set(words))
    assert set(COMMANDS) - {"report_me"} <= set(COORDINATOR_MENU)  # draft and publish too
    if lang == "sv":
        assert {"utkast", "publicera", "paminn", "stang"} <= set(words) and "remind" not in words
    else:
        assert {"draft", "publish", "remind", "close"} <= set(words) and "ledig" not in words


def test_the_menu_reaches_telegram_in_both_languages(tmp_path: Path) -> None:
    """set_menu against the stand-in server: the Swedish menu (default) and the English one, for reporters and in
    a coordinator's chat."""
    from tests.integration.handlers.telegram.test_faults import SARA, Rig, run

    async def body(r: Rig) -> None:
        await set_menu(r.tg, [SARA])
        sv = [c["command"] for c in r.fake.commands()]
        en = [c["command"] for c in r.fake.commands(language_code="en")]
        assert sv[:3] == ["rapport", "andra", "ledig"] and en[:3] == ["report", "edit", "pause"]
        chat = {"type": "chat", "chat_id": SARA}
        coordinator_sv = {c["command"]: c["description"] for c in r.fake.commands(chat)}
        coordinator_en = {c["command"]: c["description"] for c in r.fake.commands(chat, "en")}
        assert coordinator_sv["utkast"] == "Lägg ut utkastet till lägesbild nu"
        assert coordinator_sv["publicera"] == "Skicka ut veckorapporten nu"
        assert coordinator_en["draft"] == "Post the draft situation picture now"
        assert coordinator_en["publish"] == "Send out the weekly report now"

    run(tmp_path, body)
