"""Health and metrics ([metrics], handlers/metrics/): a little of a week played with a hand-moved clock, the
events handled through the core as the platforms hand them over, and /metrics, /readyz and /healthz asked as
Prometheus and a load balancer would, through Starlette's TestClient."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine
from starlette.testclient import TestClient

from bot.bootstrap import build
from bot.cli_metrics import expected_phases, sql_health
from bot.clock import ManualClock
from bot.conversation.messages import Inbound, InboundKind, Outbound
from bot.domain.model import OutboxItem
from bot.outbox import PermanentFailure, RetryAfter
from handlers.metrics.app import build_metrics_app
from handlers.metrics.collect import EstMetrics
from standins.config import TUE_OPEN, RecordingSender
from storage.health import SqlHealth
from storage.leadership import DatabaseLeadership
from tests.conftest import Bot, make_config

MAX_WAIT = 15  # minutes
WED_REMIND = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # Wednesday 13:00 in Stockholm
GROUP, WEEK = "tbg", "2026-W47"


class FlakySender(RecordingSender):
    """The console, failing once with each exception in `fail`, in order, then delivering again."""

    def __init__(self) -> None:
        super().__init__()
        self.fail: list[Exception] = []

    def send(self, item: OutboxItem, out: Outbound, message_id: str | None) -> str | None:
        if self.fail:
            raise self.fail.pop(0)
        return super().send(item, out, message_id)


class MeteredBot(Bot):
    """The test group's bot, its events handled through the core the edges speak to (bootstrap.CoreEngine)."""

    def say(self, who: str, kind: InboundKind = "text", **kw: Any) -> list[Outbound]:
        self.app.core.handle(Inbound("console", who, kind, **kw))
        return self.flush(who)


