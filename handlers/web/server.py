"""The web view on uvicorn, on the caller's event loop: `est-bot web` alone, or inside `est-bot run`."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import uvicorn
from starlette.types import ASGIApp

from bot.config import WebConfig


class WebServer:
    def __init__(self, app: ASGIApp, web: WebConfig, port: int | None = None) -> None:
        self.server = uvicorn.Server(
            uvicorn.Config(
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
        )
        self.task: asyncio.Task[None] | None = None

    async def start(self, timeout: float = 10.0) -> int:
        """Serve, once the socket listens; the port it listens on."""
        self.task = asyncio.create_task(self.server.serve())
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self.server.started:
            if self.task.done():
                self.task.result()  # the start's own error (the port is taken, say)
                raise RuntimeError("the web view did not start")
            if loop.time() > deadline:
                raise RuntimeError("the web view did not start in time")
            await asyncio.sleep(0.01)
        return int(self.server.servers[0].sockets[0].getsockname()[1])

    async def stop(self) -> None:
        self.server.should_exit = True
        if self.task is not None:
            await asyncio.gather(self.task, return_exceptions=True)
