"""A local stand-in for the Slack Web API, for driving slack_sdk / slack-bolt clients in tests.

`FakeSlackAPI` is a real HTTP server on 127.0.0.1 (ephemeral port, a `ThreadingHTTPServer` in a thread).
Point a client at it with `AsyncWebClient(token=fake.bot_token, base_url=fake.base_url)` (or `fake.async_client()`).

It speaks the wire format slack_sdk uses:

* `POST /api/<method>` (GET too); arguments from the query string (slack_sdk's `params=` methods such as
  `auth.test`, `chat.delete`, `conversations.open`, `reactions.add`), a form-encoded body, a multipart body, or a
  JSON body (slack_sdk's `json=` methods such as `chat.postMessage`, `chat.update`, `views.*`). JSON-valued form
  fields (`blocks`, `attachments`, `view`, `files`, `metadata`) are decoded, so `Call.params` always holds objects.
* Token from `Authorization: Bearer …`; form/query bodies may also carry `token=` (not JSON bodies, as in Slack).
  Missing → `not_authed`, wrong → `invalid_auth`, app-level token on a bot method (or the other way round) →
  `not_allowed_token_type`.
* Answers are JSON `{"ok": true, …}` / `{"ok": false, "error": "…"}`; an unknown method is HTTP 404 with
  `{"ok": false, "error": "unknown_method", "req_method": …}`; every API answer carries `x-oauth-scopes`.
* `files.getUploadURLExternal` hands out `<root>/upload/v1/<key>` on this same server; the upload takes the raw
  bytes (or a multipart `file` part) and answers `200 text/plain "OK - <size>"`, as files.slack.com does.

Every `blocks` / `view` payload is parsed with `slack_sdk.models` (`Block.parse` / `View`) and validated through
`to_dict()` (which runs `validate_json()` recursively); in strict mode (default) a key the SDK model drops on the way
(a typo such as `"txt"`, an empty `elements`) also fails. Failures answer `invalid_blocks` and land in `fake.errors`.
"""

from __future__ import annotations

import contextlib
import copy
import email.parser
import email.policy
import itertools
import json
import math
import mimetypes
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import SplitResult
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from standins import _http
from standins._http import FakeRequestHandler as _Handler
from standins._http import Reply as _Reply

if TYPE_CHECKING:  # slack_sdk's async client needs aiohttp; the server itself does not
    from slack_sdk.web.async_client import AsyncWebClient

__all__ = [
    "DEFAULT_APP_TOKEN",
    "DEFAULT_BOT_TOKEN",
    "MAX_MESSAGE_BLOCKS",
    "MAX_TEXT_LENGTH",
    "UPLOAD",
    "Call",
    "ErrorRecord",
    "FakeClock",
    "FakeSlackAPI",
    "UploadedFile",
    "validate_blocks",
    "validate_view",
]

DEFAULT_BOT_TOKEN = "xoxb-est-test-token"
DEFAULT_APP_TOKEN = "xapp-1-est-test-token"
MAX_TEXT_LENGTH = 40_000
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
#: Pseudo method name for the upload URL step of files_upload_v2 (for `calls`, `fail_next`, `drop_next`).
UPLOAD = "upload"
#: Form fields that carry JSON in Slack's form-encoded calls.
JSON_FIELDS = ("blocks", "attachments", "view", "files", "metadata")
SCOPES = "chat:write,chat:write.public,im:write,im:history,users:read,files:write,reactions:write,commands"
_TS_BASE_MICROS = 1_700_000_000_000_000
_APP_TOKEN_METHODS = frozenset({"apps.connections.open", "auth.test"})
_DETAILED_ERRORS = frozenset({"invalid_blocks", "invalid_arguments", "invalid_json"})

BodyFormat = Literal["json", "form", "multipart", "query", "raw"]


@dataclass(frozen=True)
class Call:
    """One request the fake received (API methods and the upload URL alike)."""

    method: str
    params: dict[str, Any]
    http_method: str
    body_format: BodyFormat
    token: str | None
    status: int
    response: dict[str, Any] | None
    injected: Literal["status", "drop"] | None = None

    @property
    def ok(self) -> bool:
        return self.response is not None and self.response.get("ok") is True


