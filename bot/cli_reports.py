"""The document commands of the CLI: `report`, `export` and `followup` (registered on the app by bot/cli.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from bot.cli_common import DEFAULT_CONFIG, ConfigOpt, build_app, fail, load
from bot.config import Config, GroupConfig
from bot.domain.cycle import RoundKey

GroupOpt = Annotated[str | None, typer.Option("--group", help="Group id (default: the first group).")]
LangOpt = Annotated[str | None, typer.Option("--lang", help="sv or en (default: the group's language).")]


def out_file(path: Path | None, example: str) -> Path | None:
    """`--out` for one file: a new file in a folder that can be written (exit 2 for a folder or a file that
    exists: nothing is overwritten; exit 1 for a place that cannot be written)."""
    if path is None:
        return None
    if path.is_dir():
        raise fail(f"--out {path}: this is a folder; name the file to write, e.g. {path / example}")
    if path.exists() or path.is_symlink():
        raise fail(f"--out {path}: the file exists; name a new file, or remove the old one first")
    _writable(path, path.parent)
    return path


def out_folder(path: Path) -> Path:
    """`--out` for a folder of files: a folder (made if needed) that can be written (exit 2 for a file that
    exists, exit 1 for a place that cannot be written)."""
    if path.exists() and not path.is_dir():
        raise fail(f"--out {path}: this is a file, not a folder; name a folder (it is made if it does not exist)")
    _writable(path, path)
    return path


def _writable(out: Path, folder: Path) -> None:
    here = folder.absolute()
    while not here.exists() and here != here.parent:
        here = here.parent
    if not here.is_dir():
        raise fail(f"--out {out}: cannot be written there, {here} is a file and not a folder", 1)
    if not os.access(here, os.W_OK | os.X_OK):
        raise fail(f"--out {out}: cannot be written there, no permission to write in {here}", 1)


@contextmanager
def writing(out: Path | None) -> Iterator[None]:
    """An operating-system error while the files are written (a full disk, a read-only place) as one line."""
    try:
        yield
    except OSError as exc:
        where = exc.filename or out or "the reports folder"
        raise fail(f"cannot write {where}: {exc.strerror or exc}; choose another place with --out", 1) from None


def _setup(config: Path, group: str | None, lang: str | None) -> tuple[Config, GroupConfig, str]:

    cfg = load(config)
    gid = group or cfg.groups[0].id
    found = [g for g in cfg.groups if g.id == gid]
    if not found:
        raise fail(f"--group {gid!r}: unknown group; allowed: {', '.join(g.id for g in cfg.groups)}")
    if lang is not None and lang not in ("sv", "en"):
        raise fail(f"--lang {lang!r}: choose sv or en")
    return cfg, found[0], lang or found[0].language


def _week(option: str, value: str) -> RoundKey:
    try:
        return RoundKey.parse(value)
    except ValueError as exc:
        raise fail(f"{option} {value!r}: {exc}") from None


def _choice(option: str, value: str, allowed: tuple[str, ...]) -> str:
    if value.lower() not in allowed:
        raise fail(f"{option} {value!r}: choose {', '.join(allowed[:-1])} or {allowed[-1]}")
    return value.lower()


def report(
    week: Annotated[str, typer.Option("--week", help="The ISO week, e.g. 2026-W47.")],
    config: ConfigOpt = DEFAULT_CONFIG,
    format_: Annotated[str, typer.Option("--format", help="pdf, html or md.")] = "pdf",
    group: GroupOpt = None,
    lang: LangOpt = None,
    out: Annotated[Path | None, typer.Option("--out", help="The file to write (default: the reports folder).")] = None,
) -> None:
    """Write the Friday weekly report of a finalised week as PDF, HTML or Markdown."""
    from bot.usecases.reports import REPORT_FORMATS, ReportError, report_round, weekly_report

    key = _week("--week", week)
    fmt = _choice("--format", format_, REPORT_FORMATS)
    out = out_file(out, f"veckorapport-{key}.{fmt}")
    cfg, g, language = _setup(config, group, lang)
    built = build_app(cfg, sync=False)
    try:
        with built.services.unit() as uow:
            try:
                rnd = report_round(uow, g, key)
            except ReportError as exc:
                raise fail(exc.text("en")) from None
            with writing(out):
                path = weekly_report(built.services.env, uow, g, rnd, language, fmt, out)
    finally:
        built.close()
    typer.echo(str(path))


def export(
    from_: Annotated[str, typer.Option("--from", help="The first ISO week, e.g. 2026-W40.")],
    to: Annotated[str, typer.Option("--to", help="The last ISO week, e.g. 2026-W47.")],
    out: Annotated[Path, typer.Option("--out", help="The folder to write the files in.")],
    config: ConfigOpt = DEFAULT_CONFIG,
    format_: Annotated[str, typer.Option("--format", help="csv (a file per kind) or xlsx (one workbook).")] = "xlsx",
    what: Annotated[str, typer.Option("--what", help="answers, pictures, actions or all.")] = "all",
    group: GroupOpt = None,
    lang: LangOpt = None,
) -> None:
    """Export answers (organisation, never the person), pictures and actions for a range of weeks."""
    from bot.domain.cycle import local_round_key
    from bot.usecases.reports import KINDS, ReportError
    from bot.usecases.reports import export as do_export

    first, last = _week("--from", from_), _week("--to", to)
    fmt = _choice("--format", format_, ("csv", "xlsx"))
    kind = _choice("--what", what, (*KINDS, "all"))
    out = out_folder(out)
    cfg, g, language = _setup(config, group, lang)
    built = build_app(cfg, sync=False)
    try:
        now = local_round_key(built.services.clock.now(), g.tz)
        with built.services.unit() as uow:
            try:
                with writing(out):
                    result = do_export(
                        uow, g, first, last, fmt, KINDS if kind == "all" else (kind,), out, language, now
                    )
            except ReportError as exc:
                raise fail(exc.text("en")) from None
    finally:
        built.close()
    for path in result.files:
        typer.echo(str(path))
    typer.echo(f"{result.answers} answers, {result.cells} cells, {result.actions} actions", err=True)


def followup(
    year: Annotated[int | None, typer.Option("--year", help="The year, e.g. 2026 (default: this year).")] = None,
    config: ConfigOpt = DEFAULT_CONFIG,
    format_: Annotated[str, typer.Option("--format", help="pdf or html.")] = "pdf",
    group: GroupOpt = None,
    lang: LangOpt = None,
    out: Annotated[Path | None, typer.Option("--out", help="The file to write (default: the reports folder).")] = None,
) -> None:
    """Write the yearly follow-up of decided actions for the steering group."""
    from bot.domain.cycle import local_round_key
    from bot.usecases.reports import FOLLOWUP_FORMATS, ReportError, followup_document

    fmt = _choice("--format", format_, FOLLOWUP_FORMATS)
    out = out_file(out, f"uppfoljning.{fmt}")
    cfg, g, language = _setup(config, group, lang)
    built = build_app(cfg, sync=False)
    try:
        now = local_round_key(built.services.clock.now(), g.tz)
        with built.services.unit() as uow:
            try:
                with writing(out):
                    path, _ = followup_document(built.services.env, uow, g, year or now.year, fmt, language, now, out)
            except ReportError as exc:
                raise fail(exc.text("en")) from None
    finally:
        built.close()
    typer.echo(str(path))


def register(app: typer.Typer) -> None:
    app.command()(report)
    app.command()(export)
    app.command()(followup)
