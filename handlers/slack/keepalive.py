"""slack_sdk's `WebClient` on kept connections.

`WebClient` sends every call through `urllib.request.urlopen`, which opens a new TCP connection (and, to Slack, a
new TLS session) for each message and closes it after the answer. `KeepAliveWebClient` sends the same request on
an `http.client` connection kept open per thread and host, as HTTP/1.1 allows: a fan-out of a thousand messages
opens one connection per sending thread instead of a thousand. Everything else (the request's body and headers,
the answer's parsing, Slack's errors, retries) is `WebClient`'s own: only the transport is replaced, and a proxy
falls back to it. An answer of 400 or more is raised as urllib's `HTTPError`, as `urlopen` raises it, so the
client reads a 429's Retry-After as before.

A kept connection the server has closed meanwhile (an idle timeout) fails at the next request before anything
was answered; that request is sent once more on a new connection. A fresh connection that fails raises, as
`urlopen` would.
"""

from __future__ import annotations

import http.client
import io
import threading
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlsplit
from urllib.request import Request

from slack_sdk import WebClient

#: The errors of a kept connection that the server closed while it was idle.
STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class KeepAliveWebClient(WebClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._kept = threading.local()
        self._every: list[http.client.HTTPConnection] = []  # every thread's, for `close`
        self._every_lock = threading.Lock()

    def _connection(self, scheme: str, netloc: str) -> tuple[http.client.HTTPConnection, bool]:
        """This thread's connection to `netloc`, and whether its socket has carried a request before."""
        conns: dict[tuple[str, str], http.client.HTTPConnection] = self._kept.__dict__.setdefault("conns", {})
        conn = conns.get((scheme, netloc))
        if conn is not None:  # closed by `close` meanwhile: it opens a new socket, which is not a kept one
            return conn, conn.sock is not None
        if scheme == "https":
            conn = http.client.HTTPSConnection(netloc, timeout=self.timeout, context=self.ssl)
        else:
            conn = http.client.HTTPConnection(netloc, timeout=self.timeout)
        conns[(scheme, netloc)] = conn
        with self._every_lock:
            self._every.append(conn)
        return conn, False

    def _forget(self, scheme: str, netloc: str) -> None:
        conns: dict[tuple[str, str], http.client.HTTPConnection] = self._kept.__dict__.get("conns", {})
        conn = conns.pop((scheme, netloc), None)
        if conn is not None:
            conn.close()
            with self._every_lock:
                if conn in self._every:
                    self._every.remove(conn)

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        parts = urlsplit(url)
        if self.proxy is not None or parts.scheme not in ("http", "https"):
            return super()._perform_urllib_http_request_internal(url, req)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        body = req.data if isinstance(req.data, bytes) else None
        headers = dict(req.header_items())
        while True:
            conn, reused = self._connection(parts.scheme, parts.netloc)
            try:
                conn.request("POST", path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
            except STALE:
                self._forget(parts.scheme, parts.netloc)
                if reused:
                    continue  # the server had closed the idle connection: once more on a new one
                raise
            except BaseException:
                self._forget(parts.scheme, parts.netloc)  # a timeout or a broken answer: never reuse it
                raise
            if resp.will_close:
                self._forget(parts.scheme, parts.netloc)
            break
        if resp.status >= 400:
            raise HTTPError(url, resp.status, resp.reason, resp.msg, io.BytesIO(data))
        charset = resp.msg.get_content_charset() or "utf-8"
        return {"status": resp.status, "headers": resp.msg, "body": data.decode(charset)}

    def close(self) -> None:
        """Close every thread's kept connections (at shutdown, once no drain sends any more); a thread that sends
        again opens a new one."""
        with self._every_lock:
            every, self._every = self._every, []
        for conn in every:
            conn.close()
