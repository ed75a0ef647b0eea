"""The core's side of e-mail: who is reached by e-mail, the messages the week queues for them (the invitation
to the week's form, the reminder, the report's mail parts), and an address as a coordinator may see it.

What an e-mail carries beside its text is the contract in bot/conversation/mail.py; the e-mail edge
(handlers/email/) lays it out, puts the personal links in when it sends, and sends it. An address never goes
into the audit log or a log line: a coordinator's reply shows it partly (`shown_address`).
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from bot.config import GroupConfig
from bot.conversation.mail import EMAIL, FormRef, MailParts
from bot.conversation.messages import Outbound
from bot.domain.cycle import Phase, phase_due_at
from bot.domain.model import Person, Round
from bot.ports import UnitOfWork
from bot.text import t
from bot.usecases.context import Env, local_text, reach


def email_address(env: Env, uow: UnitOfWork, person: Person) -> str | None:
    """The address the person's questionnaire goes to when they are reached by e-mail (`reach`), else None."""
    where = reach(env, uow, person)
    return where[1] if where is not None and where[0] == EMAIL else None


def checked_address(text: str) -> str | None:
    """An address as a coordinator wrote it, checked for its form (never for whether its domain exists) and
    normalised as the configuration's are (the domain in lower case); None if it is none."""
    try:
        return validate_email(text.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def shown_address(address: str) -> str:
    """An address as a reply may show it: the first character of the name and the domain ("a…@kommun.se"), so
    the coordinator recognises it and the outbox, a transcript or a screenshot does not hold it whole."""
    local, _, domain = address.rpartition("@")
    return f"{local[:1]}…@{domain}" if local else "…"


def week_number(rnd: Round) -> str:
    return str(rnd.key.week)


def _form_mail(
    env: Env, uow: UnitOfWork, group: GroupConfig, rnd: Round, person: Person, kind: str, what: str
) -> Outbound:
    lang = person.language
    close = phase_due_at(rnd.key, Phase.CLOSED, group.week_schedule(), group.tz)
    words = {"name": person.name, "week": week_number(rnd), "group": group.name}
    text = t(lang, f"email.week.{what}.body", close=local_text(close, group, lang), **words)
    form = FormRef(person.id, rnd.id, uow.web.form_generation(person.id, rnd.id))
    mail = MailParts(t(lang, f"email.week.{what}.subject", **words), lang, form=form)
    return Outbound(text, kind=kind, data={"mail": mail.to_data(), "round_id": rnd.id, "week": str(rnd.key)})


def invitation(env: Env, uow: UnitOfWork, group: GroupConfig, rnd: Round, person: Person) -> Outbound:
    """Tuesday's e-mail: hello, the week, what to do and until when, with the personal link to the form (put in
    by the edge) and the quick path "nothing to report"."""
    return _form_mail(env, uow, group, rnd, person, "form_invite", "invite")


def reminder(env: Env, uow: UnitOfWork, group: GroupConfig, rnd: Round, person: Person) -> Outbound:
    """Wednesday's e-mail to someone who has not sent: the link again and when the form closes."""
    return _form_mail(env, uow, group, rnd, person, "form_reminder", "reminder")


def report_parts(group: GroupConfig, rnd: Round, person: Person) -> MailParts:
    """The Friday report's subject, and the link that turns the report off for the person (List-Unsubscribe)."""
    lang = person.language
    subject = t(lang, "email.week.report.subject", week=week_number(rnd), group=group.name)
    return MailParts(subject, lang, report_off=person.id)
