"""Trend charts: levels week by week, drawn on EST's green–yellow–orange–red bands.

Made to be read on a phone: one panel per area stacked top to bottom, large type, at most a few lines per
panel (the factors that stand out, and a dashed line for all factors together), a marker on every week so
that a lone week still shows. matplotlib with the Agg backend (no screen). A trend chart is drawn once per
content (bot/reports/chart_cache.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure

from bot.domain.cycle import RoundKey
from bot.domain.factors import LEVEL_HEX
from bot.domain.stats import Series, standing_out
from bot.reports import chart_parts as parts
from bot.reports.chart_cache import cached_png
from bot.reports.chart_text import line_count, wrap
from bot.reports.palette import BAND_ALPHA, BANDS
from bot.reports.png import new_figure, save_figure
from bot.text import t

# Dark lines that stay apart from each other and from every band, with a marker each for print in grey.
LINE_STYLES: tuple[tuple[str, str], ...] = (("#111111", "o"), ("#1f4fa8", "s"), ("#8e1f8e", "^"))
ALL_FACTORS_COLOUR = "#5a5a5a"


def _nan(values: Sequence[float | None]) -> list[float]:
    return [math.nan if v is None else v for v in values]


def _save(fig: Figure, path: Path, metadata: dict[str, str] | None = None) -> Path:
    return save_figure(fig, path, metadata)


def short_label(label: str) -> str:
    """A factor's label for a legend: the part before the first comma ("Threats, violence, robbery" → "Threats")."""
    return label.split(",")[0].strip()


# The trend chart's layout in inches, fixed (no layout engine: one draw per chart, not two).
WIDTH, LEFT, RIGHT = 7.2, 0.55, 0.2
TOP = 0.55  # the chart's title, one line
TITLE, PLOT, BELOW = 0.5, 1.95, 0.95  # per panel: the area's name (one line), the plot, the week numbers and legend
TITLE_LINE = 0.3  # each further line of a wrapped title
BREAKS_KEY = "Panel breaks"  # PNG text: where the image may be cut between panels, as shares of its height


def panel_breaks(path: Path) -> list[float]:
    """Where a trend chart drawn by trend_png may be cut between its area panels (shares of its height), as
    written in the image."""
    from PIL import Image

    with Image.open(path) as im:
        text = str(im.info.get(BREAKS_KEY, ""))
    return [float(x) for x in text.split()]


def trend_content(series: Series, lang: str, title: str, lines: int, dpi: int) -> tuple[object, ...]:
    """Everything a trend chart shows, as plain values: its key in the chart cache."""
    stats = sorted(
        ((k.year, k.week, area, factor), (s.count, s.total, s.max)) for (k, area, factor), s in series.stats.items()
    )
    return (
        dpi,
        lang,
        title,
        lines,
        tuple((w.year, w.week) for w in series.weeks),
        tuple((a.code, a.name) for a in series.areas or []),
        tuple((f.code, f.label(lang)) for f in series.factors),
        tuple(stats),
    )


def trend_png(series: Series, path: Path, lang: str, title: str, *, lines: int = 3, dpi: int = 150) -> Path:
    """One panel per area: the factors that stand out (at most `lines`) and all factors together. The chart's
    title and each area's name wrap to the width, however long; the image records where it may be cut
    between panels (panel_breaks)."""
    content = trend_content(series, lang, title, lines, dpi)
    return cached_png("trend", content, path, lambda file: _draw_trend(series, file, lang, title, lines, dpi))


