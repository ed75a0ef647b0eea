"""Tuesday fan-out: the questionnaire to 1,000 and 10,000 reporters through the real Telegram and Slack edges.

The senders (PTB `Application` for Telegram, slack_sdk `WebClient` for Slack) deliver against the local stand-in
APIs with `enforce_limits=True`. The sender's `RateLimiter` and the stand-in share one `FakeClock`: pacing waits
advance that clock instead of sleeping, so the stand-in judges every call at the simulated time it would have
been made. The whole drain is also timed by the wall clock (the CPU-bound part: database, HTTP, rendering).
`effective = max(simulated, wall)` is what a real Tuesday would take at best; `ratio = rate / limit`.

Reporters come in groups of 40 (one municipality each), so 10,000 reporters are 250 groups.

Run: `.venv/bin/python -m bench.fanout` (add `--quick` for 1,000 only, `--profile` to profile the drains).
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import math
import pstats
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.bootstrap import App, build
from bot.clock import ManualClock
from bot.config import Config, SlackConfig, parse_config
from bot.conversation.messages import Outbound
from bot.ratelimit import RateLimiter
from standins.config import TUE_OPEN

PER_GROUP = 40
GOAL = 0.95
TELEGRAM_LIMIT = 30.0  # messages/s overall (and 1/s per chat)
SLACK_WORKSPACE_LIMIT = 300 / 60.0  # what SlackSender paces workspace-wide (slack_limits); the binding one for DMs
SLACK_CHANNEL_LIMIT = 1.0  # chat.postMessage per channel (bursts of 3)


@dataclass
class FanOut:
    edge: str
    what: str
    expected: int
    messages: int
    open_s: float  # the tick that opens the rounds and queues the greetings (wall)
    simulated_s: float  # pacing waits on the shared fake clock
    wall_s: float  # the drain, by the wall clock
    cpu_s: float  # CPU time of the whole process over the drain (stand-in server threads included)
    limit: float
    status_429: int
    lost: int
    duplicates: int
    profile: str = ""

    @property
    def effective_s(self) -> float:
        return max(self.simulated_s, self.wall_s)

    @property
    def rate(self) -> float:
        return self.messages / self.effective_s if self.effective_s > 0 else float("inf")

    @property
    def ratio(self) -> float:
        return self.rate / self.limit

    def row(self) -> str:
        return (
            f"| {self.edge} | {self.what} | {self.messages} | {self.open_s:.1f} s | {self.simulated_s:.1f} s | "
            f"{self.wall_s:.1f} s | {self.cpu_s:.1f} s | {self.effective_s:.1f} s | {self.rate:.2f}/s | "
            f"{self.limit:g}/s | "
            f"{self.ratio:.3f} | {self.status_429} | {self.lost} | {self.duplicates} |"
        )


HEADER = (
    "| edge | fan-out | messages | open (queue) | simulated pacing | wall | CPU | effective | rate | limit | "
    "ratio | 429s | lost | duplicates |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def country(tmp: Path, reporters: int, account: Callable[[int], dict[str, Any]]) -> Config:
    """`reporters` people in groups of 40, each group its own municipality with one area."""
    groups = []
    for g in range((reporters + PER_GROUP - 1) // PER_GROUP):
        people = [
            {"name": f"R {i}", "areas": ["a"], **account(i)}
            for i in range(g * PER_GROUP, min(reporters, (g + 1) * PER_GROUP))
        ]
        groups.append(
            {"id": f"g{g}", "name": f"Kommun {g}", "areas": [{"code": "a", "name": "A"}], "reporters": people}
        )
    return parse_config(
        {"reports_dir": str(tmp / "reports"), "database": {"url": f"sqlite:///{tmp}/fan.sqlite"}, "groups": groups},
        "bench",
    )


def _profiled(profile: bool, fn: Callable[[], int]) -> tuple[int, str]:
    if not profile:
        return fn(), ""
    prof = cProfile.Profile()
    delivered = prof.runcall(fn)
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(15)
    return delivered, out.getvalue()


def _drain_all(app: App, platform: str) -> int:
    total = 0
    while True:
        n = app.dispatcher.drain(platform, limit=100_000)
        total += n
        if n == 0:
            return total


def _count(chats: list[Any], expected: set[Any]) -> tuple[int, int]:
    """(lost, duplicates) from the stand-in's record of delivered messages per chat."""
    per_chat = Counter(chats)
    lost = sum(1 for c in expected if per_chat[c] == 0)
    duplicates = sum(n - 1 for n in per_chat.values() if n > 1)
    return lost, duplicates


