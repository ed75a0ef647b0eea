"""The charts' PNG files (bot/reports/png.py): the pixels matplotlib draws, as RGB, read back by any PNG reader,
and their compressed rows handed to a PDF as they are."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from PIL import Image

from bot.reports.png import SIGNATURE, _chunk, flate_image, new_figure, save_figure


def figure() -> Figure:
    fig = new_figure(2.0, 1.2, 100)
    ax = fig.add_subplot()
    ax.plot([0, 1, 2], [1, 3, 2], color="#1f4fa8", marker="o")
    ax.axhspan(0.5, 1.5, color="#f2c200", alpha=0.22)
    ax.set_title("Vecka 47 – Åmål")
    return fig


def test_a_chart_is_the_pixels_matplotlib_draws_as_rgb_with_its_text_and_dpi(tmp_path: Path) -> None:
    fig = figure()
    path = save_figure(fig, tmp_path / "c.png", {"Panel breaks": "0.25000 0.50000"})
    reference = io.BytesIO()
    figure().savefig(reference, format="png")  # matplotlib's own file: RGBA
    with Image.open(path) as ours, Image.open(reference) as theirs:
        assert ours.mode == "RGB" and ours.size == theirs.size == (200, 120)
        assert np.array_equal(np.asarray(ours), np.asarray(theirs)[:, :, :3])
        assert np.asarray(theirs)[:, :, 3].min() == 255  # nothing was see-through
        assert ours.info["Panel breaks"] == "0.25000 0.50000"
        assert ours.info["Software"].startswith("Matplotlib version")
        assert round(ours.info["dpi"][0]) == 100


def test_a_see_through_figure_is_shown_on_white(tmp_path: Path) -> None:
    fig = new_figure(1.0, 1.0, 50)
    fig.patch.set_alpha(0.0)
    with Image.open(save_figure(fig, tmp_path / "c.png")) as im:
        assert im.mode == "RGB" and im.getextrema() == ((255, 255),) * 3


def test_the_compressed_rows_go_to_a_pdf_as_they_are(tmp_path: Path) -> None:
    path = save_figure(figure(), tmp_path / "c.png")
    flate = flate_image(path)
    assert flate is not None and (flate.width, flate.height) == (200, 120)
    rows = zlib.decompress(flate.data)  # each row: a filter byte (PNG predictors, as /Predictor 15 reads them)
    assert len(rows) == 120 * (1 + 3 * 200)
    with Image.open(path) as im:
        pixels = np.asarray(im).reshape(120, 600)
    raw = np.frombuffer(rows, dtype=np.uint8).reshape(120, 601)
    assert set(raw[:, 0]) == {0} and np.array_equal(raw[:, 1:], pixels)


def test_other_pngs_are_left_to_the_ordinary_reader(tmp_path: Path) -> None:
    Image.new("RGBA", (4, 4), (10, 20, 30, 128)).save(tmp_path / "alpha.png")
    Image.new("P", (4, 4)).save(tmp_path / "palette.png")
    header = struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 1)  # Adam7 (Pillow writes none)
    idat = zlib.compress(bytes(4 * 13))
    png = SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    (tmp_path / "interlaced.png").write_bytes(png)
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR")
    (tmp_path / "text.png").write_text("not a picture")
    for name in ("alpha", "palette", "interlaced", "broken", "text"):
        assert flate_image(tmp_path / f"{name}.png") is None, name
