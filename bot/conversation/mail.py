"""What an e-mail carries beside its text: the contract between the use cases that queue a message for a person
on the e-mail "platform" and the e-mail edge (handlers/email/) that lays it out and sends it.

An outbox row for e-mail is an `Outbound` like any other: `text` is the whole message as plain text, in the
person's language, and `attachments` are its files (the report's charts and PDF). `data["mail"]` adds what only
an e-mail has: its subject and language, and which personal links to put in it. The links themselves are made
by the edge when it sends (bot/usecases/formlinks.py signs them with EST_WEB_SECRET), so the outbox never holds a
working link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: The outbox's platform name for e-mail, and the accounts' kind for an address.
EMAIL = "email"


@dataclass(frozen=True)
class FormRef:
    """Which form a personal link opens: the person's questionnaire of one round, as of one generation of their
    links (a "not me" moves the generation on, and the older links stop working)."""

    person_id: int
    round_id: int
    generation: int = 0


@dataclass(frozen=True)
class MailParts:
    """`subject` and `lang` (sv/en) of the e-mail; `form`: put the personal link to this form in it, with the
    quick path "nothing to report" (the invitation and the reminders); `report_off`: the person the report is
    for, so it carries a List-Unsubscribe link that turns the report off for them (the Friday report)."""

    subject: str
    lang: str
    form: FormRef | None = None
    report_off: int | None = None

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"subject": self.subject, "lang": self.lang}
        if self.form is not None:
            data["form"] = [self.form.person_id, self.form.round_id, self.form.generation]
        if self.report_off is not None:
            data["report_off"] = self.report_off
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> MailParts | None:
        """The mail parts of an Outbound's `data`, None for a message queued without them (any other message
        to a person who is reached by e-mail: the edge then makes a plain e-mail of its text)."""
        mail = data.get("mail")
        if not isinstance(mail, dict):
            return None
        form = mail.get("form")
        return cls(
            subject=str(mail.get("subject", "")),
            lang=str(mail.get("lang", "sv")),
            form=FormRef(int(form[0]), int(form[1]), int(form[2]))
            if isinstance(form, list) and len(form) == 3
            else None,
            report_off=int(mail["report_off"]) if isinstance(mail.get("report_off"), int) else None,
        )
