"""The load generator's process (bench/answers_load.py, over HTTP or in Socket Mode) and its conversation with the
bench over `ctl`."""

from __future__ import annotations

import asyncio
import threading
import time
from multiprocessing.connection import Connection

from bench.answers_load import (
    HttpTransport,
    Load,
    Transport,
    pin,
    prepare_http,
)
from bench.answers_socket import SocketTransport, prepare_socket


def client_main(kind: str, ctl: Connection, done: Connection, cpus: set[int]) -> None:
    """The load generator's process (spawned): see the module's docstring for its conversation with the bench."""
    pin(cpus)
    asyncio.run(_main(kind, ctl, done))


async def _main(kind: str, ctl: Connection, done: Connection) -> None:
    loop = asyncio.get_running_loop()
    transport: Transport
    if kind == "socket":
        transport = SocketTransport()
        ctl.send(await transport.start())
    message = await loop.run_in_executor(None, ctl.recv)
    if message == "stop":  # the bench gave up before the run (its traceback says why)
        return
    target, plan = message
    if kind == "http":
        transport = HttpTransport(target)
    load = Load(loop, transport)
    if isinstance(transport, HttpTransport):
        await prepare_http(target, load, plan)
    else:
        await prepare_socket(load, plan)

    def reader() -> None:  # the bench's notifications: a batch of user ids, one call into the loop per batch
        while True:
            try:
                batch = done.recv()
            except EOFError:
                return
            if batch is None:
                return
            loop.call_soon_threadsafe(load.stored_batch, batch)

    threading.Thread(target=reader, daemon=True).start()
    opened = transport.opened if isinstance(transport, HttpTransport) else 0
    ctl.send("ready")
    await loop.run_in_executor(None, ctl.recv)  # go
    cpu0 = time.process_time()
    await load.run()
    cpu = time.process_time() - cpu0
    ctl.send(
        {
            "latencies": load.latencies,
            "starts": load.starts,
            "statuses": load.statuses,
            "unconfirmed": load.lost,
            "resets": load.resets,
            "cpu_s": cpu,
            # Socket Mode: the bot's connections; HTTP: connections opened again during the run
            "connections": transport.connections
            if isinstance(transport, SocketTransport)
            else transport.opened - opened
            if isinstance(transport, HttpTransport)
            else 0,
            "resigned": transport.resigned if isinstance(transport, HttpTransport) else 0,
        }
    )
    await loop.run_in_executor(None, ctl.recv)  # stop: the bot has let go of its connections
    if isinstance(transport, SocketTransport):
        await transport.stop()
    elif isinstance(transport, HttpTransport):
        for conn in transport.connections.values():
            if conn.transport is not None:
                conn.transport.close()
