"""A year in a day: 52 weeks of EST for 3 groups on one SQLite database, with a moving clock (issue 18, part 9).

Everything goes through the real services, engine, database, outbox and scheduler jobs; only the platform is a
console sender that records what it delivers, and when. The clock moves from job to job and answer to answer:

* **The scheduler's own triggers.** The jobs `est-bot run` schedules (`bot.scheduler.build_scheduler` and the
  daily retention) are built for each process; their APScheduler triggers give the fire times, in each group's
  time zone, and each job's function runs at its time. The minute tick runs hourly (it only re-asks snoozed
  reporters here: every phase has its own cron job).
* **Two time zones, DST both ways.** Two groups in Europe/Stockholm and one in Europe/Helsinki; the year (ISO
  weeks 2026-W02 to 2026-W53) crosses the change to summer time on 29 March and back on 25 October. Every
  questionnaire, draft and report must go out at the group's local phase time in every week.
* **Restarts.** Every `RESTART_EVERY` weeks the process stops cleanly and a new one starts on the same database,
  at a different point of the week each time: in the middle of Tuesday's fan-out, in the middle of a reporter's
  questionnaire (who then presses the buttons of the message the old process sent), between the draft and the
  meeting, and just before Friday's publication.
* **A day without the platform.** In week `DOWN_WEEK` the platform answers nothing from Tuesday 00:00 to
  Wednesday 00:00 (Stockholm time); nobody can answer meanwhile; after it the queued questionnaires go.
* **Note retention** (26 weeks) runs daily, and the **monthly follow-ups** post from the police events imported
  each Monday.

Per week it records the process's peak and end RSS (sampled every 20 ms), the database's size, the events and
the deliveries. At the end it counts duplicates (a row delivered twice) and losses (a row still pending or
parked, a questionnaire, draft or report that never went), which must be zero, and checks that memory stays flat
(the last 10 weeks' peak within 10 % of weeks 5–15) and that the database grows linearly.

It runs with the environment est-bot is deployed with (`DEPLOYED_ENV`: MALLOC_ARENA_MAX=2, as the systemd unit and
the container image set it), starting itself anew with it if need be (`--as-is`: not).

Run: `.venv/bin/python -m bench.year` (`--weeks N`, `--reporters N`, `--no-docs`); `make bench` runs it and writes its
table to docs/PERFORMANCE.md and docs/RELIABILITY.md.
"""

from __future__ import annotations

import asyncio
import gc
import heapq
import itertools
import logging
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import create_engine, text

from bench.county import simulated_people
from bot.bootstrap import App, build
from bot.clock import ManualClock
from bot.config import Config, GroupConfig, parse_config
from bot.conversation.choices import CandidateFieldChoice, FinaliseChoice, Greeting, VoteChoice, encode
from bot.conversation.messages import Outbound
from bot.demo import AREAS, Simulation
from bot.domain.cycle import Phase, RoundKey, local_round_key, monthly_due_at, phase_due_at
from bot.domain.model import OutboxItem
from bot.domain.statistics import PoliceEvent
from bot.outbox import Unreachable
from bot.scheduler import build_scheduler
from bot.usecases.privacy import add_retention_job

ROOT = Path(__file__).resolve().parent.parent
GROUPS = (("norr", "Europe/Stockholm"), ("syd", "Europe/Stockholm"), ("ost", "Europe/Helsinki"))
WEEKS = 52
REPORTERS = 20
FIRST_WEEK = RoundKey(2026, 2)  # Monday 5 January 2026; 52 weeks end on Sunday 3 January 2027
RESTART_EVERY = 4
DOWN_WEEK = 20  # 0-based week index: 2026-W22
RETENTION_WEEKS = 26
SEED = 2026
STOCKHOLM = ZoneInfo("Europe/Stockholm")
RESTART_POINTS = ("fan-out", "questionnaire", "before meeting", "before publish")
PHASES = (Phase.OPEN, Phase.REMINDED, Phase.CLOSED, Phase.DRAFTED, Phase.PUBLISHED)


# ------------------------------------------------------------------------------------------------ the platform


