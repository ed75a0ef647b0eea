"""Charts and report files made off the critical path: a small fixed pool of worker processes.

Each worker is a process of its own (`python -m bot.reports.chart_worker`) that imports only the chart and
document code: matplotlib and fpdf are loaded there, never in the bot's process, and a worker does not import
the bot's whole program as a multiprocessing worker would (spawn and forkserver workers import the parent's
main module: all of est-bot). A job is plain data, pickled over the worker's stdin, its result back over its
stdout; a worker is started with the first job it takes (or ahead of it: `start`) and restarted after
`JOBS_PER_WORKER` jobs so that what matplotlib keeps does not grow.

`submit` hands the result to a callback in the pool's thread (the Thursday draft's charts, which follow the
text); `run` waits for it (the Friday report's files, which go with its messages). `est-bot run` makes one pool
(`[run] chart_workers`); with none, the use cases draw inline as before.
"""

from __future__ import annotations

import logging
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TypeVar

from bot.domain.stats import Series
from bot.reports.chart_cache import KEPT_IN, kept_folder
from bot.reports.exports import Table
from bot.reports.followup import FollowUp
from bot.reports.render import Decision
from bot.reports.view import PictureView

log = logging.getLogger(__name__)

JOBS_PER_WORKER = 200
JOB_TIMEOUT = 120.0  # seconds: a worker that has not answered by then is killed and the job fails
PARENT = "EST_CHART_WORKER_PARENT"  # the bot's process id, for the worker to notice that the bot is gone
_LENGTH = struct.Struct("!I")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class TrendJob:
    series: Series
    path: Path
    lang: str
    title: str


@dataclass(frozen=True, slots=True)
class PictureCharts:
    """The week's heatmap of `pic` to `heatmap`, and the trend chart if there is one: the paths of those drawn
    (a chart that fails is logged and left out)."""

    pic: PictureView
    heatmap: Path
    trend: TrendJob | None


@dataclass(frozen=True, slots=True)
class WeeklyPdf:
    """The weekly report as a PDF to `path`, with its heatmap and trend chart (drawn once per content)."""

    pic: PictureView
    decisions: Sequence[Decision]
    heatmap: Path
    trend: TrendJob
    path: Path


@dataclass(frozen=True, slots=True)
class FollowupPdf:
    """The year's follow-up of actions as a PDF to `path`, with its trend chart (`trend_title`, when the year has
    data) and a chart per action, drawn into `charts_dir`."""

    followup: FollowUp
    lang: str
    trend_title: str | None
    charts_dir: Path
    path: Path


@dataclass(frozen=True, slots=True)
class Workbook:
    """An export's tables as one XLSX workbook to `path` (openpyxl, and numpy that it loads, stay in the worker)."""

    tables: Sequence[Table]
    path: Path


Job = PictureCharts | WeeklyPdf | FollowupPdf | Workbook


@dataclass
class _Task:
    job: bytes  # the job pickled when it was handed over: what it was then, whatever happens to its objects after
    done: Callable[[tuple[Path, ...]], None]
    failed: Callable[[str], None]


@dataclass
class _Worker:
    process: subprocess.Popen[bytes] | None = None
    jobs: int = 0


