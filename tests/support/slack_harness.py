"""A Slack workspace for tests: the real Bolt app served over HTTP (Bolt's ASGI adapter in uvicorn) against the
stand-in Web API, driven by signed requests as Slack sends them."""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.bootstrap import App, build
from bot.clock import ManualClock
from bot.config import Config, SlackConfig
from bot.ratelimit import RateLimiter
from handlers.slack import runner
from standins import slack_requests as rq
from standins.slack_api import FakeClock, FakeSlackAPI
from tests.conftest import TUE_OPEN, group_dict, make_config

ANNA, BO, SARA, KIM, STRANGER = "U0ANNA001", "U0BOBERG2", "U0SARA003", "U0KIMPOL4", "U0STRANGE"
MEETING, BROADCAST = "C0MEETING1", "C0BROADC01"
SLACK_IDS = {"Anna Andersson": ANNA, "Bo Berg": BO, "Sara Samordnare": SARA, "Kim Polis": KIM}


def slack_config(tmp_path: Path, **over: Any) -> Config:
    g = group_dict()
    for r in g["reporters"]:
        if r["name"] in SLACK_IDS:
            r["slack"] = SLACK_IDS[r["name"]]
    g["channels"] = {"meeting": {"slack": MEETING}, "broadcast": {"slack": BROADCAST}}
    g.update(over)
    return make_config(f"sqlite:///{tmp_path / 'slack.sqlite'}", **{k: g[k] for k in ("reporters", "channels")})


class Workspace:
    def __init__(self, fake: FakeSlackAPI, app: App, edge: runner.SlackEdge, url: str) -> None:
        self.fake, self.app, self.edge, self.url = fake, app, edge, url
        self.statuses: list[int] = []

    @property
    def clock(self) -> ManualClock:
        clock = self.app.services.clock
        assert isinstance(clock, ManualClock)
        return clock

    async def post(self, request: rq.SignedRequest) -> tuple[int, bytes]:
        status, body = await asyncio.to_thread(rq.post, self.url, request.body, request.headers)
        self.statuses.append(status)
        await self.edge.listeners.settle()
        return status, body

    async def tick(self, advance: timedelta | None = None) -> None:
        if advance is not None:
            self.clock.advance(advance)
        await asyncio.to_thread(self.app.services.tick)
        await self.drain()

    async def drain(self) -> None:
        await asyncio.to_thread(self.app.dispatcher.drain, "slack", 1000)

    # ---------------------------------------------------------------- reading the workspace

    def messages(self, channel: str) -> list[dict[str, Any]]:
        return self.fake.messages(channel)

    def last(self, channel: str) -> dict[str, Any]:
        found = [m for m in self.fake.messages(channel) if m.get("subtype") != "file_share"]
        assert found, f"nothing in {channel}"
        return found[-1]

    def ephemeral_texts(self, user: str) -> list[str]:
        return [e["text"] for e in self.fake.ephemerals(user=user)]

    @staticmethod
    def block_text(message: dict[str, Any]) -> str:
        """All text a person sees in a message's blocks (plain_text and mrkdwn alike)."""
        parts: list[str] = []
        for block in message.get("blocks") or []:
            text = block.get("text")
            if isinstance(text, dict):
                parts.append(text.get("text", ""))
            for element in block.get("elements") or []:
                if isinstance(element.get("text"), str):
                    parts.append(element["text"])
                elif isinstance(element.get("text"), dict):
                    parts.append(element["text"].get("text", ""))
        return "\n".join(parts)

    @staticmethod
    def controls(message: dict[str, Any]) -> list[dict[str, Any]]:
        return [e for b in message.get("blocks") or [] if b.get("type") == "actions" for e in b["elements"]]

    # ---------------------------------------------------------------- acting

    async def press(self, user: str, channel: str, label_or_suffix: str, message: dict[str, Any] | None = None) -> None:
        """Press the button (or choose the menu option) whose label contains, or whose value ends with, the
        given text, on the channel's last message (or the given one)."""
        msg = message or self.last(channel)
        for element in self.controls(msg):
            if element["type"] == "button":
                if label_or_suffix in element["text"]["text"] or element.get("value", "").endswith(label_or_suffix):
                    await self.post(
                        rq.block_actions(
                            user,
                            self._real_channel(channel),
                            msg["ts"],
                            element["action_id"],
                            element.get("value", ""),
                            message=msg,
                        )
                    )
                    return
            elif element["type"] == "static_select":
                for option in element["options"]:
                    if label_or_suffix in option["text"]["text"] or option["value"].endswith(label_or_suffix):
                        await self.post(
                            rq.block_actions(
                                user,
                                self._real_channel(channel),
                                msg["ts"],
                                element["action_id"],
                                option["value"],
                                action_type="static_select",
                                text=option["text"]["text"],
                                message=msg,
                            )
                        )
                        return
        raise AssertionError(f"{label_or_suffix!r} not among {[e.get('text') for e in self.controls(msg)]}")

    def _real_channel(self, channel: str) -> str:
        return self.fake.dm_channel(channel) if channel.startswith("U") else channel

    async def command(self, user: str, text: str, channel: str | None = None) -> tuple[int, bytes]:
        return await self.post(
            rq.slash_command("/est", text, user_id=user, channel_id=channel or self._real_channel(user))
        )

    async def dm(self, user: str, text: str, **kw: Any) -> tuple[int, bytes]:
        event = rq.message_im(user, self._real_channel(user), text)
        return await self.post(rq.event_callback(event, **kw))


def run_workspace(
    tmp_path: Path,
    body: Callable[[Workspace], Awaitable[None]],
    *,
    config: Config | None = None,
    fake: FakeSlackAPI | None = None,
    check_errors: bool = True,
) -> FakeSlackAPI:
    cfg = config or slack_config(tmp_path)
    slack = SlackConfig(enabled=True, mode="http", listen="127.0.0.1", port=1, api_url="http://placeholder/")
    fake = fake or FakeSlackAPI()
    with fake:
        for user in (*SLACK_IDS.values(), STRANGER):
            fake.add_user(user)
        slack = slack.model_copy(update={"api_url": fake.base_url, "port": 0})

        async def main() -> None:
            paced = FakeClock()  # the sender's pacing waits on this clock, never for real
            sender = runner.build_sender(slack, fake.bot_token, RateLimiter(paced, paced.advance, math.inf))
            app = build(cfg, clock=ManualClock(TUE_OPEN), senders={"slack": sender})
            edge = await runner.start(
                slack,
                app.core,
                app.dispatcher,
                bot_token=fake.bot_token,
                app_token=None,
                signing_secret=rq.DEFAULT_SIGNING_SECRET,
                drain_every=0,
            )
            try:
                url = f"http://127.0.0.1:{await edge.port()}{slack.path}"
                await body(Workspace(fake, app, edge, url))
            finally:
                await edge.stop()
                app.close()

        asyncio.run(main())
        if check_errors:
            fake.assert_no_errors()
    return fake


def values(message: dict[str, Any]) -> list[str]:
    return [e.get("value", "") for e in Workspace.controls(message)]


def dumps(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False)
