"""The e-mail as a mail client shows it: headers, the plain and the HTML part, the links, the charts and the PDF."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from bot.config import EmailConfig
from bot.conversation.document import Cell, Document, Heading, Item, ItemList, Legend, Paragraph, Row, Table, plain_text
from bot.conversation.mail import FormRef, MailParts
from bot.conversation.messages import Attachment, Outbound
from bot.domain.model import OutboxItem
from bot.usecases.formlinks import read_form_token, read_report_off_token
from handlers.email.render import MailLinks, message_id, render

SECRET = "a-long-test-secret-for-the-links-0123456789abcdefghij"
LINKS = MailLinks("https://est.example.se/", SECRET)
CFG = EmailConfig.model_validate(
    {"enabled": True, "from": "est@trelleborg.example.se", "from_name": "EST Trelleborg", "reply_to": "sara@example.se"}
)
NOW = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cfc0f01f0005000201a7e0d6a20000000049454e44ae426082"
)


def item(key: str = "round:7:invite:3", address: str = "kalle@example.se") -> OutboxItem:
    return OutboxItem(1, key, "email", address, None, {}, 0, "pending")


def parsed(msg: EmailMessage) -> EmailMessage:
    """As the receiving side sees it: the bytes on the wire, parsed again."""
    got = message_from_bytes(msg.as_bytes(), policy=policy.default)
    assert isinstance(got, EmailMessage)
    return got


def bodies(msg: EmailMessage) -> tuple[str, str]:
    plain = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert plain is not None and html is not None
    return plain.get_content(), html.get_content()


def invitation(lang: str = "sv", text: str = "Hej Kalle!\n\nVeckans frågor är öppna till torsdag.") -> Outbound:
    parts = MailParts("EST vecka 10: hur är läget?", lang, form=FormRef(3, 7, 0))
    return Outbound(text, kind="question", data={"mail": parts.to_data()})


def test_invitation_headers_and_both_links_in_both_parts() -> None:
    msg = parsed(render(item(), invitation(), CFG, LINKS, NOW))
    assert msg["From"].addresses[0].display_name == "EST Trelleborg"
    assert msg["From"].addresses[0].addr_spec == "est@trelleborg.example.se"
    assert str(msg["To"]) == "kalle@example.se"
    assert str(msg["Reply-To"]) == "sara@example.se"
    assert str(msg["Subject"]) == "EST vecka 10: hur är läget?"
    assert parsedate_to_datetime(str(msg["Date"])) == NOW
    assert str(msg["Message-ID"]) == message_id("round:7:invite:3", "est@trelleborg.example.se")
    assert str(msg["Message-ID"]).endswith("@trelleborg.example.se>")
    assert str(msg["Content-Language"]) == "sv"
    assert str(msg["Auto-Submitted"]) == "auto-generated"
    assert str(msg["X-Auto-Response-Suppress"]) == "All"
    assert msg["List-Unsubscribe"] is None  # only the report has one
    assert msg.get_content_type() == "multipart/alternative"
    plain, html = bodies(msg)
    assert plain.startswith("Hej Kalle!\n\nVeckans frågor är öppna till torsdag.\n")
    for body in (plain, html):
        assert "Öppna veckans formulär" in body and "Inget att rapportera" in body
        assert "samordnaren (sara@example.se)" in body
    form = next(w for w in plain.split() if w.startswith("https://est.example.se/form/") and "/nothing" not in w)
    nothing = next(w for w in plain.split() if w.endswith("/nothing"))
    assert read_form_token(SECRET, form.rsplit("/", 1)[1]) == FormRef(3, 7, 0)
    assert read_form_token(SECRET, nothing.split("/")[-2]) == FormRef(3, 7, 0)
    assert f'href="{form}"' in html and f'href="{nothing}"' in html
    assert "<" not in plain  # no HTML in the plain part
    layout = " ".join(w for w in plain.split() if not w.startswith("https://"))
    assert not any(mark in layout for mark in ("*", "_", "#", "[", "`"))  # no Markdown marks around the text


def test_english_and_no_reply_to() -> None:
    cfg = EmailConfig.model_validate({"enabled": True, "from": "est@example.org"})
    msg = parsed(render(item(), invitation("en", "Hello!"), cfg, LINKS, NOW))
    assert str(msg["Content-Language"]) == "en"
    assert msg["Reply-To"] is None
    plain, html = bodies(msg)
    assert "Open this week's form" in plain and "Open this week&#39;s form" in html
    assert "replies are not read" in plain


def test_the_text_is_plain_paragraphs_and_hostile_text_is_escaped() -> None:
    text = "**Viktigt** <script>alert(1)</script> & <b>fet</b>\nrad två\n\n_andra_ stycket"
    msg = parsed(render(item(), invitation(text=text), CFG, LINKS, NOW))
    plain, html = bodies(msg)
    assert plain.startswith(text + "\n")  # as written: no Markdown read, nothing taken away
    assert "<script>" not in html and "<b>fet</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;fet&lt;/b&gt;" in html
    assert "**Viktigt**" in html  # shown as typed, never made bold
    assert "fet&lt;/b&gt;<br>rad två</p>" in html
    assert '<p style="margin:0 0 16px 0;">_andra_ stycket</p>' in html


def test_a_message_without_mail_parts_is_a_plain_email_of_its_text() -> None:
    out = Outbound("Din rapportör Kalle är pausad\nfrån och med i dag.")
    msg = parsed(render(item("notice:1"), out, CFG, LINKS, NOW, lang="en"))
    assert str(msg["Subject"]) == "Din rapportör Kalle är pausad"
    assert str(msg["Content-Language"]) == "en"
    plain, html = bodies(msg)
    assert "/form/" not in plain and "/form/" not in html
    assert msg["List-Unsubscribe"] is None


def test_a_long_first_line_is_cut_for_the_subject() -> None:
    msg = parsed(render(item(), Outbound("x" * 300), CFG, LINKS, NOW))
    subject = str(msg["Subject"])
    assert len(subject) == 120 and subject.endswith("…")


def test_the_report_has_its_charts_inline_the_pdf_attached_and_one_click_unsubscribe(tmp_path: Path) -> None:
    chart = tmp_path / "levels.png"
    chart.write_bytes(PNG)
    pdf = tmp_path / "rapport-v10.pdf"
    pdf.write_bytes(b"%PDF-1.4 test\n%%EOF\n")
    parts = MailParts("EST veckorapport v10", "sv", report_off=12)
    out = Outbound(
        "Veckorapport vecka 10\n\nLäget är lugnt.",
        kind="report",
        data={"mail": parts.to_data()},
        attachments=(
            Attachment("levels.png", "image/png", str(chart)),
            Attachment(pdf.name, "application/pdf", str(pdf)),
        ),
    )
    msg = parsed(render(item("report:10:12"), out, CFG, LINKS, NOW))
    assert msg.get_content_type() == "multipart/mixed"
    unsubscribe = str(msg["List-Unsubscribe"]).strip()  # folded onto a line of its own when long
    assert unsubscribe.startswith("<https://est.example.se/report-off/") and unsubscribe.endswith(">")
    assert read_report_off_token(SECRET, unsubscribe.strip("<>").rsplit("/", 1)[1]) == 12
    assert str(msg["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
    plain, html = bodies(msg)
    assert "/form/" not in plain  # the report carries no form link
    assert "Bifogat: rapport-v10.pdf" in plain
    assert unsubscribe.strip("<>") in plain and unsubscribe.strip("<>") in html
    images = [p for p in msg.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 1 and images[0].get_content() == PNG
    cid = str(images[0]["Content-ID"]).strip("<>")
    assert f'src="cid:{cid}"' in html
    related = next(p for p in msg.walk() if p.get_content_type() == "multipart/related")
    assert [p.get_content_type() for p in related.iter_parts()] == ["text/html", "image/png"]
    attached = [p for p in msg.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert [a.get_filename() for a in attached] == ["rapport-v10.pdf"]
    assert attached[0].get_content() == pdf.read_bytes()


def test_the_charts_alt_text_says_what_they_show_not_their_file_names(tmp_path: Path) -> None:
    """With images blocked (Outlook's default) the reader sees the alt text: "Värmekarta: …", not a file name."""
    files = []
    for name in ("lagesbild-2026-W47-sv.png", "trend-2026-W47-sv.png", "levels.png"):
        (tmp_path / name).write_bytes(PNG)
        files.append(Attachment(name, "image/png", str(tmp_path / name)))
    parts = MailParts("EST veckorapport v47", "sv", report_off=12)
    out = Outbound("Veckorapport vecka 47", kind="report", data={"mail": parts.to_data()}, attachments=tuple(files))
    _, html = bodies(parsed(render(item("report:47:12"), out, CFG, LINKS, NOW)))
    assert 'alt="Värmekarta: medelnivå per område och faktor i EST:s färger."' in html
    assert 'alt="Linjediagram per område: nivån för de faktorer som sticker ut' in html
    assert 'alt="Diagram: levels"' in html  # a chart of another kind keeps its name
    assert 'alt="Diagram: lagesbild' not in html


def test_the_message_id_depends_on_the_outbox_key_only() -> None:
    first = render(item("k1"), invitation(), CFG, LINKS, NOW)
    again = render(
        item("k1", "other@example.se"), invitation(text="annat"), CFG, LINKS, datetime(2027, 1, 1, tzinfo=UTC)
    )
    other = render(item("k2"), invitation(), CFG, LINKS, NOW)
    assert first["Message-ID"] == again["Message-ID"] != other["Message-ID"]


def test_file_transport_writes_each_message_as_an_eml_file(tmp_path: Path) -> None:
    from handlers.email.transport import FileTransport

    files = FileTransport(tmp_path / "demo-output")
    first = render(item("round:7:invite:3"), invitation(), CFG, LINKS, NOW)
    second = render(item("report:10:12"), Outbound("Veckorapport"), CFG, LINKS, NOW)
    assert files.deliver(first, "est@trelleborg.example.se", "kalle@example.se") == "saved"
    assert files.deliver(second, "est@trelleborg.example.se", "kalle@example.se") == "saved"
    local = str(first["Message-ID"]).strip("<>").split("@")[0]
    names = sorted(p.name for p in (tmp_path / "demo-output").iterdir())
    assert names == [f"1-{local}.eml", f"2-{str(second['Message-ID']).strip('<>').split('@')[0]}.eml"]
    again = message_from_bytes((tmp_path / "demo-output" / names[0]).read_bytes(), policy=policy.default)
    assert str(again["Subject"]) == "EST vecka 10: hur är läget?"


def test_a_reply_to_with_a_swedish_domain_is_a_working_address() -> None:
    cfg = EmailConfig.model_validate({"enabled": True, "from": "est@example.se", "reply_to": "sara@malmö.se"})
    msg = parsed(render(item(), invitation(), cfg, LINKS, NOW))
    assert msg["Reply-To"].addresses[0].addr_spec == "sara@xn--malm-8qa.se"  # not an encoded word in the domain
    assert "samordnaren (sara@malmö.se)" in bodies(msg)[0]


def report_doc(lead: str = "Centrum · Stortorget", cell: str = "2,8 ↑", heading: str = "Sammanfattning") -> Document:
    table = Table(
        "Faktor",
        ("Centrum", "Hamnen"),
        (
            Row("Störande grupperingar", (Cell(cell, "red"), Cell("0,3 ↓", "green"))),
            Row("Klotter", (Cell("0,5 →", "yellow"), Cell("–", "none"))),
        ),
    )
    return Document(
        "Veckorapport Tryggare Trelleborg – vecka 10, 2026",
        (
            Heading(heading),
            Paragraph("Svar: 36 av 40 (90 %)\nvarav 4 sent"),
            Heading("Översikt"),
            table,
            Legend((Cell("0 Inget / som vanligt", "green"), Cell("3 Allvarligt / eskalerande", "red"))),
            Heading("Det här sticker ut"),
            ItemList((Item("röd nivå (3) från 9 rapportörer", lead), Item("utan ledtext"))),
            Heading("Centrum", 3),
            ItemList((Item("Närvaro · Polisen", "Stortorget"),), ordered=True),
            Paragraph("Sammanställt av est-bot.", muted=True),
        ),
    )


def report_mail(doc: Document) -> Outbound:
    parts = MailParts("EST veckorapport v10", "sv", report_off=12)
    return Outbound(
        "Veckorapport vecka 10\n\nLäget är lugnt.",
        kind="report",
        data={"mail": parts.to_data(), "document": doc.to_json()},
    )


def test_a_report_with_a_document_is_laid_out_as_one_in_html_and_as_its_text_in_plain() -> None:
    doc = report_doc()
    plain, html = bodies(parsed(render(item("report:10:12"), report_mail(doc), CFG, LINKS, NOW)))
    assert plain.startswith(plain_text(doc) + "\n")  # the plain part: the document as text, the links after it
    assert "Läget är lugnt." not in plain and "Läget är lugnt." not in html  # the document replaces the text
    assert re.search(r"<h1 [^>]*>Veckorapport Tryggare Trelleborg – vecka 10, 2026</h1>", html)
    assert re.search(r"<h2 [^>]*>Sammanfattning</h2>", html) and re.search(r"<h2 [^>]*>Översikt</h2>", html)
    assert re.search(r"<h3 [^>]*>Centrum</h3>", html)
    assert re.search(r"<p [^>]*>Svar: 36 av 40 \(90 %\)<br>varav 4 sent</p>", html)
    assert re.search(r'<p style="[^"]*font-size:13px;[^"]*">Sammanställt av est-bot.</p>', html)  # muted: small
    # lists: the lead in bold; an ordered list numbered
    assert "<li " in html and "<strong>Centrum · Stortorget</strong>: röd nivå (3) från 9 rapportörer</li>" in html
    assert re.search(r"<li [^>]*>utan ledtext</li>", html)
    assert re.search(r"<ol [^>]*>\s*<li [^>]*><strong>Stortorget</strong>: Närvaro · Polisen</li>", html)
    # the table: a header row, a row label per factor, each value in its cell on its level's colour
    assert re.search(r'<th scope="col" [^>]*>Faktor</th>\s*<th scope="col" [^>]*>Centrum</th>', html)
    assert re.search(r'<th scope="row" [^>]*>Störande grupperingar</th>', html)
    assert re.search(r'<td style="[^"]*background-color:#d62020;color:#ffffff;">2,8 ↑</td>', html)  # white on red
    assert re.search(r'<td style="[^"]*background-color:#2e9e44;color:#1a1a1a;">0,3 ↓</td>', html)  # dark on green
    assert re.search(r'<td style="[^"]*background-color:#f2c200;color:#1a1a1a;">0,5 →</td>', html)
    assert re.search(r'<td style="[^"]*background-color:#d9d9d9;color:#1a1a1a;">–</td>', html)  # no answers
    # the table scrolls inside its own box at a phone's width; the page does not
    assert re.search(r'<div style="[^"]*overflow-x:auto;[^"]*">\s*<table ', html)
    assert re.search(
        r'<span style="[^"]*background-color:#d62020;color:#ffffff;">3 Allvarligt / eskalerande</span>', html
    )
    assert "<style" not in html  # inline styles only: mail clients drop a style sheet


def test_hostile_text_in_a_document_is_escaped_everywhere() -> None:
    doc = report_doc(lead="<script>alert(1)</script>", cell='<b onclick="x">2</b> & 3', heading="A & <i>B</i>")
    _, html = bodies(parsed(render(item("report:10:12"), report_mail(doc), CFG, LINKS, NOW)))
    assert "<script>" not in html and "<b onclick" not in html and "<i>B</i>" not in html
    assert "<strong>&lt;script&gt;alert(1)&lt;/script&gt;</strong>" in html
    assert ';">&lt;b onclick=&#34;x&#34;&gt;2&lt;/b&gt; &amp; 3</td>' in html
    assert re.search(r"<h2 [^>]*>A &amp; &lt;i&gt;B&lt;/i&gt;</h2>", html)


def test_a_colour_the_edge_does_not_know_gives_a_plain_cell() -> None:
    doc = Document("T", (Table("F", ("A",), (Row("r", (Cell("1", "purple"),)),)),))
    _, html = bodies(parsed(render(item("report:10:12"), report_mail(doc), CFG, LINKS, NOW)))
    assert re.search(r'<td style="padding:[^"]*border:1px solid #ffffff;">1</td>', html)
