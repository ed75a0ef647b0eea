"""E-mails through the real outbox and Dispatcher to a real SMTP server on loopback: what arrives, and how the
outbox meets the server's faults."""

from __future__ import annotations

from pathlib import Path

from bot.conversation.mail import EMAIL, MailParts
from bot.conversation.messages import Attachment, Outbound
from bot.usecases.formlinks import read_form_token, read_report_off_token
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
        html = msg.get_body(("html",))
        assert html is not None and f'href="{link}"' in html.get_content()
        assert str(msg["Auto-Submitted"]) == "auto-generated" and msg["List-Unsubscribe"] is None
    assert mail.counts() == {"sent": 5}


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cfc0f01f0005000201"
    "a7e0d6a20000000049454e44ae426082"
)


def test_the_friday_report_over_the_wire_charts_inline_pdf_attached_text_intact(mail: Mail, tmp_path: Path) -> None:
    chart, pdf = tmp_path / "nivåer.png", tmp_path / "rapport-v10.pdf"
    chart.write_bytes(PNG)
    pdf.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")
    text = (
        "Veckorapport vecka 10\n\n"
        ".\n"  # a line of one dot ends an SMTP message unless it is doubled on the way
        ". en rad som börjar med punkt\n" + "lång rad " * 200 + "\nFrom the start of a line\n\nÅ, ä, ö – och € 😀"
    )
    parts = MailParts("EST veckorapport v10", "sv", report_off=12)
    out = Outbound(
        text,
        kind="report",
        data={"mail": parts.to_data()},
        attachments=(
            Attachment(chart.name, "image/png", str(chart)),
            Attachment(pdf.name, "application/pdf", str(pdf)),
        ),
    )
    with mail.bot.app.services.unit() as uow:
        uow.outbox.enqueue("report:10:12", EMAIL, "styr@example.se", None, out.to_json(), mail.bot.clock.now())
        uow.commit()
    assert mail.drain() == 1
    (msg,) = mail.smtp.to("styr@example.se")
    assert max(len(line) for line in mail.smtp.messages[0].data.split(b"\r\n")) <= 998  # SMTP's line limit
    plain, html = msg.get_body(("plain",)), msg.get_body(("html",))
    assert plain is not None and html is not None
    assert plain.get_content().startswith(text + "\n")
    assert "Å, ä, ö – och € 😀" in html.get_content()
    off = str(msg["List-Unsubscribe"]).strip().strip("<>")
    assert read_report_off_token(SECRET, off.rsplit("/", 1)[1]) == 12
    assert str(msg["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
    (image,) = [p for p in msg.walk() if p.get_content_type() == "image/png"]
    assert image.get_content() == PNG and f'src="cid:{str(image["Content-ID"]).strip("<>")}"' in html.get_content()
    (attached,) = list(msg.iter_attachments())
    assert attached.get_filename() == "rapport-v10.pdf" and attached.get_content() == pdf.read_bytes()
