"""The charts' PNG files: written as RGB without an alpha channel, fast, and read back into a PDF as they are.

A chart's figure is opaque (a white face), so its alpha channel says nothing: the file is written as 8-bit RGB,
which a PDF takes without decoding it. Its rows are compressed at zlib level 1 (the charts are flat colour:
the file is a few per cent larger than at the default level 6, and written in half the time).

`flate_image` reads such a file for a PDF: the PNG's compressed rows (its IDAT chunks, with the PNG filter
byte before each row) are what a PDF image with `/FlateDecode` and `/Predictor 15` holds, so the image goes
into the document without being decoded and compressed again. Any other PNG (alpha, a palette, 16 bits,
interlaced) gets None, and the caller reads it the ordinary way.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

COMPRESS_LEVEL = 1
SIGNATURE = b"\x89PNG\r\n\x1a\n"


def new_figure(width: float, height: float, dpi: float) -> Figure:
    """A figure of `width` × `height` inches drawn by Agg, outside pyplot's registry of figures (nothing to close:
    it goes when its last reference does)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def save_figure(fig: Figure, path: Path, metadata: dict[str, str] | None = None) -> Path:
    """Draw `fig` and write it to `path` as an RGB PNG at the figure's dpi, with `metadata` as text chunks (and
    matplotlib's "Software" key, as savefig writes it)."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    width, height = canvas.get_width_height(physical=True)
    rgba = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    if rgba.getchannel("A").getextrema() == (255, 255):
        image = rgba.convert("RGB")
    else:  # a see-through figure: on white, as a viewer without transparency would show it
        image = Image.new("RGB", (width, height), (255, 255, 255))
        image.paste(rgba, mask=rgba.getchannel("A"))
    info = PngInfo()
    for key, value in {"Software": f"Matplotlib version{matplotlib.__version__}, https://matplotlib.org/"}.items():
        info.add_text(key, value)
    for key, value in (metadata or {}).items():
        info.add_text(key, value)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, format="png", pnginfo=info, dpi=(fig.dpi, fig.dpi), compress_level=COMPRESS_LEVEL)
    return path


@dataclass(frozen=True, slots=True)
class FlateImage:
    """An 8-bit RGB PNG's pixels as a PDF takes them: zlib data of PNG-filtered rows."""

    width: int
    height: int
    data: bytes


def flate_image(path: Path) -> FlateImage | None:
    """The compressed rows of the PNG at `path` if it is 8-bit RGB, not interlaced; else None."""
    raw = path.read_bytes()
    if not raw.startswith(SIGNATURE):
        return None
    at = len(SIGNATURE)
    header: tuple[int, ...] | None = None
    idat: list[bytes] = []
    while at + 8 <= len(raw):
        (length,) = struct.unpack(">I", raw[at : at + 4])
        kind = raw[at + 4 : at + 8]
        body = raw[at + 8 : at + 8 + length]
        if len(body) < length:
            return None  # a cut file
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        elif kind in (b"PLTE", b"tRNS", b"iCCP", b"gAMA", b"cHRM", b"sRGB", b"sBIT"):
            return None  # colours the PDF image would not carry: read the ordinary way
        at += 12 + length
    if header is None or not idat:
        return None
    width, height, depth, colour, compression, filtering, interlace = header
    if (depth, colour, compression, filtering, interlace) != (8, 2, 0, 0, 0):
        return None
    data = b"".join(idat)
    try:  # a whole zlib stream: its first bytes decode (a broken file is left to the ordinary reader)
        zlib.decompressobj().decompress(data[:64])
    except zlib.error:
        return None
    return FlateImage(width, height, data)
