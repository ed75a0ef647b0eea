"""Text widths measured incrementally (bot/reports/pdf_widths.py): the same numbers as fpdf2's own, for a text
that grows a character at a time as line breaking measures it, and for any other."""

from __future__ import annotations

from fpdf import FPDF
from fpdf.fonts import TTFFont

from bot.reports.pdf import _FONT_DIR
from bot.reports.pdf_widths import QuickWidths, quicken

TEXT = "Störande grupperingar vid Färjeterminalen, Hamnen – ❤ 0,3 → 0,4 (ﬁ) 12345"


def _font(style: str = "") -> TTFFont:
    pdf = FPDF()
    pdf.add_font("DejaVu", style, str(_FONT_DIR / ("DejaVuSans-Bold.ttf" if style else "DejaVuSans.ttf")))
    font = pdf.fonts[f"dejavu{style}"]
    assert type(font) is TTFFont
    return font


def test_widths_are_fpdf2s_for_growing_and_unrelated_texts() -> None:
    theirs, ours = _font(), _font()
    quicken(ours)
    assert isinstance(ours, QuickWidths)
    texts = [TEXT[:n] for n in range(len(TEXT) + 1)]  # as a line grows
    texts += ["Hamnen", TEXT, TEXT[3:], TEXT + TEXT, "", "Vecka 47"]  # not a continuation of the one before
    for size in (9, 10.5):
        for text in texts:
            assert ours.get_text_width(text, size, None) == theirs.get_text_width(text, size, None), (text, size)
    assert ours.biggest_size_pt == theirs.biggest_size_pt == 10.5


def test_two_fonts_measured_in_turn_keep_their_own_widths() -> None:
    regular, bold = _font(), _font("B")
    quicken(regular)
    quicken(bold)
    plain_regular, plain_bold = _font(), _font("B")
    for n in range(1, len(TEXT) + 1):
        assert regular.get_text_width(TEXT[:n], 10, None) == plain_regular.get_text_width(TEXT[:n], 10, None)
        assert bold.get_text_width(TEXT[:n], 10, None) == plain_bold.get_text_width(TEXT[:n], 10, None)
    assert bold.get_text_width(TEXT, 10, None) != regular.get_text_width(TEXT, 10, None)
