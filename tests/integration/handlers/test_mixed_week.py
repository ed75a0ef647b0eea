"""A mixed week: reporters on Telegram, Slack and e-mail in one group, each sender the real one against its
stand-in (the Bot API, the Slack Web API, an SMTP server on loopback), through one database and one outbox.

Anna answers on Telegram and Bo in Slack; Cecilia (in English) and Dora have only an address (Cecilia answers on
the form her e-mail links to, Dora not at all), Erik has Slack but `channel = "email"` (and answers in Slack after
all), and Kim (the police, in the meeting) only reads the report, by e-mail. The week: Tuesday
each reporter is reached once on their own channel, Wednesday the e-mail people who have not sent are reminded
by e-mail, Thursday one picture goes to the meeting (Slack), Friday one report to the broadcast chat (Telegram)
and to each person who receives it, once, where they are. Counted per address.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.bootstrap import App, build
from bot.clock import ManualClock
from bot.config import EmailConfig, SlackConfig
from bot.conversation.choices import Greeting, QuestionnaireAction, QuestionnaireChoice, Send, decode
from bot.conversation.form import FormAnswers
from bot.conversation.mail import EMAIL
from bot.conversation.messages import Inbound, Outbound
from bot.outbox import Sender
from bot.ratelimit import RateLimiter
from bot.usecases import form
from handlers.email.render import MailLinks
from handlers.email.sender import EmailSender
from handlers.email.transport import SmtpTransport
from handlers.slack import runner as slack_runner
from handlers.telegram.edge import TelegramSender
from standins.slack_api import FakeClock as SlackClock
from standins.slack_api import FakeSlackAPI
from standins.smtp import FakeSMTP
from standins.telegram_api import FakeClock as TelegramClock
from standins.telegram_api import FakeTelegramAPI
from tests.conftest import TUE_OPEN, group_dict, make_config

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*")

ANNA_TG, SARA_TG, BROADCAST_TG = 42, 43, -1001000000002
BO_SLACK, ERIK_SLACK, SARA_SLACK, MEETING_SLACK = "U0BOBERG2", "U0ERIKEK5", "U0SARA003", "C0MEETING1"
CECILIA, DORA, ERIK, KIM = "cecilia.ek@skolan.se", "dora.dahl@kommun.se", "erik.ek@polisen.se", "kim@polisen.se"
WED_REMIND = TUE_OPEN + timedelta(days=1, hours=5)
THU_CLOSE = TUE_OPEN + timedelta(days=2)
THU_DRAFT = THU_CLOSE + timedelta(minutes=5)
FRI_PUBLISH = TUE_OPEN + timedelta(days=2, hours=23, minutes=30)
SECRET = "mixed-week-secret-" + "x" * 40


def mixed_people() -> list[dict[str, Any]]:
    g = group_dict()
    by_name = {r["name"]: r for r in g["reporters"]}
    anna, bo, cecilia, sara, kim = (
        by_name[n] for n in ("Anna Andersson", "Bo Berg", "Cecilia Ek", "Sara Samordnare", "Kim Polis")
    )
    for r in (anna, bo, cecilia, sara, kim):
        r.pop("console")
    anna["telegram"] = ANNA_TG
    bo["slack"] = BO_SLACK
    cecilia["email"] = CECILIA
    sara |= {"telegram": SARA_TG, "slack": SARA_SLACK}
    kim["email"] = KIM
    dora = {"name": "Dora Dahl", "organisation": "Västtrafik", "areas": ["centrum"], "email": DORA}
    erik = {"name": "Erik Ek", "organisation": "Polisen", "areas": ["norr"], "slack": ERIK_SLACK, "email": ERIK}
    return [anna, bo, cecilia, sara, kim, dora, erik | {"channel": "email"}]


class Week:
    """One group's week through three real senders; answers come in as the edges hand them to the core."""

    def __init__(self, app: App, tg: FakeTelegramAPI, slack: FakeSlackAPI, smtp: FakeSMTP) -> None:
        self.app, self.tg, self.slack, self.smtp = app, tg, slack, smtp

    @property
    def clock(self) -> ManualClock:
        clock = self.app.services.clock
        assert isinstance(clock, ManualClock)
        return clock

    async def drain(self) -> None:
        for platform in ("telegram", "slack", EMAIL):
            await asyncio.to_thread(self.app.dispatcher.drain, platform, 1000)

    async def at(self, when: datetime) -> None:
        self.clock.set(when)
        await asyncio.to_thread(self.app.services.tick)
        await self.drain()

    async def handle(self, inbound: Inbound) -> list[Outbound]:
        out = await asyncio.to_thread(self.app.services.handle, inbound)
        await self.drain()
        return out

    async def send_nothing(self, platform: str, user: str) -> None:
        """`rapport`, "Inget att rapportera", "Skicka": the buttons the bot answered with, pressed."""
        out = await self.handle(Inbound(platform, user, "command", command="rapport"))
        wanted: QuestionnaireAction
        for wanted in (Greeting("nothing"), Send()):
            out = await self.handle(Inbound(platform, user, "choice", choice=pick(out, wanted)))

    async def form_nothing(self, address: str) -> None:
        """The link in the person's e-mail opened, and the form sent with "nothing to report"."""
        (invite,) = self.mail_to(address)
        body = invite.get_body(("plain",))
        assert body is not None
        (url,) = [line for line in body.get_content().splitlines() if "/form/" in line and "/nothing" not in line]
        env = self.app.services.env
        opened = form.open_link(env, SECRET, url.rpartition("/form/")[2])
        assert isinstance(opened, form.Opened), opened
        view = form.form_view(env, opened.ref)
        assert isinstance(view, form.FormView)
        done = await asyncio.to_thread(form.submit, env, opened.ref, view.version, FormAnswers(quick="nothing"), True)
        assert isinstance(done, form.Submitted) and done.outcome == "sent", done
        await self.drain()

    def mail_to(self, address: str) -> list[EmailMessage]:
        return self.smtp.to(address)


