"""`est-bot run`: its checks of the settings and secrets, and the composition of a running bot (the platforms'
runners, the bot's pacing, the core and its outbox, the schedule under the leadership, the web view and the
metrics), then its stop in order (docs/OPERATIONS.md)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated

import typer

from bot import cli_metrics
from bot.cli_common import DEFAULT_CONFIG, ConfigOpt, build_app, clock_at, fail, load
from bot.cli_web import not_listening, warm, web_secret
from bot.clock import Clock
from bot.config import Config, Secrets
from bot.engine import Runner
from bot.stopping import Stop

if TYPE_CHECKING:
    from bot.ports.pacing import Limiter


def run(
    config: ConfigOpt = DEFAULT_CONFIG,
    at: Annotated[
        str | None,
        typer.Option(help="Pretend the time is this local time (YYYY-MM-DDTHH:MM): to try a week on a test server."),
    ] = None,
) -> None:
    """Start the scheduler and the platforms the configuration enables."""
    cfg = load(config)
    secrets = Secrets()
    if cfg.slack.enabled and not secrets.slack_bot_token:
        raise fail("slack is enabled but EST_SLACK_BOT_TOKEN (xoxb-…) is not set in the environment")
    if cfg.slack.enabled and cfg.slack.mode == "socket" and not secrets.slack_app_token:
        raise fail(
            "slack.mode = 'socket' needs EST_SLACK_APP_TOKEN (xapp-…, with connections:write) in the environment"
        )
    if cfg.slack.enabled and cfg.slack.mode == "http" and not secrets.slack_signing_secret:
        raise fail("slack.mode = 'http' needs EST_SLACK_SIGNING_SECRET (the app's Signing Secret) in the environment")
    if cfg.telegram.enabled and not secrets.telegram_token:
        raise fail("telegram is enabled but EST_TELEGRAM_TOKEN is not set in the environment")
    webhook = cfg.telegram.enabled and cfg.telegram.mode == "webhook"
    if webhook and not cfg.telegram.webhook_url:
        raise fail("telegram.mode = 'webhook' needs telegram.webhook_url, the public URL Telegram calls")
    if webhook and not secrets.telegram_webhook_secret:
        raise fail(
            "telegram.mode = 'webhook' needs EST_TELEGRAM_WEBHOOK_SECRET in the environment "
            "(1-256 characters A-Z, a-z, 0-9, _ and -)"
        )
    if cfg.web.enabled:
        web_secret(secrets)
    if cfg.email.enabled and cfg.email.username and not secrets.smtp_password:
        raise fail(
            "[email] username is set but EST_SMTP_PASSWORD (that account's password on the SMTP server) is not set "
            "in the environment"
        )
    clock = clock_at(at, cfg)
    stop = Stop(cfg.run.stop_grace_seconds)  # SIGTERM and SIGINT stop it cleanly (bot/stopping.py)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C before the handlers are in place
        try:
            asyncio.run(_run(cfg, secrets, clock, stop))
        except BaseException:
            stop.abandon()  # an error ends the run: it is reported as it is, not as a stop
            raise
    stop.done()  # after asyncio.run, which waits for the threads still sending


def _limiter(cfg: Config) -> tuple[Limiter, Callable[[], None], Callable[[], str | None]]:
    """The bot's pacing, how to close it, and what keeps it from working (None: nothing; else one line): on
    PostgreSQL shared by every process (storage/pacing.py, on a small pool of its own, calling the functions of
    schema revisions 0009 and 0010), on SQLite (one process) in memory."""
    from bot.ratelimit import RateLimiter

    if not cfg.database.url.startswith("postgresql"):
        return RateLimiter(), lambda: None, lambda: None
    from sqlalchemy.exc import ArgumentError

    from storage.db import make_engine
    from storage.pacing import SharedLimiter, problem

    try:
        engine = make_engine(cfg.database.url, pool_size=4, max_overflow=8)  # a connection per sending thread
    except (ImportError, ArgumentError, TypeError, ValueError):
        # a URL no engine is made of: build_app's own check says why in one line and stops, before any send
        return RateLimiter(), lambda: None, lambda: None
    return SharedLimiter(engine), engine.dispose, lambda: problem(engine)


def _runners(cfg: Config, secrets: Secrets, limiter: Limiter | None = None) -> list[Runner]:
    """The enabled platforms' runners (made inside the event loop: Telegram's sender runs its calls on it), all
    pacing with `limiter` (the bot's: `_limiter`)."""
    from bot.ratelimit import RateLimiter

    limiter = limiter or RateLimiter()
    runners: list[Runner] = []
    if cfg.telegram.enabled:
        from handlers.telegram.runner import TelegramRunner

        assert secrets.telegram_token is not None
        coordinators = [
            r.telegram
            for g in cfg.groups
            for r in g.reporters
            if r.telegram is not None and r.role in ("coordinator", "admin")
        ]
        runners.append(
            TelegramRunner(cfg.telegram, secrets.telegram_token, secrets.telegram_webhook_secret, coordinators, limiter)
        )
    if cfg.slack.enabled:
        from handlers.slack.runner import SlackRunner

        assert secrets.slack_bot_token is not None
        runners.append(
            SlackRunner(
                cfg.slack,
                bot_token=secrets.slack_bot_token,
                app_token=secrets.slack_app_token,
                signing_secret=secrets.slack_signing_secret,
                lang=cfg.groups[0].language,
                limiter=limiter,
            )
        )
    if cfg.email.enabled:  # the links in the e-mails point to the web view (config: [email] needs [web])
        from handlers.email.render import MailLinks
        from handlers.email.runner import EmailRunner

        links = MailLinks(cfg.web.base_url, web_secret(secrets))
        runners.append(EmailRunner(cfg.email, secrets.smtp_password, links, limiter=limiter))
    return runners


async def _run(cfg: Config, secrets: Secrets, clock: Clock, stop: Stop) -> None:
    """`est-bot run` composed: the platforms' runners, the core and its outbox, the schedule under the
    leadership; then wait, and stop them in order."""
    from bot.bootstrap import tune_runtime
    from bot.leader import lead_forever
    from bot.retry import keep_trying
    from bot.scheduler import build_scheduler
    from bot.usecases.privacy import add_retention_job
    from storage.leadership import DatabaseLeadership

    log = logging.getLogger("est-bot")  # set up, with every other command's log, in _protected_logging
    limiter, close_limiter, pacing_problem = _limiter(cfg)
    runners = _runners(cfg, secrets, limiter)
    senders = {r.platform: r.sender for r in runners}
    metrics = cli_metrics.instruments(cfg)
    built = build_app(cfg, clock=clock, senders=senders, platforms=tuple(senders), instruments=metrics, limiter=limiter)
    if said := await asyncio.to_thread(pacing_problem):  # after the migration: at start, not at the first send
        built.close()
        close_limiter()
        raise fail(said, 1)  # like build_app's refusals: nothing has started yet
    scheduler = build_scheduler(built.services, cfg.run.tick_seconds)
    add_retention_job(scheduler, built.services.env, limiter)
    chart_pool = None
    if cfg.run.chart_workers:  # the draft's charts drawn off the critical path (bot/reports/chart_pool.py)
        from bot.reports.chart_pool import ChartPool

        chart_pool = built.services.env.chart_pool = ChartPool(cfg.run.chart_workers)
    leadership = DatabaseLeadership(built.engine)
    tasks: list[asyncio.Task[None]] = []
    web_server = None
    if cfg.web.enabled:  # the web view on the same event loop
        from handlers.web.app import build_web_app
        from handlers.web.server import NotListening, WebServer

        web_server = WebServer(build_web_app(built.services.env, web_secret(secrets)), cfg.web, own_signals=False)
    metrics_server = None  # /healthz, /readyz and /metrics on a port of their own
    if metrics is not None:
        metrics_server = cli_metrics.metrics_server(cfg, metrics, built.engine, leadership.leader_exists, clock.now)

    async def gain() -> None:
        # The leader runs the schedule and whatever a platform leaves to one process (Telegram's polling).
        # Every process takes events and sends the outbox.
        scheduler.resume()
        for runner in runners:
            await runner.lead()
        await asyncio.to_thread(built.services.tick)

    async def loss() -> None:
        scheduler.pause()
        for runner in runners:
            await runner.step_down()

    def starter(runner: Runner) -> Callable[[], Awaitable[None]]:
        async def start() -> None:
            await runner.start(built.core, built.dispatcher)

        return start

    try:
        stop.install(asyncio.get_running_loop())  # a signal during the start is taken once it is done
        # A platform that cannot be reached is tried again with backoff (bot/retry.py) while the schedule, the
        # outbox and the other platforms run: the start never waits for it.
        for runner in runners:
            trying = keep_trying(runner.name, starter(runner), refused=runner.refused, secret=runner.secret)
            tasks.append(asyncio.create_task(trying))
        scheduler.start(paused=True)
        tune_runtime()
        tasks.append(asyncio.create_task(lead_forever(leadership, gain, loss, cfg.run.leader_retry_seconds)))
        if web_server is not None:
            try:
                bound = await web_server.start()
            except NotListening as exc:
                raise not_listening(exc) from None
            log.info("web view: %s (listening on %s:%d)", cfg.web.base_url, cfg.web.listen, bound)
            tasks.append(asyncio.create_task(warm(built.services.env)))
        if metrics_server is not None:
            await cli_metrics.start(metrics_server, cfg)
        log.info(
            "running: %d %s, platforms: %s; Ctrl-C or SIGTERM stops",
            len(cfg.groups),
            "group" if len(cfg.groups) == 1 else "groups",
            ", ".join(senders) or "none (use `est-bot chat`)",
        )
        await stop.wait()
    finally:
        stop.begin()
        stop.at("stopping the web view, the metrics and the schedule")
        built.dispatcher.stop_claiming()  # the drains finish the message they are sending, and no more
        if metrics_server is not None:
            await metrics_server.stop()
        if web_server is not None:
            await web_server.stop()
        scheduler.shutdown(wait=False)
        if chart_pool is not None:  # charts not drawn yet stay owed (rounds.charts_owed): the next start draws them
            chart_pool.close(wait=False)
        for task in tasks:
            task.cancel()
        stop.at("taking no more events and handling those already acknowledged")
        for runner in runners:
            await runner.stop()
        # Drains still running in threads finish their message before the platform clients shut down; what is
        # left waits in the outbox for the next start.
        stop.at("waiting for the message being sent")
        if await asyncio.to_thread(built.dispatcher.close, max(0.1, stop.remaining() - 1)):
            stop.at("giving back the outbox rows this process held")
            if released := await asyncio.to_thread(built.dispatcher.release_held):
                log.info("%d outbox rows this process held were given back to be sent by the next one", released)
        else:
            log.warning("a drain was still sending at shutdown; its message will be sent again after a restart")
        stop.at("closing the platforms")
        for runner in runners:
            await runner.close()
        stop.at("giving up the scheduler's leadership")
        await asyncio.to_thread(leadership.release)
        built.close()
        close_limiter()
        stop.at("waiting for the threads still sending or handling to end")


def register(app: typer.Typer) -> None:
    app.command()(run)
