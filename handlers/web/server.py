"""The web view on uvicorn, on the caller's event loop: `est-bot web` alone, or inside `est-bot run`
(handlers/serving.py binds the socket and serves)."""

from __future__ import annotations

from urllib.parse import urlsplit

import uvicorn
from starlette.types import ASGIApp

from bot.config import WebConfig
from handlers.serving import NotListening, Serving

__all__ = ["NotListening", "WebServer"]


class WebServer(Serving):
    def __init__(self, app: ASGIApp, web: WebConfig, port: int | None = None, own_signals: bool = True) -> None:
        """`own_signals`: uvicorn stops the server on SIGINT and SIGTERM (`est-bot web`); inside `est-bot run`,
        which stops it in order itself, False."""
        config = uvicorn.Config(
            app,
            host=web.listen,
            port=web.port if port is None else port,
            # Behind the proxy at a path (https://kommun.se/est/): links and redirects keep it.
            root_path=urlsplit(web.base_url).path.rstrip("/"),
            # No access log: a sign-in link's path is a token. Sign-ins are in the audit log.
            access_log=False,
            log_config=None,
            log_level="warning",
            lifespan="off",
            server_header=False,
            # The proxy's X-Forwarded-For/Proto are believed only from the proxy on this machine.
            proxy_headers=True,
            forwarded_allow_ips="127.0.0.1",
        )
        super().__init__(config, own_signals)