def pick(out: list[Outbound], wanted: QuestionnaireAction) -> str:
    for o in reversed(out):
        for c in o.all_choices():
            chosen = decode(c.id)
            if isinstance(chosen, QuestionnaireChoice) and chosen.action == wanted:
                return c.id
    raise AssertionError(f"no {wanted!r} among {[c.id for o in out for c in o.all_choices()]}")


def run_week(tmp_path: Path, body: Callable[[Week], Any]) -> None:
    channels = {"meeting": {"slack": MEETING_SLACK}, "broadcast": {"telegram": BROADCAST_TG}}
    cfg = make_config(f"sqlite:///{tmp_path / 'mixed.sqlite'}", reporters=mixed_people(), channels=channels)
    with FakeTelegramAPI() as tg_fake, FakeSlackAPI() as slack_fake, FakeSMTP() as smtp:
        for user in (BO_SLACK, ERIK_SLACK, SARA_SLACK):
            slack_fake.add_user(user)

        async def main() -> None:
            tg = Application.builder().token(tg_fake.token).base_url(tg_fake.base_url).build()
            await tg.initialize()
            tg_paced, slack_paced = TelegramClock(), SlackClock()
            tg_sender = TelegramSender(
                tg, asyncio.get_running_loop(), limiter=RateLimiter(tg_paced, tg_paced.advance, math.inf)
            )
            slack_cfg = SlackConfig(enabled=True, mode="http", api_url=slack_fake.base_url)
            slack_sender = slack_runner.build_sender(
                slack_cfg, slack_fake.bot_token, RateLimiter(slack_paced, slack_paced.advance, math.inf)
            )
            mail_cfg = EmailConfig(enabled=True, host="127.0.0.1", port=smtp.port, starttls=False, rate_per_second=100)
            clock = ManualClock(TUE_OPEN)
            mail_sender = EmailSender(
                mail_cfg,
                MailLinks("http://127.0.0.1:8080", SECRET),
                SmtpTransport(mail_cfg, None),
                now=lambda: clock.now().astimezone(UTC),
            )
            senders: dict[str, Sender] = {"telegram": tg_sender, "slack": slack_sender, EMAIL: mail_sender}
            app = build(cfg, clock=clock, senders=senders)
            try:
                await body(Week(app, tg_fake, slack_fake, smtp))
            finally:
                mail_sender.transport.close()
                app.close()
                await tg.shutdown()

        asyncio.run(main())
        tg_fake.assert_no_errors()
        slack_fake.assert_no_errors()


def subjects(messages: list[EmailMessage]) -> list[str]:
    return [str(m["Subject"]) for m in messages]


