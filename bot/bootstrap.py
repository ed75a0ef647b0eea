"""The one place that wires config, database, services and senders together."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine as SqlEngine

from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.conversation.messages import Inbound
from bot.engine import ConsoleUser, Engine
from bot.outbox import Dispatcher, Sender
from bot.ports import Instruments, NoInstruments, UnitOfWork
from bot.ports.pacing import Limiter
from bot.services import Services
from bot.usecases import accounts
from storage.db import make_session_factory, open_engine
from storage.migrate import migrate, require_head, startup_lock
from storage.round_cache import RoundCache
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


class CoreEngine:
    """The engine the edges speak to (bot/engine.py): the services' event handling, and the account look-ups of
    bot/usecases/accounts.py, each in a unit of work of its own."""

    def __init__(
        self,
        config: Config,
        services: Services,
        uow_factory: Callable[[], UnitOfWork],
        instruments: Instruments | None = None,
    ) -> None:
        self.config = config
        self.services = services
        self.uow_factory = uow_factory
        self.language = config.groups[0].language if config.groups else "sv"
        self.instruments: Instruments = instruments or NoInstruments()  # how long handling takes, for /metrics

    def handle(self, inbound: Inbound) -> object:
        started = time.perf_counter()
        try:
            return self.services.handle(inbound)
        finally:
            self.instruments.events_handled(1, time.perf_counter() - started)

    def handle_many(self, inbounds: Sequence[Inbound], pause: Callable[[], object]) -> object:
        # One unit of work for the batch: each event's answer is stored when the whole batch commits.
        started = time.perf_counter()
        try:
            return self.services.handle_many(inbounds, pause)
        finally:
            self.instruments.events_handled(len(inbounds), time.perf_counter() - started)

    def message_ref(self, platform: str, address: str, message_id: str) -> str | None:
        return self.services.message_ref(platform, address, message_id)

    def show_pending(self, platform: str, address: str) -> bool:
        return self.services.show_pending(platform, address)

    def tick(self) -> object:
        return self.services.tick()

    def language_of(self, platform: str, account: str) -> str | None:
        with self.uow_factory() as uow:
            return accounts.language_of(uow, platform, account)

    def console_user(self, who: str) -> ConsoleUser | None:
        with self.uow_factory() as uow:
            return accounts.find_console_user(uow, self.config.groups, who)

    def console_names(self) -> list[str]:
        with self.uow_factory() as uow:
            return accounts.console_names(uow, self.config.groups)


@dataclass
class App:
    config: Config
    engine: SqlEngine  # the database's
    services: Services
    dispatcher: Dispatcher
    core: Engine  # what the edges speak to

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
    instruments: Instruments | None = None,
    limiter: Limiter | None = None,
) -> App:
    engine = open_engine(url or config.database.url)  # DatabaseUnavailable: a sentence, for the CLI to show
    factory = make_session_factory(engine)
    writer = threading.RLock() if engine.dialect.name == "sqlite" else None  # see SqlUnitOfWork
    clock = clock or SystemClock()
    senders = senders or {}

    cache = RoundCache()  # earlier weeks' counts, kept while unchanged (storage/round_cache.py)

    def unit() -> SqlUnitOfWork:
        return SqlUnitOfWork(factory, writer, cache)

    services = Services(
        config,
        unit,
        clock,
        platforms=tuple(platforms if platforms is not None else senders),
    )
    with startup_lock(engine):  # several processes starting at once take turns
        if run_migrations and config.database.auto_migrate:
            migrate(engine)
        elif run_migrations:
            try:
                require_head(engine)  # SchemaBehind: a sentence naming est-bot migrate
            except Exception:
                engine.dispose()
                raise
        if sync:
            services.sync_config()
    lease = timedelta(seconds=config.run.outbox_lease_seconds)
    dispatcher = Dispatcher(unit, clock, senders, lease=lease, instruments=instruments, limiter=limiter)
    return App(config, engine, services, dispatcher, CoreEngine(config, services, unit, instruments))
