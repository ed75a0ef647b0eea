"""A county in one process: 33 groups (municipalities) of 40 reporters through one whole EST week on SQLite.

Everything goes through the real services, engine, database and outbox with a console sender that only counts
what it delivers: Tuesday open, answers (80 % on time, 10 % late, 10 % never; the same simulated people as
`est-bot demo`), Wednesday reminders, Thursday close and draft, the meeting (votes, assignments, note reviews,
finalise) and Friday's publication. Phases tick for the whole county at once, as the scheduler does.

The Thursday draft's charts are drawn by a pool of worker processes (`[run] chart_workers`, as `est-bot run`
does; `--chart-workers 0` draws them inline): the CPU time of the week counts the workers' and their
forkserver's CPU, and the peak RSS adds their peaks to the benchmark process's. The draft's delay is measured per
group from the 08:05 tick's start to its draft's text, and to its charts, being queued in the outbox.

The week runs twice with the same seed: once timed, once under `tracemalloc` for the peak memory (the peak RSS is
read before that second run, which tracemalloc inflates).
Run: `.venv/bin/python -m bench.county` (`--groups N` for a smaller county, `--trace-groups N` to trace a smaller
one: tracemalloc slows the run several times, `--chart-workers N`).
"""

from __future__ import annotations

import os
import random
import re
import resource
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import bot.usecases.context as usecase_context
from bot.bootstrap import App, build
from bot.clock import ManualClock
from bot.config import Config, parse_config
from bot.conversation.messages import Outbound
from bot.demo import Simulation
from bot.demo_town import AREAS, FIRST, LAST, ORGS
from bot.domain.cycle import Phase, RoundKey, phase_due_at
from bot.domain.model import OutboxItem
from standins.config import TUE_OPEN

GROUPS = 33
REPORTERS = 40
CHART_WORKERS = 1
SEED = 2026
KEY = RoundKey(2026, 47)  # TUE_OPEN's week


class CountingSender:
    platform = "console"

    def __init__(self) -> None:
        self.n = 0

    def send(self, item: OutboxItem, out: Outbound, message_id: str | None) -> str | None:
        self.n += 1
        return message_id or f"m{self.n}"


class _Null:
    def write(self, _text: str) -> int:
        return 0


def simulated_people(rng: random.Random, n: int, prefix: str, participants: bool) -> list[dict[str, Any]]:
    """`n` reporters with the demo's names and organisations, console ids `{prefix}r01`…, in the demo's three
    areas (every tenth in two); with `participants`, every eighth a participant who also reports."""
    codes = list(AREAS)
    people: list[dict[str, Any]] = []
    names: set[str] = set()
    while len(people) < n:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name in names:
            continue
        names.add(name)
        i = len(people)
        person: dict[str, Any] = {
            "name": name,
            "organisation": ORGS[i % len(ORGS)],
            "areas": [codes[i % 3]] + ([codes[(i + 1) % 3]] if i % 10 == 0 else []),
        }
        if participants:
            person["role"] = "participant" if i % 8 == 0 else "reporter"
        person["console"] = f"{prefix}r{i + 1:02d}"
        people.append(person)
    return people


def county_config(tmp: Path, groups: int) -> Config:
    rng = random.Random(SEED)
    out: list[dict[str, Any]] = []
    for g in range(groups):
        people = simulated_people(rng, REPORTERS, f"g{g}", participants=True)
        people.append({"name": "Sara Samordnare", "role": "coordinator", "console": f"g{g}samordnare"})
        people.append({"name": "Kim Kommunpolis", "role": "participant", "console": f"g{g}polis"})
        out.append(
            {
                "id": f"k{g:02d}",
                "name": f"Kommun {g + 1}",
                "timezone": "Europe/Stockholm",
                "areas": [{"code": c, "name": n, "places": p} for c, (n, p) in AREAS.items()],
                "reporters": people,
                "channels": {"meeting": {"console": f"g{g}möte"}, "broadcast": {"console": f"g{g}rapport"}},
            }
        )
    return parse_config(
        {"reports_dir": str(tmp / "reports"), "database": {"url": f"sqlite:///{tmp}/county.sqlite"}, "groups": out},
        "bench",
    )


@dataclass
class Phase_:
    name: str
    seconds: float = 0.0
    events: int = 0
    delivered: int = 0
    cpu_s: float = 0.0
    rss_mb: float = 0.0  # the benchmark process's, after the step


def _rss_now() -> float:
    with open("/proc/self/status") as f:
        found = re.search(r"VmRSS:\s+(\d+) kB", f.read())
    return int(found.group(1)) / 1024 if found else 0.0


