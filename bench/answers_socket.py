"""The load generator's Socket Mode side (see bench/answers_load.py): this process is Slack's websocket server, and
pushes every press as an `interactive` envelope over the bot's newest connection."""

from __future__ import annotations

import asyncio
import collections
import json
import uuid
from typing import Any

from bench.answers_load import (
    Load,
    Plan,
    Reporter,
    Transport,
    payloads,
)


class SocketTransport(Transport):
    """Slack's Socket Mode server, as lean as the bot's client allows: a reporter's messages are its envelopes
    (JSON text, built before the run), keyed by envelope_id until acknowledged."""

    def __init__(self, app_id: str = "A0ESTAPP1") -> None:
        self.app_id = app_id
        self.loop = asyncio.get_running_loop()
        self.ws: Any = None  # the newest open aiohttp WebSocketResponse
        self.connections = 0
        self.connected = asyncio.Event()
        self.in_flight: dict[str, Reporter] = {}  # envelope_id -> reporter
        self.envelope_ids: dict[str, list[str]] = {}  # user -> envelope ids of its presses
        self.out: collections.deque[str] = collections.deque()
        self.wake = asyncio.Event()
        self.acks: dict[str, asyncio.Future[None]] = {}  # the warm-up's
        self.runner: Any = None
        self.url = ""
        self.sender: asyncio.Task[None] | None = None

    async def start(self) -> str:
        from aiohttp import web

        app = web.Application()
        app.router.add_get("/link/", self._handle)
        app.router.add_get("/link", self._handle)
        self.runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = int(self.runner.addresses[0][1])
        self.url = f"ws://127.0.0.1:{port}/link/"
        self.sender = self.loop.create_task(self._send_loop())
        return self.url

    async def stop(self) -> None:
        if self.sender is not None:
            self.sender.cancel()
        if self.runner is not None:
            await self.runner.cleanup()

    def envelope(self, payload: dict[str, Any], envelope_id: str) -> str:
        return json.dumps(
            {"envelope_id": envelope_id, "payload": payload, "type": "interactive", "accepts_response_payload": False}
        )

    async def _handle(self, request: Any) -> Any:
        from aiohttp import WSMsgType, web

        if not request.query.get("ticket"):
            return web.json_response({"ok": False, "error": "invalid_auth"}, status=401)
        # No permessage-deflate: the frames are small, and compressing them would cost both sides CPU.
        ws = web.WebSocketResponse(autoping=True, compress=False, max_msg_size=0)
        await ws.prepare(request)
        self.connections += 1
        hello = {
            "type": "hello",
            "num_connections": 1,
            "debug_info": {"host": "applink-bench-1", "build_number": 118, "approximate_connection_time": 18060},
            "connection_info": {"app_id": self.app_id},
        }
        await ws.send_str(json.dumps(hello))
        self.ws = ws
        self.connected.set()
        self._resend()
        self.wake.set()
        try:
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                data = json.loads(message.data)
                envelope_id = data.get("envelope_id") if isinstance(data, dict) else None
                if envelope_id is None:
                    continue
                reporter = self.in_flight.pop(envelope_id, None)
                if reporter is not None:
                    reporter.acked(200)
                elif (fut := self.acks.pop(envelope_id, None)) is not None:
                    fut.set_result(None)
        finally:
            if self.ws is ws:
                self.ws = None
                self.connected.clear()
        return ws

    def _resend(self) -> None:
        """Envelopes sent on a connection that closed before they were acknowledged go again (Slack redelivers
        them); every one of them counts as a reset."""
        if not self.in_flight:
            return
        queued = set(self.out)
        for envelope_id, reporter in list(self.in_flight.items()):
            message = reporter.messages[reporter.next]
            if message in queued:
                continue
            del self.in_flight[envelope_id]  # before `failed`, which may go on to the reporter's next press
            if reporter.failed():
                self.in_flight[envelope_id] = reporter
                self.out.append(message)

    def send(self, reporter: Reporter) -> None:
        self.in_flight[self.envelope_ids[reporter.user][reporter.next]] = reporter
        self.out.append(reporter.messages[reporter.next])
        self.wake.set()

    def forget(self, reporter: Reporter) -> None:
        self.in_flight.pop(self.envelope_ids[reporter.user][reporter.next], None)

    async def _send_loop(self) -> None:
        out = self.out
        while True:
            await self.wake.wait()
            self.wake.clear()
            while out:
                ws = self.ws
                if ws is None or ws.closed:
                    break  # sent when the next connection says hello
                message = out.popleft()
                try:
                    await ws.send_str(message)  # no compression: writes at once, returns without waiting
                except ConnectionError:
                    out.appendleft(message)
                    break

    async def ask(self, payload: dict[str, Any]) -> None:
        """Send one envelope outside the measurement and wait for its ack."""
        envelope_id = str(uuid.uuid4())
        fut: asyncio.Future[None] = self.loop.create_future()
        self.acks[envelope_id] = fut
        self.out.append(self.envelope(payload, envelope_id))
        self.wake.set()
        await asyncio.wait_for(fut, 30)


async def prepare_socket(load: Load, plan: Plan) -> None:
    from standins import slack_requests as rq

    transport = load.transport
    assert isinstance(transport, SocketTransport)
    for user, ps in payloads(plan):
        ids = [str(uuid.uuid4()) for _ in ps]
        transport.envelope_ids[user] = ids
        load.add(user, [transport.envelope(p, e) for p, e in zip(ps, ids, strict=True)])
    await asyncio.wait_for(transport.connected.wait(), 60)
    await transport.ask(rq.block_actions_payload(action_id="bench.warmup"))  # as over HTTP: auth.test once
