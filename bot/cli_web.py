"""`est-bot web`: the read-only web view alone; and what `est-bot run` shares with it when it serves the view too
(the secret's check, a port that cannot be listened on, counting the earlier weeks at start)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli_common import DEFAULT_CONFIG, ConfigOpt, build_app, fail, load
from bot.config import Config, Secrets

if TYPE_CHECKING:
    from bot.usecases.context import Env


def web_secret(secrets: Secrets) -> str:
    from handlers.web.security import SECRET_MIN

    secret = secrets.web_secret or ""
    make = "e.g. from `python3 -c 'import secrets; print(secrets.token_urlsafe(48))'`"
    if not secret:
        raise fail(
            f"the web view needs EST_WEB_SECRET in the environment: {SECRET_MIN} random characters or more ({make})"
        )
    if len(secret) < SECRET_MIN or len(set(secret)) < 8 or any(c.isspace() for c in secret):
        raise fail(
            f"EST_WEB_SECRET is too weak ({len(secret)} characters): give {SECRET_MIN} random characters or more, "
            f"without spaces ({make})"
        )
    return secret


def not_listening(where: object) -> typer.Exit:
    return fail(f"the web view cannot listen on {where}: the port is taken or not allowed; set [web] port", 1)


def web(
    config: ConfigOpt = DEFAULT_CONFIG,
    port: Annotated[
        int | None, typer.Option(min=0, max=65535, help="Listen on this port instead of [web] port.")
    ] = None,
) -> None:
    """Serve the read-only web view (weeks, trends, map, actions, statistics) alone, without the chats."""
    cfg = load(config)
    secret = web_secret(Secrets())
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_web(cfg, secret, port))


async def _web(cfg: Config, secret: str, port: int | None) -> None:
    from bot.bootstrap import tune_runtime
    from handlers.web.app import build_web_app
    from handlers.web.server import NotListening, WebServer

    built = build_app(cfg)
    server = WebServer(build_web_app(built.services.env, secret), cfg.web, port)
    warming: asyncio.Task[None] | None = None
    try:
        try:
            bound = await server.start()
        except NotListening as exc:
            raise not_listening(exc) from None
        tune_runtime()
        warming = asyncio.create_task(warm(built.services.env))
        typer.echo(f"web view: {cfg.web.base_url} (listening on {cfg.web.listen}:{bound}); Ctrl-C stops")
        await server.serving()
    finally:
        await server.stop()
        if warming is not None:
            await asyncio.gather(warming, return_exceptions=True)
        built.close()


async def warm(env: Env) -> None:
    """Count the earlier weeks once, beside serving (bot/usecases/views/warm.py)."""
    from bot.usecases.views.warm import warm_up

    log = logging.getLogger("est-bot")
    try:
        weeks = await asyncio.to_thread(warm_up, env)
    except Exception as exc:  # the pages count for themselves when first asked
        log.warning("web view: counting the earlier weeks at start failed (%s)", type(exc).__name__)
        return
    log.info("web view: %d earlier weeks counted", weeks)


def register(app: typer.Typer) -> None:
    app.command()(web)
