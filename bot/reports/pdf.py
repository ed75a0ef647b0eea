"""A small A4 document writer on fpdf2 (pure Python, no system packages).

The text is set in DejaVu Sans, which matplotlib ships, so Swedish letters, dashes and arrows print on any
machine; the fonts are embedded as subsets with their Unicode map, so the text can be searched and copied.
Colour emoji do not exist in that font: levels are shown as coloured cells instead.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.fonts import FontFace

from bot.domain.factors import LEVEL_HEX
from bot.text import t

FONT = "DejaVu"
_FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
HEADING_FILL = (238, 238, 238)
MUTED = (85, 85, 85)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


LEVEL_RGB: dict[str, tuple[int, int, int]] = {k: _rgb(v) for k, v in LEVEL_HEX.items()}
LEVEL_TEXT: dict[str, tuple[int, int, int]] = {
    "green": (255, 255, 255),
    "yellow": (26, 26, 26),
    "orange": (26, 26, 26),
    "red": (255, 255, 255),
    "none": (26, 26, 26),
}


class Document(FPDF):
    """A4 portrait with a footer "page n of m" in the document's language."""

    def __init__(self, lang: str, title: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.lang = lang
        self.doc_title = title
        self.add_font(FONT, "", str(_FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(_FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.add_font(FONT, "I", str(_FONT_DIR / "DejaVuSans-Oblique.ttf"))
        self.set_margins(16, 16, 16)
        self.set_auto_page_break(True, margin=18)
        self.set_title(title)
        self.set_lang(lang)
        self.set_creator("est-bot")
        # a fixed date keeps the file the same for the same data (SOURCE_DATE_EPOCH as in reproducible builds)
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch and epoch.isdigit():
            self.set_creation_date(datetime.fromtimestamp(int(epoch), UTC))
        self.alias_nb_pages()
        self.add_page()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        page = t(self.lang, "doc.page", page=self.page_no(), pages="{nb}")
        self.cell(0, 5, f"{self.doc_title} · {page}", align="C")
        self.set_text_color(0, 0, 0)

    # ------------------------------------------------------------------ text

    def h1(self, text: str) -> None:
        self.set_font(FONT, "B", 18)
        self.multi_cell(0, 8.5, text, new_x="LMARGIN", new_y="NEXT", align="L")
        self.ln(1.5)

    def h2(self, text: str) -> None:
        if self.get_y() > self.h - 45:  # keep a heading with what follows it
            self.add_page()
        self.ln(3)
        self.set_font(FONT, "B", 13.5)
        self.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT", align="L")
        y = self.get_y()
        self.set_draw_color(200, 200, 200)
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.ln(2)

    def h3(self, text: str) -> None:
        if self.get_y() > self.h - 60:
            self.add_page()
        self.ln(1.5)
        self.set_font(FONT, "B", 11.5)
        self.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT", align="L")

    def para(self, text: str, *, size: float = 10.5, muted: bool = False, style: str = "") -> None:
        self.set_font(FONT, style, size)
        if muted:
            self.set_text_color(*MUTED)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT", align="L")
        self.set_text_color(0, 0, 0)
        self.ln(1)

    def bullets(self, items: Sequence[str], *, size: float = 10.5) -> None:
        self.set_font(FONT, "", size)
        for item in items:
            self.set_x(self.l_margin + 2)
            self.cell(5, size * 0.5, "•")
            self.multi_cell(0, size * 0.5, item, new_x="LMARGIN", new_y="NEXT", align="L")
            self.ln(0.8)
        self.ln(1)

    # ------------------------------------------------------------------ tables and pictures

    def grid(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        colours: Sequence[Sequence[str | None]] | None = None,
        size: float = 9.5,
        align: Sequence[str] | None = None,
    ) -> None:
        """A table that wraps its cells and repeats its header on a new page; `colours` gives a level colour
        ("green", …) per cell to fill it with."""
        self.set_font(FONT, "", size)
        self.set_fill_color(255, 255, 255)
        heading = FontFace(family=FONT, emphasis="BOLD", fill_color=HEADING_FILL)
        with self.table(
            col_widths=tuple(widths),
            headings_style=heading,
            line_height=size * 0.55,
            text_align=tuple(align) if align else "LEFT",
            width=self.epw,
            padding=1.2,
            first_row_as_headings=True,
        ) as table:
            head = table.row()
            for h in header:
                head.cell(h)
            for i, values in enumerate(rows):
                row = table.row()
                for j, value in enumerate(values):
                    colour = colours[i][j] if colours is not None else None
                    if colour:
                        style = FontFace(
                            family=FONT, emphasis="BOLD", color=LEVEL_TEXT[colour], fill_color=LEVEL_RGB[colour]
                        )
                        row.cell(value, style=style)
                    else:
                        row.cell(value)
        self.ln(2)

    def picture(self, path: Path, *, width: float | None = None, alt: str = "") -> None:
        """An image as wide as the text (or `width` mm), scaled down to fit one page."""
        from PIL import Image

        with Image.open(path) as im:
            px_w, px_h = im.size
        w = width or self.epw
        h = w * px_h / px_w
        room = self.h - self.t_margin - self.b_margin - 4
        if h > room:
            w, h = w * room / h, room
        if self.get_y() + h > self.page_break_trigger:
            self.add_page()
        x = self.l_margin + (self.epw - w) / 2
        self.image(str(path), x=x, y=self.get_y(), w=w, h=h, alt_text=alt or None)
        self.set_y(self.get_y() + h + 2)

    def save(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.output(str(path))
        return path
