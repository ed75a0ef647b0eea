"""The one place that wires config, database, services and senders together."""

from __future__ import annotations

import gc
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
from storage.db import make_session_factory, open_engine
from storage.migrate import migrate, startup_lock
from storage.uow import SqlUnitOfWork


def tune_runtime() -> None:
    """Settle the interpreter for a long-running bot; call it once everything has started.

    What is alive by now (modules, configuration, Bolt's and SQLAlchemy's machinery) lives as long as the
    process, so `gc.freeze()` takes it out of the garbage collector's reach and a full collection walks only
    what came after. In bench/answers.py a full collection had stopped every thread, the event loop that
    acknowledges included, for about 350 ms; after the freeze about 20 ms.

    The GIL's switch interval stays CPython's 5 ms: at 0.5 ms the event loop and the intake handed the GIL to
    each other so often that Bolt over HTTP took 855 requests a second instead of 2,100 (bench/answers.py,
    edge only), with the core half idle.
    """
    gc.collect()
    gc.freeze()


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
    engine = open_engine(url or config.database.url)  # DatabaseUnavailable: a sentence, for the CLI to show
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