@dataclass
class Delivery:
    item_id: int
    key: str
    address: str
    at: datetime


class YearSender:
    """The console platform: records each delivery (row id, key, when); down between `down_from` and `down_to`."""

    platform = "console"

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.deliveries: list[Delivery] = []
        self.down: tuple[datetime, datetime] | None = None
        self.refused = 0

    def send(self, item: OutboxItem, out: Outbound, message_id: str | None) -> str | None:
        now = self.clock.now()
        if self.down is not None and self.down[0] <= now < self.down[1]:
            self.refused += 1
            raise Unreachable("console: connection refused (the simulated outage)")
        self.deliveries.append(Delivery(item.id, item.key, item.address, now))
        return message_id or f"m{len(self.deliveries)}"


class _Null:
    def write(self, _text: str) -> int:
        return 0


# ------------------------------------------------------------------------------------------------ memory


class RssSampler:
    """The process's resident set size every 20 ms in a thread; `take()` gives the peak since the last take."""

    def __init__(self) -> None:
        self._page = os.sysconf("SC_PAGE_SIZE")
        self._peak = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def rss(self) -> int:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * self._page

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            value = self.rss()
            with self._lock:
                self._peak = max(self._peak, value)

    def start(self) -> None:
        self._peak = self.rss()
        self._thread.start()

    def take(self) -> int:
        now = self.rss()
        with self._lock:
            peak, self._peak = max(self._peak, now), now
        return peak

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


# ------------------------------------------------------------------------------------------------ set-up


def year_config(tmp: Path, reporters: int) -> Config:
    rng = random.Random(SEED)
    groups: list[dict[str, Any]] = []
    for gid, tz in GROUPS:
        people = simulated_people(rng, reporters, gid, participants=False)
        people.append({"name": "Sara Samordnare", "role": "coordinator", "console": f"{gid}samordnare"})
        people.append({"name": "Kim Kommunpolis", "role": "participant", "console": f"{gid}polis"})
        groups.append(
            {
                "id": gid,
                "name": f"Kommun {gid}",
                "timezone": tz,
                "areas": [{"code": c, "name": n, "places": p} for c, (n, p) in AREAS.items()],
                "reporters": people,
                "channels": {
                    "meeting": {"console": f"{gid}möte"},
                    "broadcast": {"console": f"{gid}rapport"},
                    "coordinators": {"console": f"{gid}samordnare-kanal"},
                },
            }
        )
    return parse_config(
        {
            "reports_dir": str(tmp / "reports"),
            "database": {"url": f"sqlite:///{tmp}/year.sqlite"},
            "privacy": {"note_retention_weeks": RETENTION_WEEKS},
            "groups": groups,
        },
        "bench-year",
    )


class YearSim(Simulation):
    """The demo's simulated people, with a hook that can restart the process between two of their steps."""

    def __init__(self, app: App, clock: ManualClock, rng: random.Random, group: GroupConfig) -> None:
        super().__init__(app, clock, rng, _Null())  # type: ignore[arg-type]
        self.group = group
        self.hook: Callable[[], None] | None = None
        self.hook_at = 0

    def send(self, who: str, kind: str, **kw: Any) -> list[Outbound]:
        out = super().send(who, kind, **kw)
        if self.hook is not None and self.events >= self.hook_at:
            hook, self.hook = self.hook, None
            hook()
        return out


def police_events(rng: random.Random, group: GroupConfig, monday: date, ids: itertools.count[int]) -> list[PoliceEvent]:
    """What the police events fetch would bring for the group's areas in a week: 2-6 events at known places."""
    out = []
    for _ in range(rng.randint(2, 6)):
        code = rng.choice(list(AREAS))
        place = rng.choice(AREAS[code][1])
        at = datetime.combine(monday, datetime.min.time(), group.tz) + timedelta(hours=rng.randint(0, 24 * 7 - 1))
        n = next(ids)
        kind = rng.choice(["Skadegörelse", "Narkotikabrott", "Misshandel", "Stöld"])
        out.append(
            PoliceEvent(
                n, at.astimezone(UTC), f"{kind}, {place}", kind, f"https://example.invalid/{n}", kind, place, None, None
            )
        )
    return out


