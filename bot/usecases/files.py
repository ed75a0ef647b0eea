"""The files of a week made from its picture, which the meeting and the reports both need: the trend chart (of
the last 12 weeks, from the picture's own input), the folder a group's reports go to, their names, and a file
as an attachment."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.config import GroupConfig
from bot.conversation.messages import Attachment
from bot.domain.cycle import RoundKey
from bot.domain.model import Round
from bot.domain.stats import series_from_input
from bot.reports.chart_pool import TrendJob
from bot.reports.view import PictureView
from bot.text import t
from bot.usecases.context import Env

log = logging.getLogger(__name__)

TREND_WEEKS = 12
MIME = {
    "pdf": "application/pdf",
    "html": "text/html",
    "md": "text/markdown",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
}


def attachment(path: Path) -> Attachment:
    return Attachment(path.name, MIME.get(path.suffix.lstrip("."), "application/octet-stream"), str(path.resolve()))


def group_dir(env: Env, group: GroupConfig) -> Path:
    return Path(env.config.reports_dir) / group.id


def report_filename(key: RoundKey, lang: str, fmt: str) -> str:
    stem = "veckorapport" if lang == "sv" else "weekly-report"
    return f"{stem}-{key}.{lang}.{fmt}"


def trend_job(env: Env, group: GroupConfig, rnd: Round, pic: PictureView, out: Path | None = None) -> TrendJob:
    """What the trend chart of the last 12 weeks up to the picture's week shows, from the picture's own input,
    and the file it goes to."""
    series = series_from_input(pic.input, TREND_WEEKS).trimmed()
    title = t(pic.lang, "trend.title", group=group.name, first=series.weeks[0].week, last=series.weeks[-1].week)
    path = out or group_dir(env, group) / f"trend-{rnd.key}-{pic.lang}.png"
    return TrendJob(series, path, pic.lang, title)


def trend_chart(env: Env, group: GroupConfig, rnd: Round, pic: PictureView, out: Path | None = None) -> Path:
    """The last 12 weeks up to the picture's week, one panel per area, from the picture's own input."""
    from bot.reports.trends import trend_png  # matplotlib is loaded only when a chart is drawn

    job = trend_job(env, group, rnd, pic, out)
    return trend_png(job.series, job.path, job.lang, job.title)


def trend_attachment(env: Env, group: GroupConfig, rnd: Round, pic: PictureView) -> tuple[Attachment, ...]:
    """The trend chart as an attachment; a chart that cannot be drawn costs the image, not the message."""
    try:
        return (attachment(trend_chart(env, group, rnd, pic)),)
    except Exception:
        log.exception("trend chart for %s %s failed; sending without it", group.id, rnd.key)
        return ()
