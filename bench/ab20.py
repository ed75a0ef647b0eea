"""One checkout's figures for issue 20's A/B comparison, as one JSON line: answers a second on PostgreSQL with the
replies held (Slack HTTP and Socket Mode, 500 reporters at once), the acknowledgements' p99 with every reply sent
(SQLite and PostgreSQL, both paths), the county's week (CPU per reporter-week, peak RSS, the last group's draft
delay) and `est-bot demo`'s seconds.

It runs in the checkout it measures, also one older than this file (b47d74e, the commit before issue 20): give
that checkout's code and virtual environment, and this file by its path from a newer one:

    PYTHONPATH=/path/old /path/old/.venv/bin/python /path/new/bench/ab20.py     # A
    PYTHONPATH=/path/new /path/new/.venv/bin/python /path/new/bench/ab20.py     # B

with `EST_BENCH_PG_URL` set for the PostgreSQL rows (as for `make bench`; without it they are left out). Run
A B A B in one sitting on a quiet machine and compare pair by pair. Options: `--no-answers`, `--no-acks`,
`--no-county`, `--no-demo` leave a part out; `--county-groups N` runs a smaller county (33 by default);
`--reporters N` for the answers rows (500).

What an old checkout cannot report is measured from the outside:

* answers: `bench.answers.bench_http` of the checkout (the same since before issue 20): answers a second
  (wall), answers per CPU-second of the bot's process, and the acknowledgements' p99;
* county: the checkout's `bench.county.run_week` in a child process (no tracemalloc run). Its CPU time and
  peak RSS are the child's as the kernel counts them (`wait4`: the child and every process it waited for,
  chart workers included; RSS is the largest single process), beside what the checkout's own `Week` reports
  when it knows more (`total_cpu_s`, `total_rss_mb` with its chart workers). The last group's draft delay is the
  checkout's `draft_text_s[-1]` / `draft_charts_s[-1]` when it measures them; otherwise (drafts one group after
  another inside the 08:05 tick) the tick's own duration, which is when the last group's draft is queued
  (`draft_from` says which);
* demo: `est-bot demo --out <tmp>` of the checkout's virtual environment, wall and CPU seconds (`wait4`).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run by path, Python puts this folder first on sys.path, where bench/email.py would hide the standard library's
# `email`: the checkout's packages come from PYTHONPATH instead.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]

import json
import os
import subprocess
import tempfile
import time
from typing import Any

COUNTY_CHILD = """
import json, sys, tempfile
from pathlib import Path
from bench import county
with tempfile.TemporaryDirectory() as tmp:
    week = county.run_week(Path(tmp), int(sys.argv[1]))
out = {
    "groups": week.groups,
    "cpu_s": week.cpu_s,
    "seconds": week.seconds,
    "total_cpu_s": getattr(week, "total_cpu_s", None),
    "total_rss_mb": getattr(week, "total_rss_mb", None),
    "draft_text_s": list(getattr(week, "draft_text_s", [])),
    "draft_charts_s": list(getattr(week, "draft_charts_s", [])),
    "phases": [[p.name, p.seconds] for p in week.phases],
}
print("AB20 " + json.dumps(out))
"""


def measured(cmd: list[str], cwd: str | None = None) -> tuple[str, float, float, float]:
    """Run `cmd`; its stdout, wall seconds, CPU seconds and peak RSS in MB (itself and what it waited for)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)  # not proc.wait(): wait4 gives the child's own usage
        seconds = time.perf_counter() - t0
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if code != 0:
            raise RuntimeError(f"{' '.join(cmd[:3])} … failed ({code}):\n{err.read()[-3000:]}")
        return out.read(), seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def answers(reporters: int, held: bool, acks: bool) -> dict[str, Any]:
    from bench import answers as bench_answers

    out: dict[str, Any] = {}
    pg = bool(os.environ.get("EST_BENCH_PG_URL"))
    runs: list[tuple[str, str, str]] = []
    if held and pg:
        runs += [("postgresql", via, "held") for via in ("http", "socket")]
    if acks:
        runs += [
            (db, via, "sent") for db in ("sqlite", "postgresql") if db == "sqlite" or pg for via in ("http", "socket")
        ]
    for backend, via, mode in runs:
        r, _ = bench_answers.bench_http(backend, reporters, False, mode=mode, via=via)
        key = f"{'pg' if backend == 'postgresql' else 'sqlite'}_{via}_{mode}"
        out[key] = {
            "per_s": round(r.per_s),
            "per_cpu_s": round(r.per_cpu_s),
            "p99_ms": round(r.p99_ms, 1),
            "stored": r.stored,
            "refused_or_lost": r.errors,
        }
        print(f"ab20: {key} {json.dumps(out[key])}", file=sys.stderr, flush=True)
    return out


