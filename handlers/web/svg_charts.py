"""The geometry of the trends and statistics pages' charts, drawn as inline SVG by their templates: plain
coordinates computed here, shapes and words there (autoescaped). No script and no style attribute: colours go
in SVG presentation attributes (`fill=`, `stroke=`), the rest in est.css. Every chart has a table of the same
figures beside it, its text alternative.

A chart's coordinates are in its own viewBox, about as wide as a phone's screen so that its 12–13 px type stays
readable there; the page scales it to the width available, up to a limit (est.css).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.factors import LEVEL_HEX
from bot.reports.palette import BAND_ALPHA, BANDS
from bot.usecases.views.statistics import StatisticsPage
from bot.usecases.views.trends import TrendsPage

LINE = "#111111"  # the level's line, as in the reports' trend charts
MARK = "#222222"  # a decision's dashed line
AXIS = "#4a4a4a"
INK = "#1b1b1b"  # words in a chart: dark on white, whatever the colour of the figures beside them
GRID = "#dddddd"


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float
    fill: str
    opacity: float = 1.0
    title: str = ""


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    fill: str
    title: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "middle"  # start | middle | end
    fill: str = AXIS
    title: str = ""


@dataclass(frozen=True)
class Plot:
    """The area the figures are drawn in."""

    left: float
    top: float
    right: float
    bottom: float


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    plot: Plot
    bands: tuple[Box, ...]
    paths: tuple[str, ...]  # one `d` per run of weeks with a level: a week without reports breaks the line
    dots: tuple[Dot, ...]  # every week with a level, so that a lone week still shows
    marks: tuple[float, ...]  # x of each week with a decided action
    mark_labels: tuple[Label, ...]
    xticks: tuple[Tick, ...]
    yticks: tuple[Tick, ...]


def _f(v: float) -> float:
    return round(v, 1)


def _runs(points: Sequence[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    runs: list[list[tuple[float, float]]] = [[]]
    for p in points:
        if p is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(p)
    return [r for r in runs if r]


def _path(run: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(run))


def _every(n: int, most: int = 13) -> int:
    return 1 if n <= most + 1 else math.ceil(n / most)


def trend_chart(page: TrendsPage, width: int = 440, height: int = 260) -> TrendChart:
    """The level week by week over EST's bands (the reports' BANDS, clipped to 0–3 as there), the decision
    weeks of the actions as dashed lines labelled with their numbers."""
    plot = Plot(40, 30, width - 14, height - 40)
    low, high = -0.1, 3.1
    n = max(1, len(page.weeks))
    step = (plot.right - plot.left) / n

    def x(i: int) -> float:
        return _f(plot.left + (i + 0.5) * step)

    def y(level: float) -> float:
        return _f(plot.top + (high - level) / (high - low) * (plot.bottom - plot.top))

    bands = tuple(
        Box(
            plot.left,
            y(min(hi, high)),
            _f(plot.right - plot.left),
            _f(y(max(lo, low)) - y(min(hi, high))),
            LEVEL_HEX[colour],
            BAND_ALPHA,
        )
        for lo, hi, colour in BANDS
    )
    points = [None if w.level is None else (x(i), y(w.level)) for i, w in enumerate(page.weeks)]
    dots = tuple(
        Dot(x(i), y(w.level), LINE, f"{w.week}: {w.shown}") for i, w in enumerate(page.weeks) if w.level is not None
    )
    index = {w.week: i for i, w in enumerate(page.weeks)}
    by_week: dict[int, list[str]] = {}
    for a in page.actions:
        if a.week in index:
            by_week.setdefault(index[a.week], []).append(f"#{a.id}")
    marks = tuple(x(i) for i in sorted(by_week))
    mark_labels = tuple(Label(x(i), plot.top - 10, " ".join(ids), fill=MARK) for i, ids in sorted(by_week.items()))
    every = _every(n)
    xticks = tuple(Tick(x(i), str(w.week.week)) for i, w in enumerate(page.weeks) if i % every == 0)
    yticks = tuple(Tick(y(v), str(v)) for v in range(4))
    return TrendChart(
        width,
        height,
        plot,
        bands,
        tuple(_path(r) for r in _runs(points) if len(r) > 1),  # a lone week is its dot
        dots,
        marks,
        mark_labels,
        xticks,
        yticks,
    )


# --------------------------------------------------------------------------- the statistics charts


def _scale_top(top: int) -> tuple[float, tuple[int, ...]]:
    """The top of an axis from 0 with room above `top`, and whole-number ticks on it (at most five)."""
    step = max(1, math.ceil(top / 4))
    ticks = tuple(range(0, top + 1, step))
    return max(top * 1.15, ticks[-1] + step * 0.5), ticks


@dataclass(frozen=True)
class Panel:
    """One source's counts by month on its own scale (a few vandalism reports beside hundreds of crimes would
    otherwise lie flat), as the chat's chart draws them."""

    top: float  # where the panel begins in the chart
    swatch: Box  # the source's colour before its name
    title: Label
    plot: Plot
    path: str
    colour: str
    dots: tuple[Dot, ...]
    last: Label  # the followed-up month's count above its point
    yticks: tuple[Tick, ...]
    xticks: tuple[Tick, ...]