@dataclass(frozen=True)
class ErrorRecord:
    """An `ok: false` answer the fake produced on its own (injected faults are not recorded here)."""

    method: str
    error: str
    detail: str
    params: dict[str, Any]
    status: int


@dataclass
class UploadedFile:
    id: str
    filename: str
    length: int
    upload_key: str
    alt_txt: str | None = None
    snippet_type: str | None = None
    content: bytes | None = None
    title: str | None = None
    completed: bool = False
    channels: list[str] = field(default_factory=list)
    initial_comment: str | None = None
    thread_ts: str | None = None


class FakeClock(_http.ManualClock):
    """A manual monotonic clock for the rate limiter: `FakeSlackAPI(clock=clock)`, then `clock.advance(1.0)`."""

    def __init__(self, start: float = 0.0) -> None:
        super().__init__(start)


class _ApiError(Exception):
    def __init__(self, error: str, detail: str = "", *, status: int = 200, headers: Mapping[str, str] | None = None):
        super().__init__(error)
        self.error = error
        self.detail = detail
        self.status = status
        self.headers = dict(headers or {})


@dataclass
class _Fault:
    kind: Literal["status", "drop", "pass"]
    status: int = 0
    retry_after: int | None = None
    error: str | None = None


@dataclass
class _Bucket:
    tokens: float
    updated: float


@dataclass(frozen=True)
class _Request:
    method: str
    params: dict[str, Any]
    token: str | None


# --------------------------------------------------------------------------------------------- validation


def _lost_keys(given: Any, parsed: Any, path: str) -> list[str]:
    """Paths in `given` that did not survive the SDK model round trip unchanged."""
    if isinstance(given, dict):
        if not isinstance(parsed, dict):
            return [f"{path or '/'} is not an object"]
        lost: list[str] = []
        for key, value in given.items():
            if key not in parsed:
                lost.append(f"{path}/{key} is not a known or allowed field")
            else:
                lost.extend(_lost_keys(value, parsed[key], f"{path}/{key}"))
        return lost
    if isinstance(given, list):
        if not isinstance(parsed, list) or len(parsed) != len(given):
            return [f"{path} was not accepted as given"]
        return [p for i, (g, q) in enumerate(zip(given, parsed, strict=True)) for p in _lost_keys(g, q, f"{path}/{i}")]
    if given != parsed:
        return [f"{path} must be an object, not {given!r}" if isinstance(parsed, dict) else f"{path} was changed"]
    return []


def validate_blocks(blocks: Any, *, max_blocks: int = MAX_MESSAGE_BLOCKS, strict: bool = True, where: str = "") -> str:
    """Parse `blocks` with slack_sdk's models; return "" if valid, else a description of the first problem."""
    if not isinstance(blocks, list):
        return f"{where}/blocks must be an array of blocks"
    if len(blocks) > max_blocks:
        return f"{where}/blocks must have at most {max_blocks} items, got {len(blocks)}"
    block_ids: set[str] = set()
    for i, raw in enumerate(blocks):
        here = f"{where}/blocks/{i}"
        if not isinstance(raw, dict):
            return f"{here} must be an object"
        try:
            block = Block.parse(raw)
            if block is None:
                return f"{here} has unknown block type {raw.get('type')!r}"
            block.validate_json()
            parsed = block.to_dict()  # runs validate_json() on every nested element too
        except Exception as exc:  # SlackObjectFormationError, TypeError (missing/unknown args), ValueError …
            return f"{here}: {type(exc).__name__}: {exc}"
        if strict:
            lost = _lost_keys(raw, parsed, here)
            if lost:
                return lost[0]
        if (
            raw.get("type") == "header"
            and isinstance(raw.get("text"), dict)
            and raw["text"].get("type") != "plain_text"
        ):
            return f"{here}/text must be a plain_text object in a header block"
        block_id = raw.get("block_id")
        if isinstance(block_id, str):
            if block_id in block_ids:
                return f"{here}/block_id {block_id!r} is used more than once"
            block_ids.add(block_id)
    return ""


