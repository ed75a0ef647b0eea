"""Every `est-bot` command logs through the one protected set-up (bot/logs.py, installed in bot/cli.py), and
nothing a person typed reaches the terminal unmasked: real `est-bot chat` and `est-bot import` processes, fed
personal data, at EST_LOG_LEVEL=DEBUG, with their stdout and stderr searched."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from tests.integration.cli.test_cli import write_config

EXE = str(Path(sys.executable).parent / "est-bot")

# What people type: personal identity numbers, phone numbers and e-mail addresses in their common forms.
PERSONNUMMER = ("19811218-9876", "811218-9876", "1981-12-18-9876", "198112189876")
PHONES = ("070-123 45 67", "070.123.45.67", "08.123.456.78", "+46 70 765 43 21", "0701112233")
EMAILS = ("anna.svensson@exempel.se", "anna(at)exempel.se", "kalle [at] exempel [dot] se")
# A line of the protected log: "2026-12-05 06:30:00,123 INFO bot.usecases.cycle: …".
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) [\w.-]+: ")


def leaks(output: str) -> list[str]:
    """The corpus values found in `output`, as written or as their bare digits (separators taken out)."""
    squeezed = re.sub(r"[\s.\-+()]", "", output)
    found = [v for v in (*PERSONNUMMER, *PHONES, *EMAILS) if v in output]
    found += [v for v in (*PERSONNUMMER, *PHONES) if re.sub(r"\D", "", v)[-9:] in squeezed]
    found += [v for v in ("svensson@", "anna(at)", "kalle [at]", "exempel [dot]") if v in output]
    return found


def est_bot(*args: str, script: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EST_LOG_LEVEL": "DEBUG"}
    return subprocess.run([EXE, *args], input=script, text=True, capture_output=True, timeout=120, env=env)


def test_chat_logs_through_the_protected_set_up_and_shows_nothing_personal(tmp_path: Path, db_url: str) -> None:
    path = write_config(tmp_path)
    path.write_text(re.sub(r'url = ".*"', f'url = "{db_url}"', path.read_text(encoding="utf-8")), encoding="utf-8")
    cfg = str(path)
    coordinator = "\n".join(
        [
            "/open",
            f"area add {PERSONNUMMER[0]} Hamnen",
            f"reporter add {EMAILS[0]} | Trygghetsvärdar",
            f"observe centrum Ring {PHONES[1]} eller {EMAILS[1]} om bråken",
            f"hej {PERSONNUMMER[1]} {PHONES[2]}",
            f"pause Anna {PERSONNUMMER[2]}",
            "quit",
        ]
    )
    sara = est_bot("chat", "--as", "sara", "--config", cfg, "--at", "2026-11-16T10:00", script=coordinator)
    # level 2 on question 5 (the bot asks where), a new place, then the note with the rest of the corpus
    note = f"Brand, ring {PHONES[0]} / {PHONES[3]}, {PHONES[4]} eller {EMAILS[2]}; pnr {PERSONNUMMER[3]}"
    answers = "rapport\n" + "1\n" * 4 + "3\n" + "Stortorget\n" + note + "\n"
    anna = est_bot("chat", "--as", "anna", "--config", cfg, "--at", "2026-11-16T10:30", script=answers)
    stranger = est_bot("chat", "--as", PERSONNUMMER[0], "--config", cfg)

    assert sara.returncode == 0 and anna.returncode == 0, sara.stderr + anna.stderr
    assert stranger.returncode == 2 and "[personnummer]" in stranger.stdout
    # The set-up is the protected one, at the level asked for: the phase step is logged in its format …
    log = sara.stderr.splitlines()
    assert any(LOG_LINE.match(line) and line.endswith("INFO bot.usecases.cycle: tbg 2026-W47 -> open") for line in log)
    assert "Traceback" not in sara.stderr + anna.stderr + stranger.stderr
    # … and no process printed a value of the corpus, neither in the bot's answers, nor in the echo of the
    # script, nor in a log line; what was typed arrived masked, with the rest of the note.
    for proc in (sara, anna, stranger):
        assert leaks(proc.stdout + proc.stderr) == [], proc.stdout + proc.stderr
    assert "> observe centrum Ring [telefon] eller [e-post] om bråken" in sara.stdout
    assert "Brand, ring [telefon] / [telefon], [telefon] eller [e-post]; pnr [personnummer]" in anna.stdout


def test_import_logs_through_the_protected_set_up_and_shows_nothing_personal(tmp_path: Path) -> None:
    cfg = str(write_config(tmp_path))
    good = tmp_path / "brott.csv"
    good.write_text(
        "Datum;Brottskategori;Antal;Plats\n"
        f"2026-11-02;Misshandel, vittne {PHONES[0]};3;Stortorget vid {EMAILS[0]}\n"
        f"2026-11-03;Skadegörelse;5;Parken, {PERSONNUMMER[2]} och {EMAILS[1]}\n",
        encoding="utf-8",
    )
    bad = tmp_path / "fel.csv"
    bad.write_text(f"Datum;Brottskategori;Antal\n2026-11-02;Stöld;{PHONES[1]}\n", encoding="utf-8")

    imported = est_bot("import", "police", str(good), "--config", cfg)
    refused = est_bot("import", "police", str(bad), "--config", cfg)
    wrong_group = est_bot("import", "police", str(good), "--config", cfg, "--group", PERSONNUMMER[1])

    assert imported.returncode == 0, imported.stderr
    assert "masked in 3 fields" in imported.stdout
    assert refused.returncode == 1 and "'[telefon]' is not a whole number" in refused.stderr
    assert wrong_group.returncode == 2 and "--group '[personnummer]': unknown group" in wrong_group.stderr
    for proc in (imported, refused, wrong_group):
        assert "Traceback" not in proc.stderr
        assert leaks(proc.stdout + proc.stderr) == [], proc.stdout + proc.stderr
        # whatever reaches stderr besides the command's one line is a line of the protected log
        assert all(LOG_LINE.match(line) or line.startswith("est-bot: ") for line in proc.stderr.splitlines())


def test_a_command_that_fails_does_not_print_what_was_typed(tmp_path: Path) -> None:
    # A database in a folder that does not exist: however the failure is told, the values of the command line
    # (a traceback's local variables, say) are not printed with it.
    path = write_config(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace(str(tmp_path), str(tmp_path / "nej")), encoding="utf-8")

    failed = est_bot("chat", "--as", PERSONNUMMER[0], "--config", str(path), "--at", "2026-11-16T10:00")

    assert failed.returncode != 0
    assert leaks(failed.stdout + failed.stderr) == [], failed.stderr


def test_a_log_level_nobody_knows_is_one_clear_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["schedule", "--config", str(write_config(tmp_path))], env={"EST_LOG_LEVEL": "loud"}
    )
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "est-bot: EST_LOG_LEVEL='LOUD': allowed: DEBUG, INFO, WARNING, ERROR, CRITICAL"
    ]