def test_one_week_on_telegram_slack_and_email(tmp_path: Path) -> None:
    async def body(w: Week) -> None:
        await w.at(TUE_OPEN)
        # Tuesday: each reporter once, on their own channel
        assert len(w.tg.sent_to(ANNA_TG)) == 1 and w.tg.texts_to(ANNA_TG)[0].startswith("Hej Anna!")
        assert len(w.slack.messages(BO_SLACK)) == 1
        assert w.slack.messages(ERIK_SLACK) == []  # Slack, but the week by e-mail
        assert subjects(w.mail_to(CECILIA)) == ["This week's safety questionnaire, week 47 – Tryggare Trelleborg"]
        assert subjects(w.mail_to(DORA)) == ["Veckans trygghetsenkät v. 47 – Tryggare Trelleborg"]
        assert subjects(w.mail_to(ERIK)) == ["Veckans trygghetsenkät v. 47 – Tryggare Trelleborg"]
        assert w.mail_to(KIM) == [] and w.tg.sent_to(SARA_TG) == []  # no areas, no questionnaire
        assert len(w.smtp.messages) == 3
        await w.send_nothing("telegram", str(ANNA_TG))
        await w.send_nothing("slack", BO_SLACK)
        await w.send_nothing("slack", ERIK_SLACK)  # Erik answers in Slack after all: one response
        await w.form_nothing(CECILIA)  # Cecilia opens the link in her e-mail: "Inget att rapportera" on the form
        # Wednesday: the e-mail people who have not sent, by e-mail, once each; nothing in the chats
        chats = (len(w.tg.sent_to(ANNA_TG)), len(w.slack.messages(BO_SLACK)), len(w.slack.messages(ERIK_SLACK)))
        await w.at(WED_REMIND)
        assert (len(w.tg.sent_to(ANNA_TG)), len(w.slack.messages(BO_SLACK)), len(w.slack.messages(ERIK_SLACK))) == chats
        assert subjects(w.mail_to(DORA))[1] == "Påminnelse: veckans trygghetsenkät v. 47 – Tryggare Trelleborg"
        assert len(w.mail_to(CECILIA)) == 1 and len(w.mail_to(ERIK)) == 1  # they sent
        # Thursday: one picture to the meeting
        await w.at(THU_CLOSE)
        await w.at(THU_DRAFT)
        pictures = [m for m in w.slack.messages(MEETING_SLACK) if "Utkast till lägesbild" in str(m.get("text", ""))]
        assert len(pictures) == 1 and "Svar: 4 av 5" in str(pictures[0].get("text", ""))
        await w.handle(Inbound("telegram", str(SARA_TG), "command", command="fastställ"))
        # Friday: one report, to the broadcast chat and each who receives it, once, where they are
        await w.at(FRI_PUBLISH)
        assert sum(1 for t in w.tg.texts_to(BROADCAST_TG) if t.startswith("Veckorapport 2026-W47")) == 1
        assert sum(1 for t in w.tg.texts_to(ANNA_TG) if t.startswith("Veckorapport 2026-W47")) == 1
        assert sum(1 for m in w.slack.messages(BO_SLACK) if "Veckorapport" in str(m.get("text", ""))) == 1
        for address, subject in (
            (CECILIA, "Weekly report week 47 – Tryggare Trelleborg"),
            (DORA, "Veckorapport v. 47 – Tryggare Trelleborg"),
            (ERIK, "Veckorapport v. 47 – Tryggare Trelleborg"),
            (KIM, "Veckorapport v. 47 – Tryggare Trelleborg"),
        ):
            reports = [m for m in w.mail_to(address) if str(m["Subject"]) == subject]
            assert len(reports) == 1, (address, subjects(w.mail_to(address)))
            (report,) = reports
            assert report["List-Unsubscribe"] and report["Auto-Submitted"] == "auto-generated"
            assert any((p.get_filename() or "").endswith(".pdf") for p in report.iter_attachments())
        assert len(w.slack.messages(ERIK_SLACK)) == chats[2]  # Erik's report went by e-mail, not Slack
        ids = [str(m.message["Message-ID"]) for m in w.smtp.messages]
        assert len(ids) == len(set(ids)) == 3 + 1 + 4  # invitations, Dora's reminder, reports: nothing twice

    run_week(tmp_path, body)
