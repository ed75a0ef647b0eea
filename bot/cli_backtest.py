"""`est-bot backtest`: a group's stored weeks replayed through the "what stands out" rule with today's settings
and with alternatives (bot/usecases/backtest.py; docs/DETECTION.md, "Backtest"). Registered on the app by
bot/cli.py."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli_common import DEFAULT_CONFIG, ConfigOpt, build_app, fail, load

SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="KEY=VALUE[,KEY=VALUE…]",
        help="An alternative to today's [groups.detection]: key=value, several keys of one alternative separated "
        "by commas (--set ewma_limit=2.0,min_level=1.2); each --set is one more alternative (at most 5).",
    ),
]


def backtest(
    config: ConfigOpt = DEFAULT_CONFIG,
    group: Annotated[str | None, typer.Option("--group", help="Group id (default: the first group).")] = None,
    weeks: Annotated[int, typer.Option("--weeks", help="How many weeks to replay, ending with the latest.")] = 52,
    set_: SetOpt = None,
    lang: Annotated[str | None, typer.Option("--lang", help="sv or en (default: the group's language).")] = None,
) -> None:
    """Replay the group's stored weeks through the rising-level rule with today's settings and alternatives:
    flags per week, the cells, and whether the meeting's decided actions were flagged, and how early."""
    from bot.reports.backtest import backtest_text
    from bot.usecases.backtest import MAX_WEEKS, BadAlternative, parameter_sets, run_backtest

    cfg = load(config)
    gid = group or cfg.groups[0].id
    found = [g for g in cfg.groups if g.id == gid]
    if not found:
        raise fail(f"--group {gid!r}: unknown group; allowed: {', '.join(g.id for g in cfg.groups)}")
    g = found[0]
    if lang is not None and lang not in ("sv", "en"):
        raise fail(f"--lang {lang!r}: choose sv or en")
    if not 1 <= weeks <= MAX_WEEKS:
        raise fail(f"--weeks {weeks}: choose a number of weeks from 1 to {MAX_WEEKS}")
    try:
        sets = parameter_sets(g, set_ or [], "--set")
    except BadAlternative as exc:
        raise fail(str(exc)) from None
    built = build_app(cfg, sync=False)
    try:
        with built.services.unit() as uow:
            result = run_backtest(uow, g, weeks, sets)
    finally:
        built.close()
    if result is None or not result.replay.weeks:
        raise fail(f"group {g.id!r} has no stored weeks with reports to replay yet", 1)
    typer.echo(backtest_text(result, lang or g.language))


def register(app: typer.Typer) -> None:
    app.command()(backtest)
