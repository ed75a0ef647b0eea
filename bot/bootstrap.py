"""The one place that wires config, database, services and senders together."""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine

from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.outbox import Dispatcher, Sender
from bot.services import Services
from storage.db import make_engine, make_session_factory
from storage.migrate import migrate, startup_lock
from storage.uow import SqlUnitOfWork

#: How long a thread may keep the GIL while another waits for it (CPython's default: 5 ms).
SWITCH_INTERVAL = 0.0005


def tune_runtime() -> None:
    """Settle the interpreter for a long-running bot; call it once everything has started.

    * The garbage collector: what is alive by now (modules, configuration, Bolt's and SQLAlchemy's machinery)
      lives as long as the process, so `gc.freeze()` takes it out of the collector's reach and a full
      collection walks only what came after. In bench/answers.py a full collection had stopped every thread,
      the event loop that acknowledges included, for about 350 ms; after the freeze about 20 ms.
    * The GIL: the event loop that acknowledges and the intake thread that stores share it. A thread that
      wants it waits until the holder has run for the switch interval, at every step of a request (each read
      and write gives it up), so with CPython's 5 ms an acknowledgement waited several times 5 ms whenever the
      intake was busy. At 0.5 ms both threads get their turns ten times as often.
    """
    gc.collect()
    gc.freeze()
    sys.setswitchinterval(SWITCH_INTERVAL)


@dataclass
class App:
    config: Config
    engine: Engine
    services: Services
    dispatcher: Dispatcher

    def close(self) -> None:
        self.engine.dispose()


def database_url(config: Config, base: Path | None = None) -> str:
    url = config.database.url
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////") and base is not None:
        rel = url.removeprefix("sqlite:///")
        if rel and rel != ":memory:":
            url = f"sqlite:///{(base / rel).resolve()}"
    return url


def build(
    config: Config,
    *,
    clock: Clock | None = None,
    senders: dict[str, Sender] | None = None,
    platforms: Sequence[str] | None = None,
    url: str | None = None,
    run_migrations: bool = True,
    sync: bool = True,
) -> App:
    engine = make_engine(url or config.database.url)
    factory = make_session_factory(engine)
    writer = threading.RLock() if engine.dialect.name == "sqlite" else None  # see SqlUnitOfWork
    clock = clock or SystemClock()
    senders = senders or {}
    services = Services(
        config,
        lambda: SqlUnitOfWork(factory, writer),
        clock,
        platforms=tuple(platforms if platforms is not None else senders),
    )
    with startup_lock(engine):  # several processes starting at once take turns
        if run_migrations:
            migrate(engine)
        if sync:
            services.sync_config()
    lease = timedelta(seconds=config.run.outbox_lease_seconds)
    dispatcher = Dispatcher(lambda: SqlUnitOfWork(factory, writer), clock, senders, lease=lease)
    return App(config, engine, services, dispatcher)
