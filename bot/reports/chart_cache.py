"""Charts drawn once per content: a chart is kept under a digest of everything drawn in it, so the draft, the
published report's message, its PDF and every language that shows the same picture reuse one drawing. The weekly
report's PDF is kept the same way (bot/reports/chart_jobs.py): the published one, the e-mail's and `report pdf`'s.

The cached file lives in a `.charts` folder beside the file asked for, named `{kind}-{digest}.png`, or in the
folder `kept_in` names for a while (the demo keeps its charts out of the folder people look at); the file asked
for is a copy of it (not a hard link: a file written over in place would change the kept chart). A drawing
is written to a temporary name of its process and thread and renamed, so two processes or threads drawing the
same chart at once leave one whole file. Changing how a chart is drawn means changing DRAWING, which gives every
chart a new digest.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

DRAWING = "3"  # the version of the drawing code: part of every digest
CACHE_DIR = ".charts"
_kept_in: list[Path] = []  # the folder `kept_in` names, innermost last; none: `.charts` beside each file
KEPT_IN = "EST_CHARTS_KEPT_IN"  # that folder for a chart worker the process starts inside `kept_in`


@contextmanager
def kept_in(folder: Path) -> Iterator[Path]:
    """Charts drawn in this process while inside the block are kept in `folder` (which must exist), not in a
    `.charts` folder beside each file."""
    _kept_in.append(folder)
    try:
        yield folder
    finally:
        _kept_in.pop()


def kept_folder() -> Path | None:
    """The folder `kept_in` names now, if any."""
    return _kept_in[-1] if _kept_in else None


def digest(kind: str, content: object) -> str:
    """A digest of what a chart shows: `content` is a plain structure (tuples, strings, numbers) whose repr is
    the same for the same chart in any process."""
    text = f"{DRAWING}|{kind}|{content!r}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def cached_png(kind: str, content: object, path: Path, draw: Callable[[Path], object]) -> Path:
    """`path` holding the chart of `content`: drawn by `draw(file)` only if no chart of that content was drawn
    beside it (or in the folder of `kept_in`) before."""
    return cached_file(kind, content, path, draw, ".png")


def cached_file(kind: str, content: object, path: Path, draw: Callable[[Path], object], suffix: str) -> Path:
    """`path` holding the file (a chart, a document) of `content`: made by `draw(file)` only if no file of that
    content was made beside it (or in the folder of `kept_in`) before."""
    folder = _kept_in[-1] if _kept_in else path.parent / CACHE_DIR
    kept = folder / f"{kind}-{digest(kind, content)}{suffix}"
    try:  # a chart used again is one in use: the daily housekeeping counts its age from now (bot/housekeeping.py)
        os.utime(kept)
    except OSError:
        if not kept.exists():  # else it is there, but not this process's to touch: used as it is
            _draw(folder, kept, draw)
    path.parent.mkdir(parents=True, exist_ok=True)  # a chart kept elsewhere did not make the folder it goes to
    try:
        _place(kept, path)
    except FileNotFoundError:  # the housekeeping removed it between the two: drawn again
        _draw(folder, kept, draw)
        _place(kept, path)
    return path


def _draw(folder: Path, kept: Path, draw: Callable[[Path], object]) -> None:
    """`kept` drawn by `draw`, whole or not at all for a reader."""
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / f".{kept.name}.{_writer()}.part"
    try:
        draw(part)
        os.replace(part, kept)
    finally:
        part.unlink(missing_ok=True)


def _writer() -> str:
    """Who writes a temporary file: this process and thread (two threads may draw the same chart at once)."""
    return f"{os.getpid()}-{threading.get_ident()}"


def _place(kept: Path, path: Path) -> None:
    """`path` as a copy of `kept`, whole or not at all for a reader."""
    part = path.with_name(f".{path.name}.{_writer()}.part")
    try:
        shutil.copyfile(kept, part)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
