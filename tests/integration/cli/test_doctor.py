"""`est-bot doctor` against the stand-ins (FakeSlackAPI, FakeTelegramAPI, FakeSMTP): every check passes on a good
installation (exit 0, one ✓ line each), and each check made to fail once gives its ✗ line and exit 1."""

from __future__ import annotations

import json
import os
import shutil
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from typer.testing import CliRunner

from bot.bootstrap import build
from bot.cli import app
from bot.config import load_config
from standins.slack_api import DEFAULT_APP_TOKEN, FakeSlackAPI
from standins.smtp import FakeSMTP, free_port
from standins.telegram_api import DEFAULT_TOKEN, FakeTelegramAPI
from storage.db import make_engine
from storage.migrate import alembic_config, migrate

runner = CliRunner()

SLACK_TOKEN = "xoxb-est-test-token"  # FakeSlackAPI's
WEB_SECRET = "k3Jq9-Vx_2mPz7Lr4Tn8Wb6Yc1Hd5Gf0Ae"
MEETING, QUIET, ARCHIVED = "C0MEETING1", "C0QUIET001", "C0OLD00001"
GROUP_CHAT, MUTED_CHAT = -1001000000001, -1001000000002

CONFIG = """
reports_dir = "{reports}"

[database]
url = "{db_url}"

[slack]
enabled = true
api_url = "{slack_url}"

[telegram]
enabled = true
base_url = "{telegram_url}"
{telegram_extra}

[web]
enabled = true

[email]
enabled = true
host = "127.0.0.1"
port = {smtp_port}
starttls = false
from = "est@trelleborg.example.se"
{email_extra}

[[groups]]
id = "tbg"
name = "Tryggare Trelleborg"

[[groups.areas]]
code = "centrum"
name = "Centrum"

[groups.channels.meeting]
slack = "{slack_channel}"
telegram = {telegram_chat}

[[groups.reporters]]
name = "Sara Samordnare"
role = "coordinator"
slack = "U0SARA0001"

[[groups.reporters]]
name = "Kalle Kvist"
telegram = 4242

[[groups.reporters]]
name = "Eva Ek"
email = "eva@example.se"
{reporter_extra}
"""


@dataclass
class Stands:
    slack: FakeSlackAPI
    telegram: FakeTelegramAPI
    smtp: FakeSMTP
    template: Path  # a SQLite database migrated to head, copied for each test


@pytest.fixture(scope="module")
def stands(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stands]:
    folder = tmp_path_factory.mktemp("doctor")
    template = folder / "template.sqlite"
    engine = make_engine(f"sqlite:///{template}")
    migrate(engine)
    engine.dispose()
    with FakeSlackAPI() as slack, FakeTelegramAPI() as telegram, FakeSMTP() as smtp:
        slack.add_channel(MEETING, name="est-mote")
        slack.add_channel(QUIET, name="est-tyst", is_member=False)
        slack.add_channel(ARCHIVED, name="est-gammal", is_archived=True)
        telegram.add_chat(GROUP_CHAT, type="supergroup", title="EST Trelleborg")
        telegram.add_chat(MUTED_CHAT, type="supergroup", title="EST tyst")
        telegram.set_member(MUTED_CHAT, telegram.bot_id, "restricted", is_member=True, can_send_messages=False)
        yield Stands(slack, telegram, smtp, template)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "EST_SLACK_BOT_TOKEN",
        "EST_SLACK_APP_TOKEN",
        "EST_TELEGRAM_TOKEN",
        "EST_TELEGRAM_WEBHOOK_SECRET",
        "EST_SMTP_PASSWORD",
    ):
        monkeypatch.delenv(name, raising=False)


def write_config(tmp_path: Path, stands: Stands, **changes: object) -> Path:
    db = tmp_path / "est.sqlite"
    shutil.copy(stands.template, db)
    values: dict[str, object] = {
        "reports": tmp_path / "reports",
        "db_url": f"sqlite:///{db}",
        "slack_url": stands.slack.base_url,
        "telegram_url": stands.telegram.base_url,
        "smtp_port": stands.smtp.port,
        "email_extra": "",
        "telegram_extra": "",
        "slack_channel": MEETING,
        "telegram_chat": GROUP_CHAT,
        "reporter_extra": "",
    }
    values.update(changes)
    path = tmp_path / "est.toml"
    path.write_text(CONFIG.format(**values), encoding="utf-8")
    return path


