"""A chart worker process (bot/reports/chart_pool.py): jobs in on stdin, results out on stdout, each a pickle
behind its length; the worker ends at the end of its input. What it logs goes to stderr, with the bot's.

The bot ends its workers (it closes their input, or terminates them); Ctrl-C in a terminal reaches the worker too
and is left to the bot. A bot that is killed (SIGKILL, out of memory) closes their input with its death: an idle
worker sees the end of it; one in the middle of a job ends within a second (`_watch`), and one that answers into
the closed pipe ends without a traceback."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import pickle
import select
import signal
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import BinaryIO

from bot.memory import release_free_memory
from bot.reports.chart_cache import KEPT_IN, kept_in
from bot.reports.chart_jobs import get_ready, make  # matplotlib loaded once, before the first job
from bot.reports.chart_pool import _LENGTH, PARENT, Job

log = logging.getLogger("bot.reports.chart_worker")


def serve() -> int:
    source = sys.stdin.buffer
    # The answers go out on a descriptor of their own; descriptor 1 and sys.stdout become stderr's, so that what
    # anything prints, Python or a library's C code, cannot mix with them.
    sys.stdout.flush()
    sink = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    # What the imports made lives as long as the worker: out of the collector's sight, so that the collection after
    # each job walks only what the job left (a full collection over matplotlib's and fpdf's objects took ~50 ms).
    gc.collect()
    gc.freeze()
    # A worker started ahead of its first job (ChartPool.start) readies, until a job comes, what the first job of
    # each kind would read once; one started with its job finds it waiting and takes it at once.
    if get_ready(lambda: _idle(source)):
        gc.collect()
        gc.freeze()
    kinds: set[type] = set()
    while len(head := source.read(_LENGTH.size)) == _LENGTH.size:
        (size,) = _LENGTH.unpack(head)
        # the job and its answer live in `_answer` only: gone before the freeze below, which would keep what of
        # them is a reference cycle for the worker's life
        kind, data = _answer(source.read(size))
        try:
            sink.write(_LENGTH.pack(len(data)) + data)
            sink.flush()
        except BrokenPipeError:  # the bot is gone: nobody reads the answer
            # what is left in the buffer would meet the closed pipe again at exit: it goes nowhere instead
            os.dup2(os.open(os.devnull, os.O_WRONLY), sink.fileno())
            log.warning("the bot ended before it took this worker's answer; the worker ends")
            return 1
        del data
        # A figure is a web of reference cycles holding its pixel buffer (7 MB for a trend chart): collected now,
        # not when the collector next happens to run, and what that frees goes back to the system.
        gc.collect()
        if kind not in kinds:  # what the first job of a kind loaded for good (the PDF's fonts, caches) too
            kinds.add(kind)
            gc.freeze()
        release_free_memory()
    return 0


def _idle(source: BinaryIO) -> bool:
    """No job waiting on `source` (asked before anything is read from it: nothing is buffered yet); a source
    without a descriptor (a test's bytes in memory) may hold one: not idle."""
    try:
        descriptor = source.fileno()
    except (OSError, AttributeError):  # io.UnsupportedOperation is an OSError
        return False
    return not select.select([descriptor], [], [], 0)[0]


def _answer(raw: bytes) -> tuple[type, bytes]:
    """A job's kind and its answer, pickled: (True, the files made) or (False, why not)."""
    job: Job = pickle.loads(raw)
    try:
        answer: tuple[bool, object] = (True, make(job))
    except Exception:
        answer = (False, traceback.format_exc(limit=8))
    return type(job), pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)


def _watch(parent: int, every: float = 1.0) -> None:
    """End this worker once the bot that started it is gone (it is then a child of another process)."""
    while os.getppid() == parent:
        time.sleep(every)
    log.warning("the bot (process %d) is gone; the worker ends", parent)
    os._exit(1)  # the job being made is drawn again by the next start (the draft's charts stay owed)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="chart worker: %(levelname)s %(name)s: %(message)s")
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = int(os.environ.get(PARENT) or os.getppid())
    threading.Thread(target=_watch, args=(parent,), name="watch-parent", daemon=True).start()
    kept = os.environ.get(KEPT_IN)  # the folder the bot keeps its charts in, if not beside each file
    with kept_in(Path(kept)) if kept else contextlib.nullcontext():
        code = serve()
    sys.exit(code)