@dataclass
class Week:
    groups: int
    phases: list[Phase_] = field(default_factory=list)
    seconds: float = 0.0
    cpu_s: float = 0.0
    events: int = 0
    delivered: int = 0
    db_bytes: int = 0
    peak_mb: float = 0.0
    answered: int = 0
    traced_groups: int = 0
    peak_rss_mb: float = 0.0  # the benchmark process's, during the timed week
    start_rss_mb: float = 0.0  # and before it: the modules it imported, the demo's with matplotlib and fpdf
    chart_workers: int = 0
    worker_cpu_s: float = 0.0  # the chart workers' and their forkserver's
    worker_rss_mb: float = 0.0  # the sum of their peaks
    draft_text_s: list[float] = field(default_factory=list)  # per group, in the order the tick drafts them
    draft_charts_s: list[float] = field(default_factory=list)

    @property
    def total_cpu_s(self) -> float:
        return self.cpu_s + self.worker_cpu_s

    @property
    def ms_per_reporter_week(self) -> float:
        return self.total_cpu_s / (self.groups * REPORTERS) * 1000

    @property
    def total_rss_mb(self) -> float:
        return self.peak_rss_mb + self.worker_rss_mb


def _proc_usage(pid: int) -> tuple[float, float]:
    """CPU seconds and peak RSS (MB) of a running process, from /proc (Linux)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        with open(f"/proc/{pid}/status") as f:
            hwm = re.search(r"VmHWM:\s+(\d+) kB", f.read())
    except FileNotFoundError:
        return 0.0, 0.0
    return cpu, (int(hwm.group(1)) / 1024 if hwm else 0.0)


class DraftClock:
    """When each group's draft text and draft charts are queued, from the start of the draft tick: the use
    cases' enqueue, watched."""

    KEY = re.compile(r"draft:(\d+)(:charts)?@")

    def __init__(self) -> None:
        self.start = 0.0
        self.text: dict[int, float] = {}
        self.charts: dict[int, float] = {}
        self._real = usecase_context.enqueue

    def __enter__(self) -> DraftClock:
        real = self._real

        def enqueue(*args: Any, **kwargs: Any) -> Any:
            key = args[-1] if isinstance(args[-1], str) else str(kwargs.get("key", ""))
            m = self.KEY.match(key)
            result = real(*args, **kwargs)
            if m and self.start:
                (self.charts if m.group(2) else self.text).setdefault(int(m.group(1)), time.perf_counter())
            return result

        usecase_context.enqueue = enqueue
        return self

    def __exit__(self, *_exc: object) -> None:
        usecase_context.enqueue = self._real


