"""Language (issue 14 §6): Swedish text holds no English role names, usage lines or command names, English text
no Swedish ones, counted nouns take the right form, and `help` lists every command the person may use.

The first test renders every catalogue string in both languages with sample values; the others play commands
as transcripts and read what each person was answered."""

from __future__ import annotations

import re
import string

import pytest

from bot.commands.parse import COMMANDS
from bot.commands.words import ALIASES
from bot.text import CATALOGUE, LANGUAGES, count, t
from tests.conftest import Bot

# Words only the other language uses: role names, command words and their sub-commands, usage placeholders.
ENGLISH_ONLY = {
    "reporter", "reporters", "participant", "participants", "coordinator", "coordinators",
    "remind", "open", "close", "draft", "picture", "finalize", "finalise", "publish", "report", "edit",
    "language", "pause", "area", "observe", "priority", "actions", "review", "invite", "stats", "followup",
    "forget", "mydata", "help", "add", "remove", "list", "approve", "hide", "done", "ongoing", "off",
    "NAME", "AREA", "FACTOR", "PLACE", "CODE", "YEAR", "FROM", "TO", "ROLE", "YYYY", "Wnn",
}  # fmt: skip
SWEDISH_ONLY = {
    "rapportör", "rapportörer", "mötesdeltagare", "samordnare", "samordnarna",
    "rapport", "rapportera", "ändra", "språk", "sprak", "ledig", "påminn", "öppna", "stäng", "utkast",
    "lägesbild", "fastställ", "publicera", "veckorapport", "område", "observera", "prioritet", "åtgärder",
    "granska", "bjud", "statistik", "exportera", "uppföljning", "glöm", "radera", "minadata", "hjälp",
    "ny", "bort", "lista", "godkänn", "dölj", "klar", "pågår", "av", "redigera",
    "NAMN", "OMRÅDE", "FAKTOR", "PLATS", "KOD", "ÅR", "FRÅN", "TILL", "ROLL", "ÅÅÅÅ", "Vnn",
}  # fmt: skip
FOREIGN = {"sv": ENGLISH_ONLY, "en": SWEDISH_ONLY}
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
FILE_NAME = re.compile(r"\S+\.(?:json|pdf|png|csv|xlsx|html)\b")  # a file's name is an identifier, not text


def foreign_words(lang: str, text: str) -> list[str]:
    """The words of `text` that belong to the other language (upper-case placeholders only as written)."""
    found = []
    for w in WORD.findall(FILE_NAME.sub(" ", text)):
        if w in FOREIGN[lang] or (not w.isupper() and w.lower() in FOREIGN[lang]):
            found.append(w)
    return found


def sample(field: str) -> object:
    """A neutral sample value for a placeholder: digits, a date, a name; no word of either language."""
    if field in ("n", "count", "id", "done", "expected", "late", "rate", "responses", "notes", "weeks", "page"):
        return 3
    return "Xq"


def render(lang: str, key: str) -> str:
    template = CATALOGUE[key][lang]
    fields = {f for _, f, _, _ in string.Formatter().parse(template) if f}
    return template.format(**{f: sample(f) for f in fields})


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_catalogue_string_is_in_its_own_language(lang: str) -> None:
    wrong = {}
    for key in sorted(CATALOGUE):
        words = foreign_words(lang, render(lang, key))
        if words:
            wrong[key] = words
    assert wrong == {}, f"{lang} strings with words of the other language: {wrong}"


def test_the_foreign_word_check_finds_what_the_issue_found() -> None:
    """The check itself: the strings the issue quotes are caught, their corrections are not."""
    assert foreign_words("sv", "Dana Dahl är tillagd (reporter, centrum).") == ["reporter"]
    assert foreign_words("sv", "• Roll: coordinator, organisation: X") == ["coordinator"]
    assert foreign_words("sv", "Så här: reporter add NAME | ORGANISATION") == ["reporter", "add", "NAME"]
    assert foreign_words("sv", "Vill du bli raderad: be en samordnare om forget.") == ["forget"]
    assert foreign_words("en", "On leave until a date: /ledig YYYY-MM-DD") == ["ledig"]
    assert foreign_words("sv", "Dana Dahl är tillagd (rapportör, centrum).") == []
    assert foreign_words("en", "Usage: reporter add NAME | ORGANISATION") == []


# Every command word of each language, with arguments that reach its usage line, its refusals and its answers.
ARGS = {
    "sv": ("", "x", "ny", "ny x | y", "x: y", "lista", "2026-W01", "godkänn 99", "klar 99", "2099-01-01"),
    "en": ("", "x", "add", "add x | y", "x: y", "list", "2026-W01", "approve 99", "done 99", "2099-01-01"),
}
NOT_PLAYED = {"language", "help"}  # language would switch the person's language mid-test; help has its own test


def word(lang: str, name: str) -> str:
    return t(lang, f"word.{name}")


def play_every_command(bot: Bot, who: str, lang: str) -> list[str]:
    answers = []
    for name in sorted(set(COMMANDS) | {"report_me", "edit"}):
        if name in NOT_PLAYED:
            continue
        for args in ARGS[lang]:
            line = f"{word(lang, name)} {args}".strip()
            answers += [f"{line!r} -> {o.text}" for o in bot.cmd(who, line)]
    names = [r.name for g in bot.app.config.groups for r in g.reporters]  # "Sara Samordnare" is a name
    return [re.sub("|".join(map(re.escape, names)), "Xq", a) for a in answers]


