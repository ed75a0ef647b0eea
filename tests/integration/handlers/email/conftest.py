"""A real outbox (the `bot` fixture's database) drained by the real Dispatcher into an `EmailSender` over
`SmtpTransport` to the recording SMTP server on loopback (standins/smtp.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from bot.config import EmailConfig
from bot.conversation.mail import EMAIL, FormRef, MailParts
from bot.conversation.messages import Outbound
from bot.ratelimit import RateLimiter
from handlers.email.render import MailLinks
from handlers.email.sender import EmailSender
from handlers.email.transport import SmtpTransport
from standins.smtp import FakeSMTP
from tests.conftest import Bot

SECRET = "a-long-test-secret-for-the-links-0123456789abcdefghij"
LINKS = MailLinks("http://localhost:8080", SECRET)


class FakeTime:
    """The pacing's clock: `sleep` moves it instead of waiting."""

    def __init__(self) -> None:
        self.t = 1000.0
        self.slept: list[float] = []

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += seconds


def email_config(smtp: FakeSMTP, **over: Any) -> EmailConfig:
    values: dict[str, Any] = {
        "enabled": True,
        "host": "127.0.0.1",
        "port": smtp.port,
        "starttls": False,
        "from": "est@trelleborg.example.se",
        "from_name": "EST Trelleborg",
        "reply_to": "sara@example.se",
        "rate_per_second": 10,
        "timeout_seconds": 5,
    }
    values.update(over)
    return EmailConfig.model_validate(values)


@dataclass
class Mail:
    bot: Bot
    smtp: FakeSMTP
    sender: EmailSender
    transport: SmtpTransport
    time: FakeTime

    def enqueue(self, n: int, prefix: str = "k", domain: str = "example.se") -> list[str]:
        """n questionnaire e-mails, to r0@…, r1@…; their addresses."""
        addresses = [f"r{i}@{domain}" for i in range(n)]
        with self.bot.app.services.unit() as uow:
            for i, address in enumerate(addresses):
                parts = MailParts(f"EST vecka 10 ({i})", "sv", form=FormRef(100 + i, 7, 0))
                out = Outbound(f"Hej {i}!\n\nVeckans frågor.", kind="question", data={"mail": parts.to_data()})
                uow.outbox.enqueue(f"{prefix}{i}", EMAIL, address, None, out.to_json(), self.bot.clock.now())
            uow.commit()
        return addresses

    def drain(self) -> int:
        return self.bot.app.dispatcher.drain(EMAIL, 1000)

    def drain_until(self, done: int, step: timedelta = timedelta(seconds=30), rounds: int = 60) -> int:
        """Drain and move the clock until `done` e-mails arrived; returns the rounds it took."""
        for n in range(rounds):
            self.drain()
            if len(self.smtp.messages) >= done:
                return n
            self.bot.clock.advance(step)
        raise AssertionError(f"{len(self.smtp.messages)} of {done} e-mails after {rounds} rounds")

    def counts(self) -> dict[str, int]:
        with self.bot.app.services.unit() as uow:
            return uow.outbox.counts()


@pytest.fixture
def smtp() -> Iterator[FakeSMTP]:
    with FakeSMTP() as server:
        yield server


def make_mail(bot: Bot, smtp: FakeSMTP, password: str | None = None, **over: Any) -> Mail:
    bot.flush()
    cfg = email_config(smtp, **over)
    time = FakeTime()
    transport = SmtpTransport(cfg, password)
    sender = EmailSender(cfg, LINKS, transport, RateLimiter(time.now, time.sleep), now=bot.clock.now)
    bot.app.dispatcher.senders[EMAIL] = sender
    return Mail(bot, smtp, sender, transport, time)


@pytest.fixture
def mail(bot: Bot, smtp: FakeSMTP) -> Iterator[Mail]:
    m = make_mail(bot, smtp)
    yield m
    m.transport.close()
