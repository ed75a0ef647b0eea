"""The Slack sender keeps its connection to Slack (handlers/slack/keepalive.py): against the stand-in with HTTP/1.1
keep-alive, one TCP connection carries a whole run of messages; Slack's answers mean what they meant."""

from __future__ import annotations

import pytest

from bot.config.model import SlackConfig
from bot.conversation.messages import Outbound
from bot.domain.model import OutboxItem
from bot.outbox import RetryAfter, Unreachable
from bot.ratelimit import RateLimiter
from handlers.slack import runner
from handlers.slack.keepalive import KeepAliveWebClient
from standins.slack_api import FakeSlackAPI

CHANNELS = [f"C0CHAN{i:04d}" for i in range(12)]


def item(n: int, address: str) -> OutboxItem:
    return OutboxItem(n, f"k{n}", "slack", address, None, Outbound(f"meddelande {n}").to_json(), 0, "pending")


def unpaced() -> RateLimiter:
    t = [0.0]
    return RateLimiter(lambda: t[0], lambda s: t.__setitem__(0, t[0] + s))


@pytest.mark.parametrize("keep_alive", [True, False])
def test_a_run_of_messages_goes_over_one_kept_connection(keep_alive: bool) -> None:
    with FakeSlackAPI() as fake:
        fake.keep_alive = keep_alive
        for channel in CHANNELS:
            fake.add_channel(channel)
        sender = runner.build_sender(SlackConfig(api_url=fake.base_url), fake.bot_token, unpaced())
        assert isinstance(sender.client, KeepAliveWebClient)
        for n, channel in enumerate(CHANNELS):
            assert sender.send(item(n, channel), Outbound(f"meddelande {n}"), None)
        assert [m["text"] for c in CHANNELS for m in fake.messages(c)] == [f"meddelande {n}" for n in range(12)]
        # kept: one connection for twelve messages; a server that closes each answer's: one each, and it still works
        assert fake.connections_opened == (1 if keep_alive else len(CHANNELS))
        sender.client.close()


def test_slack_s_answers_mean_the_same_on_a_kept_connection() -> None:
    with FakeSlackAPI() as fake:
        fake.keep_alive = True
        for channel in CHANNELS:
            fake.add_channel(channel)
        sender = runner.build_sender(SlackConfig(api_url=fake.base_url), fake.bot_token, unpaced())
        client = sender.client
        assert isinstance(client, KeepAliveWebClient)
        assert sender.send(item(1, CHANNELS[0]), Outbound("ett"), None)
        fake.fail_next("chat.postMessage", status=429, retry_after=7)
        with pytest.raises(RetryAfter) as limited:
            sender.send(item(2, CHANNELS[1]), Outbound("två"), None)
        assert limited.value.seconds == 7
        fake.drop_next("chat.postMessage")  # the server closes the kept connection without an answer …
        assert sender.send(item(3, CHANNELS[2]), Outbound("tre"), None)  # … and it is sent on a new one
        assert [m["text"] for c in CHANNELS[:3] for m in fake.messages(c)] == ["ett", "tre"]
        assert fake.connections_opened == 2
        # a new connection that fails is not tried again here: slack_sdk's own retry (once) does, as with urllib,
        # and then it is Slack's failure
        fake.drop_next("chat.postMessage", times=2)
        client.close()
        with pytest.raises(Unreachable):
            sender.send(item(4, CHANNELS[3]), Outbound("fyra"), None)
        assert fake.connections_opened == 4
        assert sender.send(item(5, CHANNELS[4]), Outbound("fem"), None)