def _draw_trend(series: Series, path: Path, lang: str, title: str, lines: int, dpi: int) -> Path:
    weeks = series.weeks
    areas = series.areas or []
    every = 1 if len(weeks) <= 14 else math.ceil(len(weeks) / 13)
    fig = new_figure(WIDTH, 1.0, dpi)
    title_font: dict[str, Any] = {"fontsize": 15, "fontweight": "bold"}
    heading = wrap(fig, title, WIDTH - 0.35, lang=lang, **title_font)
    names = [wrap(fig, area.name, WIDTH - LEFT - RIGHT, lang=lang, **title_font) for area in areas]
    top = TOP + (line_count(heading) - 1) * TITLE_LINE
    blocks = [TITLE + (line_count(name) - 1) * TITLE_LINE + PLOT + BELOW for name in names]
    height = top + sum(blocks)
    fig.set_size_inches(WIDTH, height)
    labels = {f.code: short_label(f.label(lang)) for f in series.factors}
    x = list(range(len(weeks)))
    ticks = list(range(0, len(weeks), every))
    above = top
    breaks = []
    for area, name, block in zip(areas, names, blocks, strict=True):
        if above > top:
            breaks.append(above / height)
        bottom = height - above - block + BELOW
        above += block
        panel = parts.Panel(fig, (LEFT, bottom, WIDTH - LEFT - RIGHT, PLOT), (-0.4, len(weeks) - 0.6), (-0.1, 3.1))
        for low, high, colour in BANDS:
            panel.band(low, high, color=LEVEL_HEX[colour], alpha=BAND_ALPHA, linewidth=0, zorder=0)
        panel.spines()
        panel.y_labels([0, 1, 2, 3], ["0", "1", "2", "3"], 12)
        panel.x_labels(ticks, [str(weeks[i].week) for i in ticks], 12)
        panel.title(name, **title_font)
        pooled = series.pooled_line(area.code)
        if all(v is None for v in pooled):
            panel.text(0.5, 0.5, t(lang, "trend.no_data"), ha="center", fontsize=13)
            continue
        entries = [
            parts.Entry(
                t(lang, "trend.all_factors"),
                {"color": ALL_FACTORS_COLOUR, "linestyle": "--", "linewidth": 2.0, "marker": "o", "markersize": 4},
            )
        ]
        standing = standing_out(series, area.code, lines)
        for (colour, marker), code in zip(LINE_STYLES, standing, strict=False):
            style = {"color": colour, "marker": marker, "linewidth": 2.8, "markersize": 7}
            entries.append(parts.Entry(labels.get(code, code), style))
            panel.plot(x, _nan(series.line(area.code, code)), zorder=3, **style)
        panel.plot(x, _nan(pooled), zorder=2, **entries[0].style)
        if not standing:
            panel.text(0.98, 0.9, t(lang, "trend.all_green"), ha="right", va="top", fontsize=12)
        centre = (LEFT + (WIDTH - LEFT - RIGHT) / 2, bottom - 0.3)
        parts.legend(fig, centre, entries, ncol=2, fontsize=12)
    fig.text(0.02, 1 - 0.15 / height, heading, ha="left", va="top", **title_font)
    return _save(fig, path, {BREAKS_KEY: " ".join(f"{b:.5f}" for b in breaks)})


def action_png(
    weeks: Sequence[RoundKey],
    levels: Sequence[float | None],
    decided: RoundKey,
    path: Path,
    lang: str,
    title: str,
    *,
    dpi: int = 100,
) -> Path:
    """A small chart of one action: the level at its place or area week by week, the decision week marked.
    Drawn without an Axes (chart_parts.Panel) where an Axes with bands, ticks of length 0, an x label and a title
    at its left put them."""
    fig = new_figure(6.4, 2.7, dpi)
    heading = wrap(fig, title, 6.4 * 0.91, lang=lang, fontsize=12, fontweight="bold")
    height = 2.7 + (line_count(heading) - 1) * 0.25  # the plot keeps its size under a longer title
    fig.set_size_inches(6.4, height)
    panel = parts.Panel(fig, (0.07 * 6.4, 0.54, 0.91 * 6.4, 1.782), (-0.4, len(weeks) - 0.6), (-0.1, 3.1))
    for low, high, colour in BANDS:
        panel.band(low, high, color=LEVEL_HEX[colour], alpha=BAND_ALPHA, linewidth=0, zorder=0)
    panel.spines()
    panel.y_labels([0, 1, 2, 3], ["0", "1", "2", "3"], 12)
    ticks = list(range(0, len(weeks), 1 if len(weeks) <= 14 else 2))
    tick_labels = panel.x_labels(ticks, [str(weeks[i].week) for i in ticks], 12)
    if decided in weeks:
        at = list(weeks).index(decided)
        x = min(at + 0.5, len(weeks) - 0.65)  # after the decision week, inside the plot when it is the last
        panel.vline(x, color="#222222", linestyle=":", linewidth=2)
        # the label on the side of the line with room for it, so that it never runs off the image
        late = at >= len(weeks) - 3
        fig.text(
            x - 0.05 if late else x + 0.05,
            3.0,
            t(lang, "trend.decided"),
            transform=panel.data,
            fontsize=11,
            va="top",
            ha="right" if late else "left",
        )
    panel.plot(range(len(weeks)), _nan(levels), color="#111111", marker="o", linewidth=2.6, markersize=6)
    panel.x_title(t(lang, "trend.week"), tick_labels, 1, fontsize=11)
    panel.title(heading, fontsize=12, fontweight="bold")
    return _save(fig, path)
