"""`FakeSlackAPI`: what tests call to set the stand-in up, inject faults and look at what happened."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:  # slack_sdk's async client needs aiohttp; the server itself does not
    pass

from standins.slack_api.model import UPLOAD, Call, ErrorRecord, UploadedFile, _Fault, _ts_key
from standins.slack_api.wire import SlackServer


class FakeSlackAPI(SlackServer):
    """A stand-in Slack Web API server. Use as a context manager (or `start()` / `stop()`)."""

    _thread_name = "fake-slack-api"

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

    def add_channel(
        self,
        channel_id: str,
        *,
        name: str | None = None,
        is_member: bool = True,
        is_private: bool = False,
        is_archived: bool = False,
    ) -> dict[str, Any]:
        """Register a channel for `conversations.info` (unknown ids answer `channel_not_found`), with whether the
        bot is a member of it."""
        channel = {
            "id": channel_id,
            "name": name or channel_id.lower(),
            "is_channel": not is_private,
            "is_group": is_private,
            "is_im": False,
            "is_private": is_private,
            "is_archived": is_archived,
            "is_member": is_member,
            "created": 1_700_000_000,
        }
        with self._lock:
            self._channels[channel_id] = channel
        return copy.deepcopy(channel)

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

    def clear_faults(self) -> None:
        """Drop every fault still waiting (`fail_next`, `drop_next`, `delay_next`): the service is back."""
        with self._lock:
            self._faults.clear()

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
