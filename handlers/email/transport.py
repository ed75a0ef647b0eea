"""Handing a rendered e-mail to a mail server: `SmtpTransport` (smtplib, one connection kept open between sends)
and `FileTransport` (writes .eml files: the demo, and a look at what would be sent).

`deliver` returns the server's final answer ("250 2.0.0 Ok: queued as …") and raises smtplib's exceptions (or
OSError for the network) for everything else; handlers/email/sender.py decides what each means for the outbox.
"""

from __future__ import annotations

import base64
import logging
import smtplib
import ssl
import threading
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from pathlib import Path
from typing import Any, Protocol

from bot.config import EmailConfig

log = logging.getLogger(__name__)

#: A connection idle longer than this is asked NOOP before it is used (servers close idle ones after a while).
IDLE_CHECK_SECONDS = 30.0

#: What a transport tells about each step of a conversation with the server: (step, the server's answer).
Steps = Callable[[str, str], None]


class _Greeted(smtplib.SMTP):
    """smtplib's client, keeping the server's greeting (the constructor connects and drops it)."""

    greeting: tuple[int, bytes] = (0, b"")

    def connect(self, host: str = "localhost", port: int = 0, source_address: Any = None) -> tuple[int, bytes]:
        self.greeting = super().connect(host, port, source_address)
        return self.greeting


class _SMTP(_Greeted):
    pass


class _SMTPS(_Greeted, smtplib.SMTP_SSL):
    pass


class Transport(Protocol):
    def deliver(self, msg: EmailMessage, sender: str, to: str) -> str:
        """Hand one message over for `to`; the server's final answer."""
        ...

    def close(self) -> None:
        """Close the connection, if one is open."""
        ...


def answer(code: int, text: bytes | str) -> str:
    """A server's reply as one line: "250 2.0.0 Ok"."""
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(words.split())}".strip()


