"""The Telegram stand-in's state and its chat, message and file helpers."""

from __future__ import annotations

import copy
import itertools
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from standins import _http
from standins.telegram_api.html import _strip_text, parse_html
from standins.telegram_api.model import (
    _TOKEN_RE,
    DEFAULT_TOKEN,
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    Call,
    RateLimits,
    _bad,
    _Fault,
    _Handler,
    _StoredFile,
    _without_reply,
)
from standins.telegram_api.spec import ApiSpec, _is_int, _Validator, load_spec


class TelegramState(_http.ThreadedHTTPFake):
    """The stand-in's state: users, chats, messages, files and updates, with the helpers every method uses."""

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
        self._blocked: dict[int, tuple[int, str]] = {}  # chat -> (status, description)
        # getChatMember: (chat, user) -> the ChatMember's status and rights; the bot is a "member" elsewhere
        self._members: dict[tuple[int, int], dict[str, Any]] = {}
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

    # start(), stop(), the context manager, `port` and `root_url` come from _http.ThreadedHTTPFake.

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
