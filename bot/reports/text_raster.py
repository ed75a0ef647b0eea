"""Text in the charts measured and rasterised once per process, not once per figure.

matplotlib's Agg renderer asks FreeType for every text it measures or draws: the glyphs are loaded and
auto-hinted (~20 µs a glyph) each time a string is measured, again when it is laid out for drawing, and each
glyph is rendered (~16 µs) where it lands. Its own cache of text sizes lives as long as one renderer, i.e. one
figure; a chart worker draws hundreds of figures with the same labels, numbers and tick labels.

`CachingRenderer` keeps, for the life of the process:
- each plain text's width, height and descent, per font, size and dpi (what `get_text_width_height_descent`
  answers: the same numbers);
- each text's layout (its glyphs and their offsets), from matplotlib 3.11's `FT2Font._layout`, per thread (as
  matplotlib's fonts are);
- each glyph's bitmap per font, size, dpi, angle and position within a pixel (in FreeType's 1/64 steps).
  A glyph drawn a whole number of pixels away from where it was rendered is the same bitmap shifted, so it is
  drawn from the cache at its place: the pixels are those matplotlib draws (a test compares them).

Each cache is bounded (emptied when full), and all are emptied when the font settings (rcParams) change. Math
text, TeX and a matplotlib without `_layout` are drawn by matplotlib's own code.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib import rcParams
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.ft2font import FT2Font

if TYPE_CHECKING:
    from matplotlib.backend_bases import GraphicsContextBase
    from matplotlib.font_manager import FontProperties
    from matplotlib.text import Text

# How much each cache may hold before it is emptied: ~10 MB of glyph bitmaps at most.
LIMIT = 20_000
_FONT_SETTINGS = (
    "text.hinting",
    "text.hinting_factor",
    "text.kerning_factor",
    "text.antialiased",
    "font.family",
    "font.serif",
    "font.sans-serif",
    "font.cursive",
    "font.fantasy",
    "font.monospace",
)
_HAS_LAYOUT = all(hasattr(FT2Font, name) for name in ("_layout", "_set_transform", "_render_glyph"))

_settings: tuple[object, ...] = ()
_metrics: dict[tuple[object, ...], tuple[float, float, float]] = {}
_layouts: dict[tuple[object, ...], tuple[tuple[FT2Font, int, float, float], ...]] = {}
_glyphs: dict[tuple[object, ...], tuple[np.ndarray[Any, Any], int, int]] = {}


def _check_settings() -> None:
    """Empty the caches when the font settings they were made under have changed."""
    global _settings
    now = tuple(tuple(v) if isinstance(v, list) else v for v in (rcParams[k] for k in _FONT_SETTINGS))  # type: ignore[index]
    if now != _settings:
        _settings = now
        clear()


@dataclass(frozen=True, slots=True)
class Held:
    """How many entries each cache holds."""

    metrics: int
    layouts: int
    glyphs: int


def held() -> Held:
    return Held(len(_metrics), len(_layouts), len(_glyphs))


def clear() -> None:
    _metrics.clear()
    _layouts.clear()
    _glyphs.clear()


def _font_key(prop: FontProperties) -> tuple[object, ...]:
    return (
        tuple(prop.get_family()),
        prop.get_style(),
        prop.get_variant(),
        prop.get_weight(),
        prop.get_stretch(),
        prop.get_file(),
        prop.get_size_in_points(),
        prop.get_math_fontfamily(),
    )


def _put(cache: dict[tuple[object, ...], Any], key: tuple[object, ...], value: Any) -> None:
    if len(cache) >= LIMIT:
        cache.clear()
    cache[key] = value


class CachingRenderer(RendererAgg):
    """matplotlib's Agg renderer with the process's text caches (see the module's doc)."""

    def __init__(self, width: float, height: float, dpi: float) -> None:
        super().__init__(width, height, dpi)
        _check_settings()

    def get_text_width_height_descent(self, s: str, prop: FontProperties, ismath: Any) -> tuple[float, float, float]:
        if ismath is not False:
            return super().get_text_width_height_descent(s, prop, ismath)
        key = (s, _font_key(prop), self.dpi)
        hit = _metrics.get(key)
        if hit is None:
            w, h, d = super().get_text_width_height_descent(s, prop, ismath)
            hit = (float(w), float(h), float(d))
            _put(_metrics, key, hit)
        return hit

    def draw_text(
        self,
        gc: GraphicsContextBase,
        x: float,
        y: float,
        s: str,
        prop: FontProperties,
        angle: float,
        ismath: Any = False,
        mtext: Text | None = None,
    ) -> None:
        if ismath is not False or not _HAS_LAYOUT:
            super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
            return
        flags = get_hinting_flag()
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        font_key = _font_key(prop)
        # the fonts matplotlib hands out are each thread's own (font_manager.get_font): so are the layouts holding them
        key = (s, font_key, self.dpi, features, language, threading.get_ident())
        items = _layouts.get(key)
        if items is None:
            font = self._prepare_font(prop)
            laid = font._layout(  # noqa: SLF001 (matplotlib 3.11's own way to lay out text)
                s, flags=flags, features=features, language=language
            )
            items = tuple((i.ft_object, i.glyph_index, i.x, i.y) for i in laid)
            _put(_layouts, key, items)
        self._draw_glyphs(gc, x, y, angle, prop.get_size_in_points(), items, flags)

    def _draw_glyphs(
        self,
        gc: GraphicsContextBase,
        x: float,
        y: float,
        angle: float,
        size: float,
        items: tuple[tuple[FT2Font, int, float, float], ...],
        flags: Any,
    ) -> None:
        """What matplotlib 3.11's `_draw_text_glyphs_and_boxes` draws for plain text, each glyph's bitmap
        rendered once per position within a pixel."""
        from matplotlib.ft2font import RenderMode

        cos = math.cos(math.radians(angle))
        sin = math.sin(math.radians(angle))
        antialiased = bool(gc.get_antialiased())
        matrix = (0x10000 * np.array([[cos, -sin], [sin, cos]])).round().astype(int)
        height = self.height
        for font, glyph, dx, dy in items:  # dy is upwards
            gx = round(0x40 * (x + dx * cos - dy * sin))
            gy = round(0x40 * (height - y + dx * sin + dy * cos))  # FreeType's y is upwards
            key = (font, size, self.dpi, glyph, angle, gx & 63, gy & 63, flags, antialiased)
            hit = _glyphs.get(key)
            if hit is None:
                font.set_size(size, self.dpi)
                font._set_transform(matrix, [gx & 63, gy & 63])  # type: ignore[attr-defined]  # noqa: SLF001 (as matplotlib 3.11 draws)
                mode = RenderMode.NORMAL if antialiased else RenderMode.MONO
                bitmap = font._render_glyph(glyph, flags, mode)  # type: ignore[attr-defined]  # noqa: SLF001 (as matplotlib 3.11 draws)
                buffer = bitmap.buffer
                if not antialiased:
                    buffer *= 0xFF
                hit = (buffer, bitmap.left, bitmap.top)
                _put(_glyphs, key, hit)
            buffer, left, top = hit
            # the bitmap at its whole-pixel place; draw_text_image's y is downwards, at the bitmap's bottom side
            left += gx >> 6
            top += gy >> 6
            self._renderer.draw_text_image(buffer, left, int(height) - top + buffer.shape[0], 0, gc)


class CachingCanvas(FigureCanvasAgg):
    """An Agg canvas whose renderer is a `CachingRenderer`."""

    def get_renderer(self) -> RendererAgg:
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer = CachingRenderer(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer
