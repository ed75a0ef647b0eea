"""Text in charts that must be read whole: titles and labels are wrapped to the room they have, measured as
matplotlib draws them, so that a long place or group name never runs off the edge of the image.

A word wider than a whole line (a very long compound or a link) is split where it must, with a hyphen; the
characters are all there. An emoji, which the charts' font (DejaVu Sans) does not have, is shown as "[emoji]"
rather than as an empty box.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import Any

from matplotlib.cbook import is_math_text
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from bot.text import t


@cache
def _drawable() -> frozenset[int]:
    """The characters of the font matplotlib draws text in."""
    from matplotlib import font_manager, ft2font

    return frozenset(ft2font.FT2Font(font_manager.findfont("DejaVu Sans")).get_charmap())


def printable(text: str, lang: str) -> str:
    """`text` with each emoji the font lacks replaced by a visible marker in `lang`, and the joiners, variation
    selectors and skin tones that only modify an emoji left out."""
    drawable = _drawable()
    if all((ord(ch) in drawable or ch.isspace()) and ch != "\u200d" for ch in text):
        return text
    out = []
    for ch in text:
        code = ord(ch)
        if code == 0x200D or 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF:
            continue
        elif code in drawable or ch.isspace():
            out.append(ch)
        elif unicodedata.category(ch) == "So":
            out.append(t(lang, "doc.missing.emoji"))
        else:
            out.append(ch)  # drawn as the font's box: visible, and rare in Swedish or English names
    return "".join(out)


def text_width(fig: Figure, text: str, **font: Any) -> float:
    """The width in inches of `text` drawn in `fig` with the font properties `font` (fontsize, fontweight): of one
    line of plain text asked of the renderer (as a text artist measures it, without making one)."""
    if "\n" in text or is_math_text(text) or set(font) - {"fontsize", "fontweight"}:
        return text_size(fig, text, **font)[0]
    props = FontProperties(size=font.get("fontsize"), weight=font.get("fontweight"))
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    width, _, _ = renderer.get_text_width_height_descent(text, props, ismath=False)
    return float(width) / fig.dpi


def text_size(fig: Figure, text: str, **font: Any) -> tuple[float, float]:
    """The width and height in inches of `text` (lines and all) drawn in `fig` with the font properties `font`."""
    probe = fig.text(0, 0, text, **font)
    try:
        box = probe.get_window_extent(fig.canvas.get_renderer())  # type: ignore[attr-defined]
        return float(box.width) / fig.dpi, float(box.height) / fig.dpi
    finally:
        probe.remove()


def wrap(fig: Figure, text: str, width: float, *, lang: str, **font: Any) -> str:
    """`text` in lines no wider than `width` inches, broken between words (inside a word only when the word
    alone is wider than a line), with emoji made printable in `lang`."""
    text = printable(text, lang)

    def fits(s: str) -> bool:
        return text_width(fig, s, **font) <= width

    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}" if line else word
            if fits(trial):
                line = trial
                continue
            if line:
                lines.append(line)
            while not fits(word) and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and not fits(word[:cut] + "-"):
                    cut -= 1
                lines.append(word[:cut] + "-")
                word = word[cut:]
            line = word
        lines.append(line)
    return "\n".join(lines)


def line_count(text: str) -> int:
    return text.count("\n") + 1


def fit(
    fig: Figure, text: str, width: float, fontsize: float, min_size: float, *, lang: str, **font: Any
) -> tuple[str, float]:
    """`text` wrapped to `width` inches at the largest size from `fontsize` down to `min_size` (in steps of
    half a point) at which each of its words fits a line, and that size."""
    text = printable(text, lang)
    size = fontsize
    longest = max(text.split(), key=len, default="")
    while size > min_size and text_width(fig, longest, fontsize=size, **font) > width:
        size = max(min_size, size - 0.5)
    if size > min_size:  # the longest word by letters fits; make sure every word does
        while size > min_size and any(text_width(fig, w, fontsize=size, **font) > width for w in text.split()):
            size = max(min_size, size - 0.5)
    return wrap(fig, text, width, lang=lang, fontsize=size, **font), size
