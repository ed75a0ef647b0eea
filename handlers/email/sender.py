"""`EmailSender`: the outbox's sender for the "email" platform (bot/outbox.py's `Sender`).

Each row is rendered (handlers/email/render.py), paced to `[email] rate_per_second` for the whole process
(bot/ratelimit.py), and handed to the transport. What the server answers decides what the outbox does:

- **the server cannot be used at all** (connection refused, timeout, a dropped connection, TLS failing, a 4xx
  or 5xx at connect or EHLO, a 4xx at MAIL FROM, a 421 at any step): every e-mail waits. `RetryAfter` holds the
  whole platform, 5 s at first and twice as long each time up to 5 min, and counts no attempt; the log says so once
  when the server goes away and once when it answers again, never once per message;
- **the login is refused** (535): the same wait, logged once with what to fix (EST_SMTP_PASSWORD, `[email]
  username`), never the password;
- **the sender is refused** (a 5xx at MAIL FROM: "530 Authentication required" when `[email] username` is
  missing, "553" for a `from` the account may not use): MAIL FROM names only the bot's own address, so it is
  the settings, never one e-mail: the same wait, logged once with what to fix, and nothing is parked;
- **a 4xx for one recipient or one message** (at RCPT TO or for DATA: greylisting, a full mailbox): tried
  again after 1, 5, 15 and 30 minutes, then 1, 2 and 4 hours (`RetryLater`; the outbox's own backoff gives up
  after two minutes, and greylisting lasts five to fifteen); still refused after that, about eight hours in
  all, the row is parked with the server's answer. The others still go;
- **a 5xx for one recipient, or for DATA**: retried twice; from the 3rd attempt the row is parked with the
  server's answer ("550 5.1.1 …"), for the coordinator to see in `status`. The others still go.

Log lines name the outbox key, never the address (and the server's answers, which often repeat the address,
are masked before they go to the log or the outbox).
"""

from __future__ import annotations

import logging
import smtplib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.config import EmailConfig
from bot.conversation.mail import EMAIL
from bot.conversation.messages import Outbound
from bot.domain.masking import mask_personal_data
from bot.domain.model import OutboxItem
from bot.outbox import PermanentFailure, RetryAfter, RetryLater, backoff, took
from bot.ratelimit import Limiter, RateLimiter, Window
from bot.retry import describe
from bot.text import DEFAULT_LANGUAGE
from handlers.email.render import MailLinks, render, smtp_address
from handlers.email.transport import Transport, answer

log = logging.getLogger(__name__)

#: A row refused with a 5xx is parked on this attempt (the first two may meet a server's passing mistake).
PARK_ON_ATTEMPT = 3
#: The waits after a 4xx for one recipient, by the row's attempts so far; refused once more after the last, parked.
TRY_AGAIN = (60.0, 300.0, 900.0, 1800.0, 3600.0, 7200.0, 14400.0)
FIRST_WAIT = 5.0
LONGEST_WAIT = 300.0


class RecipientNotTaken(RetryLater):
    """The server refused this one e-mail for good (a 5xx; the others may go): tried again soon, in case it was a
    passing mistake, and parked on the PARK_ON_ATTEMPT-th try. An expected answer, so its log line is one line
    with the server's words, without a traceback."""


def utc_now() -> datetime:
    return datetime.now(UTC)


def pacing(rate_per_second: float) -> dict[str, Window]:
    """`rate_per_second` as a sliding window: r e-mails a second as max(1, round(r)) per max(1, round(r)) / r s."""
    calls = max(1, round(rate_per_second))
    return {"email": Window(calls, calls / rate_per_second)}


@dataclass
class _Outage:
    kind: str  # down | login | sender
    since: datetime
    delay: float
    tries: int = 0


