"""The monitoring's three routes on a port of their own: /healthz, /readyz, /metrics."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.ports import Health
from handlers.metrics.collect import EstMetrics


def build_metrics_app(
    metrics: EstMetrics, health: Health, now: Callable[[], datetime], max_wait_minutes: int
) -> Starlette:
    """The endpoints are plain functions: Starlette runs them in its threadpool, off the event loop, as they
    query the database."""

    def healthz(request: Request) -> Response:
        return PlainTextResponse("ok\n")

    def readyz(request: Request) -> Response:
        reason = health.not_ready(now(), max_wait_minutes)
        if reason is not None:
            return PlainTextResponse(f"not ready: {reason}\n", status_code=503)
        return PlainTextResponse("ready\n")

    def scrape(request: Request) -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    routes = [
        Route("/healthz", healthz, methods=["GET", "HEAD"]),
        Route("/readyz", readyz, methods=["GET", "HEAD"]),
        Route("/metrics", scrape, methods=["GET"]),
    ]
    return Starlette(routes=routes)