@dataclass(frozen=True)
class MonthChart:
    width: int
    height: int
    panels: tuple[Panel, ...]


def month_chart(page: StatisticsPage, width: int = 440, panel_height: int = 160) -> MonthChart:
    panels = []
    shown = [i for i in range(len(page.sources)) if any(m.counts[i] for m in page.by_month)]
    n = max(1, len(page.by_month))
    for k, i in enumerate(shown):
        source = page.sources[i]
        top = k * panel_height
        plot = Plot(44, top + 34, width - 16, top + panel_height - 34)
        counts = [m.counts[i] for m in page.by_month]
        ymax, ticks = _scale_top(max(counts))
        step = (plot.right - plot.left) / n

        def x(j: int, plot: Plot = plot, step: float = step) -> float:
            return _f(plot.left + (j + 0.5) * step)

        def y(v: float, plot: Plot = plot, ymax: float = ymax) -> float:
            return _f(plot.bottom - v / ymax * (plot.bottom - plot.top))

        points = [(x(j), y(c)) for j, c in enumerate(counts)]
        every = _every(n)
        panels.append(
            Panel(
                top,
                Box(plot.left, top + 9, 12, 12, source.colour),
                Label(plot.left + 18, top + 20, source.label, "start", INK),
                plot,
                _path(points),
                source.colour,
                tuple(
                    Dot(px, py, source.colour, f"{m.label}: {c}")
                    for (px, py), m, c in zip(points, page.by_month, counts, strict=True)
                ),
                Label(points[-1][0], _f(points[-1][1] - 9), str(counts[-1]), "middle", INK),
                tuple(Tick(y(v), str(v)) for v in ticks),
                tuple(Tick(x(j), m.short) for j, m in enumerate(page.by_month) if j % every == 0 or j == n - 1),
            )
        )
    return MonthChart(width, max(1, len(panels)) * panel_height, tuple(panels))


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    plot: Plot
    bars: tuple[Box, ...]
    labels: tuple[Label, ...]  # the categories' names along the axis
    values: tuple[Label, ...]  # the totals beside horizontal bars
    ticks: tuple[Tick, ...]  # along the value axis
    horizontal: bool


def weekday_chart(page: StatisticsPage, width: int = 440, height: int = 260) -> BarChart:
    """Bars Monday … Sunday, one per source side by side, on one scale."""
    plot = Plot(44, 16, width - 12, height - 36)
    shown = [i for i in range(len(page.sources)) if any(d.counts[i] for d in page.by_weekday)]
    top = max((d.counts[i] for d in page.by_weekday for i in shown), default=0)
    ymax, ticks = _scale_top(top)
    group = (plot.right - plot.left) / 7
    bar = group * 0.8 / max(1, len(shown))

    def y(v: float) -> float:
        return _f(plot.bottom - v / ymax * (plot.bottom - plot.top))

    bars = []
    for d, day in enumerate(page.by_weekday):
        for k, i in enumerate(shown):
            value = day.counts[i]
            source = page.sources[i]
            left = plot.left + d * group + group * 0.1 + k * bar
            bars.append(
                Box(
                    _f(left),
                    y(value),
                    _f(bar * 0.92),
                    _f(plot.bottom - y(value)),
                    source.colour,
                    1.0,
                    f"{day.label}, {source.label}: {value}",
                )
            )
    labels = tuple(
        Label(_f(plot.left + (d + 0.5) * group), plot.bottom + 22, day.label) for d, day in enumerate(page.by_weekday)
    )
    return BarChart(width, height, plot, tuple(bars), labels, (), tuple(Tick(y(v), str(v)) for v in ticks), False)


PLACE_NAME = 18  # characters of a place's name shown beside its bar; the table gives it whole


def _short(name: str) -> str:
    return name if len(name) <= PLACE_NAME else name[: PLACE_NAME - 1].rstrip() + "…"


def place_chart(page: StatisticsPage, width: int = 440, row: int = 28) -> BarChart:
    """Horizontal bars of the places named most, stacked by source, the total beside each."""
    plot = Plot(150, 8, width - 40, 8 + row * max(1, len(page.by_place)))
    top = max((p.total for p in page.by_place), default=0)
    scale = (plot.right - plot.left) / max(1, top)
    bars = []
    labels = []
    values = []
    for r, place in enumerate(page.by_place):
        y = plot.top + r * row
        left = plot.left
        for source, n in page.shown(place.counts):
            if n:
                bars.append(
                    Box(
                        _f(left),
                        _f(y + row * 0.15),
                        _f(n * scale),
                        _f(row * 0.7),
                        source.colour,
                        1.0,
                        f"{place.name}, {source.label}: {n}",
                    )
                )
                left += n * scale
        labels.append(Label(plot.left - 8, _f(y + row * 0.65), _short(place.name), "end", title=place.name))
        values.append(Label(_f(left + 6), _f(y + row * 0.65), str(place.total), "start"))
    return BarChart(width, int(plot.bottom + 8), plot, tuple(bars), tuple(labels), tuple(values), (), True)
