"""The web view as people reach it: a real `est-bot run` with `[web] enabled = true`, the Telegram and Slack
stand-ins, and a database with the eight published weeks of tests/support/report_data.py (2026-W40 … W47).

The process runs on a shifted clock (`run --at`, an hour after week 47 opened), so the data set's weeks are the
recent ones. Links for the browser tests that do not go through the chat are written straight into the same
database with the use case's own `issue_link`, at the process's time (or an hour earlier: a link that has expired).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from bot.bootstrap import App, build
from bot.clock import ManualClock
from bot.config import load_config
from bot.usecases.web import issue_link
from standins.slack_api import FakeSlackAPI
from standins.slack_socket import FakeSocketMode
from standins.telegram_api import FakeTelegramAPI
from tests.support import realproc
from tests.support.report_data import seed

SECRET = "e2e-web-secret-" + "k" * 40
STOCKHOLM = ZoneInfo("Europe/Stockholm")
#: The process's clock starts here: Tuesday of week 47, an hour after the week opened (the data set's "now").
START = datetime(2026, 11, 17, 9, 0, tzinfo=STOCKHOLM)
WEEK = "2026-W47"

# Chat accounts: Kim (participant) asks on Telegram, Sara (coordinator) on Slack.
TG = {"Anna Andersson": 42, "Sara Samordnare": 43, "Kim Polis": 44}
TG_MEETING = -1001000000001
SLACK = {
    "Anna Andersson": "U0ANNA001",
    "Bo Berg": "U0BOBERG2",
    "Sara Samordnare": "U0SARA003",
    "Kim Polis": "U0KIMPOL4",
}
SLACK_MEETING = "C0MEETING1"

#: Positions of the places (Trelleborg), so the map draws them.
POSITIONS = {"Stortorget": (55.3753, 13.1569), "Resecentrum": (55.3727, 13.1530), "Norrskolan": (55.3861, 13.1601)}

CONFIG = """
reports_dir = "{tmp}/reports"

[database]
url = "sqlite:///{tmp}/web.sqlite"

[telegram]
enabled = true
base_url = "{telegram}"

[slack]
enabled = true
api_url = "{slack}"

[web]
enabled = true
listen = "127.0.0.1"
port = {port}
base_url = "http://127.0.0.1:{port}"
secure_cookies = false
links_per_hour = 100

[web.map]
tiles = ""

[[groups]]
id = "tbg"
name = "Tryggare Trelleborg"
timezone = "Europe/Stockholm"
channels = {{ meeting = {{ telegram = {tg_meeting}, slack = "{slack_meeting}" }} }}

[[groups.areas]]
code = "centrum"
name = "Centrum"
places = [{stortorget}, {resecentrum}]

[[groups.areas]]
code = "norr"
name = "Norr"
places = [{norrskolan}]

[[groups.reporters]]
name = "Anna Andersson"
organisation = "Trygghetsvärdar"
areas = ["centrum"]
telegram = {tg_anna}
slack = "{slack_anna}"

[[groups.reporters]]
name = "Bo Berg"
organisation = "Bostadsbolaget"
areas = ["centrum", "norr"]
slack = "{slack_bo}"

[[groups.reporters]]
name = "Cecilia Ek"
organisation = "Skolan"
areas = ["norr"]
language = "en"

[[groups.reporters]]
name = "Sara Samordnare"
organisation = "Säkerhetsenheten"
role = "coordinator"
telegram = {tg_sara}
slack = "{slack_sara}"

[[groups.reporters]]
name = "Kim Polis"
organisation = "Polisen"
role = "participant"
telegram = {tg_kim}
slack = "{slack_kim}"
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _place(name: str) -> str:
    lat, lon = POSITIONS[name]
    return f'{{ name = "{name}", lat = {lat}, lon = {lon} }}'