def doctor(cfg: Path, **env: str) -> tuple[int, list[str]]:
    environment = {
        "EST_SLACK_BOT_TOKEN": SLACK_TOKEN,
        "EST_SLACK_APP_TOKEN": DEFAULT_APP_TOKEN,
        "EST_TELEGRAM_TOKEN": DEFAULT_TOKEN,
        "EST_WEB_SECRET": WEB_SECRET,
        **env,
    }
    result = runner.invoke(app, ["doctor", "--config", str(cfg)], env=environment)
    for secret in environment.values():
        assert secret not in result.output
    return result.exit_code, result.output.splitlines()


def failures(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("✗")]


def the_failure(code: int, lines: list[str]) -> str:
    """The one ✗ line of a run that fails only that check."""
    assert code == 1, lines
    (line,) = failures(lines)
    assert lines[-1].startswith("1 of ") and lines[-1].endswith(" checks failed")
    return line


def test_a_good_installation_passes_every_check(tmp_path: Path, stands: Stands) -> None:
    code, lines = doctor(write_config(tmp_path, stands))
    assert code == 0, lines
    checks, summary = lines[:-1], lines[-1]
    assert all(line.startswith("✓ ") for line in checks), lines
    assert summary == f"all {len(checks)} checks passed"
    text = "\n".join(lines)
    for found in (
        "✓ settings ",
        "at revision",
        "writable",
        f"✓ reports folder {tmp_path / 'reports'}: not there yet",
        "✓ group tbg: time zone Europe/Stockholm",
        "next open ",
        ", publish ",
        "✓ Slack: signed in as est-bot in EST Test",
        "✓ Slack: EST_SLACK_APP_TOKEN opens Socket Mode connections",
        f"✓ Slack channel {MEETING} (tbg meeting): the bot is a member and may post",
        "✓ Telegram: signed in as @est_test_bot",
        f"✓ Telegram chat {GROUP_CHAT} (tbg meeting): the bot is a member and may post",
        "✓ web view: EST_WEB_SECRET is set",
        f"✓ SMTP server 127.0.0.1:{stands.smtp.port} (no TLS); nothing sent",
        "✓ group tbg: all 3 people can be reached (slack, telegram, email)",
    ):
        assert found in text
    assert not (tmp_path / "reports").exists()  # the doctor changes nothing


def test_settings_that_do_not_load(tmp_path: Path) -> None:
    cfg = tmp_path / "est.toml"
    cfg.write_text("[database\nurl = 1\n", encoding="utf-8")
    code, lines = doctor(cfg)
    line = the_failure(code, lines)
    assert line.startswith(f"✗ settings: {cfg}: not valid TOML") and "correct the file" in line
    assert len(lines) == 2


def test_a_database_that_does_not_answer(tmp_path: Path, stands: Stands) -> None:
    url = f"postgresql://est:hemligt@127.0.0.1:{free_port()}/est"
    code, lines = doctor(write_config(tmp_path, stands, db_url=url))
    line = the_failure(code, lines)
    assert line.startswith("✗ database: ") and "hemligt" not in line
    assert "cannot open the database" in line and "check that the server runs" in line


def test_a_database_at_an_older_revision(tmp_path: Path, stands: Stands) -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    newest = scripts.get_current_head()
    assert newest is not None
    head = scripts.get_revision(newest)
    assert head is not None
    older = head.down_revision
    assert isinstance(older, str)
    db = tmp_path / "old.sqlite"
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine, older)
    engine.dispose()
    code, lines = doctor(write_config(tmp_path, stands, db_url=f"sqlite:///{db}"))
    line = the_failure(code, lines)
    assert f"is at revision {older}, this est-bot needs {head.revision}" in line
    assert "est-bot migrate" in line


def test_a_reports_folder_that_cannot_be_written(tmp_path: Path, stands: Stands) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    code, lines = doctor(write_config(tmp_path, stands, reports=blocked))
    line = the_failure(code, lines)
    assert line.startswith(f"✗ reports folder {blocked} is not writable") and "reports_dir" in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder all the same")
