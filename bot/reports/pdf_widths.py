"""Text widths in the PDF's fonts measured by what a text adds to the one measured before.

fpdf2's line breaking (`multi_cell`, its tables' cells) measures the line again after each character it adds:
the width of the whole line so far, each character's width looked up and summed, so a line of n characters
costs n²/2 look-ups; that was a fifth of a weekly report's time. A font here remembers the last text it
measured: a text that begins with it adds only the new characters' widths. The widths are whole numbers
(thousandths of the font size, as fpdf2 rounds them), so the sum is the same number either way.
"""

from __future__ import annotations

from typing import Any

from fpdf.fonts import TTFFont

# the last text each font measured and its width, by the font's id (the font is kept with it, so that the id
# is not another's); a document's fonts are few, and the memo is emptied when it holds more than this many
_LIMIT = 16
_last: dict[int, tuple[TTFFont, str, int]] = {}
_SHORT = 4  # a text this short is summed as it is


class QuickWidths(TTFFont):
    """fpdf2's TrueType font, with its text widths measured incrementally (see the module's doc)."""

    __slots__ = ()

    def get_text_width(
        self, text: str, font_size_pt: float, text_shaping_params: dict[str, Any] | None
    ) -> tuple[int, float]:
        if text_shaping_params or self.is_symbol or len(text) <= _SHORT:
            return super().get_text_width(text, font_size_pt, text_shaping_params)
        if font_size_pt > self.biggest_size_pt:
            self.biggest_size_pt = font_size_pt
        cw = self.cw
        last = _last.get(id(self))
        if last is not None and last[0] is self and text.startswith(last[1]):
            total = last[2] + sum(cw[ord(c)] for c in text[len(last[1]) :])
        else:
            total = sum(cw[ord(c)] for c in text)
        if len(_last) >= _LIMIT and id(self) not in _last:
            _last.clear()
        _last[id(self)] = (self, text, int(total))
        return len(text), total * font_size_pt * 0.001


def quicken(font: object) -> None:
    """Make `font`, if it is fpdf2's own TrueType font, measure as QuickWidths does."""
    if type(font) is TTFFont:
        font.__class__ = QuickWidths
