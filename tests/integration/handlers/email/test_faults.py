"""The SMTP server's faults as the outbox meets them: down during a fan-out, a refused login, a 550 for one
address, a 451, STARTTLS, and the pacing. Each through the real Dispatcher and a real SQLite outbox."""

from __future__ import annotations

import logging
import ssl
import subprocess
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope

from bot.conversation.mail import EMAIL
from bot.conversation.messages import Outbound
from handlers.email.sender import PARK_ON_ATTEMPT
from handlers.email.transport import SmtpTransport
from standins.smtp import FakeSMTP, free_port
from tests.conftest import Bot
from tests.integration.handlers.email.conftest import Mail, make_mail
from tests.support.tools import need


def log_lines(caplog: pytest.LogCaptureFixture, level: int = logging.INFO) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= level]


def message_ids(smtp: FakeSMTP) -> list[str]:
    return [str(m.message["Message-ID"]) for m in smtp.messages]


def test_server_down_during_a_fan_out_then_back_nothing_lost_nothing_twice_said_once(
    mail: Mail, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    addresses = mail.enqueue(20)
    assert mail.bot.app.dispatcher.drain(EMAIL, 6) == 6  # Tuesday's fan-out has begun
    mail.smtp.down()
    for _ in range(8):  # down for a while: each drain tries once and the whole platform waits again
        assert mail.drain() == 0
        mail.bot.clock.advance(timedelta(seconds=60))
    assert mail.counts() == {"sent": 6, "pending": 14}  # waiting, none parked, no attempt counted
    mail.smtp.up()
    mail.drain_until(20)
    assert len(mail.smtp.messages) == 20
    assert sorted(r for m in mail.smtp.messages for r in m.rcpt_tos) == sorted(addresses)
    assert len(set(message_ids(mail.smtp))) == 20
    assert mail.counts() == {"sent": 20}
    warned = log_lines(caplog, logging.WARNING)
    down = [line for line in warned if "cannot be used" in line]
    assert len(down) == 1 and "Connection" in down[0]
    assert not [line for line in warned if "paused" in line or "failed" in line]  # not once per message
    back = [line for line in log_lines(caplog) if "answers again" in line]
    assert len(back) == 1 and back[0].startswith(f"SMTP server 127.0.0.1:{mail.smtp.port} answers again after ")
    assert not [r for r in caplog.records if "@example.se" in r.getMessage()]  # the key is logged, not the address


def test_a_refused_login_holds_everything_until_the_right_password(bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    with FakeSMTP(login=("est", "rätt-lösen-42")) as smtp:
        wrong = make_mail(bot, smtp, password="fel-lösen-17", username="est")
        wrong.enqueue(4)
        for _ in range(5):
            assert wrong.drain() == 0
            bot.clock.advance(timedelta(minutes=5))
        wrong.transport.close()
        assert wrong.counts() == {"pending": 4}
        assert smtp.messages == []
        errors = [line for line in log_lines(caplog, logging.ERROR) if "refuses the login" in line]
        assert len(errors) == 1
        assert "535" in errors[0] and "EST_SMTP_PASSWORD" in errors[0] and "[email] username" in errors[0]
        assert "lösen" not in caplog.text  # neither password, anywhere in the log
        # EST_SMTP_PASSWORD is corrected and the bot restarted: they go.
        right = make_mail(bot, smtp, password="rätt-lösen-42", username="est")
        right.drain_until(4)
        right.transport.close()
        assert right.counts() == {"sent": 4}
        assert len({str(m.message["Message-ID"]) for m in smtp.messages}) == 4


def test_a_550_parks_that_one_after_repeated_attempts_and_the_others_go(
    mail: Mail, caplog: pytest.LogCaptureFixture
) -> None:
    addresses = mail.enqueue(5)
    mail.smtp.refuse.add(addresses[2])
    assert mail.drain() == 4
    assert len(mail.smtp.wait_for(4)) == 4
    attempts = 1
    while mail.counts().get("parked", 0) == 0:
        mail.bot.clock.advance(timedelta(minutes=15))  # past the outbox's backoff
        mail.drain()
        attempts += 1
        assert attempts <= PARK_ON_ATTEMPT
    assert attempts == PARK_ON_ATTEMPT
    assert mail.counts() == {"sent": 4, "parked": 1}
    assert mail.smtp.to(addresses[2]) == []
    parked = [line for line in log_lines(caplog, logging.ERROR) if "parked" in line]
    assert len(parked) == 1 and "k2" in parked[0] and "550 5.1.1" in parked[0]
    assert addresses[2] not in caplog.text
    # each try is one line with the server's words, never a traceback: a refusal is an answer, not a fault
    tries = [r for r in caplog.records if "k2" in r.getMessage() and r.levelno == logging.WARNING]
    assert len(tries) == PARK_ON_ATTEMPT - 1 and all(r.exc_info is None for r in tries)
    assert all("550 5.1.1" in r.getMessage() for r in tries)
    with mail.bot.app.services.unit() as uow:
        problems = uow.outbox.counts()
    assert problems["parked"] == 1
    status = "\n".join(o.text for o in mail.bot.cmd("sara", "status"))
    assert "1 meddelande kunde inte levereras" in status


class Recording:
    """A transport that notes every message it is asked to deliver (the attempts, not only the accepted)."""

    def __init__(self, inner: SmtpTransport) -> None:
        self.inner = inner
        self.tried: list[str] = []

    def deliver(self, msg: EmailMessage, sender: str, to: str) -> str:
        self.tried.append(str(msg["Message-ID"]))
        return self.inner.deliver(msg, sender, to)

    def close(self) -> None:
        self.inner.close()


def test_a_retried_email_keeps_its_message_id(mail: Mail) -> None:
    recording = Recording(mail.transport)
    mail.sender.transport = recording
    mail.enqueue(1)
    mail.smtp.busy = True  # 451 for every recipient: retried with backoff
    assert mail.drain() == 0
    mail.bot.clock.advance(timedelta(minutes=1))
    assert mail.drain() == 0
    mail.smtp.busy = False
    mail.bot.clock.advance(timedelta(minutes=5))
    assert mail.drain() == 1
    (got,) = mail.smtp.wait_for(1)
    assert len(recording.tried) == 3
    assert set(recording.tried) == {str(got.message["Message-ID"])}


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (openssl)."""
    openssl = need("openssl")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_starttls_then_login_against_a_server_that_offers_it(bot: Bot, certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(cert, key)
    with FakeSMTP(login=("est", "hemligt-42")) as smtp:
        smtp.tls_context = server_side
        mail = make_mail(bot, smtp, password="hemligt-42", username="est", starttls=True)
        steps: list[tuple[str, str]] = []
        mail.transport.steps = lambda step, said: steps.append((step, said))
        mail.transport.ssl_context = ssl.create_default_context(cafile=str(cert))
        mail.enqueue(2)
        assert mail.drain() == 2
        mail.transport.close()
        assert len(smtp.wait_for(2)) == 2
        names = [s for s, _ in steps]
        assert names[:4] == ["connect", "EHLO", "STARTTLS", "EHLO"]
        assert names.count("STARTTLS") == 1  # one connection for both
        assert dict(steps)["STARTTLS"].startswith("220") and dict(steps)["AUTH"].startswith("235")


def test_a_certificate_the_bot_does_not_trust_sends_nothing(
    bot: Bot, certificate: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    cert, key = certificate
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(cert, key)
    with FakeSMTP() as smtp:
        smtp.tls_context = server_side
        mail = make_mail(bot, smtp, starttls=True)  # the system's trust store, which does not know this one
        mail.enqueue(1)
        assert mail.drain() == 0
        mail.transport.close()
    assert smtp.messages == []
    assert mail.counts() == {"pending": 1}
    assert any("CERTIFICATE_VERIFY_FAILED" in line for line in log_lines(caplog, logging.WARNING))


@pytest.mark.parametrize(("rate", "seconds"), [(2.0, 4.0), (0.5, 18.0), (1.0, 9.0)])
def test_sending_is_paced_to_the_configured_rate(bot: Bot, smtp: FakeSMTP, rate: float, seconds: float) -> None:
    mail = make_mail(bot, smtp, rate_per_second=rate)
    mail.enqueue(10)
    start = mail.time.t
    assert mail.drain() == 10
    mail.transport.close()
    # The pacing's own clock (moved by its sleeps, never waited for): 10 e-mails at `rate` a second.
    assert mail.time.t - start == pytest.approx(seconds)
    assert len(smtp.messages) == 10


def test_a_connection_the_server_dropped_between_two_emails_is_replaced_without_a_wait(
    mail: Mail, caplog: pytest.LogCaptureFixture
) -> None:
    steps: list[str] = []
    mail.transport.steps = lambda step, said: steps.append(step)
    mail.enqueue(1, prefix="a")
    assert mail.drain() == 1
    mail.smtp.down()  # a restart of the mail server: the kept connection is gone, the server is back
    mail.smtp.up()
    mail.enqueue(1, prefix="b")
    assert mail.drain() == 1  # at once: no pause of the platform, no attempt counted
    assert steps.count("connect") == 2
    assert not mail.sender.down
    assert not log_lines(caplog, logging.WARNING)


class Ticking:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_an_idle_connection_is_checked_with_noop_and_kept(mail: Mail) -> None:
    clock = Ticking()
    steps: list[tuple[str, str]] = []
    mail.transport.clock = clock
    mail.transport.steps = lambda step, said: steps.append((step, said))
    mail.enqueue(3)
    assert mail.bot.app.dispatcher.drain(EMAIL, 1) == 1
    clock.t += 10  # a moment: used as it is
    assert mail.bot.app.dispatcher.drain(EMAIL, 1) == 1
    clock.t += 31  # idle longer than 30 s: NOOP first
    assert mail.bot.app.dispatcher.drain(EMAIL, 1) == 1
    names = [s for s, _ in steps]
    assert names.count("connect") == 1 and names.count("NOOP") == 1
    assert names.index("NOOP") > names.index("MAIL FROM")
    assert dict(steps)["NOOP"].startswith("250")


class Keeping:
    """An aiosmtpd handler that keeps what it accepts (for a server FakeSMTP does not offer: TLS from the first
    byte, port 465)."""

    def __init__(self) -> None:
        self.data: list[bytes] = []

    async def handle_DATA(self, server: object, session: object, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        self.data.append(content if isinstance(content, bytes) else content.encode())
        return "250 2.0.0 Ok: queued"


def test_tls_from_the_first_byte(bot: Bot, certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(cert, key)
    keeping = Keeping()
    port = free_port()
    controller = Controller(keeping, hostname="127.0.0.1", port=port, ssl_context=server_side)
    controller.start()
    try:
        with FakeSMTP() as unused:  # only for make_mail's settings; the e-mail goes to the TLS server
            mail = make_mail(bot, unused, port=port, tls=True, starttls=False)
        steps: list[str] = []
        mail.transport.steps = lambda step, said: steps.append(step)
        mail.transport.ssl_context = ssl.create_default_context(cafile=str(cert))
        mail.enqueue(1)
        assert mail.drain() == 1
        mail.transport.close()
    finally:
        controller.stop()
    assert steps == ["connect", "EHLO", "MAIL FROM", "RCPT TO", "DATA"]
    assert len(keeping.data) == 1 and b"Message-ID: <" in keeping.data[0]


def test_a_server_that_wants_a_login_the_settings_do_not_give_holds_everything_and_parks_nothing(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    with FakeSMTP(login=("est", "hemligt-42")) as smtp:  # AUTH required: MAIL FROM without it is 530
        mail = make_mail(bot, smtp)  # [email] username forgotten
        mail.enqueue(4)
        for _ in range(2 * PARK_ON_ATTEMPT):
            assert mail.drain() == 0
            bot.clock.advance(timedelta(minutes=15))  # past any backoff
        mail.transport.close()
        assert mail.counts() == {"pending": 4}  # the sender's fault, not the addresses': none parked
        said = [line for line in log_lines(caplog, logging.ERROR) if "refuses the sender" in line]
        assert len(said) == 1 and "530" in said[0] and "[email] from" in said[0] and "username" in said[0]
        # [email] username and EST_SMTP_PASSWORD are set and the bot restarted: they all go.
        right = make_mail(bot, smtp, password="hemligt-42", username="est")
        right.drain_until(4)
        right.transport.close()
        assert right.counts() == {"sent": 4}


def test_a_greylisting_server_s_451_for_ten_minutes_delays_the_email_and_parks_nothing(mail: Mail) -> None:
    # Greylisting: an unknown sender's first tries are answered 451 for some minutes (five to fifteen is usual).
    mail.enqueue(2)
    mail.smtp.busy = True
    for _ in range(20):  # ten minutes, drained every 30 s as the runner would (more often changes nothing)
        assert mail.drain() == 0
        mail.bot.clock.advance(timedelta(seconds=30))
    assert mail.counts() == {"pending": 2}  # a 4xx is retried, never parked
    mail.smtp.busy = False
    mail.drain_until(2)
    assert mail.counts() == {"sent": 2}
    with mail.bot.app.services.unit() as uow:
        assert uow.outbox.parked_count() == 0


def test_a_4xx_that_lasts_all_day_is_parked_after_about_eight_hours(mail: Mail) -> None:
    mail.enqueue(1)
    mail.smtp.busy = True
    waited = timedelta()
    while mail.counts().get("parked", 0) == 0:
        assert mail.drain() == 0
        mail.bot.clock.advance(timedelta(minutes=1))
        waited += timedelta(minutes=1)
        assert waited < timedelta(hours=9)
    assert waited > timedelta(hours=7)  # the waits' sum, 7 h 51 min, then the last try
    with mail.bot.app.services.unit() as uow:
        (parked,) = uow.outbox.parked_messages()
    assert "451 4.3.0" in str(parked)


class GreylistsAtData(Keeping):
    """An aiosmtpd handler that greylists after the message (as Exim can): the first e-mail to `address` is
    answered 451 at the end of DATA, the others are kept."""

    def __init__(self, address: str) -> None:
        super().__init__()
        self.address = address
        self.greylisted = 0

    async def handle_DATA(self, server: object, session: object, envelope: Envelope) -> str:
        if self.address in envelope.rcpt_tos and not self.greylisted:
            self.greylisted += 1
            return "451 4.7.1 Greylisted, try again in 5 minutes"
        return await super().handle_DATA(server, session, envelope)


def test_a_451_after_the_message_delays_that_one_and_the_others_go(bot: Bot) -> None:
    handler = GreylistsAtData("r0@example.se")
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with FakeSMTP() as unused:  # only for make_mail's settings; the e-mail goes to the greylisting server
            mail = make_mail(bot, unused, port=port)
        mail.enqueue(5)
        assert mail.drain() == 4  # the greylisted one waits alone: the server is not down
        assert not mail.sender.down
        bot.clock.advance(timedelta(minutes=5))
        assert mail.drain() == 1
        mail.transport.close()
    finally:
        controller.stop()
    assert handler.greylisted == 1 and len(handler.data) == 5
    assert mail.counts() == {"sent": 5}


class ClosesAtRcptOnce(Keeping):
    """An aiosmtpd handler whose first RCPT is answered 421 (the server is shutting down)."""

    def __init__(self) -> None:
        super().__init__()
        self.closed = 0

    async def handle_RCPT(
        self, server: object, session: object, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if not self.closed:
            self.closed += 1
            return "421 4.3.2 Service shutting down"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_421_at_rcpt_holds_everything_for_a_moment_not_that_email_for_a_minute(bot: Bot) -> None:
    handler = ClosesAtRcptOnce()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with FakeSMTP() as unused:  # only for make_mail's settings
            mail = make_mail(bot, unused, port=port)
        mail.enqueue(3)
        assert mail.drain() == 0 and mail.sender.down  # the server, not the address
        bot.clock.advance(timedelta(seconds=10))  # the platform's first wait, 5 s (a 4xx of the address: 60 s)
        assert mail.drain() == 3
        mail.transport.close()
    finally:
        controller.stop()
    assert len(handler.data) == 3


def test_a_refused_address_keeps_the_connection_for_the_next_email(mail: Mail) -> None:
    steps: list[str] = []
    mail.transport.steps = lambda step, said: steps.append(step)
    addresses = mail.enqueue(3)
    mail.smtp.refuse.add(addresses[0])
    assert mail.drain() == 2
    assert steps.count("connect") == 1  # RSET after the 550, and the same connection goes on
    assert steps.count("MAIL FROM") == 3


class _RefusesDataOnce(SMTP):
    """A server whose first DATA is answered 451 before the message: the transaction stays open, as in Postfix,
    until the client says RSET (a MAIL FROM before it is "503 nested MAIL command")."""

    refused = 0

    async def smtp_DATA(self, arg: str) -> None:
        if not type(self).refused:
            type(self).refused += 1
            await self.push("451 4.7.1 Try again later")
            return
        await super().smtp_DATA(arg)


class _RefusingController(Controller):
    def factory(self) -> SMTP:
        return _RefusesDataOnce(self.handler, hostname="127.0.0.1")


def test_a_data_refused_before_the_message_leaves_the_kept_connection_usable(bot: Bot) -> None:
    _RefusesDataOnce.refused = 0  # a class's count: each run (SQLite, PostgreSQL) begins with a refusal
    keeping = Keeping()
    port = free_port()
    controller = _RefusingController(keeping, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with FakeSMTP() as unused:  # only for make_mail's settings; the e-mail goes to the refusing server
            mail = make_mail(bot, unused, port=port)
        steps: list[str] = []
        mail.transport.steps = lambda step, said: steps.append(step)
        mail.enqueue(2)
        assert mail.drain() == 1  # the first waits a minute (a 4xx for that message); the second goes
        bot.clock.advance(timedelta(minutes=1))
        assert mail.drain() == 1
        mail.transport.close()
    finally:
        controller.stop()
    assert len(keeping.data) == 2 and steps.count("connect") == 1


def test_an_address_with_a_swedish_domain_goes_in_its_ascii_form(mail: Mail) -> None:
    (address,) = mail.enqueue(1, domain="malmö.se")
    assert mail.drain() == 1
    (got,) = mail.smtp.wait_for(1)
    assert list(got.rcpt_tos) == ["r0@xn--malm-8qa.se"] and str(got.message["To"]) == "r0@xn--malm-8qa.se"
    assert address == "r0@malmö.se"


def test_an_address_whose_own_part_is_not_ascii_is_parked_at_once_and_the_others_go(
    mail: Mail, caplog: pytest.LogCaptureFixture
) -> None:
    mail.enqueue(1, prefix="a", domain="example.se")
    with mail.bot.app.services.unit() as uow:  # between them, one to åsa@… (SMTPUTF8, which the bot does not use)
        uow.outbox.enqueue("b0", EMAIL, "åsa@example.se", None, Outbound("Hej!").to_json(), mail.bot.clock.now())
        uow.commit()
    mail.enqueue(1, prefix="c", domain="example.org")
    assert mail.drain() == 2
    assert not mail.sender.down
    assert mail.counts() == {"sent": 2, "parked": 1}
    with mail.bot.app.services.unit() as uow:
        (parked,) = uow.outbox.parked_messages()
    assert "SMTPUTF8" in str(parked)
    assert sorted(r for m in mail.smtp.wait_for(2) for r in m.rcpt_tos) == ["r0@example.org", "r0@example.se"]


def test_a_from_address_with_a_swedish_domain_goes_in_its_ascii_form(bot: Bot, smtp: FakeSMTP) -> None:
    mail = make_mail(bot, smtp, **{"from": "est@malmö.se"})
    mail.enqueue(1)
    assert mail.drain() == 1
    mail.transport.close()
    (got,) = smtp.wait_for(1)
    assert got.mail_from == "est@xn--malm-8qa.se"
    assert got.message["From"].addresses[0].addr_spec == "est@xn--malm-8qa.se"
    assert str(got.message["Message-ID"]).endswith("@xn--malm-8qa.se>")