def write_config(tmp: Path, telegram: FakeTelegramAPI, slack: FakeSlackAPI, port: int) -> Path:
    path = tmp / "est.toml"
    text = CONFIG.format(
        tmp=tmp,
        telegram=telegram.base_url,
        slack=slack.base_url,
        port=port,
        tg_meeting=TG_MEETING,
        slack_meeting=SLACK_MEETING,
        stortorget=_place("Stortorget"),
        resecentrum=_place("Resecentrum"),
        norrskolan=_place("Norrskolan"),
        tg_anna=TG["Anna Andersson"],
        tg_sara=TG["Sara Samordnare"],
        tg_kim=TG["Kim Polis"],
        slack_anna=SLACK["Anna Andersson"],
        slack_bo=SLACK["Bo Berg"],
        slack_sara=SLACK["Sara Samordnare"],
        slack_kim=SLACK["Kim Polis"],
    )
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class Site:
    """The running web view and what it was started with."""

    base_url: str
    telegram: FakeTelegramAPI
    slack: FakeSlackAPI
    socket: FakeSocketMode
    app: App  # the same database, in this process: links written straight into it
    proc: subprocess.Popen[str]
    log_path: Path
    began: float  # time.monotonic() when the process started

    def url(self, path: str) -> str:
        return self.base_url + path

    def now(self) -> datetime:
        """The process's clock (it started at START and runs with the real one)."""
        return START + timedelta(seconds=time.monotonic() - self.began)

    def link(self, name: str, *, minutes_ago: float = 0) -> str:
        """A sign-in link for a person of the group, made `minutes_ago` before the process's now."""
        services = self.app.services
        at = self.now() - timedelta(minutes=minutes_ago)
        with services.unit() as uow:
            person = uow.people.person_by_name("tbg", name)
            assert person is not None, name
            url = issue_link(services.env, uow, person, at)
            uow.commit()
        return url

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def _serving(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.TransportError:
        return False


@contextmanager
def running_site(tmp: Path) -> Iterator[Site]:
    """The stand-ins, the seeded database and `est-bot run --at START`; on leaving, Ctrl-C must end the process
    cleanly, with no traceback and no secret in its output."""
    port = free_port()
    with FakeTelegramAPI() as telegram, FakeSlackAPI() as slack, FakeSocketMode() as sock:
        sock.attach(slack)
        cfg_path = write_config(tmp, telegram, slack, port)
        app = build(load_config(cfg_path), clock=ManualClock(START), platforms=("telegram", "slack"))
        try:
            seed(app, START)
            log_path = tmp / "est-bot.log"
            env = {
                **os.environ,
                "EST_TELEGRAM_TOKEN": telegram.token,
                "EST_SLACK_BOT_TOKEN": slack.bot_token,
                "EST_SLACK_APP_TOKEN": slack.app_token,
                "EST_WEB_SECRET": SECRET,
            }
            at = START.replace(tzinfo=None).isoformat(timespec="minutes")
            with log_path.open("w", encoding="utf-8") as log_file:
                began = time.monotonic()
                proc = subprocess.Popen(
                    [realproc.EXE, "run", "--config", str(cfg_path), "--at", at],
                    env=env,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
                site = Site(f"http://127.0.0.1:{port}", telegram, slack, sock, app, proc, log_path, began)
                try:
                    realproc.wait_until(
                        lambda: proc.poll() is not None or _serving(site.url("/signin")), 60, "the web view"
                    )
                    assert proc.poll() is None, site.log()
                    sock.wait_connected(30)
                    yield site
                finally:
                    if proc.poll() is None:
                        proc.send_signal(signal.SIGINT)
                    try:
                        proc.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait(timeout=30)
            out = site.log()
            assert proc.returncode == 0, out
            assert "Traceback" not in out, out
            for secret in (telegram.token, slack.bot_token, slack.app_token, SECRET):
                assert secret not in out, "a secret in the log"
            assert "/in/" not in out, "a sign-in link in the log"
        finally:
            app.close()
