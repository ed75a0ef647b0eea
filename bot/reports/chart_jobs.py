"""What a chart worker makes (bot/reports/chart_pool.py): a week's picture charts, the weekly report as a PDF,
the year's follow-up as a PDF and an export's workbook. This module imports matplotlib and fpdf; only the workers,
and the inline path, import it.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import pickle
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from bot.reports.chart_cache import cached_file
from bot.reports.chart_pool import FollowupPdf, Job, PictureCharts, WeeklyPdf, Workbook
from bot.reports.charts import heatmap_png
from bot.reports.documents import write_followup_pdf, write_weekly_pdf
from bot.reports.exports import write_xlsx
from bot.reports.trends import action_png, trend_png

log = logging.getLogger(__name__)


def draw_picture_charts(job: PictureCharts) -> tuple[Path, ...]:
    """The job's charts, each drawn once per content (the chart cache); a chart that fails costs that image."""
    paths: list[Path] = []
    try:
        paths.append(heatmap_png(job.pic, job.heatmap))
    except Exception:
        log.exception("heatmap %s failed; the charts follow without it", job.heatmap.name)
    if job.trend is not None:
        tr = job.trend
        try:
            paths.append(trend_png(tr.series, tr.path, tr.lang, tr.title))
        except Exception:
            log.exception("trend chart %s failed; the charts follow without it", tr.path.name)
    return tuple(paths)


def write_pdf(job: WeeklyPdf) -> Path:
    """The weekly report's PDF with its two charts, written once per content (and code that writes it): the same
    report asked for again (the week's published PDF, then `report pdf`, the demo's documents) is a copy."""
    heatmap = heatmap_png(job.pic, job.heatmap)
    tr = job.trend
    trend = trend_png(tr.series, tr.path, tr.lang, tr.title)
    content = (job.pic.input, job.pic.lang, tuple(job.decisions), tr.series, tr.lang, tr.title)
    key = f"{_code()}|{hashlib.sha256(pickle.dumps(content, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()}"
    return cached_file(
        "weekly", key, job.path, lambda part: write_weekly_pdf(job.pic, job.decisions, heatmap, trend, part), ".pdf"
    )


@functools.cache
def _code() -> str:
    """A digest of the code that writes a report (this package's modules and fpdf2's version): a change to either
    makes every kept report new."""
    import fpdf

    h = hashlib.sha256(str(getattr(fpdf, "__version__", "")).encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        h.update(source.read_bytes())
    return h.hexdigest()[:16]


def followup_charts(job: FollowupPdf) -> tuple[Path | None, dict[int, Path]]:
    """The follow-up's trend chart (None when the year has no data) and its chart per action, by the action's id."""
    f, lang = job.followup, job.lang
    trend = None
    if job.trend_title is not None:
        trend = trend_png(f.series.trimmed(), job.charts_dir / "trend.png", lang, job.trend_title)
    charts = {
        e.action.id: action_png(
            e.weeks, e.levels, e.action.week, job.charts_dir / f"action-{e.action.id}.png", lang, e.action.title
        )
        for e in f.effects
        if e.weeks
    }
    return trend, charts


def write_followup(job: FollowupPdf) -> Path:
    """The year's follow-up as a PDF with its charts."""
    trend, charts = followup_charts(job)
    return write_followup_pdf(job.followup, job.lang, job.path, trend, charts)


def make(job: Job) -> tuple[Path, ...]:
    """What a worker makes of a job: the files."""
    if isinstance(job, PictureCharts):
        return draw_picture_charts(job)
    if isinstance(job, FollowupPdf):
        return (write_followup(job),)
    if isinstance(job, Workbook):
        return (write_xlsx(job.tables, job.path),)
    return (write_pdf(job),)


def _ready_pdf() -> None:
    """What a worker's first PDF reads once: fpdf2 and fontTools, the fonts parsed, their reduced forms, and an
    output's subsetting (a small document in both styles, written to memory)."""
    from bot.reports.pdf import FONT, Document

    doc = Document("sv", "est-bot")
    for style in ("", "B"):
        doc.set_font(FONT, style, 10)
        doc.multi_cell(0, 5, "Trygghet vecka 47: Åmål, Färjeterminalen – 0,3 → 0,4", new_x="LMARGIN", new_y="NEXT")
    doc.output(BytesIO())


def _ready_charts() -> None:
    """What a worker's first chart reads once: the charts' font, found and loaded, its text drawn."""
    from bot.reports.png import new_figure

    fig = new_figure(1.0, 0.5, 100)
    fig.text(0.1, 0.5, "Vecka 47 – 0,3", fontsize=10)
    fig.text(0.1, 0.1, "Åmål", fontsize=11, fontweight="bold")
    fig.canvas.draw()


def _ready_workbook() -> None:
    """What a worker's first workbook reads once: openpyxl."""
    import openpyxl  # noqa: F401


# in the order a week needs them: the weekly PDF's fonts cost the most
READY_STEPS: tuple[Callable[[], None], ...] = (_ready_pdf, _ready_charts, _ready_workbook)


def get_ready(idle: Callable[[], bool]) -> int:
    """Ready what the first job of each kind would read once, a step at a time for as long as `idle()` says no job
    is waiting; the number of steps taken. A step that fails is logged: the job that needs it meets it again."""
    taken = 0
    for step in READY_STEPS:
        if not idle():
            break
        try:
            step()
        except Exception:
            log.exception("readying a chart worker (%s) failed; its first job does it", step.__name__)
        taken += 1
    return taken
