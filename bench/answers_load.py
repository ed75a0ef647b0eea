"""The load generator of bench/answers.py: the reporters' side, in a process of its own on the other core.

It plays Slack delivering the presses of many reporters at once, in one of two ways:

* HTTP (`kind="http"`): one keep-alive TCP connection per reporter to the bot's Request URL, plain asyncio
  protocols. Every request (request line, headers, the urlencoded `payload=` body) is built and signed before
  the measurement starts (Slack's signatures stay valid for 5 minutes; a reporter whose requests grow older
  than 4 signs its remaining ones again), so a press costs one socket write, and its response the parse of a
  status line and a Content-Length. The time to acknowledge runs from the write to the last byte of the
  response. A connection the server closed is opened again; one closed under a request is counted as a reset
  and the request is sent again on a new one (as Slack retries), at most three times.
* Socket Mode (`kind="socket"`): this process is Slack's websocket server (the stand-in Web API's
  `apps.connections.open` hands out its URL). It greets each connection with the `hello` Slack sends, answers
  pings, and pushes every press as an `interactive` envelope over the bot's connection (the newest, as Slack
  uses one of an app's connections). The time to acknowledge runs from sending the envelope to receiving the
  bot's message with that `envelope_id`. Envelopes not acknowledged when their connection closes are sent again
  on the next one and counted as resets.

Either way each reporter presses the next button only when the bot has stored its previous answer: the bench
sends the user ids of stored answers through the `done` pipe in batches, and a reader thread hands each batch
to the event loop with one call. The first presses are spread over one second (fixed seed).

The conversation with the bench over `ctl`: (Socket Mode: this process sends its websocket URL first) it
receives `(target, plan)` (the HTTP URL, or None), builds everything, warms up, sends "ready", waits for
"go", runs, sends the report (a dict), and ends on the next message ("stop").
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

SEED = 7
RESIGN_AFTER = 240.0  # seconds; Bolt refuses signatures older than 300
WAIT_LIMIT = 120.0  # seconds an answer may take to be acknowledged or stored before it counts as lost
ATTEMPTS = 3

#: (user id, DM channel id, the values of the buttons pressed in order)
Plan = list[tuple[str, str, list[str]]]


def pin(cpus: set[int]) -> bool:
    """Keep the calling process (the threads it starts from now on) to `cpus`, where the machine has them."""
    available = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set()
    if not hasattr(os, "sched_setaffinity") or not cpus <= available or len(available) < 2:
        return False
    os.sched_setaffinity(0, cpus)
    return True


def payloads(plan: Plan) -> list[tuple[str, list[dict[str, Any]]]]:
    """The `block_actions` payloads of each reporter's presses."""
    from standins import slack_requests as rq

    return [
        (
            user,
            [
                rq.block_actions_payload(user, channel, None, "est:0:0", value, trigger_id=f"{user}.{n}")
                for n, value in enumerate(values)
            ],
        )
        for user, channel, values in plan
    ]


# --------------------------------------------------------------------------------------------- the reporters


class Reporter:
    """One reporter's presses: send one, wait for its acknowledgement and for its answer to be stored, go on.
    Callbacks only (no task per reporter): `Load` and the transports call `acked`, `stored` and `failed`."""

    __slots__ = ("attempts", "in_flight", "load", "messages", "next", "pending", "sent_at", "user", "waiting_at")

    def __init__(self, load: Load, user: str, messages: list[Any]) -> None:
        self.load = load
        self.user = user
        self.messages = messages  # what the transport sends for each press (bytes or str)
        self.next = 0  # the press being made, or the next one
        self.pending = 0  # stored notifications that came before the acknowledgement they follow
        self.sent_at = 0.0
        self.in_flight = False
        self.attempts = 0
        self.waiting_at: float | None = None  # acknowledged, waiting for the answer to be stored since then

    def press(self) -> None:
        if self.next >= len(self.messages):
            self.load.finished_one()
            return
        self.in_flight = True
        self.attempts = 1
        self.sent_at = time.perf_counter()
        self.load.transport.send(self)

    def acked(self, status: int) -> None:
        """The response (HTTP status) or the ack (200) of the press in flight."""
        now = time.perf_counter()
        load = self.load
        self.in_flight = False
        load.latencies.append(now - self.sent_at)
        load.starts.append(self.sent_at - load.begin)
        load.statuses.append(status)
        self.next += 1
        if status != 200:  # refused: nothing will be stored
            self.press()
        elif self.pending:
            self.pending -= 1
            self.press()
        else:
            self.waiting_at = now

    def stored(self) -> None:
        if self.waiting_at is not None:
            self.waiting_at = None
            self.press()
        else:
            self.pending += 1  # stored before the acknowledgement reached us

    def failed(self) -> bool:
        """The connection went away under the press in flight: True to send it again, False when it has had its
        attempts (then it counts as refused, status 0)."""
        self.load.resets += 1
        if self.attempts < ATTEMPTS:
            self.attempts += 1
            return True
        self.acked(0)
        return False