def validate_view(view: Any, *, types: tuple[str, ...] = ("modal", "home"), strict: bool = True) -> str:
    """Parse a view with slack_sdk's `View`; return "" if valid, else a description of the first problem."""
    if not isinstance(view, dict):
        return "/view must be an object"
    if view.get("type") not in types:
        return f"/view/type must be one of {', '.join(types)}, got {view.get('type')!r}"
    problem = validate_blocks(view.get("blocks"), max_blocks=MAX_VIEW_BLOCKS, strict=strict, where="/view")
    if problem:
        return problem
    if view["type"] == "modal" and not isinstance(view.get("title"), dict):
        return "/view/title is required for a modal and must be a plain_text object"
    try:
        model = View(**view)
        model.validate_json()
        parsed = model.to_dict()
    except Exception as exc:
        return f"/view: {type(exc).__name__}: {exc}"
    if strict:
        lost = _lost_keys({k: v for k, v in view.items() if k != "blocks"}, parsed, "/view")
        if lost:
            return lost[0]
    return ""


# --------------------------------------------------------------------------------------------- helpers


def _format_ts(micros: int) -> str:
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


def _ts_key(ts: str) -> tuple[int, int]:
    seconds, _, fraction = ts.partition(".")
    return int(seconds), int(fraction or 0)


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes"}
    return bool(value)


