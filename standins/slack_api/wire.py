"""The HTTP side of the Slack stand-in: routing, parameters, tokens, faults, rate limits, uploads."""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult

from standins import _http
from standins._http import FakeRequestHandler as _Handler
from standins._http import Reply as _Reply

if TYPE_CHECKING:  # slack_sdk's async client needs aiohttp; the server itself does not
    pass

from standins.slack_api.methods import SlackMethods
from standins.slack_api.model import (
    _APP_TOKEN_METHODS,
    _DETAILED_ERRORS,
    JSON_FIELDS,
    SCOPES,
    UPLOAD,
    BodyFormat,
    Call,
    ErrorRecord,
    _ApiError,
    _Bucket,
    _Fault,
    _json_reply,
    _parse_multipart,
    _Request,
)


class SlackServer(SlackMethods):
    """Routes `/api/<method>` and `/upload/v1/<key>`; authenticates, applies faults and limits, records calls."""

    @functools.cached_property
    def _handlers(self) -> dict[str, Callable[[_Request], dict[str, Any]]]:
        return {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.delete": self._chat_delete,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "reactions.add": self._reactions_add,
            "users.info": self._users_info,
            "files.getUploadURLExternal": self._files_get_upload_url_external,
            "files.completeUploadExternal": self._files_complete_upload_external,
            "apps.connections.open": self._apps_connections_open,
        }

    # ------------------------------------------------------------------ HTTP plumbing

    def _route(self, handler: _Handler, url: SplitResult, body: bytes) -> _Reply | None:
        if url.path.startswith("/api/"):
            return self._api(handler, url.path[len("/api/") :], url.query, body)
        if url.path.startswith("/upload/v1/"):
            return self._upload(handler, url.path[len("/upload/v1/") :], body)
        return _Reply(404, b"Not Found", "text/plain; charset=utf-8")

    def _parse_params(
        self, handler: _Handler, query: str, body: bytes
    ) -> tuple[dict[str, Any], BodyFormat, str | None, dict[str, bytes]]:
        """(params, body format, token, uploaded file parts). Raises _ApiError(invalid_json) on a bad JSON body."""
        content_type = handler.headers.get("Content-Type", "")
        try:
            parsed = _http.parse_body(query, content_type, body, multipart=_parse_multipart)
        except _http.BodyError as exc:
            if exc.problem == "object":
                raise _ApiError("invalid_json", "JSON body must be an object") from None
            raise _ApiError("invalid_json", f"body is not valid JSON: {exc.cause}") from exc.cause
        params, body_format, files = parsed.params, parsed.format, parsed.files
        json_body = body_format == "json"
        token: str | None = None
        auth = handler.headers.get("Authorization", "")
        if auth.lower().startswith("bearer "):
            token = auth[len("bearer ") :].strip()
        # Slack takes `token` from a query string or form body, never from a JSON body.
        body_token = params.pop("token", None)
        if token is None and isinstance(body_token, str) and not json_body:
            token = body_token
        for name in JSON_FIELDS:
            value = params.get(name)
            if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
                # An undecodable value stays a string; the method's validation rejects it.
                with contextlib.suppress(json.JSONDecodeError):
                    params[name] = json.loads(value)
        return params, body_format, token, files

    def _api(self, handler: _Handler, method: str, query: str, body: bytes) -> _Reply | None:
        http_method = handler.command
        try:
            params, body_format, token, _files = self._parse_params(handler, query, body)
        except _ApiError as exc:
            with self._lock:
                return self._finish(method, {}, http_method, "json", None, exc)
        with self._lock:
            fault = self._faults.take(method) if method in self._handlers else None
            if fault is not None and fault.kind == "pass":
                fault = None  # a call let through before the faults that follow it
            if fault is not None:
                return self._inject(fault, method, params, http_method, body_format, token)
            handler_fn = self._handlers.get(method)
            try:
                if handler_fn is None:
                    raise _ApiError("unknown_method", f"no such method {method!r}", status=404)
                self._authenticate(method, token)
                if self.enforce_limits and method == "chat.postMessage":
                    self._take_rate_token(self._resolve_channel(params.get("channel")))
                result = handler_fn(_Request(method, params, token))
            except _ApiError as exc:
                return self._finish(method, params, http_method, body_format, token, exc)
            payload = {"ok": True, **result}
            self._calls.append(
                Call(method, copy.deepcopy(params), http_method, body_format, token, 200, copy.deepcopy(payload))
            )
            return _json_reply(200, payload, {"x-oauth-scopes": SCOPES})

    def _finish(
        self,
        method: str,
        params: dict[str, Any],
        http_method: str,
        body_format: BodyFormat,
        token: str | None,
        exc: _ApiError,
    ) -> _Reply:
        payload: dict[str, Any] = {"ok": False, "error": exc.error}
        if exc.error == "unknown_method":
            payload["req_method"] = method
        if exc.detail and exc.error in _DETAILED_ERRORS:  # as Slack does for schema errors
            payload["response_metadata"] = {"messages": [f"[ERROR] {exc.detail}"]}
        self._calls.append(
            Call(method, copy.deepcopy(params), http_method, body_format, token, exc.status, copy.deepcopy(payload))
        )
        self._errors.append(ErrorRecord(method, exc.error, exc.detail, copy.deepcopy(params), exc.status))
        return _json_reply(exc.status, payload, {"x-oauth-scopes": SCOPES, **exc.headers})

    def _inject(
        self,
        fault: _Fault,
        method: str,
        params: dict[str, Any],
        http_method: str,
        body_format: BodyFormat,
        token: str | None,
    ) -> _Reply | None:
        if fault.kind == "drop":
            self._calls.append(Call(method, copy.deepcopy(params), http_method, body_format, token, 0, None, "drop"))
            return None
        error = fault.error or ("ratelimited" if fault.status == 429 else "internal_error")
        payload = {"ok": False, "error": error}
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        self._calls.append(
            Call(method, copy.deepcopy(params), http_method, body_format, token, fault.status, payload, "status")
        )
        if method == UPLOAD:
            return _Reply(fault.status, error.encode(), "text/plain; charset=utf-8", headers)
        return _json_reply(fault.status, payload, headers)

    def _authenticate(self, method: str, token: str | None) -> None:
        if not token:
            raise _ApiError("not_authed", "no token: send Authorization: Bearer <token>")
        if token == self.app_token:
            if method not in _APP_TOKEN_METHODS:
                raise _ApiError("not_allowed_token_type", f"{method} does not accept an app-level token")
            return
        if token != self.bot_token:
            raise _ApiError("invalid_auth", "unknown token")
        if method == "apps.connections.open":
            raise _ApiError("not_allowed_token_type", "apps.connections.open needs the app-level (xapp-) token")

    def _take_rate_token(self, key: str) -> None:
        """Slack's per-channel limit (a bucket of `post_message_burst` at `post_message_rate` a second) and, if
        set, the workspace-wide window; a refused call counts against neither."""
        now = self.clock()
        if self.workspace_window is not None:
            calls, seconds = self.workspace_window
            posts = self._workspace_posts
            while posts and posts[0] <= now - seconds:
                posts.popleft()
            if len(posts) >= calls:
                raise _ApiError(
                    "ratelimited",
                    f"chat.postMessage limited to {calls} in {seconds:g} s workspace-wide",
                    status=429,
                    headers={"Retry-After": str(max(1, math.ceil(posts[0] + seconds - now)))},
                )
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(self.post_message_burst), now)
        bucket.tokens = min(
            float(self.post_message_burst), bucket.tokens + (now - bucket.updated) * self.post_message_rate
        )
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            if self.workspace_window is not None:
                self._workspace_posts.append(now)
            return
        wait = max(1, math.ceil((1.0 - bucket.tokens) / self.post_message_rate))
        raise _ApiError(
            "ratelimited",
            f"chat.postMessage limited to {self.post_message_rate:g}/s per channel in {key}",
            status=429,
            headers={"Retry-After": str(wait)},
        )

    def _upload(self, handler: _Handler, key: str, body: bytes) -> _Reply | None:
        content_type = handler.headers.get("Content-Type", "")
        body_format: BodyFormat = "raw"
        data = body
        if content_type.split(";")[0].strip().lower() == "multipart/form-data":
            body_format = "multipart"
            _fields, files = _parse_multipart(content_type, body)
            data = files.get("file", next(iter(files.values()), b""))
        with self._lock:
            params: dict[str, Any] = {"key": key, "size": len(data)}
            fault = self._faults.take(UPLOAD)
            if fault is not None:
                return self._inject(fault, UPLOAD, params, handler.command, body_format, None)
            file_id = self._uploads.get(key)
            if file_id is None:
                self._calls.append(Call(UPLOAD, params, handler.command, body_format, None, 404, None))
                self._errors.append(ErrorRecord(UPLOAD, "not_found", f"unknown upload key {key!r}", params, 404))
                return _Reply(404, b"Not Found", "text/plain; charset=utf-8")
            self._files[file_id].content = data
            self._calls.append(Call(UPLOAD, params, handler.command, body_format, None, 200, None))
            return _Reply(200, f"OK - {len(data)}".encode(), "text/plain; charset=utf-8")
