"""The monitoring's server: uvicorn on the caller's event loop, on its own port, with the socket bound first."""

from __future__ import annotations

import asyncio
import socket

import uvicorn
from starlette.types import ASGIApp

from bot.config import MetricsConfig
from handlers.uvicorn_quiet import QuietServer


class NotListening(Exception):
    """The metrics port could not be taken (another program has it, or it is not allowed)."""


class MetricsServer:
    def __init__(self, app: ASGIApp, cfg: MetricsConfig, port: int | None = None) -> None:
        self.port = cfg.port if port is None else port
        self.where = f"{cfg.listen}:{self.port}"
        # inside `est-bot run`, which stops it in order: uvicorn must not take the process's signals
        self.server = QuietServer(
            uvicorn.Config(
                app,
                host=cfg.listen,
                port=self.port,
                access_log=False,
                log_config=None,
                log_level="warning",
                lifespan="off",
                server_header=False,
            )
        )
        self.task: asyncio.Task[None] | None = None

    async def start(self, timeout: float = 10.0) -> int:
        """Serve once the socket listens; the port it listens on (0 in the settings: one the system chose)."""
        host = self.server.config.host
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, self.port))
        except OSError as exc:
            sock.close()
            raise NotListening(self.where) from exc
        self.task = asyncio.create_task(self.server.serve(sockets=[sock]))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self.server.started:
            if self.task.done():
                try:
                    self.task.result()
                except (SystemExit, OSError) as exc:
                    raise NotListening(self.where) from exc
                raise NotListening(self.where)
            if loop.time() > deadline:
                raise NotListening(self.where)
            await asyncio.sleep(0.01)
        return int(self.server.servers[0].sockets[0].getsockname()[1])

    async def stop(self) -> None:
        self.server.should_exit = True
        if self.task is not None:
            await asyncio.gather(self.task, return_exceptions=True)
