"""What a chart worker process draws: a week's picture charts (the heatmap and the trend chart), as one job
(bot/reports/chart_pool.py). This module imports matplotlib; only the workers import it.
"""

from __future__ import annotations

import logging
import resource
from pathlib import Path

from bot.reports.chart_pool import Drawn, PictureCharts
from bot.reports.charts import heatmap_png
from bot.reports.trends import trend_png

log = logging.getLogger(__name__)


def draw_picture_charts(job: PictureCharts) -> Drawn:
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
    use = resource.getrusage(resource.RUSAGE_SELF)
    return Drawn(tuple(paths), use.ru_utime + use.ru_stime, use.ru_maxrss)
