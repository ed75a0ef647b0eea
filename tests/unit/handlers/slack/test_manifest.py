"""The Slack app manifest asks for exactly what the edge listens to and calls."""

from __future__ import annotations

import yaml

from handlers.slack.listeners import EVENTS
from tests.support.paths import ROOT

MANIFEST = ROOT / "manifest.yml"


def test_manifest_matches_the_listeners() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == "/est" and command["should_escape"] is True  # users arrive as <@U…|name>
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert sorted(events) == sorted("message.im" if e == "message" else e for e in EVENTS)
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert scopes == {
        "chat:write",
        "commands",
        "im:write",
        "im:history",
        "files:write",
        "reactions:read",
        "channels:read",
        "groups:read",
    }
