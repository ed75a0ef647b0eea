"""Answer handling through the whole stack: Slack edge (HTTP or Socket Mode) → intake → engine → database.

The real Bolt app runs in this process, held to one core: served by uvicorn (`handlers.slack.runner.start`,
mode http, port 0), or connected in Socket Mode (mode socket: slack_sdk's aiohttp `SocketModeClient`, which asks
the stand-in's `apps.connections.open` where to connect). The stand-in Slack Web API (what the bot sends back)
and the load generator (bench/answers_load.py) run in processes of their own on the other core, so their CPU
does not count against the bot's. The load generator plays 1, 50 or 500 reporters answering at once: each
presses the 15 buttons of a whole questionnaire (start, 12 levels, no more, send) as `block_actions` payloads,
the first within one second of the others, each next one as soon as the previous answer was stored. Over HTTP
they are signed requests on one keep-alive connection per reporter; in Socket Mode the load generator is
Slack's websocket server and pushes them as `interactive` envelopes over the bot's connection.

* time to acknowledge: from sending a press to its HTTP response, or to the bot's ack of its envelope;
* throughput: answers stored per second, from the first press until the last answer is stored; the replies
  are either held in the outbox until then ("replies held": the intake alone) or sent at once to the stand-in;
* the load generator's own CPU time, to show it is not what limits the rate;
* engine only: the same presses through `Services.handle` directly, one after another, no edge, no drain.

SQLite always; PostgreSQL when `EST_BENCH_PG_URL` is set (a fresh database per run, dropped afterwards).
Run: `.venv/bin/python -m bench.answers` (`--quick`: 1 and 50 only; `--profile`: profile the slowest path;
`EST_BENCH_SLOW=1`: print when the slowest acknowledgements happened).
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import math
import multiprocessing as mp
import os
import pstats
import random
import statistics
import sys
import tempfile
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.answers_client import client_main
from bench.answers_engine import SEED, STEPS, bench_config, bench_engine, database, presses, slack_id, stored
from bench.answers_load import pin as _pin
from bench.answers_report import HEADER, Result, pct
from bot.bootstrap import App, build, tune_runtime
from bot.clock import ManualClock
from bot.config import SlackConfig
from bot.conversation.messages import Inbound
from bot.intake import BATCH
from bot.ratelimit import RateLimiter
from standins.config import TUE_OPEN

CONCURRENCY = (1, 50, 500)

# --------------------------------------------------------------------------------------------- the benchmark


def _standin_main(users: list[str], conn: Connection, cpus: set[int]) -> None:
    """The stand-in Slack Web API in its own process (on the other core): it is Slack, outside the machine."""
    from standins.slack_api import FakeSlackAPI

    _pin(cpus)
    with FakeSlackAPI() as fake:
        for u in users:
            fake.add_user(u)
        conn.send((fake.base_url, fake.bot_token, fake.app_token, {u: fake.dm_channel(u) for u in users}))
        while (cmd := conn.recv()) != "stop":
            if isinstance(cmd, tuple) and cmd[0] == "socket_mode_url":  # where apps.connections.open points
                fake.socket_mode_url = cmd[1]
                conn.send("ok")
                continue
            assert cmd == "counts"
            conn.send(
                {
                    "chat.postMessage": len(fake.calls_to("chat.postMessage")),
                    "chat.update": len(fake.calls_to("chat.update")),
                    "errors": len(fake.errors),
                }
            )


MODES = {
    "held": "replies held",
    "sent": "replies sent",
    "edge": "edge only",
}
VIAS = {"http": "Slack HTTP", "socket": "Slack Socket Mode"}


def bench_http(
    backend: str, reporters: int, profile: bool = False, mode: str = "sent", via: str = "http"
) -> tuple[Result, str]:
    """`mode` "held": the replies stay in the outbox until every answer is stored (as Slack's limits on
    `chat.update` would hold most of them), so the figures are the intake's alone; then they are sent and
    counted. "sent": every reply goes out at once. "edge": Bolt and the intake only: the listeners acknowledge
    and queue as always, but nothing is handled (the ceiling the edge sets, whatever the engine costs).
    `via` "http": signed requests to the Request URL (uvicorn); "socket": Socket Mode envelopes over the
    websocket the bot opens to the load generator (`bench_socket`)."""
    from handlers.slack import runner
    from standins.slack_api import FakeClock

    if mode not in MODES or via not in VIAS:
        raise ValueError(f"mode is one of {sorted(MODES)}, via one of {sorted(VIAS)}")
    rng = random.Random(SEED)
    ctx = mp.get_context("spawn")
    users = [slack_id(i) for i in range(reporters)]
    # One core for the bot (edge, engine, SQLite, sender), the other for the stand-in and the load generator.
    bot_cpus, other_cpus = {0}, {1}
    pinned = _pin(bot_cpus)
    api, api_child = ctx.Pipe()
    standin = ctx.Process(target=_standin_main, args=(users, api_child, other_cpus), daemon=True)
    standin.start()
    if not api.poll(120):
        raise RuntimeError("the stand-in Slack API did not start (see its traceback above)")
    base_url, bot_token, app_token, dm = api.recv()
    try:
        with tempfile.TemporaryDirectory() as tmpdir, database(backend, Path(tmpdir)) as url:
            tmp = Path(tmpdir)
            cfg = bench_config(tmp, url, reporters)
            slack = SlackConfig(enabled=True, mode=via, listen="127.0.0.1", port=1, api_url=base_url)
            slack = slack.model_copy(update={"port": 0})  # any free port (the model asks for 1-65535)
            paced = FakeClock()  # the sender's pacing waits on this clock, never for real
            sender = runner.build_sender(slack, bot_token, RateLimiter(paced, paced.advance, math.inf))
            app = build(cfg, clock=ManualClock(TUE_OPEN), senders={"slack": sender})
            try:
                return asyncio.run(
                    _run_http(
                        app,
                        slack,
                        (bot_token, app_token),
                        api,
                        dm,
                        users,
                        backend,
                        reporters,
                        rng,
                        ctx,
                        other_cpus,
                        profile,
                        mode,
                    )
                )
            finally:
                app.close()
    finally:
        api.send("stop")
        standin.join(10)
        if hasattr(os, "sched_setaffinity") and pinned:
            os.sched_setaffinity(0, os.sched_getaffinity(0) | other_cpus)


def bench_socket(backend: str, reporters: int, profile: bool = False, mode: str = "sent") -> tuple[Result, str]:
    """As `bench_http`, through Slack Socket Mode: the load generator is Slack's websocket server."""
    return bench_http(backend, reporters, profile, mode, via="socket")


