"""`est-bot run`'s health and metrics ([metrics]): composed here so bot/cli.py stays short."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from bot.cli_common import fail
from bot.config import Config

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from handlers.metrics.collect import EstMetrics
    from handlers.metrics.server import MetricsServer
    from storage.health import SqlHealth

log = logging.getLogger("est-bot")


def instruments(cfg: Config) -> EstMetrics | None:
    """The counters the core bumps, when [metrics] is on; built before the core, which keeps them."""
    if not cfg.metrics.enabled:
        return None
    from handlers.metrics.collect import EstMetrics

    return EstMetrics()


def metrics_server(
    cfg: Config, metrics: EstMetrics, engine: Engine, leader_exists: Callable[[], bool], now: Callable[[], datetime]
) -> MetricsServer:
    from handlers.metrics.app import build_metrics_app
    from handlers.metrics.server import MetricsServer

    health = sql_health(cfg, engine, leader_exists)
    metrics.watch(health, now, cfg.metrics.max_wait_minutes, expected_phases(cfg))
    return MetricsServer(build_metrics_app(metrics, health, now, cfg.metrics.max_wait_minutes), cfg.metrics)


def sql_health(cfg: Config, engine: Engine, leader_exists: Callable[[], bool]) -> SqlHealth:
    """Readiness counts the messages waiting for the platforms this installation sends by, never the console's."""
    from bot.doctor import enabled_platforms
    from storage.health import SqlHealth

    return SqlHealth(engine, leader_exists, enabled_platforms(cfg))


def expected_phases(cfg: Config) -> tuple[tuple[str, str], ...]:
    """Every configured group × scheduled phase: a phase that has not run yet is exported as last run at 0, so
    that an alert on it (EstBotRoundNotOpen) fires on a new group's first week too."""
    from bot.domain.cycle import SCHEDULED_PHASES

    return tuple((g.id, str(phase)) for g in cfg.groups for phase in SCHEDULED_PHASES)


async def start(server: MetricsServer, cfg: Config) -> None:
    from handlers.metrics.server import NotListening

    try:
        port = await server.start()
    except NotListening as exc:
        where = f"{exc}: the port is taken or not allowed; set [metrics] port"
        raise fail(f"health and metrics cannot listen on {where}", 1) from None
    log.info("health and metrics on %s:%d (/healthz, /readyz, /metrics)", cfg.metrics.listen, port)