class EmailSender:
    platform = EMAIL

    def __init__(
        self,
        cfg: EmailConfig,
        links: MailLinks,
        transport: Transport,
        limiter: Limiter | None = None,
        now: Callable[[], datetime] = utc_now,
        lang: str = DEFAULT_LANGUAGE,
        first_wait: float = FIRST_WAIT,
        longest_wait: float = LONGEST_WAIT,
    ) -> None:
        self.cfg = cfg
        self.links = links
        self.transport = transport
        self.limiter: Limiter = limiter or RateLimiter()
        self.limits = pacing(cfg.rate_per_second)
        self.now = now
        self.lang = lang  # of a message queued without MailParts: the group's (set by the runner)
        self.first_wait = first_wait
        self.longest_wait = longest_wait
        self._outage: _Outage | None = None
        self._lock = threading.Lock()

    @property
    def where(self) -> str:
        return f"{self.cfg.host}:{self.cfg.port}"

    @property
    def down(self) -> bool:
        """Whether the server could not be used at the last try."""
        return self._outage is not None

    def send(self, item: OutboxItem, out: Outbound, message_id: str | None) -> str | None:
        to = smtp_address(item.address)
        if to is None:
            raise PermanentFailure("the address's part before @ is not ASCII: only SMTPUTF8 carries it, not used here")
        msg = render(item, out, self.cfg, self.links, self.now(), self.lang)
        self.limiter.acquire(EMAIL, self.limits)
        try:
            self.transport.deliver(msg, smtp_address(str(self.cfg.from_)) or str(self.cfg.from_), to)
        except smtplib.SMTPAuthenticationError as exc:
            raise self._wait("login", answer(exc.smtp_code, exc.smtp_error)) from None
        except smtplib.SMTPRecipientsRefused as exc:
            self._back()  # the server answers: only this address is refused
            code, text = next(iter(exc.recipients.values()), (0, b""))
            if code == 421:  # not the address: the server closes the connection
                raise self._wait("down", answer(code, text)) from None
            raise self._refused(item, "RCPT TO", code, text) from None
        except smtplib.SMTPSenderRefused as exc:  # MAIL FROM names our sender only: never this e-mail's fault
            kind = "down" if exc.smtp_code < 500 else "sender"
            raise self._wait(kind, answer(exc.smtp_code, exc.smtp_error)) from None
        except smtplib.SMTPDataError as exc:  # the answer to this message (421 alone: the server closes)
            if exc.smtp_code == 421:
                raise self._wait("down", answer(exc.smtp_code, exc.smtp_error)) from None
            self._back()
            raise self._refused(item, "DATA", exc.smtp_code, exc.smtp_error) from None
        except smtplib.SMTPResponseException as exc:  # connect, EHLO, STARTTLS: the server, not this e-mail
            raise self._wait("down", answer(exc.smtp_code, exc.smtp_error)) from None
        except (smtplib.SMTPException, OSError) as exc:  # refused, timeout, dropped, TLS, STARTTLS not offered
            raise self._wait("down", describe(exc)) from None
        self._back()
        return str(msg["Message-ID"])

    def _refused(self, item: OutboxItem, step: str, code: int, text: bytes | str) -> Exception:
        reply = mask_personal_data(answer(code, text))
        if code < 500:
            if item.attempts < len(TRY_AGAIN):
                return RetryLater(TRY_AGAIN[item.attempts], f"{step}: {reply}")
            return PermanentFailure(f"{step}: {reply}")
        if item.attempts + 1 >= PARK_ON_ATTEMPT:
            return PermanentFailure(f"{step}: {reply}")
        return RecipientNotTaken(backoff(item.attempts), f"{step}: {reply}")

    def _wait(self, kind: str, why: str) -> RetryAfter:
        """Hold every e-mail: log it once when the state begins, and wait longer each time."""
        why = mask_personal_data(why)
        with self._lock:
            outage = self._outage
            if outage is None or outage.kind != kind:
                since = outage.since if outage is not None else self.now()
                outage = self._outage = _Outage(kind, since, self.first_wait)
                if kind == "login":
                    log.error(
                        "SMTP server %s refuses the login (%s): check EST_SMTP_PASSWORD and [email] username; "
                        "e-mails wait and go once the login is accepted",
                        self.where,
                        why,
                    )
                elif kind == "sender":
                    log.error(
                        "SMTP server %s refuses the sender (%s): check [email] from, and [email] username with "
                        "EST_SMTP_PASSWORD if the server wants a login; e-mails wait and go once it takes them",
                        self.where,
                        why,
                    )
                else:
                    log.warning(
                        "SMTP server %s cannot be used (%s); e-mails wait and go when it is back",
                        self.where,
                        why,
                    )
            else:
                outage.delay = min(self.longest_wait, outage.delay * 2)
            outage.tries += 1
            return RetryAfter(outage.delay, f"SMTP {kind}: {why}", quiet=True)

    def _back(self) -> None:
        with self._lock:
            outage, self._outage = self._outage, None
        if outage is not None:
            log.info(
                "SMTP server %s answers again after %s and %d tries; the e-mails that waited go now",
                self.where,
                took((self.now() - outage.since).total_seconds()),
                outage.tries,
            )
