"""Charts people would rather look at than read: the week's heatmap of area × factor in EST's colours.

matplotlib with the Agg backend (no screen); sized to be read on a phone. The cells are one collection of
rectangles, not a patch each; a heatmap is drawn once per content (bot/reports/chart_cache.py).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib import rcParams
from matplotlib.collections import PatchCollection
from matplotlib.patches import Rectangle
from matplotlib.transforms import offset_copy

from bot.domain.factors import LEVEL_HEX
from bot.reports.chart_cache import cached_png
from bot.reports.chart_text import fit, wrap
from bot.reports.png import new_figure, save_figure
from bot.reports.view import PictureView
from bot.text import t
from bot.text.numbers import format_number


def heatmap_content(pic: PictureView, dpi: int) -> tuple[object, ...]:
    """Everything the heatmap of `pic` shows, as plain values: its key in the chart cache."""
    areas = pic.input.areas
    factors = pic.input.factors
    cells = []
    for factor in factors:
        for area in areas:
            cell = pic.cells.get((area.code, factor.code))
            cells.append(None if cell is None else (cell.colour, cell.mean))
    title = t(pic.lang, "picture.chart.title", group=pic.input.group_name, week=pic.input.week.week)
    return (
        dpi,
        pic.lang,
        title,
        tuple(area.name for area in areas),
        tuple(f.label(pic.lang) for f in factors),
        tuple(cells),
    )


def heatmap_png(pic: PictureView, path: Path, dpi: int = 150) -> Path:
    """Write the heatmap of `pic` to `path`: one row per factor, one column per area, the mean in each cell."""
    return cached_png("heatmap", heatmap_content(pic, dpi), path, lambda file: _draw_heatmap(pic, file, dpi))


def _cells(pic: PictureView) -> PatchCollection:
    """The cells as one collection of rectangles (a patch each would cost an update of the axes' limits each):
    0.96 of a column wide and 0.9 of a row high, edged in their own colour as a single patch is."""
    rects: list[Rectangle] = []
    colours: list[str] = []
    for row, factor in enumerate(pic.input.factors):
        for col, area in enumerate(pic.input.areas):
            cell = pic.cells.get((area.code, factor.code))
            rects.append(Rectangle((col, row), 0.96, 0.9))
            colours.append(LEVEL_HEX[cell.colour if cell is not None else "none"])
    return PatchCollection(rects, facecolors=colours, edgecolors=colours, linewidths=rcParams["patch.linewidth"])


def _draw_heatmap(pic: PictureView, path: Path, dpi: int) -> None:
    areas = pic.input.areas
    factors = pic.input.factors
    width = 2.2 + 1.25 * len(areas)
    height = 1.2 + 0.42 * len(factors)
    fig = new_figure(width, height, dpi)
    ax = fig.add_subplot()
    try:
        ax.add_collection(_cells(pic), autolim=False)
        for row, factor in enumerate(factors):
            for col, area in enumerate(areas):
                cell = pic.cells.get((area.code, factor.code))
                if cell is not None and cell.mean is not None:
                    dark = cell.colour in ("yellow", "none")
                    ax.text(
                        col + 0.48,
                        row + 0.45,
                        format_number(cell.mean, pic.lang),
                        ha="center",
                        va="center",
                        fontsize=10,
                        fontweight="bold",
                        color="#222222" if dark else "white",
                    )
        ax.set_xlim(0, len(areas))
        ax.set_ylim(len(factors), 0)
        for col, area in enumerate(areas):  # each name wrapped to its column, smaller if a word is wider
            name, size = fit(fig, area.name, 1.2, 9, 6.5, lang=pic.lang)
            ax.text(col + 0.48, -0.15, name, ha="center", va="bottom", fontsize=size)
        # the factors' names where tick labels would be (no axis: ticks cost more than the text they carry)
        beside = offset_copy(ax.get_yaxis_transform(), fig, x=-rcParams["ytick.major.pad"], units="points")
        for row, factor in enumerate(factors):
            label = factor.label(pic.lang).split(",")[0]
            ax.text(0, row + 0.45, label, transform=beside, ha="right", va="center_baseline", fontsize=9)
        ax.set_axis_off()
        title = t(pic.lang, "picture.chart.title", group=pic.input.group_name, week=pic.input.week.week)
        heading = wrap(fig, title, width - 0.3, lang=pic.lang, fontsize=11, fontweight="bold")
        fig.suptitle(heading, fontsize=11, fontweight="bold")
        fig.tight_layout()
        save_figure(fig, path)
    finally:
        del fig  # no pyplot registry to close it in: it goes with its last reference