def _json_reply(status: int, payload: dict[str, Any], headers: Mapping[str, str] | None = None) -> _Reply:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return _Reply(status, body, "application/json; charset=utf-8", dict(headers or {}))


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, bytes]]:
    parser = email.parser.BytesParser(policy=email.policy.HTTP)
    message = parser.parsebytes(b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
    fields: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for part in message.walk():
        if part.is_multipart():
            continue
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if part.get_filename() is not None:
            files[name] = data
        else:
            fields[name] = data.decode(part.get_content_charset() or "utf-8")
    return fields, files


# --------------------------------------------------------------------------------------------- the fake


class FakeSlackAPI(_http.ThreadedHTTPFake):
    """A stand-in Slack Web API server. Use as a context manager (or `start()` / `stop()`)."""

    _thread_name = "fake-slack-api"

    def __init__(
        self,
        *,
        bot_token: str = DEFAULT_BOT_TOKEN,
        app_token: str = DEFAULT_APP_TOKEN,
        enforce_limits: bool = False,
        clock: Callable[[], float] = time.monotonic,
        post_message_rate: float = 1.0,
        post_message_burst: int = 3,
        strict_blocks: bool = True,
        team_id: str = "T0EST0001",
        team: str = "EST Test",
        bot_user_id: str = "U0ESTBOT1",
        bot_name: str = "est-bot",
        bot_id: str = "B0ESTBOT1",
        app_id: str = "A0ESTAPP1",
    ) -> None:
        super().__init__()
        self.bot_token = bot_token
        self.app_token = app_token
        self.enforce_limits = enforce_limits
        self.clock = clock
        self.post_message_rate = post_message_rate
        self.post_message_burst = post_message_burst
        self.strict_blocks = strict_blocks
        self.team_id = team_id
        self.team = team
        self.bot_user_id = bot_user_id
        self.bot_name = bot_name
        self.bot_id = bot_id
        self.app_id = app_id
        # where apps.connections.open points Socket Mode clients (e.g. `FakeSocketMode.url`); None: this server
        self.socket_mode_url: str | None = None

        self._lock = threading.RLock()
        self._ts_counter = itertools.count(1)
        self._id_counter = itertools.count(1)
        self._calls: list[Call] = []
        self._errors: list[ErrorRecord] = []
        self._faults: _http.FaultQueue[_Fault] = _http.FaultQueue()
        self._buckets: dict[str, _Bucket] = {}
        self._messages: dict[str, dict[str, dict[str, Any]]] = {}
        self._ephemerals: list[dict[str, Any]] = []
        self._dms: dict[str, str] = {}
        self._mpims: dict[tuple[str, ...], str] = {}
        self._users: dict[str, dict[str, Any]] = {}
        self._views: dict[str, dict[str, Any]] = {}
        self._home_views: dict[str, str] = {}
        self._used_triggers: set[str] = set()
        self._files: dict[str, UploadedFile] = {}
        self._uploads: dict[str, str] = {}  # upload key -> file id
        self._handlers: dict[str, Callable[[_Request], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.delete": self._chat_delete,
            "conversations.open": self._conversations_open,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "reactions.add": self._reactions_add,
            "users.info": self._users_info,
            "files.getUploadURLExternal": self._files_get_upload_url_external,
            "files.completeUploadExternal": self._files_complete_upload_external,
            "apps.connections.open": self._apps_connections_open,
        }

    # ------------------------------------------------------------------ lifecycle

    # start(), stop(), the context manager, `port` and `root_url` come from _http.ThreadedHTTPFake.

    @property
    def base_url(self) -> str:
        """For `AsyncWebClient(base_url=...)`; ends in `/api/`."""
        return f"{self.root_url}/api/"

    def async_client(self, **kwargs: Any) -> AsyncWebClient:
        """An `AsyncWebClient` on this server with the bot token (override anything via kwargs)."""
        from slack_sdk.web.async_client import AsyncWebClient

        kwargs.setdefault("token", self.bot_token)
        kwargs.setdefault("base_url", self.base_url)
        return AsyncWebClient(**kwargs)

    # ------------------------------------------------------------------ test-side setup and fault injection

    def add_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        real_name: str | None = None,
        tz: str = "Europe/Stockholm",
        locale: str = "sv-SE",
        email: str | None = None,
        is_bot: bool = False,
        deleted: bool = False,
    ) -> dict[str, Any]:
        """Register a user for `users.info` (unknown users answer `user_not_found`)."""
        name = name or user_id.lower()
        real_name = real_name or name
        now = datetime.now(UTC).astimezone(ZoneInfo(tz))
        offset = now.utcoffset()
        profile: dict[str, Any] = {
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": name,
            "display_name_normalized": name,
            "team": self.team_id,
        }
        if email is not None:
            profile["email"] = email
        user = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "deleted": deleted,
            "real_name": real_name,
            "tz": tz,
            "tz_label": now.tzname() or tz,
            "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
            "is_admin": False,
            "is_owner": False,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": 1_700_000_000,
            "profile": profile,
            "locale": locale,
        }
        with self._lock:
            self._users[user_id] = user
        return copy.deepcopy(user)

    def fail_next(
        self,
        method: str,
        status: int = 429,
        *,
        retry_after: int | None = None,
        error: str | None = None,
        times: int = 1,
        after: int = 0,
    ) -> None:
        """Answer the next `times` calls of `method` ("*" = any method, `UPLOAD` = the upload URL) with `status`;
        with `after`, the first `after` calls are answered normally before that.

        429 → `{"ok": false, "error": "ratelimited"}` plus `Retry-After` (default 2 s); 5xx → `internal_error`;
        200 needs `error=` and gives an API-level failure such as `channel_not_found`. `retry_after` adds a
        `Retry-After` header to any status.
        """
        self._check_fault_method(method)
        if status == 200 and not error:
            raise ValueError("fail_next(status=200) needs an error code, e.g. error='channel_not_found'")
        if status == 429 and retry_after is None:
            retry_after = 2
        with self._lock:
            if after:
                self._faults.add(method, lambda: _Fault("pass"), after)
            self._faults.add(method, lambda: _Fault("status", status, retry_after, error), times)

    def drop_next(self, method: str, *, times: int = 1) -> None:
        """Close the connection without answering the next `times` calls of `method` ("*" = any method)."""
        self._check_fault_method(method)
        with self._lock:
            self._faults.add(method, lambda: _Fault("drop"), times)

    def _check_fault_method(self, method: str) -> None:
        if method not in self._handlers and method not in {"*", UPLOAD}:
            raise ValueError(f"FakeSlackAPI does not implement {method!r}")

    # ------------------------------------------------------------------ inspection (all return copies)

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if c.method == method]

    @property
    def errors(self) -> list[ErrorRecord]:
        with self._lock:
            return list(self._errors)

    def assert_no_errors(self) -> None:
        errors = self.errors
        if errors:
            lines = "\n".join(f"  {e.method}: {e.error} {e.detail}".rstrip() for e in errors)
            raise AssertionError(f"the fake Slack API answered {len(errors)} error(s):\n{lines}")

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Current messages in `channel` (after updates and deletes), oldest first. A user id means their DM."""
        with self._lock:
            channel = self._dms.get(channel, channel)
            stored = self._messages.get(channel, {})
            return [copy.deepcopy(stored[ts]) for ts in sorted(stored, key=_ts_key)]

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        with self._lock:
            found = self._messages.get(self._dms.get(channel, channel), {}).get(ts)
            return copy.deepcopy(found) if found is not None else None

    def ephemerals(self, channel: str | None = None, user: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [
                copy.deepcopy(e)
                for e in self._ephemerals
                if (channel is None or e["channel"] == channel) and (user is None or e["user"] == user)
            ]

    def view(self, view_id: str) -> dict[str, Any] | None:
        with self._lock:
            found = self._views.get(view_id)
            return copy.deepcopy(found) if found is not None else None

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        with self._lock:
            view_id = self._home_views.get(user_id)
            return copy.deepcopy(self._views[view_id]) if view_id is not None else None

    def files(self) -> list[UploadedFile]:
        with self._lock:
            return [copy.deepcopy(f) for f in self._files.values()]

    def dm_channel(self, user_id: str) -> str:
        """The D… id `conversations.open(users=user_id)` returns (created on first use)."""
        with self._lock:
            if user_id not in self._dms:
                self._dms[user_id] = self._new_id("D")
            return self._dms[user_id]

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
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(self.post_message_burst), now)
        bucket.tokens = min(
            float(self.post_message_burst), bucket.tokens + (now - bucket.updated) * self.post_message_rate
        )
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
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

    # ------------------------------------------------------------------ state helpers

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._id_counter):08d}"

    def _next_ts(self) -> str:
        return _format_ts(_TS_BASE_MICROS + next(self._ts_counter) * 100)

    def _resolve_channel(self, channel: Any) -> str:
        if not isinstance(channel, str) or not channel.strip():
            raise _ApiError("channel_not_found", "channel is required")
        channel = channel.strip()
        if channel[0] in "UW":  # posting to a user id goes to the app's DM with them
            return self.dm_channel(channel)
        return channel

    def _find_message(self, channel: str, ts: Any) -> dict[str, Any]:
        if not isinstance(ts, str) or not ts:
            raise _ApiError("message_not_found", "ts is required")
        message = self._messages.get(channel, {}).get(ts)
        if message is None:
            raise _ApiError("message_not_found", f"no message {ts} in {channel}")
        return message

    @staticmethod
    def _required(params: dict[str, Any], name: str) -> str:
        value = params.get(name)
        if not isinstance(value, str) or not value:
            raise _ApiError("invalid_arguments", f"missing required field: {name}")
        return value

    def _check_content(self, params: dict[str, Any], *, need_content: bool) -> None:
        text = params.get("text")
        if text is not None and not isinstance(text, str):
            raise _ApiError("invalid_arguments", "text must be a string")
        if need_content and not text and not params.get("blocks") and not params.get("attachments"):
            raise _ApiError("no_text", "text, blocks or attachments is required")
        if isinstance(text, str) and len(text) > MAX_TEXT_LENGTH:
            raise _ApiError("msg_too_long", f"text is {len(text)} characters; the limit is {MAX_TEXT_LENGTH}")
        if "blocks" in params and params["blocks"] not in (None, ""):
            problem = validate_blocks(params["blocks"], strict=self.strict_blocks)
            if problem:
                raise _ApiError("invalid_blocks", problem)

    def _bot_message(self, ts: str, params: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "ts": ts,
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
            "text": params.get("text") or "",
        }
        for name in ("blocks", "attachments", "metadata", "thread_ts"):
            if params.get(name):
                message[name] = params[name]
        return message

    # ------------------------------------------------------------------ methods

    def _auth_test(self, req: _Request) -> dict[str, Any]:
        return {
            "url": f"https://{self.team.lower().replace(' ', '-')}.slack.com/",
            "team": self.team,
            "user": self.bot_name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, req: _Request) -> dict[str, Any]:
        channel = self._resolve_channel(req.params.get("channel"))
        self._check_content(req.params, need_content=True)
        ts = self._next_ts()
        message = self._bot_message(ts, req.params)
        thread_ts = message.get("thread_ts")
        if isinstance(thread_ts, str):
            parent = self._messages.get(channel, {}).get(thread_ts)
            if parent is not None:
                parent["reply_count"] = parent.get("reply_count", 0) + 1
                parent["thread_ts"] = thread_ts
                parent["latest_reply"] = ts
        self._messages.setdefault(channel, {})[ts] = message
        return {"channel": channel, "ts": ts, "message": copy.deepcopy(message)}

    def _chat_update(self, req: _Request) -> dict[str, Any]:
        channel = self._resolve_channel(req.params.get("channel"))
        message = self._find_message(channel, req.params.get("ts"))
        self._check_content(req.params, need_content=False)
        for name in ("text", "blocks", "attachments", "metadata"):
            if name in req.params and req.params[name] is not None:
                if name == "text" or req.params[name] not in ("", []):
                    message[name] = req.params[name]
                else:  # an empty value removes blocks / attachments / metadata
                    message.pop(name, None)
        message["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        return {"channel": channel, "ts": message["ts"], "text": message["text"], "message": copy.deepcopy(message)}

    def _chat_post_ephemeral(self, req: _Request) -> dict[str, Any]:
        channel = self._resolve_channel(req.params.get("channel"))
        user = self._required(req.params, "user")
        self._check_content(req.params, need_content=True)
        ts = self._next_ts()
        entry = self._bot_message(ts, req.params)
        entry.update(channel=channel, user=user)
        self._ephemerals.append(entry)
        return {"message_ts": ts}

    def _chat_delete(self, req: _Request) -> dict[str, Any]:
        channel = self._resolve_channel(req.params.get("channel"))
        message = self._find_message(channel, req.params.get("ts"))
        del self._messages[channel][message["ts"]]
        return {"channel": channel, "ts": message["ts"]}

    def _conversations_open(self, req: _Request) -> dict[str, Any]:
        channel = req.params.get("channel")
        if isinstance(channel, str) and channel:
            return {"no_op": True, "already_open": True, "channel": {"id": channel}}
        raw = req.params.get("users")
        users = raw if isinstance(raw, list) else str(raw or "").split(",")
        users = [u.strip() for u in users if isinstance(u, str) and u.strip()]
        if not users:
            raise _ApiError("users_list_not_supplied", "users or channel is required")
        if len(users) > 8:
            raise _ApiError("too_many_users", "at most 8 users")
        for user in users:
            if user[0] not in "UW":
                raise _ApiError("user_not_found", f"{user!r} is not a user id")
        if len(users) == 1:
            already = users[0] in self._dms
            channel_id = self.dm_channel(users[0])
        else:
            key = tuple(sorted(set(users)))
            already = key in self._mpims
            if not already:
                self._mpims[key] = self._new_id("G")
            channel_id = self._mpims[key]
        result: dict[str, Any] = {"channel": {"id": channel_id}}
        if already:
            result.update(no_op=True, already_open=True)
        if _truthy(req.params.get("return_im")):
            result["channel"].update(
                created=1_700_000_000, is_im=len(users) == 1, is_mpim=len(users) > 1, user=users[0], is_open=True
            )
        return result

    def _stored_view(self, view: dict[str, Any], view_id: str, previous: dict[str, Any] | None) -> dict[str, Any]:
        stored = {k: v for k, v in view.items() if k not in {"id", "hash", "state"}}
        stored.update(
            id=view_id,
            team_id=self.team_id,
            app_id=self.app_id,
            bot_id=self.bot_id,
            hash=self._next_ts(),
            state={"values": {}},
            root_view_id=(previous or {}).get("root_view_id", view_id),
            previous_view_id=None,
        )
        stored.setdefault("private_metadata", "")
        stored.setdefault("callback_id", "")
        stored.setdefault("external_id", "")
        self._views[view_id] = stored
        return {"view": copy.deepcopy(stored)}

    def _checked_view(self, req: _Request, types: tuple[str, ...]) -> dict[str, Any]:
        view = req.params.get("view")
        if view is None:
            raise _ApiError("invalid_arguments", "missing required field: view")
        problem = validate_view(view, types=types, strict=self.strict_blocks)
        if problem:
            raise _ApiError("invalid_blocks", problem)
        assert isinstance(view, dict)
        return view

    def _views_open(self, req: _Request) -> dict[str, Any]:
        trigger = req.params.get("trigger_id") or req.params.get("interactivity_pointer")
        if not isinstance(trigger, str) or not trigger:
            raise _ApiError("invalid_arguments", "missing required field: trigger_id")
        view = self._checked_view(req, ("modal",))
        if trigger in self._used_triggers:
            raise _ApiError("trigger_exchanged", f"trigger_id {trigger} was already used")
        self._used_triggers.add(trigger)
        return self._stored_view(view, self._new_id("V"), None)

    def _views_update(self, req: _Request) -> dict[str, Any]:
        view_id = req.params.get("view_id")
        external_id = req.params.get("external_id")
        current: dict[str, Any] | None = None
        if isinstance(view_id, str) and view_id:
            current = self._views.get(view_id)
        elif isinstance(external_id, str) and external_id:
            current = next((v for v in self._views.values() if v.get("external_id") == external_id), None)
        else:
            raise _ApiError("invalid_arguments", "view_id or external_id is required")
        if current is None:
            raise _ApiError("not_found", f"no view {view_id or external_id}")
        view = self._checked_view(req, (current["type"],))
        expected = req.params.get("hash")
        if expected and expected != current["hash"]:
            raise _ApiError("hash_conflict", "the view was updated since hash was read")
        return self._stored_view(view, current["id"], current)

    def _views_publish(self, req: _Request) -> dict[str, Any]:
        user_id = self._required(req.params, "user_id")
        view = self._checked_view(req, ("home",))
        current_id = self._home_views.get(user_id)
        current = self._views.get(current_id) if current_id else None
        expected = req.params.get("hash")
        if current is not None and expected and expected != current["hash"]:
            raise _ApiError("hash_conflict", "the home tab was updated since hash was read")
        view_id = current_id or self._new_id("V")
        self._home_views[user_id] = view_id
        return self._stored_view(view, view_id, current)

    def _reactions_add(self, req: _Request) -> dict[str, Any]:
        channel = self._resolve_channel(req.params.get("channel"))
        name = str(req.params.get("name") or "").strip(":")
        if not name:
            raise _ApiError("invalid_name", "name is required")
        message = self._find_message(channel, req.params.get("timestamp"))
        reactions: list[dict[str, Any]] = message.setdefault("reactions", [])
        for reaction in reactions:
            if reaction["name"] == name:
                if self.bot_user_id in reaction["users"]:
                    raise _ApiError("already_reacted", f":{name}: is already on {message['ts']}")
                reaction["users"].append(self.bot_user_id)
                reaction["count"] += 1
                return {}
        reactions.append({"name": name, "users": [self.bot_user_id], "count": 1})
        return {}

    def _users_info(self, req: _Request) -> dict[str, Any]:
        user_id = req.params.get("user")
        user = self._users.get(user_id) if isinstance(user_id, str) else None
        if user is None:
            raise _ApiError("user_not_found", f"no user {user_id!r} (register it with fake.add_user)")
        result = copy.deepcopy(user)
        if not _truthy(req.params.get("include_locale")):
            result.pop("locale", None)
        return {"user": result}

    def _files_get_upload_url_external(self, req: _Request) -> dict[str, Any]:
        filename = self._required(req.params, "filename")
        try:
            length = int(req.params.get("length", ""))
        except (TypeError, ValueError):
            raise _ApiError("invalid_arguments", "length must be an integer") from None
        if length <= 0:
            raise _ApiError("invalid_arguments", "length must be positive")
        file_id = self._new_id("F")
        key = secrets.token_urlsafe(12)
        self._files[file_id] = UploadedFile(
            id=file_id,
            filename=filename,
            length=length,
            upload_key=key,
            alt_txt=req.params.get("alt_txt"),
            snippet_type=req.params.get("snippet_type"),
        )
        self._uploads[key] = file_id
        return {"upload_url": f"{self.root_url}/upload/v1/{key}", "file_id": file_id}

    def _file_object(self, f: UploadedFile) -> dict[str, Any]:
        mimetype = mimetypes.guess_type(f.filename)[0] or "application/octet-stream"
        url = f"{self.root_url}/files-pri/{self.team_id}-{f.id}/{f.filename}"
        return {
            "id": f.id,
            "created": 1_700_000_000,
            "timestamp": 1_700_000_000,
            "name": f.filename,
            "title": f.title or f.filename,
            "mimetype": mimetype,
            "filetype": f.filename.rsplit(".", 1)[-1].lower() if "." in f.filename else "binary",
            "user": self.bot_user_id,
            "size": len(f.content or b""),
            "url_private": url,
            "permalink": f"https://{self.team_id.lower()}.slack.com/files/{self.bot_user_id}/{f.id}/{f.filename}",
            "alt_txt": f.alt_txt,
        }

    def _files_complete_upload_external(self, req: _Request) -> dict[str, Any]:
        entries = req.params.get("files")
        if not isinstance(entries, list) or not entries:
            raise _ApiError("invalid_arguments", "files must be a non-empty JSON array of {id, title}")
        uploaded: list[UploadedFile] = []
        for entry in entries:
            file_id = entry.get("id") if isinstance(entry, dict) else None
            f = self._files.get(file_id) if isinstance(file_id, str) else None
            if f is None or f.content is None:
                raise _ApiError("file_not_found", f"file {file_id!r} was not uploaded")
            if f.completed:
                raise _ApiError("file_not_found", f"file {file_id!r} was already completed")
            uploaded.append(f)
        channels: list[str] = []
        channel_id = req.params.get("channel_id")
        if isinstance(channel_id, str) and channel_id:
            channels.append(self._resolve_channel(channel_id))
        for c in str(req.params.get("channels") or "").split(","):
            if c.strip() and self._resolve_channel(c) not in channels:
                channels.append(self._resolve_channel(c))
        comment = req.params.get("initial_comment")
        thread_ts = req.params.get("thread_ts")
        if isinstance(comment, str) and len(comment) > MAX_TEXT_LENGTH:
            raise _ApiError("msg_too_long", "initial_comment is too long")
        for f, entry in zip(uploaded, entries, strict=True):
            f.title = entry.get("title") or f.filename
            f.completed = True
            f.channels = channels
            f.initial_comment = comment if isinstance(comment, str) else None
            f.thread_ts = thread_ts if isinstance(thread_ts, str) else None
        objects = [self._file_object(f) for f in uploaded]
        for channel in channels:  # Slack shares the files as a message from the bot
            ts = self._next_ts()
            message = self._bot_message(ts, {"text": comment or "", "thread_ts": thread_ts})
            message.update(subtype="file_share", upload=True, files=copy.deepcopy(objects))
            self._messages.setdefault(channel, {})[ts] = message
        return {"files": objects}

    def _apps_connections_open(self, req: _Request) -> dict[str, Any]:
        ticket = secrets.token_hex(8)
        base = self.socket_mode_url or f"ws://127.0.0.1:{self.port}/link/"
        return {"url": f"{base}{'&' if '?' in base else '?'}ticket={ticket}&app_id={self.app_id}"}
