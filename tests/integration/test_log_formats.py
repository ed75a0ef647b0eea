"""Logs for machines (issue 18 §8): a whole week played with both log formats written at once, at DEBUG, through
the filters `est-bot run` gives its log. Afterwards neither log holds a personal identity number, a phone number,
an e-mail address, a token, a note's text or a message's text; every JSON line parses and carries time (UTC),
level, logger and message, and the cycle's and the outbox's lines name their group and round, platform and
outbox key."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot import logs
from bot.conversation.messages import Outbound
from bot.domain.masking import has_personal_data
from bot.domain.model import OutboxItem
from bot.outbox import Sender
from tests.conftest import TUE_OPEN, Bot

WED_REMIND = TUE_OPEN + timedelta(days=1, hours=5)
THU_DRAFT = TUE_OPEN + timedelta(days=2, minutes=5)
FRI_PUBLISH = TUE_OPEN + timedelta(days=2, hours=23, minutes=30)
TOKEN = "xoxb-4711-secret-token-for-the-log-test"
PHONE, PNR, EMAIL = "070-123 45 67", "19811218-9876", "anna.andersson@exempel.se"
NOTE = "Glaskross vid kiosken, ring Anna på"
OBSERVATION = "Polisen ser langning vid bänkarna"


@pytest.fixture
def two_logs(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A text log and a JSON log, each a file handler with the filters every handler of `est-bot run` gets."""
    paths = tmp_path / "est-bot.log", tmp_path / "est-bot.jsonl"
    handlers = [logging.FileHandler(p, encoding="utf-8") for p in paths]
    handlers[0].setFormatter(logs.formatter("text"))
    handlers[1].setFormatter(logs.formatter("json"))
    root = logging.getLogger()
    saved = root.level, {n: logging.getLogger(n).level for n in logs.LIBRARY_LOGGERS}
    for h in handlers:
        logs.protect(h, (TOKEN,))
        root.addHandler(h)
    root.setLevel(logging.DEBUG)
    logs.quiet_libraries("DEBUG")
    yield paths
    for h in handlers:
        root.removeHandler(h)
        h.close()
    root.setLevel(saved[0])
    for name, level in saved[1].items():
        logging.getLogger(name).setLevel(level)


class FailingOnce:
    """The console sender, whose first send to the meeting's chat fails with an error that quotes a token and a
    phone number (as a library's error quotes a request URL and its body); the outbox sends it again later."""

    platform = "console"

    def __init__(self, inner: Sender) -> None:
        self.inner = inner
        self.failed: list[str] = []

    def send(self, item: OutboxItem, out: Outbound, message_id: str | None) -> str | None:
        if not self.failed and item.address == "möte":
            self.failed.append(item.key)
            raise RuntimeError(f"POST https://slack.example/api/chat.postMessage?token={TOKEN} to {PHONE}: reset")
        return self.inner.send(item, out, message_id)


def play_a_week(bot: Bot) -> str:
    """Tuesday's questionnaire with notes full of personal data, Wednesday's reminder, Thursday's draft and
    meeting, Friday's report; returns the outbox key of the send that failed once."""
    failing = FailingOnce(bot.dispatcher.senders["console"])
    bot.dispatcher.senders["console"] = failing
    bot.tick()
    for who, level in (("anna", 3), ("bo", 2)):
        bot.cmd(who, "rapport")
        bot.press(who, ":g:start")
        if bot.answer_levels(who, {5: level}, "Stortorget", f"{NOTE} {PHONE} eller {EMAIL}") == "more":
            bot.text(who, f"Mer: personnummer {PNR}")
        bot.press(who, ":s:send")
    bot.cmd("kim", f"observe centrum narkotika: {OBSERVATION} {PHONE}")
    bot.cmd("sara", f"pause {PNR} 2026-12-01")
    bot.clock.set(WED_REMIND)
    bot.tick()
    bot.clock.set(THU_DRAFT)
    bot.tick()
    assert failing.failed
    bot.clock.set(THU_DRAFT + timedelta(minutes=1))  # after the failed send's back-off
    bot.flush()
    draft = next(o for o in bot.sender.to("möte") if o.kind == "picture")
    bot.say("sara", "choice", choice=draft.all_choices()[0].id)  # finalise
    bot.clock.set(FRI_PUBLISH)
    bot.tick()
    assert any("2026-W47" in o.text for o in bot.sender.to("möte") if o.kind == "picture")
    return failing.failed[0]