# ------------------------------------------------------------------------------------------------ the year


@dataclass(frozen=True)
class Plan:
    """What the year holds: how many weeks from which, the restarts and the day without the platform."""

    weeks: int = WEEKS
    reporters: int = REPORTERS
    first: RoundKey = FIRST_WEEK
    restart_every: int = RESTART_EVERY
    down_week: int = DOWN_WEEK  # 0-based

    def key(self, index: int) -> RoundKey:
        return RoundKey(*(self.first.monday() + timedelta(weeks=index)).isocalendar()[:2])

    def restart(self, index: int) -> str:
        """Where in week `index` the process restarts ("" for not at all)."""
        if index % self.restart_every != self.restart_every - 1:
            return ""
        return RESTART_POINTS[(index // self.restart_every) % len(RESTART_POINTS)]


@dataclass
class WeekRow:
    index: int
    key: RoundKey
    rss_peak_mb: float
    rss_end_mb: float
    db_mb: float
    events: int
    delivered: int
    answered: int
    restart: str = ""
    seconds: float = 0.0


@dataclass
class YearResult:
    plan: Plan = field(default_factory=Plan)
    weeks: list[WeekRow] = field(default_factory=list)
    duplicates: int = 0
    pending: int = 0
    parked: int = 0
    missing: list[str] = field(default_factory=list)
    wrong_times: list[str] = field(default_factory=list)
    errors_logged: list[str] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)
    restarts: int = 0
    refused_while_down: int = 0
    notes_left_old: int = 0
    notes_recent: int = 0
    followups: dict[str, int] = field(default_factory=dict)
    followups_due: dict[str, int] = field(default_factory=dict)  # first weekdays of a month in the simulated time
    seconds: float = 0.0
    cpu_s: float = 0.0

    @property
    def losses(self) -> int:
        return self.pending + self.parked + len(self.missing)

    def memory_ratio(self) -> float:
        """The last 10 weeks' peak RSS over weeks 5-15's (1-based)."""
        early = [w.rss_peak_mb for w in self.weeks[4:15]]
        late = [w.rss_peak_mb for w in self.weeks[-10:]]
        return max(late) / max(early) if early and late else float("nan")

    def db_fit(self, first: int = 0, last: int | None = None) -> tuple[float, float]:
        """Least squares of the database size on the week over weeks[first:last]: (MB per week, R²)."""
        weeks = self.weeks[first:last]
        xs = [float(w.index) for w in weeks]
        ys = [w.db_mb for w in weeks]
        if len(xs) < 3:
            return float("nan"), float("nan")
        slope, intercept = statistics.linear_regression(xs, ys)
        mean = statistics.fmean(ys)
        total = sum((y - mean) ** 2 for y in ys)
        resid = sum((y - (slope * x + intercept)) ** 2 for x, y in zip(xs, ys, strict=True))
        return slope, 1 - resid / total if total else 1.0

    def db_growth(self) -> tuple[float, float, float]:
        """(MB a week and R² before retention starts deleting, MB a week over the last 10 weeks)."""
        before, r2 = self.db_fit(0, RETENTION_WEEKS)
        after, _ = self.db_fit(-10) if len(self.weeks) > RETENTION_WEEKS + 10 else (float("nan"), 0.0)
        return before, r2, after


class ErrorLog(logging.Handler):
    """Every line logged at ERROR or above while the year runs: there must be none."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name}: {record.getMessage()}"[:300])


class Year:
    def __init__(self, tmp: Path, plan: Plan) -> None:
        self.tmp = tmp
        self.plan = plan
        self.cfg = year_config(tmp, plan.reporters)
        self.first_monday = datetime.combine(plan.first.monday(), datetime.min.time(), STOCKHOLM).astimezone(UTC)
        self.clock = ManualClock(self.first_monday - timedelta(hours=1))
        self.sender = YearSender(self.clock)
        self.rng = random.Random(SEED)
        self.ids = itertools.count(1)
        self.app = self._start()
        self.sims = [YearSim(self.app, self.clock, self.rng, g) for g in self.cfg.groups]
        self.restarts = 0
        self.last_retention: datetime | None = None  # when the daily retention job last ran
        self._jobs: list[tuple[datetime, int, str, Callable[[], Any]]] = []

    # -------------------------------------------------------------- process

    def _start(self) -> App:
        return build(self.cfg, clock=self.clock, senders={"console": self.sender})

    def restart(self) -> None:
        """Stop as `est-bot run` does on SIGTERM (no new claims, rows held given back, close), start anew."""
        app = self.app
        app.dispatcher.stop_claiming()
        app.dispatcher.close(timeout=5)
        app.dispatcher.release_held()
        app.close()
        self.app = self._start()
        for sim in self.sims:
            sim.app = self.app
        self.restarts += 1

    def drain(self, limit: int = 1_000_000) -> None:
        self.app.dispatcher.drain("console", limit=limit, batch=1)

    def jobs_between(self, start: datetime, end: datetime) -> list[tuple[datetime, str, Callable[[], Any]]]:
        """The fire times in [start, end) of the jobs `est-bot run` schedules, from their own triggers, each with
        a function that runs the job (as APScheduler would: the job's coroutine, its work in a thread)."""
        scheduler = build_scheduler(self.app.services, tick_seconds=3600)
        add_retention_job(scheduler, self.app.services.env)
        fires: list[tuple[datetime, str, Callable[[], Any]]] = []
        for job in scheduler.get_jobs():
            trigger = job.trigger
            if isinstance(trigger, IntervalTrigger):  # its first run is counted from the real time it was made
                trigger = IntervalTrigger(seconds=trigger.interval.total_seconds(), start_date=start, timezone=UTC)
            prev: datetime | None = None
            at = trigger.get_next_fire_time(None, start)
            while at is not None and at < end:
                if at >= start:
                    fires.append((at.astimezone(UTC), str(job.id), _runner(job.func)))
                prev = at
                at = trigger.get_next_fire_time(prev, at + timedelta(seconds=1))
        return sorted(fires, key=lambda f: f[0])

    # -------------------------------------------------------------- one week

    def week(self, index: int) -> str:
        key = self.plan.key(index)
        start = self.first_monday + timedelta(weeks=index)
        end = start + timedelta(weeks=1)
        queue: list[tuple[datetime, int, str, Callable[[], Any]]] = []
        seq = itertools.count()

        def at(when: datetime, name: str, fn: Callable[[], Any]) -> None:
            heapq.heappush(queue, (when, next(seq), name, fn))

        restart = self.plan.restart(index)
        fan_out = f"{self.cfg.groups[0].id}:{Phase.OPEN}"
        for when, name, fn in self.jobs_between(start, end):
            if restart == "fan-out" and name == fan_out:  # the open job queues everyone; half go, then restart
                fn = _then(fn, self._restart_mid_fanout)
            at(when, name, fn)
        down = None
        if index == self.plan.down_week:
            tue = datetime.combine(key.monday() + timedelta(days=1), datetime.min.time(), STOCKHOLM).astimezone(UTC)
            down = (tue, tue + timedelta(days=1))
            self.sender.down = down
        for g, sim in enumerate(self.sims):
            group = sim.group
            due = {p: phase_due_at(key, p, group.week_schedule(), group.tz) for p in PHASES}
            monday = key.monday()
            events = police_events(self.rng, group, monday, self.ids)
            at(start + timedelta(hours=9, minutes=g), f"{group.id}:police", partial(self._import, sim, events))
            people = [r for r in group.reporters if r.areas]
            self.rng.shuffle(people)
            n = len(people)
            on_time, late = people[: int(n * 0.8)], people[int(n * 0.8) : int(n * 0.9)]
            first = due[Phase.OPEN] if down is None else max(due[Phase.OPEN], down[1])
            for i, r in enumerate(on_time):
                when = first + timedelta(minutes=7 + i * 25 + g)
                snooze = i == 1 and index % 3 == 0  # now and then one says "later" first, and is asked again
                hook = restart == "questionnaire" and g == 0 and i == 2
                at(when, f"{group.id}:answer", partial(self._answer, sim, r, index, snooze, hook))
            for i, r in enumerate(late):
                at(
                    due[Phase.CLOSED] + timedelta(minutes=3 + i),
                    f"{group.id}:late",
                    partial(self._answer, sim, r, index),
                )
            at(
                due[Phase.DRAFTED] + timedelta(hours=1, minutes=g),
                f"{group.id}:meeting",
                partial(self._meeting, sim, key),
            )
            if restart and g == 0:
                if restart == "before meeting":
                    at(due[Phase.DRAFTED] + timedelta(minutes=30), "restart", self.restart)
                elif restart == "before publish":
                    at(due[Phase.PUBLISHED] - timedelta(minutes=10), "restart", self.restart)
        while queue:
            when, _, name, fn = heapq.heappop(queue)
            self.clock.set(when)
            fn()
            if name == "retention":
                self.last_retention = when
            self.drain()  # the platform's drainer runs whenever something is queued
        self.clock.set(end - timedelta(minutes=1))
        self.drain()
        self.sender.down = None
        return restart

    def _import(self, sim: YearSim, events: list[PoliceEvent]) -> None:
        new, _updated, _same, _outside = self.app.services.save_events(sim.group, events, "polisen.se", "bench")
        assert new == len(events), (new, len(events))

    def _answer(self, sim: YearSim, r: Any, index: int, snooze: bool = False, hook: bool = False) -> None:
        who = r.console or ""
        if snooze:
            out = sim.send(who, "command", command="rapport")
            sim.press(who, out, Greeting("later"))
            return  # the tick after the snooze hours asks again; the answer comes with the next one
        if hook:
            sim.hook, sim.hook_at = self.restart, sim.events + 4  # restart after the reporter's fourth step
        sim.answer(who, index % 6, list(r.areas))

    def _restart_mid_fanout(self) -> None:
        """Tuesday's open has queued a questionnaire to everyone: deliver part of them, then restart."""
        self.drain(limit=len(self.cfg.groups[0].reporters) // 2)
        self.restart()

    def _meeting(self, sim: YearSim, key: RoundKey) -> None:
        gid = sim.group.id
        with self.app.services.unit() as uow:
            rnd = uow.rounds.get_round(gid, key)
            assert rnd is not None, (gid, key)
            rid = rnd.id
            cands = uow.meeting.candidates(rid)
            notes = uow.rounds.notes_for_review(rid)
            waiting = uow.groups.places_for_review(gid)
        voters = [f"{gid}polis", f"{gid}samordnare", f"{gid}r01"]
        coordinator = f"{gid}samordnare"
        for n, c in enumerate(cands[:2]):
            for v in voters[: 3 - n]:
                sim.send(v, "choice", choice=encode(VoteChoice(c.id, True)))
            sim.send(coordinator, "choice", choice=encode(CandidateFieldChoice(c.id, "responsible", "police")))
        for note in notes[: max(1, len(notes) // 2)]:
            sim.send(coordinator, "command", command="review", args=("approve", str(note.id)))
        for place in waiting:
            sim.send(coordinator, "command", command="review", args=("approve", f"P{place.id}"))
        sim.send(coordinator, "choice", choice=encode(FinaliseChoice(rid)))

    # -------------------------------------------------------------- checks

    def db_bytes(self) -> int:
        """The database's size as SQLite counts it (pages in use and free, the WAL's newest pages included)."""
        conn = sqlite3.connect(self.tmp / "year.sqlite")
        try:
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            return int(pages) * int(conn.execute("PRAGMA page_size").fetchone()[0])
        finally:
            conn.close()

    def check(self, result: YearResult) -> None:
        counts = Counter(d.item_id for d in self.sender.deliveries)
        result.duplicates = sum(n - 1 for n in counts.values() if n > 1)
        with self.app.services.unit() as uow:
            status = uow.outbox.counts()
        result.pending, result.parked = status.get("pending", 0), status.get("parked", 0)
        first_at: dict[str, datetime] = {}
        for d in self.sender.deliveries:
            kind = d.key.split(":", 1)[0].split("@", 1)[0]
            result.kinds[kind] += 1
            first_at.setdefault(d.key, d.at)
        keys = set(first_at)
        with self.app.services.unit() as uow:
            for g in self.cfg.groups:
                people = [p for p in uow.people.persons(g.id) if uow.people.person_areas(p.id)]
                for index in range(len(result.weeks)):
                    key = self.plan.key(index)
                    rnd = uow.rounds.get_round(g.id, key)
                    if rnd is None:
                        result.missing.append(f"{g.id} {key}: no round")
                        continue
                    expect = {f"draft:{rnd.id}@console": Phase.DRAFTED, f"publish:{rnd.id}@console": Phase.PUBLISHED}
                    expect |= {f"open:{rnd.id}:{p.id}@console": Phase.OPEN for p in people}
                    for k, phase in expect.items():
                        if k not in keys:
                            result.missing.append(f"{g.id} {key}: {k}")
                            continue
                        due = phase_due_at(key, phase, g.week_schedule(), g.tz)
                        sent = first_at[k]
                        # Tuesday's questionnaires queued while the platform was down go when it is back
                        late_ok = index == self.plan.down_week and phase == Phase.OPEN
                        if not (due <= sent < due + timedelta(minutes=1)) and not late_ok:
                            local = sent.astimezone(g.tz)
                            result.wrong_times.append(f"{g.id} {key} {phase}: sent {local:%a %H:%M %Z}")
        result.followups = {
            g.id: sum(1 for d in self.sender.deliveries if d.key.startswith(f"monthly:{g.id}:"))
            for g in self.cfg.groups
        }
        end = self.first_monday + timedelta(weeks=self.plan.weeks)
        days = (self.plan.first.monday() + timedelta(days=d) for d in range(7 * self.plan.weeks + 7))
        months = {(day.year, day.month) for day in days}
        result.followups_due = {
            g.id: sum(1 for y, m in months if self.first_monday <= monthly_due_at(y, m, g.week_schedule(), g.tz) < end)
            for g in self.cfg.groups
        }
        # the weeks the last retention run deleted from (as bot.usecases.privacy.retention reckons them)
        ran = self.last_retention or self.first_monday
        retention_key = local_round_key(ran - timedelta(weeks=RETENTION_WEEKS), STOCKHOLM)
        engine = create_engine(f"sqlite:///{self.tmp}/year.sqlite")
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT r.year * 100 + r.week < :before AS old, count(a.note) FROM answers a "
                    "JOIN responses s ON s.id = a.response_id JOIN rounds r ON r.id = s.round_id GROUP BY old"
                ),
                {"before": retention_key.year * 100 + retention_key.week},
            ).all()
        engine.dispose()
        by_age = {bool(old): n for old, n in rows}
        result.notes_left_old, result.notes_recent = by_age.get(True, 0), by_age.get(False, 0)


def _runner(func: Callable[[], Any]) -> Callable[[], None]:
    """Run a job's function as APScheduler would: a coroutine on an event loop, a plain function as it is."""

    def run() -> None:
        result = func()
        if asyncio.iscoroutine(result):
            asyncio.run(result)

    return run


def _then(first: Callable[[], Any], second: Callable[[], Any]) -> Callable[[], Any]:
    def both() -> None:
        first()
        second()

    return both


def run(plan: Plan, echo: Callable[[str], None] = print) -> YearResult:
    result = YearResult(plan=plan)
    errors = ErrorLog()
    logging.getLogger().addHandler(errors)
    sampler = RssSampler()
    sampler.start()
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            year = Year(Path(tmp), plan)
            try:
                for index in range(plan.weeks):
                    w0 = time.perf_counter()
                    sent0 = len(year.sender.deliveries)
                    events0 = sum(s.events for s in year.sims)
                    restart = year.week(index)
                    gc.collect()
                    key = plan.key(index)
                    with year.app.services.unit() as uow:
                        answered = sum(
                            uow.rounds.round_status(r.id, g.id, year.clock.now()).done
                            for g in year.cfg.groups
                            if (r := uow.rounds.get_round(g.id, key)) is not None
                        )
                    row = WeekRow(
                        index + 1,
                        key,
                        sampler.take() / 1e6,
                        sampler.rss() / 1e6,
                        year.db_bytes() / 1e6,
                        sum(s.events for s in year.sims) - events0,
                        len(year.sender.deliveries) - sent0,
                        answered,
                        restart,
                        time.perf_counter() - w0,
                    )
                    result.weeks.append(row)
                    echo(week_line(row))
                result.restarts = year.restarts
                result.refused_while_down = year.sender.refused
                year.check(result)
            finally:
                year.app.close()
    finally:
        sampler.stop()
        logging.getLogger().removeHandler(errors)
    result.errors_logged = errors.lines
    result.seconds, result.cpu_s = time.perf_counter() - t0, time.process_time() - c0
    return result


# ------------------------------------------------------------------------------------------------ report


def week_line(w: WeekRow) -> str:
    return (
        f"| {w.index} | {w.key} | {w.events} | {w.delivered} | {w.answered} | {w.rss_peak_mb:.0f} MB | "
        f"{w.rss_end_mb:.0f} MB | {w.db_mb:.2f} MB | {w.seconds:.1f} s | {w.restart} |"
    )


WEEK_HEADER = (
    "| week | ISO week | events | delivered | answered | peak RSS | RSS at the end | database | time | restart |\n"
    "|---|---|---|---|---|---|---|---|---|---|"
)


def verdicts(r: YearResult) -> list[tuple[str, bool, str]]:
    slope, r2, after = r.db_growth()
    ratio = r.memory_ratio()
    wrong = f"{len(r.wrong_times)} off their local time" + (f" (e.g. {r.wrong_times[0]})" if r.wrong_times else "")
    return [
        ("duplicates (a row delivered twice)", r.duplicates == 0, str(r.duplicates)),
        (
            "losses (pending or parked at the end; a questionnaire, draft or report never sent)",
            r.losses == 0,
            f"{r.pending} pending, {r.parked} parked, {len(r.missing)} never sent"
            + (f" (e.g. {r.missing[0]})" if r.missing else ""),
        ),
        ("phases at the group's local time, both sides of both DST changes", not r.wrong_times, wrong),
        ("lines logged at ERROR", not r.errors_logged, str(len(r.errors_logged))),
        ("memory flat: last 10 weeks' peak RSS / weeks 5-15's ≤ 1.10", ratio <= 1.10, f"{ratio:.3f}"),
        (
            f"database grows linearly until retention starts ({RETENTION_WEEKS} weeks; R² ≥ 0.98), then no faster",
            r2 >= 0.98 and not after > slope * 1.05,
            f"{slope * 1000:.0f} kB a week (R² {r2:.4f}), then {after * 1000:.0f} kB a week in the last 10 weeks",
        ),
        (
            f"note retention ({RETENTION_WEEKS} weeks): no note older, notes kept in the recent weeks",
            r.notes_left_old == 0 and r.notes_recent > 0,
            f"{r.notes_left_old} older, {r.notes_recent} recent",
        ),
        (
            "monthly follow-ups posted: one per group on each month's first weekday",
            bool(r.followups) and r.followups == r.followups_due,
            ", ".join(f"{g} {n} of {r.followups_due.get(g, 0)}" for g, n in r.followups.items()),
        ),
    ]


def ok(r: YearResult) -> bool:
    return all(passed for _, passed, _ in verdicts(r))


def summary(r: YearResult) -> str:
    lines = ["| check | result | |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {'✓' if passed else '✗'} |" for name, passed, value in verdicts(r)]
    return "\n".join(lines)


def markdown(r: YearResult) -> str:
    weeks = len(r.weeks)
    deliveries = sum(w.delivered for w in r.weeks)
    events = sum(w.events for w in r.weeks)
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(r.kinds.items(), key=lambda kv: -kv[1])[:8])
    first, last = r.plan.key(0), r.plan.key(max(0, weeks - 1))
    dst = " (both DST changes)" if first <= RoundKey(2026, 13) and last >= RoundKey(2026, 44) else ""
    down = (
        f"the platform down for a day in week {r.plan.down_week + 1} ({r.refused_while_down} sends refused meanwhile)"
        if 0 <= r.plan.down_week < weeks
        else "the platform never down"
    )
    return (
        "## A year in a day (soak)\n\n"
        f"`bench/year.py`: {weeks} weeks for {len(GROUPS)} groups of {r.plan.reporters} reporters (two in "
        f"Europe/Stockholm, one in Europe/Helsinki; ISO weeks {first} to {last}{dst}) on one "
        "SQLite database, through the real services, outbox and the scheduler's own triggers, with a console "
        f"platform that records each delivery. {r.restarts} clean restarts (mid fan-out, mid questionnaire, "
        f"before the meeting, before publishing); {down}; note retention {RETENTION_WEEKS} weeks; police events "
        f"imported weekly and the monthly follow-ups. {events} events, {deliveries} messages delivered ({kinds}); "
        f"{r.seconds:.0f} s, {r.cpu_s:.0f} s CPU; "
        + ("with MALLOC_ARENA_MAX=2, as est-bot is deployed" if deployed() else "with glibc malloc's defaults")
        + ".\n\n"
        + summary(r)
        + "\n\n"
        "<details><summary>Every week</summary>\n\n"
        + WEEK_HEADER
        + "\n"
        + "\n".join(week_line(w) for w in r.weeks)
        + "\n\n</details>\n"
    )


def write_section(r: YearResult, path: Path) -> None:
    """Replace the soak's section in `path` (between its markers) with this run's, or add it at the end."""
    begin, end = "<!-- bench/year.py: begin -->", "<!-- bench/year.py: end -->"
    text = path.read_text(encoding="utf-8")
    section = f"{begin}\n{markdown(r)}{end}"
    if begin in text and end in text:
        text = text[: text.index(begin)] + section + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def write_reliability(r: YearResult) -> None:
    """The soak's section in docs/RELIABILITY.md and docs/PERFORMANCE.md (`make bench` rewrites the latter whole,
    with this section in it)."""
    for name in ("RELIABILITY.md", "PERFORMANCE.md"):
        write_section(r, ROOT / "docs" / name)


#: The process environment est-bot is deployed with (deploy/est-bot.service, Containerfile) that changes its memory:
#: glibc's malloc with two arenas instead of eight per core. Without it the soak's RSS grew for 16 weeks, to
#: about 500 MB (threads' arenas fragment); with it (and malloc_trim after each job, bot/memory.py) every week
#: ends at 185-250 MB.
DEPLOYED_ENV = {"MALLOC_ARENA_MAX": "2"}


def deployed() -> bool:
    return all(os.environ.get(k) == v for k, v in DEPLOYED_ENV.items())


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not deployed() and "--as-is" not in args:  # glibc reads MALLOC_ARENA_MAX at start: run anew with it
        os.execve(sys.executable, [sys.executable, "-m", "bench.year", *args], {**os.environ, **DEPLOYED_ENV})
    weeks = int(args[args.index("--weeks") + 1]) if "--weeks" in args else WEEKS
    reporters = int(args[args.index("--reporters") + 1]) if "--reporters" in args else REPORTERS
    print(f"a year in a day: {weeks} weeks, {len(GROUPS)} groups × {reporters} reporters")
    print(WEEK_HEADER)
    result = run(Plan(weeks, reporters))
    print(summary(result))
    for line in result.errors_logged[:10]:
        print("logged:", line)
    if weeks == WEEKS and "--no-docs" not in args:
        write_reliability(result)
    if "--markdown-out" in args:
        Path(args[args.index("--markdown-out") + 1]).write_text(markdown(result), encoding="utf-8")
    return 0 if ok(result) else 1


if __name__ == "__main__":
    sys.exit(main())
