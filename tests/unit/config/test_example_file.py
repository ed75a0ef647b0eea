"""Settings: the example file is a working configuration, and every mistake in a settings file is answered
with one line that names the key, the bad value and what is allowed, never a traceback."""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.config import (
    AreaConfig,
    ChannelConfig,
    Config,
    ConfigError,
    DatabaseConfig,
    DetectionConfig,
    FactorConfig,
    GroupConfig,
    PoliceEventsConfig,
    PrivacyConfig,
    ReporterConfig,
    RunConfig,
    ScheduleConfig,
    SlackConfig,
    TelegramConfig,
    load_config,
    parse_config,
)
from bot.domain.cycle import DEFAULT_SCHEDULE, SCHEDULED_PHASES
from bot.domain.factors import DEFAULT_FACTORS
from bot.text import t
from tests.support.paths import ROOT

EXAMPLE = ROOT / "config.example.toml"
EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")
SECRET_ENV = (
    "EST_SLACK_BOT_TOKEN",
    "EST_SLACK_APP_TOKEN",
    "EST_SLACK_SIGNING_SECRET",
    "EST_TELEGRAM_TOKEN",
    "EST_TELEGRAM_WEBHOOK_SECRET",
    "EST_DATABASE_URL",
)


def edited(old: str, new: str, text: str = EXAMPLE_TEXT) -> str:
    """The example file with one exact piece of text replaced (the piece must be there exactly once)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in config.example.toml"
    return text.replace(old, new)


def write(tmp_path: Path, text: str, name: str = "est-bot.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def load_error(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    return str(info.value)


def example_data() -> dict[str, Any]:
    return tomllib.loads(EXAMPLE_TEXT)


# --------------------------------------------------------------------------- the example file


def test_example_file_loads_with_one_realistic_group() -> None:
    cfg = load_config(EXAMPLE, env={})

    assert cfg.database.url == "sqlite:///est-bot.sqlite"
    assert cfg.slack.enabled is False and cfg.telegram.enabled is False
    [g] = cfg.groups
    assert cfg.group("trollhattan") is g
    assert (g.id, g.name, g.timezone, g.language) == ("trollhattan", "Tryggare Trollhättan", "Europe/Stockholm", "sv")
    assert g.tz.key == "Europe/Stockholm"
    assert (g.threshold, g.snooze_hours) == (2, 3.0)
    # The schedule is written in several day formats, and means the EST defaults.
    assert g.week_schedule() == DEFAULT_SCHEDULE
    assert g.factors == [] and g.factor_list() == list(DEFAULT_FACTORS)

    assert [a.code for a in g.areas] == ["centrum", "lextorp", "kronogarden"]
    assert all(len(a.places) >= 3 for a in g.areas)
    assert "Kronogårdens torg" in g.areas[2].places
    assert g.areas[0].place_points()[:2] == [("Drottningtorget", 58.2837, 12.2886), ("Resecentrum", None, None)]
    assert cfg.privacy.location_snap_metres == 150

    assert len(g.reporters) == 6
    by_name = {r.name: r for r in g.reporters}
    assert by_name["Amira Hassan"].areas == ["centrum", "lextorp"]
    assert by_name["Maria Svensson"].language == "en"
    assert by_name["Karin Olsson"].role == "participant" and by_name["Karin Olsson"].receives_report is False
    assert by_name["Lena Berg"].role == "coordinator"
    assert by_name["Lena Berg"].telegram == 455512345
    assert {r.role for r in g.reporters} == {"reporter", "participant", "coordinator"}
    assert len({r.organisation for r in g.reporters}) == 6
    reporters = [r for r in g.reporters if r.role == "reporter"]
    assert {a for r in reporters for a in r.areas} == {"centrum", "lextorp", "kronogarden"}
    for platform in ("slack", "telegram", "console"):
        assert any(getattr(r, platform) is not None for r in g.reporters), platform
    assert all(r.slack or r.telegram or r.console for r in g.reporters), "everyone can be reached"

    assert set(g.channels) == {"meeting", "broadcast", "coordinators"}
    for ch in g.channels.values():
        assert ch.slack and ch.console and ch.telegram is not None and ch.telegram < 0


def test_example_file_documents_every_setting() -> None:
    models: list[type[Any]] = [
        Config,
        DatabaseConfig,
        SlackConfig,
        TelegramConfig,
        RunConfig,
        PrivacyConfig,
        GroupConfig,
        ScheduleConfig,
        DetectionConfig,
        FactorConfig,
        AreaConfig,
        ReporterConfig,
        ChannelConfig,
        PoliceEventsConfig,
    ]
    for model in models:
        for name in model.model_fields:
            setting = re.compile(rf"^#?\s*{name}\s*=|^#?\s*\[\[?(groups\.)?{name}[\].]", re.MULTILINE)
            assert setting.search(EXAMPLE_TEXT), f"{model.__name__}.{name} is not shown in config.example.toml"
    for var in SECRET_ENV:
        assert var in EXAMPLE_TEXT
    assert "postgresql://" in EXAMPLE_TEXT


def test_example_file_holds_no_secret() -> None:
    assert not re.search(r"xox[abp]-[0-9A-Za-z]|xapp-[0-9A-Za-z]|\d{8,10}:[A-Za-z0-9_-]{30,}", EXAMPLE_TEXT)
    assert not re.search(r"^\s*(token|secret|signing_secret)\s*=", EXAMPLE_TEXT, re.MULTILINE)


def test_commented_out_examples_in_the_example_file_are_valid_too(tmp_path: Path) -> None:
    text = edited('url = "sqlite:///est-bot.sqlite"\n', "")
    # Uncomment every commented-out setting and table header ("# key = ..." and "# [[groups.factors]]").
    text = re.sub(r"^# ((?:[a-z_]+ = |\[\[groups\.factors\]\]).*)$", r"\1", text, flags=re.MULTILINE)
    cfg = load_config(write(tmp_path, text), env={})

    assert cfg.database.url.startswith("postgresql://")
    assert cfg.telegram.webhook_url == "https://estbot.trollhattan.example.se/telegram"
    g = cfg.groups[0]
    assert [(f.code, f.sv) for f in g.factors] == [("klotter", "Klotter"), ("trafik", "Otillåten eller farlig trafik")]
    assert [f.code for f in g.factor_list()] == ["klotter", "trafik"]
    assert [a.code for a in g.areas] == ["centrum", "lextorp", "kronogarden"]


def test_every_day_format_the_example_names_is_understood(tmp_path: Path) -> None:
    for day in ("tue", "Tuesday", "tu", "tis", "tisdag", "ti", "TISDAG", "Tis."):
        for clock in ("08:00", "8:00", "kl. 08.00", "at 8.00"):
            cfg = load_config(write(tmp_path, edited('open = "tue 08:00"', f'open = "{day} {clock}"')), env={})
            assert cfg.groups[0].week_schedule().open == DEFAULT_SCHEDULE.open, (day, clock)
    # Swedish days also work without å/ä/ö, as the example says.
    for day, iso in (("lordag", 6), ("lördag", 6), ("sondag", 7), ("Söndag", 7)):
        cfg = load_config(write(tmp_path, edited('publish = "fre 07:30"', f'publish = "{day} 07:30"')), env={})
        assert cfg.groups[0].week_schedule().publish.weekday == iso, day


def test_a_byte_order_mark_is_harmless(tmp_path: Path) -> None:
    p = tmp_path / "bom.toml"
    p.write_bytes(EXAMPLE_TEXT.encode("utf-8-sig"))
    assert load_config(p, env={}).groups[0].id == "trollhattan"


# --------------------------------------------------------------------------- environment


def test_est_database_url_in_env_overrides_the_file() -> None:
    url = "postgresql://estbot:hemligt@db.example.se:5432/estbot"
    cfg = load_config(EXAMPLE, env={"EST_DATABASE_URL": url})
    assert cfg.database.url == url
    assert cfg.groups[0].id == "trollhattan"
    assert load_config(EXAMPLE, env={}).database.url == "sqlite:///est-bot.sqlite"
    assert load_config(EXAMPLE, env={"EST_DATABASE_URL": ""}).database.url == "sqlite:///est-bot.sqlite"


def test_without_env_argument_the_process_environment_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EST_DATABASE_URL", "sqlite:////var/lib/est-bot/est.sqlite")
    assert load_config(EXAMPLE).database.url == "sqlite:////var/lib/est-bot/est.sqlite"
    monkeypatch.delenv("EST_DATABASE_URL")
    assert load_config(EXAMPLE).database.url == "sqlite:///est-bot.sqlite"


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
        "baseline_weeks = 8 ",
        "baseline_weeks = 11 ",
        "groups[0].detection.guard_weeks",
        "2",
        ["baseline_weeks + guard_weeks is 13", "at most 12 together"],
    ),
    "unknown detection setting": (
        "min_sd = 0.25 ",
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


# Mistakes easier to make on the parsed data than as a text edit: (change, message start, words).
DATA_MISTAKES: dict[str, tuple[Callable[[dict[str, Any]], Any], str, list[str]]] = {
    "missing areas": (
        lambda d: d["groups"][0].pop("areas"),
        "groups[0].areas: missing; ",
        ["add at least one [[groups.areas]] table with code and name"],
    ),
    "no areas": (
        lambda d: d["groups"][0].update(areas=[]),
        "groups[0].areas: too few; ",
        ["at least 1 entry", "[[groups.areas]]"],
    ),
    "missing groups": (lambda d: d.pop("groups"), "groups: missing; ", ["[[groups]]"]),
    "missing reporter name": (
        lambda d: d["groups"][0]["reporters"][3].pop("name"),
        "groups[0].reporters[3].name: missing; ",
        ["required in every [[groups.reporters]] table"],
    ),
    "missing group id": (lambda d: d["groups"][0].pop("id"), "groups[0].id: missing; ", ["required"]),
    "duplicate group id": (
        lambda d: d["groups"].append(
            {"id": "trollhattan", "name": "Trollhättan igen", "areas": [{"code": "a", "name": "A"}]}
        ),
        "groups[1].id = 'trollhattan': ",
        ["already the id of groups[0]", "must be unique"],
    ),
    "one account in two groups": (
        lambda d: d["groups"].append(
            {
                "id": "vanersborg",
                "name": "Trygga Vänersborg",
                "areas": [{"code": "centrum", "name": "Centrum"}],
                "reporters": [{"name": "Lena Berg", "role": "coordinator", "slack": "U04SAMORD4"}],
            }
        ),
        "groups[1].reporters[0].slack = 'U04SAMORD4': ",
        ["already the slack id of groups[0].reporters[5] ('Lena Berg')", "one person only"],
    ),
    "duplicate factor code": (
        lambda d: d["groups"][0].update(
            factors=[{"code": "klotter", "sv": "Klotter", "en": "Graffiti"}, {"code": "klotter", "sv": "K", "en": "G"}]
        ),
        "groups[0].factors[1].code = 'klotter': ",
        ["already the code of factors[0]"],
    ),
    "factor without English": (
        lambda d: d["groups"][0].update(factors=[{"code": "klotter", "sv": "Klotter"}]),
        "groups[0].factors[0].en: missing; ",
        ["[[groups.factors]]"],
    ),
    "reporters as one table": (
        lambda d: d["groups"][0].update(reporters={"name": "Amira Hassan"}),
        "groups[0].reporters: ",
        ["allowed: a list", "[[groups.reporters]]", "double brackets"],
    ),
    "areas of a reporter as text": (
        lambda d: d["groups"][0]["reporters"][0].update(areas="centrum"),
        "groups[0].reporters[0].areas = 'centrum': ",
        ["allowed: a list in square brackets"],
    ),
    "channel as text": (
        lambda d: d["groups"][0]["channels"].update(meeting="C05EST0MOTE"),
        "groups[0].channels.meeting = 'C05EST0MOTE': ",
        ["allowed: a table", "[groups.channels.meeting]"],
    ),
    "very long area name": (
        lambda d: d["groups"][0]["areas"][0].update(name="Centrum " * 40),
        "groups[0].areas[0].name = 'Centrum Centrum",
        ["...: too long; allowed: at most 200 characters"],
    ),
}


@pytest.mark.parametrize("case", list(DATA_MISTAKES), ids=list(DATA_MISTAKES))
def test_a_structural_mistake_is_one_line_naming_the_key(case: str) -> None:
    change, start, words = DATA_MISTAKES[case]
    data = example_data()
    change(data)
    before = copy.deepcopy(data)

    with pytest.raises(ConfigError) as info:
        parse_config(data, "est-bot.toml")

    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith(f"est-bot.toml: {start}"), msg
    for w in words:
        assert w in msg, msg
    assert data == before, "parsing must not change the caller's data"


def test_only_the_first_of_several_mistakes_is_reported() -> None:
    data = example_data()
    data["groups"][0]["threshold"] = 9
    data["groups"][0]["language"] = "de"
    with pytest.raises(ConfigError) as info:
        parse_config(data, "est-bot.toml")
    assert str(info.value).count("est-bot.toml:") == 1


# --------------------------------------------------------------------------- the file itself


def test_invalid_toml_names_the_file_and_the_line(tmp_path: Path) -> None:
    text = edited("threshold = 2", "threshold = ")
    line = text.splitlines().index("threshold = ") + 1
    path = write(tmp_path, text)

    msg = load_error(path)

    assert msg.startswith(f"{path}: not valid TOML: ")
    assert f"line {line}" in msg
    assert "\n" not in msg


def test_unclosed_string_names_the_line(tmp_path: Path) -> None:
    text = edited('name = "Tryggare Trollhättan"', 'name = "Tryggare Trollhättan')
    line = text.splitlines().index('name = "Tryggare Trollhättan') + 1
    msg = load_error(write(tmp_path, text))
    assert "not valid TOML" in msg and f"line {line}" in msg and "\n" not in msg


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "finns-inte.toml"
    msg = load_error(path)
    assert msg == f"{path}: file not found (copy config.example.toml to start)"


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    msg = load_error(tmp_path)
    assert msg.startswith(f"{tmp_path}: cannot read") and "\n" not in msg


def test_a_file_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    text = "# est-bot\n" + EXAMPLE_TEXT.split("\n", 1)[1]  # the first line with å/ä/ö is now further down
    first = next(i for i, line in enumerate(text.splitlines(), start=1) if not line.isascii())
    path = tmp_path / "latin1.toml"
    path.write_bytes(text.encode("cp1252"))

    msg = load_error(path)

    assert msg.startswith(f"{path}: not UTF-8 text")
    assert f"line {first}" in msg and "save the file with UTF-8 encoding" in msg
    assert "\n" not in msg


# --------------------------------------------------------------------------- the command line


BAD_FILES: dict[str, str] = {
    "threshold 5": edited("threshold = 2", "threshold = 5"),
    "typo": edited('timezone = "Europe/Stockholm"', 'timezon = "Europe/Stockholm"'),
    "unknown area": edited('areas = ["centrum", "lextorp"]', 'areas = ["centrum", "vastra"]'),
    "invalid TOML": edited("threshold = 2", "threshold = "),
}


@pytest.mark.parametrize("case", list(BAD_FILES), ids=list(BAD_FILES))
def test_cli_with_a_bad_file_exits_2_with_one_line_and_no_traceback(case: str, tmp_path: Path) -> None:
    bad = write(tmp_path, BAD_FILES[case], "BAD.toml")

    result = CliRunner().invoke(app, ["schedule", "--config", str(bad)])

    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"est-bot: {bad}: ")
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_cli_with_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["schedule", "--config", str(tmp_path / "nej.toml")])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"est-bot: {tmp_path / 'nej.toml'}: file not found (copy config.example.toml to start)"
    ]


def test_cli_schedule_prints_local_times_across_dst(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        # as seen on the Monday before, so every phase is still to come (past ones would be marked done or left out)
        ["schedule", "--config", str(EXAMPLE), "--from", "2026-10-19", "--weeks", "2", "--at", "2026-10-19T00:00"],
        env={"EST_DATABASE_URL": f"sqlite:///{tmp_path / 'est.sqlite'}"},
    )

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Tryggare Trollhättan (trollhattan, Europe/Stockholm)"
    rows = lines[1:]
    assert len(rows) == 2 * len(SCHEDULED_PHASES)

    sv_open, tuesday = t("sv", "phase.open"), t("sv", "day.2")
    opens = [r for r in rows if r.rstrip().endswith(f" {sv_open}")]
    # Tuesday 08:00 local in both weeks: summer time before 25 October 2026, normal time after.
    assert [r.split() for r in opens] == [
        ["2026-W43", tuesday, "2026-10-20", "08:00", "CEST", sv_open],
        ["2026-W44", tuesday, "2026-10-27", "08:00", "CET", sv_open],
    ]
    for phase in SCHEDULED_PHASES:
        assert sum(r.rstrip().endswith(f" {t('sv', f'phase.{phase}')}") for r in rows) == 2, phase
    assert any("2026-10-23 07:30 CEST" in r and t("sv", "day.5") in r for r in rows)
    assert any("2026-10-30 07:30 CET" in r and t("sv", "day.5") in r for r in rows)
    assert any("2026-10-29 08:05 CET" in r for r in rows)
