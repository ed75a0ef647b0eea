"""An outbox row for e-mail as the message a mail client shows: `render(item, out, cfg, links, now)`.

The core's text is plain: it is split into paragraphs on blank lines and never read as Markdown or HTML (the HTML
part escapes every character of it, Jinja2's autoescape). The message is

    multipart/mixed                       (only when a file is attached: the report's PDF)
      multipart/alternative
        text/plain                        the text, then the links written out on lines of their own
        multipart/related                 (only with charts)
          text/html                       templates/mail.html.j2: inline styles only, 600 px wide at most
                                          (a document, the weekly report: templates/document.html.j2)
          image/png …                     the charts, shown in the HTML by `cid:`
      application/pdf                     attached under its file name

The personal links (the week's form, "nothing to report", turning the report off) are made here, when the
e-mail is sent, from the ids in `MailParts` (bot/conversation/mail.py) and EST_WEB_SECRET: the outbox never
holds a working link. The `Message-ID` comes from the outbox key alone, so a retried send carries the same one.

A message with a `Document` in `data["document"]` (the weekly report, bot/conversation/document.py) is laid out
as one: headings, paragraphs, lists with the lead in bold, the area × factor table with EST's level colours as
cell backgrounds (the value always written in the cell), the legend. Its plain part is the document's
`plain_text`. Every word of it is escaped like any other text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from bot.config import EmailConfig
from bot.conversation.document import Cell, Document, Part, plain_text
from bot.conversation.mail import FormRef, MailParts
from bot.conversation.messages import Attachment, Outbound
from bot.domain.factors import LEVEL_HEX
from bot.domain.model import OutboxItem
from bot.reports.render import FOREGROUND
from bot.text import DEFAULT_LANGUAGE, norm_lang, t
from bot.usecases.formlinks import form_url, nothing_url, report_off_url

#: A subject longer than this is cut (with "…"); mail clients show about 60-80 characters.
SUBJECT_MAX = 120


@dataclass(frozen=True)
class MailLinks:
    """Where the links point (the web view's `base_url`) and what signs them (EST_WEB_SECRET)."""

    base_url: str
    secret: str

    def form(self, ref: FormRef) -> str:
        return form_url(self.base_url, self.secret, ref)

    def nothing(self, ref: FormRef) -> str:
        return nothing_url(self.base_url, self.secret, ref)

    def report_off(self, person_id: int) -> str:
        return report_off_url(self.base_url, self.secret, person_id)


@dataclass(frozen=True)
class _Image:
    cid: str  # without the angle brackets, as the HTML's `cid:` names it
    alt: str
    attachment: Attachment


#: The charts the week's messages carry, by how their file names begin (bot/usecases/meeting.py, files.py), and
#: what they show: the text a mail client shows while it blocks images (Outlook does by default) and a screen
#: reader reads, rather than a file name.
_CHART_ALT = (("lagesbild-", "heatmap.alt"), ("trend-", "trend.alt"))


def _chart_alt(language: str, filename: str) -> str:
    for prefix, key in _CHART_ALT:
        if filename.startswith(prefix):
            return t(language, key)
    return t(language, "mail.chart", name=Path(filename).stem)


def part_kind(part: Part) -> str:
    """What the template draws a document's part as: heading, paragraph, itemlist, table or legend."""
    return type(part).__name__.lower()


def cell_style(cell: Cell) -> str:
    """A coloured cell's background in EST's level colour and a text colour that stays readable on it (WCAG AA,
    bot/reports/render.py FOREGROUND); "" for a cell without a colour."""
    colour = cell.colour or ""
    if colour not in LEVEL_HEX:
        return ""
    return f"background-color:{LEVEL_HEX[colour]};color:{FOREGROUND.get(colour, '#1a1a1a')};"


def document_of(out: Outbound) -> Document | None:
    """The document the message carries in `data["document"]` (the weekly report), else None."""
    doc = out.data.get("document")
    return Document.from_json(doc) if isinstance(doc, dict) else None


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("handlers.email", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(part_kind=part_kind, cell_style=cell_style)
    return env


TEMPLATES = _environment()


def smtp_address(address: str) -> str | None:
    """The address as SMTP without SMTPUTF8 carries it, in the envelope and in To: an internationalised domain in
    its ASCII form ("malmö.se" is "xn--malm-8qa.se"); None for a local part that is not ASCII ("åsa@…"), which
    only SMTPUTF8 carries (the bot does not use it: few servers offer it, and smtplib then needs it per message)."""
    if address.isascii():
        return address
    try:
        return validate_email(address, check_deliverability=False).ascii_email
    except EmailNotValidError:
        return None


def message_id(key: str, from_address: str) -> str:
    """`<…@domain>` from the outbox key only: the same row always has the same id, a retry included."""
    domain = from_address.rpartition("@")[2] or "localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def subject_of(text: str, parts: MailParts | None) -> str:
    """The subject `MailParts` gives, else the text's first non-empty line; one line, cut to SUBJECT_MAX."""
    chosen = parts.subject if parts is not None and parts.subject.strip() else ""
    if not chosen:
        chosen = next((line for line in text.splitlines() if line.strip()), "EST")
    one_line = " ".join(chosen.split())
    return one_line if len(one_line) <= SUBJECT_MAX else one_line[: SUBJECT_MAX - 1].rstrip() + "…"


def paragraphs(text: str) -> list[list[str]]:
    """The text's paragraphs (split on blank lines), each as its lines."""
    out: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.strip():
            current.append(line.rstrip())
        elif current:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def _plain(text: str, lang: str, footer: list[str], form: tuple[str, str] | None, off: str | None) -> str:
    lines = [text.strip(), ""]
    if form is not None:
        lines += [t(lang, "mail.form.open") + ":", form[0], "", t(lang, "mail.form.nothing") + ":", form[1], ""]
        lines += [t(lang, "mail.form.personal"), ""]
    lines += ["-- ", *footer]
    if off is not None:
        lines += ["", f"{t(lang, 'mail.report_off')} {t(lang, 'mail.report_off.link')}:", off]
    return "\n".join(lines) + "\n"


def render(
    item: OutboxItem,
    out: Outbound,
    cfg: EmailConfig,
    links: MailLinks,
    now: datetime,
    lang: str | None = None,
) -> EmailMessage:
    """The e-mail for one outbox row. `lang` is the language of a message queued without `MailParts` (the
    group's); with them, theirs."""
    parts = MailParts.from_data(out.data)
    language = norm_lang(parts.lang if parts is not None else (lang or DEFAULT_LANGUAGE))
    from_address = smtp_address(str(cfg.from_)) or str(cfg.from_)
    msg = EmailMessage(policy=default_policy)
    msg["From"] = Address(display_name=cfg.from_name, addr_spec=from_address)
    msg["To"] = smtp_address(item.address) or item.address  # one SMTP cannot carry is parked before it is sent
    if cfg.reply_to:
        msg["Reply-To"] = smtp_address(str(cfg.reply_to)) or str(cfg.reply_to)
    msg["Subject"] = subject_of(out.text, parts)
    msg["Date"] = format_datetime(now.astimezone(UTC))
    msg["Message-ID"] = message_id(item.key, from_address)
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"

    form = (links.form(parts.form), links.nothing(parts.form)) if parts and parts.form else None
    off = links.report_off(parts.report_off) if parts and parts.report_off is not None else None
    if off is not None:  # RFC 2369 and RFC 8058: the mail client's own "unsubscribe", one POST
        msg["List-Unsubscribe"] = f"<{off}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"

    footer = [t(language, "mail.footer.why.report" if off is not None else "mail.footer.why")]
    footer.append(
        t(language, "mail.footer.reply", address=str(cfg.reply_to))
        if cfg.reply_to
        else t(language, "mail.footer.noreply")
    )
    domain = from_address.rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(item.key.encode()).hexdigest()[:16]
    images = [
        _Image(f"chart{i}.{digest}@{domain}", _chart_alt(language, a.filename), a)
        for i, a in enumerate(out.attachments)
        if a.mime == "image/png"
    ]
    files = [a for a in out.attachments if a.mime != "image/png"]

    document = document_of(out)
    text = plain_text(document) if document is not None else out.text
    if files:
        text = f"{text.rstrip()}\n\n{t(language, 'mail.attached', names=', '.join(a.filename for a in files))}"
    msg.set_content(_plain(text, language, footer, form, off))
    html = TEMPLATES.get_template("mail.html.j2").render(
        lang=language,
        subject=str(msg["Subject"]),
        paragraphs=paragraphs(out.text),
        document=document,
        form=form,
        open_label=t(language, "mail.form.open"),
        nothing_label=t(language, "mail.form.nothing"),
        personal=t(language, "mail.form.personal"),
        images=images,
        files=[a.filename for a in files],
        attached=t(language, "mail.attached", names=", ".join(a.filename for a in files)) if files else "",
        footer=footer,
        off=off,
        off_question=t(language, "mail.report_off"),
        off_label=t(language, "mail.report_off.link"),
    )
    msg.add_alternative(html, subtype="html")
    if images:
        html_part = next(p for p in msg.iter_parts() if p.get_content_type() == "text/html")
        assert isinstance(html_part, EmailMessage)
        for image in images:
            html_part.add_related(
                Path(image.attachment.path).read_bytes(),
                maintype="image",
                subtype="png",
                cid=f"<{image.cid}>",
                filename=image.attachment.filename,
                disposition="inline",
            )
    for a in files:
        maintype, _, subtype = a.mime.partition("/")
        msg.add_attachment(
            Path(a.path).read_bytes(),
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=a.filename,
        )
    # Last: set_content and the make_* steps move or clear the Content-* headers of the top.
    msg["Content-Language"] = language
    return msg
