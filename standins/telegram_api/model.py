"""The Telegram stand-in's constants, errors, records and HTTP helpers."""

from __future__ import annotations

import copy
import json
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import unquote

from standins import _http
from standins._http import Reply as _Reply
from standins.telegram_api.spec import MethodSpec

#: A well-formed token (`<bot id>:<35 characters>`); the bot's user id is the part before the colon.
DEFAULT_TOKEN = "7000000001:AAFakeTokenForEstBotTests_012345678"
MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
_TOKEN_RE = re.compile(r"\d+:[A-Za-z0-9_-]{35}")
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
#: Telegram's default `allowed_updates`: everything except these.
_NOT_DEFAULT_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_MESSAGE_UPDATE_KEYS = ("message", "edited_message", "channel_post", "edited_channel_post")
_INLINE_BUTTON_DECOR = frozenset({"text", "icon_custom_emoji_id", "style"})
_CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)
_CONFLICT_POLLING = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as "
    "a current content and reply markup of the message"
)
_QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_STATUS_TEXT = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}

BodyFormat = Literal["json", "form", "multipart", "query"]


# --------------------------------------------------------------------------------------------- errors and records


class ApiError(Exception):
    """A Telegram error answer: `{"ok": false, "error_code": status, "description": …, "parameters": …}`.

    Raise it from a `set_handler` function to answer with an error.
    """

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = dict(self.parameters)
        return body


def _bad(message: str) -> ApiError:
    return ApiError(400, f"Bad Request: {message}")


def _too_many(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})


@dataclass(frozen=True)
class UploadedFile:
    """A multipart file part, as it lands in `Call.params` (e.g. `params["photo"]`)."""

    name: str
    filename: str
    content_type: str
    data: bytes

    def __repr__(self) -> str:
        return f"UploadedFile({self.name!r}, {self.filename!r}, {self.content_type!r}, {len(self.data)} bytes)"


@dataclass(frozen=True)
class Call:
    """One request: `method` is the spec's spelling for known methods. Unpacks as `method, params`."""

    method: str
    params: dict[str, Any]
    status: int  # 0 when the connection was dropped
    response: dict[str, Any] | None
    http_method: str = "POST"
    body_format: BodyFormat = "form"
    injected: Literal["status", "drop", "delay"] | None = None

    @property
    def ok(self) -> bool:
        return self.response is not None and self.response.get("ok") is True

    @property
    def result(self) -> Any:
        return self.response.get("result") if self.response else None

    @property
    def description(self) -> str | None:
        return self.response.get("description") if self.response else None

    def __iter__(self) -> Iterator[Any]:
        return iter((self.method, self.params))


class FakeClock(_http.ManualClock):
    """A hand-moved clock (epoch seconds): `FakeTelegramAPI(clock=clock)`, then `clock.advance(1.0)`."""

    def __init__(self, start: float = 1_780_000_000.0) -> None:
        super().__init__(start)


@dataclass(frozen=True)
class RateLimits:
    """Telegram's broadcast limits (https://core.telegram.org/bots/faq#broadcasting-to-users)."""

    overall_per_second: int = 30
    private_chat_per_second: int = 1
    group_chat_per_minute: int = 20


@dataclass
class _Fault:
    kind: Literal["status", "drop", "delay", "pass"]
    status: int = 0
    description: str = ""
    parameters: dict[str, Any] | None = None
    seconds: float = 0.0
    after_processing: bool = False


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str


@dataclass
class _Request:
    method: MethodSpec | None
    method_name: str
    params: dict[str, Any]
    files: dict[str, UploadedFile] = field(default_factory=dict)
    body_format: BodyFormat = "form"


# --------------------------------------------------------------------------------------------- HTTP plumbing


def _json_reply(status: int, payload: dict[str, Any]) -> _Reply:
    return _Reply(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"))


def _disposition_param(header: str, name: str) -> str | None:
    m = re.search(rf';\s*{name}="((?:[^"\\]|\\.)*)"', header) or re.search(rf";\s*{name}=([^;\s]+)", header)
    return unquote(m.group(1)) if m else None


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    m = re.search(r'boundary="?([^";]+)"?', content_type)
    if m is None:
        raise _bad("multipart body without boundary")
    delimiter = b"--" + m.group(1).encode("latin-1")
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        head, _, content = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        name = _disposition_param(disposition, "name")
        if name is None:
            continue
        filename = _disposition_param(disposition, "filename")
        if filename is None:
            fields[name] = content.decode("utf-8", "replace")
        else:
            ctype = headers.get("content-type", "application/octet-stream")
            files[name] = UploadedFile(name, filename, ctype, content)
    return fields, files


def _image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF, JPEG or WebP image, None when the bytes are no image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return int(w), int(h)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return int(w), int(h)
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                h, w = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(w), int(h)
            (seglen,) = struct.unpack(">H", data[i + 2 : i + 4])
            i += 2 + int(seglen)
        return None
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and len(data) >= 30:
        chunk = data[12:16]
        if chunk == b"VP8X":
            return 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little")
        if chunk == b"VP8 ":
            w, h = struct.unpack("<HH", data[26:30])
            return int(w) & 0x3FFF, int(h) & 0x3FFF
        if chunk == b"VP8L":
            b = data[21:25]
            return 1 + (((b[1] & 0x3F) << 8) | b[0]), 1 + (((b[3] & 0xF) << 10) | (b[2] << 2) | ((b[1] & 0xC0) >> 6))
    return None


class _Handler(_http.FakeRequestHandler):
    server_version = "nginx/1.18.0"  # what api.telegram.org answers with
    sys_version = ""


@dataclass(frozen=True)
class _Described:
    """A result Telegram answers with a `description` next to it (setWebhook, deleteWebhook)."""

    result: Any
    description: str


def _missing(method: str, name: str) -> ApiError:
    if name == "chat_id":
        return _bad("chat_id is empty")
    if name == "text" and method in ("sendMessage", "editMessageText"):
        return _bad("message text is empty")
    return _bad(f'parameter "{name}" is required')


def _check_reply_markup(markup: dict[str, Any]) -> None:
    for row in markup.get("inline_keyboard", []):
        for button in row:
            actions = [k for k in button if k not in _INLINE_BUTTON_DECOR]
            if not actions:
                raise _bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
            if len(actions) > 1:
                raise _bad(f"can't parse inline keyboard button: only one of {', '.join(actions)} may be used")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
                raise _bad("BUTTON_DATA_INVALID")


def _counts_as_message(method_lower: str) -> bool:
    if method_lower.startswith("send"):
        return method_lower != "sendchataction"
    return method_lower in ("forwardmessage", "forwardmessages", "copymessage", "copymessages")


def _scope_key(scope: dict[str, Any] | None) -> str:
    return json.dumps(scope or {"type": "default"}, sort_keys=True)


def _without_reply(message: dict[str, Any]) -> dict[str, Any]:
    """Telegram nests one level: a replied-to message carries no reply_to_message of its own."""
    return {k: copy.deepcopy(v) for k, v in message.items() if k != "reply_to_message"}