async def _run_http(
    app: App,
    slack: SlackConfig,
    tokens: tuple[str, str],
    api: Connection,
    dm: dict[str, str],
    users: list[str],
    backend: str,
    reporters: int,
    rng: random.Random,
    ctx: Any,
    client_cpus: set[int],
    profile: bool,
    mode: str,
) -> tuple[Result, str]:
    from handlers.slack import runner
    from standins import slack_requests as rq

    bot_token, app_token = tokens
    via = slack.mode
    ctl, ctl_child = ctx.Pipe()
    done_child, done = ctx.Pipe(duplex=False)
    # The load generator first: in Socket Mode it is the server the bot connects to.
    client = ctx.Process(target=client_main, args=(via, ctl_child, done_child, client_cpus))
    client.start()
    try:
        if via == "socket":
            ws_url = await asyncio.to_thread(_recv, ctl, client, 60)
            api.send(("socket_mode_url", ws_url))
            if not api.poll(60) or api.recv() != "ok":
                raise RuntimeError("the stand-in Slack API did not take the Socket Mode URL")
        edge = await runner.start(
            slack,
            app.core,
            app.dispatcher,
            bot_token=bot_token,
            app_token=app_token,
            signing_secret=rq.DEFAULT_SIGNING_SECRET,
            drain_every=0,
        )
        tune_runtime()  # as `est-bot run` does once it has started
        try:
            return await _measure(
                app, edge, slack, api, dm, users, backend, reporters, rng, profile, mode, client, ctl, done
            )
        finally:
            await edge.stop()
    finally:
        if client.is_alive():
            ctl.send("stop")  # the bot has let go of its connections: the load generator may end
            await asyncio.to_thread(client.join, 30)
        if client.is_alive():
            client.kill()
        done.close()