def meeting(sim: Simulation, g: int) -> None:
    """Votes, assignments, note reviews and finalise, as in the demo's meeting, for group g."""
    with sim.app.services.unit() as uow:
        rnd = uow.rounds.get_round(sim.group.id, KEY)
        assert rnd is not None
        rid = rnd.id
        cands = uow.meeting.candidates(rid)
        notes = uow.rounds.notes_for_review(rid)
    voters = [f"g{g}polis", f"g{g}samordnare", f"g{g}r01", f"g{g}r09"]
    coordinator = f"g{g}samordnare"
    choices = [
        ("presence", "hosts", "weekend"),
        ("presence", "police", "weekend"),
        ("physical", "municipality", "long_term"),
    ]
    for n, c in enumerate(cands[:3]):
        for v in voters[: 3 - n]:
            sim.send(v, "choice", choice=f"c{c.id}:v")
        a, r, tf = choices[n]
        for choice in (f"c{c.id}:a:{a}", f"c{c.id}:r:{r}", f"c{c.id}:t:{tf}"):
            sim.send(coordinator, "choice", choice=choice)
    for note in notes[: max(1, len(notes) * 2 // 3)]:
        sim.send(coordinator, "command", command="review", args=("approve", str(note.id)))
    sim.send(coordinator, "choice", choice=f"f{rid}")


def run_week(tmp: Path, groups: int, trace: bool = False, chart_workers: int = CHART_WORKERS) -> Week:
    cfg = county_config(tmp, groups)
    clock = ManualClock(TUE_OPEN)
    sender = CountingSender()
    app: App = build(cfg, clock=clock, senders={"console": sender})
    pool = None
    if chart_workers:
        from bot.reports.chart_pool import ChartPool

        pool = app.services.env.chart_pool = ChartPool(chart_workers)
    rng = random.Random(SEED)
    sims = []
    for g, group in enumerate(cfg.groups):
        sim = Simulation(app, clock, rng, _Null())  # type: ignore[arg-type]
        sim.group = group
        sims.append((g, sim))
    sched = cfg.groups[0].week_schedule()
    tz = cfg.groups[0].tz
    at = {
        p: phase_due_at(KEY, p, sched, tz)
        for p in (Phase.OPEN, Phase.REMINDED, Phase.CLOSED, Phase.DRAFTED, Phase.PUBLISHED)
    }
    week = Week(groups, chart_workers=chart_workers)
    # who answers on time, late or never, per group
    plans = []
    for g, sim in sims:
        people = [r for r in sim.group.reporters if r.areas]
        rng.shuffle(people)
        n = len(people)
        plans.append((g, sim, people[: int(n * 0.8)], people[int(n * 0.8) : int(n * 0.9)]))

    def drain() -> None:
        app.dispatcher.drain("console", limit=1_000_000, batch=500)

    def tick(when: Any) -> None:
        clock.set(when)
        app.services.tick()
        if pool is not None:
            pool.wait()
        drain()

    drafts = DraftClock()

    def draft() -> None:
        with drafts:
            drafts.start = time.perf_counter()
            tick(at[Phase.DRAFTED])
        with app.services.unit() as uow:  # the groups in the order the tick drafts them
            rids = [r.id for g in cfg.groups if (r := uow.rounds.get_round(g.id, KEY)) is not None]
        week.draft_text_s = [drafts.text[r] - drafts.start for r in rids if r in drafts.text]
        week.draft_charts_s = [drafts.charts[r] - drafts.start for r in rids if r in drafts.charts]

    def on_time() -> None:
        longest = max(len(p[2]) for p in plans)
        for i in range(longest):  # the county's reporters interleaved, half an hour apart per group
            clock.set(at[Phase.OPEN] + timedelta(minutes=10 + i * 30))
            for _g, sim, early, _late in plans:
                if i < len(early):
                    sim.answer(early[i].console or "", 2, list(early[i].areas))

    def late() -> None:
        for _g, sim, _early, late_ones in plans:
            for i, r in enumerate(late_ones):
                clock.set(at[Phase.CLOSED] + timedelta(minutes=3 + i))
                sim.answer(r.console or "", 2, list(r.areas))

    def meet() -> None:
        clock.set(at[Phase.DRAFTED] + timedelta(hours=1))
        for g, sim, _early, _late in plans:
            meeting(sim, g)
        drain()

    steps = [
        ("Tue 08:00 open (questionnaire to every reporter)", lambda: tick(at[Phase.OPEN])),
        ("Tue–Wed answers on time (80 %)", on_time),
        ("Wed 13:00 remind", lambda: tick(at[Phase.REMINDED])),
        ("Thu 08:00 close", lambda: tick(at[Phase.CLOSED] + timedelta(minutes=2))),
        ("Thu late answers (10 %)", late),
        ("Thu 08:05 draft picture", draft),
        ("Thu meeting: votes, assignments, reviews, finalise", meet),
        ("Fri 07:30 publish", lambda: tick(at[Phase.PUBLISHED])),
    ]
    week.start_rss_mb = _rss_now()
    if trace:
        tracemalloc.start()
    t_all, c_all = time.perf_counter(), time.process_time()
    try:
        for name, step in steps:
            events0 = sum(s.events for _, s in sims)
            sent0 = sender.n
            t0, c0 = time.perf_counter(), time.process_time()
            step()
            ph = Phase_(name, time.perf_counter() - t0, sum(s.events for _, s in sims) - events0, sender.n - sent0)
            ph.cpu_s, ph.rss_mb = time.process_time() - c0, _rss_now()
            if name.startswith(("Tue 08", "Wed", "Thu 08", "Fri")):
                ph.events += groups  # one phase change per group
            week.phases.append(ph)
        week.seconds, week.cpu_s = time.perf_counter() - t_all, time.process_time() - c_all
        if trace:
            week.peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
        week.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
        if pool is not None:  # the chart processes, measured while they run
            for pid in pool.pids():
                cpu, rss = _proc_usage(pid)
                week.worker_cpu_s += cpu
                week.worker_rss_mb += rss
    finally:
        if trace:
            tracemalloc.stop()
        if pool is not None:
            pool.close()
        with app.services.unit() as uow:
            week.answered = sum(
                uow.rounds.round_status(r.id, g.id, clock.now()).done
                for g in cfg.groups
                if (r := uow.rounds.get_round(g.id, KEY)) is not None
            )
        app.close()
    week.events = sum(p.events for p in week.phases)
    week.delivered = sender.n
    week.db_bytes = sum(f.stat().st_size for f in tmp.glob("county.sqlite*"))
    return week


def run(groups: int = GROUPS, trace_groups: int | None = None, chart_workers: int = CHART_WORKERS) -> Week:
    """The timed week, then the traced one (over `trace_groups` groups if given: tracemalloc is slow; 0: none)."""
    print(f"a county in one process: {groups} groups × {REPORTERS} reporters, one week on SQLite")
    with tempfile.TemporaryDirectory() as tmp:
        week = run_week(Path(tmp), groups, chart_workers=chart_workers)
    week.traced_groups = groups if trace_groups is None else trace_groups
    if week.traced_groups:
        with tempfile.TemporaryDirectory() as tmp:
            week.peak_mb = run_week(Path(tmp), week.traced_groups, trace=True, chart_workers=chart_workers).peak_mb
    print(phase_table(week))
    print(summary_table(week))
    print(draft_table(week))
    return week


def phase_table(week: Week) -> str:
    rows = [
        f"| {p.name} | {p.events} | {p.delivered} | {p.seconds:.1f} s | {p.cpu_s:.1f} s | "
        f"{(p.events / p.seconds if p.seconds else 0):.0f}/s | {p.rss_mb:.0f} MB |"
        for p in week.phases
    ]
    return (
        "| step | events | messages delivered | time | CPU (this process) | events/s | RSS after |\n"
        "|---|---|---|---|---|---|---|\n" + "\n".join(rows)
    )


def summary_table(week: Week) -> str:
    return (
        "| groups | reporters | events | messages delivered | questionnaires sent | total time | CPU (of it chart "
        "workers) | CPU per reporter-week | events/s | peak memory (tracemalloc) | peak RSS (of it chart workers) | "
        "RSS before the week | database |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        f"| {week.groups} | {week.groups * REPORTERS} | {week.events} | {week.delivered} | {week.answered} | "
        f"{week.seconds:.1f} s | {week.total_cpu_s:.1f} s ({week.worker_cpu_s:.1f} s) | "
        f"{week.ms_per_reporter_week:.1f} ms | {week.events / week.seconds:.0f}/s | "
        f"{week.peak_mb:.0f} MB ({week.traced_groups} groups) | "
        f"{week.total_rss_mb:.0f} MB ({week.worker_rss_mb:.0f} MB) | {week.start_rss_mb:.0f} MB | "
        f"{week.db_bytes / 1e6:.1f} MB |"
    )


def draft_table(week: Week) -> str:
    """The Thursday draft's delay: from the 08:05 tick's start to the text, and to the charts, queued."""

    def cell(values: list[float], i: int) -> str:
        return f"{values[i]:.2f} s" if len(values) > abs(i) else "with the text"

    last, n = week.draft_text_s, len(week.draft_text_s)
    charts = week.draft_charts_s
    return (
        "| chart workers | first group: text | first group: charts | last group (of "
        f"{n}): text | last group: charts | slowest charts |\n|---|---|---|---|---|---|\n"
        f"| {week.chart_workers or 'none (inline)'} | {cell(last, 0)} | {cell(charts, 0)} | {cell(last, -1)} | "
        f"{cell(charts, -1)} | {(f'{max(charts):.2f} s' if charts else 'with the text')} |"
    )


def markdown(week: Week) -> str:
    workers = f"{week.chart_workers} chart worker" + ("s" if week.chart_workers != 1 else "")
    return (
        "## A county in one process\n\n"
        f"{week.groups} groups of {REPORTERS} reporters (the demo's simulated people; 80 % answer on time, 10 % "
        "late, 10 % never) through one week on SQLite with a console sender that only counts (`bench/county.py`), "
        f"with {workers} as `est-bot run` has by default (`[run] chart_workers`). An event is one incoming message "
        "or button press, or one group's phase change. *CPU* is the benchmark process's and the chart workers' "
        "(bot/reports/chart_pool.py: processes of their own that draw the charts and write the PDFs, matplotlib "
        "and fpdf loaded only there); *peak RSS* adds the workers' peaks to the benchmark process's, measured over "
        "the timed week. *RSS before the week* is what the benchmark process holds once it has imported its "
        "modules and built the county. Peak memory is from a second run of the same week under `tracemalloc` (the "
        "benchmark process only).\n\n" + summary_table(week) + "\n\n" + phase_table(week) + "\n\n"
        "The Thursday 08:05 draft, per group: from the tick's start to the draft's text being queued in the "
        "outbox, and to its charts (heatmap and trend) following in a message of their own. The groups are drafted "
        "one after another in the tick; a group's text waits for the earlier groups' texts, never for charts. A "
        "draft's charts are owed in the database from the draft's transaction until the one that queues them "
        "(`rounds.charts_owed`, bot/usecases/draft_charts.py): a bot that stops in between, or a worker that "
        "dies, costs a redrawing, not the charts.\n\n" + draft_table(week) + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    groups = int(args[args.index("--groups") + 1]) if "--groups" in args else GROUPS
    traced = int(args[args.index("--trace-groups") + 1]) if "--trace-groups" in args else None
    workers = int(args[args.index("--chart-workers") + 1]) if "--chart-workers" in args else CHART_WORKERS
    run(groups, traced, workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