def test_a_week_in_both_log_formats_keeps_out_personal_data_secrets_and_texts(
    bot: Bot, two_logs: tuple[Path, Path]
) -> None:
    failed_key = play_a_week(bot)
    bot.app.close()
    text_log, json_log = (p.read_text(encoding="utf-8") for p in two_logs)
    for log in (text_log, json_log):
        assert log.strip()
        assert TOKEN not in log and "4711-secret" not in log
        assert not has_personal_data(log), [line for line in log.splitlines() if has_personal_data(line)]
        for typed in (NOTE, OBSERVATION, "Mer: personnummer"):
            assert typed not in log
    assert "token=***" in text_log  # the failed send is logged, with the token replaced

    lines = [json.loads(line) for line in json_log.splitlines()]
    records = re.findall(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ ", text_log, re.MULTILINE)
    assert len(lines) == len(records)  # the same records; a traceback is one JSON line, several text lines
    for line in lines:
        assert {"time", "level", "logger", "message"} <= line.keys(), line
        when = datetime.fromisoformat(line["time"])
        assert when.utcoffset() == timedelta(0)
        assert line["level"] in logs.LEVELS
        assert set(line) <= {"time", "level", "logger", "message", "exception", "stack", *logs.CONTEXT_FIELDS}
    phases = [line for line in lines if line["logger"] == "bot.usecases.cycle" and " -> " in line["message"]]
    steps = [p["message"].rsplit(" ", 1)[1] for p in phases]
    assert steps[0] == "open" and steps[-1] == "published", steps
    assert all(p["group"] == "tbg" and p["round"] == "2026-W47" for p in phases), phases
    failed = [line for line in lines if line["logger"] == "bot.outbox" and "failed" in line["message"]]
    assert len(failed) == 1, failed
    assert failed[0]["platform"] == "console" and failed[0]["outbox_key"] == failed_key
    assert "RuntimeError" in failed[0]["exception"] and "[telefon]" in failed[0]["message"]


def test_context_fields_nest_and_reject_anything_else(two_logs: tuple[Path, Path]) -> None:
    log = logging.getLogger("bot.test")
    with logs.context(group="tbg"):
        with logs.context(round="2026-W47"):
            log.warning("inner")
        log.warning("outer")
    log.warning("outside")
    with pytest.raises(ValueError, match="allowed: group, round, platform, outbox_key"), logs.context(text="hej"):
        pass
    lines = [json.loads(line) for line in two_logs[1].read_text(encoding="utf-8").splitlines()]
    by_message = {line["message"]: line for line in lines}
    assert by_message["inner"]["group"] == "tbg" and by_message["inner"]["round"] == "2026-W47"
    assert by_message["outer"]["group"] == "tbg" and "round" not in by_message["outer"]
    assert "group" not in by_message["outside"]


def test_the_setting_switches_a_command_s_log_to_json_lines(tmp_path: Path) -> None:
    """`[log] format = "json"` in the settings file: everything the command logs on stderr is JSON lines."""
    root = Path(__file__).resolve().parents[2]
    example = (root / "config.example.toml").read_text(encoding="utf-8")
    assert 'format = "text"' in example
    config = tmp_path / "est-bot.toml"
    config.write_text(
        example.replace('format = "text"', 'format = "json"').replace(
            'url = "sqlite:///est-bot.sqlite"', f'url = "sqlite:///{tmp_path / "est.sqlite"}"'
        ),
        encoding="utf-8",
    )
    shutil.copytree(root / "areas", tmp_path / "areas")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EST_")} | {"EST_LOG_LEVEL": "INFO"}
    est_bot = str(Path(sys.executable).parent / "est-bot")
    done = subprocess.run(
        [est_bot, "migrate", "--config", str(config)], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stderr.splitlines()]
    assert lines and any(line["logger"].startswith("alembic") for line in lines), done.stderr  # its migration steps
    assert all(datetime.fromisoformat(line["time"]).utcoffset() == timedelta(0) for line in lines)
