"""est-bot's command line, and the composition root for each command."""

from __future__ import annotations

import gc
import os
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from bot import cli_backtest, cli_ops, cli_reports, cli_run, cli_web
from bot.cli_common import (
    DEFAULT_CONFIG,
    FIRST_YEAR,
    LAST_YEAR,
    ConfigOpt,
    build_app,
    clock_at,
    fail,
    load,
    no_such_day,
)
from bot.cli_doctor import doctor
from bot.cli_email import email_app
from bot.config import Secrets

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
        raise fail(f"--from {from_!r}: {no_such_day(from_ or '', time=False)}write the date as YYYY-MM-DD") from None
    if not FIRST_YEAR <= first.year <= LAST_YEAR:
        raise fail(f"--from {from_!r}: give a date in the years {FIRST_YEAR} to {LAST_YEAR}")
    now = clock_at(at, cfg).now()
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
    as_: Annotated[str, typer.Option("--as", help="Your name, first name or console id, as in the configuration.")],
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
    clock = clock_at(at, cfg)
    console = ConsoleRunner(sys.stdout)
    # E-mail is queued here and sent by `est-bot run` (the outbox is shared): a coordinator in the terminal
    # reaches the reporters by e-mail with `påminn`, `rapportör ny … | e-post`, and `status` shows their mail.
    platforms = ("console", "email") if cfg.email.enabled else ("console",)
    built = build_app(cfg, clock=clock, senders={"console": console.sender}, platforms=platforms)
    try:
        console.start(built.core, built.dispatcher)
        try:
            code = run_chat(built.core, console, as_, sys.stdin, sys.stdout, interactive=sys.stdin.isatty())
        except BrokenPipeError:  # the reader of the output went away (`… | head`) while chat wrote its own lines
            console.sender.closed, code = True, 0
        finally:
            console.stop()
    finally:
        built.close()
    if console.sender.closed:
        # Nobody reads standard output any more: Python's last flush of it would print "Exception ignored …
        # BrokenPipeError" on the way out.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    raise typer.Exit(code)


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the reports and the database.")] = Path("demo-output"),
    seed: Annotated[int, typer.Option(help="Random seed of the simulated people.")] = 2026,
) -> None:
    """Play a whole EST week for 40 reporters offline and write its reports."""
    from bot.demo_files import files_ahead

    with cli_reports.writing(cli_reports.out_folder(out)), files_ahead() as files:
        from bot.demo import run_demo  # the bot's program loads while the chart worker starts on the other core

        run_demo(out, seed=seed, echo=sys.stdout, files=files)
    # The process ends now, its files written and closed: what it holds needs no walk of the garbage collector at
    # exit (a quarter of a second of the demo's five).
    gc.freeze()


cli_run.register(app)  # run (here, so that `--help` lists the commands in the same order as before)
cli_web.register(app)  # web


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
    limit: Annotated[int, typer.Option(min=1, help="How many entries, the latest first.")] = 100,
) -> None:
    """Print the latest coordinator changes and phase steps."""

    cfg = load(config)
    if group is not None and group not in {g.id for g in cfg.groups}:
        raise fail(f"--group {group!r}: unknown group; allowed: {', '.join(g.id for g in cfg.groups)}")
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
