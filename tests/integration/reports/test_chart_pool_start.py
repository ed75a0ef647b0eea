"""A chart pool started ahead of its first job (`ChartPool.start`, the demo's): the worker runs before any job, the
first job is made by that very worker, and a pool that never got a job still ends its worker when it closes."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.reports.chart_pool import ChartPool, PictureCharts
from tests.integration.reports.test_chart_pool import view
from tests.support.realproc import wait_until


def test_a_started_pool_has_its_worker_before_the_first_job_and_uses_it(tmp_path: Path) -> None:
    pool = ChartPool(1)
    try:
        pool.start()
        wait_until(lambda: len(pool.pids()) == 1, seconds=20, what="the worker started ahead")
        (before,) = pool.pids()
        (made,) = pool.run(PictureCharts(view(), tmp_path / "lagesbild.png", None))
        assert made == tmp_path / "lagesbild.png" and made.stat().st_size > 0
        assert pool.pids() == [before]  # not a second start
        pool.start()  # a second call starts nothing more
        assert pool.pids() == [before]
    finally:
        pool.close()
    assert pool.pids() == [] and not Path(f"/proc/{before}").exists()


def test_a_started_pool_closed_without_a_job_ends_its_worker() -> None:
    pool = ChartPool(1)
    pool.start()
    wait_until(lambda: len(pool.pids()) == 1, seconds=20, what="the worker started ahead")
    (pid,) = pool.pids()
    pool.close()
    assert pool.pids() == [] and not Path(f"/proc/{pid}").exists()
    with pytest.raises(RuntimeError, match="closed"):
        pool.start()


def test_a_job_is_what_it_was_when_handed_over_not_when_a_worker_takes_it(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from bot.reports.chart_pool import Workbook
    from bot.reports.exports import Table

    pool = ChartPool(1)
    try:
        made: list[tuple[Path, ...]] = []
        pool.submit(PictureCharts(view(), tmp_path / "first.png", None), made.append)  # the worker is busy with it
        rows: list[list[str | int | float | None]] = [["Centrum", 3]]
        tables = [Table("levels", "Nivåer", ["Område", "Nivå"], rows)]
        pool.submit(Workbook(tables, tmp_path / "export.xlsx"), made.append)
        rows.clear()  # the caller goes on with its objects while the job waits for the worker
        tables.clear()
        assert pool.wait(timeout=60)
    finally:
        pool.close()
    sheet = load_workbook(tmp_path / "export.xlsx")["Nivåer"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["Område", "Nivå"], ["Centrum", 3]]
