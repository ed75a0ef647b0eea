"""A chart pool started ahead of its first job (`ChartPool.start`, the demo's) that never got a job still ends its
worker when it closes; a job is what it was when handed over, not what its objects became before a worker took it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.reports.chart_pool import ChartPool, PictureCharts
from tests.integration.reports.test_chart_pool import view
from tests.support.realproc import wait_until


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


def test_a_job_that_cannot_be_pickled_fails_through_its_callback_not_in_the_caller(tmp_path: Path) -> None:
    import threading

    from bot.reports.chart_pool import ChartJobFailed, Workbook
    from bot.reports.exports import Table

    rows: list[list[object]] = [["Centrum", threading.Lock()]]  # nothing a worker could be sent
    job = Workbook([Table("levels", "Nivåer", ["Område", "Nivå"], rows)], tmp_path / "export.xlsx")  # type: ignore[arg-type]
    pool = ChartPool(1)
    try:
        errors: list[str] = []
        pool.submit(job, lambda paths: errors.append(f"made {paths}"), errors.append)
        assert len(errors) == 1 and "pickle" in errors[0]
        with pytest.raises(ChartJobFailed, match="pickle"):
            pool.run(job)
        assert pool.wait(timeout=5)  # nothing left pending
    finally:
        pool.close()