def county(groups: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as cwd:  # not here: `python -c` imports from its working directory first
        text, seconds, cpu, rss = measured([sys.executable, "-c", COUNTY_CHILD, str(groups)], cwd=cwd)
    line = next(x for x in text.splitlines() if x.startswith("AB20 "))
    week = json.loads(line[5:])
    reporters = week["groups"] * 40
    own_cpu = week["total_cpu_s"] if week["total_cpu_s"] is not None else week["cpu_s"]
    if week["draft_charts_s"] or week["draft_text_s"]:
        draft_from = "county"
        draft_text = week["draft_text_s"][-1] if week["draft_text_s"] else None
        draft_charts = week["draft_charts_s"][-1] if week["draft_charts_s"] else draft_text
    else:
        draft_from = "phase"
        draft_text = draft_charts = next(s for name, s in week["phases"] if name.startswith("Thu 08:05"))
    return {
        "groups": week["groups"],
        "week_s": round(week["seconds"], 1),
        "cpu_ms_per_reporter_week": round(own_cpu / reporters * 1000, 1),
        "cpu_ms_per_reporter_week_outside": round(cpu / reporters * 1000, 1),  # the whole child, start-up too
        "peak_rss_mb_outside": round(rss),
        "peak_rss_mb": round(week["total_rss_mb"]) if week["total_rss_mb"] else None,
        "draft_last_text_s": None if draft_text is None else round(draft_text, 2),
        "draft_last_charts_s": None if draft_charts is None else round(draft_charts, 2),
        "draft_from": draft_from,
        "child_s": round(seconds, 1),
    }


def demo() -> dict[str, Any]:
    est_bot = Path(sys.executable).with_name("est-bot")
    with tempfile.TemporaryDirectory() as tmp:
        _, seconds, cpu, rss = measured([str(est_bot), "demo", "--out", str(Path(tmp) / "out")], cwd=tmp)
    return {"seconds": round(seconds, 2), "cpu_s": round(cpu, 2), "peak_rss_mb": round(rss)}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    reporters = int(args[args.index("--reporters") + 1]) if "--reporters" in args else 500
    groups = int(args[args.index("--county-groups") + 1]) if "--county-groups" in args else 33
    checkout = str(Path(os.environ.get("PYTHONPATH", ".").split(os.pathsep)[0]).resolve())
    rev = subprocess.run(
        ["git", "describe", "--always", "--dirty"], capture_output=True, text=True, check=False, cwd=checkout
    )
    out: dict[str, Any] = {"checkout": checkout, "commit": rev.stdout.strip() or None}  # None: not a git checkout
    if "--no-answers" not in args or "--no-acks" not in args:
        out["answers"] = answers(reporters, "--no-answers" not in args, "--no-acks" not in args)
    if "--no-county" not in args:
        out["county"] = county(groups)
    if "--no-demo" not in args:
        out["demo"] = demo()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":  # the stand-ins start in processes of their own, which import this module again
    sys.exit(main())
