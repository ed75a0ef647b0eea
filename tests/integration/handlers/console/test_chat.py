"""`est-bot chat` as real processes over one database (SQLite and PostgreSQL): each process starts where the last one
left off and shows the question waiting before it reads a line; every command `help` lists works by its bare word;
a label works without its emoji; the console id the bot names works with `--as`; a removed person is told so."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from bot.conversation.messages import Choice
from handlers.console.edge import parse_line

EXE = str(Path(sys.executable).parent / "est-bot")

CONFIG = """
reports_dir = "{reports}"

[database]
url = "{url}"

[[groups]]
id = "tbg"
name = "Tryggare Trelleborg"

[[groups.areas]]
code = "centrum"
name = "Centrum"
places = ["Stortorget"]

[[groups.reporters]]
name = "Anna Andersson"
organisation = "Trygghetsvärdar"
areas = ["centrum"]
console = "anna"

[[groups.reporters]]
name = "Sara Samordnare"
role = "coordinator"
console = "sara"

[[groups.reporters]]
name = "Kim Polis"
role = "participant"

[groups.channels.meeting]
console = "möte"
"""


@pytest.fixture
def config(tmp_path: Path, db_url: str) -> Path:
    path = tmp_path / "est.toml"
    path.write_text(CONFIG.format(url=db_url, reports=tmp_path / "reports"), encoding="utf-8")
    return path


def chat(config: Path, who: str, script: str, at: str, code: int = 0) -> str:
    done = subprocess.run(
        [EXE, "chat", "--as", who, "--config", str(config), "--at", at],
        input=script,
        text=True,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == code, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    return done.stdout


def before_input(out: str) -> str:
    """What the process printed before it read its first line."""
    return out.split("\n> ", 1)[0]


def test_a_new_process_shows_the_waiting_question_so_a_first_1_answers_it(config: Path) -> None:
    chat(config, "sara", "open\n", "2026-11-16T10:00")  # Monday: the coordinator opens week 47
    first = chat(config, "anna", "", "2026-11-16T10:05")  # nothing typed: the greeting is shown all the same
    assert "Hej Anna! Dags för veckans EST-rapport (2026-W47)" in first and "  1. ▶️ Börja" in first
    second = chat(config, "anna", "1\n", "2026-11-16T10:10")  # a new process: "1" is Börja
    assert "Hej Anna! Dags för veckans EST-rapport" in before_input(second)
    assert "Fråga 1 av 12" in second.split("> 1", 1)[1]
    third = chat(config, "anna", "1\n", "2026-11-16T10:15")  # question 1 waits: "1" is its green level
    assert "Fråga 1 av 12" in before_input(third)
    assert "Fråga 2 av 12" in third.split("> 1", 1)[1]
    assert "Välj ett av alternativen" not in second + third
    fourth = chat(config, "anna", "", "2026-11-16T10:20")
    assert "Fråga 2 av 12" in before_input(fourth)  # answered once: asked where it stopped, nothing twice
    chat(config, "anna", "rapport\n" + "1\n" * 11 + "Nej tack\nSkicka\n", "2026-11-16T10:25")
    done = chat(config, "anna", "", "2026-11-16T10:30")
    assert "Fråga" not in done and "Dags för" not in done  # nothing is waiting once the report is sent


def test_a_reporter_on_leave_who_began_is_shown_the_waiting_question_too(config: Path) -> None:
    chat(config, "sara", "open\n", "2026-11-16T10:00")
    chat(config, "anna", "1\n1\n", "2026-11-16T10:05")  # Börja, then question 1 answered
    chat(config, "anna", "ledig 2026-12-20\n", "2026-11-16T10:10")  # on leave: no more questions sent
    again = chat(config, "anna", "1\n", "2026-11-16T10:15")  # but what she began waits for her
    assert "Fråga 2 av 12" in before_input(again)
    assert "Fråga 3 av 12" in again.split("> 1", 1)[1] and "Välj ett av alternativen" not in again


def test_labels_without_their_emoji_in_a_new_process(config: Path) -> None:
    chat(config, "sara", "öppna\n", "2026-11-16T10:00")
    typed = unicodedata.normalize("NFD", "Börja")  # as some terminals send it: "o" and a combining diaeresis
    out = chat(config, "anna", typed + "\n", "2026-11-16T10:05")  # the label of "▶️ Börja", without its emoji
    assert "Fråga 1 av 12" in out.split("\n> ", 1)[1]
    out = chat(config, "anna", "1\ntillbaka\n", "2026-11-16T10:10")  # "⬅️ Tillbaka", in lower case
    after = out.split("> tillbaka", 1)[1]
    assert "Fråga 1 av 12" in after and "Välj ett av alternativen" not in out


def test_a_level_typed_as_its_words_without_its_digit(config: Path) -> None:
    chat(config, "sara", "öppna\n", "2026-11-16T10:00")
    out = chat(config, "anna", "Börja\nEnstaka händelser\nåterkommande\n", "2026-11-16T10:05")
    assert "  2. 🟡 1 Enstaka händelser" in out  # as the level is shown: its digit after the emoji
    assert "Fråga 2 av 12" in out.split("> Enstaka händelser", 1)[1]
    assert "Skadegörelse: Återkommande.\nVar?" in out.split("> återkommande", 1)[1]
    assert "Välj ett av alternativen" not in out


def test_new_place_asks_for_the_name_and_its_label_without_the_aside_is_no_place(config: Path) -> None:
    chat(config, "sara", "öppna\n", "2026-11-16T10:00")
    out = chat(config, "anna", "Börja\nÅterkommande\nNy plats\nVid kiosken\n", "2026-11-16T10:05")
    assert "  2. ✏️ Ny plats (skriv)" in out
    after = out.split("> Ny plats", 1)[1]  # the button's words as read, not a place called "Ny plats"
    assert after.startswith(
        "\n\nbot (uppdaterad):\nHot och våld: Återkommande.\nSkriv namnet på den nya platsen (en gata, ett torg, "
        "en skola; inte en person).\n"
    )
    assert "Vad hände, och när?" in out.split("> Vid kiosken", 1)[1]
    summary = chat(config, "anna", "Hoppa över\n" + "1\n" * 11 + "Nej tack\n", "2026-11-16T10:10")
    assert "🟠 Hot och våld: Återkommande – Vid kiosken\n" in summary and "Ny plats –" not in summary


def test_help_while_the_bot_waits_for_a_note_is_help_and_no_note(config: Path) -> None:
    chat(config, "sara", "öppna\n", "2026-11-16T10:00")
    out = chat(config, "anna", "Börja\n3\n1\nhjälp\nBråk vid torget\n", "2026-11-16T10:05")
    after = out.split("> hjälp", 1)[1].split("> Bråk vid torget", 1)[0]
    assert after.startswith("\n\nbot:\nDet här kan du skriva till mig:\n")
    assert "Fråga 2 av 12" not in after  # the note is still asked for
    assert "Fråga 2 av 12" in out.split("> Bråk vid torget", 1)[1]
    summary = chat(config, "anna", "1\n" * 11 + "Nej tack\n", "2026-11-16T10:10")
    assert "🟠 Hot och våld: Återkommande – Stortorget (Bråk vid torget)\n" in summary


def test_a_question_shown_again_is_marked_in_the_persons_language(config: Path) -> None:
    chat(config, "sara", "öppna\n", "2026-11-16T10:00")
    out = chat(config, "anna", "language en\nreport\nStart\n", "2026-11-16T10:05")
    assert "\n\nbot (updated):\nQuestion 1 of 12\nThreats, violence, robbery\n" in out.split("> Start", 1)[1]
    assert "uppdaterad" not in out


def test_a_reader_that_goes_away_ends_chat_without_a_traceback(config: Path) -> None:
    """`est-bot chat … | head`: once head has its lines, chat stops writing and ends quietly."""
    proc = subprocess.Popen(
        [EXE, "chat", "--as", "sara", "--config", str(config), "--at", "2026-11-16T10:00"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    proc.stdin.write("hjälp\n" * 300)  # far more than a pipe holds: chat is still writing when the reader leaves
    proc.stdin.close()
    first = proc.stdout.readline()
    proc.stdout.close()
    errors = proc.stderr.read()
    assert proc.wait(60) == 0
    assert first.startswith("Du är Sara Samordnare, samordnare i Tryggare Trelleborg.")
    assert errors == ""


def test_a_mistyped_bare_command_is_told_what_it_likely_was(config: Path) -> None:
    out = chat(config, "sara", "statsu\n", "2026-11-16T10:00")
    assert out.split("> statsu\n\nbot:\n", 1)[1].startswith(
        "Jag förstod inte ”statsu”. Menade du statistik eller status?\n"
    )


def test_a_mistyped_bare_word_is_not_told_as_a_command_the_person_may_not_use(config: Path) -> None:
    """Kim, a participant without a questionnaire, is not pointed to stats or status, which are a coordinator's."""
    out = chat(config, "Kim", "statsu\n", "2026-11-16T10:00")
    assert out.split("> statsu\n\nbot:\n", 1)[1].startswith(
        "Jag förstod inte ”statsu”: det är inget kommando, och du har ingen enkät att svara på.\n"
    )


