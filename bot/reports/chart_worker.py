"""A chart worker process (bot/reports/chart_pool.py): jobs in on stdin, results out on stdout, each a pickle
behind its length; the worker ends at the end of its input. What it logs goes to stderr, with the bot's."""

from __future__ import annotations

import gc
import logging
import os
import pickle
import sys
import traceback

from bot.memory import release_free_memory
from bot.reports.chart_jobs import make  # matplotlib and fpdf loaded once, before the first job
from bot.reports.chart_pool import _LENGTH, Job


def serve() -> int:
    source = sys.stdin.buffer
    # The answers go out on a descriptor of their own; descriptor 1 and sys.stdout become stderr's, so that what
    # anything prints, Python or a library's C code, cannot mix with them.
    sys.stdout.flush()
    sink = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    while len(head := source.read(_LENGTH.size)) == _LENGTH.size:
        (size,) = _LENGTH.unpack(head)
        job: Job = pickle.loads(source.read(size))
        try:
            answer: tuple[bool, object] = (True, make(job))
        except Exception:
            answer = (False, traceback.format_exc(limit=8))
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        sink.write(_LENGTH.pack(len(data)) + data)
        sink.flush()
        # A figure is a web of reference cycles holding its pixel buffer (7 MB for a trend chart): collected now,
        # not when the collector next happens to run, and what that frees goes back to the system.
        gc.collect()
        release_free_memory()
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="chart worker: %(levelname)s %(name)s: %(message)s")
    sys.exit(serve())
