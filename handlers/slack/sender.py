"""Delivers outbox rows to Slack with slack_sdk's `WebClient`, from the outbox's worker thread.

Addresses: a user id (`U…`/`W…`) is that person's direct chat (opened with `conversations.open`); a channel id
is the channel; `eph:<channel>:<user>` is an ephemeral answer in a channel; `home:<user>` is the person's App
Home tab. A message's id is `<channel>|<ts>`, so it can be updated in place with `chat.update`.

Slack's answers map onto the outbox's: HTTP 429 → `RetryAfter` (the platform waits, nothing counts as failed);
an address that can never work → `PermanentFailure` (parked, shown in `status`); no connection, no answer or a
5xx → `Unreachable` (the outbox tells an outage of Slack from this message's failure); anything else is raised and
retried with backoff.
"""

from __future__ import annotations

import http.client
import logging
import urllib.error
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError, SlackRequestError
from slack_sdk.models.blocks import Block

from bot.conversation.messages import Attachment, Outbound
from bot.domain.model import OutboxItem
from bot.outbox import PermanentFailure, RetryAfter, Unreachable
from bot.ratelimit import Limiter, RateLimiter, Window, hold_for_all, next_part
from handlers.slack.blocks import escape, fallback_text, home_view, message_blocks, message_pages

log = logging.getLogger(__name__)
PLATFORM = "slack"

#: Errors no retry can mend: the address is gone or the bot may not write there.
PERMANENT = frozenset(
    {
        "channel_not_found",
        "user_not_found",
        "users_not_found",
        "is_archived",
        "account_inactive",
        "user_disabled",
        "cannot_dm_bot",
        "not_in_channel",
        "restricted_action",
        "msg_too_long",
        "invalid_blocks",
        "no_text",
        "not_allowed_token_type",
        "missing_scope",
    }
)
#: An ephemeral answer that cannot be shown where the person acted goes to their direct chat instead.
EPHEMERAL_FALLBACK = frozenset({"channel_not_found", "not_in_channel", "user_not_in_channel", "is_archived"})
#: An update that cannot be made becomes a new message.
UPDATE_FALLBACK = frozenset({"message_not_found", "cant_update_message", "edit_window_closed", "channel_not_found"})


#: The workspace-wide cap unless configured (`[slack] workspace_messages`/`workspace_seconds`): Slack names no
#: figure; a few hundred a minute is what it allows.
WORKSPACE = Window(300, 60.0)
#: files.getUploadURLExternal and files.completeUploadExternal: Slack's Tier 4, 100 calls a minute and more.
FILES = Window(100, 60.0)


def slack_limits(channel: str, workspace: Window = WORKSPACE) -> dict[str, Window]:
    """chat.postMessage: about one message a second per channel with short bursts, and the workspace window."""
    return {f"slack-ch:{channel}": Window(3, 3.0, own=True), "slack": workspace}


def _error(exc: SlackApiError) -> str:
    data = exc.response.data if isinstance(exc.response.data, dict) else {}
    return str(data.get("error") or "")


def _continued(out: Outbound, n: int) -> str:
    """The notification text of a document's next message: its first line and the part's number."""
    return escape(f"{out.text.split(chr(10), 1)[0]} ({n + 1})")


