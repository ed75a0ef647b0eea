"""Answer handling through the whole stack: Slack edge over HTTP → engine → database.

The real Bolt app is served by uvicorn (`handlers.slack.runner.start`, mode http, port 0) in this process, with
the stand-in Slack Web API for what the bot sends back. A load generator in a *separate process* (so its CPU does
not count against the bot's) plays 1, 50 or 500 reporters answering at once: each reporter presses the 15 buttons
of a whole questionnaire (start, 12 levels, no more, send) as signed `block_actions` requests, the next one only
after the previous answer was stored (as a person waits for the next question).

* time to acknowledge: the HTTP response time of each request, measured by the load generator;
* throughput: answers stored per second, from the first request until every answer is stored and every
  listener has finished (including the drain that updates the message in Slack);
* engine only: the same presses through `Services.handle` directly, one after another, no edge, no drain.

SQLite always; PostgreSQL when `EST_BENCH_PG_URL` is set (a fresh database per run, dropped afterwards).
Run: `.venv/bin/python -m bench.answers` (`--quick`: 1 and 50 only; `--profile`: profile the slowest path).
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import json
import multiprocessing as mp
import os
import pstats
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import create_engine, text

from bench.fanout import country
from bot.bootstrap import App, build
from bot.clock import ManualClock
from bot.config import Config, SlackConfig
from bot.conversation.messages import Inbound
from bot.ratelimit import RateLimiter
from tests.conftest import TUE_OPEN

SEED = 7
STEPS = 15  # start, 12 levels, no more, send
CONCURRENCY = (1, 50, 500)


@dataclass
class Result:
    backend: str
    path: str  # "Slack HTTP" or "engine only"
    reporters: int
    answers: int
    seconds: float
    cpu_s: float  # CPU time of the bot's process (all its threads) over the same span
    p50_ms: float
    p99_ms: float
    max_ms: float
    stored: int  # answers rows in the database afterwards
    sent: int  # questionnaires sent
    errors: int  # HTTP statuses other than 200, and answers never confirmed stored

    @property
    def per_s(self) -> float:
        return self.answers / self.seconds

    @property
    def per_cpu_s(self) -> float:
        return self.answers / self.cpu_s if self.cpu_s > 0 else float("inf")

    def row(self) -> str:
        return (
            f"| {self.backend} | {self.path} | {self.reporters} | {self.answers} | {self.per_s:.0f}/s | "
            f"{self.per_cpu_s:.0f} | {1000 * self.cpu_s / self.answers:.1f} ms | "
            f"{self.p50_ms:.1f} ms | {self.p99_ms:.1f} ms | {self.max_ms:.1f} ms | "
            f"{self.stored}/{self.reporters * 12} | {self.sent}/{self.reporters} | {self.errors} |"
        )


HEADER = (
    "| database | path | reporters at once | answers | answers/s (wall) | answers per CPU-second | CPU per answer | "
    "p50 ack | p99 ack | max ack | answers stored | sent | refused or lost |\n" + "|---" * 13 + "|"
)


def _slack_id(i: int) -> str:
    return f"U0A{i:07d}"


def presses(prefix: str, rng: random.Random) -> list[str]:
    """One whole questionnaire, levels below the threshold (no where/what questions)."""
    return [
        f"{prefix}:g:start",
        *[f"{prefix}:l:{k}:{rng.choice((0, 0, 1))}" for k in range(12)],
        f"{prefix}:m:skip",
        f"{prefix}:s:send",
    ]


# --------------------------------------------------------------------------------------------- databases


@contextmanager
def database(backend: str, tmp: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp / 'answers.sqlite'}"
        return
    base_url = os.environ["EST_BENCH_PG_URL"]
    name = "est_bench_" + uuid.uuid4().hex[:10]
    admin = create_engine(base_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    base, _, _ = base_url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def stored(app: App) -> tuple[int, int]:
    with app.engine.connect() as c:
        answers = int(c.execute(text("SELECT count(*) FROM answers")).scalar_one())
        sent = int(c.execute(text("SELECT count(*) FROM responses WHERE submitted_at IS NOT NULL")).scalar_one())
    return answers, sent


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


# --------------------------------------------------------------------------------------------- load generator


def _client_main(url: str, plan: list[tuple[str, str, list[str]]], ctl: Connection, done: Connection) -> None:
    """The load generator (its own process): one task per reporter, each waits for its answer to be stored."""
    from tests.fakes import slack_requests as rq

    payloads = [
        (
            user,
            [
                rq.block_actions_payload(user, channel, None, "est:0:0", value, trigger_id=f"{user}.{n}")
                for n, value in enumerate(values)
            ],
        )
        for user, channel, values in plan
    ]
    requests = [(user, [json.dumps(p) for p in ps]) for user, ps in payloads]

    async def run() -> dict[str, Any]:
        import aiohttp

        loop = asyncio.get_running_loop()
        queues: dict[str, asyncio.Queue[None]] = {user: asyncio.Queue() for user, _ in requests}

        def reader() -> None:
            while True:
                try:
                    user = done.recv()
                except EOFError:
                    return
                if user is None:
                    return
                loop.call_soon_threadsafe(queues[user].put_nowait, None)

        threading.Thread(target=reader, daemon=True).start()
        latencies: list[float] = []
        statuses: list[int] = []
        lost: list[str] = []
        resets: list[str] = []
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:

            async def reporter(user: str, reqs: list[str]) -> None:
                for payload in reqs:
                    body = urlencode({"payload": payload}).encode()
                    headers = rq.sign(body, "application/x-www-form-urlencoded")  # signed now: Bolt allows 5 min
                    t0 = time.perf_counter()
                    status = 0
                    for _attempt in range(3):  # a keep-alive connection the server just closed: as Slack, retry
                        try:
                            async with session.post(url, data=body, headers=headers) as resp:
                                await resp.read()
                                status = resp.status
                            break
                        except aiohttp.ClientError:
                            resets.append(user)
                    statuses.append(status)
                    latencies.append(time.perf_counter() - t0)
                    if status != 200:
                        continue  # refused: nothing will be stored
                    try:  # stored: the reporter sees the next question
                        await asyncio.wait_for(queues[user].get(), timeout=120)
                    except TimeoutError:
                        lost.append(user)

            # warm the connection pool outside the measurement, then wait for the go
            ctl.send("ready")
            await loop.run_in_executor(None, ctl.recv)
            await asyncio.gather(*(reporter(user, reqs) for user, reqs in requests))
        return {"latencies": latencies, "statuses": statuses, "unconfirmed": len(lost), "resets": len(resets)}

    ctl.send(asyncio.run(run()))


# --------------------------------------------------------------------------------------------- the benchmark


def _config(tmp: Path, url: str, reporters: int) -> Config:
    cfg = country(tmp, reporters, lambda i: {"slack": _slack_id(i)})
    return cfg.model_copy(update={"database": cfg.database.model_copy(update={"url": url})})


def bench_http(backend: str, reporters: int, profile: bool = False) -> tuple[Result, str]:
    from handlers.slack import runner
    from tests.fakes import slack_requests as rq
    from tests.fakes.slack_api import FakeClock, FakeSlackAPI

    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as tmpdir, database(backend, Path(tmpdir)) as url, FakeSlackAPI() as fake:
        tmp = Path(tmpdir)
        cfg = _config(tmp, url, reporters)
        users = [_slack_id(i) for i in range(reporters)]
        for u in users:
            fake.add_user(u)
        slack = SlackConfig(enabled=True, mode="http", listen="127.0.0.1", port=1, api_url=fake.base_url)
        slack = slack.model_copy(update={"port": 0})  # any free port (the model asks for 1-65535)
        paced = FakeClock()  # the sender's pacing waits on this clock, never for real
        sender = runner.build_sender(slack, fake.bot_token, RateLimiter(paced, paced.advance))
        app = build(cfg, clock=ManualClock(TUE_OPEN), senders={"slack": sender})
        ctx = mp.get_context("spawn")

        async def main() -> tuple[Result, str]:
            edge = await runner.start(
                slack,
                app.services,
                app.dispatcher,
                bot_token=fake.bot_token,
                app_token=None,
                signing_secret=rq.DEFAULT_SIGNING_SECRET,
                drain_every=0,
            )
            try:
                port = await edge.port()
                await asyncio.to_thread(app.services.tick)
                await asyncio.to_thread(app.dispatcher.drain, "slack", 100_000)
                plan = []
                for u in users:
                    start = next(
                        e["value"]
                        for m in fake.messages(u)
                        for b in m.get("blocks") or []
                        if b["type"] == "actions"
                        for e in b["elements"]
                        if str(e.get("value", "")).endswith(":g:start")
                    )
                    plan.append((u, fake.dm_channel(u), presses(start.split(":")[0], rng)))
                total = reporters * STEPS
                handled = 0
                lock = threading.Lock()
                ctl, ctl_child = ctx.Pipe()
                done_child, done = ctx.Pipe(duplex=False)
                original = app.services.handle

                def handle(inbound: Inbound) -> Any:
                    nonlocal handled
                    out = original(inbound)
                    with lock:
                        handled += 1
                        done.send(inbound.sender)
                    return out

                app.services.handle = handle  # type: ignore[method-assign]
                client = ctx.Process(
                    target=_client_main, args=(f"http://127.0.0.1:{port}{slack.path}", plan, ctl_child, done_child)
                )
                client.start()
                await asyncio.to_thread(ctl.recv)  # ready
                prof = cProfile.Profile() if profile else None
                if prof:
                    prof.enable()  # the event loop's thread: uvicorn, Bolt, the acknowledgements
                t0, c0 = time.perf_counter(), time.process_time()
                ctl.send("go")
                while not await asyncio.to_thread(ctl.poll, 1.0):  # it ends when its last answer is stored
                    if not client.is_alive():
                        raise RuntimeError("the load generator failed (see its traceback above)")
                while edge.listeners.busy:  # the drains after the last answers
                    await asyncio.sleep(0.001)
                seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
                if prof:
                    prof.disable()
                report = ctl.recv()
                done.send(None)
                if report["resets"]:
                    print(f"  ({report['resets']} connections reset by the server and retried)")
                await asyncio.to_thread(client.join, 30)
                app.services.handle = original  # type: ignore[method-assign]
                lat = [x * 1000 for x in report["latencies"]]
                answers, sent = stored(app)
                summary = ""
                if prof:
                    out = io.StringIO()
                    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(15)
                    summary = out.getvalue()
                return (
                    Result(
                        backend,
                        "Slack HTTP",
                        reporters,
                        total,
                        seconds,
                        cpu,
                        statistics.median(lat),
                        _pct(lat, 0.99),
                        max(lat),
                        answers,
                        sent,
                        sum(1 for s in report["statuses"] if s != 200) + report["unconfirmed"],
                    ),
                    summary,
                )
            finally:
                await edge.stop()

        try:
            return asyncio.run(main())
        finally:
            app.close()


def bench_engine(backend: str, reporters: int, profile: bool = False) -> tuple[Result, str]:
    """The same presses through `Services.handle` directly, one after another (no edge, no drain)."""
    from tests.conftest import RecordingSender

    class SlackRecorder(RecordingSender):
        platform = "slack"

    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as tmpdir, database(backend, Path(tmpdir)) as url:
        cfg = _config(Path(tmpdir), url, reporters)
        app = build(cfg, clock=ManualClock(TUE_OPEN), senders={"slack": SlackRecorder()})
        try:
            app.services.tick()
            with app.engine.connect() as c:
                rounds = dict(c.execute(text("SELECT group_id, id FROM rounds")).tuples().all())
            people = [(_slack_id(i), presses(f"q{rounds[f'g{i // 40}']}", rng)) for i in range(reporters)]
            latencies: list[float] = []
            prof = cProfile.Profile() if profile else None
            if prof:
                prof.enable()
            t0, c0 = time.perf_counter(), time.process_time()
            for user, steps in people:
                for choice in steps:
                    s = time.perf_counter()
                    app.services.handle(Inbound("slack", user, "choice", choice=choice))
                    latencies.append(time.perf_counter() - s)
            seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
            summary = ""
            if prof:
                prof.disable()
                out = io.StringIO()
                pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(15)
                summary = out.getvalue()
            answers, sent = stored(app)
        finally:
            app.close()
    lat = [x * 1000 for x in latencies]
    return (
        Result(
            backend,
            "engine only",
            reporters,
            len(lat),
            seconds,
            cpu,
            statistics.median(lat),
            _pct(lat, 0.99),
            max(lat),
            answers,
            sent,
            0,
        ),
        summary,
    )


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get("EST_BENCH_PG_URL") else ["sqlite"]


def run(concurrency: tuple[int, ...] = CONCURRENCY, profile: bool = False) -> list[Result]:
    print("answer handling: Slack edge over HTTP → engine → database (load generator in its own process)")
    print(HEADER)
    results: list[Result] = []
    profiles: list[tuple[str, str]] = []
    for backend in backends():
        for n in concurrency:
            r, prof = bench_http(backend, n, profile and n == max(concurrency))
            print(r.row(), flush=True)
            results.append(r)
            if prof:
                profiles.append((f"event loop thread, {backend}, {n} reporters over HTTP", prof))
        r, prof = bench_engine(backend, max(concurrency), profile)
        print(r.row(), flush=True)
        results.append(r)
        if prof:
            profiles.append((f"Services.handle, {backend}, {r.reporters} reporters one after another", prof))
    for title, prof in profiles:
        print(f"\nprofile: {title}\n{prof}")
    return results


def markdown(results: list[Result]) -> str:
    return (
        "## Answer handling through the whole stack\n\n"
        "Signed `block_actions` requests to the real Bolt app over HTTP (uvicorn), engine, database; what the bot "
        "sends back goes to the stand-in Slack API (`bench/answers.py`). A load generator in its own process plays "
        "the reporters answering at once, each pressing the 15 buttons of a questionnaire, the next one only when "
        "the previous answer is stored. *ack* is the HTTP response time; *answers/s* counts answers stored, until "
        "every listener has finished (the message updates in Slack included). *engine only* is "
        "`Services.handle` called directly, one press after another. Goals: p99 ack < 50 ms with 500 at once; "
        "≥ 1,000 answers/s on SQLite on one core.\n\n" + HEADER + "\n" + "\n".join(r.row() for r in results) + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    run((1, 50) if "--quick" in args else CONCURRENCY, profile="--profile" in args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
