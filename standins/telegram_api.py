"""A local stand-in for the Telegram Bot API, for driving python-telegram-bot (PTB) in tests.

`FakeTelegramAPI` is a real HTTP server on 127.0.0.1 (ephemeral port, a `ThreadingHTTPServer` in a thread), so the
real `telegram.Bot` / `Application` talk to it through their own HTTP stack:

    with FakeTelegramAPI() as fake:
        app = Application.builder().token(fake.token).base_url(fake.base_url).base_file_url(fake.base_file_url).build()

Why a server and not a mocked `Bot`: the Telegram edge must survive what the real API does on the wire (form and
multipart encoding, 400s with Telegram's own wording, 429 with `retry_after`, dropped connections, long polling), and
only the real SDK speaking real HTTP shows that.

What it checks, from the machine-readable spec (`telegram-bot-api.json`, see `find_spec_path`):

* `POST`/`GET /bot<token>/<method>` with a query string, a form, a multipart or a JSON body; method names are
  case-insensitive as in Telegram. Unknown method → 404 `Not Found`; a well-formed wrong token → 401
  `Unauthorized`, a malformed one → 404 (as Telegram; PTB raises `InvalidToken` for both).
* Every parameter against the method's fields: a missing required one → 400 (`chat_id is empty`,
  `message text is empty`, otherwise `parameter "x" is required`), an unknown one → 400 `unknown parameter "x"`
  (stricter than Telegram, which ignores it, so typos fail loudly); values are decoded by their spec type and
  nested objects (reply markup, entities, scopes, …) are checked field by field, unknown nested fields too.
* Limits Telegram enforces: text 1-4096 characters after entity parsing (`message is too long`), captions 1024,
  `callback_data` 1-64 bytes (`BUTTON_DATA_INVALID`), one action field per inline button, `parse_mode="HTML"`
  parsed like Telegram (unsupported tags, unclosed tags → `can't parse entities: …`), leading and trailing
  whitespace trimmed. Markdown parse modes are accepted but not parsed (the text is kept as sent, no entities).
* State: message ids increase per chat (shared by the bot's and the users' messages), edits of unknown messages →
  `message to edit not found`, identical edits → `message is not modified: …`, deleted messages are gone, callback
  queries can be answered once, files uploaded with sendPhoto/sendDocument can be fetched with getFile and
  downloaded from `base_file_url`.

Implemented methods: getMe, sendMessage, sendPhoto, sendDocument, sendChatAction, editMessageText,
editMessageCaption, editMessageReplyMarkup, deleteMessage, answerCallbackQuery, setMyCommands, getMyCommands,
deleteMyCommands, getUpdates, setWebhook, deleteWebhook, getWebhookInfo, getFile. Any other method of the spec is
validated and then answered 501 unless a test registers a result with `fake.set_handler(method, fn)`.

Updates: `fake.push_update(update)` queues an update (validated against the spec's `Update` type) for getUpdates
(long polling honours `offset`, `limit`, `timeout`, `allowed_updates`; a wait is capped by `max_poll_wait`) or, when
a webhook is set, POSTs it there with `X-Telegram-Bot-Api-Secret-Token`. `message_update`, `command_update`,
`callback_update` and `location_update` build real update shapes.

Faults: `fail_next` (429 with `parameters.retry_after`, 5xx, any 4xx), `drop_next` (close the connection without an
answer, before or after doing the work), `delay_next`, `block_chat` (403 for a chat). With `enforce_limits=True` the
broadcast limits are enforced (30 messages/s overall, 1/s per private chat, 20/min per group) on an injectable
clock. Every request is recorded in `fake.calls`.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import functools
import html
import itertools
import json
import math
import os
import re
import socket
import struct
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import SplitResult, unquote, urlsplit

from standins import _http
from standins._http import Reply as _Reply

__all__ = [
    "DEFAULT_TOKEN",
    "MAX_CALLBACK_DATA_BYTES",
    "MAX_CAPTION_LENGTH",
    "MAX_TEXT_LENGTH",
    "ApiError",
    "ApiSpec",
    "Call",
    "FakeClock",
    "FakeTelegramAPI",
    "RateLimits",
    "UploadedFile",
    "find_spec_path",
    "load_spec",
    "parse_html",
]

#: A well-formed token (`<bot id>:<35 characters>`); the bot's user id is the part before the colon.
DEFAULT_TOKEN = "7000000001:AAFakeTokenForEstBotTests_012345678"
MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
SPEC_ENV = "EST_TELEGRAM_API_SPEC"
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


# --------------------------------------------------------------------------------------------- spec


@dataclass(frozen=True)
class FieldSpec:
    name: str
    types: tuple[str, ...]
    required: bool
    description: str


@dataclass(frozen=True)
class MethodSpec:
    name: str
    fields: dict[str, FieldSpec]
    returns: tuple[str, ...]


@dataclass(frozen=True)
class TypeSpec:
    name: str
    fields: dict[str, FieldSpec]
    subtypes: tuple[str, ...]


@dataclass(frozen=True)
class ApiSpec:
    """The Bot API as data: methods (looked up case-insensitively) and types."""

    version: str
    methods: dict[str, MethodSpec]  # lower-case name -> spec
    types: dict[str, TypeSpec]

    def method(self, name: str) -> MethodSpec | None:
        return self.methods.get(name.lower())

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ApiSpec:
        def fields(raw: dict[str, Any]) -> dict[str, FieldSpec]:
            return {
                f["name"]: FieldSpec(f["name"], tuple(f["types"]), bool(f["required"]), f.get("description", ""))
                for f in raw.get("fields", [])
            }

        methods = {
            name.lower(): MethodSpec(name, fields(m), tuple(m.get("returns", [])))
            for name, m in data["methods"].items()
        }
        types = {name: TypeSpec(name, fields(t), tuple(t.get("subtypes", []))) for name, t in data["types"].items()}
        return cls(str(data.get("version", "")), methods, types)


def find_spec_path() -> Path:
    """`$EST_TELEGRAM_API_SPEC`, a copy next to this module, or the workspace's `shared/specs/` (first found)."""
    here = Path(__file__).resolve()
    candidates = [
        Path(os.environ[SPEC_ENV]) if os.environ.get(SPEC_ENV) else None,
        here.with_name("telegram-bot-api.json"),
        here.parents[2] / "shared" / "specs" / "telegram-bot-api.json",
    ]
    for path in candidates:
        if path is not None and path.is_file():
            return path
    raise FileNotFoundError(
        f"telegram-bot-api.json not found; set {SPEC_ENV} or copy it to {candidates[1]} "
        f"(looked in: {', '.join(str(c) for c in candidates if c)})"
    )


@functools.lru_cache(maxsize=4)
def load_spec(path: Path | None = None) -> ApiSpec:
    with (path or find_spec_path()).open(encoding="utf-8") as fh:
        return ApiSpec.from_json(json.load(fh))


class _Invalid(Exception):
    def __init__(self, message: str, path: str) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


