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
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from bot.domain.factors import LEVEL_HEX
from bot.reports.chart_cache import cached_png
from bot.reports.chart_parts import Panel
from bot.reports.chart_text import fit, text_size, wrap
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
    """The heatmap on a figure without an Axes (chart_parts.Panel), laid out as matplotlib's tight_layout laid out
    the Axes it had: its margins are what the factors' names, the areas' names and the title overhang, each
    with tight_layout's pad."""
    areas = pic.input.areas
    factors = pic.input.factors
    width = 2.2 + 1.25 * len(areas)
    height = 1.2 + 0.42 * len(factors)
    fig = new_figure(width, height, dpi)
    lang = pic.lang
    labels = [f.label(lang).split(",")[0] for f in factors]
    names = [fit(fig, area.name, 1.2, 9, 6.5, lang=lang) for area in areas]  # wrapped to its column
    title = t(lang, "picture.chart.title", group=pic.input.group_name, week=pic.input.week.week)
    heading = wrap(fig, title, width - 0.3, lang=lang, fontsize=11, fontweight="bold")
    box = _layout(fig, (width, height), labels, names, heading, len(areas), len(factors))
    panel = Panel(fig, box, (0, len(areas)), (len(factors), 0))
    cells = _cells(pic)
    cells.set_transform(panel.data)
    fig.add_artist(cells)
    for row, factor in enumerate(factors):
        for col, area in enumerate(areas):
            cell = pic.cells.get((area.code, factor.code))
            if cell is not None and cell.mean is not None:
                dark = cell.colour in ("yellow", "none")
                fig.text(
                    col + 0.48,
                    row + 0.45,
                    format_number(cell.mean, lang),
                    transform=panel.data,
                    ha="center",
                    va="center",
                    fontsize=10,
                    fontweight="bold",
                    color="#222222" if dark else "white",
                )
    for col, (name, size) in enumerate(names):
        fig.text(col + 0.48, -0.15, name, transform=panel.data, ha="center", va="bottom", fontsize=size)
    panel.y_labels([r + 0.45 for r in range(len(factors))], labels, 9)
    fig.suptitle(heading, fontsize=11, fontweight="bold")
    save_figure(fig, path)


def _layout(
    fig: Figure,
    size: tuple[float, float],
    labels: list[str],
    names: list[tuple[str, float]],
    heading: str,
    columns: int,
    rows: int,
) -> tuple[float, float, float, float]:
    """The cells' box (left, bottom, width, height in inches) as `tight_layout` placed the heatmap's Axes: its
    overhangs measured with the Axes at the figure's default subplot parameters, then a pad of 1.08 font sizes
    around them, and the title's height and a pad above."""
    width, height = size
    pad = 1.08 * rcParams["font.size"] / 72
    tick_pad = rcParams["ytick.major.pad"] / 72
    col0 = width * (rcParams["figure.subplot.right"] - rcParams["figure.subplot.left"]) / columns
    row0 = height * (rcParams["figure.subplot.top"] - rcParams["figure.subplot.bottom"]) / rows
    label_w = text_size(fig, "\n".join(labels), fontsize=9)[0] if labels else 0.0  # the widest: one measuring
    sizes = [text_size(fig, name, fontsize=size) for name, size in names]
    left = max([tick_pad + label_w] + [w / 2 - 0.48 * col0 for w, _ in sizes[:1]])
    right = max([0.0] + [w / 2 - 0.52 * col0 for w, _ in sizes[-1:]])
    top = max([0.0] + [0.15 * row0 + h for _, h in sizes])
    title_h = text_size(fig, heading, fontsize=11, fontweight="bold")[1]
    top_margin = top + pad + title_h + pad
    box_left = max(left, 0.0) + pad
    box_w = width - box_left - (right + pad)
    return box_left, pad, box_w, height - top_margin - pad
