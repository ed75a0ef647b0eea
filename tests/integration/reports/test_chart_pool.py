"""The chart workers as real processes: a job's charts and PDF made in a worker are the very files the bot's
own process would draw; a job that fails says why and the worker goes on; the workers end with the pool (the
fixture's end checks it)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.domain.cycle import RoundKey
from bot.domain.factors import DEFAULT_FACTORS
from bot.domain.picture import AreaInfo, PictureInput, Report, build_picture
from bot.domain.stats import series_from_input
from bot.reports.chart_pool import ChartJobFailed, ChartPool, PictureCharts, TrendJob, WeeklyPdf
from bot.reports.view import PictureView
from tests.support.realproc import wait_until


def view() -> PictureView:
    areas = [AreaInfo("centrum", "Centrum"), AreaInfo("norr", "Norr")]
    reports = [Report(1, "Org", "centrum", "narkotika", 3, "Stortorget"), Report(2, "Org", "norr", "klotter", 1)]
    inp = PictureInput(
        "Tryggare Trelleborg",
        RoundKey(2026, 47),
        areas,
        list(DEFAULT_FACTORS),
        reports,
        {},
        set(),
        2,
        2,
        0,
        [],
        [],
        [],
        [],
    )
    return PictureView(build_picture(inp), "sv")


def trend(pic: PictureView, path: Path) -> TrendJob:
    return TrendJob(series_from_input(pic.input, 12).trimmed(), path, "sv", "Trygghetsläget vecka 47")


@pytest.fixture(scope="module")
def pool() -> Iterator[ChartPool]:
    made = ChartPool(1)
    yield made
    pids = made.pids()
    made.close()
    assert made.pids() == [] and not any(Path(f"/proc/{pid}").exists() for pid in pids)  # the workers ended


def test_a_worker_draws_the_same_charts_as_the_bot_would(pool: ChartPool, tmp_path: Path) -> None:
    from bot.reports.chart_jobs import draw_picture_charts

    pic = view()
    job = PictureCharts(pic, tmp_path / "w" / "lagesbild.png", trend(pic, tmp_path / "w" / "trend.png"))
    heat, tr = pool.run(job)
    assert heat == tmp_path / "w" / "lagesbild.png" and tr == tmp_path / "w" / "trend.png"
    here = PictureCharts(pic, tmp_path / "h" / "lagesbild.png", trend(pic, tmp_path / "h" / "trend.png"))
    mine = draw_picture_charts(here)
    assert [p.read_bytes() for p in mine] == [heat.read_bytes(), tr.read_bytes()]
    assert len(pool.pids()) == 1


def test_a_job_handed_over_is_made_and_handed_back_in_the_pools_thread(pool: ChartPool, tmp_path: Path) -> None:
    pic = view()
    got: list[tuple[tuple[Path, ...], str]] = []
    for n in range(2):
        job = PictureCharts(pic, tmp_path / f"h{n}.png", None)
        pool.submit(job, lambda paths: got.append((paths, threading.current_thread().name)))
    assert pool.wait(timeout=60)
    assert sorted(p for paths, _ in got for p in paths) == [tmp_path / "h0.png", tmp_path / "h1.png"]
    assert {name for _, name in got} == {"chart-pool"}


def test_a_weekly_pdf_and_a_failing_job(pool: ChartPool, tmp_path: Path) -> None:
    pic = view()
    job = WeeklyPdf(pic, [], tmp_path / "heat.png", trend(pic, tmp_path / "trend.png"), tmp_path / "report.pdf")
    (pdf,) = pool.run(job)
    assert pdf.read_bytes().startswith(b"%PDF")
    (tmp_path / "taken").write_text("a file, not a folder")
    bad = WeeklyPdf(pic, [], tmp_path / "taken" / "heat.png", trend(pic, tmp_path / "t.png"), tmp_path / "r.pdf")
    with pytest.raises(ChartJobFailed, match="taken"):
        pool.run(bad)
    assert pool.run(PictureCharts(pic, tmp_path / "after.png", None)) == (tmp_path / "after.png",)


# A worker whose job prints, through Python and through descriptor 1 as a library's C code would.
NOISY = """
import os, sys
from bot.reports import chart_worker
real = chart_worker.make
def make(job):
    print("matplotlib says hello")
    os.write(1, b"a C library says hello\\n")
    return real(job)
