"""The web view's server time: the week page and the map data for one group with 1,000 and 10,000 reporters and 52
weeks of history, on SQLite and on PostgreSQL.

The data is written straight into the database (bench/web_data.py). A fresh process then serves it: the real
Starlette app (handlers/web/app.py) over the real use cases and database, called in-process through Starlette's
TestClient, signed in as the group's coordinator through the real sign-in (a link from the use case, the confirm
page, its POST). Each page is asked once cold, a few times to warm up, then `requests` times; the table shows the
median and p95 of the wall time of a request as the client sees it (the app, its threadpool, the database; no
network), the size of the answer, and the serving process's peak RSS (`ru_maxrss`, data generation excluded: it
runs in the parent).

Run: `.venv/bin/python -m bench.web` (`--quick`: fewer requests; `--sizes 1000` for one size; `--profile` to
print where one request of each page spends its time and which SQL statements it runs; `--write` to put the
table in docs/PERFORMANCE.md, which `make bench` otherwise writes whole). PostgreSQL rows appear
when `EST_BENCH_PG_URL` names a server.
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from bench.answers_engine import database
from bench.web_data import COORDINATOR, GROUP, LAST, WEEKS, load, now_after, web_config

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1_000, 10_000)
REQUESTS = 30
QUICK_REQUESTS = 5
WARMUP = 2
GOAL_MS = 200.0
GOAL_REPORTERS = 1_000
SECRET = "bench-secret-" + "x" * 40
TOKEN = re.compile(r"/in/([A-Za-z]{43})")


WARM_WORDS = {1: "once more", 2: "twice more"}


def warmups(requests: int) -> int:
    return WARMUP if requests > QUICK_REQUESTS else 1


def pages() -> list[tuple[str, str]]:
    """(what, path) of every request the benchmark times."""
    first = LAST.minus(WEEKS - 1)
    return [
        ("week page", f"/weeks/{LAST}"),
        ("map data, 12 weeks (default)", "/map/data.json"),
        ("map data, 52 weeks", f"/map/data.json?from={first}&to={LAST}"),
    ]


@dataclass
class Timing:
    what: str
    path: str
    status: int
    bytes: int
    first_ms: float
    median_ms: float
    p95_ms: float
    cpu_ms: float  # median CPU time of the process per request (every thread)


@dataclass
class Row:
    backend: str
    reporters: int
    answers: int
    load_s: float
    rss_mb: float
    timings: list[Timing]


def _sign_in(client: Any, path: str) -> None:
    page = client.get(path)
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    if page.status_code != 200 or match is None:
        raise RuntimeError(f"sign-in page: {page.status_code}")
    done = client.post(path, data={"csrf": match.group(1)})
    if done.status_code != 303:
        raise RuntimeError(f"sign-in: {done.status_code}")


@contextmanager
def _served(url: str, reporters: int, tmp: Path) -> Iterator[tuple[Any, Engine]]:
    """A client of the web app over the loaded database, signed in as the coordinator, and the app's engine."""
    from starlette.testclient import TestClient

    from bot.bootstrap import build, tune_runtime
    from bot.clock import ManualClock
    from bot.usecases.web import issue_link
    from handlers.web.app import build_web_app

    cfg = web_config(tmp, url, reporters)
    app = build(cfg, clock=ManualClock(now_after()), run_migrations=False, sync=False)
    try:
        env = app.services.env
        with env.unit() as uow:
            person = uow.people.person_by_name(GROUP, COORDINATOR)
            assert person is not None
            link = issue_link(env, uow, person, env.clock.now())
            uow.commit()
        token = TOKEN.search(link)
        assert token is not None
        with TestClient(build_web_app(env, SECRET), base_url="https://testserver", follow_redirects=False) as client:
            _sign_in(client, "/in/" + token.group(1))
            tune_runtime()  # as `est-bot web` does once it serves (gc.freeze)
            yield client, app.engine
    finally:
        app.close()


