"""The fake Slack Web API, driven by the real slack_sdk AsyncWebClient over HTTP."""

from __future__ import annotations

import asyncio
import json
import re
import struct
import zlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

aiohttp = pytest.importorskip("aiohttp", reason="slack_sdk's AsyncWebClient needs aiohttp")

from slack_sdk.errors import SlackApiError  # noqa: E402
from slack_sdk.http_retry import builtin_async_handlers  # noqa: E402
from slack_sdk.http_retry.builtin_async_handlers import (  # noqa: E402
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator  # noqa: E402
from slack_sdk.models.blocks import (  # noqa: E402
    ActionsBlock,
    ButtonElement,
    DividerBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View  # noqa: E402
from slack_sdk.web.async_client import AsyncWebClient  # noqa: E402

from standins.slack_api import UPLOAD, FakeClock, FakeSlackAPI, validate_blocks  # noqa: E402

TS = re.compile(r"^\d{10}\.\d{6}$")
CHANNEL = "C0EST0001"


@pytest.fixture
def fake() -> Iterator[FakeSlackAPI]:
    with FakeSlackAPI() as server:
        yield server


def client(fake: FakeSlackAPI, **kwargs: Any) -> AsyncWebClient:
    """The real client, with slack_sdk's retry handlers off unless a test asks for them."""
    kwargs.setdefault("retry_handlers", [])
    return fake.async_client(**kwargs)


def api_error(exc: pytest.ExceptionInfo[SlackApiError]) -> str:
    return str(exc.value.response["error"])


def blocks() -> list[dict[str, Any]]:
    return [
        SectionBlock(block_id="intro", text=MarkdownTextObject(text="*Läget i Centrum?*")).to_dict(),
        DividerBlock().to_dict(),
        ActionsBlock(
            block_id="answer",
            elements=[
                ButtonElement(text=PlainTextObject(text="Lugnt"), action_id="calm", value="1", style="primary"),
                ButtonElement(text=PlainTextObject(text="Oroligt"), action_id="worried", value="2", style="danger"),
            ],
        ).to_dict(),
    ]


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def test_base_url_and_auth_test(fake: FakeSlackAPI) -> None:
    assert fake.base_url.startswith("http://127.0.0.1:") and fake.base_url.endswith("/api/")

    async def run() -> None:
        resp = await client(fake).auth_test()
        assert resp["ok"] is True
        assert (resp["user_id"], resp["bot_id"], resp["team_id"]) == (fake.bot_user_id, fake.bot_id, fake.team_id)
        assert "chat:write" in resp.headers["x-oauth-scopes"]

        with pytest.raises(SlackApiError) as wrong:
            await client(fake, token="xoxb-wrong").auth_test()
        assert api_error(wrong) == "invalid_auth"
        with pytest.raises(SlackApiError) as missing:
            await client(fake, token=None).auth_test()
        assert api_error(missing) == "not_authed"
        with pytest.raises(SlackApiError) as unknown:
            await client(fake).api_call("chat.nonsense", json={"channel": CHANNEL})
        assert unknown.value.response.status_code == 404
        assert unknown.value.response.data == {"ok": False, "error": "unknown_method", "req_method": "chat.nonsense"}

    asyncio.run(run())
    first = fake.calls[0]
    assert (first.method, first.token, first.status, first.ok) == ("auth.test", fake.bot_token, 200, True)
    assert [e.error for e in fake.errors] == ["invalid_auth", "not_authed", "unknown_method"]


def test_post_message_with_blocks_then_update_and_delete(fake: FakeSlackAPI) -> None:
    async def run() -> None:
        web = client(fake)
        first = await web.chat_postMessage(channel=CHANNEL, text="Läget?", blocks=blocks())
        second = await web.chat_postMessage(channel=CHANNEL, text="Tråd", thread_ts=first["ts"])
        assert TS.match(first["ts"]) and first["ts"] < second["ts"]
        assert first["channel"] == CHANNEL and first["message"]["blocks"] == blocks()

        edited = await web.chat_update(channel=CHANNEL, ts=first["ts"], text="Tack!", blocks=[])
        assert edited["ts"] == first["ts"] and edited["text"] == "Tack!"
        with pytest.raises(SlackApiError) as missing:
            await web.chat_update(channel=CHANNEL, ts="1600000000.000100", text="x")
        assert api_error(missing) == "message_not_found"

        await web.reactions_add(channel=CHANNEL, timestamp=first["ts"], name="white_check_mark")
        await web.chat_delete(channel=CHANNEL, ts=second["ts"])

    asyncio.run(run())
    [message] = fake.messages(CHANNEL)
    assert message["text"] == "Tack!" and "blocks" not in message and "edited" in message
    assert message["reactions"] == [{"name": "white_check_mark", "users": [fake.bot_user_id], "count": 1}]
    post = fake.calls_to("chat.postMessage")[0]
    assert post.body_format == "json" and post.params["blocks"] == blocks()
    assert fake.calls_to("chat.delete")[0].body_format == "query"  # slack_sdk sends params= as a query string
    assert [e.error for e in fake.errors] == ["message_not_found"]


def test_invalid_blocks_and_views_are_rejected_and_recorded(fake: FakeSlackAPI) -> None:
    async def run() -> None:
        web = client(fake)
        bad_blocks: list[list[dict[str, Any]]] = [
            [{"type": "section"}],  # neither text nor fields
            [{"type": "sektion", "text": {"type": "mrkdwn", "text": "x"}}],  # unknown type
            [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}, "acessory": {}}],  # typo'd key
            [{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}],  # too long
            [{"type": "actions", "elements": [{"type": "button", "action_id": "a"}]}],  # button without text
            [{"type": "divider", "block_id": "a"}, {"type": "divider", "block_id": "a"}],  # duplicate block_id
        ]
        for bad in bad_blocks:
            with pytest.raises(SlackApiError) as rejected:
                await web.chat_postMessage(channel=CHANNEL, text="x", blocks=bad)
            assert api_error(rejected) == "invalid_blocks", bad
            assert rejected.value.response["response_metadata"]["messages"][0].startswith("[ERROR] /blocks/")
        # the form-encoded path (blocks as a JSON string) is validated as well
        with pytest.raises(SlackApiError) as form:
            await web.api_call("chat.postMessage", data={"channel": CHANNEL, "blocks": json.dumps([{"type": "x"}])})
        assert api_error(form) == "invalid_blocks"
        with pytest.raises(SlackApiError) as too_long:
            await web.chat_postMessage(channel=CHANNEL, text="x" * 40_001)
        assert api_error(too_long) == "msg_too_long"

        title = PlainTextObject(text="Rapport")
        element = PlainTextInputElement(action_id="text", multiline=True)
        modal = View(type="modal", title=title, blocks=[InputBlock(label="Vad hände?", element=element)])
        opened = await web.views_open(trigger_id="123.456.abc", view=modal)
        assert opened["view"]["id"].startswith("V")
        with pytest.raises(SlackApiError) as bad_view:
            await web.views_update(view_id=opened["view"]["id"], view={"type": "modal", "title": title.to_dict()})
        assert api_error(bad_view) == "invalid_blocks"

    asyncio.run(run())
    assert fake.messages(CHANNEL) == []
    assert [e.error for e in fake.errors] == ["invalid_blocks"] * 7 + ["msg_too_long", "invalid_blocks"]
    assert "text or fields" in fake.errors[0].detail
    assert "acessory" in fake.errors[2].detail
    with pytest.raises(AssertionError, match="invalid_blocks"):
        fake.assert_no_errors()


