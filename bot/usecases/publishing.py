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
from bot.ports import UnitOfWork
from bot.reports.render import picture_summary_text
from bot.reports.structured import report_document as structured_report
from bot.reports.view import PictureView
from bot.text import t
from bot.usecases.context import Env, channel_addresses, reach, send_to_channel, send_to_person
from bot.usecases.mailing import report_parts
from bot.usecases.meeting import charts, decisions, picture
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
    for lang in ("sv", "en"):
        pic = pics[lang] = picture(env, uow, group, rnd, lang)
        head = t(lang, "meet.report_header", week=str(rnd.key), group=group.name)
        texts[lang] = head + "\n\n" + picture_summary_text(pic)
        decided = decisions(uow, rnd, lang)
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
            documents[lang] = structured_report(pics[lang], decisions(uow, rnd, lang)).to_json()
        return documents[lang]

    def image(lang: str) -> tuple[Attachment, ...]:  # drawn only for a language someone receives
        if lang not in images:  # the charts, then the report as a PDF to keep
            images[lang] = charts(env, group, rnd, pics[lang]) + report_pdf_attachment(env, uow, group, rnd, lang)
        return images[lang]

    if channel_addresses(env, group, "broadcast"):
        out = Outbound(texts[group.language], kind="report", data=data, attachments=image(group.language))
        send_to_channel(env, uow, group, "broadcast", out, f"publish:{rnd.id}")
    for person in uow.people.persons(group.id, active_only=True):
        where = reach(env, uow, person) if person.receives_report else None
        if where is None:
            continue
        mine: dict[str, object] = dict(data)
        if where[0] == EMAIL:  # anyone with an address, a steering group's members who answer nothing too
            mine["mail"] = report_parts(group, rnd, person).to_data()
            mine["document"] = document(person.language)
        out = Outbound(texts[person.language], kind="report", data=mine, attachments=image(person.language))
        send_to_person(env, uow, person.id, out, f"publish:{rnd.id}:{person.id}")
