"""What Slack sends to an app: signed HTTP requests (HTTP mode) and the matching payload dicts (Socket Mode).

Two layers:

* `*_payload(...)` builders return the payload as Slack puts it in a Socket Mode envelope: the slash command's form
  fields (a flat dict of strings), the interactive payload (`block_actions`, `view_submission`), or the Events API
  body (`event_callback`, `url_verification`). Feed them to `FakeSocketMode.send_slash_command` / `send_interactive`
  / `send_event`.
* The same names without `_payload` return a `SignedRequest` (a `(body: bytes, headers: dict)` tuple) as Slack POSTs
  it to the app's Request URL: a form body for slash commands, `payload=<json>` form for interactivity, a JSON body
  for events, signed with Slack's v0 scheme (`v0=hex(HMAC-SHA256(secret, f"v0:{timestamp}:{body}"))` in
  `X-Slack-Signature`, the Unix time in `X-Slack-Request-Timestamp`).

Every signed builder takes `signing_secret`, `timestamp` (Unix seconds; default now) and `forge`, one of:
"wrong_secret" (signed with another secret), "stale" (timestamp 6 minutes old; Slack's SDKs allow 5),
"no_signature", "no_timestamp", "no_headers" (neither header). `post(url, body, headers)` sends one with urllib.

Event builders (`message_im`, `reaction_added`, `reaction_removed`, `app_home_opened`) return the inner `event`
for `event_callback` / `event_callback_payload`.

Defaults match FakeSlackAPI's (team T0EST0001, app A0ESTAPP1, bot U0ESTBOT1 / B0ESTBOT1). Ids look like Slack's:
trigger ids "13345224609.738474920.8088930838d88f008e0", message ts "1700000000.000100" (from a counter, so later
calls give later ts), event ids "Ev0…", envelope/view ids as Slack spells them.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import json
import secrets
import string
import time
import urllib.error
import urllib.request
import uuid
from typing import Any, Literal, NamedTuple
from urllib.parse import urlencode

__all__ = [
    "DEFAULT_APP_ID",
    "DEFAULT_BOT_ID",
    "DEFAULT_BOT_USER_ID",
    "DEFAULT_SIGNING_SECRET",
    "DEFAULT_TEAM_DOMAIN",
    "DEFAULT_TEAM_ID",
    "DEFAULT_VERIFICATION_TOKEN",
    "STALE_SECONDS",
    "Forge",
    "SignedRequest",
    "app_home_opened",
    "block_actions",
    "block_actions_payload",
    "event_callback",
    "event_callback_payload",
    "message_im",
    "new_event_id",
    "new_trigger_id",
    "next_ts",
    "plain_text_value",
    "post",
    "reaction_added",
    "reaction_removed",
    "selected_option_value",
    "sign",
    "slash_command",
    "slash_command_payload",
    "url_verification",
    "url_verification_payload",
    "view_submission",
    "view_submission_payload",
]

DEFAULT_SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # the example secret of Slack's docs
DEFAULT_VERIFICATION_TOKEN = "xX3aV2yqPzL9eSt0kEnTokEn"  # the deprecated `token` field Slack still sends
DEFAULT_TEAM_ID = "T0EST0001"
DEFAULT_TEAM_DOMAIN = "est-test"
DEFAULT_APP_ID = "A0ESTAPP1"
DEFAULT_BOT_USER_ID = "U0ESTBOT1"
DEFAULT_BOT_ID = "B0ESTBOT1"
STALE_SECONDS = 6 * 60  # older than the 5 minutes slack_sdk's SignatureVerifier (and slack-bolt) accept

Forge = Literal["wrong_secret", "stale", "no_signature", "no_timestamp", "no_headers"]

_FORM = "application/x-www-form-urlencoded"
_JSON = "application/json"
_USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"


class SignedRequest(NamedTuple):
    """A request as Slack POSTs it: unpack as `body, headers = slash_command(...)`."""

    body: bytes
    headers: dict[str, str]


# --------------------------------------------------------------------------------------------- ids

_ts_counter = itertools.count(1)
_ALNUM = string.ascii_uppercase + string.digits


def next_ts() -> str:
    """A message ts like Slack's: "1700000000.000100", "1700000000.000200", … (increasing within a test run)."""
    micros = 1_700_000_000_000_000 + next(_ts_counter) * 100
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


def new_trigger_id() -> str:
    """Like "13345224609.738474920.8088930838d88f008e0" (views.open wants a fresh one every time)."""
    return f"{secrets.randbelow(10**13):013d}.{secrets.randbelow(10**12):012d}.{secrets.token_hex(16)}"


def new_event_id() -> str:
    """Like "Ev06A1B2C3D4"."""
    return "Ev0" + "".join(secrets.choice(_ALNUM) for _ in range(9))


