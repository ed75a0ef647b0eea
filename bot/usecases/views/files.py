"""The read side of the web view's downloads: a week's report as HTML or PDF (the documents the bot broadcasts
on Friday, made by the same code: bot.usecases.reports.weekly_report), and a coordinator's export of a week (the
tables of the chat's `exportera`: bot.usecases.reports.export_tables, written by bot.reports.exports).

Each file is made in a temporary folder for the request and handed over as bytes, so two requests never write
one file and nothing is left behind in the reports folder.

The CSV export is the answers table alone (what `exportera VECKA csv svar` gives): a link ending in .csv gives
one CSV that a spreadsheet program opens as it is; the XLSX holds all three tables (answers, pictures,
actions), one sheet each, as `exportera VECKA xlsx` does. A web export is audited like the chat's.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.domain.cycle import RoundKey, local_round_key
from bot.domain.model import Person
from bot.reports.exports import write_csv, write_xlsx
from bot.usecases import meeting
from bot.usecases.context import Env
from bot.usecases.files import MIME, report_filename
from bot.usecases.reports import KINDS, export_stem, export_tables, write_weekly_report
from bot.usecases.views.mine import group_of, readable_round

REPORT_FORMATS: tuple[str, ...] = ("html", "pdf")
EXPORT_FORMATS: tuple[str, ...] = ("csv", "xlsx")
CSV_KINDS: tuple[str, ...] = ("answers",)


@dataclass(frozen=True)
class Download:
    filename: str
    media_type: str
    content: bytes


def report_download(env: Env, person: Person, week: str, fmt: str) -> Download | None:
    """The weekly report of `week` in the person's language, if they may read it (views.mine.readable_round)."""
    if fmt not in REPORT_FORMATS:
        raise ValueError(fmt)
    group = group_of(env, person)
    lang = person.language
    with env.unit() as uow:
        rnd = readable_round(uow, group, person, week, env.clock.now())
        if rnd is None:
            return None
        pic = meeting.picture(env, uow, group, rnd, lang)
        decisions = meeting.decisions(uow, rnd, lang)
    # drawn after the unit of work: on SQLite a unit holds the process's one writer lock, and a PDF takes a second
    name = report_filename(rnd.key, lang, fmt)
    with tempfile.TemporaryDirectory(prefix="est-web-") as tmp:
        path = write_weekly_report(env, group, rnd, pic, decisions, fmt, Path(tmp) / name)
        return Download(name, MIME[fmt], path.read_bytes())


def export_download(env: Env, person: Person, week: str, fmt: str) -> Download | None:
    """A coordinator's export of one week: CSV of the answers, or XLSX of all tables; None for a week with no
    round or for anyone but a coordinator."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(fmt)
    try:
        key = RoundKey.parse(week)
    except ValueError:
        return None
    group = group_of(env, person)
    now = env.clock.now()
    kinds = CSV_KINDS if fmt == "csv" else KINDS
    if not person.has_role("coordinator"):  # the page is for coordinators; checked here again all the same
        return None
    with env.unit() as uow:
        if uow.rounds.get_round(group.id, key) is None:
            return None
        tables = export_tables(uow, group, key, key, kinds, person.language, local_round_key(now, group.tz))
    stem = export_stem(group, key, key)
    with tempfile.TemporaryDirectory(prefix="est-web-") as tmp:  # written outside the unit of work, as above
        if fmt == "csv":
            (path,) = write_csv(tables, Path(tmp), stem)
        else:
            path = write_xlsx(tables, Path(tmp) / f"{stem}.xlsx")
        download = Download(path.name, MIME[fmt], path.read_bytes())
    with env.unit() as uow:
        what = "answers" if fmt == "csv" else "all"
        detail: dict[str, object] = {"from": str(key), "to": str(key), "format": fmt, "what": what, "via": "web"}
        uow.audit.audit(now, group.id, person.name, "export", detail)
        uow.commit()
    return download
