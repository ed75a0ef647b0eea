"""Run every benchmark with fixed seeds, print a table and write docs/PERFORMANCE.md."""

from __future__ import annotations

import platform
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

from bot.bootstrap import build
from bot.clock import ManualClock
from bot.config import parse_config
from bot.conversation.messages import Inbound
from bot.demo import run_demo
from bot.domain.cycle import RoundKey
from bot.domain.factors import DEFAULT_FACTORS
from bot.domain.picture import AreaInfo, PictureInput, Report, build_picture

ROOT = Path(__file__).resolve().parent.parent


def bench_answers(reporters: int) -> dict[str, float]:
    """Whole questionnaires (start, 12 levels, no more, send) through engine and SQLite, one after another."""
    with tempfile.TemporaryDirectory() as tmp:
        people = [{"name": f"R {i}", "areas": ["a"], "console": f"r{i}"} for i in range(reporters)]
        cfg = parse_config(
            {
                "database": {"url": f"sqlite:///{tmp}/b.sqlite"},
                "groups": [{"id": "g", "name": "G", "areas": [{"code": "a", "name": "A"}], "reporters": people}],
            }
        )
        clock = ManualClock(datetime(2026, 11, 17, 7, 0, tzinfo=UTC))
        app = build(cfg, clock=clock, platforms=("console",))
        app.services.tick()
        rid = 1
        rng = random.Random(1)
        latencies: list[float] = []
        start = time.perf_counter()
        for i in range(reporters):
            who = f"r{i}"
            steps = [
                f"q{rid}:g:start",
                *[f"q{rid}:l:{k}:{rng.choice((0, 0, 1))}" for k in range(12)],
                f"q{rid}:m:skip",
                f"q{rid}:s:send",
            ]
            for choice in steps:
                t0 = time.perf_counter()
                app.services.handle(Inbound("console", who, "choice", choice=choice))
                latencies.append(time.perf_counter() - t0)
        total = time.perf_counter() - start
        app.close()
    latencies.sort()
    return {
        "events": len(latencies),
        "per_s": len(latencies) / total,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(len(latencies) * 0.99)],
    }


def bench_picture(reporters: int, weeks: int = 52) -> dict[str, float]:
    rng = random.Random(2)
    areas = [AreaInfo(f"a{i}", f"Område {i}") for i in range(max(3, reporters // 40))]
    key = RoundKey(2026, 47)

    def week_reports() -> list[Report]:
        out = []
        for r in range(reporters):
            area = areas[r % len(areas)].code
            for f in DEFAULT_FACTORS:
                level = 0 if rng.random() < 0.7 else rng.choice((1, 1, 2, 3))
                out.append(Report(r, "Org", area, f.code, level, f"Plats {rng.randrange(20)}" if level >= 2 else None))
        return out

    history = {key.minus(n): week_reports() for n in range(1, weeks + 1)}
    inp = PictureInput(
        "G", key, areas, list(DEFAULT_FACTORS), week_reports(), history, set(), reporters, reporters, 0, [], [], [], []
    )
    tracemalloc.start()
    t0 = time.perf_counter()
    pic = build_picture(inp)
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": elapsed, "peak_mb": peak / 1e6, "standouts": len(pic.standouts)}


def main() -> int:
    rows: list[str] = []
    print("answer handling (SQLite, one process, sequential)")
    for n in (1, 50, 500):
        r = bench_answers(n)
        line = (
            f"| {n} reporters | {r['events']:.0f} events | {r['per_s']:.0f} events/s | "
            f"p50 {r['p50_ms']:.1f} ms | p99 {r['p99_ms']:.1f} ms |"
        )
        print(line)
        rows.append(line)
    pics: list[str] = []
    print("situation picture build (52 weeks of history in memory; excludes the database read)")
    for n in (40, 1000, 10_000):
        r = bench_picture(n)
        line = f"| {n} reporters | {r['seconds'] * 1000:.0f} ms | peak {r['peak_mb']:.0f} MB (traced) |"
        print(line)
        pics.append(line)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        res = run_demo(Path(tmp))
        demo_s = time.perf_counter() - t0
    print(f"demo: {demo_s:.1f} s for {res.events} events")
    doc = ROOT / "docs" / "PERFORMANCE.md"
    doc.parent.mkdir(exist_ok=True)
    doc.write_text(
        "# Performance\n\n"
        f"Measured by `make bench` on {platform.machine()}, Python {platform.python_version()}, "
        f"{datetime.now(UTC):%Y-%m-%d}. Fixed seeds; numbers vary with the machine.\n\n"
        "## Answer handling\n\nButton presses through engine, services and SQLite, one after another in one "
        "process (`bench/__main__.py: bench_answers`).\n\n| reporters | events | rate | p50 | p99 |\n"
        "|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
        "## Situation picture\n\n`build_picture` over 12 factors with 52 weeks of history already in memory.\n\n"
        "| reporters | build time | memory |\n|---|---|---|\n" + "\n".join(pics) + "\n\n"
        f"## Demo\n\n`est-bot demo`: {demo_s:.1f} s for {res.events} events through the engine (5 weeks, "
        "40 reporters).\n\n"
        "## What the profile shows\n\nPer event the time goes to SQLAlchemy ORM statement building and about ten "
        "small queries (person, round, response row lock, places, state save, outbox rows). The next steps are "
        "caching the group's places and areas per process and fewer round trips per answer; the platform "
        "fan-out benchmarks against rate-limited stand-in APIs come with the Slack and Telegram edges.\n",
        encoding="utf-8",
    )
    from bench import answers, county, fanout  # platform fan-out, whole-stack answers, a county (`--quick`: smaller)

    quick = "--quick" in sys.argv
    extra = [fanout.markdown(fanout.run((1_000,) if quick else (1_000, 10_000)))]
    extra += [answers.markdown(answers.run((1, 50) if quick else answers.CONCURRENCY)), county.markdown(county.run())]
    with doc.open("a", encoding="utf-8") as fh:
        fh.write("\n" + "\n".join(extra))
    print(f"wrote {doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
