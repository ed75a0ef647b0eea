"""The weekly report's PDF is written once per content (bot/reports/chart_jobs.write_pdf): the same report asked
for again is a copy of the first, another report (a decision more) is written anew."""

from __future__ import annotations

from pathlib import Path

import pytest

import bot.reports.chart_jobs as chart_jobs
from bot.reports.chart_cache import kept_in
from bot.reports.chart_pool import WeeklyPdf
from bot.reports.render import Decision
from tests.integration.reports.test_chart_pool import trend, view


def test_the_same_report_is_written_once_and_another_anew(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[Path] = []
    real = chart_jobs.write_weekly_pdf

    def counted(*args: object) -> Path:
        path = real(*args)  # type: ignore[arg-type]
        written.append(path)
        return path

    monkeypatch.setattr(chart_jobs, "write_weekly_pdf", counted)
    pic = view()
    decided = [Decision("Stortorget", "Centrum", "Stortorget", "Närvaro", "Polisen", "Helgen", 3)]

    def job(folder: str, decisions: list[Decision]) -> WeeklyPdf:
        out = tmp_path / folder
        return WeeklyPdf(pic, decisions, out / "heat.png", trend(pic, out / "trend.png"), out / "report.pdf")

    (tmp_path / "kept").mkdir()
    with kept_in(tmp_path / "kept"):
        first = chart_jobs.write_pdf(job("published", []))
        again = chart_jobs.write_pdf(job("asked-again", []))
        other = chart_jobs.write_pdf(job("with-a-decision", decided))
    assert len(written) == 2  # the first and the one with a decision; the second is a copy
    assert again.read_bytes() == first.read_bytes() and again != first
    assert other.read_bytes() != first.read_bytes()
