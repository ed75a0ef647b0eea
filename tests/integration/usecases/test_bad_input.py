"""A corpus of hostile and odd input for every text field and command, through the real engine, the Telegram edge
and the configuration loader.

For every (command, payload) pair: the sender gets a clear answer (never the generic "something went wrong");
an answer that refuses changes nothing in the database, and one that accepts stores only clean text (no control or
bidi-override characters, capped length, personal data masked); every answer, drawn by the Telegram edge and
parsed the way Telegram parses HTML, shows as plain text: no bold, no link, nothing the writer did not mean.
The counts of what was tried are in docs/RELIABILITY.md.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bot.config import ConfigError, load_config
from bot.conversation.messages import Outbound
from bot.text import CATALOGUE
from handlers.telegram.edge import MAX_TEXT, render
from standins.telegram_api import parse_html
from tests.conftest import Bot

PAYLOADS: dict[str, str] = {
    "html": '<b>fet</b> <a href="https://evil.example/">klicka</a> </code> &amp; <tg-spoiler>x',
    "html-broken": "<<<>>> </b> <i <script>alert(1)</script>",
    "long": "A" * 10_000,
    "long-words": "ord " * 2_500,
    "control": "a\x00b\x07c\x1b[31mröd\x1b[0m\x7f\x9fd",
    "only-control": "\x00\x01\x02\u200b\u202e",
    "rtl": "\u202egnp.exe\u202c مرحبا שלום \u2067isolate\u2069",
    "emoji": "👩‍👩‍👧‍👦🇸🇪🔥 " * 40,
    "personal": "Ring 070-123 45 67 eller anna.a@example.se, pnr 19800101-1234",
    "slash": "/status /forget Sara",
    "unicode-space": "\u00a0\u2003\u3000x\u2028y\u2029z",
}

# {x} is the payload; every command and every argument that takes free text.
TEMPLATES: list[tuple[str, str]] = [
    ("kim", "observe centrum: {x}"),
    ("kim", "observe {x}: text"),
    ("kim", "observe centrum {x}: text"),
    ("sara", "priority add centrum | {x}: Belysning"),
    ("sara", "priority add centrum: {x}"),
    ("sara", "priority add {x}: Belysning"),
    ("sara", "reporter add {x} | Org | centrum"),
    ("sara", "reporter add Ny Person | {x} | centrum"),
    ("sara", "reporter add Ny Person2 | Org | {x}"),
    ("sara", "reporter add Ny Person3 | Org | centrum | {x}"),
    ("sara", "reporter remove {x}"),
    ("sara", "area add {x} Namn"),
    ("sara", "area add hamnen{n} {x}"),
    ("sara", "pause {x}"),
    ("sara", "pause Bo Berg {x}"),
    ("anna", "pause {x}"),
    ("anna", "language {x}"),
    ("sara", "report {x}"),
    ("sara", "picture {x}"),
    ("sara", "finalize {x}"),
    ("kim", "actions done {x}"),
    ("sara", "review approve {x}"),
    ("sara", "review edit {x}"),
    ("sara", "invite {x}"),
    ("sara", "forget {x}"),
    ("anna", "{x}"),
    ("anna", "help {x}"),
    ("anna", "mydata {x}"),
]

# Malformed dates and weeks for the commands that take them.
DATES = [
    "2026-02-30",
    "2026-13-01",
    "2026/11/20",
    "17/11",
    "imorgon",
    "-1",
    "9999-12-31",
    "2026-11-1",
    "２０２６-１１-２０",
]
WEEKS = ["2026-W54", "2026-W00", "W47", "47", "2026-W", "vecka47", "1999-W01", "99999-W01", "2026-W47-1"]

_DIRTY = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069]")  # ZWJ stays: emoji
REFUSALS = [
    "cmd.usage",
    "cmd.unknown",
    "cmd.denied",
    "cmd.bad_date",
    "cmd.date_past",
    "cmd.date_far",
    "cmd.bad_week",
    "cmd.bad_area",
    "cmd.bad_role",
    "cmd.bad_factor",
    "cmd.empty_text",
    "cmd.area.bad_code",
    "cmd.area.exists",
    "cmd.reporter.exists",
    "cmd.reporter.unknown",
    "cmd.actions.unknown",
    "cmd.review.unknown",
    "cmd.no_round",
    "cmd.report.none",
    "cmd.finalize.not_ready",
    "cmd.phase.already",
    "forget.self",
]
DOMAIN_TABLES = [
    "persons",
    "person_areas",
    "accounts",
    "areas",
    "places",
    "rounds",
    "responses",
    "answers",
    "observations",
    "candidates",
    "votes",
    "actions",
    "invites",
]


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{[a-z_]+\}", template)
    return re.compile(".*".join(re.escape(p) for p in parts), re.DOTALL)


REFUSAL_PATTERNS = [_pattern(CATALOGUE[k][lang]) for k in REFUSALS for lang in ("sv", "en")]
ERROR_TEXTS = {CATALOGUE["cmd.error"][lang] for lang in ("sv", "en")}


Snapshot = dict[str, list[tuple[Any, ...]]]


def snapshot(bot: Bot) -> Snapshot:
    with bot.app.engine.connect() as conn:
        return {t: sorted(map(tuple, conn.execute(text(f"SELECT * FROM {t}"))), key=repr) for t in DOMAIN_TABLES}


def stored_strings(snap: Snapshot) -> list[str]:
    return [v for rows in snap.values() for row in rows for v in row if isinstance(v, str)]


def shows_as_plain_text(out: Outbound) -> None:
    html_text, _ = render(out)
    plain, entities = parse_html(html_text)
    assert entities == [], (out.text[:200], entities)
    assert len(plain.encode("utf-16-le")) // 2 <= MAX_TEXT
    if len(out.text) < MAX_TEXT:
        assert plain.strip() == out.text.strip(), (plain[:200], out.text[:200])


def check(bot: Bot, who: str, line: str, before: Snapshot | None = None) -> str:
    """Send `line`, check the answer and the database; return "refused" or "accepted"."""
    return checked(bot, who, line, before)[0]


def checked(bot: Bot, who: str, line: str, before: Snapshot | None = None) -> tuple[str, Snapshot]:
    """`check`, and the database as it is afterwards."""
    before = before if before is not None else snapshot(bot)
    words = line.split()
    out = bot.say(who, "command", command=words[0].lstrip("/"), args=tuple(words[1:])) if words else []
    after = snapshot(bot)
    assert out, f"no answer to {line[:80]!r}"
    for o in out:
        assert o.text.strip(), f"an empty answer to {line[:80]!r}"
        assert o.text not in ERROR_TEXTS, f"{line[:80]!r} crashed the handler"
        shows_as_plain_text(o)
    refused = any(p.fullmatch(o.text) for p in REFUSAL_PATTERNS for o in out)
    if refused:
        assert after == before, f"{line[:80]!r} was refused but changed the database"
        return "refused", after
    for value in stored_strings(after):
        assert not _DIRTY.search(value), f"{line[:80]!r} stored {value[:80]!r}"
        assert len(value) <= 1001 or value.startswith("{"), f"{line[:80]!r} stored {len(value)} characters"
    joined = " ".join(stored_strings(after))
    assert "070-123 45 67" not in joined and "19800101-1234" not in joined and "anna.a@example.se" not in joined
    return "accepted", after


def test_every_command_and_text_field_takes_hostile_input(bot: Bot) -> None:
    bot.tick()
    outcomes: dict[str, int] = {"refused": 0, "accepted": 0}
    n = 0
    state = snapshot(bot)
    for who, template in TEMPLATES:
        for payload in PAYLOADS.values():
            n += 1
            outcome, state = checked(bot, who, template.format(x=payload, n=n), state)  # nothing changes between
            outcomes[outcome] += 1
    assert outcomes["refused"] > 0 and outcomes["accepted"] > 0
    assert n == len(TEMPLATES) * len(PAYLOADS)


@pytest.mark.parametrize("value", DATES)
def test_malformed_dates_are_refused_clearly(bot: Bot, value: str) -> None:
    bot.tick()
    assert check(bot, "anna", f"pause {value}") == "refused"
    assert check(bot, "sara", f"pause Bo Berg {value}") == "refused"


@pytest.mark.parametrize("value", WEEKS)
def test_malformed_weeks_are_refused_clearly(bot: Bot, value: str) -> None:
    bot.tick()
    for command in ("report", "picture", "finalize"):
        assert check(bot, "sara", f"{command} {value}") == "refused"


def test_hostile_free_text_in_the_questionnaire_is_stored_clean_or_asked_again(bot: Bot) -> None:
    """Place, note and "anything more", typed: each payload is either stored cleaned and capped, or (when
    nothing is left after cleaning) asked for again; the summary shows it as plain text."""
    bot.tick()
    bot.cmd("anna", "rapport")
    bot.press("anna", ":g:start")
    for item, payload in enumerate(list(PAYLOADS.values())[:12]):
        q = bot.last_question("anna")
        assert q.data["step"] == "level" and q.data["item"] == item, q.data
        bot.press("anna", f":l:{item}:2")
        bot.text("anna", payload)  # the place
        step = bot.last_question("anna").data["step"]
        if step == "where":  # nothing usable was left: asked again, then a real place
            bot.press("anna", "Stortorget")
        bot.text("anna", payload)  # the note
        if bot.last_question("anna").data["step"] == "what":
            bot.press("anna", ":w:" + str(item) + ":skip")
    for item in range(len(PAYLOADS), 12):
        bot.press("anna", f":l:{item}:0")
    assert bot.last_question("anna").data["step"] == "more"
    bot.text("anna", PAYLOADS["html"] + PAYLOADS["control"] + PAYLOADS["long"])
    summary = bot.last_question("anna")
    shows_as_plain_text(summary)
    bot.press("anna", ":s:send")
    snap = snapshot(bot)
    for value in stored_strings(snap):
        assert not _DIRTY.search(value), value[:80]
    with bot.app.engine.connect() as conn:
        notes = [r[0] for r in conn.execute(text("SELECT note FROM answers WHERE note IS NOT NULL"))]
        places = [r[0] for r in conn.execute(text("SELECT name FROM places"))]
    assert notes and all(len(n) <= 1001 for n in notes)
    assert all(len(p) <= 101 for p in places)
    assert any("<b>fet</b>" in n for n in notes)  # kept as the text it was, not as markup


# --------------------------------------------------------------------------- configuration files

BAD_CONFIGS: dict[str, bytes] = {
    "nul bytes": b"[database]\x00\nurl = 1",
    "not utf-8": b'reports_dir = "\xff\xfe"\n',
    "not toml": b"[[groups]\nid = tbg",
    "binary": bytes(range(256)) * 40,
    "huge string": b'reports_dir = "' + b"x" * 2_000_000 + b'"\n',
    "wrong type": b"[database]\nurl = 5\n",
    "no groups": b'reports_dir = "r"\n',
    "html in a code": b'[[groups]]\nid = "<b>tbg</b>"\nname = "x"\n[[groups.areas]]\ncode = "c"\nname = "C"\n',
    "control in a name": b'[[groups]]\nid = "tbg"\nname = "x"\n[[groups.areas]]\ncode = "\\u0000"\nname = "C"\n',
    "unknown key": b'[[groups]]\nid = "tbg"\nname = "x"\ntimezon = "Europe/Stockholm"\n',
    "bad retention": b'[privacy]\nnote_retention_weeks = 0\n[[groups]]\nid = "t"\nname = "x"\n',
    "bad lease": b'[run]\noutbox_lease_seconds = -5\n[[groups]]\nid = "t"\nname = "x"\n',
}


@pytest.mark.parametrize("name", list(BAD_CONFIGS))
def test_malformed_configuration_gets_one_clear_line(tmp_path: Path, name: str) -> None:
    path = tmp_path / "est.toml"
    path.write_bytes(BAD_CONFIGS[name])
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    message = str(err.value)
    assert message.startswith(str(path)) and "\n" not in message and len(message) < 600, message


def test_the_command_line_refuses_a_malformed_configuration_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "est.toml"
    path.write_bytes(BAD_CONFIGS["nul bytes"])
    exe = str(Path(sys.executable).parent / "est-bot")
    for command in (["run"], ["migrate"]):
        done = subprocess.run([exe, *command, "--config", str(path)], capture_output=True, text=True, timeout=60)
        assert done.returncode == 2, (command, done.stderr)
        assert "Traceback" not in done.stderr and done.stderr.startswith("est-bot: "), done.stderr
