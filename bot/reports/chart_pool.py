"""Charts drawn off the critical path: a small fixed pool of worker processes.

The workers start from a forkserver that has imported the chart code (matplotlib) once; the bot's own process
never imports matplotlib for them, and a worker is replaced after `TASKS_PER_WORKER` jobs so that what
matplotlib keeps does not grow. A job's result is handed to its callback in the pool's own thread, in the order
the jobs finish; a job that fails is logged and its callback is not called.

`est-bot run` makes one pool (`[run] chart_workers`); with none, the use cases draw inline as before.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bot.domain.stats import Series
from bot.reports.view import PictureView

log = logging.getLogger(__name__)

TASKS_PER_WORKER = 200
WORKER_MODULES = ["__main__", "bot.reports.chart_jobs"]  # imported once in the forkserver, shared by the workers


@dataclass(frozen=True, slots=True)
class TrendJob:
    series: Series
    path: Path
    lang: str
    title: str


@dataclass(frozen=True, slots=True)
class PictureCharts:
    """A job: the week's heatmap of `pic` to `heatmap`, and the trend chart if there is one. Plain data, so it
    crosses to a worker process as it is."""

    pic: PictureView
    heatmap: Path
    trend: TrendJob | None


@dataclass(frozen=True, slots=True)
class Drawn:
    """The charts a job drew (a chart that failed is left out, and logged), and its worker's use so far."""

    paths: tuple[Path, ...]
    cpu_seconds: float
    peak_rss_kb: int


class ChartPool:
    def __init__(self, workers: int = 2) -> None:
        if workers < 1:
            raise ValueError(f"a chart pool needs at least one worker, not {workers}")
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Condition()
        self._pending = 0
        self._closed = False
        # what each worker process (by pid) has used so far, as it reported with its last job
        self.used: dict[int, Drawn] = {}

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:  # the processes start with the first job
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(WORKER_MODULES)
            self._executor = ProcessPoolExecutor(self.workers, mp_context=context, max_tasks_per_child=TASKS_PER_WORKER)
        return self._executor

    def submit(self, job: PictureCharts, done: Callable[[Drawn], None]) -> None:
        """Draw `job` in a worker; `done` gets what was drawn, in the pool's thread."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the chart pool is closed")
            self._pending += 1
            future = self._pool().submit(_draw, job)

        def finished(f: Future[tuple[int, Drawn]]) -> None:
            try:
                pid, drawn = f.result()
                self.used[pid] = drawn
                done(drawn)
            except Exception:
                log.exception("charts for %s failed; the text went without them", job.heatmap.name)
            finally:
                with self._lock:
                    self._pending -= 1
                    self._lock.notify_all()

        future.add_done_callback(finished)

    def wait(self, timeout: float | None = None) -> bool:
        """Until every job submitted so far is drawn and handed on; False if `timeout` ran out first."""
        with self._lock:
            return self._lock.wait_for(lambda: self._pending == 0, timeout)

    def pids(self) -> list[int]:
        """The processes drawing: the forkserver and the workers now running (for a benchmark to measure)."""
        from multiprocessing import forkserver

        found = []
        server = getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)
        if server:
            found.append(int(server))
        if self._executor is not None:
            found += list(getattr(self._executor, "_processes", None) or {})
        return found

    def close(self, wait: bool = True) -> None:
        """No more jobs; with `wait`, those submitted are finished first, else those not yet started are dropped."""
        with self._lock:
            self._closed = True
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=wait, cancel_futures=not wait)


def _draw(job: PictureCharts) -> tuple[int, Drawn]:
    """In a worker: the job drawn (matplotlib is imported here, never in the process that submits)."""
    from bot.reports.chart_jobs import draw_picture_charts

    return os.getpid(), draw_picture_charts(job)
