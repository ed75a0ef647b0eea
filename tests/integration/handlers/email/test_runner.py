"""`EmailRunner` in `est-bot run`: the scheduler's fan-out goes out through the runner's drain loop without any
event coming in; stopping ends the loop and closing the SMTP connection. And its wiring in `est-bot run`."""

from __future__ import annotations

import asyncio
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from bot.cli_run import _runners
from bot.config import Secrets, load_config
from bot.conversation.mail import EMAIL
from bot.conversation.messages import Outbound
from bot.ratelimit import RateLimiter
from handlers.email.runner import EmailRunner
from handlers.email.transport import SmtpTransport
from standins.smtp import FakeSMTP
from tests.conftest import Bot
from tests.integration.handlers.email.conftest import LINKS, FakeTime, Mail, email_config

WEB_SECRET = "Zq8-runner-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz"


class Counting(SmtpTransport):
    """The real transport, counting how often it was closed."""

    closed = 0

    def close(self) -> None:
        self.closed += 1
        super().close()


def test_the_runner_sends_what_is_queued_and_closes_the_connection(bot: Bot, smtp: FakeSMTP) -> None:
    bot.flush()
    cfg = email_config(smtp)
    transport = Counting(cfg, None)
    time = FakeTime()
    runner = EmailRunner(cfg, None, LINKS, transport=transport, limiter=RateLimiter(time.now, time.sleep), every=0.05)
    bot.app.dispatcher.senders[EMAIL] = runner.sender
    mail = Mail(bot, smtp, runner.email_sender, transport, time)

    async def week() -> None:
        await runner.start(bot.app.core, bot.app.dispatcher)
        mail.enqueue(3)  # as the scheduler does: rows in the outbox, no event to any edge
        await asyncio.sleep(0.3)  # six rounds of the drain loop
        assert smtp.messages == []  # only the leader sends e-mail: the whole bot keeps to one rate
        await runner.lead()
        await asyncio.to_thread(smtp.wait_for, 3)
        with bot.app.services.unit() as uow:  # a notice without MailParts: a plain e-mail in the group's language
            uow.outbox.enqueue("n1", EMAIL, "r0@example.se", None, Outbound("Påminnelse").to_json(), bot.clock.now())
            uow.commit()
        await asyncio.to_thread(smtp.wait_for, 4)
        await runner.step_down()
        await runner.stop()
        await runner.close()

    asyncio.run(week())
    assert len({str(m.message["Message-ID"]) for m in smtp.messages}) == 4
    assert mail.counts() == {"sent": 4}
    (notice,) = [m for m in smtp.to("r0@example.se") if str(m["Subject"]) == "Påminnelse"]
    assert str(notice["Content-Language"]) == "sv"
    assert transport.closed == 1
    assert runner.refused(Exception()) is False


RUN_CONFIG = """
[database]
url = "sqlite:///{db}"

[web]
enabled = true
secure_cookies = false

[email]
enabled = true
host = "127.0.0.1"
port = 2525
starttls = false
username = "est"

[[groups]]
id = "tbg"
name = "Tryggare Trelleborg"

[[groups.areas]]
code = "centrum"
name = "Centrum"

[[groups.reporters]]
name = "Sara Samordnare"
role = "coordinator"
email = "sara@example.se"
"""


def test_est_bot_run_wants_the_smtp_password_when_a_username_is_set(tmp_path: Path) -> None:
    cfg = tmp_path / "est.toml"
    cfg.write_text(RUN_CONFIG.format(db=tmp_path / "est.sqlite"), encoding="utf-8")
    result = CliRunner().invoke(app, ["run", "--config", str(cfg)], env={"EST_WEB_SECRET": WEB_SECRET})
    assert result.exit_code == 2
    assert result.output.strip() == (
        "est-bot: [email] username is set but EST_SMTP_PASSWORD (that account's password on the SMTP server) is "
        "not set in the environment"
    )
    runners = _runners(load_config(cfg), Secrets(web_secret=WEB_SECRET, smtp_password="lösen"))
    assert [(r.name, r.platform, r.secret) for r in runners] == [("e-mail", "email", "EST_SMTP_PASSWORD")]
