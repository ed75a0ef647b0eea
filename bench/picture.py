"""Situation picture build time and peak memory for 40, 1,000 and 10,000 reporters, 52 weeks of history.

Each reporter answers all twelve factors for one area every week (areas of 40 reporters);
30 % of answers are above 0 and those at 2 or 3 name one of 20 places per area. The input is
what `SqlRounds.picture_input` hands over: this week's reports and the earlier weeks counted
by (area, factor, level). Time is the median of several builds with nothing traced; memory is
measured in a separate build under `tracemalloc` (which slows Python down several times, so
the two are never measured together). Fixed seed.

Run alone: ``python -m bench.picture``; ``make bench`` runs it and writes docs/PERFORMANCE.md.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import random
import statistics
import sys
import time
import tracemalloc
from dataclasses import dataclass

from bot.domain.cycle import RoundKey
from bot.domain.factors import DEFAULT_FACTORS
from bot.domain.picture import AreaInfo, PictureInput, Report, build_picture, count_levels, place_counts

WEEK = RoundKey(2026, 47)
SIZES = (40, 1000, 10_000)


def _week(rng: random.Random, reporters: int, areas: list[AreaInfo]) -> list[Report]:
    out = []
    for r in range(reporters):
        area = areas[r % len(areas)].code
        for f in DEFAULT_FACTORS:
            level = 0 if rng.random() < 0.7 else rng.choice((1, 1, 2, 3))
            out.append(Report(r, "Org", area, f.code, level, f"Plats {rng.randrange(20)}" if level >= 2 else None))
    return out


def make_input(reporters: int, weeks: int = 52, *, raw_weeks: int = 0, seed: int = 2) -> PictureInput:
    """The store's input; the newest `raw_weeks` earlier weeks also as reports (the old way)."""
    rng = random.Random(seed)
    areas = [AreaInfo(f"a{i}", f"Område {i}") for i in range(max(3, reporters // 40))]
    now = _week(rng, reporters, areas)
    counts = {}
    places = {}  # the places' history weeks, as the store hands them over
    raw = {}
    for n in range(1, weeks + 1):
        reports = _week(rng, reporters, areas)
        counts[WEEK.minus(n)] = dict(count_levels(reports))
        places[WEEK.minus(n)] = dict(place_counts(reports, 2))
        if n <= raw_weeks:
            raw[WEEK.minus(n)] = reports
    return PictureInput(
        "G", WEEK, areas, list(DEFAULT_FACTORS), now, raw, set(), reporters, reporters, 0, [], [], [], [],
        history_counts={} if raw_weeks else counts, place_history={} if raw_weeks else places,
    )  # fmt: skip


@dataclass(frozen=True)
class Result:
    reporters: int
    reports: int  # this week
    seconds: float  # median build, history counted
    peak_mb: float  # traced peak during one build
    input_mb: float  # traced size of the input itself
    raw_seconds: float  # median build with the weeks it reads given as reports
    standouts: int


def _median_time(inp: PictureInput, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.process_time()
        build_picture(inp)
        times.append(time.process_time() - t0)
    return statistics.median(times)


def measure(reporters: int, runs: int = 5, inp: PictureInput | None = None) -> Result:
    tracemalloc.start()
    inp = inp or make_input(reporters)
    input_bytes, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    pic = build_picture(inp)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del pic
    seconds = _median_time(inp, runs)
    # the old way: the weeks the build reads as reports, counted in the build (older weeks are not read)
    weeks = inp.detection.history_weeks
    raw = make_input(reporters, weeks, raw_weeks=weeks)
    raw_seconds = _median_time(raw, runs)
    assert build_picture(raw).standouts == build_picture(inp).standouts
    return Result(
        reporters,
        len(inp.reports),
        seconds,
        (peak - input_bytes) / 1e6,
        input_bytes / 1e6,
        raw_seconds,
        len(build_picture(inp).standouts),
    )


def profile(inp: PictureInput, top: int = 12) -> str:
    prof = cProfile.Profile()
    prof.enable()
    build_picture(inp)
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


SECTION = """## Situation picture

`build_picture` for 40, 1,000 and 10,000 reporters with 52 weeks of history (`bench/picture.py`,
fixed seed): every reporter answers the twelve factors for one area of 40 reporters; 30 % of
answers are above 0, and answers at 2 or 3 name one of 20 places per area, so at 10,000 reporters
the week has 120,000 reports, 5,000 places named by several reporters and about 12,000 standouts.
The input is what `SqlRounds.picture_input` hands over: this week's reports, and the earlier weeks
counted per (area, factor, level) — the database does that with a GROUP BY. The time is CPU time
(`time.process_time`, median of 3–5 builds): the machine was shared with other jobs, and CPU time
is what one build costs whatever else runs. Memory is measured in a separate build under
`tracemalloc`, never together with the time. The database read is not included.

{table}

*Build with earlier weeks as reports*: the same week with the weeks the build reads given as
reports and counted in the build, as before this change; the picture is the same.

Time and memory grow about linearly with the number of reports (compare the rows); memory during
the build follows the places and standouts it produces. *Input in memory* holds all 52 earlier
weeks as counts; the store hands over only the latest 12, so a real input is smaller. Goal at
10,000 reporters: < 0.5 s and < 200 MB.

### Before and after

Same machine, same method (CPU time, memory traced separately), commit a965b7e before this
change, with the 12 weeks of reports the store then handed over:

| reporters | build before | peak before | input before |
|---|---|---|---|
| 40 | 1 ms | 0.2 MB | 0.7 MB |
| 1,000 | 33 ms | 2.3 MB | 16.8 MB |
| 10,000 | 494 ms | 24.4 MB | 167.8 MB |

The 1.7 s in the earlier version of this file was timed with `tracemalloc` running, which
slows Python down four to five times (2.5 s measured that way on the shared machine); the build
itself took about 0.3–0.5 s. The new "what stands out" rule reads ten earlier weeks instead of
four, which counted as reports would have cost about 0.4 s more at 10,000 reporters.

### What the profile showed and what changed

cProfile of one build at 10,000 reporters (`python -m bench.picture` prints it):

* **Counting every earlier week's reports** (`_Tally.__init__`, a Python loop per week, and
  `Counter` over all reports) was the largest item once the rule needed ten weeks. Now the store
  counts earlier weeks in SQL (`_level_counts`: a few hundred rows a week whatever the number of
  reporters, instead of every answer), and the build reads a week's counts per cell on demand
  (four dictionary look-ups per cell and week) instead of tallying whole weeks. Only the weeks
  the baseline column and the rule need are read, however long the history is.
* **Collecting places** looped in Python over every report: now the reports without a place are
  skipped in C (`filter`), each distinct spelling is normalised once, and a place's display name
  is computed once instead of once per use.
* **Reason texts**: the hotspot reason is formatted once per number of reporters.
* What remains at 10,000 reporters: the place loop over the reports that name a place, counting
  this week's reports (in C), and building and sorting the standouts and candidates — work
  proportional to what the picture shows; this benchmark's data name far more places than real
  weeks do.
"""

HEADER = (
    "| reporters | reports this week | build | peak memory during the build | input in memory "
    "| build with earlier weeks as reports |\n|---|---|---|---|---|---|"
)


def row(r: Result) -> str:
    return (
        f"| {r.reporters:,} | {r.reports:,} | {r.seconds * 1000:.0f} ms | {r.peak_mb:.1f} MB | {r.input_mb:.1f} MB "
        f"| {r.raw_seconds * 1000:.0f} ms |"
    )


def run(sizes: tuple[int, ...] = SIZES) -> list[Result]:
    return [measure(n, runs=5 if n < 10_000 else 3) for n in sizes]


def main() -> int:
    print(HEADER)
    for r in run():
        print(row(r))
    print(profile(make_input(SIZES[-1])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