def bench_telegram(reporters: int, profile: bool = False) -> FanOut:
    from telegram.ext import Application

    from handlers.telegram.edge import TelegramSender
    from standins.telegram_api import FakeClock, FakeTelegramAPI

    clock = FakeClock()
    with tempfile.TemporaryDirectory() as tmp, FakeTelegramAPI(enforce_limits=True, clock=clock) as fake:
        cfg = country(Path(tmp), reporters, lambda i: {"telegram": 10_000 + i})

        async def main() -> FanOut:
            tg = Application.builder().token(fake.token).base_url(fake.base_url).build()
            await tg.initialize()
            sender = TelegramSender(tg, asyncio.get_running_loop(), limiter=RateLimiter(clock, clock.advance, math.inf))
            app = build(cfg, clock=ManualClock(TUE_OPEN), senders={"telegram": sender})
            try:
                t0 = time.perf_counter()
                await asyncio.to_thread(app.services.tick)
                open_s = time.perf_counter() - t0
                sim0, t0, c0 = clock(), time.perf_counter(), time.process_time()
                _, prof = await asyncio.to_thread(_profiled, profile, lambda: _drain_all(app, "telegram"))
                wall, sim, cpu = time.perf_counter() - t0, clock() - sim0, time.process_time() - c0
            finally:
                app.close()
                await tg.shutdown()
            sends = fake.calls_to("sendMessage")
            ok = [c.params["chat_id"] for c in sends if c.status == 200]
            lost, dups = _count([int(c) for c in ok], {10_000 + i for i in range(reporters)})
            return FanOut(
                "Telegram",
                f"{reporters:,} reporters (DMs)",
                reporters,
                len(ok),
                open_s,
                sim,
                wall,
                cpu,
                TELEGRAM_LIMIT,
                sum(1 for c in fake.calls if c.status == 429),
                lost,
                dups,
                prof,
            )

        return asyncio.run(main())


def _slack_id(i: int) -> str:
    return f"U0R{i:07d}"


def bench_slack(reporters: int, profile: bool = False) -> FanOut:
    from handlers.slack import runner
    from standins.slack_api import FakeClock, FakeSlackAPI

    clock = FakeClock()
    with tempfile.TemporaryDirectory() as tmp, FakeSlackAPI(enforce_limits=True, clock=clock) as fake:
        cfg = country(Path(tmp), reporters, lambda i: {"slack": _slack_id(i)})
        slack = SlackConfig(enabled=True, api_url=fake.base_url)
        sender = runner.build_sender(slack, fake.bot_token, RateLimiter(clock, clock.advance, math.inf))
        app = build(cfg, clock=ManualClock(TUE_OPEN), senders={"slack": sender})
        try:
            t0 = time.perf_counter()
            app.services.tick()
            open_s = time.perf_counter() - t0
            sim0, t0, c0 = clock(), time.perf_counter(), time.process_time()
            _, prof = _profiled(profile, lambda: _drain_all(app, "slack"))
            wall, sim, cpu = time.perf_counter() - t0, clock() - sim0, time.process_time() - c0
        finally:
            app.close()
        posts = fake.calls_to("chat.postMessage")
        ok = [str(c.response["channel"]) for c in posts if c.status == 200 and c.response]
        lost, dups = _count(ok, {fake.dm_channel(_slack_id(i)) for i in range(reporters)})
        return FanOut(
            "Slack",
            f"{reporters:,} reporters (DMs)",
            reporters,
            len(ok),
            open_s,
            sim,
            wall,
            cpu,
            SLACK_WORKSPACE_LIMIT,
            sum(1 for c in fake.calls if c.status == 429),
            lost,
            dups,
            prof,
        )


