"""Charts: rendered from a known picture, checked for size and content, never blank."""

from __future__ import annotations

from pathlib import Path

from bot.domain.cycle import RoundKey
from bot.domain.factors import DEFAULT_FACTORS, LEVEL_HEX
from bot.domain.picture import AreaInfo, PictureInput, Report, build_picture
from bot.reports.charts import heatmap_png
from bot.reports.view import PictureView


def test_heatmap_has_the_est_colours_of_the_cells(tmp_path: Path) -> None:
    from matplotlib import image

    areas = [AreaInfo("centrum", "Centrum"), AreaInfo("norr", "Norr")]
    reports = [Report(1, "Org", "centrum", "narkotika", 3, "Stortorget"), Report(2, "Org", "norr", "klotter", 0)]
    inp = PictureInput(
        "Tryggare Trelleborg",
        RoundKey(2026, 47),
        areas,
        list(DEFAULT_FACTORS),
        reports,
        {},
        set(),
        2,
        2,
        0,
        [],
        [],
        [],
        [],
    )
    path = heatmap_png(PictureView(build_picture(inp), "sv"), tmp_path / "h.png")
    pixels = image.imread(path)
    height, width = pixels.shape[:2]
    assert width >= 600 and height >= 800  # readable on a phone
    rgb = (pixels.reshape(-1, pixels.shape[2])[::7, :3] * 255).round().astype(int)
    colours = {f"#{r:02x}{g:02x}{b:02x}" for r, g, b in rgb}
    assert LEVEL_HEX["red"] in colours and LEVEL_HEX["green"] in colours and LEVEL_HEX["none"] in colours
    assert LEVEL_HEX["orange"] not in colours  # no cell is orange in this week