def _slack_id(prefix: str) -> str:
    return prefix + "0" + "".join(secrets.choice(_ALNUM) for _ in range(9))


def _block_id(seed: str) -> str:
    """Slack's generated block ids are 4-5 characters ("XTkTR"); this one is stable for a given seed."""
    digest = hashlib.sha1(seed.encode()).digest()
    return "".join(string.ascii_letters[b % 52] for b in digest[:5])


def _response_url(kind: Literal["commands", "actions"], team_id: str) -> str:
    return f"https://hooks.slack.com/{kind}/{team_id}/{secrets.randbelow(10**13):013d}/{secrets.token_urlsafe(18)}"


def _user(user_id: str, user_name: str | None, team_id: str) -> dict[str, str]:
    name = user_name or user_id.lower()
    return {"id": user_id, "username": name, "name": name, "team_id": team_id}


# --------------------------------------------------------------------------------------------- signing


def sign(
    body: bytes,
    content_type: str,
    *,
    signing_secret: str = DEFAULT_SIGNING_SECRET,
    timestamp: int | None = None,
    forge: Forge | None = None,
) -> dict[str, str]:
    """The headers Slack sends with `body`: Content-Type, X-Slack-Request-Timestamp, X-Slack-Signature (v0),
    User-Agent, Accept; `forge` spoils them as its name says."""
    ts = int(time.time()) if timestamp is None else int(timestamp)
    if forge == "stale":
        ts -= STALE_SECONDS
    secret = "not-" + signing_secret if forge == "wrong_secret" else signing_secret
    digest = hmac.new(secret.encode(), b"v0:" + str(ts).encode() + b":" + body, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": content_type,
        "User-Agent": _USER_AGENT,
        "Accept": "application/json,*/*",
        "Accept-Encoding": "gzip,deflate",
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": f"v0={digest}",
    }
    if forge in ("no_timestamp", "no_headers"):
        del headers["X-Slack-Request-Timestamp"]
    if forge in ("no_signature", "no_headers"):
        del headers["X-Slack-Signature"]
    return headers


def _signed_form(
    fields: dict[str, str], signing_secret: str, timestamp: int | None, forge: Forge | None
) -> SignedRequest:
    body = urlencode(fields).encode()
    return SignedRequest(body, sign(body, _FORM, signing_secret=signing_secret, timestamp=timestamp, forge=forge))


def _signed_json(
    payload: dict[str, Any], signing_secret: str, timestamp: int | None, forge: Forge | None
) -> SignedRequest:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return SignedRequest(body, sign(body, _JSON, signing_secret=signing_secret, timestamp=timestamp, forge=forge))


def _signed_interactive(
    payload: dict[str, Any], signing_secret: str, timestamp: int | None, forge: Forge | None
) -> SignedRequest:
    return _signed_form({"payload": json.dumps(payload, ensure_ascii=False)}, signing_secret, timestamp, forge)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float = 10.0) -> tuple[int, bytes]:
    """POST a built request; return (status, body) for any HTTP status (4xx/5xx do not raise)."""
    headers = {k: v for k, v in headers.items() if k.lower() != "accept-encoding"}  # urllib does not decompress
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as exc:
        with exc:
            return int(exc.code), bytes(exc.read())


# --------------------------------------------------------------------------------------------- slash commands


def slash_command_payload(
    command: str = "/est",
    text: str = "",
    *,
    user_id: str = "U0ANNA001",
    channel_id: str = "D0ANNA001",
    user_name: str | None = None,
    channel_name: str | None = None,
    team_id: str = DEFAULT_TEAM_ID,
    team_domain: str = DEFAULT_TEAM_DOMAIN,
    api_app_id: str = DEFAULT_APP_ID,
    token: str = DEFAULT_VERIFICATION_TOKEN,
    response_url: str | None = None,
    trigger_id: str | None = None,
) -> dict[str, str]:
    """The form fields of a slash command (also the payload of a `slash_commands` envelope), in Slack's order.
    `channel_name` defaults to "directmessage" for D… channels, else "general"."""
    if channel_name is None:
        channel_name = "directmessage" if channel_id.startswith("D") else "general"
    return {
        "token": token,
        "team_id": team_id,
        "team_domain": team_domain,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name or user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url or _response_url("commands", team_id),
        "trigger_id": trigger_id or new_trigger_id(),
    }


def slash_command(
    *args: Any,
    signing_secret: str = DEFAULT_SIGNING_SECRET,
    timestamp: int | None = None,
    forge: Forge | None = None,
    **kwargs: Any,
) -> SignedRequest:
    """A slash command as Slack POSTs it (form-encoded): `slash_command_payload(*args, **kwargs)`, signed."""
    return _signed_form(slash_command_payload(*args, **kwargs), signing_secret, timestamp, forge)


