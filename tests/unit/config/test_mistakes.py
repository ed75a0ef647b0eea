"""Mistakes in a settings file, made as edits of the example file: each is answered with one line that names the
key, the bad value and what is allowed; personal data in a name is refused without being repeated."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config, parse_config
from tests.support.config_files import edited, example_data, load_error, write

# --------------------------------------------------------------------------- mistakes in the file

# (example text, replacement, key path, bad value as shown, words that say what is allowed)
TEXT_MISTAKES: dict[str, tuple[str, str, str, str, list[str]]] = {
    "unknown time zone": (
        'timezone = "Europe/Stockholm"',
        'timezone = "Europe/Stokholm"',
        "groups[0].timezone",
        "'Europe/Stokholm'",
        ["unknown time zone", "did you mean Europe/Stockholm?", "allowed: an IANA time zone"],
    ),
    "bad day name": (
        'open = "tue 08:00"',
        'open = "tisdg 08:00"',
        "groups[0].schedule.open",
        "'tisdg 08:00'",
        ["invalid day 'tisdg'", "mon, tue, wed", "mån, tis, ons", "HH:MM"],
    ),
    "bad time": (
        'publish = "fre 07:30"',
        'publish = "fre 7:75"',
        "groups[0].schedule.publish",
        "'fre 7:75'",
        ["invalid time '7:75'", "24-hour time 00:00-23:59"],
    ),
    "day without a time": (
        'close = "Thursday 08:00"',
        'close = "Thursday"',
        "groups[0].schedule.close",
        "'Thursday'",
        ["'<day> HH:MM'", "e.g. 'tue 08:00'"],
    ),
    "bad monthly time": (
        'monthly = "09:00"',
        'monthly = "9 am"',
        "groups[0].schedule.monthly",
        "'9 am'",
        ["allowed: a time of day as HH:MM"],
    ),
    "schedule out of order": (
        'remind = "onsdag 13:00"',
        'remind = "mån 13:00"',
        "groups[0].schedule.remind",
        "'mån 13:00'",
        ["out of order", "after open (tue 08:00)", "open < remind < close <= draft < publish"],
    ),
    "draft before close": (
        'draft = "tor kl. 08.05"',
        'draft = "tor 07:55"',
        "groups[0].schedule.draft",
        "'tor 07:55'",
        ["at or after close (thu 08:00)", "close <= draft"],
    ),
    "threshold 5": (
        "threshold = 2",
        "threshold = 5",
        "groups[0].threshold",
        "5",
        ["allowed: 1, 2 or 3"],
    ),
    "threshold as text": (
        "threshold = 2",
        'threshold = "två"',
        "groups[0].threshold",
        "'två'",
        ["allowed: 1, 2 or 3"],
    ),
    "snooze 0 hours": (
        "snooze_hours = 3",
        "snooze_hours = 0",
        "groups[0].snooze_hours",
        "0",
        ["allowed: a number of hours more than 0 and at most 72"],
    ),
    "EWMA weight above 1": (
        "ewma_weight = 0.5 ",
        "ewma_weight = 1.5 ",
        "groups[0].detection.ewma_weight",
        "1.5",
        ["allowed: a number more than 0 and at most 1, the weight of the newest week"],
    ),
    "EWMA limit as text": (
        "ewma_limit = 2.5 ",
        'ewma_limit = "hög" ',
        "groups[0].detection.ewma_limit",
        "'hög'",
        ["allowed: a number more than 0 and at most 10"],
    ),
    "min level above 3": (
        "min_level = 1.5 ",
        "min_level = 4 ",
        "groups[0].detection.min_level",
        "4",
        ["allowed: a mean level 0-3"],
    ),
    "baseline and guard longer than the history kept": (
        "baseline_weeks = 10 ",
        "baseline_weeks = 11 ",
        "groups[0].detection.guard_weeks",
        "2",
        ["baseline_weeks + guard_weeks is 13", "at most 12 together"],
    ),
    "show 0 standouts": (
        "show = 8 ",
        "show = 0 ",
        "groups[0].detection.show",
        "0",
        ["allowed: a whole number 1-100, how many standouts the chat picture shows"],
    ),
    "single reports as text": (
        "single_reports = true ",
        'single_reports = "ja" ',
        "groups[0].detection.single_reports",
        "'ja'",
        ["allowed: true or false, whether one reporter's 3 on a cell that is not orange is listed"],
    ),
    "reporters' limit of 0": (
        "reporter_limit = 2.5 ",
        "reporter_limit = 0 ",
        "groups[0].detection.reporter_limit",
        "0",
        ["allowed: a number more than 0 and at most 10, how many standard errors the reporters' average rise"],
    ),
    "reporters' minimum below 0": (
        "reporter_min = 1 ",
        "reporter_min = -1 ",
        "groups[0].detection.reporter_min",
        "-1",
        ["allowed: a whole number 0-100", "0 turns the signal off"],
    ),
    "unknown detection setting": (
        "min_sd = 0.35 ",
        "min_spread = 0.25 ",
        "groups[0].detection.min_spread",
        "0.25",
        ["unknown setting; did you mean min_sd?"],
    ),
    "unknown area in reporters[i].areas": (
        'areas = ["centrum", "lextorp"]',
        'areas = ["centrum", "vastra"]',
        "groups[0].reporters[0].areas[1]",
        "'vastra'",
        ["unknown area", "allowed: centrum, lextorp, kronogarden"],
    ),
    "same area twice for one reporter": (
        'areas = ["centrum", "lextorp"]',
        'areas = ["centrum", "centrum"]',
        "groups[0].reporters[0].areas[1]",
        "'centrum'",
        ["listed twice"],
    ),
    "duplicate area code": (
        'code = "kronogarden"',
        'code = "lextorp"',
        "groups[0].areas[2].code",
        "'lextorp'",
        ["areas[1]", "must be unique"],
    ),
    "bad area code": (
        'code = "kronogarden"',
        'code = "Kronogården"',
        "groups[0].areas[2].code",
        "'Kronogården'",
        ["allowed: 1-40 characters: lower-case letters a-z, digits"],
    ),
    "duplicate reporter name (case does not count)": (
        'name = "Maria Svensson"',
        'name = "AMIRA HASSAN"',
        "groups[0].reporters[2].name",
        "'AMIRA HASSAN'",
        ["same name as reporters[0] ('Amira Hassan')", "must be unique"],
    ),
    "duplicate slack id": (
        'slack = "U04SOC0002"',
        'slack = "U04TRYGG001"',
        "groups[0].reporters[3].slack",
        "'U04TRYGG001'",
        ["already the slack id of reporters[0] ('Amira Hassan')", "one person only"],
    ),
    "duplicate telegram id": (
        "telegram = 498765432",
        "telegram = 412345678",
        "groups[0].reporters[2].telegram",
        "412345678",
        ["already the telegram id of reporters[1] ('Johan Lindqvist')"],
    ),
    "telegram id in quotes": (
        "telegram = 498765432",
        'telegram = "@maria"',
        "groups[0].reporters[2].telegram",
        "'@maria'",
        ["allowed: a Telegram numeric id without quotes"],
    ),
    "unknown key (typo)": (
        'timezone = "Europe/Stockholm"',
        'timezon = "Europe/Stockholm"',
        "groups[0].timezon",
        "'Europe/Stockholm'",
        ["unknown setting", "did you mean timezone?", "allowed here: id, name, timezone"],
    ),
    "unknown key in a reporter": (
        "receives_report = false",
        "recieves_report = false",
        "groups[0].reporters[4].recieves_report",
        "false",
        ["unknown setting", "did you mean receives_report?"],
    ),
    "secret in the file": (
        'mode = "socket"',
        'mode = "socket"\nbot_token = "xoxb-1"',
        "slack.bot_token",
        "'…'",
        ["unknown setting", "allowed here: enabled, mode, api_url, command, listen, port, path", "environment"],
    ),
    "unknown key, nothing like it": (
        "tick_seconds = 60",
        "tick_seconds = 60\nwhatever = 1",
        "run.whatever",
        "1",
        ["unknown setting; allowed here: tick_seconds, leader_retry_seconds"],
    ),
    "bad e-mail address": (
        'email = "sara.ek@example.se"',
        'email = "sara.ek@@example"',
        "groups[0].reporters[6].email",
        "'sara.ek@@example'",
        ["not an e-mail address", "allowed: an address of the form namn@domän"],
    ),
    "channel without its account": (
        'email = "sara.ek@example.se"',
        'email = "sara.ek@example.se"\nchannel = "telegram"',
        "groups[0].reporters[6].channel",
        "'telegram'",
        ["'Sara Ek' has no telegram account", "leave channel out"],
    ),
    "e-mail without the web view": (
        "docs/EMAIL.md tells more.\nenabled = false",
        "docs/EMAIL.md tells more.\nenabled = true",
        "email.enabled",
        "true",
        ["set [web] enabled = true and its base_url"],
    ),
    "a sender's address with å before the @": (
        'from = "trygghet@example.se"',
        'from = "trygghetsråd@example.se"',
        "email.from",
        "'[e-post]'",  # an address is masked in the line, as everywhere
        ["many mail servers refuse", "allowed: a-z, 0-9 and . _ - + before the @"],
    ),
    "both tls and starttls": (
        "starttls = true\ntls = false",
        "starttls = true\ntls = true",
        "email.tls",
        "true",
        ["choose one: starttls = true for port 587"],
    ),
    "bad role": (
        'role = "participant"',
        'role = "polis"',
        "groups[0].reporters[4].role",
        "'polis'",
        ["allowed: 'reporter', 'participant', 'coordinator' or 'admin'"],
    ),
    "bad reporter language": (
        'language = "en"',
        'language = "english"',
        "groups[0].reporters[2].language",
        "'english'",
        ["allowed: 'sv' or 'en'"],
    ),
    "bad group language": (
        'language = "sv"',
        'language = "se"',
        "groups[0].language",
        "'se'",
        ["allowed: 'sv' or 'en'"],
    ),
    "unknown channel": (
        "[groups.channels.broadcast]",
        "[groups.channels.rapport]",
        "groups[0].channels.rapport",
        "",
        ["unknown name 'rapport'", "allowed: 'meeting', 'broadcast' or 'coordinators'"],
    ),
    "bad slack mode": (
        'mode = "socket"',
        'mode = "websocket"',
        "slack.mode",
        "'websocket'",
        ["allowed: 'socket' or 'http'"],
    ),
    "port out of range": (
        "port = 8443",
        "port = 84430",
        "telegram.port",
        "84430",
        ["allowed: a port number 1-65535"],
    ),
    "bool written as a number": (
        "receives_report = false",
        "receives_report = 7",
        "groups[0].reporters[4].receives_report",
        "7",
        ["allowed: true or false"],
    ),
    "areas as a single table": (
        '[[groups.areas]]\ncode = "centrum"',
        '[groups.areaz]\ncode = "centrum"',
        "groups[0].areaz",
        "",
        ["unknown setting", "did you mean areas?"],
    ),
    "empty area name": (
        'name = "Lextorp"',
        'name = ""',
        "groups[0].areas[1].name",
        "''",
        ["must not be empty"],
    ),
}


@pytest.mark.parametrize("case", list(TEXT_MISTAKES), ids=list(TEXT_MISTAKES))
def test_a_mistake_is_one_line_with_key_value_and_what_is_allowed(case: str, tmp_path: Path) -> None:
    old, new, key, value, allowed = TEXT_MISTAKES[case]
    path = write(tmp_path, edited(old, new))

    msg = load_error(path)

    assert "\n" not in msg and "\r" not in msg
    head = f"{path}: {key} = {value}: " if value else f"{path}: {key}: "
    assert msg.startswith(head), msg
    for words in allowed:
        assert words in msg, msg
    assert "Traceback" not in msg and "pydantic" not in msg and "errors.pydantic.dev" not in msg


# A name or code everyone sees, holding personal data: (example text, replacement, key, the value as shown).
PERSONAL_DATA_IN_NAMES: dict[str, tuple[str, str, str, str]] = {
    "person's name with a personnummer": (
        'name = "Amira Hassan"',
        'name = "Amira Hassan 19811218-9876"',
        "groups[0].reporters[0].name",
        "'Amira Hassan [personnummer]'",
    ),
    "organisation with an obfuscated e-mail": (
        'organisation = "Trygghetsvärdar"',
        'organisation = "Trygghetsvärdar, anna(at)exempel.se"',
        "groups[0].reporters[0].organisation",
        "'Trygghetsvärdar, [e-post]'",
    ),
    "area name with a phone number": (
        'name = "Lextorp"',
        'name = "Lextorp 070-123 45 67"',
        "groups[0].areas[1].name",
        "'Lextorp [telefon]'",
    ),
    "place that is an e-mail address": (
        '"Lextorps centrum"',
        '"anna.svensson@exempel.se"',
        "groups[0].areas[1].places[0]",
        "'[e-post]'",
    ),
    "area code that is a personnummer": (
        'code = "lextorp"',
        'code = "811218-9876"',
        "groups[0].areas[1].code",
        "'[personnummer]'",
    ),
    "group id that is a phone number": (
        'id = "trollhattan"',
        'id = "0701234567"',
        "groups[0].id",
        "'[telefon]'",
    ),
    "group name with a phone number written with dots": (
        'name = "Tryggare Trollhättan"',
        'name = "Tryggare Trollhättan 08.123.456.78"',
        "groups[0].name",
        "'Tryggare Trollhättan [telefon]'",
    ),
    "municipality with a personnummer written as a date": (
        'municipality = "Trollhättan"',
        'municipality = "Trollhättan 1981-12-18-9876"',
        "groups[0].municipality",
        "'Trollhättan [personnummer]'",
    ),
}


@pytest.mark.parametrize("case", list(PERSONAL_DATA_IN_NAMES), ids=list(PERSONAL_DATA_IN_NAMES))
def test_personal_data_in_a_name_is_refused_at_load_with_one_line_naming_the_key(case: str, tmp_path: Path) -> None:
    old, new, key, shown = PERSONAL_DATA_IN_NAMES[case]
    path = write(tmp_path, edited(old, new))

    msg = load_error(path)

    assert "\n" not in msg
    assert msg.startswith(f"{path}: {key} = {shown}: "), msg
    assert "personal identity number, phone number or e-mail address" in msg and "write it without them" in msg
    # the line is printed and may be logged: what it refuses is not in it
    for personal in ("9876", "45 67", "1234567", "456.78", "anna"):
        assert personal not in msg, msg


def test_personal_data_in_a_factor_label_is_refused() -> None:
    data = example_data()
    data["groups"][0]["factors"] = [{"code": "klotter", "sv": "Klotter, ring 08-123 456 78", "en": "Graffiti"}]

    with pytest.raises(ConfigError) as info:
        parse_config(data, "est.toml")

    assert str(info.value).startswith("est.toml: groups[0].factors[0].sv = 'Klotter, ring [telefon]': holds a")


def test_an_e_mail_address_where_one_belongs_is_allowed(tmp_path: Path) -> None:
    text = edited("[police_events]", '[police_events]\ncontact = "trygghet@trollhattan.example.se"')
    cfg = load_config(write(tmp_path, text), env={})
    assert cfg.police_events.contact == "trygghet@trollhattan.example.se"
    # and names with digits that are not personal data load as they are
    text = edited('name = "Lextorp"', 'name = "Lextorp 2026, kvarter 12-14"')
    text = edited('"Lextorps centrum"', '"Storgatan 12, 231 42 Trelleborg"', text)
    area = load_config(write(tmp_path, text), env={}).groups[0].areas[1]
    assert (area.name, area.places[0]) == ("Lextorp 2026, kvarter 12-14", "Storgatan 12, 231 42 Trelleborg")
