"""A small A4 document writer on fpdf2 (pure Python, no system packages).

The text is set in DejaVu Sans, which matplotlib ships, so Swedish letters, dashes and arrows print on any
machine; the fonts are embedded as subsets with their Unicode map, so the text can be searched and copied.
Colour emoji do not exist in that font: levels are shown as coloured cells instead, and emoji that people typed
are drawn with a colour emoji font when the machine has one (Debian's fonts-noto-color-emoji), or else replaced
by a visible "[emoji]", never dropped.

Layout rules a person who prints the document would ask for: a table's columns are at least as wide as their
longest word, so cells break between words; a heading stays with what follows it; a chart that does not fit
below the text either shrinks a little or moves to the next page with its heading, and a page is never left
nearly empty for it; a tall chart with panels (the trend chart) continues on the next page between panels.
"""

from __future__ import annotations

import copy
import importlib.util
import logging
import os
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont
from fpdf.enums import TextEmphasis
from fpdf.fonts import FontFace, SubsetMap, TTFFont

from bot.domain.factors import LEVEL_HEX
from bot.reports.pdf_fonts import reduced, reduced_emoji
from bot.reports.pdf_pictures import LEAST_CHART_SCALE, MIN_CHART_SCALE, MIN_PAGE_FILL, PictureWriter
from bot.reports.pdf_widths import quicken
from bot.text import t

FONT = "DejaVu"
EMOJI_FONT_NAME = "Emoji"
# matplotlib's own fonts, found without importing matplotlib (a worker writing PDFs need not load it for them)
_MATPLOTLIB = importlib.util.find_spec("matplotlib")
if _MATPLOTLIB is None or _MATPLOTLIB.origin is None:
    raise ImportError("the PDF writer takes its fonts from matplotlib, which is not installed")
_FONT_DIR = Path(_MATPLOTLIB.origin).parent / "mpl-data" / "fonts" / "ttf"
ITALIC = _FONT_DIR / "DejaVuSans-Oblique.ttf"
# colour emoji fonts fpdf2 can draw (CBDT bitmaps), looked for in this order; EST_EMOJI_FONT names another file
EMOJI_FONTS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"),
    Path("/usr/share/fonts/noto/NotoColorEmoji.ttf"),
    Path("/usr/share/fonts/google-noto-emoji/NotoColorEmoji.ttf"),
)
# the smallest type a table is set in to make its longest words fit their columns
MIN_TABLE_SIZE = 6.5
HEADING_FILL = (238, 238, 238)
MUTED = (85, 85, 85)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def emoji_font() -> Path | None:
    """The colour emoji font of this machine, if it has one."""
    named = os.environ.get("EST_EMOJI_FONT")
    candidates = (Path(named),) if named else EMOJI_FONTS
    return next((p for p in candidates if p.is_file()), None)


def _modifier(code: int) -> bool:
    """A joiner, variation selector or skin tone: it only modifies the emoji before it (no text shaping here)."""
    return code == 0x200D or 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF


LEVEL_RGB: dict[str, tuple[int, int, int]] = {k: _rgb(v) for k, v in LEVEL_HEX.items()}
LEVEL_TEXT: dict[str, tuple[int, int, int]] = {
    "green": (255, 255, 255),
    "yellow": (26, 26, 26),
    "orange": (26, 26, 26),
    "red": (255, 255, 255),
    "none": (26, 26, 26),
}


# fonts as fpdf2 parsed them, by font key and file: copied for each document (Document._add_parsed_font)
_PARSED_FONTS: dict[tuple[str, Path], TTFFont] = {}
# the tables fpdf2 leaves out of every embedded font (fpdf.output's font subsetting) but reads before it does
_UNUSED_TABLES = ("FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix", "CBDT", "CBLC", "EBDT", "EBLC")
_EMBEDDABLE: dict[Path, bytes] = {}  # each font file without those tables, read once per process
# What fpdf2's parsed font holds in the versions whose internals the copy was written and checked against (2.8.6
# to 2.8.9; tests/integration/reports/test_pdf_fonts.py). Our range (fpdf2>=2.8,<3) also admits versions without
# `color_font` or with `SubsetMap(font, identities)` (2.8.1 to 2.8.4), and a later one may add state a document
# keeps for itself, which a shallow copy would share between documents: with any other set of attributes each
# document reads its fonts itself, as fpdf2 does.
# fmt: off
_TTFFONT_SLOTS = frozenset((
    "i", "type", "name", "desc", "glyph_ids", "_hbfont", "sp", "ss", "up", "ut", "cw", "ttffile", "fontkey",
    "emphasis", "scale", "subset", "cmap", "ttfont", "missing_glyphs", "biggest_size_pt", "color_font",
    "unicode_range", "palette_index", "is_compressed", "is_cff", "is_cid_keyed", "is_symbol", "cff_ros",
    "collection_font_number",
))
# fmt: on
REUSE_PARSED_FONTS = frozenset(getattr(TTFFont, "__slots__", ())) == _TTFFONT_SLOTS