class Load:
    """The run: the reporters, what they measured, and the end."""

    def __init__(self, loop: asyncio.AbstractEventLoop, transport: Transport) -> None:
        self.loop = loop
        self.transport = transport
        self.reporters: dict[str, Reporter] = {}
        self.latencies: list[float] = []
        self.starts: list[float] = []
        self.statuses: list[int] = []
        self.lost = 0
        self.resets = 0
        self.begin = 0.0
        self.left = 0
        self.done: asyncio.Future[None] = loop.create_future()

    def add(self, user: str, messages: list[Any]) -> None:
        self.reporters[user] = Reporter(self, user, messages)

    def stored_batch(self, users: list[str]) -> None:
        reporters = self.reporters
        for user in users:
            reporter = reporters.get(user)
            if reporter is not None:  # not the warm-up's
                reporter.stored()

    def finished_one(self) -> None:
        self.left -= 1
        if self.left == 0 and not self.done.done():
            self.done.set_result(None)

    async def run(self) -> None:
        self.begin = time.perf_counter()
        self.left = len(self.reporters)
        offsets = random.Random(SEED).choices([i / 1000 for i in range(1000)], k=len(self.reporters))
        if len(self.reporters) == 1:
            offsets = [0.0]
        start = self.loop.time()
        for reporter, offset in zip(self.reporters.values(), offsets, strict=True):
            self.loop.call_at(start + offset, reporter.press)  # "at once": every first press within one second
        watchdog = self.loop.create_task(self._watch())
        try:
            await self.done
        finally:
            watchdog.cancel()

    async def _watch(self) -> None:
        """An answer never acknowledged or never stored within WAIT_LIMIT counts once (refused, status 0, or
        lost) and the reporter goes on."""
        while True:
            await asyncio.sleep(1.0)
            now = time.perf_counter()
            for reporter in list(self.reporters.values()):
                if reporter.in_flight and now - reporter.sent_at > WAIT_LIMIT:
                    self.transport.forget(reporter)
                    reporter.acked(0)
                elif reporter.waiting_at is not None and now - reporter.waiting_at > WAIT_LIMIT:
                    self.lost += 1
                    reporter.waiting_at = None
                    reporter.press()


class Transport:
    def send(self, reporter: Reporter) -> None:
        raise NotImplementedError

    def forget(self, reporter: Reporter) -> None:
        """The press in flight is given up: a late answer to it must not count."""


# --------------------------------------------------------------------------------------------- HTTP


class _HttpConnection(asyncio.Protocol):
    """One keep-alive connection: writes a prepared request, parses the response (status line, Content-Length,
    body) and calls `on_response(status)`."""

    def __init__(
        self, user: str, on_response: Callable[[int], None], on_lost: Callable[[_HttpConnection], None]
    ) -> None:
        self.user = user
        self.on_response = on_response
        self.on_lost = on_lost
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.need = -1  # bytes of the response being read (head and body), once its head is complete
        self.status = 0
        self.lost = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def write(self, data: bytes) -> None:
        assert self.transport is not None
        self.transport.write(data)

    def data_received(self, data: bytes) -> None:
        buf = self.buf
        buf += data
        while True:
            if self.need < 0:
                end = buf.find(b"\r\n\r\n")
                if end < 0:
                    return
                head = bytes(buf[:end]).lower()
                self.status = int(head[9:12])
                at = head.find(b"\r\ncontent-length:")
                if at < 0:
                    raise RuntimeError(f"a response without Content-Length: {head[:200]!r}")
                stop = head.find(b"\r\n", at + 2)
                self.need = end + 4 + int(head[at + 17 : stop if stop >= 0 else len(head)])
            if len(buf) < self.need:
                return
            del buf[: self.need]
            self.need = -1
            self.on_response(self.status)

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        self.on_lost(self)


