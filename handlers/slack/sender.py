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
import math
import time
import urllib.error
from collections.abc import Sequence
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block

from bot.conversation.messages import Outbound
from bot.domain.model import OutboxItem
from bot.outbox import PermanentFailure, RetryAfter, Unreachable
from bot.ratelimit import Limiter, RateLimiter, Window
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
                retry = exc.response.headers.get("Retry-After") or exc.response.headers.get("retry-after") or 1
                raise RetryAfter(float(retry), f"slack: ratelimited ({retry} s)") from exc
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
        new_id = ""
        for n, blocks in enumerate(pages):  # a long document continues in the next message
            self.limiter.acquire(PLATFORM, slack_limits(channel, self.workspace), None if n == 0 else math.inf)
            text = fallback_text(out) if n == 0 else _continued(out, n)
            response = self._post_page(channel, text, blocks, retry_here=n > 0)
            new_id = new_id or f"{response['channel']}|{response['ts']}"
        self._upload(new_id.partition("|")[0], out)
        return new_id

    def _post_page(self, channel: str, text: str, blocks: Sequence[Block], retry_here: bool) -> Any:
        """One message of a document. Once the first is out, a 429 on a later one is waited out and tried again
        here: handing it back to the outbox would post the messages already delivered again."""
        tries = 5
        while True:
            try:
                return self.client.chat_postMessage(
                    channel=channel, text=text, blocks=blocks, unfurl_links=False, unfurl_media=False
                )
            except SlackApiError as exc:
                tries -= 1
                if not retry_here or exc.response.status_code != 429 or tries == 0:
                    raise
                time.sleep(float(exc.response.headers.get("Retry-After", 1)))

    def _post_ephemeral(self, channel: str, user: str, out: Outbound) -> None:
        for n, blocks in enumerate(message_pages(out, self.lang)):
            self.limiter.acquire(PLATFORM, slack_limits(channel, self.workspace), None if n == 0 else math.inf)
            self.client.chat_postEphemeral(
                channel=channel, user=user, text=fallback_text(out) if n == 0 else _continued(out, n), blocks=blocks
            )

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
        """Files follow their message. A failure costs the file, never the text, and is not retried: the row is
        delivered, and retrying it would repeat the text."""
        for attachment in out.attachments:
            try:
                kwargs: dict[str, Any] = {"channel": channel, "file": attachment.path, "filename": attachment.filename}
                if attachment.mime.startswith("image/"):
                    kwargs["alt_txt"] = out.text.split("\n", 1)[0][:1000]
                self.client.files_upload_v2(title=attachment.filename, **kwargs)
            except (OSError, SlackApiError) as exc:
                log.warning("file %s to %s not sent (%s); the text went alone", attachment.filename, channel, exc)