def _without_unused_tables(path: Path) -> bytes:
    """The font file at `path` without the tables the embedded subset leaves out; the others are copied as
    they are (a lazily read font writes a table it did not decode byte for byte)."""
    font = TTFont(path, recalcTimestamp=False, lazy=True)
    if "GPOS" in font and "kern" in font:  # the subset leaves out the older kerning table beside a GPOS
        del font["kern"]
    for tag in _UNUSED_TABLES:
        if tag in font:
            del font[tag]
    out = BytesIO()
    font.save(out)
    font.close()
    return out.getvalue()


def _embeddable(path: Path) -> bytes:
    data = _EMBEDDABLE.get(path)
    if data is None:
        data = _EMBEDDABLE[path] = _without_unused_tables(path)
    return data


class Document(PictureWriter):
    """A4 portrait with a footer "page n of m" in the document's language."""

    def __init__(self, lang: str, title: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.lang = lang
        self.doc_title = title
        self._add_parsed_font(FONT, "", _FONT_DIR / "DejaVuSans.ttf")
        self._add_parsed_font(FONT, "B", _FONT_DIR / "DejaVuSans-Bold.ttf")
        # the italic is read when text is first set in it (set_font): the reports print none
        self.reduced_fonts: list[str] = []  # the fonts output embedded from their reduced font (pdf_fonts)
        self._emoji_path = emoji_font()
        self._emoji_files: list[Path] | None = None  # the emoji fonts to try, in order (_emoji_more)
        self._emoji_names: list[str] = []  # those loaded (or tried), as fpdf2 knows them
        self._drawable: set[int] = set(getattr(self.fonts[FONT.lower()], "cmap", {}))
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

    def _add_parsed_font(self, family: str, style: str, path: Path) -> None:
        """`add_font`, with what fpdf2 reads from the font file (widths, glyph ids, its descriptor) read once per
        process: a third of a report's time went to reading the three fonts again for every document. What a
        document changes is its own: the font file itself, which its output trims to the glyphs it used, the
        glyphs it used and those it missed, and the descriptor that output names and numbers."""
        if not REUSE_PARSED_FONTS:  # an fpdf2 whose internals this was not checked against (_TTFFONT_SLOTS)
            self.add_font(family, style, str(path))
            return
        fontkey = f"{family.lower()}{style}"
        parsed = _PARSED_FONTS.get((fontkey, path))
        if parsed is None:
            self.add_font(family, style, str(path))
            kept = self.fonts[fontkey]
            if isinstance(kept, TTFFont) and kept.color_font is None:
                quicken(kept)
                parsed = _PARSED_FONTS[(fontkey, path)] = copy.copy(kept)  # before output trims its font file
                parsed.desc = copy.copy(kept.desc)
                _embeddable(path)
            return
        font = copy.copy(parsed)
        font.i = len(self.fonts) + 1
        font.ttfont = TTFont(BytesIO(_EMBEDDABLE[path]), recalcTimestamp=False, lazy=True)
        font.desc = copy.copy(parsed.desc)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font.subset = SubsetMap(font)
        self.fonts[fontkey] = font

    def set_font(self, family: str | None = None, style: str | TextEmphasis = "", size: float = 0) -> None:
        emphasis = style.style if isinstance(style, TextEmphasis) else style.upper()
        named = (family or self.font_family or "").lower()
        if "I" in emphasis and named == FONT.lower() and f"{named}I" not in self.fonts:
            self._add_parsed_font(FONT, "I", ITALIC)
        super().set_font(family, style, size)

    # ------------------------------------------------------------------ characters no font has

    def normalize_text(self, text: str) -> str:
        """Every text goes through here before it is measured or drawn: a character DejaVu lacks is drawn with
        the emoji font (loaded the first time one is needed), or replaced by a visible marker. Joiners, variation
        selectors and skin tones only modify the emoji before them; they are left out (no text shaping here)."""
        if all(ord(ch) in self._drawable or ch in "\n\r\t" for ch in text):
            return super().normalize_text(text)
        out = []
        for ch in text:
            code = ord(ch)
            if _modifier(code):
                continue
            if self._draws(ch):
                out.append(ch)
            elif unicodedata.category(ch) in ("Cf", "Mn", "Me"):
                continue  # other invisible marks: nothing to print
            else:
                key = "doc.missing.emoji" if unicodedata.category(ch) == "So" else "doc.missing.char"
                out.append(t(self.lang, key))
        return super().normalize_text("".join(out))

    def _draws(self, ch: str) -> bool:
        """Whether `ch` prints as itself, with the emoji fonts loaded as far as it takes."""
        code = ord(ch)
        while code not in self._drawable and ch not in "\n\r\t" and self._emoji_more():
            self._load_emoji_font()
        return code in self._drawable or ch in "\n\r\t"

    def can_draw(self, text: str) -> bool:
        """Whether every character of `text` prints as itself, not as a marker (the bot's own icons need the
        colour emoji font, which a machine may lack)."""
        return all(_modifier(ord(ch)) or self._draws(ch) for ch in text)

    @property
    def emoji_fonts(self) -> tuple[str, ...]:
        """The emoji fonts loaded so far, as fpdf2 names them: "Emoji" (reduced), then "Emoji1" (whole)."""
        return tuple(self._emoji_names)

    def _emoji_more(self) -> bool:
        """Whether an emoji font is left to load: first the emoji font reduced to the bot's own icons and a few
        that people often type (a tenth of a second less per document than the whole font), then the whole."""
        if self._emoji_files is None:
            full = self._emoji_path
            small = reduced_emoji(full) if full is not None else None
            self._emoji_files = [p for p in (small, full) if p is not None]
        return len(self._emoji_names) < len(self._emoji_files)

    def _load_emoji_font(self) -> None:
        assert self._emoji_files is not None
        file = self._emoji_files[len(self._emoji_names)]
        name = f"{EMOJI_FONT_NAME}{len(self._emoji_names) or ''}"
        self._emoji_names.append(name)
        try:
            self.add_font(name, "", str(file))
        except Exception:  # a font file fpdf2 cannot read: the markers stand in, as without one
            logging.getLogger(__name__).exception("emoji font %s could not be loaded", file)
            return
        self.set_fallback_fonts([n for n in self._emoji_names if n.lower() in self.fonts], exact_match=False)
        self._drawable |= set(getattr(self.fonts[name.lower()], "cmap", {}))

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

    def keep(self, height: float) -> None:
        """Start a new page unless `height` more millimetres fit on this one."""
        if self.room() < height:
            self.add_page()

    def h2(self, text: str, *, keep: float = 30) -> None:
        """A section heading, moved to the next page unless `keep` mm of what follows fit under it."""
        self.set_font(FONT, "B", 13.5)
        self.keep(5 + self._text_height(text, 7) + keep)
        self.ln(3)
        self.set_font(FONT, "B", 13.5)
        self.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT", align="L")
        y = self.get_y()
        self.set_draw_color(200, 200, 200)
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.ln(2)

    def h3(self, text: str, *, keep: float = 40) -> None:
        self.set_font(FONT, "B", 11.5)
        self.keep(1.5 + self._text_height(text, 6) + keep)
        self.ln(1.5)
        self.set_font(FONT, "B", 11.5)
        self.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT", align="L")

    def _text_height(self, text: str, line: float, width: float = 0) -> float:
        """The height `text` takes in the current font, set in lines of `line` mm across `width` (the text width)."""
        lines = self.multi_cell(width or self.epw, line, text, dry_run=True, output="LINES")
        return line * max(1, len(lines) if isinstance(lines, list) else 1)

    def para_height(self, text: str, *, size: float = 10.5, style: str = "") -> float:
        self.set_font(FONT, style, size)
        return self._text_height(text, size * 0.5) + 1

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
        """A table that wraps its cells between words and repeats its header on a new page; `widths` are the
        preferred shares of the columns, widened where a word would not fit and narrowed where there is room;
        `colours` gives a level colour ("green", …) per cell to fill it with."""
        padding = 1.2
        size, col_widths = self._fit_columns(header, rows, widths, colours, size, padding)
        self.set_font(FONT, "", size)
        self.set_fill_color(255, 255, 255)
        heading = FontFace(family=FONT, emphasis="BOLD", fill_color=HEADING_FILL)
        with self.table(
            col_widths=tuple(col_widths),
            headings_style=heading,
            line_height=size * 0.55,
            text_align=tuple(align) if align else "LEFT",
            width=self.epw,
            padding=padding,
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

    def _fit_columns(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        preferred: Sequence[float],
        colours: Sequence[Sequence[str | None]] | None,
        size: float,
        padding: float,
    ) -> tuple[float, list[float]]:
        """The type size and column widths (mm, adding up to the text width) at which every column is as wide
        as its longest word: the preferred size if it fits, else smaller down to MIN_TABLE_SIZE."""
        total = self.epw
        scale = total / sum(preferred)
        widths = [w * scale for w in preferred]
        while True:
            needed = [0.0] * len(widths)
            for i, cells in enumerate([header, *rows]):
                for j, value in enumerate(cells):
                    # the header and coloured cells are set in bold
                    bold = i == 0 or (colours is not None and bool(colours[i - 1][j]))
                    self.set_font(FONT, "B" if bold else "", size)
                    for word in str(value).split():
                        needed[j] = max(needed[j], self.get_string_width(word))
            needed = [n + 2 * padding + 0.6 for n in needed]
            if sum(needed) <= total or size <= MIN_TABLE_SIZE:
                break
            size = max(MIN_TABLE_SIZE, size - 0.5)
        return size, _share(widths, needed, total)

    # ------------------------------------------------------------------ pictures

    def figure(
        self, title: str, explain: str | None, path: Path, *, alt: str = "", breaks: Sequence[float] = ()
    ) -> None:
        """A section made of a heading, a line of explanation and a chart, kept together on one page: the
        heading moves on with the chart (or its first piece) rather than stay behind alone."""
        _, px_w, px_h = self._raster(path)
        h = self.epw * px_h / px_w
        # pieces keep their size, so the first one goes with the heading; a whole chart may shrink (_shrink_to_fit)
        cuts = [b for b in breaks if 0 < b < 1]
        scale = LEAST_CHART_SCALE if self.filled() < MIN_PAGE_FILL else MIN_CHART_SCALE
        need = min(cuts) * h if cuts else h * scale
        if explain:
            need += self.para_height(explain, size=9)
        self.h2(title, keep=need)
        if explain:
            self.para(explain, size=9, muted=True)
        self.picture(path, alt=alt, breaks=breaks)

    def save(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.output(str(path))
        return path

    def output(self, *args: Any, **kwargs: Any) -> Any:
        self._embed_from_reduced_fonts()
        return super().output(*args, **kwargs)

    def _embed_from_reduced_fonts(self) -> None:
        """Each of the text fonts whose glyphs this document used are all in its reduced font (pdf_fonts) is
        subset from that: the same glyphs, a sixth of the font to read."""
        for font in self.fonts.values():
            if not isinstance(font, TTFFont) or font.color_font is not None:
                continue
            path = Path(font.ttffile)
            if path.parent != _FONT_DIR:
                continue
            small = reduced(path.name, _embeddable(path))
            if set(font.subset.get_all_glyph_names()) <= small.glyphs:
                font.ttfont = TTFont(BytesIO(small.data), recalcTimestamp=False, lazy=True)
                self.reduced_fonts.append(font.fontkey)


def _share(preferred: Sequence[float], needed: Sequence[float], total: float) -> list[float]:
    """Column widths adding up to `total`: each at least its `needed` width (when they all fit), the rest
    shared out like `preferred`."""
    widths = [max(p, n) for p, n in zip(preferred, needed, strict=True)]
    excess = sum(widths) - total
    for _ in range(len(widths) + 1):
        if excess <= 1e-6:
            break
        slack = [w - n for w, n in zip(widths, needed, strict=True)]
        room = sum(s for s in slack if s > 0)
        if room <= 1e-6:
            break
        take = min(excess, room)
        widths = [w - take * s / room if s > 0 else w for w, s in zip(widths, slack, strict=True)]
        excess -= take
    if excess > 1e-6:  # even the longest words do not fit side by side: shrink all alike
        widths = [w * total / sum(widths) for w in widths]
    elif excess < -1e-6:
        widths[max(range(len(widths)), key=lambda i: preferred[i])] -= excess
    return widths
