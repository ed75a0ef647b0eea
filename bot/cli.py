"""est-bot's command line, and the composition root for each command."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot import cli_backtest, cli_metrics, cli_ops, cli_reports
from bot.cli_common import DEFAULT_CONFIG, ConfigOpt, build_app, fail, load
from bot.cli_doctor import doctor
from bot.cli_email import email_app
from bot.clock import Clock
from bot.config import Config, Secrets
from bot.engine import Runner
from bot.stopping import Stop

if TYPE_CHECKING:
    from bot.ports.pacing import Limiter
    from bot.usecases.context import Env

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    # A bug's traceback is still printed, but never the values of local variables: they hold tokens and what
    # people typed.
    pretty_exceptions_show_locals=False,
    # Help texts name settings as they are written, "[web] port": not Rich markup, which would swallow "[web]".
    rich_markup_mode=None,
    help="est-bot: EST (Effektiv samordning för trygghet) in Slack, Telegram and the terminal.",
)

#: The years `--at` and `--from` may name: the calendar's edges (year 1, year 9999) overflow in time zone sums.
FIRST_YEAR, LAST_YEAR = 1970, 2100


def _clock(at: str | None, cfg: Config) -> Clock:
    """The system clock, or with `--at` one that starts at that moment (the first group's time zone if none is
    given) and runs on from there."""
    from bot.clock import OffsetClock, SystemClock

    if at is None:
        return SystemClock()
    try:
        local = datetime.fromisoformat(at)
    except ValueError:
        raise fail(f"--at {at!r}: write the time as YYYY-MM-DDTHH:MM") from None
    if not FIRST_YEAR <= local.year <= LAST_YEAR:
        raise fail(f"--at {at!r}: give a time in the years {FIRST_YEAR} to {LAST_YEAR}")
    return OffsetClock(local if local.tzinfo else local.replace(tzinfo=cfg.groups[0].tz))


def _log_secrets() -> tuple[str | None, ...]:
    secrets = Secrets()
    return (
        secrets.telegram_token,
        secrets.telegram_webhook_secret,
        secrets.slack_bot_token,
        secrets.slack_app_token,
        secrets.slack_signing_secret,
        secrets.database_url,
        secrets.web_secret,
    )


@app.callback()
def _protected_logging(ctx: typer.Context) -> None:
    # Every command logs through the same protected set-up (bot/logs.py: libraries at WARNING without the
    # bodies they quote, secrets out, personal data masked), installed here once, before the command runs.
    # `run` logs what it does at INFO; the other commands only what goes wrong, unless EST_LOG_LEVEL says more.
    from bot import logs

    default = "INFO" if ctx.invoked_subcommand == "run" else "WARNING"
    level = os.environ.get("EST_LOG_LEVEL", "").strip().upper() or default
    if level not in logs.LEVELS:
        raise fail(f"EST_LOG_LEVEL={level!r}: allowed: {', '.join(logs.LEVELS)}")
    logs.setup(level, _log_secrets())


@app.command()
def schedule(
    config: ConfigOpt = DEFAULT_CONFIG,
    group: Annotated[str | None, typer.Option(help="Group id (default: every group).")] = None,
    from_: Annotated[str | None, typer.Option("--from", help="Start date YYYY-MM-DD (default: today).")] = None,
    weeks: Annotated[int, typer.Option(min=1, max=104, help="How many weeks.")] = 4,
    at: Annotated[
        str | None, typer.Option(help="Show the schedule as at this local time (YYYY-MM-DDTHH:MM), as chat --at.")
    ] = None,
) -> None:
    """Print the coming phase times in each group's local time; past ones marked done or left out."""
    from bot.domain.cycle import week_plan
    from bot.text import t

    cfg = load(config)
    try:
        first = date.fromisoformat(from_) if from_ else datetime.now(cfg.groups[0].tz).date()  # the group's today
    except ValueError:
        raise fail(f"--from {from_!r}: write the date as YYYY-MM-DD") from None
    if not FIRST_YEAR <= first.year <= LAST_YEAR:
        raise fail(f"--from {from_!r}: give a date in the years {FIRST_YEAR} to {LAST_YEAR}")
    now = _clock(at, cfg).now()
    groups = cfg.groups
    if group is not None:
        groups = [g for g in cfg.groups if g.id == group]
        if not groups:
            raise fail(f"--group {group!r}: unknown group; allowed: {', '.join(g.id for g in cfg.groups)}")
    built = build_app(cfg, sync=False)  # the rounds stored so far say which phases are done
    try:
        for g in groups:
            start = date.fromisoformat(from_) if from_ else now.astimezone(g.tz).date()  # checked above
            reached = {}
            with built.services.unit() as uow:
                for r in uow.rounds.recent_rounds(g.id, 1000):
                    reached[r.key] = r.phase
            typer.echo(f"{g.name} ({g.id}, {g.timezone})")
            for row in week_plan(g.week_schedule(), g.tz, start, weeks, now, reached):
                day = t(g.language, f"day.{row.due.isoweekday()}")
                mark = "" if row.status == "coming" else f" – {t(g.language, f'schedule.{row.status}')}"
                phase = t(g.language, f"phase.{row.phase}")
                typer.echo(f"  {row.key}  {day:<8} {row.due:%Y-%m-%d %H:%M %Z}  {phase}{mark}")
    finally:
        built.close()