class _Validator:
    """Checks decoded JSON values against spec type expressions ("Integer", "Array of BotCommand", …)."""

    def __init__(self, spec: ApiSpec) -> None:
        self.spec = spec

    def check_any(self, types: tuple[str, ...], value: Any, path: str) -> None:
        errors: list[_Invalid] = []
        for expr in types:
            try:
                self.check(expr, value, path)
                return
            except _Invalid as exc:
                errors.append(exc)
        raise max(errors, key=lambda e: len(e.path))  # the alternative that matched deepest explains best

    def check(self, expr: str, value: Any, path: str) -> None:
        if expr.startswith("Array of "):
            if not isinstance(value, list):
                raise _Invalid(f"{path} must be an array ({expr}), got {_json_type(value)}", path)
            for i, item in enumerate(value):
                self.check(expr[len("Array of ") :], item, f"{path}[{i}]")
            return
        primitive = _PRIMITIVES.get(expr)
        if primitive is not None:
            if not primitive(value):
                raise _Invalid(f"{path} must be {expr}, got {_json_type(value)}", path)
            return
        spec = self.spec.types.get(expr)
        if spec is None:
            raise _Invalid(f"{path}: unknown type {expr}", path)
        if spec.subtypes and not spec.fields:
            self.check_any(spec.subtypes, value, path)
            return
        if not isinstance(value, dict):
            raise _Invalid(f"{path} must be a {expr} object, got {_json_type(value)}", path)
        for key in value:
            if key not in spec.fields:
                raise _Invalid(f'unknown field "{key}" in {expr} at {path}', f"{path}.{key}")
        for name, f in spec.fields.items():
            if name in value:
                self.check_any(f.types, value[name], f"{path}.{name}")
            elif f.required:
                raise _Invalid(f'missing required field "{name}" in {expr} at {path}', f"{path}.{name}")


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


_PRIMITIVES: dict[str, Callable[[Any], bool]] = {
    "Integer": _is_int,
    "Float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "Boolean": lambda v: isinstance(v, bool),
    "True": lambda v: v is True,
    "String": lambda v: isinstance(v, str),
    "InputFile": lambda v: isinstance(v, str),  # inside JSON: an attach://name reference
}


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null" if value is None else type(value).__name__


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


# --------------------------------------------------------------------------------------------- HTML parse mode

