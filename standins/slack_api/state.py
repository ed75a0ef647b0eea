"""The Slack stand-in's state and its channel, message and id helpers."""

from __future__ import annotations

import collections
import itertools
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from standins import _http

if TYPE_CHECKING:  # slack_sdk's async client needs aiohttp; the server itself does not
    from slack_sdk.web.async_client import AsyncWebClient

from standins.slack_api.model import (
    _TS_BASE_MICROS,
    DEFAULT_APP_TOKEN,
    DEFAULT_BOT_TOKEN,
    MAX_TEXT_LENGTH,
    Call,
    ErrorRecord,
    UploadedFile,
    _ApiError,
    _Bucket,
    _Fault,
    _format_ts,
)
from standins.slack_api.validation import validate_blocks


class SlackState(_http.ThreadedHTTPFake):
    """The stand-in's state (messages, views, users, files) and the helpers every method uses."""

    def __init__(
        self,
        *,
        bot_token: str = DEFAULT_BOT_TOKEN,
        app_token: str = DEFAULT_APP_TOKEN,
        enforce_limits: bool = False,
        clock: Callable[[], float] = time.monotonic,
        post_message_rate: float = 1.0,
        post_message_burst: int = 3,
        workspace_window: tuple[int, float] | None = None,
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
        # with enforce_limits: at most this many chat.postMessage in any this many seconds, workspace-wide
        self.workspace_window = workspace_window
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
        self._workspace_posts: collections.deque[float] = collections.deque()  # when each was accepted
        self._messages: dict[str, dict[str, dict[str, Any]]] = {}
        self._ephemerals: list[dict[str, Any]] = []
        self._dms: dict[str, str] = {}
        self._mpims: dict[tuple[str, ...], str] = {}
        self._channels: dict[str, dict[str, Any]] = {}  # conversations.info: the channels add_channel set up
        self._users: dict[str, dict[str, Any]] = {}
        self._views: dict[str, dict[str, Any]] = {}
        self._home_views: dict[str, str] = {}
        self._used_triggers: set[str] = set()
        self._files: dict[str, UploadedFile] = {}
        self._uploads: dict[str, str] = {}  # upload key -> file id

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

    def dm_channel(self, user_id: str) -> str:
        """The D… id `conversations.open(users=user_id)` returns (created on first use)."""
        with self._lock:
            if user_id not in self._dms:
                self._dms[user_id] = self._new_id("D")
            return self._dms[user_id]
