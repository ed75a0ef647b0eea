"""E-mails through the real outbox and Dispatcher to a real SMTP server on loopback: what arrives, and how the
outbox meets the server's faults."""

from __future__ import annotations

from bot.usecases.formlinks import read_form_token
from tests.integration.handlers.email.conftest import SECRET, Mail


def test_a_fan_out_arrives_once_each_with_its_own_link_and_message_id(mail: Mail) -> None:
    addresses = mail.enqueue(5)
    assert mail.drain() == 5
    got = mail.smtp.wait_for(5)
    assert sorted(r for m in got for r in m.rcpt_tos) == sorted(addresses)
    assert all(m.mail_from == "est@trelleborg.example.se" for m in got)
    assert len({str(m.message["Message-ID"]) for m in got}) == 5
    for i, address in enumerate(addresses):
        (msg,) = mail.smtp.to(address)
        assert str(msg["Subject"]) == f"EST vecka 10 ({i})"
        plain = msg.get_body(("plain",))
        assert plain is not None
        link = next(w for w in plain.get_content().split() if "/form/" in w and not w.endswith("/nothing"))
        ref = read_form_token(SECRET, link.rsplit("/", 1)[1])
        assert ref is not None and ref.person_id == 100 + i
    assert mail.counts() == {"sent": 5}