# --------------------------------------------------------------------------------------------- interactivity


def block_actions_payload(
    user_id: str = "U0ANNA001",
    channel_id: str = "D0ANNA001",
    message_ts: str | None = None,
    action_id: str = "answer",
    value: str = "1",
    *,
    action_type: Literal["button", "static_select"] = "button",
    container: Literal["message", "view"] = "message",
    view: dict[str, Any] | None = None,
    text: str | None = None,
    block_id: str | None = None,
    message: dict[str, Any] | None = None,
    is_ephemeral: bool = False,
    user_name: str | None = None,
    channel_name: str | None = None,
    team_id: str = DEFAULT_TEAM_ID,
    team_domain: str = DEFAULT_TEAM_DOMAIN,
    api_app_id: str = DEFAULT_APP_ID,
    token: str = DEFAULT_VERIFICATION_TOKEN,
    response_url: str | None = None,
    trigger_id: str | None = None,
) -> dict[str, Any]:
    """A `block_actions` payload: one button click or static_select choice.

    `container="message"`: on a message in `channel_id` at `message_ts`; `message` is that message (default: a bot
    message whose actions block holds the clicked element; none for ephemeral messages, as Slack sends none).
    `container="view"`: inside `view` (default: a modal with a new id; pass a home-tab view for App Home), with no
    channel, message or response_url. `text` is the button's / option's label (default: `value`). `block_id`
    defaults to that of the block in `message` / `view` holding `action_id`, else a stable Slack-like id."""
    label = text if text is not None else value
    holder = message if container == "message" else view
    block_id = block_id or _find_block_id((holder or {}).get("blocks"), action_id) or _block_id(action_id)
    plain = {"type": "plain_text", "text": label, "emoji": True}
    element: dict[str, Any] = {"type": action_type, "action_id": action_id}
    action: dict[str, Any] = {"action_id": action_id, "block_id": block_id}
    if action_type == "button":
        element.update(text=plain, value=value)
        action.update(text=plain, value=value, type="button")
    else:
        option = {"text": plain, "value": value}
        placeholder = {"type": "plain_text", "text": "Välj", "emoji": True}
        element.update(placeholder=placeholder, options=[option])
        action.update(type="static_select", selected_option=option, placeholder=placeholder)
    ts = message_ts or (message or {}).get("ts") or next_ts()
    action["action_ts"] = next_ts()
    actions_block = {"type": "actions", "block_id": block_id, "elements": [element]}

    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id, user_name, team_id),
        "api_app_id": api_app_id,
        "token": token,
        "container": {},
        "trigger_id": trigger_id or new_trigger_id(),
        "team": {"id": team_id, "domain": team_domain},
        "enterprise": None,
        "is_enterprise_install": False,
    }
    if container == "message":
        payload["container"] = {
            "type": "message",
            "message_ts": ts,
            "channel_id": channel_id,
            "is_ephemeral": is_ephemeral,
        }
        if channel_name is None:
            channel_name = "directmessage" if channel_id.startswith("D") else "general"
        payload["channel"] = {"id": channel_id, "name": channel_name}
        if not is_ephemeral:
            payload["message"] = (
                copy.deepcopy(message)
                if message is not None
                else {
                    "user": DEFAULT_BOT_USER_ID,
                    "type": "message",
                    "ts": ts,
                    "bot_id": DEFAULT_BOT_ID,
                    "app_id": api_app_id,
                    "text": "Läget?",
                    "team": team_id,
                    "blocks": [actions_block],
                }
            )
        payload["state"] = {"values": {}}
        payload["response_url"] = response_url or _response_url("actions", team_id)
    else:
        if view is None:
            view = _view(
                "modal", callback_id="", private_metadata="", state_values={}, team_id=team_id, api_app_id=api_app_id
            )
        view = copy.deepcopy(view)
        view.setdefault("blocks", [actions_block])
        payload["container"] = {"type": "view", "view_id": view["id"]}
        payload["view"] = view
        payload["state"] = view.get("state", {"values": {}})
    payload["actions"] = [action]
    return payload


def block_actions(
    *args: Any,
    signing_secret: str = DEFAULT_SIGNING_SECRET,
    timestamp: int | None = None,
    forge: Forge | None = None,
    **kwargs: Any,
) -> SignedRequest:
    """A `block_actions` interaction as Slack POSTs it (form field `payload=<json>`):
    `block_actions_payload(*args, **kwargs)`, signed."""
    return _signed_interactive(block_actions_payload(*args, **kwargs), signing_secret, timestamp, forge)