def bench_slack_channel(messages: int, profile: bool = False) -> FanOut:
    """`messages` notices to one channel (the meeting channel): paced 1/s per channel with bursts of 3."""
    from handlers.slack import runner
    from standins.slack_api import FakeClock, FakeSlackAPI

    channel = "C0MEETING1"
    clock = FakeClock()
    with tempfile.TemporaryDirectory() as tmp, FakeSlackAPI(enforce_limits=True, clock=clock) as fake:
        cfg = country(Path(tmp), 1, lambda i: {"slack": _slack_id(i)})
        slack = SlackConfig(enabled=True, api_url=fake.base_url)
        sender = runner.build_sender(slack, fake.bot_token, RateLimiter(clock, clock.advance, math.inf))
        app = build(cfg, clock=ManualClock(TUE_OPEN), senders={"slack": sender})
        try:
            t0 = time.perf_counter()
            with app.services.unit() as uow:
                for n in range(messages):
                    uow.outbox.enqueue(f"burst{n}", "slack", channel, None, Outbound(f"notis {n}").to_json(), TUE_OPEN)
                uow.commit()
            open_s = time.perf_counter() - t0
            sim0, t0, c0 = clock(), time.perf_counter(), time.process_time()
            _, prof = _profiled(profile, lambda: _drain_all(app, "slack"))
            wall, sim, cpu = time.perf_counter() - t0, clock() - sim0, time.process_time() - c0
        finally:
            app.close()
        texts = [c.params.get("text") for c in fake.calls_to("chat.postMessage") if c.status == 200]
        lost, dups = _count(texts, {f"notis {n}" for n in range(messages)})
        return FanOut(
            "Slack",
            f"{messages:,} notices to one channel",
            messages,
            len(texts),
            open_s,
            sim,
            wall,
            cpu,
            SLACK_CHANNEL_LIMIT,
            sum(1 for c in fake.calls if c.status == 429),
            lost,
            dups,
            prof,
        )


def run(sizes: tuple[int, ...] = (1_000, 10_000), profile: bool = False) -> list[FanOut]:
    results: list[FanOut] = []
    print("Tuesday fan-out against the rate-limited stand-ins (shared fake clock for pacing)")
    print(HEADER)
    jobs: list[Callable[[], FanOut]] = []
    for n in sizes:
        jobs.append(lambda n=n: bench_telegram(n, profile))  # type: ignore[misc]
        jobs.append(lambda n=n: bench_slack(n, profile))  # type: ignore[misc]
    jobs.append(lambda: bench_slack_channel(min(sizes), profile))
    for job in jobs:
        r = job()
        print(r.row(), flush=True)
        results.append(r)
    for r in results:
        if r.profile and (profile or r.ratio < GOAL):
            print(f"\nprofile of the drain, {r.edge}, {r.what} (ratio {r.ratio:.3f}):\n{r.profile}")
    return results


def markdown(results: list[FanOut]) -> str:
    return (
        "## Tuesday fan-out\n\n"
        "The questionnaire to every reporter through the real edges (PTB `Application`, slack_sdk `WebClient`) "
        "against the stand-in APIs with their limits enforced (`bench/fanout.py`). The sender's `RateLimiter` and "
        "the stand-in share one fake clock, so pacing waits are simulated; the drain is also timed by the wall "
        "clock, and `effective = max(simulated, wall)`. Reporters are in groups of 40. The limit for Slack DMs is "
        "the workspace window `SlackSender` paces itself to (300 a minute, `slack_limits`): every DM is its own "
        "channel, so the 1/s per channel never binds there; the one-channel row shows that limit. A sliding window "
        "lets the first window's worth go at once, which is why a ratio can be a little over 1. "
        f"Goal: ratio ≥ {GOAL}, no 429, nothing lost or duplicated.\n\n"
        + HEADER
        + "\n"
        + "\n".join(r.row() for r in results)
        + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    sizes = (1_000,) if "--quick" in args else (1_000, 10_000)
    run(sizes, profile="--profile" in args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
