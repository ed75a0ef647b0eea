"""The command line as a person uses it: chat scripted on standard input, the demo, migrate, schedule."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()

CONFIG = """
reports_dir = "{reports}"

[database]
url = "sqlite:///{db}"

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

[groups.channels.meeting]
console = "möte"
"""


def write_config(tmp_path: Path) -> Path:
    path = tmp_path / "est.toml"
    path.write_text(CONFIG.format(db=tmp_path / "est.sqlite", reports=tmp_path / "reports"), encoding="utf-8")
    return path


def test_migrate_creates_the_schema(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    result = runner.invoke(app, ["migrate", "--config", str(cfg)])
    assert result.exit_code == 0, result.output
    from tests.integration.storage.test_storage import head_revision

    assert f"database at revision {head_revision()}" in result.output
    again = runner.invoke(app, ["migrate", "--config", str(cfg)])
    assert again.exit_code == 0 and f"database at revision {head_revision()}" in again.output


def test_scripted_chat_as_coordinator_opens_the_week_and_as_reporter_answers(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    at = ["--at", "2026-11-16T10:00"]  # Monday of week 47, local time
    result = runner.invoke(app, ["chat", "--as", "Sara", "--config", str(cfg), *at], input="/open\nstatus\nquit\n")
    assert result.exit_code == 0, result.output
    assert "är öppen; enkäten har gått ut" in result.output
    assert "Svar: 0 av 1 (0 %)" in result.output and "Har inte svarat: Anna Andersson" in result.output
    script = "rapport\n2\nSkicka\nhjälp\n"
    later = ["--at", "2026-11-16T10:30"]  # each process starts its clock at --at: later runs must say later
    result = runner.invoke(app, ["chat", "--as", "anna", "--config", str(cfg), *later], input=script)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Hej Anna!" in out and "  2. 🟢 Inget att rapportera" in out
    assert "Allt är grönt" in out and "Tack! Din rapport för" in out
    assert "Det här kan du skriva till mig" in out
    result = runner.invoke(
        app, ["chat", "--as", "Sara", "--config", str(cfg), "--at", "2026-11-16T11:00"], input="status\n"
    )
    assert "Svar: 1 av 1 (100 %)" in result.output


def test_chat_as_unknown_person_says_who_is_known(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    result = runner.invoke(app, ["chat", "--as", "Olle", "--config", str(cfg)], input="")
    assert result.exit_code == 2
    assert "Ingen heter Olle. Ange en av dessa med --as (namn eller terminal-id): " in result.output
    assert "Anna Andersson (anna), Sara Samordnare (sara)" in result.output


def test_run_says_which_slack_secret_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("EST_SLACK_BOT_TOKEN", "EST_SLACK_APP_TOKEN", "EST_SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    cfg = write_config(tmp_path)
    base = cfg.read_text()
    cfg.write_text(base.replace("[database]", "[slack]\nenabled = true\n\n[database]"), encoding="utf-8")
    result = runner.invoke(app, ["run", "--config", str(cfg)])
    assert result.exit_code == 2 and "EST_SLACK_BOT_TOKEN" in result.output
    monkeypatch.setenv("EST_SLACK_BOT_TOKEN", "xoxb-1")
    result = runner.invoke(app, ["run", "--config", str(cfg)])
    assert result.exit_code == 2 and "EST_SLACK_APP_TOKEN" in result.output  # Socket Mode is the default
    cfg.write_text(base.replace("[database]", '[slack]\nenabled = true\nmode = "http"\n\n[database]'), encoding="utf-8")
    result = runner.invoke(app, ["run", "--config", str(cfg)])
    assert result.exit_code == 2 and "EST_SLACK_SIGNING_SECRET" in result.output


def test_audit_lists_coordinator_changes(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    runner.invoke(app, ["chat", "--as", "sara", "--config", str(cfg)], input="area add hamnen Hamnen\n")
    result = runner.invoke(app, ["audit", "--config", str(cfg)])
    assert result.exit_code == 0
    assert "Sara Samordnare: area_add {'code': 'hamnen', 'name': 'Hamnen'}" in result.output


def test_audit_of_a_group_that_does_not_exist_says_so(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    result = runner.invoke(app, ["audit", "--config", str(cfg), "--group", "trelleborg"])
    assert result.exit_code == 2
    assert result.output.splitlines() == ["est-bot: --group 'trelleborg': unknown group; allowed: tbg"]


def test_run_starts_the_scheduler_catches_up_and_stops_on_interrupt(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    cfg = write_config(tmp_path)
    exe = Path(sys.executable).parent / "est-bot"
    proc = subprocess.Popen(
        [str(exe), "run", "--config", str(cfg)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 60
        lines: list[str] = []
        while time.monotonic() < deadline:
            line = proc.stdout.readline() if proc.stdout else ""
            lines.append(line)
            if "running: 1 group," in line:
                break
        assert any("running: 1 group," in ln for ln in lines), "".join(lines)
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert "Traceback" not in out


def test_a_new_process_resumes_a_half_answered_questionnaire(tmp_path: Path) -> None:
    """Two real processes over one SQLite file: the first stops mid-questionnaire, the second finishes."""
    import sqlite3
    import subprocess
    import sys

    cfg = write_config(tmp_path)
    exe = str(Path(sys.executable).parent / "est-bot")
    at = ["--at", "2026-11-17T09:00"]

    def chat(who: str, script: str) -> str:
        done = subprocess.run(
            [exe, "chat", "--as", who, "--config", str(cfg), *at],
            input=script,
            text=True,
            capture_output=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    first = chat("anna", "rapport\n1\n" + "1\n" * 4 + "3\n" + "Stortorget\n")  # level 2 on question 5, place
    assert first.rstrip().endswith("  1. Hoppa över") and "Vad hände, och när?" in first  # stopped at the note
    second = chat("anna", "Brand i papperskorg\n")  # the new process asks for the note first: it is typed at once
    assert second.index("Vad hände, och när?") < second.index("> Brand i papperskorg")
    assert "Fråga 6 av 12" in second  # resumed at the note, then the next question: nothing asked twice
    third = chat("anna", "rapport\n" + "1\n" * 7 + "Nej tack\nSkicka\n")  # 7 greens, nothing more, send
    assert "Tack! Din rapport för 2026-W47 är skickad" in third, third
    with sqlite3.connect(tmp_path / "est.sqlite") as db:
        rows = db.execute("SELECT factor, level, note FROM answers").fetchall()
        responses = db.execute("SELECT status, COUNT(*) FROM responses GROUP BY status").fetchall()
    assert len(rows) == 12
    assert [r for r in rows if r[1]] == [("brand", 2, "Brand i papperskorg")]
    assert responses == [("submitted", 1)]


def test_invite_prints_a_link_and_unknown_names_fail_clearly(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    cfg.write_text(cfg.read_text().replace("[database]", '[telegram]\nbot_username = "TryggBot"\n\n[database]'))
    result = runner.invoke(app, ["invite", "Anna Andersson", "--config", str(cfg)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Anna Andersson: https://t.me/TryggBot?start=")
    bad = runner.invoke(app, ["invite", "Olle", "--config", str(cfg)])
    assert bad.exit_code == 2 and "nobody called 'Olle'" in bad.output


def test_web_says_what_is_wrong_with_its_secret_and_its_port(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    cfg = write_config(tmp_path)
    monkeypatch.delenv("EST_WEB_SECRET", raising=False)
    missing = runner.invoke(app, ["web", "--config", str(cfg)])
    assert missing.exit_code == 2 and "needs EST_WEB_SECRET in the environment" in missing.output
    monkeypatch.setenv("EST_WEB_SECRET", " " * 40)
    weak = runner.invoke(app, ["web", "--config", str(cfg)])
    assert weak.exit_code == 2 and "EST_WEB_SECRET is too weak (40 characters)" in weak.output
    monkeypatch.setenv("EST_WEB_SECRET", "s3cret-" + "k" * 10 + "abcdefghijklmnopqrstuvwxyz")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = runner.invoke(app, ["web", "--config", str(cfg), "--port", str(port)])
    assert busy.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}: the port is taken or not allowed" in busy.output
    assert "Traceback" not in busy.output