@app.command()
def chat(
    as_: Annotated[str, typer.Option("--as", help="Your name (or console id) as in the configuration.")],
    config: ConfigOpt = DEFAULT_CONFIG,
    at: Annotated[
        str | None,
        typer.Option(
            help="Pretend the time is this local time (YYYY-MM-DDTHH:MM), to try a week; the clock runs on from "
            "there, so give each later run a later time.",
        ),
    ] = None,
) -> None:
    """Talk to the bot in this terminal as a reporter or coordinator."""
    from handlers.console.chat import run_chat
    from handlers.console.runner import ConsoleRunner

    cfg = load(config)
    clock = _clock(at, cfg)
    console = ConsoleRunner(sys.stdout)
    # E-mail is queued here and sent by `est-bot run` (the outbox is shared): a coordinator in the terminal
    # reaches the reporters by e-mail with `påminn`, `rapportör ny … | e-post`, and `status` shows their mail.
    platforms = ("console", "email") if cfg.email.enabled else ("console",)
    built = build_app(cfg, clock=clock, senders={"console": console.sender}, platforms=platforms)
    try:
        console.start(built.core, built.dispatcher)
        try:
            code = run_chat(built.core, console, as_, sys.stdin, sys.stdout, interactive=sys.stdin.isatty())
        finally:
            console.stop()
    finally:
        built.close()
    raise typer.Exit(code)


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the reports and the database.")] = Path("demo-output"),
    seed: Annotated[int, typer.Option(help="Random seed of the simulated people.")] = 2026,
) -> None:
    """Play a whole EST week for 40 reporters offline and write its reports."""
    from bot.demo import run_demo

    with cli_reports.writing(cli_reports.out_folder(out)):
        run_demo(out, seed=seed, echo=sys.stdout)


@app.command()
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
        _web_secret(secrets)
    if cfg.email.enabled and cfg.email.username and not secrets.smtp_password:
        raise fail(
            "[email] username is set but EST_SMTP_PASSWORD (that account's password on the SMTP server) is not set "
            "in the environment"
        )
    clock = _clock(at, cfg)
    stop = Stop(cfg.run.stop_grace_seconds)  # SIGTERM and SIGINT stop it cleanly (bot/stopping.py)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C before the handlers are in place
        try:
            asyncio.run(_run(cfg, secrets, clock, stop))
        except BaseException:
            stop.abandon()  # an error ends the run: it is reported as it is, not as a stop
            raise
    stop.done()  # after asyncio.run, which waits for the threads still sending


def _web_secret(secrets: Secrets) -> str:
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


def _not_listening(where: object) -> typer.Exit:
    return fail(f"the web view cannot listen on {where}: the port is taken or not allowed; set [web] port", 1)


@app.command()
def web(
    config: ConfigOpt = DEFAULT_CONFIG,
    port: Annotated[
        int | None, typer.Option(min=0, max=65535, help="Listen on this port instead of [web] port.")
    ] = None,
) -> None:
    """Serve the read-only web view (weeks, trends, map, actions, statistics) alone, without the chats."""
    cfg = load(config)
    secret = _web_secret(Secrets())
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_web(cfg, secret, port))


async def _web(cfg: Config, secret: str, port: int | None) -> None:
    from bot.bootstrap import tune_runtime
    from handlers.web.app import build_web_app
    from handlers.web.server import NotListening, WebServer

    built = build_app(cfg)
    server = WebServer(build_web_app(built.services.env, secret), cfg.web, port)
    warm: asyncio.Task[None] | None = None
    try:
        try:
            bound = await server.start()
        except NotListening as exc:
            raise _not_listening(exc) from None
        tune_runtime()
        warm = asyncio.create_task(_warm(built.services.env))
        typer.echo(f"web view: {cfg.web.base_url} (listening on {cfg.web.listen}:{bound}); Ctrl-C stops")
        await server.serving()
    finally:
        await server.stop()
        if warm is not None:
            await asyncio.gather(warm, return_exceptions=True)
        built.close()


