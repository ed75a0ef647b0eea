"""Parts of a chart drawn as plain figure artists where matplotlib's own would cost several times as much: a
plot's box without an Axes (whose axes, ticks and their labels are a few dozen artists made and laid out),
its tick labels as plain text, and a legend laid out here instead of by matplotlib's offset boxes. They are
placed where matplotlib puts its own (its rcParams' pads and spacings), so a chart looks the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib import rcParams
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Affine2D, Bbox, TransformedBbox


class Panel:
    """A plot's box on a figure, `box` = (left, bottom, width, height) in inches, showing `xlim` × `ylim`: what an
    Axes with its left and bottom spines would draw, without an Axes (each costs its axis and tick machinery)."""

    def __init__(
        self, fig: Figure, box: tuple[float, float, float, float], xlim: tuple[float, float], ylim: tuple[float, float]
    ) -> None:
        self.fig = fig
        self.left, self.bottom, self.width, self.height = box
        sx = self.width / (xlim[1] - xlim[0])
        sy = self.height / (ylim[1] - ylim[0])
        inches = fig.dpi_scale_trans
        self.data = Affine2D().scale(sx, sy).translate(self.left - xlim[0] * sx, self.bottom - ylim[0] * sy) + inches
        self.axes = Affine2D().scale(self.width, self.height).translate(self.left, self.bottom) + inches
        self.clip = TransformedBbox(Bbox.from_bounds(*box), inches)
        self.xlim, self.ylim = xlim, ylim

    def band(self, low: float, high: float, **style: Any) -> None:
        """A band across the whole width from `low` to `high` (data), as axhspan draws it, cut to the box."""
        low, high = max(low, self.ylim[0]), min(high, self.ylim[1])
        if high > low:
            x0, x1 = self.xlim
            self.fig.add_artist(Rectangle((x0, low), x1 - x0, high - low, transform=self.data, **style))

    def spines(self) -> None:
        """The left and bottom edges, as an Axes' spines."""
        x0, y0, x1, y1 = self.left, self.bottom, self.left + self.width, self.bottom + self.height
        style = {
            "color": rcParams["axes.edgecolor"],
            "linewidth": rcParams["axes.linewidth"],
            "solid_capstyle": "projecting",
            "zorder": 2.5,
            "transform": self.fig.dpi_scale_trans,
        }
        self.fig.add_artist(Line2D([x0, x0, x1], [y1, y0, y0], **style))

    def plot(self, x: Sequence[float], y: Sequence[float], **style: Any) -> None:
        line = Line2D(x, y, transform=self.data, **style)
        line.set_clip_box(self.clip)
        self.fig.add_artist(line)

    def text(self, x: float, y: float, text: str, **font: Any) -> None:
        """`text` at (x, y) as shares of the box (an Axes' transAxes)."""
        self.fig.text(x, y, text, transform=self.axes, **font)

    def y_labels(self, values: Sequence[float], labels: Sequence[str], fontsize: float) -> None:
        """Labels left of the box at `values` (data), where y tick labels of length 0 would be."""
        x = self.left - rcParams["ytick.major.pad"] / 72
        for value, label in zip(values, labels, strict=True):
            y = self.data.transform((self.xlim[0], value))[1] / self.fig.dpi
            self.fig.text(
                x, y, label, transform=self.fig.dpi_scale_trans, ha="right", va="center_baseline", fontsize=fontsize
            )

    def x_labels(self, values: Sequence[float], labels: Sequence[str], fontsize: float) -> list[Text]:
        """Labels below the box at `values` (data), where x tick labels of length 0 would be."""
        y = self.bottom - rcParams["xtick.major.pad"] / 72
        texts = []
        for value, label in zip(values, labels, strict=True):
            x = self.data.transform((value, self.ylim[0]))[0] / self.fig.dpi
            texts.append(
                self.fig.text(x, y, label, transform=self.fig.dpi_scale_trans, ha="center", va="top", fontsize=fontsize)
            )
        return texts

    def x_title(self, text: str, below: Sequence[Text], labelpad: float, **font: Any) -> None:
        """`text` centred below the box and the labels `below`, as an Axes' `set_xlabel(text, labelpad=...)`
        places it: `labelpad` points under the lowest of them."""
        renderer = self.fig.canvas.get_renderer()  # type: ignore[attr-defined]
        lowest = min([self.bottom * self.fig.dpi] + [t.get_window_extent(renderer).y0 for t in below])
        y = (lowest - labelpad * self.fig.dpi / 72) / self.fig.dpi
        x = self.left + self.width / 2
        self.fig.text(x, y, text, transform=self.fig.dpi_scale_trans, ha="center", va="top", **font)

    def vline(self, x: float, **style: Any) -> None:
        """A line across the whole height at `x` (data), as axvline draws it, cut to the box."""
        self.plot([x, x], list(self.ylim), **style)

    def title(self, text: str, **font: Any) -> None:
        """`text` above the box at its left, as an Axes' `set_title(loc="left")` places it."""
        y = self.bottom + self.height + rcParams["axes.titlepad"] / 72
        self.fig.text(self.left, y, text, transform=self.fig.dpi_scale_trans, ha="left", va="baseline", **font)


