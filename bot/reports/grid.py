"""The week's colours as plain data, for edges that draw them inline (Slack)."""

from __future__ import annotations

from typing import Any

from bot.reports.view import PictureView


def picture_grid(pic: PictureView) -> dict[str, Any]:
    """The week's colours per area × factor as plain data, for edges that draw them inline (Slack)."""
    factors = [f.code for f in pic.input.factors]
    return {
        "factors": [[code, pic.factor_label(code)] for code in factors],
        "rows": [
            [a.name, [pic.cells[(a.code, f)].colour if (a.code, f) in pic.cells else "none" for f in factors]]
            for a in pic.input.areas
        ],
    }
