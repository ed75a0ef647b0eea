"""The Slack edge inside `est-bot run` (`SlackRunner`): the Bolt app in Socket Mode or over HTTP (Bolt's ASGI
adapter served by uvicorn), its listeners and their intake, and the sender."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import SlackConfig
from bot.engine import Engine
from bot.outbox import Dispatcher, Sender, drainer
from bot.ratelimit import Limiter, Window
from handlers.slack.keepalive import KeepAliveWebClient
from handlers.slack.listeners import SlackListeners, register
from handlers.slack.sender import PLATFORM, SlackSender

log = logging.getLogger(__name__)


def build_app(config: SlackConfig, bot_token: str, signing_secret: str | None) -> AsyncApp:
    """The Bolt app on `config.api_url`. In HTTP mode every request must carry a valid signature."""
    client = AsyncWebClient(token=bot_token, base_url=config.api_url)
    return AsyncApp(
        client=client,
        signing_secret=signing_secret or "",
        request_verification_enabled=config.mode == "http",
        # The listeners only acknowledge and queue (bot/intake.py), so Bolt may answer when they return; the
        # other way, Bolt polls for the acknowledgement every 10 ms and each request waits at least that long.
        process_before_response=True,
        # Bolt's loggers under "slack_bolt" (the app's own would be named after this file), where bot/logs.py
        # keeps libraries at WARNING: Bolt logs whole request bodies at INFO (bad signatures, unknown payloads).
        logger=logging.getLogger("slack_bolt"),
        name="slack_bolt.app",
    )


AUTH_ERRORS = frozenset({"not_authed", "invalid_auth", "account_inactive", "token_revoked", "token_expired"})


def credentials_refused(exc: BaseException) -> bool:
    """Slack answered, and refused a token (the Web API's auth errors), here or as the cause of what Bolt raised."""
    seen: BaseException | None = exc
    for _ in range(3):
        if isinstance(seen, SlackApiError) and seen.response.get("error") in AUTH_ERRORS:
            return True
        if seen is None:
            return False
        seen = seen.__cause__ or seen.__context__
    return False


def build_sender(config: SlackConfig, bot_token: str, limiter: Limiter | None = None, lang: str = "sv") -> SlackSender:
    client = KeepAliveWebClient(token=bot_token, base_url=config.api_url, timeout=30)
    return SlackSender(client, limiter, lang, Window(config.workspace_messages, config.workspace_seconds))


@dataclass
class SlackEdge:
    """A started Slack edge; `stop()` ends it."""

    app: AsyncApp
    listeners: SlackListeners
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    stoppers: list[Callable[[], Any]] = field(default_factory=list)
    server: Any = None  # uvicorn.Server in HTTP mode

    async def port(self, timeout: float = 10.0) -> int:
        """The HTTP listener's port once it listens (the configured one, or the one chosen for port 0)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.server is None or not self.server.started:
            if loop.time() > deadline or any(t.done() for t in self.tasks):
                raise RuntimeError("the Slack HTTP listener did not start")
            await asyncio.sleep(0.01)
        return int(self.server.servers[0].sockets[0].getsockname()[1])

    async def stop(self) -> None:
        await self.listeners.settle(timeout=10.0)  # let acknowledged work finish
        for stop in self.stoppers:
            result = stop()
            if asyncio.iscoroutine(result):
                await result
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await asyncio.to_thread(self.listeners.close)


async def start(
    config: SlackConfig,
    engine: Engine,
    dispatcher: Dispatcher,
    *,
    bot_token: str,
    app_token: str | None,
    signing_secret: str | None,
    lang: str | None = None,
    drain_every: float = 1.0,
) -> SlackEdge:
    app = build_app(config, bot_token, signing_secret)
    listeners = SlackListeners(engine, drainer(dispatcher, PLATFORM), lang, drain_every if drain_every > 0 else None)
    register(app, listeners, config.command)
    edge = SlackEdge(app, listeners)
    try:
        await _listen(edge, config, app, app_token)
    except BaseException:
        await asyncio.to_thread(listeners.close)  # no intake threads left behind by a start that failed
        raise
    return edge


class SlackRunner:
    """Slack in `est-bot run`: every process takes Slack's events (they come to whoever is connected), so the
    leadership changes nothing here."""

    name = "Slack"
    platform = PLATFORM
    secret = "EST_SLACK_BOT_TOKEN and EST_SLACK_APP_TOKEN"

    def __init__(
        self,
        config: SlackConfig,
        *,
        bot_token: str,
        app_token: str | None,
        signing_secret: str | None,
        lang: str = "sv",
        limiter: Limiter | None = None,
    ) -> None:
        self.config = config
        self.bot_token = bot_token
        self.app_token = app_token
        self.signing_secret = signing_secret
        self._sender = build_sender(config, bot_token, limiter, lang=lang)
        self.edge: SlackEdge | None = None

    @property
    def sender(self) -> Sender:
        return self._sender

    def refused(self, exc: BaseException) -> bool:
        return credentials_refused(exc)

    async def start(self, engine: Engine, dispatcher: Dispatcher) -> None:
        self.edge = await start(
            self.config,
            engine,
            dispatcher,
            bot_token=self.bot_token,
            app_token=self.app_token,
            signing_secret=self.signing_secret,
        )

    async def lead(self) -> None:
        return None

    async def step_down(self) -> None:
        return None

    async def stop(self) -> None:
        if self.edge is not None:
            await self.edge.stop()

    async def close(self) -> None:
        if isinstance(self._sender.client, KeepAliveWebClient):  # the drains have finished (est-bot run's order)
            self._sender.client.close()


async def _listen(edge: SlackEdge, config: SlackConfig, app: AsyncApp, app_token: str | None) -> None:
    if config.mode == "socket":
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        handler = AsyncSocketModeHandler(app, app_token or "")
        try:
            # apps.connections.open first, here, so that a Slack that cannot be reached fails this start (and
            # `est-bot run` tries again with backoff): the SDK's connect() would retry it forever, logging a
            # traceback each time, and never return.
            handler.client.wss_uri = await handler.client.issue_new_wss_url()
            await handler.connect_async()
        except BaseException:
            await handler.close_async()
            raise
        edge.stoppers.append(handler.close_async)
    else:
        import uvicorn
        from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler

        server = uvicorn.Server(
            uvicorn.Config(
                AsyncSlackRequestHandler(app, path=config.path),
                host=config.listen,
                port=config.port,
                log_level="warning",
                lifespan="off",
            )
        )
        edge.server = server
        edge.tasks.append(asyncio.create_task(server.serve()))

        def stop_server() -> None:
            server.should_exit = True

        edge.stoppers.append(stop_server)
