"""A uvicorn server that leaves the process's signals alone, for the servers inside `est-bot run`.

uvicorn's `Server.serve` takes SIGINT and SIGTERM for itself (`capture_signals`, with `signal.signal`, which
replaces the handlers `est-bot run` installed on its event loop) and, once it has stopped, raises the signal it
caught again. Inside `est-bot run` that second signal reads as "stop at once" (bot/stopping.py), and the ordered
stop is cut short. `est-bot run` stops its web view and its metrics server itself, in order, so they must not
listen for signals; `est-bot web` alone keeps uvicorn's own handling.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import uvicorn


class QuietServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield
