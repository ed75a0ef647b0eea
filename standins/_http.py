"""What the stand-in API servers (`slack_api.FakeSlackAPI`, `telegram_api.FakeTelegramAPI`) share.

* `ThreadedHTTPFake`: the server lifecycle (a `ThreadingHTTPServer` on 127.0.0.1, ephemeral port, served from a
  daemon thread; `start()` / `stop()` / context manager, `port`, `root_url`) and the request skeleton: read the
  body, route it, write the `Reply` (or drop the connection when the route answers None). Each answer closes its
  connection unless `keep_alive` is set; `connections_opened` counts the clients' TCP connections.
* `read_body` (Content-Length or chunked) and `parse_body` (query string, form, multipart or JSON body).
* `FaultQueue`: faults queued per method name, "*" for any method.
* `ManualClock`: a hand-moved clock for rate limiters.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Generic, Literal, Self, TypeVar
from urllib.parse import SplitResult, parse_qsl, urlsplit

F = TypeVar("F")


class ManualClock:
    """A clock that only moves when told: `clock()` is `clock.now`, `clock.advance(seconds)` moves it."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FaultQueue(Generic[F]):
    """Faults waiting for the next calls of a method; the key "*" matches any method. Not locked: callers hold
    their fake's lock."""

    def __init__(self) -> None:
        self._queues: dict[str, deque[F]] = {}

    def add(self, key: str, make: Callable[[], F], times: int) -> None:
        self._queues.setdefault(key, deque()).extend(make() for _ in range(times))

    def clear(self) -> None:
        """Forget every fault still waiting: the service answers normally again."""
        self._queues.clear()

    def take(self, key: str) -> F | None:
        """The next fault for `key`, else the next one for "*", else None."""
        for k in (key, "*"):
            queue = self._queues.get(k)
            if queue:
                return queue.popleft()
        return None


# --------------------------------------------------------------------------------------------- request bodies


def read_body(handler: BaseHTTPRequestHandler) -> bytes:
    """The request body, from `Content-Length` or `Transfer-Encoding: chunked`."""
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks: list[bytes] = []
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length > 0 else b""


class BodyError(ValueError):
    """A body that does not decode. `problem`: "json" (not JSON; `cause` says why), "object" (JSON, but not an
    object) or "utf-8" (a form body that is not UTF-8, with `strict_form=True`)."""

    def __init__(self, problem: Literal["json", "object", "utf-8"], cause: Exception | None = None) -> None:
        super().__init__(f"{problem}: {cause}" if cause else problem)
        self.problem = problem
        self.cause = cause


@dataclass
class ParsedBody(Generic[F]):
    """Parameters from the query string updated by those of the body; `format` is how the body came."""

    format: Literal["query", "json", "multipart", "form"]
    params: dict[str, Any]
    files: dict[str, F] = field(default_factory=dict)


def parse_body(
    query: str,
    content_type: str,
    body: bytes,
    *,
    multipart: Callable[[str, bytes], tuple[dict[str, str], dict[str, F]]],
    strict_form: bool = False,
) -> ParsedBody[F]:
    """Decode a request's parameters: the query string, then a JSON object, multipart (with `multipart`, which
    returns (fields, files)) or form body on top. A form body that is not UTF-8 is decoded with replacement
    characters, or raises BodyError("utf-8") with `strict_form`."""
    parsed: ParsedBody[F] = ParsedBody("query", dict(parse_qsl(query, keep_blank_values=True)))
    if not body:
        return parsed
    mime = content_type.split(";")[0].strip().lower()
    if mime == "application/json":
        parsed.format = "json"
        try:
            decoded = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BodyError("json", exc) from exc
        if not isinstance(decoded, dict):
            raise BodyError("object")
        parsed.params.update(decoded)
    elif mime == "multipart/form-data":
        parsed.format = "multipart"
        fields, parsed.files = multipart(content_type, body)
        parsed.params.update(fields)
    else:
        parsed.format = "form"
        try:
            text = body.decode("utf-8", "strict" if strict_form else "replace")
        except UnicodeDecodeError as exc:
            raise BodyError("utf-8", exc) from exc
        parsed.params.update(parse_qsl(text, keep_blank_values=True))
    return parsed


