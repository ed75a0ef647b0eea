"""The PDF's fonts reduced once to the characters Swedish and English documents use, so that fpdf2's subsetting
at output (bot/reports/pdf.py) decompiles a font of about a thousand glyphs, not DejaVu's six thousand: that was
two thirds of a weekly report's time.

A reduced font keeps the full font's glyph names and every glyph it keeps as it is: fpdf2 picks the glyphs a
document used by name, and reads their widths from the full font it parsed, so the document embeds the same
subset either way. A document that used a glyph outside the reduced font (Greek, Cyrillic, a rare symbol)
embeds from the full font, as before: nothing is ever lost.

The reduced fonts are made once per font file and kept on disk (EST_FONT_CACHE, or est-bot's folder in the
user's cache), under a digest of the font file, this module's character set and fontTools' version; where the
folder cannot be written they are made once per process.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import fontTools
from fontTools import subset as ftsubset
from fontTools.ttLib import TTFont

log = logging.getLogger(__name__)

# the characters kept: Latin (ASCII, Latin-1, Latin Extended-A), general punctuation, super- and subscripts,
# currency (€), arrows, and the symbols the bot prints (bot/text, the reports; a test checks them) with a few
# more that people type; any other glyph a document uses is embedded from the whole font
RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),
    (0x00A0, 0x017F),
    (0x2000, 0x206F),
    (0x2070, 0x209F),
    (0x20A0, 0x20CF),
    (0x2190, 0x21FF),
)
SYMBOLS = "ᵢλμσΣπΔ−±×÷≈≠≤≥√∞∑∆▁▂▃▄▅▆▇█■□▪▫▲△▶▷►▼▽◀◁◆◇○●◎☐☑☒★☆☀☁☂☎☐⚠⚡⚪⚫✅✉✏✓✔✕✖✗✘❌❕❗❤⬅⬆⬇⬜⬛⏰™№℃°"
VERSION = "3"  # of the reduction: part of every cached file's name
# the tables fpdf2's subsetting drops from every embedded font (fpdf.output), dropped here as well
DROPPED = ["FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix", "CBDT", "CBLC", "EBDT", "EBLC", "EBSC"]
DROPPED += ["SVG ", "CPAL", "COLR"]


@dataclass(frozen=True, slots=True)
class ReducedFont:
    data: bytes  # the font file
    glyphs: frozenset[str]  # the names of the glyphs it has


_reduced: dict[str, ReducedFont] = {}  # by the digest of the full font and the reduction
_by_source: dict[tuple[str, int], tuple[bytes, ReducedFont]] = {}  # by the full font's bytes object, kept alive
_lock = threading.Lock()


def cache_dir() -> Path:
    named = os.environ.get("EST_FONT_CACHE")
    if named:
        return Path(named)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "est-bot" / "fonts"


def reduced(name: str, full: bytes) -> ReducedFont:
    """The font file `full` (named `name`) reduced to RANGES: from this process's memory, the disk cache, or made
    now (and kept on disk if the folder can be written)."""
    with _lock:
        seen = _by_source.get((name, id(full)))
        if seen is not None and seen[0] is full:  # the same bytes as before: no digest of them again
            return seen[1]
        key = hashlib.sha256(f"{VERSION}|{fontTools.version}|{RANGES}|{SYMBOLS}|".encode() + full).hexdigest()[:20]
        known = _reduced.get(key)
        if known is not None:
            _by_source[(name, id(full))] = (full, known)
            return known
        file = cache_dir() / f"{Path(name).stem}-{key}.ttf"
        try:
            data = file.read_bytes()
        except OSError:
            data = _reduce(full)
            _keep(file, data)
        font = TTFont(BytesIO(data), lazy=True)
        result = _reduced[key] = ReducedFont(data, frozenset(font.getGlyphOrder()))
        font.close()
        _by_source[(name, id(full))] = (full, result)
        return result


# the emoji the bot's own texts print (bot/text, the reports' icons) and a few that people often type; a test
# checks that every emoji in the bot's texts is here
EMOJI = (
    "←↑→↓↩⏰▶⚠⚪✅✉✏✓✗❕⬅⬜🆕👍📈📊📍📝🔁🔒🔴🚓🟠🟡🟢🟥🟧🟨🟩"
    "👎🙂😀😊😢😡❤❌🔥🚨🚑🚒🏫🏠🌳🍺💊💉🚬🎉👀🙏💡📌🗑🚧🛑🔵🟣⚫⚽🎆🧨"
)
_emoji_files: dict[Path, Path | None] = {}


def reduced_emoji(path: Path) -> Path | None:
    """The colour emoji font at `path` reduced to EMOJI, as a file in the cache folder (fpdf2 reads fonts from
    files), made once; None if it cannot be made or kept there (the whole font is used)."""
    with _lock:
        if path in _emoji_files:
            return _emoji_files[path]
        try:
            stat = path.stat()
            key = f"{VERSION}|{fontTools.version}|{EMOJI}|{path}|{stat.st_size}|{stat.st_mtime_ns}"
            file = cache_dir() / f"{path.stem}-{hashlib.sha256(key.encode()).hexdigest()[:20]}.ttf"
            if not file.is_file():
                _keep(file, _reduce(path.read_bytes(), [ord(c) for c in EMOJI], drop=False))
            result: Path | None = file if file.is_file() else None
        except Exception:  # a font fontTools cannot reduce: the whole font, as before
            log.exception("the emoji font %s could not be reduced; the whole font is used", path)
            result = None
        _emoji_files[path] = result
        return result


def _reduce(full: bytes, unicodes: list[int] | None = None, drop: bool = True) -> bytes:
    font = TTFont(BytesIO(full), recalcTimestamp=False)
    options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True, glyph_names=True)
    if drop:  # a text font: without the tables fpdf2 leaves out; an emoji font keeps its colour bitmaps
        options.drop_tables += DROPPED
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    subsetter = ftsubset.Subsetter(options)
    if unicodes is None:
        unicodes = [c for low, high in RANGES for c in range(low, high + 1)] + [ord(c) for c in SYMBOLS]
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    out = BytesIO()
    font.save(out)
    font.close()
    return out.getvalue()


def _keep(file: Path, data: bytes) -> None:
    """`data` to `file`, whole or not at all; a folder that cannot be written keeps it in memory only."""
    part = file.with_name(f".{file.name}.{os.getpid()}-{threading.get_ident()}.part")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        part.write_bytes(data)
        os.replace(part, file)
    except OSError as exc:
        log.info("the reduced font %s is kept in memory only: %s", file.name, exc)
    finally:
        if part.exists():  # False also where the folder could not be made
            part.unlink()
