"""The Slack stand-in's constants, records and HTTP helpers."""

from __future__ import annotations

import email.parser
import email.policy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from standins import _http
from standins._http import Reply as _Reply

if TYPE_CHECKING:  # slack_sdk's async client needs aiohttp; the server itself does not
    pass

DEFAULT_BOT_TOKEN = "xoxb-est-test-token"
DEFAULT_APP_TOKEN = "xapp-1-est-test-token"
MAX_TEXT_LENGTH = 40_000
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
#: Pseudo method name for the upload URL step of files_upload_v2 (for `calls`, `fail_next`, `drop_next`).
UPLOAD = "upload"
#: Form fields that carry JSON in Slack's form-encoded calls.
JSON_FIELDS = ("blocks", "attachments", "view", "files", "metadata")
SCOPES = (
    "chat:write,chat:write.public,im:write,im:history,users:read,files:write,reactions:write,commands,channels:read,"
    "groups:read"
)
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
