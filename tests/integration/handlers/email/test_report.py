"""The Friday report as an e-mail, end to end: a week on a real database with people reached by e-mail only, the
report published on Friday, drained by the real e-mail sender to the recording SMTP server. Its HTML part lays out
the report's document (headings, the coloured table), each reader's in their own language; its plain part is the
document as text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage

import pytest

from bot.bootstrap import build
from bot.clock import ManualClock
from bot.conversation.mail import EMAIL
from bot.domain.factors import LEVEL_HEX
from bot.outbox import Sender
from standins.smtp import FakeSMTP
from tests.conftest import TUE_OPEN, Bot, RecordingSender, make_config
from tests.integration.handlers.email.conftest import Mail, make_mail
from tests.support.mail_week import ERIK, STINA, mail_people

THU_CLOSE = TUE_OPEN + timedelta(days=2)
FRI_PUBLISH = TUE_OPEN + timedelta(days=2, hours=23, minutes=30)


@pytest.fixture
def mail(db_url: str, smtp: FakeSMTP) -> Iterator[Mail]:
    clock = ManualClock(TUE_OPEN)
    console = RecordingSender()
    # the e-mail platform is there from the start (people are reached by it); make_mail puts the real sender in
    senders: dict[str, Sender] = {"console": console, EMAIL: RecordingSender()}
    app = build(make_config(db_url, reporters=mail_people()), clock=clock, senders=senders)
    m = make_mail(Bot(app, clock, console, db_url), smtp)
    yield m
    m.transport.close()
    app.close()


def bodies(msg: EmailMessage) -> tuple[str, str]:
    plain, html = msg.get_body(("plain",)), msg.get_body(("html",))
    assert plain is not None and html is not None
    return plain.get_content(), html.get_content()


def report_to(mail: Mail, address: str) -> EmailMessage:
    (report,) = [m for m in mail.smtp.to(address) if str(m["Subject"]).startswith(("Veckorapport", "Weekly report"))]
    return report


def test_the_published_report_email_lays_out_the_document_in_each_reader_s_language(mail: Mail) -> None:
    bot = mail.bot
    bot.tick()
    for who in ("anna", "bo", "cecilia"):
        bot.cmd(who, "rapport")
        bot.press(who, ":g:nothing")
        bot.press(who, ":s:send")
    bot.clock.set(THU_CLOSE)
    bot.tick()
    bot.cmd("sara", "fastställ")
    bot.clock.set(FRI_PUBLISH)
    bot.tick()
    mail.drain()

    plain, html = bodies(report_to(mail, STINA))  # the steering group's member: the report only, in Swedish
    assert re.search(r"<h1 [^>]*>Veckorapport [^<]*vecka 47, 2026</h1>", html)
    for heading in ("Sammanfattning", "Översikt", "Det här sticker ut", "Beslutade prioriteringar och vem som gör vad"):
        assert re.search(rf"<h2 [^>]*>{heading}</h2>", html), heading
        assert f"{heading}\n{'─' * len(heading)}" in plain  # the plain part is the document as text
    # the overview table: a row per factor, its cells in EST's colours with the value written in them
    assert re.search(r'<th scope="row" [^>]*>Hot och våld</th>', html)
    assert re.search(rf'<td style="[^"]*background-color:{LEVEL_HEX["green"]};[^"]*">0,\d', html)
    assert "<img " in html and 'src="cid:' in html  # the charts follow the document

    _, english = bodies(report_to(mail, ERIK))  # channel = "email", language English
    assert re.search(r"<h2 [^>]*>Summary</h2>", english) and re.search(r"<h2 [^>]*>Overview</h2>", english)
    assert "Sammanfattning" not in english
