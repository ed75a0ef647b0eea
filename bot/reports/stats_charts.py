"""Charts of the monthly follow-up: counts by month, by weekday and by place, one colour per source.

matplotlib with the Agg backend (no screen), 960 px wide at 150 dpi with 11-13 pt text so that a chart in a
chat reads on a phone without zooming.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.domain.statistics import Month, SourceTrend, top_places
from bot.reports.chart_text import fit, wrap
from bot.reports.palette import SOURCE_COLOURS
from bot.reports.png import save_figure
from bot.text import t

WIDTH, DPI = 6.4, 150
PLACE_LABEL = 2.4  # inches a place's name may take beside the bars before it wraps


def month_label(m: Month, lang: str, with_year: bool = False) -> str:
    name = t(lang, f"stats.month.{m.month}")[:3]
    return f"{name} {m.year}" if with_year else name


def _style(ax: Axes, grid: Literal["x", "y"]) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=11)
    ax.grid(axis=grid, color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)


def _save(fig: Figure, path: Path, legend_axes: Axes | None = None) -> Path:
    """Lay out and write the figure; a legend goes below the plot, where it hides nothing."""
    bottom = 0.0
    if legend_axes is not None:
        handles, labels = legend_axes.get_legend_handles_labels()
        if handles:
            rows = (len(handles) + 1) // 2
            fig.legend(handles, labels, loc="lower center", ncol=min(2, len(handles)), fontsize=10, frameon=False)
            bottom = 0.055 * rows / (fig.get_figheight() / 4.4)
    fig.tight_layout(rect=(0, bottom, 1, 1))
    return save_figure(fig, path)


def _title(fig: Figure, title: str, lang: str) -> None:
    """The chart's title at the left edge of the figure, wrapped to its width: the plot may move right for
    long labels, the title stays whole."""
    font = {"fontsize": 13, "fontweight": "bold"}
    fig.suptitle(wrap(fig, title, fig.get_figwidth() - 0.3, lang=lang, **font), x=0.02, ha="left", **font)


def _no_data(ax: Axes, lang: str) -> None:
    ax.text(0.5, 0.5, t(lang, "stats.chart.no_data"), ha="center", va="center", fontsize=13, transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def by_month_png(trends: list[SourceTrend], group: str, lang: str, path: Path) -> Path:
    """One small panel per source over the trend window, each on its own scale (Brå's hundreds of crimes
    would flatten a handful of vandalism reports on a shared axis); the followed-up month is labelled."""
    shown = [tr for tr in trends if any(n for _, n in tr.by_month)]
    panels = max(1, len(shown))
    fig, axes = plt.subplots(panels, 1, figsize=(WIDTH, 1.3 + 2.1 * panels), dpi=DPI, sharex=True, squeeze=False)
    try:
        _title(fig, t(lang, "stats.chart.by_month", group=group), lang)
        if not shown:
            _no_data(axes[0][0], lang)
        for (ax,), tr in zip(axes, shown, strict=False):
            xs = list(range(len(tr.by_month)))
            ys = [n for _, n in tr.by_month]
            colour = SOURCE_COLOURS.get(tr.source, "#444444")
            ax.plot(xs, ys, marker="o", linewidth=2.2, color=colour)
            ax.fill_between(xs, ys, color=colour, alpha=0.08)
            ax.annotate(
                str(ys[-1]),
                (xs[-1], ys[-1]),
                textcoords="offset points",
                xytext=(0, 7),
                ha="center",
                fontsize=12,
                fontweight="bold",
                color=colour,
            )
            ax.set_title(t(lang, f"stats.source.{tr.source}"), fontsize=11, loc="left", color=colour)
            ax.set_ylim(0, max(ys) * 1.25 + 1)
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            _style(ax, "y")
        if shown:
            months = [m for m, _ in shown[0].by_month]
            ax = axes[len(shown) - 1][0]
            ax.set_xticks(range(len(months)))
            ax.set_xticklabels(
                [month_label(m, lang, with_year=(i == 0 or m.month == 1)) for i, m in enumerate(months)],
                rotation=45,
                ha="right",
            )
        return _save(fig, path)
    finally:
        plt.close(fig)


def by_weekday_png(trends: list[SourceTrend], lang: str, path: Path) -> Path:
    """Grouped bars Monday..Sunday per source, from the dated records of the trend window."""
    fig, ax = plt.subplots(figsize=(WIDTH, 4.4), dpi=DPI)
    try:
        shown = [tr for tr in trends if tr.dated]
        first, last = (trends[0].by_month[0][0], trends[0].month) if trends else (None, None)
        if not shown:
            _no_data(ax, lang)
        width = 0.8 / max(1, len(shown))
        for i, tr in enumerate(shown):
            xs = [d + (i - (len(shown) - 1) / 2) * width for d in range(7)]
            ax.bar(
                xs,
                tr.weekdays,
                width=width * 0.95,
                color=SOURCE_COLOURS.get(tr.source, "#444444"),
                label=t(lang, f"stats.source.{tr.source}"),
            )
        if shown:
            ax.set_xticks(range(7))
            ax.set_xticklabels([t(lang, f"stats.day.{d}") for d in range(1, 8)])
            ax.set_ylabel(t(lang, "stats.chart.count"), fontsize=11)
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        title = t(
            lang,
            "stats.chart.by_weekday",
            first=month_label(first, lang, True) if first else "",
            last=month_label(last, lang, True) if last else "",
        )
        _title(fig, title, lang)
        _style(ax, "y")
        return _save(fig, path, ax)
    finally:
        plt.close(fig)


def by_place_png(trends: list[SourceTrend], lang: str, path: Path, top: int = 10) -> Path:
    """Horizontal bars of the places named most over the trend window, stacked by source."""
    places = top_places(trends, top)
    height = 1.6 + 0.42 * max(3, len(places))
    fig, ax = plt.subplots(figsize=(WIDTH, height), dpi=DPI)
    try:
        first, last = (trends[0].by_month[0][0], trends[0].month) if trends else (None, None)
        if not places:
            _no_data(ax, lang)
        else:
            ys = list(range(len(places)))
            left = [0] * len(places)
            for i, tr in enumerate(trends):
                values = [p.counts[i] for p in places]
                if not any(values):
                    continue
                ax.barh(
                    ys,
                    values,
                    left=left,
                    color=SOURCE_COLOURS.get(tr.source, "#444444"),
                    label=t(lang, f"stats.source.{tr.source}"),
                )
                left = [a + b for a, b in zip(left, values, strict=True)]
            for y, total in zip(ys, left, strict=True):
                ax.text(total, y, f" {total}", va="center", fontsize=11)
            ax.set_yticks(ys)
            # a long name wraps between words, in smaller type where one word is wider than the room
            labels = [fit(fig, p.name, PLACE_LABEL, 11, 8, lang=lang) for p in places]
            ax.set_yticklabels([text for text, _ in labels])
            for tick, (_, size) in zip(ax.get_yticklabels(), labels, strict=True):
                tick.set_fontsize(size)
            ax.invert_yaxis()
            ax.set_xlim(0, max(left) * 1.15)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        title = t(
            lang,
            "stats.chart.by_place",
            first=month_label(first, lang, True) if first else "",
            last=month_label(last, lang, True) if last else "",
        )
        _title(fig, title, lang)
        _style(ax, "x")
        return _save(fig, path, ax)
    finally:
        plt.close(fig)
