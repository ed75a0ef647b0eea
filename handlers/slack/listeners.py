"""Bolt listeners, one `register()` for all of them. Every listener calls `ack()` first: Slack wants an answer
within 3 seconds, and the real work (database, outbox) follows in the intake's threads (bot/intake.py).

Bolt checks each HTTP request's signature and timestamp (older than 5 minutes is refused) before any listener
runs; Socket Mode needs none, the connection itself is authenticated with the app-level token.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.conversation.messages import Inbound
from bot.engine import Engine
from bot.intake import Intake, Work
from handlers.slack import edge
from handlers.slack.blocks import ACTION_PREFIX, MODAL_ACTION, WHERE_CALLBACK, where_modal

log = logging.getLogger(__name__)
#: The Events API events the edge takes (manifest.yml subscribes to them; `message` as `message.im`).
EVENTS = ("message", "reaction_added", "reaction_removed", "app_home_opened")
#: The intake lane for slash commands and the App Home: a slow command never holds up button presses.
COMMANDS = 1


class SlackListeners:
    """Turns Bolt's callbacks into neutral events for the engine (bot/engine.py). Every listener acknowledges,
    hands its events to the intake (bot/intake.py) and returns: with `process_before_response` Bolt answers the
    request as soon as the listener returns, so the acknowledgement waits for no database and no other
    request's work."""

    def __init__(
        self, engine: Engine, drain: Callable[[], int], lang: str | None = None, drain_every: float | None = 1.0
    ) -> None:
        self.engine = engine
        self.lang = lang or engine.language
        self.intake = Intake(engine.handle, drain, "slack", every=drain_every, handle_many=engine.handle_many)
        self._forms: set[asyncio.Task[None]] = set()  # where/what forms being opened

    @property
    def busy(self) -> int:
        """Acknowledged requests still being worked on (their replies not yet drained), forms included."""
        return self.intake.busy + len(self._forms)

    async def settle(self, timeout: float = 30.0) -> None:
        """Wait until every acknowledged request has been worked through (shutdown, and tests)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._forms and loop.time() < deadline:
            await asyncio.sleep(0.005)
        await self.intake.settle(max(0.0, deadline - loop.time()))

    def close(self) -> None:
        self.intake.close()

    def _language_of(self, user: str) -> str:
        return self.engine.language_of(edge.PLATFORM, user) or self.lang

    def _submit(self, what: str, read: Callable[[], Work], lane: int = 0) -> None:
        """Read the payload and queue it, after the acknowledgement. A failure here is logged with its
        traceback and costs this request only: Slack already has its answer, and a listener that raised would
        turn it into an error for the person (with `process_before_response`, Bolt answers when we return)."""
        try:
            work = read()
            if work:
                self.intake.submit(work, lane)
        except Exception:
            log.exception("Slack %s could not be taken in; it is dropped", what)

    async def on_command(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        self._submit("command", lambda: [edge.command_to_inbound(body)], lane=COMMANDS)

    async def on_action(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        self._submit("action", lambda: _some(edge.action_to_inbound(body)))

    async def on_open_where(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        """The where/what form opens at once (a trigger id lasts 3 seconds), so it is the one call made here
        and not through the outbox; it shows no data and changes nothing. It runs as a task of its own, so
        the acknowledgement does not wait for Slack."""
        await ack()
        action = (body.get("actions") or [{}])[0]
        try:
            value = json.loads(action.get("value") or "{}")
            prefix, item = str(value["p"]), int(value["i"])
        except (ValueError, KeyError, TypeError):
            log.warning("where/what button with an unreadable value ignored")
            return
        task = asyncio.create_task(self._open_where(body, client, prefix, item))
        self._forms.add(task)
        task.add_done_callback(self._form_done)

    def _form_done(self, task: asyncio.Task[None]) -> None:
        self._forms.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("opening the where/what form failed", exc_info=task.exception())

    async def _open_where(self, body: dict[str, Any], client: AsyncWebClient, prefix: str, item: int) -> None:
        user = str((body.get("user") or {}).get("id") or "")
        channel = str((body.get("channel") or {}).get("id") or "")
        places = edge.places_in_message(body, prefix, item)
        lang = await asyncio.to_thread(self._language_of, user)
        view = where_modal(lang, prefix, item, places, channel)
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    async def on_where_submit(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        self._submit("form", lambda: edge.where_to_inbounds(body))

    async def on_message(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        self._submit("message", lambda: _some(edge.message_to_inbound(body)))

    async def on_reaction(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()

        def ref_of(channel: str, message_id: str) -> str | None:
            return self.engine.message_ref(edge.PLATFORM, channel, message_id)

        def inbounds() -> list[Inbound]:  # which candidate a reaction is on needs the database: in the intake
            return _some(edge.reaction_to_inbound(body, ref_of))

        self._submit("reaction", lambda: inbounds)

    async def on_home(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        self._submit("App Home event", lambda: _some(edge.home_to_inbound(body)), lane=COMMANDS)


def _some(inbound: Inbound | None) -> list[Inbound]:
    return [inbound] if inbound else []


def register(app: AsyncApp, listeners: SlackListeners, command: str = "/est") -> None:
    app.command(command)(listeners.on_command)
    app.action(MODAL_ACTION)(listeners.on_open_where)
    app.action(re.compile(rf"^{re.escape(ACTION_PREFIX)}"))(listeners.on_action)
    app.view(WHERE_CALLBACK)(listeners.on_where_submit)
    handlers = {
        "message": listeners.on_message,
        "reaction_added": listeners.on_reaction,
        "reaction_removed": listeners.on_reaction,
        "app_home_opened": listeners.on_home,
    }
    for event in EVENTS:
        app.event(event)(handlers[event])
