"""`FakeTelegramAPI`: what tests call to set the stand-in up, inject faults and look at what happened."""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Callable
from typing import Any, Literal

from standins.telegram_api.model import _STATUS_TEXT, Call, _Fault, _scope_key
from standins.telegram_api.spec import MethodSpec
from standins.telegram_api.wire import BotApiServer


class FakeTelegramAPI(BotApiServer):
    """A stand-in Bot API server. Use as a context manager (or `start()` / `stop()`), or the `fake_telegram_api`
    fixture in tests/conftest.py. All public methods are thread-safe and return copies."""

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

    def set_member(self, chat_id: int, user_id: int, status: str, **rights: bool) -> None:
        """What `getChatMember(chat_id, user_id)` answers: `status` ("creator", "administrator", "member",
        "restricted", "left", "kicked") and rights such as `can_send_messages=False` (a restricted member) or
        `can_post_messages=True` (a channel's administrator); rights not given are false. Without it the bot is a
        "member" of every chat and anyone else has "left"."""
        if status not in ("creator", "administrator", "member", "restricted", "left", "kicked"):
            raise ValueError(f"not a chat member status: {status!r}")
        with self._lock:
            self._members[(chat_id, user_id)] = {"status": status, **rights}

    def block_chat(
        self, chat_id: int, description: str = "Forbidden: bot was blocked by the user", status: int = 403
    ) -> None:
        """Answer `status` (403) with `description` to everything the bot does in `chat_id` until `unblock_chat`;
        e.g. `status=500, description="Internal Server Error"` for one chat that always fails while others work."""
        with self._lock:
            self._blocked[chat_id] = (status, description)

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

    def clear_faults(self) -> None:
        """Drop every fault still waiting (`fail_next`, `drop_next`, `delay_next`): the service is back."""
        with self._lock:
            self._faults.clear()

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
