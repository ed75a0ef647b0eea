"""Issue 20's A/B in one sitting: `bench/ab20.py` in two checkouts, alternated A B A B …, and the table of ratios.

    python bench/ab20_pairs.py run --a /path/before --b /path/after --pairs 3 --full 1 --out /tmp/ab20.jsonl
    python bench/ab20_pairs.py table /tmp/ab20.jsonl > section.md

`run` measures each checkout with its own virtual environment and code (`PYTHONPATH=<checkout>`), this file's
`ab20.py` doing the measuring in both. The first `--full` pairs run every row (the answers rows take most of the
time); the other pairs run only the county and the demo, whose CPU figures are the steadier ones. Every result
is one JSON line in `--out`, appended as it comes, so an interrupted sitting keeps what it measured.

`table` prints the Markdown: per row the median of A and of B over the pairs that measured it, the median of the
pairs' ratios B/A, the issue's goal and whether B's median meets it.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
AB20 = HERE / "ab20.py"


@dataclass(frozen=True)
class Row:
    label: str
    get: Callable[[dict[str, Any]], float | None]
    unit: str
    goal: str
    met: Callable[[float], bool] | None  # None: no goal of its own (shown for context)


def _path(*keys: str) -> Callable[[dict[str, Any]], float | None]:
    def get(run: dict[str, Any]) -> float | None:
        node: Any = run
        for key in keys:
            if not isinstance(node, dict) or key not in node:
                return None
            node = node[key]
        return None if node is None else float(node)

    return get


ROWS = [
    Row(
        "PostgreSQL, HTTP, replies held: answers a second",
        _path("answers", "pg_http_held", "per_s"),
        "/s",
        "≥ 1,000/s",
        lambda v: v >= 1000,
    ),
    Row(
        "PostgreSQL, Socket Mode, replies held: answers a second",
        _path("answers", "pg_socket_held", "per_s"),
        "/s",
        "≥ 1,000/s",
        lambda v: v >= 1000,
    ),
    Row(
        "SQLite, HTTP, replies sent: ack p99",
        _path("answers", "sqlite_http_sent", "p99_ms"),
        " ms",
        "< 50 ms",
        lambda v: v < 50,
    ),
    Row(
        "SQLite, Socket Mode, replies sent: ack p99",
        _path("answers", "sqlite_socket_sent", "p99_ms"),
        " ms",
        "< 50 ms",
        lambda v: v < 50,
    ),
    Row(
        "PostgreSQL, HTTP, replies sent: ack p99",
        _path("answers", "pg_http_sent", "p99_ms"),
        " ms",
        "< 50 ms",
        lambda v: v < 50,
    ),
    Row(
        "PostgreSQL, Socket Mode, replies sent: ack p99",
        _path("answers", "pg_socket_sent", "p99_ms"),
        " ms",
        "< 50 ms",
        lambda v: v < 50,
    ),
    Row(
        "county (33 × 40): CPU per reporter-week, the bot and its chart workers",
        _path("county", "cpu_ms_per_reporter_week"),
        " ms",
        "≤ 20 ms",
        lambda v: v <= 20,
    ),
    Row(
        "county: CPU per reporter-week of the whole child process (imports and set-up included)",
        _path("county", "cpu_ms_per_reporter_week_outside"),
        " ms",
        "–",
        None,
    ),
    Row(
        "county: peak RSS, the bot and its chart workers together",
        lambda r: _path("county", "peak_rss_mb")(r) or _path("county", "peak_rss_mb_outside")(r),
        " MB",
        "≤ 250 MB",
        lambda v: v <= 250,
    ),
    Row(
        "county: the last of 33 groups' draft text queued after 08:05",
        _path("county", "draft_last_text_s"),
        " s",
        "no group waits for another's charts",
        None,
    ),
    Row(
        "county: the last group's draft charts queued after 08:05",
        _path("county", "draft_last_charts_s"),
        " s",
        "–",
        None,
    ),
    Row("`est-bot demo`: wall seconds", _path("demo", "seconds"), " s", "< 5 s", lambda v: v < 5),
    Row("`est-bot demo`: CPU seconds (with its workers)", _path("demo", "cpu_s"), " s", "–", None),
]


def run(a: Path, b: Path, pairs: int, full: int, out: Path) -> None:
    for pair in range(1, pairs + 1):
        for side, checkout in (("A", a), ("B", b)):
            options = [] if pair <= full else ["--no-answers", "--no-acks"]
            cmd = [str(checkout / ".venv" / "bin" / "python"), str(AB20), *options]
            print(f"pair {pair} {side}: {' '.join(cmd)}", file=sys.stderr, flush=True)
            proc = subprocess.run(
                cmd,
                env={**os.environ, "PYTHONPATH": str(checkout)},
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode != 0:
                raise SystemExit(f"{side} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
            result = json.loads(proc.stdout.strip().splitlines()[-1])
            with out.open("a", encoding="utf-8") as f:
                f.write(json.dumps({"pair": pair, "side": side, **result}) + "\n")


def _fmt(value: float, unit: str) -> str:
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return text + unit


def table(results: list[dict[str, Any]]) -> str:
    by_pair: dict[int, dict[str, dict[str, Any]]] = {}
    for r in results:
        by_pair.setdefault(int(r["pair"]), {})[str(r["side"])] = r
    commits = {side: next((r.get("commit") for r in results if r["side"] == side), "?") for side in ("A", "B")}
    lines = [
        f"A is {commits['A']}, B is {commits['B']}; {len(by_pair)} pairs alternated A B. Medians over the pairs "
        "that measured the row; the ratio is the median of the pairs' B/A.",
        "",
        "| row | pairs | A (before) | B (after) | ratio B/A | goal | met by B |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in ROWS:
        a_vals: list[float] = []
        b_vals: list[float] = []
        ratios: list[float] = []
        for sides in by_pair.values():
            if "A" not in sides or "B" not in sides:
                continue
            va, vb = row.get(sides["A"]), row.get(sides["B"])
            if va is not None:
                a_vals.append(va)
            if vb is not None:
                b_vals.append(vb)
            if va and vb is not None:
                ratios.append(vb / va)
        if not b_vals:
            continue
        a_med = _fmt(statistics.median(a_vals), row.unit) if a_vals else "–"
        b_med = statistics.median(b_vals)
        ratio = f"{statistics.median(ratios):.2f}" if ratios else "–"
        met = "–" if row.met is None else ("yes" if row.met(b_med) else "**no**")
        spread = f" ({_fmt(min(b_vals), '')}–{_fmt(max(b_vals), '')})" if len(b_vals) > 1 else ""
        b_text = _fmt(b_med, row.unit) + spread
        lines.append(f"| {row.label} | {len(b_vals)} | {a_med} | {b_text} | {ratio} | {row.goal} | {met} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    if argv[:1] == ["table"] and len(argv) == 2:
        results = [json.loads(x) for x in Path(argv[1]).read_text(encoding="utf-8").splitlines() if x.strip()]
        print(table(results), end="")
        return 0
    if argv[:1] == ["run"]:
        opts = dict(zip(argv[1::2], argv[2::2], strict=False))
        run(
            Path(opts["--a"]).resolve(),
            Path(opts["--b"]).resolve(),
            int(opts.get("--pairs", "3")),
            int(opts.get("--full", "1")),
            Path(opts["--out"]),
        )
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
