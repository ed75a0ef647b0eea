"""The web view on uvicorn, on the caller's event loop: `est-bot web` alone, or inside `est-bot run`."""

from __future__ import annotations

import asyncio
import socket
from urllib.parse import urlsplit

import uvicorn
from starlette.types import ASGIApp

from bot.config import WebConfig
from handlers.uvicorn_quiet import QuietServer


class NotListening(Exception):
    """The web view could not take its port (taken by another program, or not allowed)."""


class WebServer:
    def __init__(self, app: ASGIApp, web: WebConfig, port: int | None = None, own_signals: bool = True) -> None:
        """`own_signals`: uvicorn stops the server on SIGINT and SIGTERM (`est-bot web`); inside `est-bot run`,
        which stops it in order itself, False (handlers/uvicorn_quiet.py)."""
        server = uvicorn.Server if own_signals else QuietServer
        self.server = server(
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
        self.where = f"{web.listen}:{web.port if port is None else port}"

    async def start(self, timeout: float = 10.0) -> int:
        """Serve, once the socket listens; the port it listens on. The socket is bound here: uvicorn, binding it
        itself, would end the whole process when the port is taken."""
        config = self.server.config
        family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((config.host, config.port))
        except OSError as exc:
            sock.close()
            raise NotListening(self.where) from exc
        self.task = asyncio.create_task(self.server.serve(sockets=[sock]))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self.server.started:
            if self.task.done():
                # uvicorn logs why and exits (SystemExit) when it cannot bind: the port is taken, say
                try:
                    self.task.result()
                except (SystemExit, OSError) as exc:
                    raise NotListening(self.where) from exc
                raise NotListening(self.where)
            if loop.time() > deadline:
                raise RuntimeError("the web view did not start in time")
            await asyncio.sleep(0.01)
        return int(self.server.servers[0].sockets[0].getsockname()[1])

    async def serving(self) -> None:
        """Until the server stops: uvicorn stops it on SIGINT or SIGTERM, then raises the signal again."""
        if self.task is not None:
            await asyncio.gather(self.task, return_exceptions=True)

    async def stop(self) -> None:
        self.server.should_exit = True
        if self.task is not None:
            await asyncio.gather(self.task, return_exceptions=True)