def test_a_read_only_reports_folder(tmp_path: Path, stands: Stands) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    reports.chmod(0o555)
    try:
        code, lines = doctor(write_config(tmp_path, stands))
    finally:
        reports.chmod(0o755)
    line = the_failure(code, lines)
    assert line.startswith(f"✗ reports folder {reports} is not writable (Permission denied)")


def test_a_wrong_slack_token(tmp_path: Path, stands: Stands) -> None:
    code, lines = doctor(write_config(tmp_path, stands), EST_SLACK_BOT_TOKEN="xoxb-not-the-right-one")
    line = the_failure(code, lines)
    assert line.startswith("✗ Slack refuses EST_SLACK_BOT_TOKEN (invalid_auth)") and "OAuth & Permissions" in line


def test_a_wrong_slack_app_token(tmp_path: Path, stands: Stands) -> None:
    code, lines = doctor(write_config(tmp_path, stands), EST_SLACK_APP_TOKEN="xapp-not-the-right-one")
    line = the_failure(code, lines)
    assert line.startswith("✗ Slack refuses EST_SLACK_APP_TOKEN for Socket Mode (invalid_auth)"), line
    assert "connections:write" in line


def test_a_wrong_telegram_token(tmp_path: Path, stands: Stands) -> None:
    wrong = "7000000001:AAnotTheRightTokenForEstBotTests_0123"
    code, lines = doctor(write_config(tmp_path, stands), EST_TELEGRAM_TOKEN=wrong)
    line = the_failure(code, lines)
    assert line.startswith("✗ Telegram refuses EST_TELEGRAM_TOKEN") and "@BotFather" in line


def test_a_webhook_that_telegram_sends_elsewhere(tmp_path: Path, stands: Stands) -> None:
    ours = "https://est.kommun.example/telegram"
    webhook = f'mode = "webhook"\nwebhook_url = "{ours}"'
    cfg = write_config(tmp_path, stands, telegram_extra=webhook)
    code, lines = doctor(cfg, EST_TELEGRAM_WEBHOOK_SECRET="hemlig_krok")
    assert code == 0, lines
    assert f"✓ Telegram webhook {ours}: not registered yet (`est-bot run` registers it when it starts)" in lines
    other = "https://gamla.kommun.example/telegram"
    set_webhook(stands.telegram, other)
    try:
        code, lines = doctor(cfg, EST_TELEGRAM_WEBHOOK_SECRET="hemlig_krok")
    finally:
        set_webhook(stands.telegram, "")
    line = the_failure(code, lines)
    assert line.startswith(f"✗ Telegram sends the updates to {other}, not to telegram.webhook_url {ours}")
    code, lines = doctor(cfg)
    assert the_failure(code, lines).startswith("✗ Telegram: EST_TELEGRAM_WEBHOOK_SECRET is not set")


