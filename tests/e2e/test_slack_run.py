"""`est-bot run` with Slack as a real process: Socket Mode (the default) and HTTP mode, against the stand-ins."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from standins import slack_requests as rq
from standins.slack_api import FakeSlackAPI
from standins.slack_socket import FakeSocketMode
from tests.support import realproc
from tests.support.slack_harness import ANNA, MEETING, SARA

pytestmark = pytest.mark.slow  # a real est-bot process

RUN_CONFIG = """
reports_dir = "{tmp}/reports"

[database]
url = "sqlite:///{tmp}/run.sqlite"

[slack]
enabled = true
api_url = "{api_url}"
{slack}

[[groups]]
id = "tbg"
name = "Tryggare Trelleborg"
channels = {{ meeting = {{ slack = "{meeting}" }} }}

[[groups.areas]]
code = "centrum"
name = "Centrum"

[[groups.reporters]]
name = "Anna Andersson"
areas = ["centrum"]
slack = "{anna}"

[[groups.reporters]]
name = "Sara Samordnare"
role = "coordinator"
slack = "{sara}"
"""


@contextmanager
def est_bot_run(tmp_path: Path, fake: FakeSlackAPI, slack: str = "", **env: str) -> Iterator[subprocess.Popen[str]]:
    cfg = tmp_path / "est.toml"
    text = RUN_CONFIG.format(tmp=tmp_path, api_url=fake.base_url, slack=slack, meeting=MEETING, anna=ANNA, sara=SARA)
    cfg.write_text(text, encoding="utf-8")
    secrets = (fake.bot_token, rq.DEFAULT_SIGNING_SECRET)
    with realproc.est_bot_run(cfg, {"EST_SLACK_BOT_TOKEN": fake.bot_token, **env}, secrets) as proc:
        yield proc


def test_est_bot_run_in_socket_mode_answers_a_command(tmp_path: Path) -> None:
    with FakeSlackAPI() as fake, FakeSocketMode() as sock:
        sock.attach(fake)
        with est_bot_run(tmp_path, fake, EST_SLACK_APP_TOKEN=fake.app_token):
            sock.wait_connected(30)
            envelope = sock.send_slash_command(
                rq.slash_command_payload("/est", "hjälp", user_id=ANNA, channel_id=MEETING)
            )
            sock.wait_ack(envelope, 5)
            realproc.wait_until(lambda: bool(fake.ephemerals(user=ANNA)))
            assert "/est" in fake.ephemerals(user=ANNA)[0]["text"]
        fake.assert_no_errors()


def test_est_bot_run_over_http_takes_only_signed_requests(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/slack/events"
    http = f'mode = "http"\nlisten = "127.0.0.1"\nport = {port}'
    with FakeSlackAPI() as fake, est_bot_run(tmp_path, fake, http, EST_SLACK_SIGNING_SECRET=rq.DEFAULT_SIGNING_SECRET):

        def up() -> bool:
            try:
                return rq.post(url, *rq.url_verification("c0ffee"))[0] == 200
            except OSError:
                return False

        realproc.wait_until(up)
        status, body = rq.post(url, *rq.url_verification("abc123"))
        assert status == 200 and b"abc123" in body  # Slack's handshake when the Request URL is saved
        for forge in ("wrong_secret", "stale", "no_headers"):
            request = rq.slash_command("/est", "status", user_id=SARA, channel_id=MEETING, forge=forge)
            assert rq.post(url, *request)[0] == 401
        assert rq.post(url, *rq.slash_command("/est", "status", user_id=SARA, channel_id=MEETING))[0] == 200
        realproc.wait_until(lambda: bool(fake.ephemerals(user=SARA)))
        time.sleep(0.5)
        assert len(fake.ephemerals(user=SARA)) == 1  # only the signed request was answered
        fake.assert_no_errors()
