"""Updates: queued by tests, fetched with getUpdates (long polling) or delivered to a webhook."""

from __future__ import annotations

import copy
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from standins.telegram_api.html import _utf16_len
from standins.telegram_api.methods import BotApiMethods
from standins.telegram_api.model import (
    _CONFLICT_POLLING,
    _CONFLICT_WEBHOOK,
    _LOCAL_HOSTS,
    _MESSAGE_UPDATE_KEYS,
    _NOT_DEFAULT_UPDATES,
    _SECRET_RE,
    ApiError,
    _bad,
    _Described,
    _without_reply,
)
from standins.telegram_api.spec import _Invalid, _is_int


class UpdateQueue(BotApiMethods):
    """Updates pushed by tests, getUpdates, setWebhook/deleteWebhook/getWebhookInfo and the webhook sender."""

    def _on_start(self) -> list[threading.Thread]:
        self._closed.clear()
        return [threading.Thread(target=self._webhook_loop, name="fake-telegram-webhook", daemon=True)]

    def _on_stop(self) -> None:
        with self._lock:
            self._closed.set()
            self._cond.notify_all()  # wakes long polls and the webhook sender

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