def set_webhook(fake: FakeTelegramAPI, url: str) -> None:
    method = "setWebhook" if url else "deleteWebhook"
    body = json.dumps({"url": url} if url else {}).encode()
    request = urllib.request.Request(fake.method_url(method), body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert json.load(answer)["ok"] is True


@pytest.mark.parametrize(
    ("channel", "said"),
    [
        (QUIET, "the bot is not a member: invite it: /invite @est-bot"),
        (ARCHIVED, "is archived"),
        ("C0UNKNOWN1", "Slack answers channel_not_found: invite the bot there"),
    ],
)
def test_a_slack_channel_the_bot_is_not_in(tmp_path: Path, stands: Stands, channel: str, said: str) -> None:
    code, lines = doctor(write_config(tmp_path, stands, slack_channel=channel))
    line = the_failure(code, lines)
    assert line.startswith(f"✗ Slack channel {channel} (tbg meeting)") and said in line


def test_a_telegram_chat_where_the_bot_may_not_post(tmp_path: Path, stands: Stands) -> None:
    code, lines = doctor(write_config(tmp_path, stands, telegram_chat=MUTED_CHAT))
    line = the_failure(code, lines)
    assert line.startswith(f"✗ Telegram chat {MUTED_CHAT} (tbg meeting): the bot may not post there (restricted)")
    assert "lift the bot's restriction" in line


def test_a_telegram_chat_the_bot_has_left(tmp_path: Path, stands: Stands) -> None:
    left = -1001000000003
    stands.telegram.set_member(left, stands.telegram.bot_id, "left")
    code, lines = doctor(write_config(tmp_path, stands, telegram_chat=left))
    line = the_failure(code, lines)
    assert line.startswith(f"✗ Telegram chat {left} (tbg meeting): the bot is not a member (left)")
    assert "add the bot to that group" in line


def test_a_person_who_cannot_be_reached(tmp_path: Path, stands: Stands) -> None:
    extra = '\n[[groups.reporters]]\nname = "Olle Utan"\nconsole = "olle"\n'
    code, lines = doctor(write_config(tmp_path, stands, reporter_extra=extra))
    line = the_failure(code, lines)
    assert line.startswith("✗ group tbg: 1 of 4 people cannot be reached on slack, telegram, email: Olle Utan")
    assert "est-bot invite NAME" in line


def test_a_person_added_in_the_chat_who_cannot_be_reached(tmp_path: Path, stands: Stands) -> None:
    cfg = write_config(tmp_path, stands)
    built = build(load_config(cfg))  # the settings' people synced, as `est-bot run` does
    try:
        with built.services.unit() as uow:
            dana = uow.people.upsert_person("tbg", "Dana Ek", "", "reporter", "sv", True)
            uow.people.link_account("console", "dana", dana.id)  # the terminal reaches nobody
            uow.commit()
    finally:
        built.close()
    code, lines = doctor(cfg)
    line = the_failure(code, lines)
    assert line.startswith("✗ group tbg: 1 of 4 people cannot be reached on slack, telegram, email: Dana Ek")


def test_an_smtp_server_that_is_down(tmp_path: Path, stands: Stands) -> None:
    port = free_port()
    code, lines = doctor(write_config(tmp_path, stands, smtp_port=port))
    line = the_failure(code, lines)
    assert line.startswith(f"✗ SMTP server 127.0.0.1:{port} (no TLS): cannot reach the SMTP server")
    assert "check [email] host and port" in line


def test_an_smtp_login_that_is_refused(tmp_path: Path, stands: Stands) -> None:
    with FakeSMTP(login=("est", "rätt-lösen")) as smtp:
        cfg = write_config(tmp_path, stands, smtp_port=smtp.port, email_extra='username = "est"')
        code, lines = doctor(cfg, EST_SMTP_PASSWORD="fel-lösen")
        assert smtp.messages == []
    line = the_failure(code, lines)
    assert "the server refuses the login (535" in line and "EST_SMTP_PASSWORD" in line


def test_a_missing_sqlite_file_is_said_and_not_created(tmp_path: Path, stands: Stands) -> None:
    db = tmp_path / "data" / "est.sqlite"
    db.parent.mkdir()
    code, lines = doctor(write_config(tmp_path, stands, db_url=f"sqlite:///{db}"))
    line = failures(lines)[0]
    assert code == 1
    assert line == (
        f"✗ database file {db} does not exist: check [database] url (or EST_DATABASE_URL), "
        "or run `est-bot migrate` to create it there"
    )
    assert list(db.parent.iterdir()) == []  # the doctor changes nothing


def test_a_relative_sqlite_path_whose_folder_is_missing_hints_at_four_slashes(
    tmp_path: Path, stands: Stands, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, lines = doctor(write_config(tmp_path, stands, db_url="sqlite:///var/lib/est-bot/est.sqlite"))
    line = failures(lines)[0]
    assert code == 1 and "does not exist" in line
    assert line.endswith("an absolute path needs four slashes: sqlite:////var/lib/…")
    assert not (tmp_path / "var").exists()


def test_a_database_url_from_the_environment_is_named_so(tmp_path: Path, stands: Stands) -> None:
    url = f"postgresql://est:hemligt@127.0.0.1:{free_port()}/est"
    code, lines = doctor(write_config(tmp_path, stands), EST_DATABASE_URL=url)
    line = failures(lines)[0]
    assert code == 1 and "EST_DATABASE_URL names it" in line and "database.url" not in line
    db = tmp_path / "from-env.sqlite"
    code, lines = doctor(write_config(tmp_path, stands), EST_DATABASE_URL=f"sqlite:///{db}")
    assert f"✗ database file {db} does not exist: check EST_DATABASE_URL, or run" in "\n".join(lines)
    assert not db.exists()