# --------------------------------------------------------------------------------------------- the server


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def write_reply(handler: BaseHTTPRequestHandler, reply: Reply, keep_alive: bool = False) -> None:
    handler.send_response(reply.status)
    handler.send_header("Content-Type", reply.content_type)
    handler.send_header("Content-Length", str(len(reply.body)))
    handler.send_header("Connection", "keep-alive" if keep_alive else "close")
    for name, value in reply.headers.items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(reply.body)


class FakeHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, fake: ThreadedHTTPFake, handler: type[FakeRequestHandler], *, request_queue_size: int | None = None
    ) -> None:
        if request_queue_size is not None:
            self.request_queue_size = request_queue_size  # read by server_activate() in super().__init__
        super().__init__(("127.0.0.1", 0), handler)
        self.fake = fake


class FakeRequestHandler(BaseHTTPRequestHandler):
    """Hands every GET and POST to the fake's `serve`; logs nothing."""

    server: FakeHTTPServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # a kept connection's answer is not held back waiting for the client's ACK

    def setup(self) -> None:
        super().setup()
        self.server.fake.count_connection()

    def do_POST(self) -> None:
        self.server.fake.serve(self)

    def do_GET(self) -> None:
        self.server.fake.serve(self)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class ThreadedHTTPFake:
    """Base of the fakes: lifecycle and request skeleton. Subclasses implement `_route` and may hook into
    `_on_start` (more threads to run) and `_on_stop` (wake them before the server shuts down)."""

    _thread_name: ClassVar[str] = "fake-api"
    _handler_class: ClassVar[type[FakeRequestHandler]] = FakeRequestHandler
    _request_queue_size: ClassVar[int | None] = None

    def __init__(self) -> None:
        self._server: FakeHTTPServer | None = None
        self._threads: list[threading.Thread] = []
        #: Keep a client's connection open between requests (HTTP/1.1 keep-alive), as the real APIs do; off by
        #: default: every answer closes its connection.
        self.keep_alive = False
        self._connections = 0
        self._connections_lock = threading.Lock()

    def count_connection(self) -> None:
        with self._connections_lock:
            self._connections += 1

    @property
    def connections_opened(self) -> int:
        """TCP connections clients have opened to this server so far."""
        with self._connections_lock:
            return self._connections

    def start(self) -> Self:
        if self._server is not None:
            return self
        extra = self._on_start()
        self._server = FakeHTTPServer(self, self._handler_class, request_queue_size=self._request_queue_size)
        serve = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name=self._thread_name, daemon=True
        )
        self._threads = [serve, *extra]
        for t in self._threads:
            t.start()
        return self

    def stop(self) -> None:
        server, threads = self._server, self._threads
        self._server, self._threads = None, []
        self._on_stop()
        if server is not None:
            server.shutdown()
            server.server_close()
        for t in threads:
            t.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not running; use it as a context manager or call start()")
        return int(self._server.server_address[1])

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _on_start(self) -> list[threading.Thread]:
        """Called before the server starts; returns further threads to start (and join on stop)."""
        return []

    def _on_stop(self) -> None:
        """Called before the server shuts down."""

    def serve(self, handler: FakeRequestHandler) -> None:
        handler.close_connection = not self.keep_alive
        body = read_body(handler)
        reply = self._route(handler, urlsplit(handler.path), body)
        if reply is None:  # drop: close the socket without an answer
            handler.close_connection = True
            return
        self._send(handler, reply)

    def _route(self, handler: FakeRequestHandler, url: SplitResult, body: bytes) -> Reply | None:
        raise NotImplementedError

    def _send(self, handler: FakeRequestHandler, reply: Reply) -> None:
        write_reply(handler, reply, self.keep_alive)
