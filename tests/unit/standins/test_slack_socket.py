"""The fake Socket Mode server, driven by slack_sdk's real aiohttp SocketModeClient (and slack-bolt's handler), and
the signed request builders, checked with slack_sdk's SignatureVerifier and slack-bolt's HTTP dispatch."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest

pytest.importorskip("aiohttp", reason="the Socket Mode fake and slack_sdk's async clients need aiohttp")

from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from standins import slack_requests as sr
from standins.slack_api import FakeSlackAPI
from standins.slack_socket import FakeSocketMode

SECRET = sr.DEFAULT_SIGNING_SECRET


@pytest.fixture
def api() -> Iterator[FakeSlackAPI]:
    with FakeSlackAPI() as server:
        yield server


@pytest.fixture
def socket(api: FakeSlackAPI) -> Iterator[FakeSocketMode]:
    with FakeSocketMode() as server:
        yield server.attach(api)


async def eventually(check: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


# --------------------------------------------------------------------------------------------- Socket Mode


def test_sdk_client_connects_acks_with_payload_and_reconnects(api: FakeSlackAPI, socket: FakeSocketMode) -> None:
    messages: list[dict[str, Any]] = []
    requests: list[SocketModeRequest] = []

    async def on_message(client: AsyncBaseSocketModeClient, message: dict[str, Any], raw: str | None) -> None:
        messages.append(message)

    async def on_request(client: AsyncBaseSocketModeClient, req: SocketModeRequest) -> None:
        requests.append(req)
        payload = {"text": "Tack!"} if req.accepts_response_payload else None
        await client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id, payload=payload))

    async def run() -> None:
        client = SocketModeClient(app_token=api.app_token, web_client=api.async_client(), ping_interval=0.5)
        client.message_listeners.append(on_message)
        client.socket_mode_request_listeners.append(on_request)
        try:
            await client.connect()
            first = await socket.wait_connected_async()
            assert first.id == 1 and first.ticket and first.query["app_id"] == api.app_id
            await eventually(lambda: bool(messages))
            hello = messages[0]
            assert hello["type"] == "hello" and hello["num_connections"] == 1
            assert hello["connection_info"] == {"app_id": api.app_id} and "host" in hello["debug_info"]

            form = sr.slash_command_payload("/est", "status", user_id="U0ANNA001", channel_id="D0ANNA001")
            command_id = socket.send_slash_command(form)
            assert await socket.wait_ack_async(command_id) == {"envelope_id": command_id, "payload": {"text": "Tack!"}}
            assert socket.ack_delay(command_id) < 3
            assert requests[0].type == "slash_commands" and requests[0].payload["text"] == "status"
            assert requests[0].retry_attempt is None  # only events_api envelopes carry retry fields

            socket.disconnect("refresh_requested")
            second = await socket.wait_connected_async(total=2)
            assert second.id == 2 and second.ticket != first.ticket
            assert len(api.calls_to("apps.connections.open")) == 2
            await eventually(lambda: not socket.connections[0].open)
            assert socket.connections[0].disconnect_reason == "refresh_requested"
            assert socket.connections[0].closed_by == "client"  # slack_sdk leaves as soon as it is told

            event = sr.event_callback_payload(sr.message_im("U0ANNA001", "D0ANNA001", "hej"))
            event_id = socket.send_event(event, retry_attempt=1, retry_reason="timeout")
            assert await socket.wait_ack_async(event_id) == {"envelope_id": event_id}
            assert (requests[1].retry_attempt, requests[1].retry_reason) == (1, "timeout")
            assert requests[1].payload["event"]["text"] == "hej"

            socket.disconnect(None)  # dropped without notice: the client reconnects on the close frame
            await socket.wait_connected_async(total=3)
            assert socket.connections[1].closed_by == "server"
        finally:
            await client.close()

    asyncio.run(run())
    assert socket.unacked() == []
    assert [a["envelope_id"] for a in socket.acks] == [e["envelope_id"] for e in socket.envelopes]
    api.assert_no_errors()


def test_wait_ack_times_out_and_send_needs_a_client(socket: FakeSocketMode) -> None:
    with pytest.raises(RuntimeError, match="no Socket Mode client"):
        socket.send_event(sr.event_callback_payload(sr.app_home_opened()))
    with pytest.raises(TimeoutError):
        socket.wait_ack("no-such-envelope", timeout=0.05)
    with pytest.raises(TimeoutError):
        socket.wait_connected(timeout=0.05)


def test_bolt_socket_mode_handler_end_to_end(api: FakeSlackAPI, socket: FakeSocketMode) -> None:
    from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
    from slack_bolt.async_app import AsyncAck, AsyncApp

    seen: list[str] = []

    async def run() -> None:
        app = AsyncApp(client=api.async_client())

        @app.command("/est")
        async def command(ack: AsyncAck, body: dict[str, Any]) -> None:
            await ack(text=f"Hej {body['user_name']}")

        @app.action("answer")
        async def answer(ack: AsyncAck, body: dict[str, Any]) -> None:
            await ack()
            seen.append(body["actions"][0]["selected_option"]["value"])

        @app.view("report")
        async def report(ack: AsyncAck, view: dict[str, Any]) -> None:
            text = view["state"]["values"]["what"]["text"]["value"]
            await ack(response_action="errors", errors={"what": f"för kort: {text}"})

        @app.event("reaction_added")
        async def reaction(event: dict[str, Any]) -> None:
            seen.append(event["reaction"])

        handler = AsyncSocketModeHandler(app, app_token=api.app_token)
        await handler.connect_async()
        try:
            await socket.wait_connected_async()
            command_id = socket.send_slash_command(sr.slash_command_payload(user_name="anna"))
            ack = await socket.wait_ack_async(command_id)
            assert ack["payload"]["text"] == "Hej anna"

            click = sr.block_actions_payload(action_id="answer", value="2", action_type="static_select")
            assert (await socket.wait_ack_async(socket.send_interactive(click))).get("payload") is None

            state = {"what": {"text": sr.plain_text_value("x")}}
            submission = sr.view_submission_payload(callback_id="report", state_values=state)
            view_id = socket.send_interactive(submission)
            assert socket.envelopes[-1]["accepts_response_payload"] is True
            assert (await socket.wait_ack_async(view_id))["payload"] == {
                "response_action": "errors",
                "errors": {"what": "för kort: x"},
            }

            event = sr.event_callback_payload(sr.reaction_added(reaction=":thumbsup:"))
            await socket.wait_ack_async(socket.send_event(event))
            await eventually(lambda: "thumbsup" in seen)
        finally:
            await handler.close_async()

    asyncio.run(run())
    assert seen[0] == "2"


# --------------------------------------------------------------------------------------------- signed requests


def all_builders(**signing: Any) -> dict[str, sr.SignedRequest]:
    return {
        "slash_command": sr.slash_command("/est", "rapport", **signing),
        "block_actions": sr.block_actions("U0ANNA001", "C0EST0001", "1700000000.000100", "answer", "1", **signing),
        "view_submission": sr.view_submission("U0ANNA001", "V0EST0001", "report", "{}", {}, **signing),
        "event_callback": sr.event_callback(sr.message_im(text="hej åäö"), **signing),
        "url_verification": sr.url_verification("abc", **signing),
    }


def test_signature_verifier_accepts_good_requests() -> None:
    verifier = SignatureVerifier(SECRET)
    for name, (body, headers) in all_builders().items():
        assert verifier.is_valid_request(body, headers), name
        assert headers["X-Slack-Signature"].startswith("v0=") and headers["X-Slack-Request-Timestamp"].isdigit()
    own = sr.slash_command(signing_secret="another-secret")
    assert SignatureVerifier("another-secret").is_valid_request(own.body, own.headers)
    assert not verifier.is_valid_request(own.body, own.headers)


@pytest.mark.parametrize("forge", ["wrong_secret", "stale", "no_signature", "no_timestamp", "no_headers"])
def test_signature_verifier_rejects_forged_requests(forge: sr.Forge) -> None:
    verifier = SignatureVerifier(SECRET)
    for name, (body, headers) in all_builders(forge=forge).items():
        assert not verifier.is_valid_request(body, headers), (name, forge)


def test_stale_and_tampered_requests_are_rejected() -> None:
    verifier = SignatureVerifier(SECRET)
    body, headers = sr.slash_command(timestamp=int(time.time()) - 299)
    assert verifier.is_valid_request(body, headers)  # within Slack's five minutes
    body, headers = sr.slash_command(timestamp=int(time.time()) - 301)
    assert not verifier.is_valid_request(body, headers)
    body, headers = sr.slash_command(text="rapport")
    assert not verifier.is_valid_request(body.replace(b"rapport", b"radera"), headers)


def test_bodies_have_slacks_shapes() -> None:
    button = {"type": "button", "action_id": "answer", "text": {"type": "plain_text", "text": "Ja"}, "value": "1"}
    body, headers = sr.slash_command("/est", "status", user_id="U0BO00001", channel_id="C0EST0001")
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    form = dict(parse_qsl(body.decode()))
    assert list(form) == list(sr.slash_command_payload())
    assert (form["command"], form["text"], form["user_id"], form["channel_name"]) == (
        "/est",
        "status",
        "U0BO00001",
        "general",
    )
    assert len(form["trigger_id"].split(".")) == 3 and form["response_url"].startswith("https://hooks.slack.com/")

    body, _ = sr.block_actions(action_id="answer", value="2", action_type="static_select", message_ts="1.2")
    payload = json.loads(dict(parse_qsl(body.decode()))["payload"])
    assert payload["container"] == {
        "type": "message",
        "message_ts": "1.2",
        "channel_id": "D0ANNA001",
        "is_ephemeral": False,
    }
    [action] = payload["actions"]
    assert action["selected_option"]["value"] == "2" and action["type"] == "static_select"
    assert payload["message"]["blocks"][0]["block_id"] == action["block_id"]

    posted = {"ts": "1700000001.000200", "blocks": [{"type": "actions", "block_id": "svar", "elements": [button]}]}
    on_posted = sr.block_actions_payload(action_id="answer", message=posted)
    assert on_posted["actions"][0]["block_id"] == "svar" and on_posted["container"]["message_ts"] == posted["ts"]
    assert on_posted["message"] == posted

    in_view = sr.block_actions_payload(container="view", action_id="pick")
    assert in_view["container"]["view_id"] == in_view["view"]["id"] and "response_url" not in in_view

    retry_body, retry_headers = sr.event_callback(sr.reaction_removed(), event_id="Ev0RETRY001", retry_num=2)
    assert (retry_headers["X-Slack-Retry-Num"], retry_headers["X-Slack-Retry-Reason"]) == ("2", "http_timeout")
    envelope = json.loads(retry_body)
    assert envelope["type"] == "event_callback" and envelope["event_id"] == "Ev0RETRY001"
    assert envelope["authorizations"][0]["user_id"] == sr.DEFAULT_BOT_USER_ID
    assert sr.next_ts() < sr.next_ts()


def test_bolt_http_mode_accepts_signed_and_rejects_forged(api: FakeSlackAPI) -> None:
    from slack_bolt.async_app import AsyncAck, AsyncApp
    from slack_bolt.request.async_request import AsyncBoltRequest

    app = AsyncApp(client=api.async_client(), signing_secret=SECRET, process_before_response=True)
    seen: list[str] = []

    @app.command("/est")
    async def command(ack: AsyncAck) -> None:
        await ack("ok")

    @app.action("answer")
    async def answer(ack: AsyncAck) -> None:
        await ack()

    @app.view("report")
    async def report(ack: AsyncAck) -> None:
        await ack()

    @app.event("message")
    async def message(event: dict[str, Any]) -> None:
        seen.append(event["text"])

    @app.event("app_home_opened")
    async def home(event: dict[str, Any]) -> None:
        seen.append(event["tab"])

    async def dispatch(signed: sr.SignedRequest) -> tuple[int, str]:
        request = AsyncBoltRequest(body=signed.body.decode(), headers=dict(signed.headers))
        response = await app.async_dispatch(request)
        return response.status, response.body

    async def run() -> None:
        assert await dispatch(sr.slash_command()) == (200, "ok")
        assert (await dispatch(sr.block_actions(action_id="answer")))[0] == 200
        assert (await dispatch(sr.view_submission(callback_id="report")))[0] == 200
        assert (await dispatch(sr.event_callback(sr.message_im(text="hej"))))[0] == 200
        assert (await dispatch(sr.event_callback(sr.app_home_opened())))[0] == 200
        status, body = await dispatch(sr.url_verification("utmaning"))
        assert status == 200 and json.loads(body) == {"challenge": "utmaning"}
        for forge in ("wrong_secret", "stale", "no_headers"):
            assert (await dispatch(sr.slash_command(forge=forge)))[0] == 401, forge

    asyncio.run(run())
    assert seen == ["hej", "home"]


def test_post_returns_status_and_body(api: FakeSlackAPI) -> None:
    form = urlencode({"token": api.bot_token}).encode()
    status, body = sr.post(api.base_url + "auth.test", form, {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and json.loads(body)["ok"] is True
    status, body = sr.post(api.base_url + "chat.nonsense", form, {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 404 and json.loads(body)["error"] == "unknown_method"
