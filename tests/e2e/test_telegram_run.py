"""`est-bot run` with Telegram as a real process against the stand-in Bot API: long polling and webhook mode."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from standins.telegram_api import FakeTelegramAPI
from tests.support import realproc
from tests.support.realproc import wait_until
from tests.support.telegram_harness import ANNA, SARA

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:.*retry_after.*")]

RUN_CONFIG = """
reports_dir = "{tmp}/reports"

[database]
url = "sqlite:///{tmp}/run.sqlite"

[telegram]
enabled = true
base_url = "{base_url}"
{telegram}

[[groups]]
id = "tbg"
name = "Tryggare Trelleborg"

[[groups.areas]]
code = "centrum"
name = "Centrum"

[[groups.reporters]]
name = "Anna Andersson"
areas = ["centrum"]
telegram = {anna}

[[groups.reporters]]
name = "Sara Samordnare"
role = "coordinator"
telegram = {sara}
"""


@contextmanager
def est_bot_run(tmp_path: Path, fake: FakeTelegramAPI, telegram: str = "", **env: str) -> Iterator[None]:
    """`est-bot run` as a real process against the stand-in; stopped with Ctrl-C, which must end it cleanly."""
    cfg = tmp_path / "est.toml"
    text = RUN_CONFIG.format(tmp=tmp_path, base_url=fake.base_url, telegram=telegram, anna=ANNA, sara=SARA)
    cfg.write_text(text, encoding="utf-8")
    with realproc.est_bot_run(cfg, {"EST_TELEGRAM_TOKEN": fake.token, **env}, (fake.token,)):
        yield


def helped(fake: FakeTelegramAPI) -> int:
    return sum("Det här kan du skriva" in t for t in fake.texts_to(ANNA))


def test_est_bot_run_polls_telegram_and_answers(tmp_path: Path) -> None:
    """Long polling against the stand-in: the menus set per role and language, a command answered."""
    with FakeTelegramAPI() as fake, est_bot_run(tmp_path, fake):
        fake.push_update(fake.command_update(ANNA, ANNA, "help"))
        wait_until(lambda: helped(fake) == 1)
        assert [c["command"] for c in fake.commands()] == [
            "rapport",
            "andra",
            "ledig",
            "sprak",
            "minadata",
            "webb",
            "start",
            "hjalp",
        ]
        coordinator = [c["command"] for c in fake.commands({"type": "chat", "chat_id": SARA})]
        assert {"status", "faststall", "bjud", "utkast", "publicera"} <= set(coordinator)
        assert [c["command"] for c in fake.commands(language_code="en")][:2] == ["report", "edit"]


def test_est_bot_run_webhook_takes_only_requests_with_the_secret(tmp_path: Path) -> None:
    """Webhook mode: the stand-in delivers with the secret; requests without it or with a wrong one get 403."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    secret = "est-webhook-secret_123"
    url = f"http://127.0.0.1:{port}/telegram"
    hook = f'mode = "webhook"\nwebhook_url = "{url}"\nlisten = "127.0.0.1"\nport = {port}'
    with FakeTelegramAPI() as fake, est_bot_run(tmp_path, fake, hook, EST_TELEGRAM_WEBHOOK_SECRET=secret):
        wait_until(lambda: bool(fake.calls_to("setWebhook")))
        assert fake.calls_to("setWebhook")[-1].params["secret_token"] == secret
        forged = {**fake.command_update(ANNA, ANNA, "help"), "update_id": 999_999}
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
            answers: list[httpx.Response] = []

            def post(headers: dict[str, str] = headers, answers: list[httpx.Response] = answers) -> bool:
                try:
                    answers.append(httpx.post(url, json=forged, headers=headers, timeout=5))
                except httpx.ConnectError:
                    return False  # the listener is not up yet
                return True

            wait_until(post)
            assert answers[-1].status_code == 403
        fake.push_update(fake.command_update(ANNA, ANNA, "help"))  # delivered by the stand-in, with the secret
        wait_until(lambda: helped(fake) >= 1)
        assert helped(fake) == 1  # the forged requests were refused before any work, so only this one
