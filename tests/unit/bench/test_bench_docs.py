"""The benchmark's documents: `python -m bench --only …` replaces its own sections of docs/PERFORMANCE.md and
keeps the others; issue 20's A/B table reads pairs of bench/ab20.py results."""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

import pytest

from bench.__main__ import _only, splice
from bench.ab20_pairs import table

OLD = (
    "# Performance\n\nMeasured by `make bench` …\n\n"
    "## Tuesday fan-out\n\nold fan-out\n\n"
    "## Demo\n\nold demo: 16.5 s\n\n"
    "## Before and after: the architecture step (issue 15)\n\nrecord 15\n\n"
    "<!-- bench/year.py: begin -->\n## A year in a day (soak)\n\nold year\n<!-- bench/year.py: end -->\n\n"
    "## Before and after: a record since removed\n\ngone\n"
)


def test_only_replaces_its_own_sections_and_keeps_the_rest_in_order() -> None:
    new = (
        "## Demo\n\nnew demo: 4.2 s\n\n"
        "## Before and after: the architecture step (issue 15)\n\nrecord 15\n\n"
        "## Before and after: issue 20\n\nrecord 20\n"
    )
    out = splice(OLD, new)
    assert out == (
        "## Tuesday fan-out\n\nold fan-out\n\n"
        "## Demo\n\nnew demo: 4.2 s\n\n"
        "## Before and after: the architecture step (issue 15)\n\nrecord 15\n\n"
        "<!-- bench/year.py: begin -->\n## A year in a day (soak)\n\nold year\n<!-- bench/year.py: end -->\n\n"
        "## Before and after: issue 20\n\nrecord 20\n"
    )


def test_only_names_what_it_knows() -> None:
    assert _only(["--quick"]) is None
    assert _only(["--only", "county", "demo"]) == {"county", "demo"}
    with pytest.raises(SystemExit, match="not demos"):
        _only(["--only", "demos"])
    with pytest.raises(SystemExit, match="not nothing"):
        _only(["--only"])


def _result(pair: int, side: str, cpu: float, rss: float | None, demo_s: float) -> dict[str, object]:
    return {
        "pair": pair,
        "side": side,
        "commit": "aaa" if side == "A" else "bbb",
        "county": {"cpu_ms_per_reporter_week": cpu, "peak_rss_mb": rss, "peak_rss_mb_outside": 261},
        "demo": {"seconds": demo_s, "cpu_s": demo_s},
    }


def test_ab_table_gives_medians_ratios_and_goals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = [
        _result(1, "A", 60.0, None, 20.0),
        _result(1, "B", 18.0, 240.0, 4.0),
        _result(2, "A", 70.0, None, 22.0),
        _result(2, "B", 21.0, 260.0, 6.0),
        _result(3, "A", 66.0, None, 21.0),
        _result(3, "B", 19.8, 245.0, 4.5),
    ]
    text = table(runs)
    rows = {line.split(" | ")[0].lstrip("| "): line for line in text.splitlines() if line.startswith("| ")}
    # medians 66 → 19.8; the ratios 0.300, 0.300, 0.300 → 0.30; 19.8 ≤ 20 is met
    assert rows["county (33 × 40): CPU per reporter-week, the bot and its chart workers"].endswith(
        "| 3 | 66.0 ms | 19.8 ms (18.0–21.0) | 0.30 | ≤ 20 ms | yes |"
    )
    # A has no bot + worker figure: its largest process stands in
    assert "| 3 | 261 MB | 245 MB (240–260) | 0.94 | ≤ 250 MB | yes |" in text
    assert "| 3 | 21.0 s | 4.50 s (4.00–6.00) | 0.21 | < 5 s | yes |" in text
    assert "PostgreSQL" not in text  # rows no pair measured are left out
    path = tmp_path / "ab.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in runs) + "\n", encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["ab20_pairs.py", "table", str(path)])
    with pytest.raises(SystemExit) as stop:
        runpy.run_path(str(Path(__file__).parents[3] / "bench" / "ab20_pairs.py"), run_name="__main__")
    assert stop.value.code == 0
    assert capsys.readouterr().out == text