def _recv(ctl: Connection, client: Any, timeout: float) -> Any:
    """The load generator's next message; RuntimeError when it died or said nothing for `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not ctl.poll(1.0):
        if not client.is_alive():
            raise RuntimeError("the load generator failed (see its traceback above)")
        if time.monotonic() > deadline:
            raise RuntimeError("the load generator did not answer")
    return ctl.recv()


async def _measure(
    app: App,
    edge: Any,
    slack: SlackConfig,
    api: Connection,
    dm: dict[str, str],
    users: list[str],
    backend: str,
    reporters: int,
    rng: random.Random,
    profile: bool,
    mode: str,
    client: Any,
    ctl: Connection,
    done: Connection,
) -> tuple[Result, str]:
    async def warmed(ack: Any) -> None:  # the load generator's warm-up request (see there): taken, no work
        await ack()

    edge.app.action("bench.warmup")(warmed)
    await asyncio.to_thread(app.services.tick)  # the week opens: every reporter gets the questionnaire
    await asyncio.to_thread(app.dispatcher.drain, "slack", 100_000)
    with app.engine.connect() as c:
        rounds = dict(c.execute(text("SELECT group_id, id FROM rounds")).tuples().all())
    plan = [(u, dm[u], presses(rounds[f"g{i // 40}"], rng)) for i, u in enumerate(users)]
    total = reporters * STEPS
    lock = threading.Lock()
    held = mode in ("held", "edge")
    intake = edge.listeners.intake
    work: Any = (lambda inbound: []) if mode == "edge" else intake.handle
    work_many: Any = (lambda inbounds, pause: []) if mode == "edge" else intake.handle_many

    stored_now: list[str] = []
    wake = threading.Event()

    def handle(inbound: Inbound) -> Any:
        out = work(inbound)
        with lock:
            stored_now.append(inbound.sender)
        wake.set()
        return out

    def handle_many(inbounds: Any, pause: Any) -> Any:
        out = work_many(inbounds, pause)
        with lock:
            stored_now.extend(inbound.sender for inbound in inbounds)
        wake.set()
        return out

    def notify() -> None:  # tells the load generator whose answers are stored, a batch per pipe write
        while True:
            wake.wait()
            wake.clear()
            with lock:
                batch = stored_now[:]
                stored_now.clear()
            if batch:
                done.send(batch)
            if stop_notify.is_set():
                return
            time.sleep(0.001)  # fewer, larger batches: this thread is the benchmark's, not the bot's

    stop_notify = threading.Event()
    notifier = threading.Thread(target=notify, daemon=True)
    notifier.start()

    intake.handle = handle
    intake.handle_many = handle_many
    drain = intake.drain
    if held:
        intake.drain = lambda: 0
    before = _counts(api)
    target = f"http://127.0.0.1:{await edge.port()}{slack.path}" if slack.mode == "http" else None
    ctl.send((target, plan))
    ready = await asyncio.to_thread(_recv, ctl, client, 300)
    assert ready == "ready", ready
    prof = cProfile.Profile() if profile else None
    if prof:
        prof.enable()  # the event loop's thread: uvicorn or the websocket, Bolt, the acknowledgements
    t0, c0 = time.perf_counter(), time.process_time()
    ctl.send("go")
    while not await asyncio.to_thread(ctl.poll, 1.0):  # it ends when its last answer is stored
        if not client.is_alive():
            raise RuntimeError("the load generator failed (see its traceback above)")
    stored_s, stored_cpu = time.perf_counter() - t0, time.process_time() - c0
    if held:
        await edge.listeners.settle(120)
        intake.drain = drain
        intake.submit([])  # wakes the sender
    await edge.listeners.settle(300)  # the replies drained after the last answers
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    if prof:
        prof.disable()
    report = ctl.recv()
    stop_notify.set()
    wake.set()
    notifier.join(10)
    done.send(None)
    if report["resets"]:
        print(f"  ({report['resets']} presses sent again after their connection closed)")
    after = _counts(api)
    lat = [x * 1000 for x in report["latencies"]]
    if os.environ.get("EST_BENCH_SLOW"):  # when the slowest acknowledgements happened
        slow = sorted(zip(lat, report["starts"], strict=True), reverse=True)[: len(lat) // 100 + 1]
        print("  slowest acks (ms at s):", ", ".join(f"{ms:.0f}@{at:.2f}" for ms, at in slow[:20]))
        later = [ms for ms, at in zip(lat, report["starts"], strict=True) if at > 1.0]
        if later:
            print(f"  after the first second: p50 {pct(later, 0.5):.1f} ms, p99 {pct(later, 0.99):.1f} ms")
    answers, sent = stored(app)
    summary = ""
    if prof:
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(15)
        summary = out.getvalue()
    return (
        Result(
            backend,
            f"{VIAS[slack.mode]}, {MODES[mode]}",
            reporters,
            total,
            stored_s,
            stored_cpu if held else cpu,
            statistics.median(lat),
            pct(lat, 0.99),
            max(lat),
            answers,
            sent,
            sum(1 for s in report["statuses"] if s != 200) + report["unconfirmed"] + after["errors"],
            replies=after["chat.update"]
            + after["chat.postMessage"]
            - before["chat.update"]
            - before["chat.postMessage"],
            replies_s=seconds,
            load_cpu_s=report["cpu_s"],
        ),
        summary,
    )


def _counts(api: Connection) -> dict[str, int]:
    api.send("counts")
    if not api.poll(60):
        raise RuntimeError("the stand-in Slack API did not answer (see its traceback above)")
    return dict(api.recv())


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get("EST_BENCH_PG_URL") else ["sqlite"]


def run(concurrency: tuple[int, ...] = CONCURRENCY, profile: bool = False) -> list[Result]:
    print("answer handling: Slack edge over HTTP and in Socket Mode → engine → database (bot on one core; load")
    print("generator and stand-in Slack API in processes of their own on the other)")
    print(HEADER)
    results: list[Result] = []
    profiles: list[tuple[str, str]] = []
    for backend in backends():
        for via in VIAS:
            for n in concurrency:
                for mode in ("edge", "held", "sent") if n == max(concurrency) else ("held", "sent"):
                    prof_this = profile and n == max(concurrency) and mode == "held"
                    r, prof = bench_http(backend, n, prof_this, mode=mode, via=via)
                    print(r.row(), flush=True)
                    results.append(r)
                    if prof:
                        profiles.append((f"event loop thread, {backend}, {n} reporters, {VIAS[via]}", prof))
        for batch in (1, BATCH):
            pinned = _pin({0})
            try:
                r, prof = bench_engine(backend, max(concurrency), profile and batch == 1, batch)
            finally:
                if pinned:
                    os.sched_setaffinity(0, os.sched_getaffinity(0) | {1})
            print(r.row(), flush=True)
            results.append(r)
            if prof:
                profiles.append((f"Services.handle, {backend}, {r.reporters} reporters one after another", prof))
    for title, prof in profiles:
        print(f"\nprofile: {title}\n{prof}")
    return results


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    run((1, 50) if "--quick" in args else CONCURRENCY, profile="--profile" in args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
