"""The demo's files: the week's charts and weekly reports made by a chart worker on the machine's other core while
the demo's events go on, and the last week's documents.

The bot waits for a report's files before its messages are queued (`ChartPool.run`). The demo need not: nobody
looks at a console message's attachments, so `FilesAhead.run` hands the job to the worker and answers at once
with the files the job makes. Whatever reads a file asks whether it is made (`made`) or waits for it (`ready`):
the e-mail sender, which puts the files in the e-mails and delivers an e-mail once they are made
(bot/demo_mail.py), and the last week's HTML report, which embeds its trend chart. Before
the demo ends every file is made (`finish`): a job that fails, or makes fewer files than it names, fails the demo
instead of leaving its output short. The files are those the bot draws itself, byte for byte (the same code, in
the worker), so the output does not depend on when a job is done.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from bot.reports.chart_cache import kept_in
from bot.reports.chart_pool import ChartPool, Job, PictureCharts, WeeklyPdf

if TYPE_CHECKING:  # the demo's command starts the worker with this module, before the bot's program is loaded
    from bot.bootstrap import App
    from bot.domain.cycle import RoundKey
    from bot.domain.model import Round
    from bot.ports import UnitOfWork


class FilesNotMade(Exception):
    pass


def named_files(job: Job) -> tuple[Path, ...]:
    """The files a job answers with when all goes well."""
    if isinstance(job, PictureCharts):
        return (job.heatmap,) + ((job.trend.path,) if job.trend is not None else ())
    return (job.path,)


def written_files(job: Job) -> tuple[Path, ...]:
    """Every file a job writes: those it answers with, and a weekly PDF's charts beside it."""
    if isinstance(job, WeeklyPdf):
        return (job.path, job.heatmap, job.trend.path)
    return named_files(job)


class FilesAhead(ChartPool):
    """A chart pool whose `run` does not wait: the files are made while the caller goes on."""

    def __init__(self) -> None:
        super().__init__(1)
        self._made: dict[Path, threading.Event] = {}
        self._errors: list[str] = []

    def run(self, job: Job) -> tuple[Path, ...]:
        paths = named_files(job)
        made = threading.Event()

        def done(files: tuple[Path, ...]) -> None:
            if set(files) != set(paths):
                self._errors.append(f"{type(job).__name__} made {sorted(map(str, files))} of {sorted(map(str, paths))}")
            made.set()

        def failed(error: str) -> None:
            self._errors.append(f"{type(job).__name__} of {paths[0].name}: {error}")
            made.set()

        for path in written_files(job):
            self._made[path.resolve()] = made
        self.submit(job, done, failed)
        return paths

    def made(self, paths: list[Path]) -> bool:
        """Whether the files that jobs make among `paths` are made (or failed: `ready` then says so)."""
        return all(made.is_set() for path in paths if (made := self._made.get(path.resolve())) is not None)

    def ready(self, paths: list[Path]) -> None:
        """Until the files that jobs make among `paths` are made."""
        for path in paths:
            made = self._made.get(path.resolve())
            if made is not None:
                made.wait()
        if self._errors:
            raise FilesNotMade("; ".join(self._errors))

    def finish(self) -> None:
        """Until every job is done; FilesNotMade if one failed."""
        self.wait()
        if self._errors:
            raise FilesNotMade("; ".join(self._errors))


@contextmanager
def files_ahead() -> Iterator[FilesAhead]:
    """The demo's chart worker, started at once: its imports run on the other core while the demo loads its own.
    The charts it draws once per content are kept in a folder of this run, not among the files people look at."""
    with tempfile.TemporaryDirectory(prefix="est-demo-charts-") as charts, kept_in(Path(charts)):
        files = FilesAhead()
        files.start()
        try:
            yield files
        finally:
            files.close()


def documents(
    app: App, uow: UnitOfWork, rnd: Round, first: RoundKey, out_dir: Path, files: FilesAhead | None
) -> list[Path]:
    """The weekly report as PDF (with its heatmap and trend chart beside it), the weeks from `first` as an XLSX
    export and the year's follow-up of actions as PDF: made by `files` meanwhile (`ready` waits for one)."""
    from bot.usecases.reports import KINDS, export, followup_document, weekly_report

    svc, key, group = app.services, rnd.key, app.config.groups[0]
    pdf = weekly_report(svc.env, uow, group, rnd, "sv", "pdf", out_dir / f"veckorapport-{key}.pdf")
    charts = [pdf.with_name(f"{pdf.stem}-heatmap.png"), pdf.with_name(f"{pdf.stem}-trend.png")]
    xlsx = export(uow, group, first, key, "xlsx", KINDS, out_dir, "sv", key, files).files
    followup, _ = followup_document(
        svc.env, uow, group, key.year, "pdf", "sv", key, out_dir / f"uppfoljning-{key.year}.pdf"
    )
    return [pdf, *charts, *xlsx, followup]
