"""The demo's settings file: TOML that reads back as the same settings."""

from __future__ import annotations

import tomllib
from pathlib import Path

from bot.config import parse_config
from bot.demo import demo_config
from bot.demo_web import settings, toml_text


def test_toml_reads_back_as_the_same_data() -> None:
    data = {
        "reports_dir": "/tmp/demo",
        "text": 'quote " backslash \\ newline \n tab \t delete \x7f åäö',
        "number": 3,
        "ratio": 0.5,
        "on": True,
        "empty": {},
        "list": ["a", "b"],
        "web": {"map": {"tiles": ""}},
        "groups": [
            {
                "id": "demo",
                "areas": [{"code": "c", "places": ["Torget", {"name": "Stortorget", "lat": 55.3753, "lon": 13.1571}]}],
                "channels": {"meeting": {"console": "möte"}},
                "with space": 1,
            }
        ],
    }
    text = toml_text(data)
    assert tomllib.loads(text) == data
    assert "[[groups.areas]]" in text and '"with space" = 1' in text


def test_the_demo_settings_read_back_with_the_web_view_on_this_machine(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite"
    config = demo_config(f"sqlite:///{db}")
    back = parse_config(tomllib.loads(toml_text(settings(config, db))), "est-bot.toml", tmp_path)
    assert back.groups == config.groups
    assert back.database.url == f"sqlite:///{db.resolve()}"
    assert back.web.base_url == "http://127.0.0.1:8080" and back.web.secure_cookies is False
