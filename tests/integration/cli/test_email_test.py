"""`est-bot email test ADDRESS`: one test e-mail to the recording SMTP server, each step's answer printed, and one
clear line for each way it can fail."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from standins.smtp import FakeSMTP, free_port

runner = CliRunner()

CONFIG = """
[database]
url = "sqlite:///{db}"

[email]
host = "127.0.0.1"
port = {port}
starttls = false
from = "est@trelleborg.example.se"
from_name = "EST Trelleborg"
{extra}

[[groups]]
id = "tbg"
name = "Tryggare Trelleborg"
language = "{lang}"

[[groups.areas]]
code = "centrum"
name = "Centrum"

[[groups.reporters]]
name = "Sara Samordnare"
role = "coordinator"
console = "sara"
"""


def write_config(tmp_path: Path, port: int, extra: str = "", lang: str = "sv") -> Path:
    path = tmp_path / "est.toml"
    text = CONFIG.format(db=tmp_path / "est.sqlite", port=port, extra=extra, lang=lang)
    path.write_text(text, encoding="utf-8")
    return path


def email_test(cfg: Path, address: str = "kalle@example.se", password: str | None = None) -> tuple[int, str]:
    env = {"EST_SMTP_PASSWORD": password} if password is not None else {}
    result = runner.invoke(app, ["email", "test", address, "--config", str(cfg)], env=env)
    return result.exit_code, result.output


def test_the_server_takes_it_and_every_step_is_shown(tmp_path: Path) -> None:
    with FakeSMTP(login=("est", "rätt-lösen")) as smtp:
        cfg = write_config(tmp_path, smtp.port, 'username = "est"')
        code, output = email_test(cfg, password="rätt-lösen")
        (got,) = smtp.wait_for(1)
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0].startswith(f"SMTP server 127.0.0.1:{smtp.port} (no TLS), from est@trelleborg.example.se")
    assert lines[1].startswith("  connect: 220 standin.smtp.local")
    steps = [line.split(":", 1)[0].strip() for line in lines[1:-1]]
    assert steps == ["connect", "EHLO", "AUTH", "MAIL FROM", "RCPT TO", "DATA"]
    assert "  AUTH: 235" in output and "lösen" not in output  # the answer, never the password
    assert lines[-1].startswith("accepted: 250 2.0.0 Ok: queued as")
    msg = got.message
    assert got.rcpt_tos == ("kalle@example.se",)
    assert str(msg["Subject"]) == "EST: ett prov-e-brev"
    assert str(msg["Content-Language"]) == "sv"
    assert str(msg["Message-ID"]) in lines[0]
    plain = msg.get_body(("plain",))
    assert plain is not None and plain.get_content().startswith("Det här är ett prov-e-brev från est-bot.")


def test_in_the_groups_language(tmp_path: Path) -> None:
    with FakeSMTP() as smtp:
        code, output = email_test(write_config(tmp_path, smtp.port, lang="en"))
        (got,) = smtp.wait_for(1)
    assert code == 0, output
    assert str(got.message["Subject"]) == "EST: a test e-mail"


def test_a_refused_login_says_what_to_fix(tmp_path: Path) -> None:
    with FakeSMTP(login=("est", "rätt-lösen")) as smtp:
        code, output = email_test(write_config(tmp_path, smtp.port, 'username = "est"'), password="fel-lösen")
        assert smtp.messages == []
    assert code == 1
    last = output.strip().splitlines()[-1]
    assert last.startswith("est-bot: the server refuses the login (535 5.7.8 Authentication credentials invalid)")
    assert "EST_SMTP_PASSWORD" in last and "lösen" not in output


def test_a_missing_password_is_one_line(tmp_path: Path) -> None:
    code, output = email_test(write_config(tmp_path, free_port(), 'username = "est"'), password=None)
    assert code == 2
    assert output.strip() == "est-bot: [email] username is set but EST_SMTP_PASSWORD is not set in the environment"


def test_a_server_that_is_not_there(tmp_path: Path) -> None:
    port = free_port()
    code, output = email_test(write_config(tmp_path, port))
    assert code == 1
    assert (
        output.strip()
        .splitlines()[-1]
        .startswith(f"est-bot: cannot reach the SMTP server 127.0.0.1:{port} (ConnectionRefusedError")
    )
    assert "check [email] host and port" in output


def test_a_550_for_the_address(tmp_path: Path) -> None:
    with FakeSMTP() as smtp:
        smtp.refuse.add("okand@example.se")
        code, output = email_test(write_config(tmp_path, smtp.port), "okand@example.se")
        assert smtp.messages == []
    assert code == 1
    assert "  RCPT TO: 550 5.1.1" in output
    last = output.strip().splitlines()[-1]
    assert last.startswith("est-bot: the server refuses the address (550 5.1.1")
    assert "okand@example.se" not in last  # masked, as every line the bot prints about an address it did not mean


@pytest.mark.parametrize("address", ["inte-en-adress", "två@@example.se"])
def test_not_an_address(tmp_path: Path, address: str) -> None:
    code, output = email_test(write_config(tmp_path, free_port()), address)
    assert code == 2
    assert "is not an e-mail address" in output


def test_a_swedish_domain_goes_in_its_ascii_form_and_a_non_ascii_own_part_is_one_clear_line(tmp_path: Path) -> None:
    with FakeSMTP() as smtp:
        cfg = write_config(tmp_path, smtp.port)
        code, output = email_test(cfg, "kalle@malmö.se")
        assert code == 0, output
        (got,) = smtp.wait_for(1)
        assert list(got.rcpt_tos) == ["kalle@xn--malm-8qa.se"]
        code, output = email_test(cfg, "åsa@example.se")
    assert code == 2 and output.strip() == (
        "est-bot: the address's part before @ is not ASCII: only SMTPUTF8 carries that, and est-bot does not use it"
    )