chart_worker.make = make
sys.exit(chart_worker.serve())
"""


def test_what_a_job_prints_does_not_mix_with_the_answers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from bot.reports import chart_pool

    def start() -> subprocess.Popen[bytes]:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p or os.getcwd() for p in sys.path))
        return subprocess.Popen(
            [sys.executable, "-c", NOISY],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )

    monkeypatch.setattr(chart_pool, "start_worker", start)
    noisy = ChartPool(1, timeout=20)  # without the fix the answer is garbled: the job fails when it times out
    try:
        pic = view()
        for n in range(2):
            assert noisy.run(PictureCharts(pic, tmp_path / f"n{n}.png", None)) == (tmp_path / f"n{n}.png",)
    finally:
        noisy.close()


def test_closing_at_once_while_the_pools_thread_empties_the_slot(tmp_path: Path) -> None:
    """A SIGTERM's close(wait=False) meets the pool's thread ending its worker on the same stop (`est-bot run`
    raised AttributeError there): the worker still ends and close does not fail."""
    made = ChartPool(1)
    made.run(PictureCharts(view(), tmp_path / "heat.png", None))
    slot = made._slots[0]  # noqa: SLF001 - the race needs the slot the pool's thread empties
    process = slot.process
    assert process is not None
    real_poll = process.poll

    def poll_while_emptied() -> int | None:
        slot.process = None  # what the pool's thread does in _stop, between close's check and its use
        return real_poll()

    process.poll = poll_while_emptied  # type: ignore[method-assign]
    made.close(wait=False)
    assert process.wait(timeout=30) is not None


KILLED_WITH_A_JOB = """
import os, pickle, sys
from bot.reports import chart_pool
from tests.integration.reports.test_chart_pool import view
worker = chart_pool.start_worker()
print(worker.pid, flush=True)
chart_pool._send(worker.stdin, chart_pool.PictureCharts(view(), __import__("pathlib").Path(sys.argv[1]), None))
os.kill(os.getpid(), 9)
"""


def test_a_worker_whose_bot_is_killed_during_its_job_ends_without_a_traceback(tmp_path: Path) -> None:
    """kill -9 of the bot while its worker draws: the worker ends (by itself: nobody ends it), and says so in a
    line, not with a traceback into the bot's log."""
    log = tmp_path / "stderr.log"
    with log.open("w") as err:
        bot = subprocess.run(
            [sys.executable, "-c", KILLED_WITH_A_JOB, str(tmp_path / "heat.png")],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            timeout=60,
        )
    assert bot.returncode == -signal.SIGKILL
    worker = int(bot.stdout.split()[0])
    wait_until(lambda: not Path(f"/proc/{worker}").exists() or "Z" in Path(f"/proc/{worker}/stat").read_text(), 60)
    assert "Traceback" not in log.read_text(), log.read_text()


def test_ctrl_c_in_a_terminal_is_the_bots_and_not_its_workers(pool: ChartPool, tmp_path: Path) -> None:
    """A terminal's Ctrl-C goes to its foreground process group: the workers are not in it (they printed a
    KeyboardInterrupt traceback there), and one that gets SIGINT anyway goes on."""
    pool.run(PictureCharts(view(), tmp_path / "a.png", None))
    (pid,) = pool.pids()
    assert os.getpgid(pid) != os.getpgid(0)
    os.kill(pid, signal.SIGINT)
    assert pool.run(PictureCharts(view(), tmp_path / "b.png", None)) == (tmp_path / "b.png",)
    assert pool.pids() == [pid]


# A worker fed one job whose content is a reference cycle (a Workbook over a table it cannot write: the job fails,
# as any may), then the end of its input; exit status 3 if the cycle outlived the worker's loop, uncollected.
_FROZEN_JOB = """
import gc, io, pickle, sys, weakref
from pathlib import Path
from bot.reports import chart_worker
from bot.reports.chart_pool import _LENGTH, Workbook
alive = []
class Loop:
    def __init__(self):
        self.me = self
    def __setstate__(self, state):
        self.__dict__.update(state)
        alive.append(weakref.ref(self))
data = pickle.dumps(Workbook([Loop()], Path(sys.argv[1])))
sys.stdin = io.TextIOWrapper(io.BytesIO(_LENGTH.pack(len(data)) + data))
chart_worker.serve()
gc.collect()
sys.exit(3 if any(ref() is not None for ref in alive) else 0 if alive else 4)
"""


def test_what_a_job_brought_is_not_frozen_with_what_the_worker_keeps(tmp_path: Path) -> None:
    """After the first job of a kind the worker freezes what it keeps for good (fonts, caches) out of the
    collector's sight; the job itself, and what it answered, must be gone by then, or a cycle in them stays for
    the worker's life."""
    done = subprocess.run(
        [sys.executable, "-c", _FROZEN_JOB, str(tmp_path / "x.xlsx")],
        capture_output=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(p or os.getcwd() for p in sys.path)},
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]


def test_a_pool_started_ahead_has_its_worker_before_the_first_job_and_that_worker_makes_it(tmp_path: Path) -> None:
    made = ChartPool(1)
    try:
        made.start()
        made.start()  # again: nothing more
        wait_until(lambda: len(made.pids()) == 1, 30, "the worker started ahead")
        (first,) = made.pids()
        pic = view()
        job = WeeklyPdf(pic, [], tmp_path / "heat.png", trend(pic, tmp_path / "trend.png"), tmp_path / "report.pdf")
        (pdf,) = made.run(job)
        assert pdf.read_bytes().startswith(b"%PDF")
        assert made.pids() == [first]  # the worker started ahead made it
    finally:
        made.close()
    assert made.pids() == []
    with pytest.raises(RuntimeError, match="closed"):
        made.start()