def test_views_lifecycle(fake: FakeSlackAPI) -> None:
    home = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hej"}}]}
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "EST"}, "blocks": [{"type": "divider"}]}

    async def run() -> None:
        web = client(fake)
        opened = await web.views_open(trigger_id="t1", view=modal)
        view_id, first_hash = opened["view"]["id"], opened["view"]["hash"]
        updated = await web.views_update(view_id=view_id, hash=first_hash, view=modal)
        assert updated["view"]["hash"] != first_hash
        with pytest.raises(SlackApiError) as stale:
            await web.views_update(view_id=view_id, hash=first_hash, view=modal)
        assert api_error(stale) == "hash_conflict"
        with pytest.raises(SlackApiError) as reused:
            await web.views_open(trigger_id="t1", view=modal)
        assert api_error(reused) == "trigger_exchanged"
        await web.views_publish(user_id="U0ANNA001", view=home)

    asyncio.run(run())
    published = fake.home_view("U0ANNA001")
    assert published is not None and published["blocks"] == home["blocks"]


def test_rate_limit_429_surfaces_with_retry_after(fake: FakeSlackAPI) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=7)

    async def run() -> None:
        web = client(fake)
        with pytest.raises(SlackApiError) as limited:
            await web.chat_postMessage(channel=CHANNEL, text="hej")
        assert limited.value.response.status_code == 429
        assert limited.value.response.headers["Retry-After"] == "7"
        assert api_error(limited) == "ratelimited"
        await web.chat_postMessage(channel=CHANNEL, text="hej")  # only the next call was failed

    asyncio.run(run())
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [429, 200]
    assert fake.errors == []  # injected faults are not the app's errors


