"""Slash commands and interactivity payloads (`block_actions`, `view_submission`), signed or as Socket Mode payloads."""

from __future__ import annotations

import copy
import secrets
import time
from typing import Any, Literal

from standins.slack_requests.signing import (
    DEFAULT_APP_ID,
    DEFAULT_BOT_ID,
    DEFAULT_BOT_USER_ID,
    DEFAULT_SIGNING_SECRET,
    DEFAULT_TEAM_DOMAIN,
    DEFAULT_TEAM_ID,
    DEFAULT_VERIFICATION_TOKEN,
    Forge,
    SignedRequest,
    _block_id,
    _response_url,
    _signed_form,
    _signed_interactive,
    _slack_id,
    _user,
    new_trigger_id,
    next_ts,
)

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
