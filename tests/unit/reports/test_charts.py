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


def test_the_heatmaps_cells_sit_where_tight_layout_put_its_axes() -> None:
    """The heatmap has no Axes (bot/reports/charts.py): its cells' box is computed as tight_layout placed the
    Axes the heatmap had, with the factors' names as tick labels, the areas' names above and the title."""
    from matplotlib import pyplot as plt

    from bot.reports.chart_text import fit, wrap
    from bot.reports.charts import _layout
    from bot.reports.png import new_figure

    labels = ["Hot och våld", "Skadegörelse", "Hot och störningar mot personal", "Otrygga platser"]
    areas = ["Centrum", "Norra stadsdelen med en lång förklaring", "Hamnen"]
    size = (2.2 + 1.25 * len(areas), 1.2 + 0.42 * len(labels))
    title = "Tryggare Exempelstad med ett mycket långt namn som bryts – vecka 47"
    fig, ax = plt.subplots(figsize=size, dpi=150)  # the heatmap as it was drawn with an Axes
    try:
        ax.set_xlim(0, len(areas))
        ax.set_ylim(len(labels), 0)
        names = [fit(fig, name, 1.2, 9, 6.5, lang="sv") for name in areas]
        for col, (name, font) in enumerate(names):
            ax.text(col + 0.48, -0.15, name, ha="center", va="bottom", fontsize=font)
        ax.set_xticks([c + 0.48 for c in range(len(areas))])
        ax.set_xticklabels([])
        ax.xaxis.tick_top()
        ax.set_yticks([r + 0.45 for r in range(len(labels))])
        ax.set_yticklabels(labels, fontsize=9)
        ax.tick_params(length=0)
        heading = wrap(fig, title, size[0] - 0.3, lang="sv", fontsize=11, fontweight="bold")
        fig.suptitle(heading, fontsize=11, fontweight="bold")
        fig.tight_layout()
        x0, y0, w, h = ax.get_position().bounds
        expected = (x0 * size[0], y0 * size[1], w * size[0], h * size[1])
    finally:
        plt.close(fig)
    box = _layout(new_figure(*size, 150), size, labels, names, heading, len(areas), len(labels))
    assert all(abs(a - b) < 1.5 / 150 for a, b in zip(box, expected, strict=True)), (box, expected)  # 1.5 px
