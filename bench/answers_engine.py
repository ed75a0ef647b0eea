"""What the runs of bench/answers.py share (the presses, the database, the configuration), and the engine-only run:
the same presses through `Services.handle_many` directly, no edge."""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.answers_report import Result, pct
from bench.fanout import country
from bot.bootstrap import App, build, tune_runtime
from bot.clock import ManualClock
from bot.config import Config
from bot.conversation.choices import (
    Greeting,
    LevelPick,
    MoreSkip,
    QuestionnaireAction,
    QuestionnaireChoice,
    Send,
    encode,
)
from bot.conversation.messages import Inbound
from standins.config import TUE_OPEN

SEED = 7
STEPS = 15  # start, 12 levels, no more, send


def slack_id(i: int) -> str:
    return f"U0A{i:07d}"


def presses(round_id: int, rng: random.Random) -> list[str]:
    """One whole questionnaire, levels below the threshold (no where/what questions): its buttons' ids."""
    actions: list[QuestionnaireAction] = [
        Greeting("start"),
        *[LevelPick(k, rng.choice((0, 0, 1))) for k in range(12)],
        MoreSkip(),
        Send(),
    ]
    return [encode(QuestionnaireChoice(round_id, action)) for action in actions]


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


def bench_config(tmp: Path, url: str, reporters: int) -> Config:
    cfg = country(tmp, reporters, lambda i: {"slack": slack_id(i)})
    return cfg.model_copy(update={"database": cfg.database.model_copy(update={"url": url})})


def bench_engine(backend: str, reporters: int, profile: bool = False, batch: int = 1) -> tuple[Result, str]:
    """The same presses through `Services.handle_many` directly (no edge, no drain), `batch` at a time: with 1,
    each reporter's presses one after another, each in its own unit of work (`Services.handle`); otherwise
    presses of different reporters together, as the intake takes them under load. A press's time is its
    batch's."""
    from standins.config import RecordingSender

    class SlackRecorder(RecordingSender):
        platform = "slack"

    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as tmpdir, database(backend, Path(tmpdir)) as url:
        cfg = bench_config(Path(tmpdir), url, reporters)
        app = build(cfg, clock=ManualClock(TUE_OPEN), senders={"slack": SlackRecorder()})
        try:
            app.services.tick()
            with app.engine.connect() as c:
                rounds = dict(c.execute(text("SELECT group_id, id FROM rounds")).tuples().all())
            people = [(slack_id(i), presses(rounds[f"g{i // 40}"], rng)) for i in range(reporters)]
            if batch == 1:
                order = [(user, choice) for user, steps in people for choice in steps]
            else:  # under load the queue holds one press of each of many reporters
                order = [(user, steps[k]) for k in range(STEPS) for user, steps in people]
            inbounds = [
                Inbound("slack", user, "choice", choice=choice, event_id=f"act:{user}.{n}")
                for n, (user, choice) in enumerate(order)
            ]
            tune_runtime()
            latencies: list[float] = []
            prof = cProfile.Profile() if profile else None
            if prof:
                prof.enable()
            t0, c0 = time.perf_counter(), time.process_time()
            for i in range(0, len(inbounds), batch):
                chunk = inbounds[i : i + batch]
                s = time.perf_counter()
                app.services.handle_many(chunk)
                latencies += [time.perf_counter() - s] * len(chunk)
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
            "engine only" if batch == 1 else f"engine only, batches of {batch}",
            reporters,
            len(lat),
            seconds,
            cpu,
            statistics.median(lat),
            pct(lat, 0.99),
            max(lat),
            answers,
            sent,
            0,
        ),
        summary,
    )
