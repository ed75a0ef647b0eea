"""The monitoring's server: uvicorn on the caller's event loop, on its own port (handlers/serving.py binds the
socket and serves). Only inside `est-bot run`, which stops it in order: it never takes the process's signals."""

from __future__ import annotations

import uvicorn
from starlette.types import ASGIApp

from bot.config import MetricsConfig
from handlers.serving import NotListening, Serving

__all__ = ["MetricsServer", "NotListening"]


class MetricsServer(Serving):
    def __init__(self, app: ASGIApp, cfg: MetricsConfig, port: int | None = None) -> None:
        config = uvicorn.Config(
            app,
            host=cfg.listen,
            port=cfg.port if port is None else port,
            access_log=False,
            log_config=None,
            log_level="warning",
            lifespan="off",
            server_header=False,
        )
        super().__init__(config, own_signals=False)