class HttpTransport(Transport):
    """One connection per reporter; a reporter's messages are its prepared requests (bytes)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.path = parts.path or "/"
        self.connections: dict[str, _HttpConnection] = {}
        self.loop = asyncio.get_running_loop()
        self.signed_at = 0.0
        self.resigned = 0
        self.opened = 0  # connections opened

    def request(self, body: bytes, headers: dict[str, str] | None = None, method: str = "POST") -> bytes:
        lines = [f"{method} {self.path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        lines.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body

    def signed(self, payload: str) -> bytes:
        from standins import slack_requests as rq

        body = urlencode({"payload": payload}).encode()
        return self.request(body, rq.sign(body, "application/x-www-form-urlencoded"))

    async def connect(self, reporter: Reporter | None, user: str) -> _HttpConnection:
        def on_response(status: int) -> None:
            if reporter is not None:
                reporter.acked(status)

        _, conn = await self.loop.create_connection(
            lambda: _HttpConnection(user, on_response, self._lost), self.host, self.port
        )
        self.connections[user] = conn
        self.opened += 1
        return conn

    def _lost(self, conn: _HttpConnection) -> None:
        if self.connections.get(conn.user) is not conn:  # given up (`forget`), or the warm-up's
            return
        reporter = self.load.reporters.get(conn.user)
        if reporter is not None and reporter.in_flight and reporter.failed():
            self.loop.create_task(self._send_again(reporter))

    load: Load  # set by the run

    def send(self, reporter: Reporter) -> None:
        if time.time() - self.signed_at > RESIGN_AFTER:
            self._resign()
        conn = self.connections.get(reporter.user)
        if conn is None or conn.lost:  # the server closed it while the reporter waited: a new one, as Slack
            self.loop.create_task(self._send_again(reporter))
            return
        conn.write(reporter.messages[reporter.next])

    async def _send_again(self, reporter: Reporter) -> None:
        while True:
            try:
                conn = await self.connect(reporter, reporter.user)
                conn.write(reporter.messages[reporter.next])
                return
            except OSError:
                if not reporter.failed():
                    return

    def _resign(self) -> None:
        """Sign again every request not yet sent (a run longer than Slack's 5 minutes)."""
        for reporter in self.load.reporters.values():
            for n in range(reporter.next, len(reporter.messages)):
                body = reporter.messages[n].partition(b"\r\n\r\n")[2]
                reporter.messages[n] = self.signed(parse_qs(body.decode())["payload"][0])
        self.signed_at = time.time()
        self.resigned += 1

    def forget(self, reporter: Reporter) -> None:
        conn = self.connections.pop(reporter.user, None)
        if conn is not None and conn.transport is not None:
            conn.on_response = lambda status: None
            conn.transport.close()


async def _exchange(conn: _HttpConnection, data: bytes) -> int:
    """One request on a warm-up connection; its status."""
    fut: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    conn.on_response = fut.set_result
    conn.write(data)
    status = await asyncio.wait_for(fut, 30)
    return status


async def prepare_http(url: str, load: Load, plan: Plan) -> HttpTransport:
    transport = load.transport
    assert isinstance(transport, HttpTransport)
    transport.load = load
    for user, ps in payloads(plan):
        load.add(user, [transport.signed(json.dumps(p)) for p in ps])
    transport.signed_at = time.time()
    # One keep-alive connection per reporter, as Slack keeps its own open; a GET on each (Bolt answers 404).
    for start in range(0, len(plan), 100):
        users = [user for user, _, _ in plan[start : start + 100]]
        conns = await asyncio.gather(*(transport.connect(None, user) for user in users))
        await asyncio.gather(*(_exchange(conn, transport.request(b"", method="GET")) for conn in conns))
    for user, conn in transport.connections.items():
        reporter = load.reporters[user]
        conn.on_response = reporter.acked
    # One signed request before the measurement (a listener that only acks takes it): Bolt's authorization
    # asks Slack `auth.test` once and keeps the answer; without this, every request of the first burst would
    # ask it at the same time.
    from standins import slack_requests as rq

    warm = await transport.connect(None, "bench.warmup")
    status = await _exchange(warm, transport.signed(json.dumps(rq.block_actions_payload(action_id="bench.warmup"))))
    if status != 200:
        raise RuntimeError(f"the warm-up request got HTTP {status}")
    assert warm.transport is not None
    warm.transport.close()
    transport.connections.pop("bench.warmup")
    return transport
