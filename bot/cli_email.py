"""`est-bot email test ADDRESS`: one test e-mail over the configured SMTP server, each step's answer printed
(registered on the app by bot/cli.py)."""

from __future__ import annotations

import smtplib
import ssl
from datetime import UTC, datetime
from typing import Annotated

import typer

from bot.cli_common import DEFAULT_CONFIG, ConfigOpt, fail, load
from bot.config import Secrets

email_app = typer.Typer(no_args_is_help=True, help="E-mail over SMTP (the email section of the settings).")


@email_app.command("test")
def test(
    address: Annotated[str, typer.Argument(help="Where the test e-mail goes.")],
    config: ConfigOpt = DEFAULT_CONFIG,
    lang: Annotated[str | None, typer.Option("--lang", help="sv or en (default: the first group's).")] = None,
) -> None:
    """Send one test e-mail through the SMTP server of the settings' email section and show what the server
    answered at each step (also while e-mail is not enabled yet, to try the settings first)."""
    from email_validator import EmailNotValidError, validate_email

    from bot.conversation.mail import EMAIL, MailParts
    from bot.conversation.messages import Outbound
    from bot.domain.model import OutboxItem
    from bot.text import norm_lang, t
    from handlers.email.render import MailLinks, render, smtp_address
    from handlers.email.transport import SmtpTransport, answer, explain

    cfg = load(config)
    mail = cfg.email
    try:
        checked = validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        raise fail(f"{address!r} is not an e-mail address ({exc})") from None
    to = checked.ascii_email  # as the edge sends it: a Swedish domain in its ASCII form
    if to is None:
        raise fail("the address's part before @ is not ASCII: only SMTPUTF8 carries that, and est-bot does not use it")
    secrets = Secrets()
    if mail.username and not secrets.smtp_password:
        raise fail("[email] username is set but EST_SMTP_PASSWORD is not set in the environment")
    language = norm_lang(lang or (cfg.groups[0].language if cfg.groups else None))
    now = datetime.now(UTC)
    item = OutboxItem(0, f"email-test:{now.isoformat()}", EMAIL, to, None, {}, 0, "pending")
    parts = MailParts(t(language, "mail.test.subject"), language)
    out = Outbound(t(language, "mail.test.text"), kind="notice", data={"mail": parts.to_data()})
    msg = render(item, out, mail, MailLinks(cfg.web.base_url, secrets.web_secret or ""), now)
    where = f"{mail.host}:{mail.port}"
    security = "TLS" if mail.tls else "STARTTLS" if mail.starttls else "no TLS"
    typer.echo(f"SMTP server {where} ({security}), from {mail.from_}, Message-ID {msg['Message-ID']}")
    transport = SmtpTransport(mail, secrets.smtp_password, steps=lambda step, said: typer.echo(f"  {step}: {said}"))
    try:
        final = transport.deliver(msg, smtp_address(str(mail.from_)) or str(mail.from_), to)
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()), (0, b""))
        raise fail(f"the server refuses the address ({answer(code, text)})", 1) from None
    except smtplib.SMTPSenderRefused as exc:
        said = answer(exc.smtp_code, exc.smtp_error)
        raise fail(f"the server refuses the sender [email] from ({said})", 1) from None
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:  # connect, TLS, login: as `est-bot doctor` says it
        raise fail(explain(exc, where), 1) from None
    finally:
        transport.close()
    typer.echo(f"accepted: {final}")
