"""Settings: the example file is a working configuration that shows every setting and holds no secret; the
database URL from the environment. Mistakes in a file: test_mistakes.py and test_file_errors.py."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.config import (
    AreaConfig,
    ChannelConfig,
    Config,
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
)
from bot.config.model import EmailConfig, LogConfig, MetricsConfig, WebMapConfig
from bot.domain.cycle import DEFAULT_SCHEDULE
from bot.domain.factors import DEFAULT_FACTORS
from tests.support.config_files import EXAMPLE, EXAMPLE_TEXT, edited, write

SECRET_ENV = (
    "EST_SLACK_BOT_TOKEN",
    "EST_SLACK_APP_TOKEN",
    "EST_SLACK_SIGNING_SECRET",
    "EST_TELEGRAM_TOKEN",
    "EST_TELEGRAM_WEBHOOK_SECRET",
    "EST_DATABASE_URL",
)


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

    assert len(g.reporters) == 7
    by_name = {r.name: r for r in g.reporters}
    assert by_name["Amira Hassan"].areas == ["centrum", "lextorp"]
    assert by_name["Maria Svensson"].language == "en"
    assert by_name["Karin Olsson"].role == "participant" and by_name["Karin Olsson"].receives_report is False
    assert by_name["Lena Berg"].role == "coordinator"
    assert by_name["Lena Berg"].telegram == 455512345
    assert {r.role for r in g.reporters} == {"reporter", "participant", "coordinator"}
    assert len({r.organisation for r in g.reporters}) == 7
    reporters = [r for r in g.reporters if r.role == "reporter"]
    assert {a for r in reporters for a in r.areas} == {"centrum", "lextorp", "kronogarden"}
    for platform in ("slack", "telegram", "console", "email"):
        assert any(getattr(r, platform) is not None for r in g.reporters), platform
    assert all(r.slack or r.telegram or r.console or r.email for r in g.reporters), "everyone can be reached"
    assert by_name["Sara Ek"].email == "sara.ek@example.se" and by_name["Erik Nilsson"].channel == "email"

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
        WebMapConfig,
        EmailConfig,
        LogConfig,
        MetricsConfig,
    ]
    for model in models:
        for key, field in model.model_fields.items():
            name = field.alias or key
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
    p = write(tmp_path, "", "bom.toml")
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


def test_a_guard_set_alone_shortens_the_default_baseline_to_fit_the_history_kept() -> None:
    """A file from before the default baseline grew from 8 to 10 weeks (issue 19) that set only `guard_weeks = 3`
    or 4 still loads: the default baseline is what fits beside the guard in the 12 weeks kept. A baseline the
    file names itself is never shortened: too long, it is still the file's mistake (test_mistakes.py)."""
    assert DetectionConfig().baseline_weeks == 10
    assert (DetectionConfig(guard_weeks=3).baseline_weeks, DetectionConfig(guard_weeks=4).baseline_weeks) == (9, 8)
    assert DetectionConfig(guard_weeks=4).params().baseline_weeks == 8
    with pytest.raises(ValueError, match="baseline_weeks \\+ guard_weeks is 13"):
        DetectionConfig(baseline_weeks=10, guard_weeks=3)