def explain(exc: BaseException, where: str) -> str:
    """What went wrong in connecting, TLS or the login, and what to do, in one line (`est-bot email test` and
    `est-bot doctor`)."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        said = answer(exc.smtp_code, exc.smtp_error)
        return f"the server refuses the login ({said}): check [email] username and EST_SMTP_PASSWORD"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return (
            f"the server does not offer what the settings ask ({exc}): STARTTLS or AUTH; check [email] starttls, tls "
            "and port"
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"the server answered {answer(exc.smtp_code, exc.smtp_error)}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS with {where} failed ({exc.reason or exc}): check [email] tls, starttls and port"
    return (
        f"cannot reach the SMTP server {where} ({type(exc).__name__}: {exc}): check [email] host and port, and "
        "that the server runs"
    )


class SmtpTransport:
    """One SMTP connection, opened when the first message goes and kept open: connect, EHLO, STARTTLS (or TLS
    from the first byte, per `[email]`), AUTH when `[email] username` is set. One idle for more than 30 s is
    checked with NOOP first; one found gone at MAIL FROM (the server closed or restarted) is replaced once at
    once; after any other drop the next message connects again. Thread-safe (one message at a time)."""

    def __init__(
        self,
        cfg: EmailConfig,
        password: str | None,
        ssl_context: ssl.SSLContext | None = None,
        steps: Steps | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.cfg = cfg
        self._password = password
        self.ssl_context = ssl_context
        self.steps = steps
        self.clock = clock
        self._smtp: smtplib.SMTP | None = None
        self._used = 0.0
        self._lock = threading.Lock()

    @property
    def where(self) -> str:
        return f"{self.cfg.host}:{self.cfg.port}"

    def _step(self, step: str, code: int, text: bytes | str) -> None:
        if self.steps is not None:
            self.steps(step, answer(code, text))

    def _context(self) -> ssl.SSLContext:
        return self.ssl_context or ssl.create_default_context()

    def _connect(self) -> smtplib.SMTP:
        cfg = self.cfg
        # Host and port in the constructor: smtplib keeps the host for TLS's certificate check only from there.
        smtp: _Greeted = (
            _SMTPS(cfg.host, cfg.port, timeout=cfg.timeout_seconds, context=self._context())
            if cfg.tls
            else _SMTP(cfg.host, cfg.port, timeout=cfg.timeout_seconds)
        )
        try:
            self._step("connect", *smtp.greeting)
            code, text = smtp.ehlo()
            self._step("EHLO", code, text)
            if code != 250:
                raise smtplib.SMTPHeloError(code, text)
            if cfg.starttls:
                code, text = smtp.starttls(context=self._context())
                self._step("STARTTLS", code, text)
                code, text = smtp.ehlo()
                self._step("EHLO", code, text)
                if code != 250:
                    raise smtplib.SMTPHeloError(code, text)
            if cfg.username:
                code, text = self._login(smtp, cfg.username, self._password or "")
                self._step("AUTH", code, text)
        except BaseException:
            _quietly_close(smtp)
            raise
        return smtp

    @staticmethod
    def _login(smtp: smtplib.SMTP, user: str, password: str) -> tuple[int, bytes]:
        if (user + password).isascii():
            return smtp.login(user, password)
        # smtplib encodes AUTH's answer as ASCII and fails on "lösenord"; RFC 4616's PLAIN is UTF-8.
        if not smtp.has_extn("auth"):
            raise smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server.")
        token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
        code, text = smtp.docmd("AUTH", f"PLAIN {token}")
        if code not in (235, 503):  # 503: already authenticated
            raise smtplib.SMTPAuthenticationError(code, text)
        return code, text

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None and self.clock() - self._used > IDLE_CHECK_SECONDS:
            try:
                code, text = self._smtp.noop()
            except (smtplib.SMTPException, OSError):
                code, text = 0, b"the connection is gone"
            self._step("NOOP", code, text)
            if code != 250:
                self._drop()
        if self._smtp is None:
            self._smtp = self._connect()
        return self._smtp

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            _quietly_close(smtp)

    def deliver(self, msg: EmailMessage, sender: str, to: str) -> str:
        with self._lock:
            try:
                return self._send(self._mail_from(sender), msg, sender, to)
            except smtplib.SMTPResponseException as exc:  # an answer (after RSET the connection goes on)
                if exc.smtp_code == 421:  # the server closes the connection
                    self._drop()
                raise
            except smtplib.SMTPRecipientsRefused as exc:  # an answer for this address (RSET said already)
                if any(code == 421 for code, _ in exc.recipients.values()):
                    self._drop()
                raise
            except OSError:  # the network, or smtplib's own SMTPServerDisconnected (its exceptions are OSErrors)
                self._drop()  # the next message connects again
                raise
            except Exception:  # anything else mid-transaction (a bug, an address smtplib cannot encode): the
                self._drop()  # connection's state is unknown, so the next message does not inherit it
                raise
            finally:
                self._used = self.clock()

    def _mail_from(self, sender: str) -> smtplib.SMTP:
        """MAIL FROM on the kept connection; one that turns out to be gone (the server closed it, or restarted,
        since the last message) is replaced once by a new one: nothing of this message was sent yet."""
        reused = self._smtp is not None
        smtp = self._connection()
        try:
            code, text = smtp.mail(sender)
        except (smtplib.SMTPServerDisconnected, ConnectionError):
            if not reused:
                raise
            self._drop()
            smtp = self._connection()
            code, text = smtp.mail(sender)
        self._step("MAIL FROM", code, text)
        if code != 250:
            _reset(smtp)
            raise smtplib.SMTPSenderRefused(code, text, sender)
        return smtp

    def _send(self, smtp: smtplib.SMTP, msg: EmailMessage, sender: str, to: str) -> str:
        code, text = smtp.rcpt(to)
        self._step("RCPT TO", code, text)
        if code not in (250, 251):
            _reset(smtp)
            raise smtplib.SMTPRecipientsRefused({to: (code, text)})
        try:
            code, text = smtp.data(msg.as_bytes(policy=SMTP_POLICY))
        except smtplib.SMTPDataError as exc:  # DATA itself refused, before the message: the transaction is open
            self._step("DATA", exc.smtp_code, exc.smtp_error)
            _reset(smtp)
            raise
        self._step("DATA", code, text)
        if code != 250:
            _reset(smtp)
            raise smtplib.SMTPDataError(code, text)
        return answer(code, text)

    def check(self) -> None:
        """Connect, EHLO, STARTTLS or TLS, and log in as for a message, then QUIT: nothing is sent (`est-bot
        doctor`). Raises what `deliver` raises for those steps."""
        with self._lock:
            self._connection()
        self.close()

    def close(self) -> None:
        with self._lock:
            smtp, self._smtp = self._smtp, None
            if smtp is not None:
                try:
                    smtp.quit()
                except (smtplib.SMTPException, OSError):
                    _quietly_close(smtp)


def _reset(smtp: smtplib.SMTP) -> None:
    """RSET after a refusal, so the kept connection can take the next message; a connection that is gone already
    is connected again by the next message."""
    try:
        smtp.rset()
    except smtplib.SMTPServerDisconnected:
        log.debug("RSET on an SMTP connection that was already gone")


def _quietly_close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.close()
    except OSError:  # the socket is gone already: nothing left to release
        log.debug("closing an SMTP connection that was already gone")


class FileTransport:
    """Writes each message to `<folder>/<n>-<Message-ID's local part>.eml` (n counts from 1) instead of sending
    it: for the demo, and to look at what would go out."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._n = 0
        self._lock = threading.Lock()

    def deliver(self, msg: EmailMessage, sender: str, to: str) -> str:
        local = str(msg["Message-ID"] or "").strip("<>").partition("@")[0] or "message"
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._n += 1
            path = self.folder / f"{self._n}-{local}.eml"
            path.write_bytes(msg.as_bytes())
        return "saved"

    def close(self) -> None:
        return None