class SlackSender:
    platform = PLATFORM

    def __init__(
        self, client: WebClient, limiter: Limiter | None = None, lang: str = "sv", workspace: Window = WORKSPACE
    ) -> None:
        self.client = client
        self.limiter: Limiter = limiter or RateLimiter()
        self.lang = lang
        self.workspace = workspace
        self._dm: dict[str, str] = {}

    def send(self, item: OutboxItem, out: Outbound, message_id: str | None) -> str | None:
        try:
            return self._send(item.address, out, message_id)
        except SlackApiError as exc:
            status = exc.response.status_code
            error = _error(exc)
            if status == 429:
                retry = _retry_after(exc)
                raise RetryAfter(retry, f"slack: ratelimited ({retry:g} s)") from exc
            if error in PERMANENT:
                raise PermanentFailure(f"slack: {error}") from exc
            if status >= 500:  # Slack's own trouble, not this message's
                raise Unreachable(f"slack: HTTP {status} {error}".rstrip()) from exc
            raise
        except (urllib.error.URLError, ConnectionError, TimeoutError, http.client.HTTPException) as exc:
            raise Unreachable(f"slack: {type(exc).__name__}: {exc}") from exc  # no connection, or no answer

    # ------------------------------------------------------------------ addresses

    def _channel_of(self, address: str) -> str:
        """A direct chat's channel for a user id (cached: Slack gives the same one every time)."""
        if address[:1] not in ("U", "W"):
            return address
        if address not in self._dm:
            response = self.client.conversations_open(users=address)
            self._dm[address] = str(response["channel"]["id"])
        return self._dm[address]

    def _send(self, address: str, out: Outbound, message_id: str | None) -> str | None:
        if address.startswith("home:"):
            self.client.views_publish(user_id=address[5:], view=home_view(out))
            return None
        if address.startswith("eph:"):
            _, channel, user = address.split(":", 2)
            if not out.attachments:
                try:
                    self._post_ephemeral(channel, user, out)
                    return None
                except SlackApiError as exc:
                    if exc.response.status_code == 429 or _error(exc) not in EPHEMERAL_FALLBACK:
                        raise
                    log.info("ephemeral answer in %s not possible (%s); sent as a direct message", channel, exc)
            address = user  # files cannot be ephemeral: they go to the person's direct chat
        pages = message_pages(out, self.lang)
        if message_id is not None and len(pages) == 1:
            updated = self._update(message_id, out)
            if updated is not None:
                return updated
        channel = self._channel_of(address)
        self.limiter.acquire(PLATFORM, slack_limits(channel, self.workspace))  # a 429 or Later gives the row back
        response = self._post(channel, fallback_text(out), pages[0])
        for n, blocks in enumerate(pages[1:], start=1):  # a long document continues in the next message
            self._later_part(partial(self._post, channel, _continued(out, n), blocks), self._limits(channel))
        new_id = f"{response['channel']}|{response['ts']}"
        self._upload(str(response["channel"]), out)
        return new_id

    def _post(self, channel: str, text: str, blocks: Sequence[Block]) -> Any:
        return self.client.chat_postMessage(
            channel=channel, text=text, blocks=blocks, unfurl_links=False, unfurl_media=False
        )

    def _limits(self, channel: str) -> dict[str, Window]:
        return slack_limits(channel, self.workspace)

    def _later_part(self, call: Callable[[], Any], limits: dict[str, Window] | None, tries: int = 5) -> Any:
        """A later part of a message (a document's next message, a file after its text), made once its turn in
        `limits` comes (None: no turn), however long. A 429 on it is held for the whole bot (`hold_for_all`: every
        process's next turn waits it out) and the part is tried again after it: handing it back to the outbox
        would post the parts already delivered again."""
        while True:
            if limits is not None:
                next_part(self.limiter, PLATFORM, limits)
            try:
                return call()
            except SlackApiError as exc:
                tries -= 1
                if exc.response.status_code != 429 or tries == 0:
                    raise
                hold_for_all(self.limiter, PLATFORM, _retry_after(exc))
                if limits is None:  # no turn to wait for: the hold is waited out here
                    next_part(self.limiter, PLATFORM, {})

    def _post_ephemeral(self, channel: str, user: str, out: Outbound) -> None:
        pages = message_pages(out, self.lang)
        self.limiter.acquire(PLATFORM, slack_limits(channel, self.workspace))
        self._ephemeral(channel, user, fallback_text(out), pages[0])
        for n, blocks in enumerate(pages[1:], start=1):
            self._later_part(partial(self._ephemeral, channel, user, _continued(out, n), blocks), self._limits(channel))

    def _ephemeral(self, channel: str, user: str, text: str, blocks: Sequence[Block]) -> Any:
        return self.client.chat_postEphemeral(channel=channel, user=user, text=text, blocks=blocks)

    def _update(self, message_id: str, out: Outbound) -> str | None:
        channel, _, ts = message_id.partition("|")
        try:
            self.client.chat_update(
                channel=channel, ts=ts, text=fallback_text(out), blocks=message_blocks(out, self.lang)
            )
            return message_id
        except SlackApiError as exc:
            if exc.response.status_code == 429 or _error(exc) not in UPDATE_FALLBACK:
                raise
            log.info("message %s cannot be updated (%s); posting a new one", message_id, _error(exc))
            return None

    def _upload(self, channel: str, out: Outbound) -> None:
        """Files follow their message. A failure costs the file, never the text, and is not retried (but for a
        429, held for the whole bot and waited out): the row is delivered, and retrying it would repeat the text."""
        for attachment in out.attachments:
            try:
                self._share_file(channel, attachment, out)
            except (OSError, SlackClientError) as exc:
                log.warning("file %s to %s not sent (%s); the text went alone", attachment.filename, channel, exc)

    def _share_file(self, channel: str, attachment: Attachment, out: Outbound) -> None:
        """`files_upload_v2`'s three steps, the completion paced. `files.getUploadURLExternal` hands out an upload
        address; the bytes go there (files.slack.com, no API method and no rate tier); `files.completeUploadExternal`
        shares the file into the channel, a message there: it takes a turn in the channel's and the workspace's
        windows like any message, and in `FILES`, Slack's tier of both files methods (called once each per file,
        so pacing the completion paces the next file's address too)."""
        data = Path(attachment.path).read_bytes()
        alt = out.text.split("\n", 1)[0][:1000] if attachment.mime.startswith("image/") else None
        url = self._later_part(
            partial(
                self.client.files_getUploadURLExternal, filename=attachment.filename, length=len(data), alt_txt=alt
            ),
            None,
        )
        # slack_sdk's own upload with the client's proxy and TLS settings, as its files_upload_v2 does it
        uploaded = self.client._upload_file(  # noqa: SLF001
            url=str(url["upload_url"]),
            data=data,
            logger=log,
            timeout=self.client.timeout,
            proxy=self.client.proxy,
            ssl=self.client.ssl,
        )
        if uploaded.status != 200:
            raise SlackRequestError(f"the upload of {attachment.filename} answered {uploaded.status}")
        done: dict[str, str | None] = {"id": str(url["file_id"]), "title": attachment.filename}
        complete = partial(self.client.files_completeUploadExternal, files=[done], channel_id=channel)
        self._later_part(complete, {**self._limits(channel), "slack-files": FILES})


def _retry_after(exc: SlackApiError) -> float:
    headers = exc.response.headers
    return float(headers.get("Retry-After") or headers.get("retry-after") or 1)
