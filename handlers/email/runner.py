"""E-mail in `est-bot run` (`EmailRunner`): nothing comes in, so the runner is only a drain loop.

The scheduler queues the fan-outs (Tuesday's questionnaire, Wednesday's reminders, Friday's report) in the
outbox; a sender thread of an `Intake` (bot/intake.py) with no events drains the "email" rows every second,
so they go out within a couple of seconds, paced by the sender. Only the leader sends e-mail (as only it runs
the schedule): with several `est-bot run` processes on one database, `[email] rate_per_second` is still the
whole bot's rate, over one SMTP connection. Stopping finishes the e-mail being sent (each drain call takes about
a second's worth), and closing ends the SMTP connection.
"""

from __future__ import annotations

import asyncio
import smtplib

from bot.config import EmailConfig
from bot.conversation.mail import EMAIL
from bot.engine import Engine
from bot.intake import Intake
from bot.outbox import Dispatcher, Sender
from bot.ratelimit import Limiter
from handlers.email.render import MailLinks
from handlers.email.sender import EmailSender
from handlers.email.transport import SmtpTransport, Transport


def credentials_refused(exc: BaseException) -> bool:
    return isinstance(exc, smtplib.SMTPAuthenticationError)


class EmailRunner:
    name = "e-mail"
    platform = EMAIL
    secret = "EST_SMTP_PASSWORD"

    def __init__(
        self,
        cfg: EmailConfig,
        password: str | None,
        links: MailLinks,
        transport: Transport | None = None,
        limiter: Limiter | None = None,
        every: float = 1.0,
    ) -> None:
        self.cfg = cfg
        self.transport: Transport = transport if transport is not None else SmtpTransport(cfg, password)
        self.email_sender = EmailSender(cfg, links, self.transport, limiter)
        self.every = every
        self.intake: Intake | None = None
        # Rows one drain call sends at most (about a second's worth): between two calls the runner checks whether
        # it still leads and is not stopping.
        self.per_drain = max(1, round(cfg.rate_per_second))
        self._leading = False
        self._stopping = False

    @property
    def sender(self) -> Sender:
        return self.email_sender

    def refused(self, exc: BaseException) -> bool:
        return credentials_refused(exc)

    async def start(self, engine: Engine, dispatcher: Dispatcher) -> None:
        self.email_sender.lang = engine.language
        if self.intake is None:

            def drain() -> int:
                if self._stopping or not self._leading:
                    return 0
                return dispatcher.drain(EMAIL, self.per_drain)

            self.intake = Intake(engine.handle, drain, "email", every=self.every, lanes=1)

    async def lead(self) -> None:
        self._leading = True

    async def step_down(self) -> None:
        self._leading = False

    async def stop(self) -> None:
        self._stopping = True  # the drain in progress finishes its e-mail; no new one starts
        if self.intake is not None:
            await asyncio.to_thread(self.intake.close)

    async def close(self) -> None:
        await asyncio.to_thread(self.transport.close)
