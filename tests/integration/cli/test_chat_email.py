"""`est-bot chat` with e-mail on: the coordinator in the terminal reaches the reporters by e-mail. Their mail is
queued in the shared outbox (and sent by `est-bot run`), so `rapportör ny … | e-post`, `rapportör lista`, `påminn`
and `status` see e-mail as on, as they do in Slack or Telegram inside `run`."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()

CONFIG = """
[database]
url = "sqlite:///{db}"

[web]
enabled = true
base_url = "http://127.0.0.1:8080"
secure_cookies = false

[email]
enabled = {enabled}
host = "127.0.0.1"
port = 2525
starttls = false
from = "est@trelleborg.example.se"

[[groups]]
id = "tbg"
name = "Tryggare Trelleborg"

[[groups.areas]]
code = "centrum"
name = "Centrum"

[[groups.reporters]]
name = "Sara Samordnare"
role = "coordinator"
console = "sara"

[[groups.reporters]]
name = "Erik Nilsson"
areas = ["centrum"]
email = "erik.nilsson@example.se"
"""

SCRIPT = "rapportör ny Dana Ek | Skolan | centrum | dana.ek@example.se\nrapportör lista\npåminn\nstatus\n"


def chat(tmp_path: Path, enabled: bool) -> str:
    cfg = tmp_path / "est.toml"
    cfg.write_text(CONFIG.format(db=tmp_path / "est.sqlite", enabled=str(enabled).lower()), encoding="utf-8")
    env = {"EST_WEB_SECRET": "w" * 48}
    args = ["chat", "--as", "sara", "--config", str(cfg), "--at", "2026-11-17T09:00"]
    result = runner.invoke(app, args, input=SCRIPT, env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_the_terminal_s_coordinator_reaches_reporters_by_e_mail(tmp_path: Path) -> None:
    out = chat(tmp_path, enabled=True)
    assert "Dana Ek får enkäten med e-post (d…@example.se)." in out and "inte påslagen" not in out
    assert "• Dana Ek – Skolan – centrum – rapportör (e-post)" in out
    assert "• Erik Nilsson – – – centrum – rapportör (e-post)" in out
    assert "Påminnelse skickad till 2 rapportörer." in out
    # Tuesday's questionnaire to Erik (the week opened in this process), Dana's the moment she was added, and the
    # two reminders: queued here, sent by `est-bot run`
    assert "Veckans enkät (v. 47) har skickats till Dana Ek med e-post." in out
    assert "✉️ E-post: 4 i kö, 0 stoppade." in out


def test_with_e_mail_off_the_terminal_says_so(tmp_path: Path) -> None:
    out = chat(tmp_path, enabled=False)
    assert "E-post är inte påslagen ([email] i inställningarna), så Dana Ek nås inte förrän den är det." in out
    assert "E-post:" not in out