def _help_words(help_text: str) -> list[str]:
    """The command words a help text lists: the first word of each item and of each part after ' · ' or ' / '."""
    words: list[str] = []
    for line in help_text.splitlines():
        if not line.startswith("• "):
            continue
        for part in re.split(r" · | / ", line[2:]):
            word = part.split()[0] if part.split() else ""
            if re.fullmatch(r"[a-zåäö]+", word):
                words.append(word)
    return list(dict.fromkeys(words))


def test_every_command_help_lists_works_by_its_bare_word(config: Path) -> None:
    out = chat(config, "sara", "help\nlanguage en\nhelp\nsprak sv\n", "2026-11-16T10:00")
    words = _help_words(out)
    for expected in ("status", "export", "followup", "stats", "rapport", "ändra", "report", "edit", "language"):
        assert expected in words, words
    choices = [Choice("q1:g:start", "▶️ Börja")]
    for word in words:
        bare = parse_line(word, "sara", choices, expects_text=False)
        slash = parse_line("/" + word, "sara", choices, expects_text=False)
        assert bare is not None and bare.kind == "command" and bare == slash, word
    # In a real process, the three that only worked with "/" before answer as commands do.
    out = chat(config, "sara", "export\nfollowup\nstats\n", "2026-11-16T10:05")
    assert out.count("Okänt kommando") == 0 and "Det här kan du skriva" not in out.split("> export", 1)[1]
    assert "Export 2026-W" in out and "Uppföljning 2026" in out and "Månadsuppföljning" in out