async def _warm(env: Env) -> None:
    """Count the earlier weeks once, beside serving (bot/usecases/views/warm.py)."""
    from bot.usecases.views.warm import warm_up

    log = logging.getLogger("est-bot")
    try:
        weeks = await asyncio.to_thread(warm_up, env)
    except Exception as exc:  # the pages count for themselves when first asked
        log.warning("web view: counting the earlier weeks at start failed (%s)", type(exc).__name__)
        return
    log.info("web view: %d earlier weeks counted", weeks)


def _limiter(cfg: Config) -> tuple[Limiter, Callable[[], None], Callable[[], str | None]]:
    """The bot's pacing, how to close it, and what keeps it from working (None: nothing; else one line): on
    PostgreSQL shared by every process (storage/pacing.py, on a small pool of its own, calling the functions of
    schema revision 0009), on SQLite (one process) in memory."""
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

        links = MailLinks(cfg.web.base_url, _web_secret(secrets))
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

        web_server = WebServer(build_web_app(built.services.env, _web_secret(secrets)), cfg.web, own_signals=False)
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
                raise _not_listening(exc) from None
            log.info("web view: %s (listening on %s:%d)", cfg.web.base_url, cfg.web.listen, bound)
            tasks.append(asyncio.create_task(_warm(built.services.env)))
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


@app.command()
def invite(
    name: Annotated[str, typer.Argument(help="The person's name as in the configuration or `reporter list`.")],
    config: ConfigOpt = DEFAULT_CONFIG,
    group: Annotated[str | None, typer.Option(help="Group id (default: the first group).")] = None,
    days: Annotated[int, typer.Option(min=1, max=90, help="How many days the invitation is valid.")] = 14,
) -> None:
    """Make a one-time invitation that links a Telegram account to a person."""

    cfg = load(config)
    gid = group or cfg.groups[0].id
    if gid not in [g.id for g in cfg.groups]:
        raise fail(f"--group {gid!r}: unknown group; allowed: {', '.join(g.id for g in cfg.groups)}")
    built = build_app(cfg)
    try:
        with built.services.unit() as uow:
            person = uow.people.person_by_name(gid, name)
            if person is None or not person.active:
                raise fail(f"nobody called {name!r} in {gid}; see `reporter list` in `est-bot chat`")
            _, link, expires = built.services.create_invite(uow, person, days)
            uow.audit.audit(built.services.clock.now(), gid, "cli", "invite", {"person": person.name})
            uow.commit()
    finally:
        built.close()
    typer.echo(f"{person.name}: {link}  (once, until {expires:%Y-%m-%d %H:%M} UTC)")


@app.command("import")
def import_(
    kind: Annotated[
        str, typer.Argument(help="police (reported crimes, Brå), vandalism (the municipality's) or events.")
    ],
    file: Annotated[Path, typer.Argument(help="A .csv or .xlsx file (police, vandalism) or a .json file (events).")],
    config: ConfigOpt = DEFAULT_CONFIG,
    group: Annotated[str | None, typer.Option(help="Group id (default: the first group).")] = None,
) -> None:
    """Import statistics for the monthly follow-up; a re-import adds nothing twice (docs/STATISTICS.md)."""
    from bot.stats.importers import KINDS, ImportFailed
    from bot.usecases.statistics import import_file

    cfg = load(config)
    if kind not in KINDS:
        raise fail(f"{kind!r}: unknown kind of file; allowed: {', '.join(KINDS)}")
    gid = group or cfg.groups[0].id
    if gid not in [g.id for g in cfg.groups]:
        raise fail(f"--group {gid!r}: unknown group; allowed: {', '.join(g.id for g in cfg.groups)}")
    built = build_app(cfg)
    try:
        report = import_file(built.services.env, gid, kind, file)
    except ImportFailed as exc:
        raise fail(f"{exc} (nothing was imported)", 1) from None
    finally:
        built.close()
    typer.echo(report.text())


@app.command()
def audit(
    config: ConfigOpt = DEFAULT_CONFIG,
    group: Annotated[str | None, typer.Option(help="Only this group.")] = None,
    limit: Annotated[int, typer.Option(min=1)] = 100,
) -> None:
    """Print the latest coordinator changes and phase steps."""

    cfg = load(config)
    built = build_app(cfg, sync=False)
    try:
        with built.services.unit() as uow:
            for at, gid, actor, action, detail in uow.audit.audit_log(group, limit):
                typer.echo(f"{at:%Y-%m-%d %H:%M:%S}Z {gid} {actor}: {action} {detail}")
    finally:
        built.close()


cli_ops.register(app)  # migrate, backup, restore
cli_reports.register(app)  # report, export, followup
cli_backtest.register(app)  # backtest
app.command()(doctor)  # doctor
app.add_typer(email_app, name="email")  # email test


def main() -> None:
    app()


if __name__ == "__main__":
    main()