_HTML_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
    "tg-time": "date_time",
}
_HTML_CHAR_REF = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_TAG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_ATTR_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _decode_char_refs(text: str) -> str:
    return _HTML_CHAR_REF.sub(lambda m: html.unescape(m.group(0)), text)


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's HTML parse mode: (plain text, entities with UTF-16 offsets). Raises ApiError like Telegram.

    Only `&lt; &gt; &amp; &quot;` and numeric character references are decoded (others stay literal); every `<`
    must start a supported tag.
    """
    out: list[str] = []
    pos16 = 0
    stack: list[tuple[str, int, dict[str, str]]] = []
    entities: list[dict[str, Any]] = []
    i, n = 0, len(source)

    def fail(message: str) -> ApiError:
        return _bad(f"can't parse entities: {message}")

    def offset_of(index: int) -> int:
        return len(source[:index].encode("utf-8"))

    while i < n:
        ch = source[i]
        if ch == "&":
            m = _HTML_CHAR_REF.match(source, i)
            text = html.unescape(m.group(0)) if m else "&"
            i = m.end() if m else i + 1
            out.append(text)
            pos16 += _utf16_len(text)
            continue
        if ch != "<":
            j = i
            while j < n and source[j] not in "<&":
                j += 1
            out.append(source[i:j])
            pos16 += _utf16_len(source[i:j])
            i = j
            continue
        start = i
        if source.startswith("</", i):
            end = source.find(">", i)
            if end == -1:
                raise fail(f"Unclosed end tag at byte offset {offset_of(start)}")
            name = source[i + 2 : end].strip().lower()
            if not stack:
                raise fail(f"Unexpected end tag at byte offset {offset_of(start)}")
            open_name, begin16, open_attrs = stack.pop()
            if name != open_name:
                raise fail(
                    f'Unmatched end tag at byte offset {offset_of(start)}, expected "</{open_name}>", found "</{name}>"'
                )
            entity = _html_entity(open_name, begin16, pos16 - begin16, open_attrs, stack)
            if entity is not None:
                entities.append(entity)
            i = end + 1
            continue
        m = _TAG_NAME.match(source, i + 1)
        name = m.group(0).lower() if m else ""
        if name not in _HTML_ENTITY_TYPES:
            raise fail(f'Unsupported start tag "{name}" at byte offset {offset_of(start)}')
        j = m.end() if m else i + 1
        attrs: dict[str, str] = {}
        while True:
            while j < n and source[j].isspace():
                j += 1
            if j >= n:
                raise fail(f"Unclosed start tag at byte offset {offset_of(start)}")
            if source[j] == ">":
                j += 1
                break
            am = _ATTR_NAME.match(source, j)
            if am is None:
                raise fail(f'Empty attribute name in the tag "{name}" at byte offset {offset_of(start)}')
            attr = am.group(0).lower()
            j = am.end()
            while j < n and source[j].isspace():
                j += 1
            value = ""
            if j < n and source[j] == "=":
                j += 1
                while j < n and source[j].isspace():
                    j += 1
                if j < n and source[j] in "\"'":
                    close = source.find(source[j], j + 1)
                    if close == -1:
                        raise fail(f"Unclosed start tag at byte offset {offset_of(start)}")
                    value = _decode_char_refs(source[j + 1 : close])
                    j = close + 1
                else:
                    k = j
                    while k < n and not source[k].isspace() and source[k] != ">":
                        k += 1
                    value = _decode_char_refs(source[j:k])
                    j = k
            attrs[attr] = value
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise fail(f'Tag "span" must have class "tg-spoiler" at byte offset {offset_of(start)}')
        if name == "tg-emoji" and not attrs.get("emoji-id"):
            raise fail(f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {offset_of(start)}')
        if name == "tg-time" and not attrs.get("unix", "").isdigit():
            raise fail(f'Tag "tg-time" must have attribute "unix" at byte offset {offset_of(start)}')
        stack.append((name, pos16, attrs))
        i = j
    if stack:
        raise fail(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _html_entity(
    name: str, offset: int, length: int, attrs: dict[str, str], outer: list[tuple[str, int, dict[str, str]]]
) -> dict[str, Any] | None:
    if name == "code" and outer and outer[-1][0] == "pre" and attrs.get("class", "").startswith("language-"):
        outer[-1][2]["language"] = attrs["class"][len("language-") :]  # <pre><code class="language-x">: one pre
        return None
    if length == 0:
        return None
    entity: dict[str, Any] = {"offset": offset, "length": length, "type": _HTML_ENTITY_TYPES[name]}
    if name == "a":
        if not attrs.get("href"):
            return None
        entity["url"] = attrs["href"]
    elif name == "pre" and attrs.get("language"):
        entity["language"] = attrs["language"]
    elif name == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif name == "tg-emoji":
        entity["custom_emoji_id"] = attrs["emoji-id"]
    elif name == "tg-time":
        entity["unix_time"] = int(attrs["unix"])
        if attrs.get("format"):
            entity["date_time_format"] = attrs["format"]
    return entity


def _strip_text(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Telegram trims leading and trailing whitespace from text and captions; entities follow."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead16 = _utf16_len(text[: len(text) - len(text.lstrip())])
    total16 = _utf16_len(stripped)
    kept: list[dict[str, Any]] = []
    for e in entities:
        begin = max(0, e["offset"] - lead16)
        end = min(total16, e["offset"] + e["length"] - lead16)
        if end > begin:
            kept.append({**e, "offset": begin, "length": end - begin})
    return stripped, kept


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


# --------------------------------------------------------------------------------------------- the fake


class FakeTelegramAPI(_http.ThreadedHTTPFake):
    """A stand-in Bot API server. Use as a context manager (or `start()` / `stop()`), or the `fake_telegram_api`
    fixture in tests/conftest.py. All public methods are thread-safe and return copies."""

    _thread_name = "fake-telegram-api"
    _handler_class = _Handler
    _request_queue_size = 128  # the default 5 makes a burst of concurrent sends wait a second for SYN retries

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "est_test_bot",
        bot_first_name: str = "EST",
        enforce_limits: bool = False,
        limits: RateLimits = RateLimits(),
        clock: Callable[[], float] = time.time,
        max_poll_wait: float = 2.0,
        webhook_retry_delay: float = 0.2,
        spec: ApiSpec | None = None,
    ) -> None:
        """`clock` (epoch seconds) stamps message dates and drives the rate limiter; long polling waits in real
        time, at most `max_poll_wait` seconds whatever `timeout` the client asks for."""
        if not _TOKEN_RE.fullmatch(token):
            raise ValueError(f"not a well-formed bot token: {token!r}")
        super().__init__()
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.enforce_limits = enforce_limits
        self.limits = limits
        self.clock = clock
        self.max_poll_wait = max_poll_wait
        self.webhook_retry_delay = webhook_retry_delay
        self.spec = spec or load_spec()
        self._validator = _Validator(self.spec)

        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._local = threading.local()  # the connection of the request a handler thread serves
        self._closed = threading.Event()
        self._calls: list[Call] = []
        self._faults: _http.FaultQueue[_Fault] = _http.FaultQueue()
        self._handlers: dict[str, Callable[[dict[str, Any]], Any]] = {}
        # chats, users, messages
        self._users: dict[int, dict[str, Any]] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._blocked: dict[int, str] = {}
        self._next_message_id: dict[int, int] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._sent: list[dict[str, Any]] = []
        self._open_callbacks: set[str] = set()
        self._callback_answers: dict[str, dict[str, Any]] = {}
        self._callback_ids = itertools.count(1)
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        # files
        self._files: dict[str, _StoredFile] = {}
        self._file_paths: dict[str, _StoredFile] = {}
        self._file_counter = itertools.count(1)
        # updates
        self._updates: list[dict[str, Any]] = []
        self._last_update_id = 100_000_000
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0
        self._webhook: dict[str, Any] | None = None
        self._webhook_retry_at = 0.0
        self._webhook_error: tuple[int, str] | None = None
        self._webhook_deliveries: list[dict[str, Any]] = []
        # rate limits
        self._hits: dict[object, deque[float]] = {}
        self._impl: dict[str, Callable[[dict[str, Any]], Any]] = {
            "getme": self._get_me,
            "sendmessage": self._send_message,
            "sendphoto": self._send_photo,
            "senddocument": self._send_document,
            "sendchataction": self._send_chat_action,
            "editmessagetext": self._edit_message_text,
            "editmessagecaption": self._edit_message_caption,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "getupdates": self._get_updates,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "getfile": self._get_file,
        }

    # ------------------------------------------------------------------ lifecycle and addresses

    # start(), stop(), the context manager, `port` and `root_url` come from _http.ThreadedHTTPFake.

    def _on_start(self) -> list[threading.Thread]:
        self._closed.clear()
        return [threading.Thread(target=self._webhook_loop, name="fake-telegram-webhook", daemon=True)]

    def _on_stop(self) -> None:
        with self._lock:
            self._closed.set()
            self._cond.notify_all()  # wakes long polls and the webhook sender

    @property
    def base_url(self) -> str:
        """For `Bot(base_url=...)` / `ApplicationBuilder.base_url(...)`: PTB appends the token and `/method`."""
        return f"{self.root_url}/bot"

    @property
    def base_file_url(self) -> str:
        """For `Bot(base_file_url=...)` / `ApplicationBuilder.base_file_url(...)`: file downloads."""
        return f"{self.root_url}/file/bot"

    def method_url(self, method: str, token: str | None = None) -> str:
        """The URL of one method, for raw HTTP tests."""
        return f"{self.base_url}{self.token if token is None else token}/{method}"

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot as `from` of its messages."""
        return {"id": self.bot_id, "is_bot": True, "first_name": self.bot_first_name, "username": self.bot_username}

    # ------------------------------------------------------------------ test-side setup

    def add_user(
        self,
        user_id: int,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        """Register how a user looks in updates (otherwise `first_name` is `User <id>`)."""
        if user_id <= 0:
            raise ValueError("user ids are positive")
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name or f"User {user_id}"}
        for key, value in (("last_name", last_name), ("username", username), ("language_code", language_code)):
            if value is not None:
                user[key] = value
        with self._lock:
            self._users[user_id] = user
        return copy.deepcopy(user)

    def add_chat(
        self,
        chat_id: int,
        *,
        type: Literal["private", "group", "supergroup", "channel"] | None = None,
        title: str | None = None,
        username: str | None = None,
    ) -> dict[str, Any]:
        """Register a chat (otherwise: positive id → private, `-100…` → supergroup, other negative → group).
        A `username` makes `chat_id="@username"` resolve to it."""
        with self._lock:
            chat = self._chat_object(chat_id)
            if type is not None:
                chat["type"] = type
            if chat["type"] != "private":
                chat["title"] = title or chat.get("title") or f"Chat {chat_id}"
                chat.pop("first_name", None)
            if username is not None:
                chat["username"] = username
            self._chats[chat_id] = chat
            return copy.deepcopy(chat)

    def block_chat(self, chat_id: int, description: str = "Forbidden: bot was blocked by the user") -> None:
        """Answer 403 with `description` to everything the bot does in `chat_id` until `unblock_chat`."""
        with self._lock:
            self._blocked[chat_id] = description

    def unblock_chat(self, chat_id: int) -> None:
        with self._lock:
            self._blocked.pop(chat_id, None)

    def set_handler(self, method: str, fn: Callable[[dict[str, Any]], Any]) -> None:
        """Answer `method` with `fn(params)` (validated, decoded params) instead of the built-in behaviour or 501.
        `fn` may raise `ApiError`. It runs under the fake's lock."""
        spec = self._known(method)
        with self._lock:
            self._handlers[spec.name.lower()] = fn

    # ------------------------------------------------------------------ fault injection

    def fail_next(
        self,
        method: str,
        status: int = 429,
        *,
        retry_after: int | None = None,
        description: str | None = None,
        times: int = 1,
        after: int = 0,
    ) -> None:
        """Answer the next `times` calls of `method` ("*" = any) with an error, without doing the work; with
        `after`, the first `after` calls are answered normally before that.

        429 → `Too Many Requests: retry after N` with `parameters.retry_after` (default 3); 5xx → e.g. `Internal
        Server Error`; 403 → `Forbidden: bot was blocked by the user`; give `description` for anything else.
        """
        if status == 429 and retry_after is None:
            retry_after = 3
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            elif status in _STATUS_TEXT:
                description = _STATUS_TEXT[status]
            else:
                raise ValueError(f"fail_next(status={status}) needs a description")
        parameters = {"retry_after": retry_after} if retry_after is not None else None
        if after:
            self._add_faults(method, after, lambda: _Fault("pass"))
        self._add_faults(method, times, lambda: _Fault("status", status, description, parameters))

    def drop_next(self, method: str, *, after_processing: bool = False, times: int = 1) -> None:
        """Close the connection without answering the next `times` calls of `method` ("*" = any). With
        `after_processing=True` the call takes effect first (a message is sent), only the answer is lost."""
        self._add_faults(method, times, lambda: _Fault("drop", after_processing=after_processing))

    def delay_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Hold the next `times` answers of `method` for `seconds` (to provoke client timeouts)."""
        self._add_faults(method, times, lambda: _Fault("delay", seconds=seconds))

    def _add_faults(self, method: str, times: int, make: Callable[[], _Fault]) -> None:
        key = "*" if method == "*" else self._known(method).name.lower()
        with self._lock:
            self._faults.add(key, make, times)

    def _known(self, method: str) -> MethodSpec:
        spec = self.spec.method(method)
        if spec is None:
            raise ValueError(f"{method!r} is not a Bot API method")
        return spec

    # ------------------------------------------------------------------ inspection (all return copies)

    @property
    def calls(self) -> list[Call]:
        """Every request in order, failed, injected and dropped ones included."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if c.method.lower() == method.lower()]

    @property
    def errors(self) -> list[Call]:
        """Calls the fake itself refused (status >= 400, not injected)."""
        with self._lock:
            return [c for c in self._calls if c.status >= 400 and c.injected != "status"]

    def assert_no_errors(self) -> None:
        errors = self.errors
        if errors:
            lines = "\n".join(f"  {c.method}: {c.status} {c.description}" for c in errors)
            raise AssertionError(f"the fake Telegram API refused {len(errors)} call(s):\n{lines}")

    def clear_calls(self) -> None:
        with self._lock:
            self._calls.clear()

    def sent_to(self, chat_id: int | str) -> list[dict[str, Any]]:
        """Messages the bot sent to `chat_id`, as answered at the time (edits and deletes do not change them)."""
        with self._lock:
            cid = self._resolve_chat(chat_id)
            return [copy.deepcopy(m) for m in self._sent if m["chat"]["id"] == cid]

    def texts_to(self, chat_id: int | str) -> list[str]:
        """`text` (or `caption`) of each message sent to `chat_id`."""
        return [m.get("text", m.get("caption", "")) for m in self.sent_to(chat_id)]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """The current state of a message (after edits), None once deleted or never sent."""
        with self._lock:
            msg = self._messages.get((chat_id, message_id))
            return copy.deepcopy(msg) if msg is not None else None

    def commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._commands.get((_scope_key(scope), language_code), []))

    def file_bytes(self, file_id: str) -> bytes:
        with self._lock:
            return self._files[file_id].data

    @property
    def callback_answers(self) -> dict[str, dict[str, Any]]:
        """answerCallbackQuery params by callback query id."""
        with self._lock:
            return copy.deepcopy(self._callback_answers)

    @property
    def webhook_deliveries(self) -> list[dict[str, Any]]:
        """Updates the webhook accepted (2xx), in order."""
        with self._lock:
            return copy.deepcopy(self._webhook_deliveries)

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Queued updates not yet confirmed by a getUpdates `offset` (nor delivered to a webhook)."""
        with self._lock:
            return copy.deepcopy(self._updates)

    def wait_for_calls(
        self,
        method: str,
        count: int = 1,
        *,
        where: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,
    ) -> list[Call]:
        """Block until `count` calls of `method` (matching `where`) arrived; for code running in another thread.
        From a coroutine on the loop that runs the bot use `await wait_for_calls_async(...)`."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = self._matching(method, where)
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(self._timeout_message(method, count, found))
                self._cond.wait(remaining)

    async def wait_for_calls_async(
        self,
        method: str,
        count: int = 1,
        *,
        where: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,
    ) -> list[Call]:
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                found = self._matching(method, where)
            if len(found) >= count:
                return found
            if time.monotonic() >= deadline:
                raise TimeoutError(self._timeout_message(method, count, found))
            await asyncio.sleep(0.005)

    def _matching(self, method: str, where: Callable[[Call], bool] | None) -> list[Call]:
        return [c for c in self._calls if c.method.lower() == method.lower() and (where is None or where(c))]

    def _timeout_message(self, method: str, count: int, found: list[Call]) -> str:
        seen = ", ".join(f"{c.method}:{c.status}" for c in self._calls[-20:]) or "nothing"
        return f"waited for {count} {method} call(s), got {len(found)}; last calls: {seen}"

    # ------------------------------------------------------------------ updates

    def push_update(self, update: dict[str, Any], *, validate: bool = True) -> dict[str, Any]:
        """Queue an update for getUpdates / the webhook and return it with its `update_id`.

        Without `update_id` the next one is assigned; a given one must be larger than every earlier one. The update
        is checked against the spec's `Update` type (turn off with `validate=False` for deliberately odd payloads).
        Messages in it become known to the fake (so the bot can reply to them), callback query ids answerable.
        """
        upd = copy.deepcopy(update)
        with self._lock:
            if "update_id" in upd:
                if not _is_int(upd["update_id"]) or upd["update_id"] <= self._last_update_id:
                    raise ValueError(f"update_id must be an integer above {self._last_update_id}")
            else:
                upd = {"update_id": self._last_update_id + 1, **upd}
            if validate:
                self.validate("Update", upd, "update")
                kinds = [k for k in upd if k != "update_id"]
                if len(kinds) != 1:
                    raise ValueError(f"an update carries exactly one object, got {kinds}")
            self._last_update_id = upd["update_id"]
            for key in _MESSAGE_UPDATE_KEYS:
                if isinstance(upd.get(key), dict):
                    self._remember_incoming(upd[key])
            query = upd.get("callback_query")
            if isinstance(query, dict) and isinstance(query.get("id"), str):
                self._open_callbacks.add(query["id"])
            self._updates.append(upd)
            self._cond.notify_all()
            return copy.deepcopy(upd)

    def validate(self, type_expr: str, value: Any, path: str = "value") -> None:
        """Check `value` against a spec type ("Message", "Array of BotCommand", …); ValueError naming the field."""
        try:
            self._validator.check(type_expr, value, path)
        except _Invalid as exc:
            raise ValueError(exc.message) from None

    def message_update(
        self,
        user_id: int,
        chat_id: int,
        text: str,
        *,
        entities: list[dict[str, Any]] | None = None,
        reply_to_message_id: int | None = None,
    ) -> dict[str, Any]:
        """An update with a text message from `user_id` in `chat_id` (= `user_id` for a private chat)."""
        message = self._incoming(user_id, chat_id, reply_to_message_id)
        message["text"] = text
        if entities:
            message["entities"] = entities
        return {"message": message}

    def command_update(
        self, user_id: int, chat_id: int, command: str, args: str = "", *, mention: bool = False
    ) -> dict[str, Any]:
        """`/command args` with its `bot_command` entity; `mention=True` writes `/command@bot_username`."""
        head = "/" + command.lstrip("/") + (f"@{self.bot_username}" if mention else "")
        text = f"{head} {args}" if args else head
        entity = {"offset": 0, "length": _utf16_len(head), "type": "bot_command"}
        return self.message_update(user_id, chat_id, text, entities=[entity])

    def location_update(
        self,
        user_id: int,
        chat_id: int,
        latitude: float,
        longitude: float,
        *,
        horizontal_accuracy: float | None = None,
        live_period: int | None = None,
    ) -> dict[str, Any]:
        """A shared location (the attachment menu's "Location"); `live_period` makes it a live location."""
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if horizontal_accuracy is not None:
            location["horizontal_accuracy"] = horizontal_accuracy
        if live_period is not None:
            location["live_period"] = live_period
        message = self._incoming(user_id, chat_id, None)
        message["location"] = location
        return {"message": message}

    def callback_update(
        self, user_id: int, chat_id: int, message_id: int, data: str, *, check: bool = True
    ) -> dict[str, Any]:
        """`user_id` pressing the inline button with `data` under the bot's message `message_id` in `chat_id`.

        With `check` the message must exist, be the bot's, and carry a button with that `callback_data`, so a test
        cannot press a button the bot never showed.
        """
        if chat_id > 0 and chat_id != user_id:
            raise ValueError(f"only user {chat_id} can press buttons in private chat {chat_id}, not {user_id}")
        with self._lock:
            msg = self._messages.get((chat_id, message_id))
            if check:
                if msg is None:
                    raise ValueError(f"no message {message_id} in chat {chat_id}")
                buttons = [
                    b.get("callback_data")
                    for row in msg.get("reply_markup", {}).get("inline_keyboard", [])
                    for b in row
                ]
                if data not in buttons:
                    raise ValueError(f"message {message_id} in chat {chat_id} has no button {data!r}: {buttons}")
            message: dict[str, Any]
            if msg is None:
                message = {"chat": self._chat_object(chat_id), "message_id": message_id, "date": 0}  # inaccessible
            else:
                message = copy.deepcopy(msg)
            query_id = f"{self.bot_id}{next(self._callback_ids):012d}"
            return {
                "callback_query": {
                    "id": query_id,
                    "from": self._user_object(user_id),
                    "message": message,
                    "chat_instance": str((chat_id * 2654435761) % (1 << 62)),
                    "data": data,
                }
            }

    def _incoming(self, user_id: int, chat_id: int, reply_to: int | None) -> dict[str, Any]:
        if chat_id > 0 and chat_id != user_id:
            raise ValueError(f"private chat {chat_id} can only hold messages from user {chat_id}, not {user_id}")
        with self._lock:
            message: dict[str, Any] = {
                "message_id": self._take_message_id(chat_id),
                "from": self._user_object(user_id),
                "chat": self._chat_object(chat_id),
                "date": int(self.clock()),
            }
            if reply_to is not None:
                target = self._messages.get((chat_id, reply_to))
                if target is None:
                    raise ValueError(f"no message {reply_to} in chat {chat_id} to reply to")
                message["reply_to_message"] = _without_reply(target)
            return message

    def _remember_incoming(self, message: dict[str, Any]) -> None:
        chat_id, message_id = message.get("chat", {}).get("id"), message.get("message_id")
        if isinstance(chat_id, int) and isinstance(message_id, int):
            self._messages[(chat_id, message_id)] = copy.deepcopy(message)
            self._next_message_id[chat_id] = max(self._next_message_id.get(chat_id, 1), message_id + 1)

    # ------------------------------------------------------------------ HTTP entry

    def _route(self, handler: _http.FakeRequestHandler, url: SplitResult, body: bytes) -> _Reply | None:
        self._local.connection = handler.connection
        if url.path.startswith("/file/bot"):
            return self._download(url.path[len("/file/bot") :])
        m = re.fullmatch(r"/bot([^/]*)/([^/]*)", url.path)
        if m is None:
            return _json_reply(404, ApiError(404, "Not Found").payload())
        return self._api(handler, unquote(m.group(1)), m.group(2), url.query, body)

    def _send(self, handler: _http.FakeRequestHandler, reply: _Reply) -> None:
        with contextlib.suppress(OSError):  # the client gave up (a cancelled long poll)
            super()._send(handler, reply)

    def _download(self, rest: str) -> _Reply:
        token, _, file_path = unquote(rest).partition("/")  # PTB percent-encodes the path, the token's ":" too
        with self._lock:
            stored = self._file_paths.get(file_path) if token == self.token else None
            if stored is None:
                return _json_reply(404, ApiError(404, "Not Found").payload())
            return _Reply(200, stored.data, "application/octet-stream")

    def _api(self, handler: _http.FakeRequestHandler, token: str, name: str, query: str, body: bytes) -> _Reply | None:
        http_method = handler.command
        spec = self.spec.method(name)
        method_name = spec.name if spec else name
        error: ApiError | None = None
        try:
            request = self._parse_request(handler, spec, method_name, query, body)
        except ApiError as exc:
            request, error = _Request(spec, method_name, {}), exc
        if token != self.token:
            error = ApiError(401, "Unauthorized") if _TOKEN_RE.fullmatch(token) else ApiError(404, "Not Found")
        elif spec is None:
            error = ApiError(404, "Not Found")
        if error is not None:
            return self._record(request, http_method, error.status, error.payload())

        with self._lock:
            fault = self._faults.take(method_name.lower())
            if fault is not None and fault.kind == "pass":
                fault = None  # a call let through before the faults that follow it
        if fault is not None and fault.kind == "delay":
            self._closed.wait(fault.seconds)
        with self._lock:
            try:
                request.params = self._decode(request)
                decode_error: ApiError | None = None
            except ApiError as exc:
                decode_error = exc
            if fault is not None and fault.kind == "status":
                error = ApiError(fault.status, fault.description, fault.parameters)
                return self._record(request, http_method, error.status, error.payload(), "status")
            if fault is not None and fault.kind == "drop" and not fault.after_processing:
                self._record(request, http_method, 0, None, "drop")
                return None
            injected: Literal["status", "drop", "delay"] | None = None
            if fault is not None and fault.kind != "pass":
                injected = fault.kind
            try:
                if decode_error is not None:
                    raise decode_error
                result = self._perform(method_name, request.params)
            except ApiError as exc:
                if injected == "drop":
                    self._record(request, http_method, 0, None, "drop")
                    return None
                return self._record(request, http_method, exc.status, exc.payload(), injected)
            payload: dict[str, Any] = {"ok": True, "result": result}
            if isinstance(result, _Described):
                payload = {"ok": True, "result": result.result, "description": result.description}
            if injected == "drop":
                self._record(request, http_method, 0, None, "drop")
                return None
            return self._record(request, http_method, 200, payload, injected)

    def _record(
        self,
        request: _Request,
        http_method: str,
        status: int,
        payload: dict[str, Any] | None,
        injected: Literal["status", "drop", "delay"] | None = None,
    ) -> _Reply:
        with self._lock:
            call = Call(
                request.method_name,
                copy.deepcopy(request.params),
                status,
                copy.deepcopy(payload),
                http_method,
                request.body_format,
                injected,
            )
            self._calls.append(call)
            self._cond.notify_all()
        return _json_reply(status, payload or {})

    def _parse_request(
        self, handler: _http.FakeRequestHandler, spec: MethodSpec | None, method_name: str, query: str, body: bytes
    ) -> _Request:
        content_type = handler.headers.get("Content-Type", "")
        try:
            parsed = _http.parse_body(query, content_type, body, multipart=_parse_multipart, strict_form=True)
        except _http.BodyError as exc:
            if exc.problem == "object":
                raise _bad("JSON body must be an object") from None
            if exc.problem == "utf-8":
                raise _bad("request body is not UTF-8") from exc.cause
            raise _bad(f"can't parse JSON body: {exc.cause}") from exc.cause
        return _Request(spec, method_name, parsed.params, parsed.files, parsed.format)

    # ------------------------------------------------------------------ parameters

    def _decode(self, request: _Request) -> dict[str, Any]:
        """Decode form strings by their spec types, check required/unknown fields and nested objects."""
        spec = request.method
        assert spec is not None
        raw, files = request.params, request.files
        from_form = request.body_format != "json"
        attached = {
            m.group(1) for v in raw.values() if isinstance(v, str) for m in re.finditer(r"attach://([\w-]+)", v)
        }
        for name in [*raw, *files]:
            if name not in spec.fields and not (name in files and name in attached):
                raise _bad(f'unknown parameter "{name}" for method {spec.name}')
        params: dict[str, Any] = {}
        for name, f in spec.fields.items():
            if name in files and "InputFile" in f.types:
                params[name] = files[name]
                continue
            value = raw.get(name)
            empty_means_missing = from_form and value == "" and (spec.name, name) != ("setWebhook", "url")
            if value is None or empty_means_missing:
                if f.required:
                    raise _missing(spec.name, name)
                continue
            params[name] = self._decode_value(f, value, from_form, files)
        markup = params.get("reply_markup")
        if isinstance(markup, dict):
            _check_reply_markup(markup)
        return params

    def _decode_value(self, f: FieldSpec, value: Any, from_form: bool, files: dict[str, UploadedFile]) -> Any:
        errors: list[_Invalid] = []
        for expr in sorted(f.types, key=lambda t: t == "String"):  # "Integer or String": an integer when it is one
            try:
                return self._coerce(expr, value, from_form, f.name, files)
            except _Invalid as exc:
                errors.append(exc)
        best = max(errors, key=lambda e: len(e.path))
        raise _bad(f"can't parse {f.name}: {best.message}")

    def _coerce(self, expr: str, value: Any, from_form: bool, name: str, files: dict[str, UploadedFile]) -> Any:
        if isinstance(value, str) and expr != "String":
            text = value.strip()
            if expr == "Integer":
                if re.fullmatch(r"-?\d+", text):
                    return int(text)
                raise _Invalid(f"{name} must be Integer, got {value!r}", name)
            if expr == "Float":
                try:
                    return float(text)
                except ValueError:
                    raise _Invalid(f"{name} must be Float, got {value!r}", name) from None
            if expr in ("Boolean", "True"):
                if text.lower() in ("true", "1") or (expr == "Boolean" and text.lower() in ("false", "0")):
                    return text.lower() in ("true", "1")
                raise _Invalid(f"{name} must be {expr}, got {value!r}", name)
            if expr == "InputFile":
                ref = text.removeprefix("attach://")
                if text.startswith("attach://") and ref in files:
                    return files[ref]
                raise _Invalid(f"{name} must be an uploaded file", name)
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                raise _Invalid(f"{name} is not valid JSON", name) from None
        self._validator.check(expr, value, name)
        return value

    # ------------------------------------------------------------------ dispatch

    def _perform(self, method_name: str, params: dict[str, Any]) -> Any:
        key = method_name.lower()
        blocked = self._blocked_description(params)
        if blocked is not None:
            raise ApiError(403, blocked)
        custom = self._handlers.get(key)
        if custom is not None:
            return custom(copy.deepcopy(params))
        impl = self._impl.get(key)
        if impl is None:
            raise ApiError(501, f"Not Implemented: the fake Telegram API has no {method_name}; use fake.set_handler")
        limited = self.enforce_limits and _counts_as_message(key) and not params.get("allow_paid_broadcast")
        keys = self._limit_keys(params) if limited else []
        now = self.clock()
        if keys:
            retry = self._retry_after(keys, now)
            if retry is not None:
                raise _too_many(retry)
        result = impl(params)
        for k, _limit, _window in keys:
            self._hits.setdefault(k, deque()).append(now)
        return result

    def _blocked_description(self, params: dict[str, Any]) -> str | None:
        chat_id = params.get("chat_id")
        return self._blocked.get(chat_id) if isinstance(chat_id, int) else None

    def _limit_keys(self, params: dict[str, Any]) -> list[tuple[object, int, float]]:
        keys: list[tuple[object, int, float]] = [("*", self.limits.overall_per_second, 1.0)]
        chat_id = self._resolve_chat(params.get("chat_id", 0))
        if chat_id > 0:
            keys.append((chat_id, self.limits.private_chat_per_second, 1.0))
        elif chat_id < 0:
            keys.append((chat_id, self.limits.group_chat_per_minute, 60.0))
        return keys

    def _retry_after(self, keys: list[tuple[object, int, float]], now: float) -> int | None:
        wait = 0.0
        for key, limit, window in keys:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - window:
                hits.popleft()
            if len(hits) >= limit:
                wait = max(wait, hits[len(hits) - limit] + window - now)
        return max(1, math.ceil(wait)) if wait > 0 else None

    # ------------------------------------------------------------------ chats and messages

    def _resolve_chat(self, chat_id: Any) -> int:
        if _is_int(chat_id):
            return int(chat_id)
        if isinstance(chat_id, str):
            if re.fullmatch(r"-?\d+", chat_id):
                return int(chat_id)
            name = chat_id.removeprefix("@").lower()
            for cid, chat in self._chats.items():
                if str(chat.get("username", "")).lower() == name:
                    return cid
        raise _bad("chat not found")

    def _user_object(self, user_id: int) -> dict[str, Any]:
        user = self._users.get(user_id)
        return copy.deepcopy(user) if user else {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}

    def _chat_object(self, chat_id: int) -> dict[str, Any]:
        chat = self._chats.get(chat_id)
        if chat is not None:
            return copy.deepcopy(chat)
        if chat_id > 0:
            user = self._user_object(chat_id)
            private: dict[str, Any] = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
            for key in ("last_name", "username"):
                if key in user:
                    private[key] = user[key]
            return private
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return {"id": chat_id, "type": kind, "title": f"Chat {chat_id}"}

    def _take_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def _target_chat(self, params: dict[str, Any]) -> int:
        return self._resolve_chat(params["chat_id"])

    def _new_message(self, params: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._target_chat(params)
        message: dict[str, Any] = {
            "message_id": 0,
            "from": self.bot_user,
            "chat": self._chat_object(chat_id),
            "date": int(self.clock()),
        }
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            reply_chat = self._resolve_chat(reply.get("chat_id", chat_id))
            target = self._messages.get((reply_chat, reply["message_id"]))
            if target is not None:
                message["reply_to_message"] = _without_reply(target)
            elif not reply.get("allow_sending_without_reply"):
                raise _bad("message to be replied not found")
        message.update(content)
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup and markup["inline_keyboard"]:
            message["reply_markup"] = {"inline_keyboard": copy.deepcopy(markup["inline_keyboard"])}
        message["message_id"] = self._take_message_id(chat_id)
        self._messages[(chat_id, message["message_id"])] = message
        self._sent.append(copy.deepcopy(message))
        return copy.deepcopy(message)

    def _formatted(
        self,
        text: str,
        parse_mode: Any,
        entities: Any,
        *,
        limit: int,
        too_long: str,
        empty: str | None,
    ) -> tuple[str, list[dict[str, Any]]]:
        if entities:
            parsed, found = text, list(entities)
        elif parse_mode in (None, ""):
            parsed, found = text, []
        elif str(parse_mode).lower() == "html":
            parsed, found = parse_html(text)
        elif str(parse_mode).lower() in ("markdown", "markdownv2"):
            parsed, found = text, []  # not parsed by the fake
        else:
            raise _bad(f"unsupported parse_mode {parse_mode!r}")
        parsed, found = _strip_text(parsed, found)
        if not parsed and empty is not None:
            raise _bad(empty)
        if len(parsed) > limit:
            raise _bad(too_long)
        return parsed, found

    def _text_content(self, params: dict[str, Any]) -> dict[str, Any]:
        text, entities = self._formatted(
            params.get("text", ""),
            params.get("parse_mode"),
            params.get("entities"),
            limit=MAX_TEXT_LENGTH,
            too_long="message is too long",
            empty="message text is empty",
        )
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        return content

    def _caption_content(self, params: dict[str, Any]) -> dict[str, Any]:
        if "caption" not in params:
            return {}
        caption, entities = self._formatted(
            params["caption"],
            params.get("parse_mode"),
            params.get("caption_entities"),
            limit=MAX_CAPTION_LENGTH,
            too_long="message caption is too long",
            empty=None,
        )
        content: dict[str, Any] = {"caption": caption} if caption else {}
        if entities:
            content["caption_entities"] = entities
        return content

    def _editable(self, params: dict[str, Any]) -> dict[str, Any]:
        if "inline_message_id" in params:
            raise _bad("message to edit not found")  # the fake sends no inline messages
        if "chat_id" not in params or "message_id" not in params:
            raise _bad("message identifier is not specified")
        chat_id = self._target_chat(params)
        message = self._messages.get((chat_id, params["message_id"]))
        if message is None:
            raise _bad("message to edit not found")
        if message.get("from", {}).get("id") != self.bot_id:
            raise _bad("message can't be edited")
        return message

    def _store_file(self, data: bytes, kind: str, extension: str) -> _StoredFile:
        n = next(self._file_counter)
        prefix = {"photos": "AgACAgQAAxkDAAI", "documents": "BQACAgQAAxkDAAI"}.get(kind, "CAACAgQAAxkDAAI")
        stored = _StoredFile(
            file_id=f"{prefix}{n:06d}{self.bot_id % 100000:05d}fakefile",
            file_unique_id=f"AQAD{n:06d}",
            data=data,
            file_path=f"{kind}/file_{n}.{extension}",
        )
        self._files[stored.file_id] = stored
        self._file_paths[stored.file_path] = stored
        return stored

    def _existing_file(self, value: str, kind: str) -> _StoredFile:
        stored = self._files.get(value)
        if stored is not None:
            return stored
        if value.startswith(("http://", "https://")):
            return self._store_file(b"", kind, "jpg")
        raise _bad("wrong file identifier/HTTP URL specified")

    # ------------------------------------------------------------------ methods

    def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        me = {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
            "has_topics_enabled": False,
        }
        known = self.spec.types["User"].fields
        return {k: v for k, v in me.items() if k in known}

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._new_message(params, self._text_content(params))

    def _send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        photo = params["photo"]
        if isinstance(photo, UploadedFile):
            size = _image_size(photo.data)
            if size is None:
                raise _bad("IMAGE_PROCESS_FAILED")
            stored = self._store_file(photo.data, "photos", "jpg")
        else:
            stored = self._existing_file(photo, "photos")
            size = _image_size(stored.data) or (800, 600)
        sizes = self._photo_sizes(stored, size)
        return self._new_message(params, {"photo": sizes, **self._caption_content(params)})

    def _photo_sizes(self, stored: _StoredFile, size: tuple[int, int]) -> list[dict[str, Any]]:
        width, height = size
        sizes: list[dict[str, Any]] = []
        for side in (90, 320, 800, 1280, 2560):
            scale = min(1.0, side / max(width, height, 1))
            sized = stored if scale == 1.0 else self._store_file(stored.data, "photos", "jpg")
            sizes.append(
                {
                    "file_id": sized.file_id,
                    "file_unique_id": sized.file_unique_id,
                    "file_size": max(1, int(len(stored.data) * scale * scale)),
                    "width": max(1, round(width * scale)),
                    "height": max(1, round(height * scale)),
                }
            )
            if scale == 1.0:
                break
        return sizes

    def _send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        document = params["document"]
        if isinstance(document, UploadedFile):
            if not document.data:
                raise _bad("file must be non-empty")
            extension = Path(document.filename).suffix.lstrip(".") or "bin"
            stored = self._store_file(document.data, "documents", extension)
            info = {"file_name": document.filename, "mime_type": document.content_type}
        else:
            stored = self._existing_file(document, "documents")
            info = {"file_name": Path(stored.file_path).name}
        doc = {
            **info,
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
        }
        return self._new_message(params, {"document": doc, **self._caption_content(params)})

    def _send_chat_action(self, params: dict[str, Any]) -> bool:
        self._target_chat(params)
        if params["action"] not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    def _finish_edit(self, message: dict[str, Any], changes: dict[str, Any], drop: tuple[str, ...]) -> dict[str, Any]:
        updated = {k: v for k, v in message.items() if k not in drop and k != "edit_date"}
        updated.update(changes)
        before = {k: v for k, v in message.items() if k != "edit_date"}
        if updated == before:
            raise ApiError(400, _NOT_MODIFIED)
        updated["edit_date"] = int(self.clock())
        message.clear()
        message.update(updated)
        return copy.deepcopy(message)

    @staticmethod
    def _markup_change(params: dict[str, Any]) -> dict[str, Any]:
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and markup.get("inline_keyboard"):
            return {"reply_markup": {"inline_keyboard": copy.deepcopy(markup["inline_keyboard"])}}
        return {}

    def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._editable(params)
        if "text" not in message:
            raise _bad("there is no text in the message to edit")
        content = self._text_content(params)
        return self._finish_edit(message, {**content, **self._markup_change(params)}, ("entities", "reply_markup"))

    def _edit_message_caption(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._editable(params)
        if "text" in message:
            raise _bad("there is no caption in the message to edit")
        content = self._caption_content(params)
        drop = ("caption", "caption_entities", "reply_markup")
        return self._finish_edit(message, {**content, **self._markup_change(params)}, drop)

    def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._editable(params)
        return self._finish_edit(message, self._markup_change(params), ("reply_markup",))

    def _delete_message(self, params: dict[str, Any]) -> bool:
        chat_id = self._target_chat(params)
        if self._messages.pop((chat_id, params["message_id"]), None) is None:
            raise _bad("message to delete not found")
        return True

    def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = params["callback_query_id"]
        if query_id not in self._open_callbacks:
            raise ApiError(400, _QUERY_INVALID)
        if len(params.get("text", "")) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        self._open_callbacks.discard(query_id)
        self._callback_answers[query_id] = copy.deepcopy(params)
        return True

    def _commands_key(self, params: dict[str, Any]) -> tuple[str, str]:
        language = params.get("language_code", "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise _bad("invalid language code specified")
        return _scope_key(params.get("scope")), language

    def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params["commands"]
        if len(commands) > 100:
            raise _bad("too many commands")
        for c in commands:
            if not _COMMAND_RE.fullmatch(c["command"]):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(c["description"]) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(params)
        if commands:
            self._commands[key] = copy.deepcopy(commands)
        else:
            self._commands.pop(key, None)
        return True

    def _get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return copy.deepcopy(self._commands.get(self._commands_key(params), []))

    def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self._files.get(params["file_id"])
        if stored is None:
            raise _bad("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    # ------------------------------------------------------------------ getUpdates and webhooks

    def _deliverable(self, limit: int) -> list[dict[str, Any]]:
        allowed = set(self._allowed_updates or []) or {
            f for f in self.spec.types["Update"].fields if f not in _NOT_DEFAULT_UPDATES
        }
        self._updates = [u for u in self._updates if any(k in allowed for k in u if k != "update_id")]
        return copy.deepcopy(self._updates[:limit])

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self._webhook is not None:
            raise ApiError(409, _CONFLICT_WEBHOOK)
        offset = params.get("offset")
        if offset is not None and offset < 0:
            self._updates = self._updates[offset:]  # the last -offset updates; earlier ones are forgotten
        elif offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if "allowed_updates" in params:
            self._allowed_updates = list(params["allowed_updates"])
        limit = min(100, max(1, params.get("limit", 100)))
        self._poll_generation += 1
        generation = self._poll_generation
        self._cond.notify_all()  # an older long poll ends with 409, as in Telegram
        deadline = time.monotonic() + min(max(0, params.get("timeout", 0)), self.max_poll_wait)
        while True:
            batch = self._deliverable(limit)
            if batch or self._closed.is_set():
                return batch
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            self._cond.wait(remaining)
            if self._poll_generation != generation:
                if self._client_gone():  # a cancelled poll (PTB stopping): nobody to tell
                    return []
                raise ApiError(409, _CONFLICT_POLLING)

    def _client_gone(self) -> bool:
        conn: socket.socket | None = getattr(self._local, "connection", None)
        if conn is None:
            return False
        try:
            conn.setblocking(False)
            try:
                return conn.recv(1, socket.MSG_PEEK) == b""
            finally:
                conn.setblocking(True)
        except BlockingIOError:
            return False
        except OSError:
            return True

    def _set_webhook(self, params: dict[str, Any]) -> _Described:
        url = params["url"]
        if not url:
            return self._delete_webhook(params)
        parts = urlsplit(url)
        local = parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS
        if parts.scheme != "https" and not local:  # plain http only towards the test machine itself
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_RE.fullmatch(secret):
            raise _bad("secret token contains unallowed characters")
        max_connections = params.get("max_connections", 40)
        if not 1 <= max_connections <= 100:
            raise _bad("bad webhook: max_connections must be between 1 and 100")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        if "allowed_updates" in params:
            self._allowed_updates = list(params["allowed_updates"])
        same = self._webhook is not None and self._webhook["url"] == url
        self._webhook = {"url": url, "secret_token": secret, "max_connections": max_connections}
        self._webhook_error = None
        self._webhook_retry_at = 0.0
        self._cond.notify_all()
        return _Described(True, "Webhook is already set" if same else "Webhook was set")

    def _delete_webhook(self, params: dict[str, Any]) -> _Described:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        existed = self._webhook is not None
        self._webhook = None
        self._webhook_error = None
        return _Described(True, "Webhook was deleted" if existed else "Webhook is already deleted")

    def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self._webhook["url"] if self._webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self._webhook is not None:
            info["max_connections"] = self._webhook["max_connections"]
            info["ip_address"] = "127.0.0.1"
            if self._allowed_updates is not None:
                info["allowed_updates"] = list(self._allowed_updates)
            if self._webhook_error is not None:
                info["last_error_date"], info["last_error_message"] = self._webhook_error
        return info

    def _webhook_loop(self) -> None:
        """Deliver queued updates one at a time to the webhook, as Telegram does with max_connections=1."""
        while True:
            with self._cond:
                while True:
                    if self._closed.is_set():
                        return
                    wait = self._webhook_retry_at - time.monotonic()
                    batch = self._deliverable(1) if self._webhook is not None else []
                    if batch and wait <= 0 and self._webhook is not None:
                        update, hook = batch[0], dict(self._webhook)
                        break
                    self._cond.wait(wait if batch and wait > 0 else 0.5)
            error = self._post_webhook(hook, update)
            with self._cond:
                if error is None:
                    self._updates = [u for u in self._updates if u["update_id"] != update["update_id"]]
                    self._webhook_deliveries.append(update)
                else:
                    self._webhook_error = (int(self.clock()), error)
                    self._webhook_retry_at = time.monotonic() + self.webhook_retry_delay
                self._cond.notify_all()

    @staticmethod
    def _post_webhook(hook: dict[str, Any], update: dict[str, Any]) -> str | None:
        if urlsplit(hook["url"]).hostname not in _LOCAL_HOSTS:  # never reach out of the test machine
            return "Connection refused (the fake delivers webhooks to 127.0.0.1 / localhost only)"
        headers = {"Content-Type": "application/json"}
        if hook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
        body = json.dumps(update, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(hook["url"], data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                response.read()
            return None
        except urllib.error.HTTPError as exc:
            return f"Wrong response from the webhook: {exc.code} {exc.reason}"
        except TimeoutError:
            return "Read timeout expired"
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            return "Connection refused" if isinstance(reason, ConnectionRefusedError) else f"Connection error: {reason}"


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