@dataclass(frozen=True, slots=True)
class Entry:
    """A legend's entry: its label and how its line is drawn (colour, style, width, marker and its size)."""

    label: str
    style: dict[str, Any]


def legend(fig: Figure, top_centre: tuple[float, float], entries: Sequence[Entry], ncol: int, fontsize: float) -> None:
    """A legend without a frame whose top centre is at `top_centre` (inches from the figure's bottom left): its
    entries in `ncol` columns filled one after the other, each a short line with its marker in the middle and the
    label after it, spaced as matplotlib's legend (handle 2.2 em, rcParams' pads) spaces them."""
    if not entries:
        return
    em = fontsize / 72  # inches
    handle, pad = 2.2 * em, rcParams["legend.handletextpad"] * em
    gap, between = rcParams["legend.columnspacing"] * em, rcParams["legend.labelspacing"] * em
    border = rcParams["legend.borderpad"] * em
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    font = FontProperties(size=fontsize)
    _, line_h, line_d = renderer.get_text_width_height_descent("lp", font, ismath=False)
    dpi = fig.dpi
    ascent, descent = max((line_h - line_d) / dpi, handle_height(em)), line_d / dpi
    widths = [renderer.get_text_width_height_descent(e.label, font, ismath=False)[0] / dpi for e in entries]
    ncol = min(ncol, len(entries))
    columns = _split(list(range(len(entries))), ncol)
    col_widths = [max(handle + pad + widths[i] for i in col) for col in columns]
    total = sum(col_widths) + gap * (len(columns) - 1)
    x = top_centre[0] - total / 2
    to_inches = fig.dpi_scale_trans
    for col, width in zip(columns, col_widths, strict=True):
        baseline = top_centre[1] - border - ascent
        for i in col:
            entry = entries[i]
            middle = baseline + handle_height(em) / 2
            line = {k: v for k, v in entry.style.items() if k not in ("marker", "markersize")}
            fig.add_artist(Line2D([x, x + handle], [middle, middle], transform=to_inches, **line))
            if entry.style.get("marker"):
                fig.add_artist(
                    Line2D(
                        [x + handle / 2],
                        [middle],
                        transform=to_inches,
                        linestyle="none",
                        marker=entry.style["marker"],
                        markersize=entry.style.get("markersize", rcParams["lines.markersize"]),
                        color=entry.style.get("color"),
                    )
                )
            fig.text(x + handle + pad, baseline, entry.label, transform=to_inches, fontsize=fontsize, va="baseline")
            baseline -= ascent + descent + between
        x += width + gap


def handle_height(em: float) -> float:
    return rcParams["legend.handleheight"] * em


def _split(items: list[int], n: int) -> list[list[int]]:
    """`items` in `n` runs, the first ones a longer by one where they do not share out evenly (as numpy's
    array_split, which matplotlib's legend uses)."""
    size, extra = divmod(len(items), n)
    runs, at = [], 0
    for k in range(n):
        step = size + (1 if k < extra else 0)
        runs.append(items[at : at + step])
        at += step
    return runs
