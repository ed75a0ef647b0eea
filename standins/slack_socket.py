"""A local stand-in for Slack's Socket Mode websocket server, for driving slack_sdk / slack-bolt Socket Mode clients.

`FakeSocketMode` is a real websocket server (aiohttp.web) on 127.0.0.1, ephemeral port, run on its own event loop in
a daemon thread, so a test can drive it from sync or async code. Hook it to `FakeSlackAPI` so that
`apps.connections.open` hands out its URL:

    with FakeSlackAPI() as api, FakeSocketMode() as socket:
        socket.attach(api)  # api.socket_mode_url = socket.url; the hello carries api.app_id
        client = SocketModeClient(app_token=api.app_token, web_client=api.async_client())
        await client.connect()
        await socket.wait_connected_async()
        envelope_id = socket.send_envelope("slash_commands", slack_requests.slash_command_payload(...),
                                           accepts_response_payload=True)
        ack = await socket.wait_ack_async(envelope_id)

What it does, as Slack's `wss-primary.slack.com/link/` does (the parts slack_sdk's clients rely on):

* Accepts a websocket on `/link/?ticket=…&app_id=…` (no ticket: HTTP 401), and first sends
  `{"type": "hello", "num_connections": n, "debug_info": {…}, "connection_info": {"app_id": …}}`.
* Answers pings with pongs carrying the same data (slack_sdk's aiohttp client measures `sdk-ping-pong:<t>` by them).
* `send_envelope()` pushes `{"envelope_id", "payload", "type", "accepts_response_payload"}` to the newest open
  connection (Slack delivers each envelope to one of an app's connections); `retry_attempt` / `retry_reason` only
  on `events_api` envelopes, as Slack does (slack-bolt turns them into `x-slack-retry-*` headers whenever present).
* Records every text message a client sends; those with an `envelope_id` are acks (`{"envelope_id", "payload"?}`).
* `disconnect(reason)` sends `{"type": "disconnect", "reason": …, "debug_info": {…}}` and closes the socket after
  `close_after` seconds if the client has not already gone (slack_sdk reconnects on the message itself: it calls
  `apps.connections.open` again and opens a new socket).

Not modelled: Slack's own retries of unacknowledged events (send a retry yourself with `retry_attempt=1,
retry_reason="timeout"`), the 10-connection limit, server-side pings, `debug_reconnects`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Self

from aiohttp import WSCloseCode, WSMsgType, web

if TYPE_CHECKING:
    from standins.slack_api import FakeSlackAPI

__all__ = ["DEFAULT_APP_ID", "Connection", "EnvelopeType", "FakeSocketMode", "Received"]

DEFAULT_APP_ID = "A0ESTAPP1"  # FakeSlackAPI's default app_id

EnvelopeType = Literal["events_api", "slash_commands", "interactive"]

# interactive payload types whose envelope lets the app answer in its ack (views: response_action; suggestions)
_RESPONDING_INTERACTIONS = frozenset({"view_submission", "block_suggestion"})


@dataclass
class Connection:
    """One websocket a client opened. `closed_by`: "client", "server" (disconnect / stop) or None while open."""

    id: int  # 1, 2, … in the order clients connected
    ticket: str
    query: dict[str, str]
    opened_at: float  # time.monotonic()
    ready: bool = False  # the hello was sent; envelopes go only to ready connections
    closed_at: float | None = None
    close_code: int | None = None
    closed_by: Literal["client", "server"] | None = None
    disconnect_reason: str | None = None  # the reason of the disconnect message this server sent, if any

    @property
    def open(self) -> bool:
        return self.closed_at is None


@dataclass
class Received:
    """A text message a client sent: `data` is the decoded JSON (None when it is not JSON)."""

    connection_id: int
    raw: str
    data: Any
    at: float  # time.monotonic()


@dataclass
class _Sent:
    envelope: dict[str, Any]
    connection_id: int
    at: float
    acks: list[Received] = field(default_factory=list)


class SocketServer:
    """The websocket server on its own event loop: connections, hello, sending, disconnects and closing."""

    def __init__(self, *, app_id: str = DEFAULT_APP_ID, host: str = "applink-fake-est-1") -> None:
        self.app_id = app_id
        self.host = host  # debug_info.host, as in Slack's hello and disconnect messages
        self._cond = threading.Condition()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._connections: list[Connection] = []
        self._sockets: dict[int, web.WebSocketResponse] = {}
        self._sent: dict[str, _Sent] = {}
        self._received: list[Received] = []
        self._tasks: set[asyncio.Task[None]] = set()

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> Self:
        if self._thread is not None:
            return self
        loop = asyncio.new_event_loop()
        started = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._startup())
            except BaseException as exc:
                failure.append(exc)
                started.set()
                loop.close()
                return
            started.set()
            try:
                loop.run_forever()
            finally:
                loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=run, name="fake-slack-socket-mode", daemon=True)
        self._thread.start()
        started.wait(timeout=10)
        if failure or self._port is None:
            self._thread.join(timeout=5)
            self._thread = self._loop = None
            raise RuntimeError("FakeSocketMode did not start") from (failure[0] if failure else None)
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        self._loop = self._thread = None
        self._runner = None
        self._port = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeSocketMode is not running; use it as a context manager or call start()")
        return self._port

    @property
    def url(self) -> str:
        """The websocket URL without a ticket (FakeSlackAPI's apps.connections.open appends `?ticket=…&app_id=…`)."""
        return f"ws://127.0.0.1:{self.port}/link/"

    def attach(self, api: FakeSlackAPI) -> Self:
        """Make `api`'s apps.connections.open hand out this server, and greet with `api`'s app_id."""
        api.socket_mode_url = self.url
        self.app_id = api.app_id
        return self

    # ------------------------------------------------------------------ the server's side (its event loop)

    async def _startup(self) -> None:
        app = web.Application()
        app.router.add_get("/link/", self._handle)
        app.router.add_get("/link", self._handle)
        runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1.0, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self._port = int(runner.addresses[0][1])

    async def _shutdown(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for connection_id in list(self._sockets):
            await self._close(connection_id, WSCloseCode.GOING_AWAY)
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if not ticket:
            return web.json_response({"ok": False, "error": "invalid_auth"}, status=401)
        ws = web.WebSocketResponse(autoping=True, timeout=2.0)
        await ws.prepare(request)
        with self._cond:
            connection = Connection(
                id=len(self._connections) + 1, ticket=ticket, query=dict(request.query), opened_at=time.monotonic()
            )
            self._connections.append(connection)
            self._sockets[connection.id] = ws
            open_count = sum(1 for c in self._connections if c.open)
        hello = {
            "type": "hello",
            "num_connections": open_count,
            "debug_info": {"host": self.host, "build_number": 118, "approximate_connection_time": 18060},
            "connection_info": {"app_id": self.app_id},
        }
        try:
            await ws.send_str(json.dumps(hello))
            with self._cond:
                connection.ready = True
                self._cond.notify_all()
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue  # pings are answered by aiohttp (autoping); binary frames mean nothing to Slack
                raw = str(message.data)
                try:
                    data = json.loads(raw)
                except ValueError:
                    data = None
                record = Received(connection.id, raw, data, time.monotonic())
                with self._cond:
                    self._received.append(record)
                    if _is_ack(record):
                        sent = self._sent.get(str(data["envelope_id"]))
                        if sent is not None:
                            sent.acks.append(record)
                    self._cond.notify_all()
        finally:
            with self._cond:
                self._sockets.pop(connection.id, None)
                if connection.closed_at is None:
                    connection.closed_at = time.monotonic()
                    connection.closed_by = connection.closed_by or "client"
                    connection.close_code = ws.close_code
                self._cond.notify_all()
        return ws

    async def _send_json(self, connection_id: int, message: dict[str, Any] | str) -> None:
        ws = self._sockets.get(connection_id)
        if ws is None or ws.closed:
            raise ConnectionError(f"connection {connection_id} is closed")
        await ws.send_str(message if isinstance(message, str) else json.dumps(message))

    async def _disconnect(self, targets: list[Connection], reason: str | None, close_after: float | None) -> None:
        for connection in targets:
            ws = self._sockets.get(connection.id)
            if ws is None or ws.closed:
                continue
            if reason is None:
                await self._close(connection.id, WSCloseCode.GOING_AWAY)
                continue
            connection.disconnect_reason = reason
            message = {"type": "disconnect", "reason": reason, "debug_info": {"host": self.host}}
            await ws.send_str(json.dumps(message))
            if close_after is not None:
                task = asyncio.get_running_loop().create_task(self._close_later(connection.id, close_after))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def _close_later(self, connection_id: int, delay: float) -> None:
        await asyncio.sleep(delay)
        await self._close(connection_id, WSCloseCode.OK)

    async def _close(self, connection_id: int, code: int) -> None:
        ws = self._sockets.get(connection_id)
        if ws is None or ws.closed:
            return
        with self._cond:
            connection = self._connections[connection_id - 1]
            connection.closed_by = "server"
        with contextlib.suppress(Exception):
            await ws.close(code=code, message=b"closed by the fake Socket Mode server")
        with self._cond:
            if connection.closed_at is None:
                connection.closed_at = time.monotonic()
                connection.close_code = code
            self._cond.notify_all()

    # ------------------------------------------------------------------ helpers

    def _newest_open(self) -> Connection | None:
        """Under self._cond."""
        for connection in reversed(self._connections):
            if connection.open and connection.ready:
                return connection
        return None

    def _first_ack(self, envelope_id: str) -> Received | None:
        """Under self._cond."""
        for record in self._received:
            if _is_ack(record) and record.data["envelope_id"] == envelope_id:
                return record
        return None

    def _call(self, coro: Any, timeout: float) -> Any:
        loop = self._loop
        if loop is None:
            coro.close()
            raise RuntimeError("FakeSocketMode is not running; use it as a context manager or call start()")
        return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout=timeout)


class FakeSocketMode(SocketServer):
    """A stand-in Socket Mode server. Use as a context manager (or `start()` / `stop()`)."""

    # ------------------------------------------------------------------ the test's side

    def send_envelope(
        self,
        type: EnvelopeType,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool = False,
        retry_attempt: int = 0,
        retry_reason: str = "",
        envelope_id: str | None = None,
        timeout: float = 5.0,
    ) -> str:
        """Push an envelope to the newest open connection and return its envelope_id. RuntimeError when no client is
        connected (wait for one first: `wait_connected` / `wait_connected_async`)."""
        envelope_id = envelope_id or str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": type,
            "accepts_response_payload": accepts_response_payload,
        }
        if type == "events_api":
            envelope.update(retry_attempt=retry_attempt, retry_reason=retry_reason)
        with self._cond:
            connection = self._newest_open()
            if connection is None:
                raise RuntimeError("no Socket Mode client is connected")
            self._sent[envelope_id] = _Sent(envelope, connection.id, time.monotonic())
        self._call(self._send_json(connection.id, envelope), timeout)
        return envelope_id

    def send_event(self, event_callback: dict[str, Any], *, retry_attempt: int = 0, retry_reason: str = "") -> str:
        """An `events_api` envelope around an `event_callback` body (see slack_requests.event_callback_payload)."""
        return self.send_envelope("events_api", event_callback, retry_attempt=retry_attempt, retry_reason=retry_reason)

    def send_slash_command(self, form: dict[str, str]) -> str:
        """A `slash_commands` envelope (the app may answer in its ack) around the command's form fields."""
        return self.send_envelope("slash_commands", form, accepts_response_payload=True)

    def send_interactive(self, payload: dict[str, Any]) -> str:
        """An `interactive` envelope; `accepts_response_payload` is true for view_submission and block_suggestion."""
        accepts = payload.get("type") in _RESPONDING_INTERACTIONS
        return self.send_envelope("interactive", payload, accepts_response_payload=accepts)

    def send_raw(self, message: dict[str, Any] | str, *, timeout: float = 5.0) -> None:
        """Send anything to the newest open connection (a dict goes as JSON)."""
        with self._cond:
            connection = self._newest_open()
        if connection is None:
            raise RuntimeError("no Socket Mode client is connected")
        self._call(self._send_json(connection.id, message), timeout)

    def wait_connected(self, timeout: float = 5.0, *, total: int | None = None) -> Connection:
        """Block until a client is connected (hello sent) and, with `total`, at least `total` connections have been
        opened since start; return the newest open connection. TimeoutError otherwise. Do not call this from the
        event loop the client runs on (it would starve the client): use `wait_connected_async` there."""

        def ready() -> Connection | None:
            newest = self._newest_open()
            if newest is None or (total is not None and len(self._connections) < total):
                return None
            return newest

        with self._cond:
            connection = self._cond.wait_for(ready, timeout=timeout)
            if connection is None:
                raise TimeoutError(f"no Socket Mode connection (total={total}) within {timeout}s")
            return connection

    async def wait_connected_async(self, timeout: float = 5.0, *, total: int | None = None) -> Connection:
        return await asyncio.to_thread(self.wait_connected, timeout, total=total)

    def wait_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """Block until the client acks `envelope_id`; return the ack (`{"envelope_id": …, "payload": …?}`).
        TimeoutError otherwise. From the client's own event loop use `wait_ack_async`."""
        with self._cond:
            ack = self._cond.wait_for(lambda: self._first_ack(envelope_id), timeout=timeout)
            if ack is None:
                raise TimeoutError(f"envelope {envelope_id} was not acknowledged within {timeout}s")
            return dict(ack.data)

    async def wait_ack_async(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        return await asyncio.to_thread(self.wait_ack, envelope_id, timeout)

    @property
    def acks(self) -> list[dict[str, Any]]:
        """Every ack received, in order (also acks of envelope ids this server never sent, and repeated acks)."""
        with self._cond:
            return [dict(r.data) for r in self._received if _is_ack(r)]

    @property
    def received(self) -> list[Received]:
        """Every text message clients sent, acks included."""
        with self._cond:
            return list(self._received)

    @property
    def envelopes(self) -> list[dict[str, Any]]:
        """Every envelope sent, in order."""
        with self._cond:
            return [s.envelope for s in self._sent.values()]

    def unacked(self) -> list[str]:
        """Envelope ids sent but not acked yet."""
        with self._cond:
            return [eid for eid, s in self._sent.items() if not s.acks]

    def ack_delay(self, envelope_id: str) -> float:
        """Seconds between sending the envelope and its first ack (Slack wants acks within 3 s)."""
        with self._cond:
            sent = self._sent[envelope_id]
            if not sent.acks:
                raise LookupError(f"envelope {envelope_id} was not acknowledged")
            return sent.acks[0].at - sent.at

    @property
    def connections(self) -> list[Connection]:
        """Every connection since start, open or closed, in the order they were opened."""
        with self._cond:
            return list(self._connections)

    def disconnect(
        self, reason: str | None = "refresh_requested", *, close_after: float | None = 1.0, timeout: float = 5.0
    ) -> None:
        """Tell every open connection to go away, as Slack does before it closes a socket: send
        `{"type": "disconnect", "reason": reason, …}` ("refresh_requested", "warning", "link_disabled"), then close
        the socket after `close_after` seconds if the client is still on it (None: leave it open). `reason=None`:
        close at once without a message (a server restart)."""
        with self._cond:
            targets = [c for c in self._connections if c.open]
        self._call(self._disconnect(targets, reason, close_after), timeout)


def _is_ack(record: Received) -> bool:
    return isinstance(record.data, dict) and isinstance(record.data.get("envelope_id"), str)