class ChartPool:
    def __init__(self, workers: int = 1, timeout: float = JOB_TIMEOUT) -> None:
        if workers < 1:
            raise ValueError(f"a chart pool needs at least one worker, not {workers}")
        self.workers = workers
        self.timeout = timeout
        self._tasks: queue.Queue[_Task | None] = queue.Queue()
        self._lock = threading.Condition()
        self._pending = 0
        self._closed = False
        self._abandoned = False  # closed without waiting: no worker is started any more
        self._ahead = False  # `start`: each thread starts its worker before its first job
        self._slots = [_Worker() for _ in range(workers)]
        self._threads: list[threading.Thread] = []

    # ------------------------------------------------------------------ jobs

    def submit(
        self,
        job: Job,
        done: Callable[[tuple[Path, ...]], None],
        failed: Callable[[str], None] | None = None,
    ) -> None:
        """Make `job` in a worker; `done` gets the files made, in the pool's thread, and `failed` why it was not
        made (the worker died or timed out, the job raised, the pool closed before it); without `failed`, that is
        logged."""

        def logged(error: str) -> None:
            log.error("%s failed in a chart worker; the text went without it: %s", type(job).__name__, error)

        self._hand_over(job, done, failed or logged)

    @property
    def closed(self) -> bool:
        """The pool takes no more jobs: the process is stopping."""
        with self._lock:
            return self._closed

    def run(self, job: Job) -> tuple[Path, ...]:
        """Make `job` in a worker and wait for it; a job that fails raises ChartJobFailed."""
        finished = threading.Event()
        result: list[tuple[Path, ...]] = []
        errors: list[str] = []

        def done(paths: tuple[Path, ...]) -> None:
            result.append(paths)
            finished.set()

        def failed(error: str) -> None:
            errors.append(error)
            finished.set()

        self._hand_over(job, done, failed)
        finished.wait()
        if errors:
            raise ChartJobFailed(errors[0])
        return result[0]

    def start(self) -> None:
        """Start the workers now, ahead of the first job (without this they start with it): each imports its
        libraries and, until a job comes, readies what a first PDF, chart or workbook reads once (fonts, caches),
        while the bot does other work. Idempotent; a worker that cannot be started is logged and started again
        with the first job."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the chart pool is closed")
            self._ahead = True
            self._start_threads()

    def _start_threads(self) -> None:
        if not self._threads:  # the pool's threads, and their workers, start with the first job (or `start`)
            for slot in self._slots:
                thread = threading.Thread(target=self._serve, args=(slot,), name="chart-pool", daemon=True)
                thread.start()
                self._threads.append(thread)

    def _hand_over(self, job: Job, done: Callable[[tuple[Path, ...]], None], failed: Callable[[str], None]) -> None:
        """`job` pickled now, and queued; one that cannot be pickled fails as a job does, through `failed` (in the
        caller's thread), not by raising into the caller (the text goes without its charts)."""
        try:
            data = _pickled(job)
        except Exception as exc:  # PicklingError, TypeError, RecursionError, ...: what the worker would have met
            _hand_on(failed, f"{type(exc).__name__}: {exc}")
            return
        self._put(_Task(data, done, failed))

    def _put(self, task: _Task) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("the chart pool is closed")
            self._pending += 1
            self._start_threads()
        self._tasks.put(task)

    def wait(self, timeout: float | None = None) -> bool:
        """Until every job submitted so far is made and handed on; False if `timeout` ran out first."""
        with self._lock:
            return self._lock.wait_for(lambda: self._pending == 0, timeout)

    def pids(self) -> list[int]:
        """The worker processes running now (for a benchmark to measure)."""
        return [s.process.pid for s in self._slots if s.process is not None and s.process.poll() is None]

    def close(self, wait: bool = True) -> None:
        """No more jobs, and the workers end: with `wait` once every job taken is made; without, at once (a job
        being made fails, those not begun are dropped), for a process that is stopping."""
        with self._lock:
            self._closed = True
            self._abandoned = not wait
            threads = list(self._threads)
        if not wait:
            try:
                while (task := self._tasks.get_nowait()) is not None:
                    _hand_on(task.failed, "the bot stopped before it was made")
                    self._finished()
            except queue.Empty:
                pass
        for _ in threads:
            self._tasks.put(None)
        if not wait:
            with self._lock:  # a thread starting a worker now either did so before (ended here) or will not
                for slot in self._slots:
                    # read once: the slot's thread may be ending its worker (and emptying the slot) right now
                    process = slot.process
                    if process is not None and process.poll() is None:
                        process.terminate()  # its thread sees the end of its answers and stops
            return
        for thread in threads:
            thread.join()

    # ------------------------------------------------------------------ the pool's threads

    def _finished(self) -> None:
        with self._lock:
            self._pending -= 1
            self._lock.notify_all()

    def _serve(self, slot: _Worker) -> None:
        if self._ahead:
            try:
                self._ready(slot)
            except (OSError, ChartJobFailed) as exc:  # the first job tries again, and fails if it must
                log.warning("a chart worker could not be started ahead of its first job: %s", exc)
        while (task := self._tasks.get()) is not None:
            try:
                paths = self._ask(slot, task.job)
            except Exception as exc:
                _hand_on(task.failed, f"{type(exc).__name__}: {exc}")
            else:
                _hand_on(task.done, paths)
            finally:
                self._finished()
        _stop(slot)

    def _ready(self, slot: _Worker) -> subprocess.Popen[bytes]:
        """The slot's worker, started (again) if it has none running or has made its share of jobs."""
        if slot.process is None or slot.process.poll() is not None or slot.jobs >= JOBS_PER_WORKER:
            _stop(slot)
            with self._lock:
                if self._abandoned:
                    raise ChartJobFailed("the bot stopped before it was made")
                slot.process = start_worker()
            slot.jobs = 0
        return slot.process

    def _ask(self, slot: _Worker, job: bytes) -> tuple[Path, ...]:
        process = self._ready(slot)
        assert process.stdin is not None and process.stdout is not None
        slot.jobs += 1
        timer = threading.Timer(self.timeout, process.kill)  # a worker that hangs is killed: its answer ends
        timer.daemon = True
        timer.start()
        try:
            _send_pickled(process.stdin, job)
            ok, value = _receive(process.stdout)
        except (OSError, EOFError) as exc:  # the worker died: the next job starts another
            _stop(slot)
            if timer.finished.is_set() and process.returncode == -9:
                raise ChartJobFailed(f"the chart worker took more than {self.timeout:g} s and was killed") from exc
            raise ChartJobFailed(f"the chart worker ended ({exc})") from exc
        finally:
            timer.cancel()
        if not ok or not isinstance(value, tuple):
            raise ChartJobFailed(str(value))
        return tuple(Path(p) for p in value)


class ChartJobFailed(Exception):
    pass


def _hand_on(callback: Callable[[T], None], value: T) -> None:
    """A job's callback, in the pool's thread: what it raises is logged, and the thread goes on."""
    try:
        callback(value)
    except Exception:
        log.exception("handing on what a chart worker made (or why it did not) failed")


def start_worker() -> subprocess.Popen[bytes]:
    """A worker process (a test puts a broken one in its place)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p or os.getcwd() for p in sys.path)  # the modules this process sees
    env[PARENT] = str(os.getpid())
    kept = kept_folder()  # a pool started inside `kept_in` (the demo): its workers keep their charts there too
    if kept is not None:
        env[KEPT_IN] = str(kept)
    return subprocess.Popen(  # a process group of its own: Ctrl-C in a terminal reaches the bot, which ends it
        [sys.executable, "-m", "bot.reports.chart_worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        process_group=0,
    )


def _stop(slot: _Worker) -> None:
    process, slot.process = slot.process, None
    if process is None:
        return
    if process.stdin is not None:
        process.stdin.close()  # the worker ends at the end of its input
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()


def _pickled(job: Job) -> bytes:
    return pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)


def _send(stream: IO[bytes], value: object) -> None:
    _send_pickled(stream, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def _send_pickled(stream: IO[bytes], data: bytes) -> None:
    stream.write(_LENGTH.pack(len(data)) + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> tuple[bool, object]:
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        raise EOFError("no answer")
    (size,) = _LENGTH.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("a cut answer")
    ok, value = pickle.loads(data)
    return bool(ok), value
