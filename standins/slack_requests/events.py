"""Events API callbacks (messages, reactions, App Home) and URL verification, signed or as Socket Mode payloads."""

from __future__ import annotations

import secrets
import time
import uuid
from typing import Any, Literal

from standins.slack_requests.signing import (
    DEFAULT_APP_ID,
    DEFAULT_BOT_USER_ID,
    DEFAULT_SIGNING_SECRET,
    DEFAULT_TEAM_ID,
    DEFAULT_VERIFICATION_TOKEN,
    Forge,
    SignedRequest,
    _block_id,
    _signed_json,
    new_event_id,
    next_ts,
)

# --------------------------------------------------------------------------------------------- Events API


def event_callback_payload(
    event: dict[str, Any],
    *,
    event_id: str | None = None,
    event_time: int | None = None,
    team_id: str = DEFAULT_TEAM_ID,
    api_app_id: str = DEFAULT_APP_ID,
    token: str = DEFAULT_VERIFICATION_TOKEN,
    bot_user_id: str = DEFAULT_BOT_USER_ID,
) -> dict[str, Any]:
    """The Events API body around `event` (also the payload of an `events_api` envelope)."""
    if event_time is None:
        stamp = event.get("event_ts") or event.get("ts")
        event_time = int(float(stamp)) if isinstance(stamp, str) and stamp else int(time.time())
    return {
        "token": token,
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or new_event_id(),
        "event_time": event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": "4-" + secrets.token_urlsafe(48),
    }


def event_callback(
    event: dict[str, Any],
    *,
    event_id: str | None = None,
    retry_num: int | None = None,
    retry_reason: str | None = None,
    event_time: int | None = None,
    team_id: str = DEFAULT_TEAM_ID,
    api_app_id: str = DEFAULT_APP_ID,
    token: str = DEFAULT_VERIFICATION_TOKEN,
    bot_user_id: str = DEFAULT_BOT_USER_ID,
    signing_secret: str = DEFAULT_SIGNING_SECRET,
    timestamp: int | None = None,
    forge: Forge | None = None,
) -> SignedRequest:
    """An Events API delivery as Slack POSTs it (JSON). A retry (`retry_num` 1-3) carries X-Slack-Retry-Num and
    X-Slack-Retry-Reason ("http_timeout", "http_error", "too_many_requests", "unknown_error"); send the same
    `event_id` as the first delivery, as Slack does."""
    payload = event_callback_payload(
        event,
        event_id=event_id,
        event_time=event_time,
        team_id=team_id,
        api_app_id=api_app_id,
        token=token,
        bot_user_id=bot_user_id,
    )
    signed = _signed_json(payload, signing_secret, timestamp, forge)
    if retry_num is not None:
        signed.headers["X-Slack-Retry-Num"] = str(retry_num)
        signed.headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
    return signed


def url_verification_payload(
    challenge: str | None = None, *, token: str = DEFAULT_VERIFICATION_TOKEN
) -> dict[str, str]:
    return {"token": token, "challenge": challenge or secrets.token_urlsafe(36), "type": "url_verification"}


def url_verification(
    challenge: str | None = None,
    *,
    token: str = DEFAULT_VERIFICATION_TOKEN,
    signing_secret: str = DEFAULT_SIGNING_SECRET,
    timestamp: int | None = None,
    forge: Forge | None = None,
) -> SignedRequest:
    """The handshake Slack sends when the Request URL is saved; the app answers with the challenge."""
    return _signed_json(url_verification_payload(challenge, token=token), signing_secret, timestamp, forge)


# --------------------------------------------------------------------------------------------- events


def message_im(
    user: str = "U0ANNA001",
    channel: str = "D0ANNA001",
    text: str = "",
    ts: str | None = None,
    *,
    team_id: str = DEFAULT_TEAM_ID,
    thread_ts: str | None = None,
) -> dict[str, Any]:
    """A person's message in the app's DM (`message.im`), with the rich_text block Slack clients add."""
    ts = ts or next_ts()
    event: dict[str, Any] = {
        "user": user,
        "type": "message",
        "ts": ts,
        "client_msg_id": str(uuid.uuid4()),
        "text": text,
        "team": team_id,
        "blocks": [
            {
                "type": "rich_text",
                "block_id": _block_id(ts),
                "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
            }
        ],
        "channel": channel,
        "event_ts": ts,
        "channel_type": "im",
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def _reaction(
    kind: str, user: str, reaction: str, channel: str, ts: str, item_user: str | None, event_ts: str | None
) -> dict[str, Any]:
    return {
        "type": kind,
        "user": user,
        "reaction": reaction.strip(":"),
        "item": {"type": "message", "channel": channel, "ts": ts},
        "item_user": item_user or DEFAULT_BOT_USER_ID,
        "event_ts": event_ts or next_ts(),
    }


def reaction_added(
    user: str = "U0ANNA001",
    reaction: str = "white_check_mark",
    channel: str = "D0ANNA001",
    ts: str = "1700000000.000100",
    *,
    item_user: str | None = None,
    event_ts: str | None = None,
) -> dict[str, Any]:
    """`user` put :reaction: on the message `ts` in `channel` (by `item_user`, default the bot)."""
    return _reaction("reaction_added", user, reaction, channel, ts, item_user, event_ts)


def reaction_removed(
    user: str = "U0ANNA001",
    reaction: str = "white_check_mark",
    channel: str = "D0ANNA001",
    ts: str = "1700000000.000100",
    *,
    item_user: str | None = None,
    event_ts: str | None = None,
) -> dict[str, Any]:
    return _reaction("reaction_removed", user, reaction, channel, ts, item_user, event_ts)


def app_home_opened(
    user: str = "U0ANNA001",
    channel: str = "D0ANNA001",
    *,
    tab: Literal["home", "messages"] = "home",
    view: dict[str, Any] | None = None,
    event_ts: str | None = None,
) -> dict[str, Any]:
    """`user` opened the app's Home (or Messages) tab; `view` is the home view published before, if any (Slack
    omits it when none was published)."""
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user,
        "channel": channel,
        "tab": tab,
        "event_ts": event_ts or next_ts(),
    }
    if view is not None:
        event["view"] = view
    return event
