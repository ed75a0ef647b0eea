"""The charts' text caches (bot/reports/text_raster.py): the same pixels and sizes as matplotlib's own renderer,
whether a text is measured or drawn for the first time or from the caches."""

from __future__ import annotations

import threading

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from bot.reports import text_raster
from bot.reports.text_raster import CachingCanvas

TEXTS = ("1,5", "Vänersborg centrum", "Hot, våld", "Vecka 47 – Åmål", "0", "3")


def _figure(canvas: type[FigureCanvasAgg], shift: float) -> Figure:
    fig = Figure(figsize=(3.1, 2.3), dpi=150)
    canvas(fig)
    for i, text in enumerate(TEXTS):
        for j, (size, weight) in enumerate(((9, "normal"), (10, "bold"), (12.5, "normal"))):
            # positions that fall at different places within a pixel, so that a glyph is drawn at several
            x, y = 0.03 + 0.137 * j + shift, 0.05 + 0.15 * i + shift / 3
            fig.text(x, y, text, fontsize=size, fontweight=weight, color="#1f4fa8" if j else "#222222")
    fig.text(0.9, 0.1, "Vecka 47", rotation=90, fontsize=9)
    fig.text(0.8, 0.9, "$x^2$", fontsize=9)  # math text: matplotlib's own path
    ax = fig.add_axes((0.55, 0.55, 0.3, 0.3))
    ax.set_title("Åmål", loc="left")
    ax.plot([0, 1], [1, 0])
    return fig


def _pixels(fig: Figure) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()  # type: ignore[attr-defined]


@pytest.mark.parametrize("shift", [0.0, 0.0031, 0.0107])
def test_text_drawn_through_the_caches_is_the_pixels_matplotlib_draws(shift: float) -> None:
    text_raster.clear()
    first = _pixels(_figure(CachingCanvas, shift))
    held = text_raster.held()
    assert held.glyphs and held.layouts and held.metrics
    again = _pixels(_figure(CachingCanvas, shift))  # every text and glyph from the caches
    assert text_raster.held() == held
    theirs = _pixels(_figure(FigureCanvasAgg, shift))
    assert np.array_equal(first, theirs)
    assert np.array_equal(again, theirs)


def test_a_glyph_a_whole_number_of_pixels_away_is_drawn_from_the_cache() -> None:
    text_raster.clear()
    fig = Figure(figsize=(2, 1), dpi=100)
    CachingCanvas(fig)
    fig.text(0.1, 0.5, "1,5", fontsize=10)
    fig.text(0.3, 0.5, "1,5", fontsize=10)  # 20 px to the right: the same bitmaps
    drawn = _pixels(fig)
    assert text_raster.held().glyphs == 3
    plain = Figure(figsize=(2, 1), dpi=100)
    FigureCanvasAgg(plain)
    plain.text(0.1, 0.5, "1,5", fontsize=10)
    plain.text(0.3, 0.5, "1,5", fontsize=10)
    assert np.array_equal(drawn, _pixels(plain))


def test_sizes_are_the_renderers_and_the_caches_empty_when_the_font_settings_change() -> None:
    text_raster.clear()
    ours = CachingCanvas(Figure(dpi=150)).get_renderer()
    theirs = FigureCanvasAgg(Figure(dpi=150)).get_renderer()
    for text in TEXTS:
        for prop in (FontProperties(size=9), FontProperties(size=11, weight="bold")):
            expected = theirs.get_text_width_height_descent(text, prop, ismath=False)
            assert ours.get_text_width_height_descent(text, prop, ismath=False) == expected
            assert ours.get_text_width_height_descent(text, prop, ismath=False) == expected  # from the cache
    assert text_raster.held().metrics
    with matplotlib.rc_context({"font.sans-serif": ["DejaVu Sans", "Bitstream Vera Sans"]}):
        CachingCanvas(Figure(dpi=150)).get_renderer()
        assert not text_raster.held().metrics
    CachingCanvas(Figure(dpi=150)).get_renderer()  # the settings back as they were: emptied again
    assert not text_raster.held().metrics


def test_another_thread_lays_out_with_its_own_fonts_and_draws_the_same() -> None:
    text_raster.clear()
    here = _pixels(_figure(CachingCanvas, 0.0))
    layouts = text_raster.held().layouts
    there: list[np.ndarray] = []
    worker = threading.Thread(target=lambda: there.append(_pixels(_figure(CachingCanvas, 0.0))))
    worker.start()
    worker.join()
    assert np.array_equal(there[0], here)
    assert text_raster.held().layouts == 2 * layouts  # matplotlib's fonts are per thread: so are the layouts
