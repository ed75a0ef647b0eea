"""Bolt listeners, one `register()` for all of them. Every listener calls `ack()` first: Slack wants an answer
within 3 seconds, and the real work (database, outbox) follows in a worker thread.

Bolt checks each HTTP request's signature and timestamp (older than 5 minutes is refused) before any listener
runs; Socket Mode needs none, the connection itself is authenticated with the app-level token.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.conversation.messages import Inbound
from bot.services import Services
from handlers.slack import edge
from handlers.slack.blocks import ACTION_PREFIX, MODAL_ACTION, WHERE_CALLBACK, where_modal

log = logging.getLogger(__name__)
T = TypeVar("T")
#: The Events API events the edge takes (manifest.yml subscribes to them; `message` as `message.im`).
EVENTS = ("message", "reaction_added", "reaction_removed", "app_home_opened")


class SlackListeners:
    """Turns Bolt's callbacks into neutral events for the services, then drains the Slack outbox."""

    def __init__(self, services: Services, drain: Callable[[], int], lang: str = "sv", workers: int = 2) -> None:
        self.services = services
        self.drain = drain
        self.lang = lang
        self.busy = 0  # listeners still working after their ack
        # The work after an ack is CPU-bound Python (the engine, SQLAlchemy) and the database serialises writes
        # anyway: a few threads of its own keep the event loop's share of the GIL, so acks stay fast under load.
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="slack-work")

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    async def settle(self, timeout: float = 30.0) -> None:
        """Wait until every acknowledged request has been worked through (shutdown, and tests)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        quiet = 0
        while quiet < 3 and loop.time() < deadline:  # quiet three looks in a row: a listener Bolt has just
            await asyncio.sleep(0.01)  # scheduled (events are acknowledged before it starts) has had its turn
            quiet = quiet + 1 if self.busy == 0 else 0

    async def _handle(self, inbounds: list[Inbound]) -> None:
        for inbound in inbounds:
            await self._run(self.services.handle, inbound)
        if inbounds:
            await self._run(self.drain)

    def _language_of(self, user: str) -> str:
        with self.services.uow_factory() as uow:
            person = uow.store.person_by_account(edge.PLATFORM, user)
            return person.language if person else self.lang

    async def on_command(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        self.busy += 1
        try:
            await ack()
            await self._handle([edge.command_to_inbound(body)])
        finally:
            self.busy -= 1

    async def on_action(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        self.busy += 1
        try:
            await ack()
            inbound = edge.action_to_inbound(body)
            await self._handle([inbound] if inbound else [])
        finally:
            self.busy -= 1

    async def on_open_where(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        """The where/what form opens at once (a trigger id lasts 3 seconds), so it is the one call made here
        and not through the outbox; it shows no data and changes nothing."""
        self.busy += 1
        try:
            await ack()
            action = (body.get("actions") or [{}])[0]
            try:
                value = json.loads(action.get("value") or "{}")
                prefix, item = str(value["p"]), int(value["i"])
            except (ValueError, KeyError, TypeError):
                log.warning("where/what button with an unreadable value ignored")
                return
            user = str((body.get("user") or {}).get("id") or "")
            channel = str((body.get("channel") or {}).get("id") or "")
            places = edge.places_in_message(body, prefix, item)
            lang = await self._run(self._language_of, user)
            view = where_modal(lang, prefix, item, places, channel)
            await client.views_open(trigger_id=body["trigger_id"], view=view)
        finally:
            self.busy -= 1

    async def on_where_submit(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        self.busy += 1
        try:
            await ack()
            await self._handle(edge.where_to_inbounds(body))
        finally:
            self.busy -= 1

    async def on_message(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        self.busy += 1
        try:
            await ack()
            inbound = edge.message_to_inbound(body)
            await self._handle([inbound] if inbound else [])
        finally:
            self.busy -= 1

    async def on_reaction(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        self.busy += 1
        try:
            await ack()

            def ref_of(channel: str, message_id: str) -> str | None:
                return self.services.message_ref(edge.PLATFORM, channel, message_id)

            inbound = await self._run(edge.reaction_to_inbound, body, ref_of)
            await self._handle([inbound] if inbound else [])
        finally:
            self.busy -= 1

    async def on_home(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        self.busy += 1
        try:
            await ack()
            inbound = edge.home_to_inbound(body)
            await self._handle([inbound] if inbound else [])
        finally:
            self.busy -= 1


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
