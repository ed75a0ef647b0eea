"""uvicorn on the caller's event loop, for the web view and the metrics server: the socket bound first, then
served; stopped by the caller, or by uvicorn on a signal.

The socket is bound here, not by uvicorn: uvicorn, binding it itself, ends the whole process when the port is
taken. `Serving.start` says so as `NotListening` instead, for the CLI to word in one line.

Signals: uvicorn's `Server.serve` takes SIGINT and SIGTERM for itself (`capture_signals`, with `signal.signal`,
which replaces the handlers `est-bot run` installed on its event loop) and, once it has stopped, raises the signal
it caught again. Inside `est-bot run` that second signal reads as "stop at once" (bot/stopping.py) and cuts the
ordered stop short, so the servers there are made with `own_signals=False` and stopped by `est-bot run` in
order; `est-bot web` alone keeps uvicorn's own handling.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator

import uvicorn


class NotListening(Exception):
    """The port could not be taken (another program has it, or it is not allowed); the message is host:port."""


class _QuietServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class Serving:
    def __init__(self, config: uvicorn.Config, own_signals: bool) -> None:
        self.server = uvicorn.Server(config) if own_signals else _QuietServer(config)
        self.where = f"{config.host}:{config.port}"
        self.task: asyncio.Task[None] | None = None

    async def start(self, timeout: float = 10.0) -> int:
        """Serve, once the socket listens; the port it listens on (0 asked: the one the system chose)."""
        config = self.server.config
        sock = socket.socket(socket.AF_INET6 if ":" in config.host else socket.AF_INET, socket.SOCK_STREAM)
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
                # uvicorn logs why and exits (SystemExit) when it cannot serve
                try:
                    self.task.result()
                except (SystemExit, OSError) as exc:
                    raise NotListening(self.where) from exc
                raise NotListening(self.where)
            if loop.time() > deadline:
                raise NotListening(self.where)
            await asyncio.sleep(0.01)
        return int(self.server.servers[0].sockets[0].getsockname()[1])

    async def serving(self) -> None:
        """Until the server stops (with its own signals: uvicorn stops it on SIGINT or SIGTERM)."""
        if self.task is not None:
            await asyncio.gather(self.task, return_exceptions=True)

    async def stop(self) -> None:
        self.server.should_exit = True
        await self.serving()
