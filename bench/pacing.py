"""Pacing for the whole bot: how three processes on one PostgreSQL share Telegram's 30 messages a second.

Each variant runs in three real processes (and the last in one), each taking turns for 40 messages to distinct
chats with Telegram's windows, sleeping until its turn as a sender does. Measured per turn: the wall time of the
database work (not the sleep), the CPU time of the process, and the round trips to the server (counted from
libpq's trace: each simple Query or extended-protocol Sync the client sends is one); over all turns: the
achieved rate from the first turn to the last, and the most turns in any one second of the schedule.

- `est_pace`: storage/pacing.py as est-bot uses it, one call of a PL/pgSQL function in autocommit;
- `advisory lock`: the same state in a transaction: BEGIN, pg_advisory_xact_lock, SELECT, UPDATE, COMMIT;
- `lease of 10`: a process reserves 10 turns of the platform's window at once and spends them locally (one
  chat's own window cannot be leased: a second message to a chat would still need the database);
- `one sender`: one process sends everything, pacing in memory (no database work per turn);
- `each process alone (before)`: what est-bot did before: every process keeps Telegram's windows in its own memory.

Run: `EST_BENCH_PG_URL=postgresql://… .venv/bin/python -m bench.pacing` (prints the table); with `--keepalive`, the
senders' connections to the stand-ins instead (no database): how many TCP connections 200 messages open, and
what a message costs, with slack_sdk's `WebClient`, est-bot's `KeepAliveWebClient` and PTB's HTTPXRequest.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, text

from bot.ratelimit import PATIENCE, RateLimiter, Window, telegram_limits
from storage.db import make_engine
from storage.migrate import migrate
from storage.pacing import MARGIN, SharedLimiter


#: The even spacing the alternatives below use (the lease, the advisory lock, one sender): a window's
#: `seconds / calls` times the margin est-bot keeps on a platform's window (storage/pacing.py).
def spacing(window: Window) -> float:
    return window.seconds / max(1, window.calls) * MARGIN


#: The advisory-lock alternative's own state: when each window's next message may go.
ADVISORY_TABLE = "CREATE UNLOGGED TABLE bench_pacing (key text PRIMARY KEY, next_at double precision NOT NULL)"

PER_PROCESS = 40
PROCESSES = 3
LEASE = 10


@dataclass(frozen=True)
class Result:
    turns: int
    db_ms: float  # wall time of the database work per turn
    cpu_ms: float  # CPU time of the process per turn
    round_trips: float  # per turn
    at: tuple[float, ...]  # when each turn was taken (epoch seconds)


def _count_round_trips(path: Path) -> int:
    n = 0
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            parts = line.split("\t")
            if len(parts) > 2 and parts[1] == "F" and parts[3].startswith(("Query", "Sync")):
                n += 1
    return n


def _traced(engine: Engine, trace: Path, autocommit: bool) -> tuple[Connection, Any]:
    conn = engine.connect()
    if autocommit:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
    raw: Any = conn.connection.dbapi_connection
    fh = trace.open("w", encoding="utf-8")
    raw.pgconn.trace(fh.fileno())
    return conn, fh


def _advisory_turn(conn: Connection, chat: int) -> float:
    limits = telegram_limits(chat)
    keys = list(limits)
    with conn.begin():
        conn.execute(text("SELECT pg_advisory_xact_lock(42)"))
        rows = conn.execute(
            text(
                "SELECT extract(epoch FROM clock_timestamp()), p.key, p.next_at FROM unnest(CAST(:keys AS text[])) k "
                "LEFT JOIN bench_pacing p ON p.key = k"
            ),
            {"keys": keys},
        ).all()
        now = float(rows[0][0])
        t = max([now, *(float(r[2]) for r in rows if r[2] is not None)])
        conn.execute(
            text(
                "INSERT INTO bench_pacing (key, next_at) SELECT k, :t + g FROM unnest(CAST(:keys AS text[]), "
                "CAST(:gaps AS float8[])) AS w(k, g) ON CONFLICT (key) DO UPDATE SET next_at = excluded.next_at"
            ),
            {"t": t, "keys": keys, "gaps": [spacing(limits[k]) for k in keys]},
        )
    return t


def _worker(kind: str, url: str, first_chat: int, n: int, start_at: float, out: Any) -> None:
    engine = make_engine(url)
    trace = Path(tempfile.mkstemp(prefix="pacing-trace-")[1])
    limiter = SharedLimiter(engine)
    conn, fh = _traced(engine, trace, autocommit=kind != "advisory lock")  # the lock lives in a transaction
    limiter._local.conn = conn  # noqa: SLF001 - the traced connection is the one the limiter uses
    memory = RateLimiter(time.time, time.sleep)
    at: list[float] = []
    db = 0.0
    lease: list[float] = []
    time.sleep(max(0.0, start_at - time.time()))
    cpu0 = time.process_time()
    for chat in range(first_chat, first_chat + n):
        t0 = time.perf_counter()
        if kind == "est_pace":
            turn = limiter.turn("telegram", telegram_limits(chat), PATIENCE)
            slot = turn.at
        elif kind == "advisory lock":
            slot = _advisory_turn(conn, chat)
        elif kind == "lease of 10":
            if not lease:
                window = telegram_limits(chat)["telegram"]
                block = limiter.turn("telegram", {"telegram": Window(max(1, window.calls // LEASE), 1.0)})
                lease = [block.at + i * spacing(window) for i in range(LEASE)]
            slot = lease.pop(0)
        elif kind == "each process alone (before)":  # what every process did: Telegram's 30/s in its own memory
            waited = memory.acquire("telegram", telegram_limits(chat), PATIENCE)
            slot = time.time()
            t0 += waited
        else:  # one sender: in memory, as evenly as the others (25 a second), and no database work
            waited = memory.acquire("telegram", {"telegram": Window(1, spacing(Window(30, 1.0)))}, PATIENCE)
            slot = time.time()
            t0 += waited
        db += time.perf_counter() - t0
        time.sleep(max(0.0, slot - time.time()))
        at.append(slot)
    cpu = time.process_time() - cpu0
    fh.flush()
    conn.close()
    fh.close()
    trips = _count_round_trips(trace)
    trace.unlink()
    engine.dispose()
    out.put(Result(n, db / n * 1000, cpu / n * 1000, trips / n, tuple(at)))


def _database(url: str) -> tuple[str, Engine]:
    name = "bench_pacing_" + uuid.uuid4().hex[:8]
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    return f"{url.rpartition('/')[0]}/{name}", admin


def run_variant(kind: str, url: str, processes: int) -> Result:
    db_url, admin = _database(url)
    engine = make_engine(db_url)
    migrate(engine)  # est_pacing_v1 and est_pace_v1 (revision 0009)
    with engine.begin() as conn:
        conn.execute(text(ADVISORY_TABLE))
    engine.dispose()
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    start_at = time.time() + 3.0  # all processes begin together, after their imports
    n = PER_PROCESS * PROCESSES // processes
    procs = [
        ctx.Process(target=_worker, args=(kind, db_url, 10_000 * (i + 1), n, start_at, out)) for i in range(processes)
    ]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join()
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{db_url.rpartition("/")[2]}" WITH (FORCE)'))
    admin.dispose()
    turns = sum(r.turns for r in results)
    return Result(
        turns,
        sum(r.db_ms for r in results) / len(results),
        sum(r.cpu_ms for r in results) / len(results),
        sum(r.round_trips for r in results) / len(results),
        tuple(sorted(t for r in results for t in r.at)),
    )


def busiest_second(at: tuple[float, ...]) -> int:
    return max(sum(1 for x in at[i:] if x < a + 1.0 - 1e-6) for i, a in enumerate(at))


def rate(at: tuple[float, ...]) -> float:
    return (len(at) - 1) / (at[-1] - at[0]) if len(at) > 1 and at[-1] > at[0] else math.inf


HEADER = (
    "| mechanism | processes | ms of database work per message | CPU ms per message | round trips per message "
    "| achieved rate (limit 30/s) | most in one second |\n|---|---:|---:|---:|---:|---:|---:|"
)


def row(kind: str, processes: int, r: Result) -> str:
    return (
        f"| {kind} | {processes} | {r.db_ms:.2f} | {r.cpu_ms:.2f} | {r.round_trips:.1f} | {rate(r.at):.1f}/s "
        f"| {busiest_second(r.at)} |"
    )


def run(url: str) -> list[str]:
    rows = []
    for kind, processes in (
        ("each process alone (before)", PROCESSES),
        ("est_pace", PROCESSES),
        ("advisory lock", PROCESSES),
        ("lease of 10", PROCESSES),
        ("one sender", 1),
    ):
        rows.append(row(kind, processes, run_variant(kind, url, processes)))
        print(rows[-1], flush=True)
    return rows


def main() -> int:
    if "--keepalive" in sys.argv:
        print(KEEPALIVE_HEADER)
        for line in keepalive_rows():
            print(line, flush=True)
        return 0
    url = os.environ.get("EST_BENCH_PG_URL")
    if not url:
        print("set EST_BENCH_PG_URL to a PostgreSQL server (make bench starts one)", file=sys.stderr)
        return 2
    print(HEADER)
    run(url)
    return 0


KEEPALIVE_HEADER = (
    "| sender | client | stand-in | TCP connections for 200 messages | ms per message | CPU ms per message |\n"
    "|---|---|---|---:|---:|---:|"
)


def keepalive_rows(n: int = 200) -> list[str]:
    """The Slack sender with slack_sdk's `WebClient` (urllib: a connection per call) and with `KeepAliveWebClient`,
    and the Telegram sender (PTB's HTTPXRequest), against the stand-ins with and without keep-alive, unpaced."""
    import asyncio

    from slack_sdk import WebClient

    from bot.conversation.messages import Outbound
    from bot.domain.model import OutboxItem
    from handlers.slack.keepalive import KeepAliveWebClient
    from handlers.slack.sender import SlackSender
    from handlers.telegram.edge import TelegramSender
    from handlers.telegram.runner import build_application
    from standins.slack_api import FakeSlackAPI
    from standins.telegram_api import FakeTelegramAPI

    def unpaced() -> RateLimiter:
        """Windows kept on a clock of its own whose waits pass at once: the cost of sending alone."""
        t = [0.0]
        return RateLimiter(lambda: t[0], lambda s: t.__setitem__(0, t[0] + s), math.inf)

    rows = []

    def item(i: int, address: str) -> OutboxItem:
        return OutboxItem(i, f"k{i}", "x", address, None, Outbound(f"m {i}").to_json(), 0, "pending")

    for client_name, make in (("WebClient (urllib)", WebClient), ("KeepAliveWebClient", KeepAliveWebClient)):
        for keep in (True, False):
            with FakeSlackAPI() as fake:
                fake.keep_alive = keep
                channels = [f"C0B{i:06d}" for i in range(n + 1)]
                for c in channels:
                    fake.add_channel(c)
                sender = SlackSender(make(token=fake.bot_token, base_url=fake.base_url), unpaced())
                sender.send(item(0, channels[0]), Outbound("warm"), None)
                before = fake.connections_opened
                t0, c0 = time.perf_counter(), time.process_time()
                for i in range(1, n + 1):
                    sender.send(item(i, channels[i]), Outbound(f"m {i}"), None)
                wall, cpu = time.perf_counter() - t0, time.process_time() - c0
                opened = fake.connections_opened - before
            stand_in = "keep-alive" if keep else "closes each"
            rows.append(
                f"| Slack | {client_name} | {stand_in} | {opened} | {wall / n * 1000:.2f} | {cpu / n * 1000:.2f} |"
            )

    from bot.config.model import TelegramConfig

    async def telegram(keep: bool) -> str:
        with FakeTelegramAPI() as fake:
            fake.keep_alive = keep
            application = build_application(TelegramConfig(enabled=True, base_url=fake.base_url), fake.token)
            await application.initialize()
            sender = TelegramSender(application, asyncio.get_running_loop(), limiter=unpaced())

            def run() -> tuple[int, float, float]:
                sender.send(item(0, "1000"), Outbound("warm"), None)
                before = fake.connections_opened
                t0, c0 = time.perf_counter(), time.process_time()
                for i in range(1, n + 1):
                    sender.send(item(i, str(1000 + i)), Outbound(f"m {i}"), None)
                return fake.connections_opened - before, time.perf_counter() - t0, time.process_time() - c0

            opened, wall, cpu = await asyncio.to_thread(run)
            await application.shutdown()
        stand_in = "keep-alive" if keep else "closes each"
        return f"| Telegram | PTB HTTPXRequest | {stand_in} | {opened} | {wall / n * 1000:.2f} | {cpu / n * 1000:.2f} |"

    for keep in (True, False):
        rows.append(asyncio.run(telegram(keep)))
    return rows


if __name__ == "__main__":
    sys.exit(main())
