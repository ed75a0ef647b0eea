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
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from bot.clock import ManualClock
from bot.config import Config, EmailConfig
from bot.demo_transcript import Place, Transcript
from bot.demo_web import WEB_PORT
from bot.domain.cycle import RoundKey
from bot.ratelimit import RateLimiter
from bot.text import t

if TYPE_CHECKING:
    from bot.conversation.messages import Outbound
    from bot.demo_files import FilesAhead
    from bot.domain.model import OutboxItem
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
        self, transcript: Transcript, handles: dict[str, str], keep: dict[tuple[str, str], str], folder: Path
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


class _Later(NamedTuple):
    """An e-mail kept until its files are made: what the sender gets, its place in the transcript, when it was sent."""

    item: OutboxItem
    out: Outbound
    message_id: str | None
    place: Place
    sent_at: datetime
    files: list[Path]


class DemoMail:
    """The demo's "email" sender, and the .eml files it wrote.

    An e-mail carries the week's charts and PDF, which the chart worker makes meanwhile (`files`). One whose files
    are not made yet is not waited for: it is delivered once they are (at a later e-mail, or at `finish`), dated when
    it was sent and in its place in the transcript, while the demo goes on. E-mails are delivered in the order sent.
    """

    platform = "email"

    def __init__(
        self,
        config: Config,
        clock: ManualClock,
        transcript: Transcript,
        out_dir: Path,
        week: RoundKey,
        files: FilesAhead | None = None,
    ) -> None:
        from handlers.email.render import MailLinks, message_id, smtp_address
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
            cfg, links, transport, RateLimiter(pretend.now, pretend.sleep), now=self._now, lang=group.language
        )
        self.transcript = transcript
        self.clock = clock
        self.made = files
        sender_address = smtp_address(str(cfg.from_)) or str(cfg.from_)
        self._message_id = lambda key: message_id(key, sender_address)  # what the sender answers: the row's own
        self._sent_at: datetime | None = None  # the time an e-mail delivered later was sent
        self._later: list[_Later] = []

    def _now(self) -> datetime:
        return self._sent_at or self.clock.now()

    def send(self, item: OutboxItem, out: Outbound, message_id: str | None) -> str | None:
        self.deliver_made()
        paths = [Path(a.path) for a in out.attachments]
        if self.made is None or (not self._later and self.made.made(paths)):
            return self.sender.send(item, out, message_id)
        self._later.append(_Later(item, out, message_id, self.transcript.keep(), self.clock.now(), paths))
        return self._message_id(item.key)

    def deliver_made(self, wait: bool = False) -> None:
        """Deliver the e-mails kept for their files, in order, as far as their files are made (`wait`: all)."""
        while self._later:
            item, out, message_id, place, sent_at, paths = self._later[0]
            assert self.made is not None
            if wait:
                self.made.ready(paths)  # FilesNotMade if a job failed
            elif not self.made.made(paths):
                return
            del self._later[0]
            self._sent_at = sent_at
            try:
                with self.transcript.into(place):
                    got = self.sender.send(item, out, message_id)
            finally:
                self._sent_at = None
            if got != self._message_id(item.key):
                raise RuntimeError(f"the e-mail {item.key} went with the id {got}, not the one the outbox keeps")

    def finish(self) -> None:
        """Every e-mail delivered (waiting for the files of those kept for them)."""
        self.deliver_made(wait=True)

    def files(self) -> list[Path]:
        return [self.folder / name for name in self.names if (self.folder / name).exists()]