class Monitored:
    def __init__(self, bot: MeteredBot, sender: FlakySender, client: TestClient) -> None:
        self.bot = bot
        self.sender = sender
        self.client = client
        self.leader = True

    def scrape(self) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
        response = self.client.get("/metrics")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain; version=")
        return {
            (s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(response.text)
            for s in family.samples
        }

    def pending(self) -> int:
        with self.bot.app.services.unit() as uow:
            return uow.outbox.counts().get("pending", 0)


def value(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


@pytest.fixture
def watched(db_url: str) -> Iterator[Monitored]:
    clock = ManualClock(TUE_OPEN)
    sender = FlakySender()
    metrics = EstMetrics()
    app = build(make_config(db_url), clock=clock, senders={"console": sender}, instruments=metrics)
    bot = MeteredBot(app, clock, sender, db_url)
    holder: list[Monitored] = []
    # The console stands in for a platform the installation sends by (est-bot run counts only the enabled ones).
    health = SqlHealth(app.engine, lambda: holder[0].leader, ("console",))
    metrics.watch(health, clock.now, MAX_WAIT, expected_phases(app.config))
    with TestClient(build_metrics_app(metrics, health, clock.now, MAX_WAIT)) as client:
        holder.append(Monitored(bot, sender, client))
        yield holder[0]
    app.close()


def answer_nothing(bot: Bot, who: str) -> None:
    bot.cmd(who, "rapport")
    bot.press(who, "Inget att rapportera")
    assert any(o.data.get("step") == "sent" for o in bot.press(who, "Skicka"))


def test_a_week_in_the_metrics(watched: Monitored) -> None:
    bot, sender = watched.bot, watched.sender
    before = watched.scrape()
    assert all(name.startswith("est_") for name, _ in before)
    assert value(before, "est_database_up") == 1 and value(before, "est_ready") == 1
    assert not [k for k in before if k[0] == "est_response_rate_ratio"], "no round has opened yet"
    for phase in ("open", "reminded", "closed", "drafted", "published"):  # so that EstBotRoundNotOpen can fire
        assert value(before, "est_phase_last_run_timestamp_seconds", group=GROUP, phase=phase) == 0

    # Tuesday 08:00: the round opens and the three reporters with areas are asked; two answer.
    bot.tick()
    answer_nothing(bot, "anna")
    answer_nothing(bot, "bo")
    m = watched.scrape()
    assert value(m, "est_round_asked", group=GROUP, week=WEEK) == 3
    assert value(m, "est_response_rate_ratio", group=GROUP, week=WEEK) == pytest.approx(2 / 3)
    assert value(m, "est_answers_total", group=GROUP) == 2
    assert value(m, "est_event_handle_seconds_count") == 6  # three events each: the command and two presses
    assert value(m, "est_phase_changes_total", group=GROUP, phase="open") == 1
    assert value(m, "est_phase_last_run_timestamp_seconds", group=GROUP, phase="open") == TUE_OPEN.timestamp()
    assert value(m, "est_outbox_messages", platform="console", status="sent") == len(sender.sent) > 0
    assert value(m, "est_outbox_messages", platform="console", status="queued") == 0
    assert value(m, "est_outbox_messages", platform="console", status="parked") == 0

    # Wednesday 13:00: the reminder to Cecilia meets the platform's 429; the rows wait, none is lost.
    bot.clock.set(WED_REMIND)
    sender.fail = [RetryAfter(30)]
    bot.tick()
    m = watched.scrape()
    assert value(m, "est_platform_rate_limits_total", platform="console") == 1
    assert value(m, "est_phase_changes_total", group=GROUP, phase="reminded") == 1
    assert value(m, "est_phase_last_run_timestamp_seconds", group=GROUP, phase="reminded") == WED_REMIND.timestamp()
    assert value(m, "est_outbox_messages", platform="console", status="queued") == watched.pending() > 0
    assert watched.client.get("/readyz").status_code == 200

    # Nobody sends for twenty minutes: the process is not ready, and says why.
    bot.clock.set(WED_REMIND + timedelta(minutes=20))
    ready = watched.client.get("/readyz")
    assert (ready.status_code, ready.text) == (
        503,
        "not ready: a message has waited 20 minutes to be sent (limit 15)\n",
    )
    assert value(watched.scrape(), "est_ready") == 0
    bot.flush()
    assert watched.pending() == 0
    assert watched.client.get("/readyz").text == "ready\n"

    # A blocked chat parks its message at once; an error is tried again later.
    sender.fail = [PermanentFailure("bot blocked"), RuntimeError("connection reset")]
    bot.cmd("sara", "hjälp")
    bot.cmd("kim", "hjälp")
    m = watched.scrape()
    assert value(m, "est_platform_errors_total", platform="console", kind="permanent") == 1
    assert value(m, "est_platform_errors_total", platform="console", kind="error") == 1
    assert value(m, "est_outbox_messages", platform="console", status="parked") == 1
    assert value(m, "est_outbox_messages", platform="console", status="queued") == watched.pending() == 1
    assert value(m, "est_event_handle_seconds_count") == 8


def test_readyz_without_a_leader_and_healthz(watched: Monitored) -> None:
    assert watched.client.get("/readyz").status_code == 200
    watched.leader = False
    ready = watched.client.get("/readyz")
    assert (ready.status_code, ready.text) == (503, "not ready: no process leads the schedule\n")
    assert value(watched.scrape(), "est_ready") == 0
    assert (watched.client.get("/healthz").status_code, watched.client.get("/healthz").text) == (200, "ok\n")


def test_a_database_that_does_not_answer(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'no-such-folder' / 'est.sqlite'}")
    health = SqlHealth(engine, lambda: True, ("telegram",))
    metrics = EstMetrics()
    now = ManualClock(TUE_OPEN).now
    metrics.watch(health, now, MAX_WAIT)
    with TestClient(build_metrics_app(metrics, health, now, MAX_WAIT)) as client:
        ready = client.get("/readyz")
        assert (ready.status_code, ready.text) == (503, "not ready: the database does not answer\n")
        samples = {
            s.name: s.value for f in text_string_to_metric_families(client.get("/metrics").text) for s in f.samples
        }
        assert samples["est_database_up"] == 0 and samples["est_ready"] == 0
        assert client.get("/healthz").status_code == 200  # alive, though not ready
    engine.dispose()


def test_leader_exists_sees_the_process_that_holds_the_lock(db_url: str) -> None:
    """SQLite: the one process always leads. PostgreSQL: a process that does not lead sees the one that does."""
    app = build(make_config(db_url), clock=ManualClock(TUE_OPEN))
    mine, theirs = DatabaseLeadership(app.engine), DatabaseLeadership(app.engine)
    try:
        if app.engine.dialect.name == "sqlite":
            assert mine.leader_exists()
            return
        assert not mine.leader_exists()
        assert theirs.try_acquire()
        assert mine.leader_exists() and not mine.held
        theirs.release()
        assert not mine.leader_exists()
    finally:
        theirs.release()
        app.close()


def test_console_messages_never_make_an_installation_unready(db_url: str) -> None:
    """Rows from trying `est-bot chat` wait in the outbox for ever: est-bot run never sends the console's."""
    clock = ManualClock(TUE_OPEN)
    cfg = make_config(db_url)
    assert not (cfg.slack.enabled or cfg.telegram.enabled or cfg.email.enabled)
    app = build(cfg, clock=clock, senders={"console": RecordingSender()})
    try:
        app.core.handle(Inbound("console", "sara", "command", command="hjälp"))  # queued, never sent
        clock.set(TUE_OPEN + timedelta(minutes=MAX_WAIT + 5))
        counted = SqlHealth(app.engine, lambda: True, ("console",))
        assert counted.not_ready(clock.now(), MAX_WAIT) is not None, "the console's row is waiting"
        assert sql_health(cfg, app.engine, lambda: True).not_ready(clock.now(), MAX_WAIT) is None
        with_telegram = cfg.model_copy(update={"telegram": cfg.telegram.model_copy(update={"enabled": True})})
        assert sql_health(with_telegram, app.engine, lambda: True).not_ready(clock.now(), MAX_WAIT) is None
    finally:
        app.close()