def _time(client: Any, what: str, path: str, requests: int) -> Timing:
    t0 = time.perf_counter()
    first = client.get(path)
    first_ms = (time.perf_counter() - t0) * 1000
    if first.status_code != 200:
        return Timing(what, path, first.status_code, len(first.content), first_ms, 0.0, 0.0, 0.0)
    for _ in range(warmups(requests)):
        client.get(path)
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(requests):
        t0, c0 = time.perf_counter(), time.process_time()
        r = client.get(path)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        assert r.status_code == 200
    p95 = statistics.quantiles(wall, n=20, method="inclusive")[18] if len(wall) > 1 else wall[0]
    return Timing(what, path, 200, len(first.content), first_ms, statistics.median(wall), p95, statistics.median(cpu))


def measure(url: str, reporters: int, requests: int, tmp: Path) -> tuple[list[Timing], float]:
    """Serve and time every page; the timings and the process's peak RSS in MB."""
    with _served(url, reporters, tmp) as (client, _engine):
        timings = [_time(client, what, path, requests) for what, path in pages()]
    return timings, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def profile(url: str, reporters: int, tmp: Path) -> str:
    """Where one request of each page spends its time: cProfile of the work the app runs in the threadpool (the
    session check and the endpoint), and every SQL statement the request runs, with its time."""
    out = io.StringIO()
    with _served(url, reporters, tmp) as (client, engine):
        statements: dict[str, list[float]] = defaultdict(list)

        def before(conn: Any, _cursor: Any, _stmt: str, _params: Any, context: Any, _many: bool) -> None:
            context._bench_t0 = time.perf_counter()  # noqa: SLF001

        def after(conn: Any, _cursor: Any, stmt: str, _params: Any, context: Any, _many: bool) -> None:
            statements[" ".join(stmt.split())[:300]].append(time.perf_counter() - context._bench_t0)  # noqa: SLF001

        for what, path in pages():
            client.get(path)  # warm
            statements.clear()
            event.listen(engine, "before_cursor_execute", before)
            event.listen(engine, "after_cursor_execute", after)
            prof = cProfile.Profile()
            t0 = time.perf_counter()
            _profiled_get(client, path, prof)
            wall = (time.perf_counter() - t0) * 1000
            event.remove(engine, "before_cursor_execute", before)
            event.remove(engine, "after_cursor_execute", after)
            sql_ms = sum(sum(v) for v in statements.values()) * 1000
            out.write(f"\n=== {what}: GET {path} — {wall:.0f} ms, of it SQL {sql_ms:.0f} ms\n")
            for stmt, times in sorted(statements.items(), key=lambda kv: -sum(kv[1]))[:12]:
                out.write(f"  {sum(times) * 1000:7.1f} ms ×{len(times):<3} {stmt}\n")
            s = io.StringIO()
            pstats.Stats(prof, stream=s).sort_stats("cumulative").print_stats(35)
            out.write(s.getvalue())
    return out.getvalue()