def _find_block_id(blocks: Any, action_id: str) -> str | None:
    """The block_id of the block whose element (actions' `elements`, input's `element`, section's `accessory`)
    has `action_id`."""
    for block in blocks if isinstance(blocks, list) else []:
        if not isinstance(block, dict):
            continue
        elements = [*block.get("elements", []), block.get("element"), block.get("accessory")]
        if any(isinstance(e, dict) and e.get("action_id") == action_id for e in elements):
            block_id = block.get("block_id")
            return block_id if isinstance(block_id, str) else None
    return None


def plain_text_value(value: str | None) -> dict[str, Any]:
    """A plain_text_input's entry in `state_values`: `{block_id: {action_id: plain_text_value("…")}}`."""
    return {"type": "plain_text_input", "value": value}


def selected_option_value(value: str | None, text: str | None = None) -> dict[str, Any]:
    """A static_select's entry in `state_values` (None: nothing chosen)."""
    option = (
        None
        if value is None
        else {"text": {"type": "plain_text", "text": text or value, "emoji": True}, "value": value}
    )
    return {"type": "static_select", "selected_option": option}


def _input_blocks(state_values: dict[str, dict[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Input blocks that would have produced `state_values` (what a view's `blocks` hold next to its state)."""
    blocks: list[dict[str, Any]] = []
    for block_id, actions in state_values.items():
        for action_id, state in actions.items():
            element: dict[str, Any] = {"type": state.get("type", "plain_text_input"), "action_id": action_id}
            if element["type"] == "static_select":
                chosen = state.get("selected_option")
                element["options"] = (
                    [chosen] if chosen else [{"text": {"type": "plain_text", "text": "-"}, "value": "-"}]
                )
            label = {"type": "plain_text", "text": block_id, "emoji": True}
            blocks.append(
                {"type": "input", "block_id": block_id, "label": label, "optional": False, "element": element}
            )
    return blocks


def _view(
    view_type: Literal["modal", "home"],
    *,
    callback_id: str,
    private_metadata: str,
    state_values: dict[str, dict[str, dict[str, Any]]],
    team_id: str,
    api_app_id: str,
    view_id: str | None = None,
    blocks: list[dict[str, Any]] | None = None,
    title: str = "EST",
) -> dict[str, Any]:
    view_id = view_id or _slack_id("V")
    view: dict[str, Any] = {
        "id": view_id,
        "team_id": team_id,
        "type": view_type,
        "blocks": blocks if blocks is not None else _input_blocks(state_values),
        "private_metadata": private_metadata,
        "callback_id": callback_id,
        "state": {"values": state_values},
        "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
        "clear_on_close": False,
        "notify_on_close": False,
        "close": None,
        "submit": None,
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": api_app_id,
        "external_id": "",
        "app_installed_team_id": team_id,
        "bot_id": DEFAULT_BOT_ID,
    }
    if view_type == "modal":
        view["title"] = {"type": "plain_text", "text": title, "emoji": True}
        view["submit"] = {"type": "plain_text", "text": "Skicka", "emoji": True}
        view["close"] = {"type": "plain_text", "text": "Avbryt", "emoji": True}
    return view


def view_submission_payload(
    user_id: str = "U0ANNA001",
    view_id: str | None = None,
    callback_id: str = "",
    private_metadata: str = "",
    state_values: dict[str, dict[str, dict[str, Any]]] | None = None,
    *,
    blocks: list[dict[str, Any]] | None = None,
    title: str = "EST",
    user_name: str | None = None,
    team_id: str = DEFAULT_TEAM_ID,
    team_domain: str = DEFAULT_TEAM_DOMAIN,
    api_app_id: str = DEFAULT_APP_ID,
    token: str = DEFAULT_VERIFICATION_TOKEN,
    trigger_id: str | None = None,
) -> dict[str, Any]:
    """A `view_submission` payload. `state_values` as Slack shapes it: `{block_id: {action_id: {"type": …,
    "value" | "selected_option": …}}}` (see `plain_text_value`, `selected_option_value`); the view's `blocks`
    default to input blocks matching it."""
    view = _view(
        "modal",
        callback_id=callback_id,
        private_metadata=private_metadata,
        state_values=state_values or {},
        team_id=team_id,
        api_app_id=api_app_id,
        view_id=view_id,
        blocks=blocks,
        title=title,
    )
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": team_domain},
        "user": _user(user_id, user_name, team_id),
        "api_app_id": api_app_id,
        "token": token,
        "trigger_id": trigger_id or new_trigger_id(),
        "view": view,
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def view_submission(
    *args: Any,
    signing_secret: str = DEFAULT_SIGNING_SECRET,
    timestamp: int | None = None,
    forge: Forge | None = None,
    **kwargs: Any,
) -> SignedRequest:
    """A `view_submission` as Slack POSTs it: `view_submission_payload(*args, **kwargs)`, signed."""
    return _signed_interactive(view_submission_payload(*args, **kwargs), signing_secret, timestamp, forge)


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