def test_slack_sdk_rate_limit_retry_handler_recovers(fake: FakeSlackAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(builtin_async_handlers.random, "random", lambda: 0.0)  # no jitter sleep
    fake.fail_next("chat.postMessage", status=429, retry_after=0)

    async def run() -> None:
        web = client(fake, retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)])
        resp = await web.chat_postMessage(channel=CHANNEL, text="hej")
        assert resp["ok"] is True

    asyncio.run(run())
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [429, 200]


def test_server_errors_and_dropped_connections(fake: FakeSlackAPI) -> None:
    fake.fail_next("chat.postMessage", status=503)
    fake.fail_next("conversations.open", status=200, error="user_disabled")
    fake.drop_next("chat.postMessage", times=2)

    async def run() -> None:
        web = client(fake)
        with pytest.raises(SlackApiError) as unavailable:
            await web.chat_postMessage(channel=CHANNEL, text="x")
        assert unavailable.value.response.status_code == 503 and api_error(unavailable) == "internal_error"
        with pytest.raises(SlackApiError) as disabled:
            await web.conversations_open(users="U0ANNA001")
        assert disabled.value.response.status_code == 200 and api_error(disabled) == "user_disabled"
        with pytest.raises(aiohttp.ClientError):
            await web.chat_postMessage(channel=CHANNEL, text="x")
        retrying = client(
            fake,
            retry_handlers=[AsyncConnectionErrorRetryHandler(interval_calculator=FixedValueRetryIntervalCalculator(0))],
        )
        resp = await retrying.chat_postMessage(channel=CHANNEL, text="efter omförsök")
        assert resp["ok"] is True

    asyncio.run(run())
    assert [(c.status, c.injected) for c in fake.calls_to("chat.postMessage")] == [
        (503, "status"),
        (0, "drop"),
        (0, "drop"),
        (200, None),
    ]
    assert [m["text"] for m in fake.messages(CHANNEL)] == ["efter omförsök"]


def test_files_upload_v2_end_to_end(fake: FakeSlackAPI) -> None:
    png = tiny_png()

    async def run() -> None:
        resp = await client(fake).files_upload_v2(
            channel=CHANNEL, file=png, filename="lagesbild.png", title="Lägesbild", initial_comment="Veckans bild"
        )
        assert resp["file"]["name"] == "lagesbild.png" and resp["file"]["mimetype"] == "image/png"
        assert resp["file"]["size"] == len(png)

    asyncio.run(run())
    assert [c.method for c in fake.calls] == ["files.getUploadURLExternal", UPLOAD, "files.completeUploadExternal"]
    assert fake.calls_to("files.completeUploadExternal")[0].params["files"][0]["title"] == "Lägesbild"
    [uploaded] = fake.files()
    assert uploaded.content == png and uploaded.completed and uploaded.channels == [CHANNEL]
    [shared] = fake.messages(CHANNEL)
    assert shared["text"] == "Veckans bild" and shared["files"][0]["id"] == uploaded.id


def test_conversations_open_users_info_and_ephemeral(fake: FakeSlackAPI) -> None:
    fake.add_user("U0ANNA001", name="anna", real_name="Anna Andersson", email="anna@example.org")

    async def run() -> None:
        web = client(fake)
        first = await web.conversations_open(users="U0ANNA001")
        again = await web.conversations_open(users=["U0ANNA001"])
        other = await web.conversations_open(users="U0BO00001")
        group = await web.conversations_open(users=["U0ANNA001", "U0BO00001"])
        dm = first["channel"]["id"]
        assert dm.startswith("D") and again["channel"]["id"] == dm and again["already_open"] is True
        assert other["channel"]["id"] not in (dm, group["channel"]["id"]) and group["channel"]["id"].startswith("G")

        posted = await web.chat_postMessage(channel="U0ANNA001", text="Hej Anna")  # a user id posts to the DM
        assert posted["channel"] == dm

        info = await web.users_info(user="U0ANNA001", include_locale=True)
        assert info["user"]["real_name"] == "Anna Andersson" and info["user"]["tz"] == "Europe/Stockholm"
        assert info["user"]["locale"] == "sv-SE"
        with pytest.raises(SlackApiError) as unknown:
            await web.users_info(user="U0NOBODY1")
        assert api_error(unknown) == "user_not_found"

        ephemeral = await web.chat_postEphemeral(channel=CHANNEL, user="U0ANNA001", text="Bara för dig")
        assert TS.match(ephemeral["message_ts"])

        with pytest.raises(SlackApiError) as bot_token:
            await web.apps_connections_open(app_token=fake.bot_token)
        assert api_error(bot_token) == "not_allowed_token_type"
        socket_url = await web.apps_connections_open(app_token=fake.app_token)
        assert socket_url["url"].startswith("ws://127.0.0.1:")

    asyncio.run(run())
    assert [m["text"] for m in fake.messages("U0ANNA001")] == ["Hej Anna"]
    assert [e["text"] for e in fake.ephemerals(user="U0ANNA001")] == ["Bara för dig"]
    assert fake.messages(CHANNEL) == []