def _profiled_get(client: Any, path: str, prof: cProfile.Profile) -> None:
    """GET `path` with the endpoint (run in the threadpool) under `prof`."""
    import starlette.concurrency as concurrency

    import handlers.web.app as web_app

    original = web_app.run_in_threadpool

    async def traced(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        def call() -> Any:
            return prof.runcall(func, *args, **kwargs)

        return await concurrency.run_in_threadpool(call)

    web_app.run_in_threadpool = traced
    try:
        client.get(path)
    finally:
        web_app.run_in_threadpool = original


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get("EST_BENCH_PG_URL") else ["sqlite"]


def run(sizes: tuple[int, ...] = SIZES, requests: int = REQUESTS, show_profile: bool = False) -> list[Row]:
    print(f"web view: server time of the week page and the map data, 52 weeks, {requests} requests each")
    rows: list[Row] = []
    for backend in backends():
        for n in sizes:
            with tempfile.TemporaryDirectory() as tmpdir, database(backend, Path(tmpdir)) as url:
                tmp = Path(tmpdir)
                loaded = load(web_config(tmp, url, n), n)
                print(f"{backend}, {n:,} reporters: {loaded.answers:,} answers loaded in {loaded.seconds:.0f} s")
                args = ["--measure", url, str(n), str(requests), str(tmp)]
                done = subprocess.run(
                    [sys.executable, "-m", "bench.web", *args], capture_output=True, text=True, check=False
                )
                if done.returncode != 0:
                    raise RuntimeError(f"the serving process failed:\n{done.stdout}\n{done.stderr}")
                result = json.loads(done.stdout.strip().splitlines()[-1])
                row = Row(
                    backend,
                    n,
                    loaded.answers,
                    loaded.seconds,
                    result["rss_mb"],
                    [Timing(**t) for t in result["timings"]],
                )
                rows.append(row)
                print(table([row]))
                if show_profile:
                    print(profile(url, n, tmp))
    return rows


HEADER = (
    "| database | reporters | answers stored | page | answer size | first | median | p95 | CPU (median) "
    "| under 200 ms | peak RSS |\n|---|---|---|---|---|---|---|---|---|---|---|"
)


def table(rows: list[Row]) -> str:
    lines = [HEADER]
    for r in rows:
        for t in r.timings:
            if t.status != 200:
                lines.append(f"| {r.backend} | {r.reporters:,} | {r.answers:,} | {t.what} | HTTP {t.status} | – | – "
                             f"| – | – | – | {r.rss_mb:.0f} MB |")  # fmt: skip
                continue
            ok = "yes" if t.p95_ms < GOAL_MS else "no"
            lines.append(
                f"| {r.backend} | {r.reporters:,} | {r.answers:,} | {t.what} | {t.bytes / 1024:.0f} KiB "
                f"| {t.first_ms:.0f} ms | {t.median_ms:.0f} ms | {t.p95_ms:.0f} ms | {t.cpu_ms:.0f} ms | {ok} "
                f"| {r.rss_mb:.0f} MB |"
            )
    return "\n".join(lines)


def markdown(rows: list[Row], requests: int = REQUESTS) -> str:
    return (
        "## The web view\n\n"
        f"Server time of the week page (`GET /weeks/{LAST}`) and the map's data (`GET /map/data.json`, the default "
        "12 weeks and all 52) for one group with 52 weeks of history (`bench/web.py`, data in `bench/web_data.py`): "
        "areas of 40 reporters with ten places each, 90 % of reporters answering every week, twelve answers each "
        "(70 % at 0), places named at levels 2 and 3, four candidates a week of which three decided. The data is "
        "written straight into the database; a fresh process serves it through the real app (Starlette, the use "
        "cases, the database), called in-process with Starlette's TestClient and signed in as the coordinator "
        f"through the real sign-in. Each page is asked once cold (*first*), {WARM_WORDS[warmups(requests)]} to warm "
        f"up, then {requests} times: "
        "median and p95 of the wall time per request, and the median CPU time of the serving process per request "
        "(PostgreSQL's own CPU time is not in it). *First* is a fresh process's first request: its round cache "
        "(storage/round_cache.py) is still empty, so it counts every earlier week the page reads; the later requests "
        "read those weeks' aggregates from the cache while the weeks are unchanged. *Peak "
        "RSS* is the serving process's. The issue's goal: under 200 ms for 1,000 reporters and 52 weeks "
        "(*under 200 ms* compares the p95).\n\n" + table(rows) + "\n"
    )


def write_section(section: str, doc: Path = ROOT / "docs" / "PERFORMANCE.md") -> None:
    """Put `section` in docs/PERFORMANCE.md in place of its web view section, or after the county's."""
    text = doc.read_text(encoding="utf-8")

    def next_heading(after: int) -> int:
        found = text.find("\n## ", after)
        return len(text) if found < 0 else found + 1

    if "## The web view\n" in text:
        start = text.index("## The web view\n")
        end = next_heading(start)
    else:
        county = text.find("## A county in one process")
        start = end = next_heading(county) if county >= 0 else len(text)
    doc.write_text(text[:start] + section.rstrip("\n") + "\n\n" + text[end:], encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "--measure" in args:  # the serving process (see run)
        i = args.index("--measure")
        url, n, requests, tmp = args[i + 1], int(args[i + 2]), int(args[i + 3]), Path(args[i + 4])
        timings, rss = measure(url, n, requests, tmp)
        print(json.dumps({"timings": [asdict(t) for t in timings], "rss_mb": rss}))
        return 0
    sizes = tuple(int(s) for s in args[args.index("--sizes") + 1].split(",")) if "--sizes" in args else SIZES
    requests = QUICK_REQUESTS if "--quick" in args else REQUESTS
    rows = run(sizes, requests, show_profile="--profile" in args)
    if "--write" in args:  # this row alone into docs/PERFORMANCE.md (make bench writes the whole file)
        write_section(markdown(rows, requests))
        print("wrote the web view's section of docs/PERFORMANCE.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