@pytest.mark.parametrize(("who", "lang"), [("sara", "sv"), ("anna", "sv"), ("kim", "sv"), ("cecilia", "en")])
def test_every_answer_to_every_command_is_in_the_persons_language(bot: Bot, who: str, lang: str) -> None:
    """A coordinator, a reporter and a participant write every command in their language with wrong, missing
    and right arguments (a reporter is refused most): no answer holds a word of the other language."""
    bot.tick()
    answers = play_every_command(bot, who, lang)
    assert len(answers) > 100
    wrong = [
        (foreign_words(lang, a.split(" -> ", 1)[1]), a) for a in answers if foreign_words(lang, a.split(" -> ", 1)[1])
    ]
    assert wrong == []


def test_an_english_coordinator_is_answered_in_english(bot: Bot) -> None:
    bot.tick()
    bot.cmd("sara", "språk en")
    answers = play_every_command(bot, "sara", "en")
    assert [
        (foreign_words("en", a.split(" -> ", 1)[1]), a) for a in answers if foreign_words("en", a.split(" -> ", 1)[1])
    ] == []
    assert any("Usage: reporter add NAME" in a for a in answers)
    assert "Dana was added (reporter, norr)." in [o.text for o in bot.cmd("sara", "reporter add Dana | Org | norr")]


def test_role_names_and_usage_lines_in_swedish(bot: Bot) -> None:
    out = [o.text for o in bot.cmd("sara", "rapportör ny Dana Dahl | Fältassistenter | norr | samordnare")]
    assert out[0] == "Dana Dahl är tillagd (samordnare, norr)."
    assert "• Dana Dahl – Fältassistenter – norr – samordnare" in bot.cmd("sara", "rapportör lista")[0].text
    assert bot.cmd("sara", "rapportör ny Eva | X | norr | chef")[0].text == (
        "Okänd roll chef; välj rapportör, mötesdeltagare, samordnare, administratör."
    )
    assert bot.cmd("sara", "rapportör")[0].text.startswith("Så här: rapportör ny NAMN | ORGANISATION | OMRÅDE")
    assert bot.cmd("sara", "rapportör ta bort Dana Dahl")[0].text.startswith("Dana Dahl får inga fler enkäter")
    assert bot.cmd("anna", "påminn")[0].text == 'Kommandot "påminn" är bara för samordnare.'
    assert bot.cmd("anna", "ledig Bo Berg 2026-12-01")[0].text == 'Kommandot "ledig NAMN" är bara för samordnare.'
    assert bot.cmd("anna", "minadata")[-1].text.splitlines()[1].startswith("• Roll: rapportör, organisation:")


def test_counted_words_take_the_right_form(bot: Bot) -> None:
    assert [count("sv", "week", n) for n in (0, 1, 2)] == ["0 veckor", "1 vecka", "2 veckor"]
    assert [count("en", "person", n) for n in (1, 5)] == ["1 person", "5 people"]
    assert [count("sv", "response", n) for n in (1, 2)] == ["1 svar", "2 svar"]
    assert [count("sv", "decided_action", n) for n in (1, 2)] == ["1 beslutad åtgärd", "2 beslutade åtgärder"]
    assert [count("en", "cell", n) for n in (1, 12)] == ["1 cell", "12 cells"]
    bot.tick()
    assert bot.cmd("sara", "påminn")[0].text == "Påminnelse skickad till 3 rapportörer."
    bot.cmd("sara", "rapportör bort Bo Berg")
    bot.cmd("sara", "rapportör bort Cecilia Ek")
    assert bot.cmd("sara", "påminn")[0].text == "Påminnelse skickad till 1 rapportör."
    areas = bot.cmd("sara", "område lista")[0].text.splitlines()
    assert areas == ["• centrum – Centrum (2 platser, 1 rapportör)", "• norr – Norr (1 plats, 0 rapportörer)"]
    mine = bot.cmd("anna", "minadata")[-1].text
    assert "• Svar: 1 vecka, 0 anteckningar" in mine and "gallras efter 26 veckor" in mine


def help_words(text: str) -> set[str]:
    """The command words help lists: the first word of each bullet, and of each alternative after / or ·."""
    words = set()
    for line in text.splitlines():
        if line.startswith("• "):
            for part in re.split(r" / | · ", line[2:]):
                words.add(part.split()[0])
    return words


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("who", ["anna", "kim", "sara"])
def test_help_lists_every_command_the_persons_role_may_use_and_no_other(bot: Bot, who: str, lang: str) -> None:
    if lang == "en":
        bot.cmd(who, "språk en")
    with bot.app.services.unit() as uow:
        person = uow.people.person_by_account("console", who)
    assert person is not None
    allowed = {"report_me", "edit"} | {
        n for n, kind in COMMANDS.items() if kind.role is None or person.has_role(kind.role)
    }
    listed = help_words("\n".join(o.text for o in bot.cmd(who, word(lang, "help"))))
    assert listed == {word(lang, n) for n in allowed}
    for name in allowed:  # and each word it lists is one the bot takes
        w = word(lang, name)
        assert ALIASES.get(w, w) == name or (name == "report_me" and ALIASES.get(w, w) in ("report", "report_me"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_swedish_word_help_shows_is_a_command_in_the_console(lang: str) -> None:
    """Help's words typed bare in `est-bot chat` are commands, not free text."""
    from handlers.console.edge import parse_line

    for name in set(COMMANDS) | {"report_me", "edit"}:
        if lang == "sv" or name in ("draft", "publish"):
            inbound = parse_line(word(lang, name), "sara", [], False)
            assert inbound is not None and inbound.kind == "command", (lang, name)