def test_post_message_limiter_with_fake_clock() -> None:
    clock = FakeClock(start=100.0)
    with FakeSlackAPI(enforce_limits=True, clock=clock) as fake:

        async def post(channel: str) -> int | str:
            try:
                await client(fake).chat_postMessage(channel=channel, text="x")
            except SlackApiError as exc:
                assert api_error_of(exc) == "ratelimited"
                return f"429 after {exc.response.headers['Retry-After']}"
            return 200

        async def run() -> list[int | str]:
            results = [await post(CHANNEL) for _ in range(4)]  # burst of 3, then limited
            results.append(await post("C0OTHER01"))  # other channels have their own budget
            clock.advance(1.0)
            results += [await post(CHANNEL), await post(CHANNEL)]  # one more per second
            clock.advance(10.0)
            results += [await post(CHANNEL) for _ in range(4)]  # refills to the burst size, no more
            return results

        results = asyncio.run(run())
        assert results == [200, 200, 200, "429 after 1", 200, 200, "429 after 1", 200, 200, 200, "429 after 1"]
        assert len(fake.messages(CHANNEL)) == 7
        assert {e.error for e in fake.errors} == {"ratelimited"}


def test_workspace_window_counts_every_channel_and_not_what_it_refused() -> None:
    clock = FakeClock(start=100.0)
    with FakeSlackAPI(enforce_limits=True, clock=clock, workspace_window=(3, 10.0)) as fake:

        async def post(channel: str) -> int | str:
            try:
                await client(fake).chat_postMessage(channel=channel, text="x")
            except SlackApiError as exc:
                assert api_error_of(exc) == "ratelimited"
                return f"429 after {exc.response.headers['Retry-After']}"
            return 200

        async def run() -> list[int | str]:
            results = [await post(CHANNEL), await post("C0OTHER01")]
            clock.advance(4.0)
            results += [await post("C0THIRD01"), await post("C0FOURTH1")]  # three in 10 s, whichever channel
            clock.advance(6.0)  # the first two leave the window; the refused one never counted
            results += [await post("C0FOURTH1"), await post(CHANNEL), await post("C0OTHER01")]
            return results

        assert asyncio.run(run()) == [200, 200, 200, "429 after 6", 200, 200, "429 after 4"]
        assert sum(len(fake.messages(c)) for c in (CHANNEL, "C0OTHER01", "C0THIRD01", "C0FOURTH1")) == 5


def test_bolt_async_app_talks_to_the_fake(fake: FakeSlackAPI) -> None:
    from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncSay
    from slack_bolt.request.async_request import AsyncBoltRequest

    app = AsyncApp(client=fake.async_client(), request_verification_enabled=False, process_before_response=True)

    @app.command("/est")
    async def est(ack: AsyncAck, say: AsyncSay) -> None:
        await ack()
        await say(text="Hej", blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "*Hej*"}}])

    form = {"command": "/est", "text": "", "user_id": "U0ANNA001", "channel_id": CHANNEL, "team_id": fake.team_id}
    request = AsyncBoltRequest(body=urlencode(form), headers={"content-type": ["application/x-www-form-urlencoded"]})
    response = asyncio.run(app.async_dispatch(request))
    assert response.status == 200
    assert [c.method for c in fake.calls] == ["auth.test", "chat.postMessage"]  # bolt authorizes first
    assert [m["text"] for m in fake.messages(CHANNEL)] == ["Hej"]
    fake.assert_no_errors()


def api_error_of(exc: SlackApiError) -> str:
    return str(exc.response["error"])


def test_validate_blocks_accepts_sdk_built_blocks() -> None:
    assert validate_blocks(blocks()) == ""
    assert validate_blocks([{"type": "divider"}] * 51).startswith("/blocks must have at most 50")
    assert validate_blocks("[]") == "/blocks must be an array of blocks"
