"""The web view's chart geometry (handlers/web/svg_charts.py): a week without reports breaks the line, a lone week
still shows, a decision is marked at its week, and the bands are the reports' bands."""

from __future__ import annotations

from bot.domain.cycle import RoundKey
from bot.domain.factors import LEVEL_HEX
from bot.reports.palette import BAND_ALPHA
from bot.usecases.views.trends import Option, TrendAction, TrendsPage, TrendWeek
from handlers.web.svg_charts import trend_chart

LEVELS = (1.0, 2.0, None, 0.5, None, None, 3.0, 2.5)


def page() -> TrendsPage:
    weeks = tuple(
        TrendWeek(RoundKey(2026, 40 + i), v, "–" if v is None else str(v), "none", 0 if v is None else 2)
        for i, v in enumerate(LEVELS)
    )
    action = TrendAction(7, RoundKey(2026, 43), "Belysning", None, "planerad")
    area = (Option("centrum", "Centrum", True),)
    return TrendsPage("centrum", "Centrum", "all", "Alla faktorer", 12, area, (), (), weeks, (action,))


def test_gaps_break_the_line_and_a_lone_week_is_a_dot() -> None:
    chart = trend_chart(page())
    assert len(chart.paths) == 2  # W40–W41 and W46–W47; W43 alone
    assert chart.paths[0].startswith("M") and chart.paths[0].count("L") == 1
    assert len(chart.dots) == 5 and [d.title for d in chart.dots][2] == "2026-W43: 0.5"
    (mark,) = chart.marks
    assert mark == chart.dots[2].x and chart.mark_labels[0].text == "#7"


def test_levels_on_the_bands_of_the_reports() -> None:
    chart = trend_chart(page())
    assert [b.fill for b in chart.bands] == [LEVEL_HEX[c] for c in ("green", "yellow", "orange", "red")]
    assert {b.opacity for b in chart.bands} == {BAND_ALPHA}
    y = {t.label: t.at for t in chart.yticks}
    assert y["0"] > y["1"] > y["2"] > y["3"]  # up is higher
    assert chart.dots[0].y == y["1"] and chart.dots[1].y == y["2"]
    assert chart.plot.top <= min(b.y for b in chart.bands)
    assert max(b.y + b.h for b in chart.bands) <= chart.plot.bottom + 0.1
