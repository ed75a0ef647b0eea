"""The words of the commands in Swedish and English: command names, roles, and what `export` writes."""

from __future__ import annotations

from bot.text import CATALOGUE, LANGUAGES

FOLD = str.maketrans("åäöÅÄÖ", "aaoAAO")

#: Swedish and English words for the same command, derived from the catalogue: each command's `word.<name>` in
#: every language, the other words in `word.<name>.also` (space-separated), and each of those without å, ä, ö
#: (what Telegram's command menu can hold, and what a keyboard without them types). A command's own name is
#: never made another command's word (`report` is the English `word.report_me` but stays `report`).
ALIASES: dict[str, str] = {}


def fold(word: str) -> str:
    """A word without å, ä, ö."""
    return word.translate(FOLD)


def words_of(name: str) -> list[str]:
    """Every word of the command `name` in the catalogue, each language's main word first."""
    main = CATALOGUE[f"word.{name}"]
    also = CATALOGUE.get(f"word.{name}.also", {})
    return [main[lang] for lang in LANGUAGES] + [w for lang in LANGUAGES for w in also.get(lang, "").split()]


def closest(word: str) -> list[str]:
    """The commands (their names) a mistyped word likely meant, the likeliest first ('statsu' -> stats, status);
    none for a word like no command's. Which of them the asker may use is the caller's to say
    (`bot.usecases.roles.likely_meant`)."""
    import difflib

    known = {name: name for name in command_names() if "_" not in name} | ALIASES
    found: list[str] = []
    for match in difflib.get_close_matches(word.casefold(), list(known), n=8, cutoff=0.75):
        if known[match] not in found:
            found.append(known[match])
    return found


def command_names() -> list[str]:
    """The commands the catalogue has words for, in its order."""
    return [key.removeprefix("word.") for key in CATALOGUE if key.startswith("word.") and not key.endswith(".also")]


def _aliases() -> dict[str, str]:
    names = command_names()
    found: dict[str, str] = {}
    for name in names:
        for word in words_of(name):
            for variant in (word, fold(word)):
                if variant != name and variant not in names:
                    found.setdefault(variant, name)
    return found


# "add" in a command (`reporter add`, `priority add`), in either language.
ADD = ("add", "lägg", "ny")

# A role as written in a command, in either language.
ROLE_WORDS = {
    "rapportör": "reporter",
    "rapportor": "reporter",
    "mötesdeltagare": "participant",
    "motesdeltagare": "participant",
    "deltagare": "participant",
    "samordnare": "coordinator",
    "administratör": "admin",
    "administrator": "admin",
}

# What `export` writes, in either language.
KIND_WORDS = {
    "answers": "answers",
    "svar": "answers",
    "pictures": "pictures",
    "lägesbilder": "pictures",
    "lagesbilder": "pictures",
    "actions": "actions",
    "åtgärder": "actions",
    "atgarder": "actions",
    "all": "all",
    "allt": "all",
    "alla": "all",
}


ALIASES.update(_aliases())
