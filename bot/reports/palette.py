"""The colours of the charts, kept free of matplotlib so that the web view (inline SVG) draws with the same ones
as the reports (bot/reports/trends.py, bot/reports/stats_charts.py) without loading it.

EST's colour bands lie behind a level chart: green, yellow, orange and red over the means that round to each
level (`colour_for` rounds half up)."""

from __future__ import annotations

# (lowest mean, highest mean, colour name in bot.domain.factors.LEVEL_HEX)
BANDS: tuple[tuple[float, float, str], ...] = (
    (-0.5, 0.5, "green"),
    (0.5, 1.5, "yellow"),
    (1.5, 2.5, "orange"),
    (2.5, 3.5, "red"),
)
BAND_ALPHA = 0.22  # a band's opacity over white: the line and its markers stay the strongest marks

# One colour per source of the monthly statistics follow-up (bot/reports/stats_charts.py and the web view).
SOURCE_COLOURS: dict[str, str] = {"police": "#1f5fa8", "vandalism": "#f07c00", "events": "#6a3d9a"}
OTHER_SOURCE_COLOUR = "#444444"
