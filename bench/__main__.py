"""Run every benchmark with fixed seeds, print a table and write docs/PERFORMANCE.md."""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import attention as bench_attention
from bench import detection as bench_detection
from bench import map as bench_map
from bench import picture as bench_picture
from bot.demo import run_demo

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    from bench import (  # platform fan-out, whole-stack answers, a county, the web view (`--quick`: smaller)
        answers,
        answers_report,
        county,
        fanout,
        web,
    )
    from bench import email as bench_email  # the e-mail fan-out to the SMTP stand-in

    quick = "--quick" in sys.argv
    sections = [fanout.markdown(fanout.run((1_000,) if quick else (1_000, 10_000)))]
    sections += [bench_email.markdown(bench_email.run((100.0,) if quick else bench_email.RATES))]
    sections += [answers_report.markdown(answers.run((1, 50) if quick else answers.CONCURRENCY))]
    print("situation picture build (52 weeks of history; excludes the database read)")
    print(bench_picture.HEADER)
    pics = [bench_picture.row(r) for r in bench_picture.run()]
    print("\n".join(pics))
    sections += [bench_picture.SECTION.format(table="\n".join([bench_picture.HEADER, *pics]))]
    sections += [county.markdown(county.run(groups=4, trace_groups=0) if quick else county.run())]
    sections += [bench_map.markdown(bench_map.run((1_000,) if quick else bench_map.SIZES))]
    requests = web.QUICK_REQUESTS if quick else web.REQUESTS
    sections += [web.markdown(web.run((1_000,) if quick else web.SIZES, requests), requests)]
    # a year in a day, the soak: in a process of its own, with the environment est-bot is deployed with
    # (`--quick`: 8 weeks, without writing docs/RELIABILITY.md)
    with tempfile.TemporaryDirectory() as tmp:
        md = Path(tmp) / "year.md"
        soak = ["--weeks", "8", "--no-docs"] if quick else []
        subprocess.run([sys.executable, "-m", "bench.year", *soak, "--markdown-out", str(md)], check=False)
        sections += [f"<!-- bench/year.py: begin -->\n{md.read_text(encoding='utf-8')}<!-- bench/year.py: end -->\n"]
    sections += [(ROOT / "bench" / "COMPARISONS.md").read_text(encoding="utf-8")]  # A/B records (bench/ab.py)
    bench_detection.main()
    bench_attention.main()  # after detection: it writes its section into the docs/DETECTION.md detection wrote
    with tempfile.TemporaryDirectory() as tmp:  # a new folder: no chart drawn before (bot/reports/chart_cache.py)
        t0, c0 = time.perf_counter(), _cpu()
        res = run_demo(Path(tmp))
        demo_s, demo_cpu = time.perf_counter() - t0, _cpu() - c0
    print(f"demo: {demo_s:.1f} s ({demo_cpu:.1f} s of CPU) for {res.events} events")
    sections += [
        f"## Demo\n\n`est-bot demo`: {demo_s:.1f} s, {demo_cpu:.1f} s of CPU (with its chart workers) for "
        f"{res.events} events through the engine (5 weeks, 40 reporters), into a new folder.\n"
    ]
    doc = ROOT / "docs" / "PERFORMANCE.md"
    doc.parent.mkdir(exist_ok=True)
    doc.write_text(
        "# Performance\n\n"
        f"Measured by `{'python -m bench --quick' if quick else 'make bench'}` on "
        f"{platform.machine()} ({os.cpu_count()} cores), Python {platform.python_version()}, "
        f"{datetime.now(UTC):%Y-%m-%d}. Fixed seeds; numbers vary with the machine. PostgreSQL rows appear when "
        "`EST_BENCH_PG_URL` names a server (`make bench` starts the test server for it).\n\n" + "\n".join(sections),
        encoding="utf-8",
    )
    print(f"wrote {doc}")
    return 0


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the chart workers, once stopped)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    sys.exit(main())
