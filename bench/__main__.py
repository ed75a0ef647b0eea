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


NAMES = ("fanout", "email", "answers", "picture", "county", "map", "web", "year", "detection", "demo")


def main() -> int:
    """`python -m bench [--quick] [--only NAME …]`: every benchmark, or only the named ones (NAMES), whose
    sections then replace their own in docs/PERFORMANCE.md and leave the others as they were."""
    quick = "--quick" in sys.argv
    only = _only(sys.argv[1:])
    sections = _measure(quick, only)
    sections += [(ROOT / "bench" / "COMPARISONS.md").read_text(encoding="utf-8")]  # A/B records (bench/ab.py)
    doc = ROOT / "docs" / "PERFORMANCE.md"
    doc.parent.mkdir(exist_ok=True)
    body = "\n".join(sections)
    if only is not None and doc.exists():
        body = splice(doc.read_text(encoding="utf-8"), body)
    command = "python -m bench --quick" if quick else "make bench"
    measured = f"Measured by `{command}` on "
    if only is not None:  # the other sections are as an earlier run wrote them
        measured = f"Sections {', '.join(sorted(only))} measured by `python -m bench --only …` (the others earlier) on "
    doc.write_text(
        "# Performance\n\n"
        + measured
        + f"{platform.machine()} ({os.cpu_count()} cores), Python {platform.python_version()}, "
        f"{datetime.now(UTC):%Y-%m-%d}. Fixed seeds; numbers vary with the machine. PostgreSQL rows appear when "
        "`EST_BENCH_PG_URL` names a server (`make bench` starts the test server for it).\n\n" + body,
        encoding="utf-8",
    )
    print(f"wrote {doc}")
    return 0


def _only(args: list[str]) -> set[str] | None:
    if "--only" not in args:
        return None
    names = {a for a in args[args.index("--only") + 1 :] if not a.startswith("--")}
    unknown = names - set(NAMES)
    if not names or unknown:
        raise SystemExit(f"--only takes some of: {', '.join(NAMES)} (not {', '.join(sorted(unknown)) or 'nothing'})")
    return names


def _measure(quick: bool, only: set[str] | None) -> list[str]:
    from bench import (  # platform fan-out, whole-stack answers, a county, the web view (`--quick`: smaller)
        answers,
        answers_report,
        county,
        fanout,
        web,
    )
    from bench import email as bench_email  # the e-mail fan-out to the SMTP stand-in

    def wanted(name: str) -> bool:
        return only is None or name in only

    sections: list[str] = []
    if wanted("fanout"):
        sections += [fanout.markdown(fanout.run((1_000,) if quick else (1_000, 10_000)))]
    if wanted("email"):
        sections += [bench_email.markdown(bench_email.run((100.0,) if quick else bench_email.RATES))]
    if wanted("answers"):
        sections += [answers_report.markdown(answers.run((1, 50) if quick else answers.CONCURRENCY))]
    if wanted("picture"):
        print("situation picture build (52 weeks of history; excludes the database read)")
        print(bench_picture.HEADER)
        pics = [bench_picture.row(r) for r in bench_picture.run()]
        print("\n".join(pics))
        sections += [bench_picture.SECTION.format(table="\n".join([bench_picture.HEADER, *pics]))]
    if wanted("county"):
        sections += [county.markdown(county.run(groups=4, trace_groups=0) if quick else county.run())]
    if wanted("map"):
        sections += [bench_map.markdown(bench_map.run((1_000,) if quick else bench_map.SIZES))]
    if wanted("web"):
        requests = web.QUICK_REQUESTS if quick else web.REQUESTS
        sections += [web.markdown(web.run((1_000,) if quick else web.SIZES, requests), requests)]
    if wanted("year"):
        # a year in a day, the soak: in a process of its own, with the environment est-bot is deployed with
        # (`--quick`: 8 weeks, without writing docs/RELIABILITY.md)
        with tempfile.TemporaryDirectory() as tmp:
            md = Path(tmp) / "year.md"
            soak = ["--weeks", "8", "--no-docs"] if quick else []
            subprocess.run([sys.executable, "-m", "bench.year", *soak, "--markdown-out", str(md)], check=False)
            text = md.read_text(encoding="utf-8")
            sections += [f"<!-- bench/year.py: begin -->\n{text}<!-- bench/year.py: end -->\n"]
    if wanted("detection"):  # docs/DETECTION.md, not this file
        bench_detection.main()
        bench_attention.main()  # after detection: it writes its section into the docs/DETECTION.md detection wrote
    if wanted("demo"):
        with tempfile.TemporaryDirectory() as tmp:  # a new folder: no chart drawn before (bot/reports/chart_cache.py)
            t0, c0 = time.perf_counter(), _cpu()
            res = run_demo(Path(tmp))
            demo_s, demo_cpu = time.perf_counter() - t0, _cpu() - c0
        print(f"demo: {demo_s:.1f} s ({demo_cpu:.1f} s of CPU) for {res.events} events")
        sections += [
            f"## Demo\n\n`est-bot demo`: {demo_s:.1f} s, {demo_cpu:.1f} s of CPU (with its chart workers) for "
            f"{res.events} events through the engine (5 weeks, 40 reporters), into a new folder.\n"
        ]
    return sections


def _chunks(text: str) -> list[tuple[str, str]]:
    """`text` cut at its level-2 headings (a section's begin marker stays with it): (heading, section) pairs; the
    text before the first heading has the heading ""."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for i, line in enumerate(lines):
        if line.startswith("## ") and i > 0:
            starts.append(i - 1 if lines[i - 1].startswith("<!-- ") and "begin" in lines[i - 1] else i)
    starts = sorted(set(starts))
    out: list[tuple[str, str]] = []
    for a, b in zip(starts, [*starts[1:], len(lines)], strict=True):
        chunk = "".join(lines[a:b])
        heading = next((x[3:].strip() for x in lines[a:b] if x.startswith("## ")), "")
        out.append((heading, chunk))
    return out


def splice(old: str, new: str) -> str:
    """The sections of `old` (docs/PERFORMANCE.md, after its first heading's preamble) with those that `new` has
    replaced by `new`'s, in `old`'s order; `new`'s other sections at the end. The A/B records come from `new`."""
    fresh = {h: c for h, c in _chunks(new) if h}
    records = {h for h in fresh if h.startswith("Before and after")}
    kept: list[str] = []
    for heading, chunk in _chunks(old):
        if not heading or heading == "Performance":
            continue
        if heading.startswith("Before and after") and heading not in records:
            continue  # an A/B record no longer in bench/COMPARISONS.md
        kept.append(fresh.pop(heading, chunk))
    kept += list(fresh.values())
    return "".join(c if c.endswith("\n") else c + "\n" for c in kept)


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the chart workers, once stopped)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    sys.exit(main())
