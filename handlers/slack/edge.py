"""Slack payloads as neutral `Inbound`s: slash commands, button and menu actions, the where/what form, direct
messages, emoji reactions and the App Home tab. Pure functions of the payload Bolt hands over.

The sender is always the Slack user id (never a name). Answers that are private go as an ephemeral message in the
channel where the person acted (`eph:<channel>:<user>`); messages updated in place go to the direct chat.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from typing import Any

from bot.conversation.choices import (
    NoteSkip,
    PlaceNew,
    PlacePick,
    PlaceSkip,
    QuestionnaireAction,
    QuestionnaireChoice,
    VoteChoice,
    decode,
    encode,
    prefix_round,
)
from bot.conversation.ids import parse_id
from bot.conversation.messages import Inbound
from handlers.slack.blocks import ACTION_PREFIX

PLATFORM = "slack"
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_LINK = re.compile(r"<((?:https?|mailto):[^>]*)>")
_SPECIAL = re.compile(r"<[#!][^>]*>")


def ephemeral_address(channel: str, user: str) -> str:
    return f"eph:{channel}:{user}"


def _is_dm(channel: str) -> bool:
    return channel.startswith("D")


def command_to_inbound(body: dict[str, Any]) -> Inbound:
    """`/est <sub> …`: the first word is the command (help when empty), the rest its words.

    Slack escapes `<`, `>` and `&` and writes a picked user as `<@U…|name>`: the user becomes a mention (and
    `@name` in the words), channel and broadcast references become plain words, the escapes are undone.
    """
    text = str(body.get("text") or "")
    mentions = tuple((m.group(1), m.group(2) or "") for m in _MENTION.finditer(text))
    text = _MENTION.sub(lambda m: "@" + (m.group(2) or m.group(1)), text)
    text = _LINK.sub(lambda m: _typed_link(m.group(1)), text)
    text = _SPECIAL.sub(" ", text)
    words = html.unescape(text).split()
    user, channel = str(body["user_id"]), str(body.get("channel_id") or "")
    return Inbound(
        PLATFORM,
        user,
        "command",
        command=words[0].lower() if words else "help",
        args=tuple(words[1:]),
        chat=None,  # the answer is ephemeral: as private as a direct message
        event_id=f"cmd:{body.get('trigger_id') or body.get('command_ts') or ''}" if body.get("trigger_id") else None,
        reply_address=ephemeral_address(channel, user) if channel and not _is_dm(channel) else None,
        mentions=mentions,
    )


def _typed_link(link: str) -> str:
    """A link as the person typed it. Slack writes a detected link as `<URL>`, or as `<URL|TYPED>` when it
    completed what was typed (`www.karta.se` → `http://www.karta.se`). A `|` is only that separator where the
    rest is the typed form of the URL before it; any other `|` belongs to the link (`?id=7|8`) and is kept."""
    for i, ch in enumerate(link):
        if ch != "|":
            continue
        url, typed = link[:i], link[i + 1 :]
        _, _, rest = url.partition("://") if "://" in url else url.partition(":")
        if typed and typed.rstrip("/") in (url.rstrip("/"), rest.rstrip("/")):
            return typed
    return link


def _action_value(action: dict[str, Any]) -> str:
    if action.get("type") == "static_select":
        selected = action.get("selected_option") or {}
        return str(selected.get("value") or "")
    return str(action.get("value") or "")


def action_to_inbound(body: dict[str, Any]) -> Inbound | None:
    """A press of one of the bot's buttons or menus (action ids `est:…`)."""
    actions = [a for a in body.get("actions") or [] if str(a.get("action_id", "")).startswith(ACTION_PREFIX)]
    if not actions:
        return None
    action = actions[0]
    user = str((body.get("user") or {}).get("id") or "")
    channel = str((body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id") or "")
    in_channel = bool(channel) and not _is_dm(channel)
    action_ts = action.get("action_ts") or ""
    return Inbound(
        PLATFORM,
        user,
        "choice",
        choice=_action_value(action)[:200],
        chat=channel if in_channel else None,
        event_id=f"act:{body.get('trigger_id') or ''}:{action_ts}" if body.get("trigger_id") else None,
        reply_address=ephemeral_address(channel, user) if in_channel else None,
    )


def message_to_inbound(body: dict[str, Any]) -> Inbound | None:
    """A person's own text in their direct chat with the bot; edits, joins, files and bots are not answers."""
    event = body.get("event") or {}
    if event.get("type") != "message" or event.get("channel_type") != "im":
        return None
    if event.get("subtype") or event.get("bot_id") or not event.get("user"):
        return None
    text = html.unescape(str(event.get("text") or ""))
    if not text.strip():
        return None
    return Inbound(PLATFORM, str(event["user"]), "text", text=text, event_id=_event_id(body))


def reaction_to_inbound(body: dict[str, Any], ref_of: Callable[[str, str], str | None]) -> Inbound | None:
    """An emoji reaction on a candidate priority is a vote (and taking it away takes the vote back).

    `ref_of(channel, message_id)` names the message the bot sent there; reactions on anything else are ignored.
    """
    event = body.get("event") or {}
    item = event.get("item") or {}
    if item.get("type") != "message" or not event.get("user"):
        return None
    channel, ts = str(item.get("channel") or ""), str(item.get("ts") or "")
    ref = ref_of(channel, f"{channel}|{ts}")
    candidate_id = parse_id(ref[5:]) if ref is not None and ref.startswith("cand:") else None
    if candidate_id is None:
        return None
    vote = VoteChoice(candidate_id, event.get("type") == "reaction_added")
    user = str(event["user"])
    return Inbound(
        PLATFORM,
        user,
        "choice",
        choice=encode(vote),
        chat=channel,
        event_id=_event_id(body),
        reply_address=ephemeral_address(channel, user),
    )


def home_to_inbound(body: dict[str, Any]) -> Inbound | None:
    event = body.get("event") or {}
    if event.get("tab", "home") != "home" or not event.get("user"):
        return None
    user = str(event["user"])
    return Inbound(PLATFORM, user, "home", event_id=_event_id(body), reply_address=f"home:{user}")


def where_to_inbounds(body: dict[str, Any]) -> list[Inbound]:
    """The where/what form as the answers the questionnaire takes one by one: the place (a known one's choice,
    or a new name as text, or skip), then the note (text, or skip)."""
    view = body.get("view") or {}
    user = str((body.get("user") or {}).get("id") or "")
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
        prefix, item = str(meta["p"]), int(meta["i"])
    except (ValueError, KeyError, TypeError):
        return []
    round_id = prefix_round(prefix)
    if round_id is None:
        return []

    def step(action: QuestionnaireAction) -> str:  # a button of the form's question
        return encode(QuestionnaireChoice(round_id, action))

    values = (view.get("state") or {}).get("values") or {}

    def value(block: str) -> str:
        entry = (values.get(block) or {}).get(block) or {}
        if entry.get("type") == "static_select":
            return str((entry.get("selected_option") or {}).get("value") or "")
        return str(entry.get("value") or "").strip()

    picked, new, what = value("pick"), value("new"), value("what")
    base = f"view:{view.get('id', '')}:{view.get('hash', '')}"
    out: list[Inbound] = []
    if new:
        out.append(Inbound(PLATFORM, user, "choice", choice=step(PlaceNew(item)), event_id=f"{base}:new"))
        out.append(Inbound(PLATFORM, user, "text", text=new, event_id=f"{base}:place", from_form=True))
    elif _is_place_choice(prefix, item, picked):
        out.append(Inbound(PLATFORM, user, "choice", choice=picked, event_id=f"{base}:pick"))
    else:
        out.append(Inbound(PLATFORM, user, "choice", choice=step(PlaceSkip(item)), event_id=f"{base}:skip"))
    if what:
        out.append(Inbound(PLATFORM, user, "text", text=what, event_id=f"{base}:what", from_form=True))
    else:
        out.append(Inbound(PLATFORM, user, "choice", choice=step(NoteSkip(item)), event_id=f"{base}:noted"))
    return out


def places_in_message(body: dict[str, Any], prefix: str, item: int) -> list[tuple[str, str]]:
    """The known places a question offered, read off its own buttons: (choice id, name)."""
    found: list[tuple[str, str]] = []
    for block in (body.get("message") or {}).get("blocks") or []:
        for element in block.get("elements") or []:
            value = str(element.get("value") or "")
            if _is_place_choice(prefix, item, value):
                found.append((value, str((element.get("text") or {}).get("text") or value)))
    return found


def _is_place_choice(prefix: str, item: int, value: str) -> bool:
    """Whether `value` is a known place's button for question `item` of the questionnaire `prefix` ("q12:")."""
    round_id, chosen = prefix_round(prefix), decode(value)
    return (
        round_id is not None
        and isinstance(chosen, QuestionnaireChoice)
        and chosen.round_id == round_id
        and isinstance(chosen.action, PlacePick)
        and chosen.action.index == item
    )


def _event_id(body: dict[str, Any]) -> str | None:
    """The Events API's id of a delivery: the same on every retry, so a retried delivery is recognised."""
    event_id = body.get("event_id")
    return f"ev:{event_id}" if event_id else None
