"""Pictures in a PDF (bot/reports/pdf.py's Document): a chart as wide as the text, shrunk a little or continued on
the next page between its panels, never leaving a page nearly empty behind it.

An RGB PNG (the charts, bot/reports/png.py) goes into the document by its compressed rows as they are, without
being decoded and compressed again; a chart continued over pages is that one image, clipped to each piece.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from fpdf import FPDF
from fpdf.image_datastructures import RasterImageInfo

from bot.reports.png import flate_image

# a page holding less than this share of its height is "nearly empty": a chart never leaves one behind
MIN_PAGE_FILL = 0.5
# a chart may shrink to this share of its width to stay on the page below the text before it
MIN_CHART_SCALE = 0.7
# and down to this share rather than leave a nearly empty page behind
LEAST_CHART_SCALE = 0.4


class PictureWriter(FPDF):
    """The picture-placing part of a document: the page's room, and images placed in it."""

    def room(self) -> float:
        """The height left on this page above the bottom margin."""
        return self.page_break_trigger - self.get_y()

    def filled(self) -> float:
        """The share of this page's text area already used."""
        return (self.get_y() - self.t_margin) / (self.page_break_trigger - self.t_margin)

    def picture(self, path: Path, *, width: float | None = None, alt: str = "", breaks: Sequence[float] = ()) -> None:
        """An image as wide as the text (or `width` mm). When it does not fit below the text, it shrinks to fit
        if it keeps MIN_CHART_SCALE of its width, or it continues on the next page: between two of its `breaks`
        (shares of its height where it may be cut, e.g. between panels) if it has them, else whole, scaled
        down to one page if need be. A piece is the whole image clipped to it: the file is embedded once."""
        image, px_w, px_h = self._raster(path)
        w = width or self.epw
        h = w * px_h / px_w
        page = self.page_break_trigger - self.t_margin - 2
        cuts = [0.0, *sorted(b for b in breaks if 0 < b < 1), 1.0]
        if h <= self.room() - 2 or (len(cuts) == 2 and self._shrink_to_fit(w, h)):
            w = min(w, (self.room() - 2) * px_w / px_h)
            self._place(image, (px_w, px_h), w, alt)
            return
        # in pieces between the breaks, as many on each page as fit
        first = 0
        while first < len(cuts) - 1:
            last = first + 1
            while last + 1 < len(cuts) and (cuts[last + 1] - cuts[first]) * h <= self.room() - 2:
                last += 1
            piece_h = (cuts[last] - cuts[first]) * h
            if piece_h > self.room() - 2 and self.filled() > 0.02:
                self.add_page()
                continue
            top, bottom = round(cuts[first] * px_h), round(cuts[last] * px_h)
            piece_w = min(w, (page if piece_h > page else piece_h) * px_w / (bottom - top))
            self._place(image, (px_w, px_h), piece_w, alt if first == 0 else "", (top, bottom))
            first = last

    def _raster(self, path: Path) -> tuple[Any, int, int]:
        """The image at `path` as fpdf2 takes it, and its size in pixels: an RGB PNG (the charts) by its compressed
        rows as they are (bot/reports/png.py), any other image decoded."""
        key = str(path.resolve())
        known = self.image_cache.images.get(key)
        if known is not None:
            return Path(key), cast(int, known["w"]), cast(int, known["h"])
        flate = flate_image(path)
        if flate is None:
            from PIL import Image

            with Image.open(path) as im:
                image = im.convert("RGB") if im.mode not in ("RGB", "RGBA", "L") else im.copy()
            return image, image.size[0], image.size[1]
        info = RasterImageInfo(
            data=flate.data,
            w=flate.width,
            h=flate.height,
            cs="DeviceRGB",
            iccp=None,
            iccp_i=None,
            bpc=8,
            dpn=3,
            f="FlateDecode",
            inverted=False,
            dp=f"/Predictor 15 /Colors 3 /Columns {flate.width}",
            i=len(self.image_cache.images) + 1,
            usages=0,  # fpdf2 counts each placing; an image never placed is not written
        )
        self.image_cache.images[key] = info
        return Path(key), flate.width, flate.height

    def _shrink_to_fit(self, w: float, h: float) -> bool:
        """Whether an image of w × h mm that does not fit below the text should shrink onto this page rather
        than move to the next: it keeps enough of its width, or moving it would leave this page nearly empty."""
        room = self.room() - 2
        if room <= 0:
            return False
        keeps = room / h
        return keeps >= MIN_CHART_SCALE or (self.filled() < MIN_PAGE_FILL and keeps >= LEAST_CHART_SCALE)

    def _place(
        self, image: Any, size: tuple[int, int], w: float, alt: str, rows: tuple[int, int] | None = None
    ) -> None:
        """The image `w` mm wide, centred; only its pixel `rows` (top, bottom) if given, the rest clipped away."""
        px_w, px_h = size
        top, bottom = rows or (0, px_h)
        scale = w / px_w  # mm a pixel
        h = (bottom - top) * scale
        if h > self.room() and self.filled() > 0.02:
            self.add_page()
        x = self.l_margin + (self.epw - w) / 2
        y = self.get_y()
        if (top, bottom) == (0, px_h):
            self.image(image, x=x, y=y, w=w, h=h, alt_text=alt or None)
        else:
            with self.rect_clip(x, y, w, h):
                self.image(image, x=x, y=y - top * scale, w=w, h=px_h * scale, alt_text=alt or None)
        self.set_y(y + h + 2)
