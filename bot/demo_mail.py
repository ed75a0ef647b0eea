"""The demo's e-mail: a few of its reporters are reached by e-mail instead of chat (`EMAIL_REPORTERS`).

Their e-mails are made by the e-mail edge's real renderer and sender (handlers/email/), dated by the demo's
pretend clock and paced on pretend time, and handed to a transport that notes each one in the transcript and
writes two of them as .eml files with the edge's `FileTransport`: the last week's questionnaire e-mail and its
Friday e-mail, of the first e-mail reporter, in demo-output/e-post/ (open them in a mail program).

The links in them are signed with EST_WEB_SECRET if it is set (so they open on `est-bot web` with the demo's
settings while the week takes answers), else with a secret made for this run.
"""

from __future__ import annotations

import os
import secrets
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.clock import ManualClock
from bot.config import Config, EmailConfig
from bot.demo_web import WEB_PORT
from bot.domain.cycle import RoundKey
from bot.ratelimit import RateLimiter
from bot.text import t

if TYPE_CHECKING:
    from handlers.email.sender import EmailSender

#: The reporters (by their place in the demo's list) reached by e-mail, `channel = "email"`.
EMAIL_REPORTERS = (3, 14, 27)
MAIL_FOLDER = "e-post"
DOMAIN = "exempelstad.se"


def demo_address(name: str) -> str:
    """A made-up address for a demo reporter: "anna.andersson@exempelstad.se"."""
    return ".".join(name.lower().split()) + f"@{DOMAIN}"


class _PretendTime:
    """The pacing's clock: a wait passes at once (the demo's clock is not the wall clock either)."""

    def __init__(self) -> None:
        self.t = 0.0

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += seconds


class DemoTransport:
    """Notes every e-mail in the transcript (to whom, by their terminal name, and its subject); the `keep`
    ones (recipient and subject -> file name) are written as .eml files, as the edge's FileTransport does."""

    def __init__(
        self, transcript: TextIO, handles: dict[str, str], keep: dict[tuple[str, str], str], folder: Path
    ) -> None:
        self.transcript = transcript
        self.handles = handles
        self.keep = keep
        self.folder = folder

    def deliver(self, msg: EmailMessage, sender: str, to: str) -> str:
        subject = str(msg["Subject"])
        self.transcript.write(f"--- bot e-mails {self.handles.get(to, '?')}: {subject}\n")
        name = self.keep.get((to, subject))
        if name is None:
            return "noted"
        (self.folder / name).write_bytes(msg.as_bytes())
        return "saved"

    def close(self) -> None:
        return None


class DemoMail:
    """The demo's "email" sender, and the .eml files it wrote."""

    def __init__(self, config: Config, clock: ManualClock, transcript: TextIO, out_dir: Path, week: RoundKey) -> None:
        from handlers.email.render import MailLinks
        from handlers.email.sender import EmailSender

        group = config.groups[0]
        by_mail = [r for r in group.reporters if r.email is not None]
        handles = {str(r.email): r.console or r.name for r in by_mail}
        first = by_mail[0]
        lang = first.language
        words = {"week": str(week.week), "group": group.name}
        self.names = (f"enkat-{week}.eml", f"veckorapport-{week}.eml")
        keep = {
            (str(first.email), t(lang, "email.week.invite.subject", **words)): self.names[0],
            (str(first.email), t(lang, "email.week.report.subject", **words)): self.names[1],
        }
        self.folder = out_dir / MAIL_FOLDER
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.eml"):
            old.unlink()
        cfg = EmailConfig(
            enabled=True,
            host="localhost",
            starttls=False,
            from_=f"trygghet@{DOMAIN}",
            from_name=group.name,
            reply_to=f"samordnare@{DOMAIN}",
        )
        secret = os.environ.get("EST_WEB_SECRET") or secrets.token_urlsafe(48)
        links = MailLinks(f"http://127.0.0.1:{WEB_PORT}", secret)
        pretend = _PretendTime()
        transport = DemoTransport(transcript, handles, keep, self.folder)
        self.sender: EmailSender = EmailSender(
            cfg, links, transport, RateLimiter(pretend.now, pretend.sleep), now=clock.now, lang=group.language
        )

    def files(self) -> list[Path]:
        return [self.folder / name for name in self.names if (self.folder / name).exists()]
