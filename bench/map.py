"""The web view's map data: `map_data` (bot/usecases/views/map.py) server time for 1,000 and 10,000 reporters
with 52 weeks of history on SQLite.

The history is the picture benchmark's (bench/picture.py): each reporter answers all twelve factors for one area
every week (areas of 40 reporters), 30 % of answers are above 0 and those at 2 or 3 name one of 20 approved
places of the area, each with a position. It is written straight into a migrated database (far faster than
through the engine) and read through the real unit of work. Times are the median of five calls, for the map's
default period (the last 12 weeks) and for the whole year. Fixed seed.

Run alone: ``python -m bench.map`` (``--reporters N`` for one size).
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.clock import ManualClock
from bot.config import Config, parse_config
from bot.domain.cycle import RoundKey
from bot.domain.factors import DEFAULT_FACTORS
from bot.domain.model import Person
from bot.usecases.context import Env
from bot.usecases.views.map import map_data
from storage.db import make_session_factory, open_engine
from storage.migrate import migrate
from storage.uow import SqlUnitOfWork

WEEK = RoundKey(2026, 47)
WEEKS = 52
SIZES = (1_000, 10_000)
PLACES_PER_AREA = 20
NOW = "2026-11-17 07:00:00"
HEADER = "| reporters | answers in the database | places | 12 weeks (default) | 52 weeks |\n|---:|---:|---:|---:|---:|"


@dataclass(frozen=True)
class Result:
    reporters: int
    answers: int
    places: int
    default_ms: float
    year_ms: float


def _areas(reporters: int) -> int:
    return max(3, reporters // 40)


def write_history(path: Path, reporters: int, seed: int = 2) -> int:
    """A migrated SQLite database at `path` with group "g" and `WEEKS` submitted weeks; the number of answers."""
    engine = open_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    rng = random.Random(seed)
    areas = _areas(reporters)
    factors = [f.code for f in DEFAULT_FACTORS]
    db = sqlite3.connect(path)
    try:
        db.execute("INSERT INTO groups (id, name) VALUES ('g', 'G')")
        db.executemany(
            "INSERT INTO areas (id, group_id, code, name) VALUES (?, 'g', ?, ?)",
            [(a + 1, f"a{a}", f"Område {a}") for a in range(areas)],
        )
        db.executemany(
            "INSERT INTO places (id, area_id, name, norm, lat, lon, configured, created_at, review) "
            "VALUES (?, ?, ?, ?, ?, ?, 1, ?, 'approved')",
            [
                (
                    a * PLACES_PER_AREA + p + 1,
                    a + 1,
                    f"Plats {p}",
                    f"plats {p}",
                    55 + rng.random(),
                    13 + rng.random(),
                    NOW,
                )
                for a in range(areas)
                for p in range(PLACES_PER_AREA)
            ],
        )
        db.executemany(
            "INSERT INTO persons (id, group_id, name, name_key, organisation, role, language, active, "
            "receives_report, forgotten) VALUES (?, 'g', ?, ?, 'Org', 'reporter', 'sv', 1, 1, 0)",
            [(r + 1, f"R{r}", f"r{r}") for r in range(reporters)],
        )
        response = answer = 0
        for n in range(WEEKS):
            key = WEEK.minus(n)
            db.execute(
                "INSERT INTO rounds (id, group_id, year, week, phase, created_at) "
                "VALUES (?, 'g', ?, ?, 'published', ?)",
                (n + 1, key.year, key.week, NOW),
            )
            responses, answers = [], []
            for r in range(reporters):
                response += 1
                responses.append((response, n + 1, r + 1, NOW, NOW))
                area = r % areas
                for f in factors:
                    level = 0 if rng.random() < 0.7 else rng.choice((1, 1, 2, 3))
                    place = area * PLACES_PER_AREA + rng.randrange(PLACES_PER_AREA) + 1 if level >= 2 else None
                    answer += 1
                    answers.append((answer, response, area + 1, f, level, place))
            db.executemany(
                "INSERT INTO responses (id, round_id, person_id, organisation, status, state, version, reminders, "
                "late, submitted_at, updated_at, more_review) VALUES (?, ?, ?, 'Org', 'submitted', '{}', 1, 0, 0, ?, "
                "?, 'pending')",
                responses,
            )
            db.executemany(
                "INSERT INTO answers (id, response_id, area_id, factor, level, place_id, note_review) "
                "VALUES (?, ?, ?, ?, ?, ?, 'pending')",
                answers,
            )
        db.commit()
        db.execute("ANALYZE")
        db.commit()
    finally:
        db.close()
    return answer


def _config(url: str, reporters: int) -> Config:
    areas = [{"code": f"a{a}", "name": f"Område {a}"} for a in range(_areas(reporters))]
    return parse_config({"database": {"url": url}, "groups": [{"id": "g", "name": "G", "areas": areas}]}, "bench")


def _median_ms(env: Env, person: Person, first: RoundKey, runs: int) -> tuple[float, int]:
    times = []
    places = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        data = map_data(env, person, first, WEEK)
        times.append((time.perf_counter() - t0) * 1000)
        places = len(data.places)
    return statistics.median(times), places


def measure(reporters: int, runs: int = 5) -> Result:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "map.sqlite"
        answers = write_history(path, reporters)
        url = f"sqlite:///{path}"
        engine = open_engine(url)
        factory, lock = make_session_factory(engine), threading.RLock()
        try:
            env = Env(
                _config(url, reporters),
                lambda: SqlUnitOfWork(factory, lock),
                ManualClock(datetime(2026, 11, 18, 12, tzinfo=UTC)),
            )
            person = Person(1, "g", "R0", "Org", "participant", "sv")
            map_data(env, person)  # warm: the first call pays for imports and the page cache
            default_ms, places = _median_ms(env, person, WEEK.minus(11), runs)
            year_ms, _ = _median_ms(env, person, WEEK.minus(WEEKS - 1), runs)
        finally:
            engine.dispose()
    return Result(reporters, answers, places, default_ms, year_ms)


def row(r: Result) -> str:
    return f"| {r.reporters:,} | {r.answers:,} | {r.places} | {r.default_ms:.0f} ms | {r.year_ms:.0f} ms |"


def run(sizes: tuple[int, ...] = SIZES) -> list[Result]:
    print("map data (bot/usecases/views/map.py) on SQLite, 52 weeks of history")
    print(HEADER)
    results = []
    for n in sizes:
        results.append(measure(n))
        print(row(results[-1]), flush=True)
    return results


def markdown(results: list[Result]) -> str:
    return (
        "## The web view's map data\n\n"
        "`map_data` (the map page's read side: every place with a level in the period, its factors, weeks and "
        "actions, worded) on SQLite with 52 weeks of history as in the picture benchmark (20 places per area of 40 "
        "reporters; answers at 2 or 3 name a place), median of five calls (`bench/map.py`). The map shows the "
        "last 12 weeks unless another period is chosen.\n\n" + "\n".join([HEADER, *(row(r) for r in results)]) + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    sizes = (int(args[args.index("--reporters") + 1]),) if "--reporters" in args else SIZES
    run(sizes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
