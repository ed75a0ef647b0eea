"""The parts of the trend chart drawn without an Axes (bot/reports/chart_parts.py) sit where matplotlib's own
would: compared with an Axes, its tick labels, title and legend, drawn alike."""

from __future__ import annotations

from typing import Any

from matplotlib.lines import Line2D
from matplotlib.text import Text

from bot.reports import chart_parts as parts
from bot.reports.png import new_figure

BOX = (0.55, 1.0, 6.45, 1.95)  # inches: left, bottom, width, height (the trend chart's panel)
STYLES: list[tuple[str, dict[str, Any]]] = [
    ("Alla faktorer", {"color": "#5a5a5a", "linestyle": "--", "linewidth": 2.0, "marker": "o", "markersize": 4}),
    ("Störande grupperingar", {"color": "#111111", "marker": "o", "linewidth": 2.8, "markersize": 7}),
    ("Narkotika", {"color": "#1f4fa8", "marker": "s", "linewidth": 2.8, "markersize": 7}),
]


def corners(texts: list[Text]) -> dict[str, tuple[float, float]]:
    """Each text's lower left corner in pixels, by its text."""
    out = {}
    for text in texts:
        box = text.get_window_extent()
        out[text.get_text()] = (float(box.x0), float(box.y0))
    return out


def test_tick_labels_title_and_legend_sit_where_an_axes_puts_them() -> None:
    width, height = 7.2, 3.6
    fig = new_figure(width, height, 150)
    ax = fig.add_axes((BOX[0] / width, BOX[1] / height, BOX[2] / width, BOX[3] / height))
    ax.set_xlim(-0.4, 4.4)
    ax.set_ylim(-0.1, 3.1)
    ax.set_yticks([0, 1, 2, 3])
    ax.set_xticks(range(5))
    ax.set_xticklabels([str(w) for w in range(43, 48)])
    ax.tick_params(axis="both", labelsize=12, length=0)
    title = ax.set_title("Norra stadsdelen", loc="left", fontsize=15, fontweight="bold")
    for label, style in STYLES:
        ax.plot([0, 1, 2, 3, 4], [1, 2, 1, 2, 1], label=label, **style)
    legend = ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.3 / BOX[3]),
        ncol=2,
        fontsize=12,
        frameon=False,
        handlelength=2.2,
        borderaxespad=0,
    )
    fig.canvas.draw()
    expected = corners([*ax.get_yticklabels(), *ax.get_xticklabels(), title, *legend.get_texts()])

    ours = new_figure(width, height, 150)
    panel = parts.Panel(ours, BOX, (-0.4, 4.4), (-0.1, 3.1))
    panel.y_labels([0, 1, 2, 3], ["0", "1", "2", "3"], 12)
    panel.x_labels(range(5), [str(w) for w in range(43, 48)], 12)
    panel.title("Norra stadsdelen", fontsize=15, fontweight="bold")
    parts.legend(
        ours, (BOX[0] + BOX[2] / 2, BOX[1] - 0.3), [parts.Entry(label, style) for label, style in STYLES], 2, 12
    )
    ours.canvas.draw()
    found = corners(list(ours.texts))
    assert set(found) == set(expected)
    for text, (x, y) in expected.items():
        assert abs(found[text][0] - x) <= 1.5 and abs(found[text][1] - y) <= 1.5, (text, found[text], (x, y))


def test_an_x_title_and_a_vertical_line_sit_where_an_axes_puts_them() -> None:
    """The action chart's week label (`set_xlabel(..., labelpad=1)`) and its decision line (`axvline`)."""
    width, height = 6.4, 2.7
    box = (0.07 * width, 0.54, 0.91 * width, 1.782)
    fig = new_figure(width, height, 100)
    ax = fig.add_axes((box[0] / width, box[1] / height, box[2] / width, box[3] / height))
    ax.set_xlim(-0.4, 9.4)
    ax.set_ylim(-0.1, 3.1)
    ax.set_xticks(range(10))
    ax.set_xticklabels([str(w) for w in range(40, 50)])
    ax.tick_params(axis="both", labelsize=12, length=0)
    label = ax.set_xlabel("Vecka", fontsize=11, labelpad=1)
    line = ax.axvline(4.5, color="#222222", linestyle=":", linewidth=2)
    fig.canvas.draw()
    expected = corners([label])

    ours = new_figure(width, height, 100)
    panel = parts.Panel(ours, box, (-0.4, 9.4), (-0.1, 3.1))
    ticks = panel.x_labels(range(10), [str(w) for w in range(40, 50)], 12)
    panel.x_title("Vecka", ticks, 1, fontsize=11)
    panel.vline(4.5, color="#222222", linestyle=":", linewidth=2)
    ours.canvas.draw()
    found = corners([t for t in ours.texts if t.get_text() == "Vecka"])
    assert abs(found["Vecka"][0] - expected["Vecka"][0]) <= 0.5
    assert abs(found["Vecka"][1] - expected["Vecka"][1]) <= 0.5
    (drawn,) = [a for a in ours.artists if isinstance(a, Line2D)]
    theirs = line.get_transform().transform(line.get_xydata())
    assert abs(drawn.get_transform().transform(drawn.get_xydata()) - theirs).max() < 0.01
