"""What the e-mail week's transcripts share (tests/unit/usecases/test_email_week.py over the fakes,
tests/integration/usecases/test_email_week.py over SQLite and PostgreSQL): the test group with three people
reached by e-mail, and a recording sender for the "email" platform that can refuse an address or be busy."""

from __future__ import annotations

from typing import Any

from bot.conversation.mail import EMAIL
from bot.conversation.messages import Outbound
from bot.domain.masking import mask_personal_data
from bot.domain.model import OutboxItem
from bot.outbox import PermanentFailure
from standins.config import RecordingSender, group_dict

DORA = "dora.dahl@kommun.se"  # e-mail only
ERIK = "erik.ek@polisen.se"  # the console too, but channel = "email", and English
STINA = "stina.styr@kommun.se"  # the steering group: no areas, the report only


def mail_people() -> list[dict[str, Any]]:
    """The test group's people (tests/conftest.py) and Dora, Erik and Stina."""
    base: list[dict[str, Any]] = group_dict()["reporters"]
    return [
        *base,
        {"name": "Dora Dahl", "organisation": "Västtrafik", "areas": ["centrum"], "email": DORA},
        {"name": "Erik Ek", "organisation": "Polisen", "areas": ["norr"], "console": "erik", "email": ERIK}
        | {"channel": "email", "language": "en"},
        {"name": "Stina Styr", "organisation": "Kommunledningen", "role": "participant", "email": STINA},
    ]


class MailSender(RecordingSender):
    """Records e-mail; an address in `refused` gets the server's 550 (parked at once), one in `busy` a 451
    (tried again later). The server's answer is masked as the e-mail edge masks it (handlers/email/sender.py),
    unless `masked` is off (to see that `status` masks it anyway)."""

    platform = EMAIL

    def __init__(self) -> None:
        super().__init__()
        self.refused: set[str] = set()
        self.busy: set[str] = set()
        self.masked = True

    def send(self, item: OutboxItem, out: Outbound, message_id: str | None) -> str | None:
        if item.address in self.refused:
            answer = f"550 5.1.1 <{item.address}>: Recipient address rejected: User unknown"
            raise PermanentFailure(mask_personal_data(answer) if self.masked else answer)
        if item.address in self.busy:
            raise OSError("451 4.7.1 Try again later")
        return super().send(item, out, message_id)
