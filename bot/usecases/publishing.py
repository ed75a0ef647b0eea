"""Publishing the week: the Friday report to the broadcast channel and to everyone who receives it, in their
language, with its charts and the report as a PDF (by e-mail with a subject, a link that turns it off and the report
as a `Document` the e-mail's HTML lays out, for those reached by e-mail); and the report as a document for the chat
to lay out.
"""

from __future__ import annotations

import logging

from bot.config import GroupConfig
from bot.conversation.document import Document
from bot.conversation.mail import EMAIL
from bot.conversation.messages import Attachment, Outbound
from bot.domain.model import Round
from bot.domain.picture import build_picture
from bot.ports import UnitOfWork
from bot.reports.render import Decision, picture_summary_text
from bot.reports.structured import report_document as structured_report
from bot.reports.view import PictureView
from bot.text import t
from bot.usecases.context import Env, channel_addresses, fan_out, reach, send_to, send_to_channel
from bot.usecases.mailing import report_parts
from bot.usecases.meeting import charts, decisions, picture, picture_input
from bot.usecases.reports import report_pdf_attachment

log = logging.getLogger(__name__)


def report_document(env: Env, uow: UnitOfWork, group: GroupConfig, rnd: Round, lang: str) -> Document:
    """The weekly report as structure, for the chat platforms to lay out (never Markdown to show)."""
    pic = picture(env, uow, group, rnd, lang)
    return structured_report(pic, decisions(uow, rnd, lang))


def publish(env: Env, uow: UnitOfWork, group: GroupConfig, rnd: Round) -> None:
    """The weekly report of `rnd`, unless nobody was asked that week."""
    if uow.rounds.round_status(rnd.id, group.id, env.clock.now()).expected == 0:
        # Nobody was asked this week (no reporters yet, or the round began too late): a report of
        # "0 of 0" tells nobody anything, so the week is closed without one.
        log.info("%s %s: nobody was asked this week; no weekly report is sent", group.id, rnd.key)
        return
    texts: dict[str, str] = {}
    pics: dict[str, PictureView] = {}
    decided_in: dict[str, list[Decision]] = {}
    built = build_picture(picture_input(env, uow, group, rnd))  # the same in every language
    for lang in ("sv", "en"):
        pic = pics[lang] = PictureView(built, lang)
        head = t(lang, "meet.report_header", week=str(rnd.key), group=group.name)
        texts[lang] = head + "\n\n" + picture_summary_text(pic)
        decided = decided_in[lang] = decisions(uow, rnd, lang)
        if decided:
            texts[lang] += "\n\n" + "\n".join(
                [f"{t(lang, 'picture.section.decisions')}:"]
                + [f"• {d.title}: {d.action_type}, {d.responsible}, {d.timeframe}" for d in decided]
            )
    data = {"round_id": rnd.id, "week": str(rnd.key), "group": group.id}
    images: dict[str, tuple[Attachment, ...]] = {}
    documents: dict[str, dict[str, object]] = {}

    def document(lang: str) -> dict[str, object]:  # the report laid out as a document, for the e-mail's HTML
        if lang not in documents:
            documents[lang] = structured_report(pics[lang], decided_in[lang]).to_json()
        return documents[lang]

    def image(lang: str) -> tuple[Attachment, ...]:  # drawn only for a language someone receives
        if lang not in images:  # the charts, then the report as a PDF to keep
            images[lang] = charts(env, group, rnd, pics[lang]) + report_pdf_attachment(
                env, uow, group, rnd, lang, (pics[lang], decided_in[lang])
            )
        return images[lang]

    if channel_addresses(env, group, "broadcast"):
        out = Outbound(texts[group.language], kind="report", data=data, attachments=image(group.language))
        send_to_channel(env, uow, group, "broadcast", out, f"publish:{rnd.id}")
    chat: dict[str, Outbound] = {}  # the message to everyone in a chat, per language: made once
    accounts = uow.people.accounts_in_group(group.id)
    with fan_out(uow, env.clock.now()):
        for person in uow.people.persons(group.id, active_only=True):
            where = reach(env, uow, person, accounts=accounts) if person.receives_report else None
            if where is None:
                continue
            lang = person.language
            if where[0] == EMAIL:  # anyone with an address, a steering group's members who answer nothing too
                mine: dict[str, object] = dict(data)
                mine["mail"] = report_parts(group, rnd, person).to_data()
                mine["document"] = document(lang)
                out = Outbound(texts[lang], kind="report", data=mine, attachments=image(lang))
            elif lang in chat:
                out = chat[lang]
            else:
                out = chat[lang] = Outbound(texts[lang], kind="report", data=data, attachments=image(lang))
            send_to(env, uow, where, out, f"publish:{rnd.id}:{person.id}")
