"""The Slack edge in Socket Mode (the default: no public URL): the real Bolt AsyncSocketModeHandler connected to a
stand-in Socket Mode server, with envelopes as Slack sends them; and the fan-out paced within Slack's limits."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

from bot.bootstrap import build
from bot.clock import ManualClock
from bot.config import SlackConfig
from bot.ratelimit import RateLimiter
from handlers.slack import runner
from standins import slack_requests as rq
from standins.slack_api import FakeClock, FakeSlackAPI
from standins.slack_socket import FakeSocketMode
from tests.conftest import TUE_OPEN, group_dict, make_config
from tests.support.slack_harness import ANNA, MEETING, SARA, SLACK_IDS, slack_config


async def _until(check: object, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():  # type: ignore[operator]
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


def test_socket_mode_command_action_and_retried_event(tmp_path: Path) -> None:
    cfg = slack_config(tmp_path)
    with FakeSlackAPI() as fake, FakeSocketMode() as socket:
        socket.attach(fake)
        for user in SLACK_IDS.values():
            fake.add_user(user)
        slack = SlackConfig(enabled=True, mode="socket", api_url=fake.base_url)

        async def main() -> None:
            paced = FakeClock()
            sender = runner.build_sender(slack, fake.bot_token, RateLimiter(paced, paced.advance, math.inf))
            app = build(cfg, clock=ManualClock(TUE_OPEN), senders={"slack": sender})
            edge = await runner.start(
                slack,
                app.core,
                app.dispatcher,
                bot_token=fake.bot_token,
                app_token=fake.app_token,
                signing_secret=None,
                drain_every=0,
            )
            try:
                await socket.wait_connected_async(10)
                envelope = socket.send_slash_command(
                    rq.slash_command_payload("/est", "status", user_id=SARA, channel_id=MEETING)
                )
                await socket.wait_ack_async(envelope, 3)  # acknowledged at once
                await edge.listeners.settle()
                await _until(lambda: fake.ephemerals(user=SARA))
                assert fake.ephemerals(user=SARA)[0]["text"].startswith("Det finns ingen omgång")
                await asyncio.to_thread(app.services.tick)
                await asyncio.to_thread(app.dispatcher.drain, "slack", 1000)
                greeting = fake.messages(ANNA)[-1]
                start = next(e for b in greeting["blocks"] if b["type"] == "actions" for e in b["elements"])
                action = rq.block_actions_payload(
                    ANNA, fake.dm_channel(ANNA), greeting["ts"], start["action_id"], start["value"], message=greeting
                )
                await socket.wait_ack_async(socket.send_interactive(action), 3)
                await edge.listeners.settle()
                await _until(lambda: "Fråga 1 av 12" in str(fake.messages(ANNA)[-1]["blocks"]))
                event = rq.event_callback_payload(rq.message_im(ANNA, fake.dm_channel(ANNA), "hej"))
                await socket.wait_ack_async(socket.send_event(event), 3)
                await socket.wait_ack_async(socket.send_event(event, retry_attempt=1, retry_reason="timeout"), 3)
                await edge.listeners.settle()
                with app.services.unit() as uow:
                    assert uow.audit.mark_event_processed("slack", f"ev:{event['event_id']}", TUE_OPEN) is False
                texts = [m.get("text", "") for m in fake.messages(ANNA)]
                socket.disconnect("refresh_requested")  # Slack asks for a new connection now and then
                await _until(lambda: len(socket.connections) >= 2)
                assert len(fake.calls_to("apps.connections.open")) >= 2
                assert texts == [m.get("text", "") for m in fake.messages(ANNA)]  # the retry changed nothing
            finally:
                await edge.stop()
                app.close()

        asyncio.run(main())
        fake.assert_no_errors()
        assert socket.unacked() == []


def test_fan_out_is_paced_within_slacks_limits(tmp_path: Path) -> None:
    """60 DMs against a stand-in that enforces 1 message a second per channel (bursts of 3), sharing a fake clock
    with the sender's pacing: every message arrives once and Slack never has to say 429."""
    clock = FakeClock()
    g = group_dict()
    g["reporters"] = [{"name": f"R {i}", "areas": ["centrum"], "slack": f"U0R{i:06d}"} for i in range(60)]
    g["channels"] = {"meeting": {"slack": MEETING}}
    cfg = make_config(f"sqlite:///{tmp_path / 'fan.sqlite'}", reporters=g["reporters"], channels=g["channels"])
    with FakeSlackAPI(enforce_limits=True, clock=clock) as fake:
        slack = SlackConfig(enabled=True, api_url=fake.base_url)
        sender = runner.build_sender(slack, fake.bot_token, RateLimiter(clock, clock.advance, math.inf))
        app = build(cfg, clock=ManualClock(TUE_OPEN), senders={"slack": sender})
        try:
            app.services.tick()
            app.dispatcher.drain("slack", 1000)
            with app.services.unit() as uow:
                # a coordinator's notice to the same channel 10 times in a row: paced per channel
                for n in range(10):
                    from bot.conversation.messages import Outbound

                    uow.outbox.enqueue(f"burst{n}", "slack", MEETING, None, Outbound(f"n{n}").to_json(), TUE_OPEN)
                uow.commit()
            start = clock()
            app.dispatcher.drain("slack", 1000)
            assert clock() - start >= 6.0  # 10 messages, bursts of 3, then 1 a second
        finally:
            app.close()
        posts = fake.calls_to("chat.postMessage")
        assert all(c.status == 200 for c in posts) and len(posts) == 70
        assert len({c.params["channel"] for c in posts}) == 61
        fake.assert_no_errors()


def test_the_configured_workspace_window_paces_a_fan_out_across_channels(tmp_path: Path) -> None:
    """`[slack] workspace_messages`/`workspace_seconds` are the window the sender keeps over all channels: 30
    DMs (30 channels, none near its own limit) against a stand-in that enforces 10 in 5 s workspace-wide."""
    clock = FakeClock()
    g = group_dict()
    g["reporters"] = [{"name": f"R {i}", "areas": ["centrum"], "slack": f"U0R{i:06d}"} for i in range(30)]
    cfg = make_config(f"sqlite:///{tmp_path / 'ws.sqlite'}", reporters=g["reporters"])
    with FakeSlackAPI(enforce_limits=True, clock=clock, workspace_window=(10, 5.0)) as fake:
        slack = SlackConfig(enabled=True, api_url=fake.base_url, workspace_messages=10, workspace_seconds=5.0)
        sender = runner.build_sender(slack, fake.bot_token, RateLimiter(clock, clock.advance, math.inf))
        app = build(cfg, clock=ManualClock(TUE_OPEN), senders={"slack": sender})
        try:
            start = clock()
            app.services.tick()
            app.dispatcher.drain("slack", 1000)
            assert clock() - start >= 10.0  # 30 messages, 10 in any 5 s: the last ten wait for the window twice
        finally:
            app.close()
        posts = fake.calls_to("chat.postMessage")
        assert all(c.status == 200 for c in posts) and len(posts) == 30
        assert len({c.params["channel"] for c in posts}) == 30
        fake.assert_no_errors()