def test_the_console_id_the_bot_names_works_with_as(config: Path) -> None:
    out = chat(config, "sara", "reporter add Dana Ek | Fastighetsbolaget | centrum\n", "2026-11-16T10:00")
    handle = re.search(r'I terminalen heter Dana Ek "([^"]+)"', out)
    assert handle is not None, out
    out = chat(config, handle.group(1), "hjälp\n", "2026-11-16T10:05")
    assert out.startswith("Du är Dana Ek, rapportör i Tryggare Trelleborg.")
    # A person of the configuration without a console id: by first name, and then by the id the bot names.
    out = chat(config, "Kim", "", "2026-11-16T10:10")
    assert out.startswith("Du är Kim Polis, mötesdeltagare i Tryggare Trelleborg.")
    unknown = chat(config, "Olle", "", "2026-11-16T10:15", code=2)
    named = re.findall(r"Kim Polis \(([^)]+)\)", unknown)
    assert named, unknown
    out = chat(config, named[0], "", "2026-11-16T10:20")
    assert out.startswith("Du är Kim Polis, mötesdeltagare")


def test_a_removed_person_is_told_at_start(config: Path) -> None:
    chat(config, "sara", "reporter remove Anna Andersson\n", "2026-11-16T10:00")
    out = chat(config, "anna", "1\nstatus\n", "2026-11-16T10:05", code=2)
    assert out == (
        "est-bot: Anna Andersson är borttagen ur Tryggare Trelleborg och kan inte använda boten längre. "
        "Tidigare svar finns kvar. Om det är fel: be en samordnare att lägga till Anna Andersson igen.\n"
    )
    out = chat(config, "Anna Andersson", "", "2026-11-16T10:10", code=2)
    assert "är borttagen" in out
