"""The Prometheus side: counters the core bumps through the `Instruments` port, and gauges read from the
database at scrape time (the `Health` port). Everything lives in a registry of its own, never the library's
global one, so two bots in one process (the tests) do not share values."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.ports import Health

log = logging.getLogger(__name__)

#: How long handling an event takes, from about a millisecond (a button press) to a coordinator's report.
STATUSES = ("queued", "parked", "sent")  # the outbox's, as storage/health.py names them

HANDLE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class EstMetrics:
    """The bot's metrics in their own registry; meets bot.ports.Instruments."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.rate_limits = Counter(
            "est_platform_rate_limits_total",
            "Sends a platform refused with 'retry after' (HTTP 429); sending to it paused.",
            ["platform"],
            registry=self.registry,
        )
        self.errors = Counter(
            "est_platform_errors_total",
            "Sends that failed: kind=error is tried again later, kind=permanent is parked at once, kind=unreachable "
            "found the platform unreachable (its outage waits without counting attempts).",
            ["platform", "kind"],
            registry=self.registry,
        )
        self.handle_seconds = Histogram(
            "est_event_handle_seconds",
            "Time from the start of handling an event to its unit of work's commit (a batch's events share it).",
            buckets=HANDLE_BUCKETS,
            registry=self.registry,
        )

    def watch(
        self,
        health: Health,
        now: Callable[[], datetime],
        max_wait_minutes: int,
        expected: Sequence[tuple[str, str]] = (),
    ) -> None:
        """Read the database's counts and readiness on each scrape (once the database is open: the core is
        built with the counters above already in it). `expected`: (group, phase) pairs exported even before
        they first run, last run at 0."""
        self.registry.register(DatabaseCollector(health, now, max_wait_minutes, expected))

    def platform_outcome(self, platform: str, outcome: str) -> None:
        if outcome == "retry_after":
            self.rate_limits.labels(platform).inc()
        else:
            self.errors.labels(platform, outcome).inc()

    def events_handled(self, count: int, seconds: float) -> None:
        for _ in range(count):
            self.handle_seconds.observe(seconds)


class DatabaseCollector(Collector):
    """Gauges and counters read from the database on each scrape: every process's work, not only this one's."""

    def __init__(
        self,
        health: Health,
        now: Callable[[], datetime],
        max_wait_minutes: int,
        expected: Sequence[tuple[str, str]] = (),
    ) -> None:
        self.health = health
        self.now = now
        self.max_wait_minutes = max_wait_minutes
        self.expected = tuple(expected)

    def describe(self) -> Iterator[Metric]:
        return iter(())  # collected at scrape time only; describing would query the database at registration

    def collect(self) -> Iterator[Metric]:
        ready = GaugeMetricFamily("est_ready", "1 when /readyz would answer 200, else 0 (the reason is on /readyz).")
        ready.add_metric([], 1 if self.health.not_ready(self.now(), self.max_wait_minutes) is None else 0)
        yield ready
        up = GaugeMetricFamily("est_database_up", "1 when the database answered this scrape's queries, else 0.")
        try:
            snap = self.health.snapshot()
        except Exception as exc:
            log.warning("metrics: the database did not answer: %s", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        outbox = GaugeMetricFamily(
            "est_outbox_messages",
            "Outbox rows by platform and status (queued, parked, sent).",
            labels=["platform", "status"],
        )
        counted = {(row.platform, row.status): row.count for row in snap.outbox}
        for platform in sorted({row.platform for row in snap.outbox}):
            for status in STATUSES:  # a 0 rather than nothing, so that an alert's comparison has a value
                outbox.add_metric([platform, status], counted.pop((platform, status), 0))
        for (platform, status), n in sorted(counted.items()):
            outbox.add_metric([platform, status], n)
        yield outbox
        answers = CounterMetricFamily("est_answers", "Questionnaires answered, by group.", labels=["group"])
        for group, n in snap.answers:
            answers.add_metric([group], n)
        yield answers
        asked = GaugeMetricFamily(
            "est_round_asked", "Reporters asked in the group's current round.", labels=["group", "week"]
        )
        rate = GaugeMetricFamily(
            "est_response_rate_ratio",
            "Share of the reporters asked in the group's current round who have answered (0-1).",
            labels=["group", "week"],
        )
        for r in snap.rounds:
            asked.add_metric([r.group_id, r.week], r.asked)
            rate.add_metric([r.group_id, r.week], r.answered / r.asked if r.asked else 0.0)
        yield asked
        yield rate
        changes = CounterMetricFamily(
            "est_phase_changes",
            "Phase steps of the week (open, reminded, closed, ...), by group.",
            labels=["group", "phase"],
        )
        last = GaugeMetricFamily(
            "est_phase_last_run_timestamp_seconds",
            "When each phase last ran in the group (unix time; 0 for a scheduled phase that has not run yet).",
            labels=["group", "phase"],
        )
        ran: set[tuple[str, str]] = set()
        for p in snap.phases:
            changes.add_metric([p.group_id, p.phase], p.count)
            last.add_metric([p.group_id, p.phase], p.last.timestamp())
            ran.add((p.group_id, p.phase))
        for group, phase in self.expected:
            if (group, phase) not in ran:  # no series would leave an alert on it nothing to compare
                last.add_metric([group, phase], 0)
        yield changes
        yield last
