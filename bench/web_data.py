"""A group with N reporters and 52 published weeks, written straight into the database for bench/web.py.

The configuration (areas of 40 reporters, ten places with a position per area, a coordinator and a police
participant) goes through the real `build`, which makes the schema and syncs groups, areas, places and people.
The weeks are then bulk-inserted, as the engine would have stored them: per week a published round, a response
per reporter (90 % sent, 10 % never: the non-responders), twelve answers per sent response (70 % at 0, then 1, 1,
2 or 3; an answer at 2 or 3 names one of the area's places; 1 % of the others carry a note, half of them
approved), four candidates of which the meeting decided three (votes, who acts, the time frame; an action each),
and one observation. SQLite through `executemany`, PostgreSQL through COPY. Fixed seed.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.bootstrap import build
from bot.clock import ManualClock
from bot.config import Config, parse_config
from bot.domain.cycle import SCHEDULED_PHASES, Phase, RoundKey, phase_due_at
from bot.domain.factors import DEFAULT_FACTORS

GROUP = "webb"
WEEKS = 52
LAST = RoundKey(2026, 47)
PER_AREA = 40
PLACES_PER_AREA = 10
SEED = 16
COORDINATOR = "Sara Samordnare"
ORGS = ("Trygghetsvärdar", "Bostadsbolaget", "Skolan", "Fältassistenter", "Parkeringsvakter", "Fritidsgården")
#: (action type, who acts, time frame) of the three decided candidates of a week
DECIDED = (
    ("presence", "hosts", "weekend"),
    ("presence", "police", "weekend"),
    ("physical", "municipality", "long_term"),
)
NOTES = ("Ungdomar samlas på kvällarna.", "Trasig belysning vid entrén.", "Glaskross och skräp efter helgen.")


def n_areas(reporters: int) -> int:
    return max(3, reporters // PER_AREA)


def web_config(tmp: Path, url: str, reporters: int) -> Config:
    """One group of `reporters` reporters in areas of 40, each area with ten places that have a position."""
    areas = []
    for a in range(n_areas(reporters)):
        lat0, lon0 = 55.30 + 0.01 * (a // 20), 13.00 + 0.015 * (a % 20)
        places = [
            {"name": f"Plats {a}-{p}", "lat": round(lat0 + 0.001 * p, 5), "lon": round(lon0 + 0.0013 * p, 5)}
            for p in range(PLACES_PER_AREA)
        ]
        areas.append({"code": f"o{a}", "name": f"Område {a}", "places": places})
    people: list[dict[str, Any]] = [
        {
            "name": f"Rapportör {i:05d}",
            "organisation": ORGS[i % len(ORGS)],
            "areas": [f"o{i % len(areas)}"],
            "console": f"r{i}",
        }
        for i in range(reporters)
    ]
    people.append({"name": COORDINATOR, "role": "coordinator", "console": "samordnare"})
    people.append({"name": "Kim Kommunpolis", "organisation": "Polisen", "role": "participant", "console": "polis"})
    return parse_config(
        {
            "reports_dir": str(tmp / "reports"),
            "database": {"url": url},
            "groups": [
                {
                    "id": GROUP,
                    "name": "Tryggare Storstad",
                    "timezone": "Europe/Stockholm",
                    "areas": areas,
                    "reporters": people,
                    "channels": {"meeting": {"console": "möte"}, "broadcast": {"console": "rapport"}},
                }
            ],
        },
        "bench",
    )


def now_after(key: RoundKey = LAST) -> datetime:
    """The clock of the benchmark: the Saturday after the last week was published."""
    return datetime.fromisocalendar(key.year, key.week, 6).replace(hour=9, tzinfo=UTC)


@dataclass
class Loaded:
    reporters: int
    weeks: int
    responses: int
    answers: int
    seconds: float  # build (schema, config sync) and the bulk insert


class _Ids:
    def __init__(self, engine: Engine) -> None:
        with engine.connect() as c:
            self.next = {
                t: int(c.execute(text(f"SELECT coalesce(max(id), 0) FROM {t}")).scalar_one()) + 1
                for t in ("rounds", "responses", "answers", "candidates", "actions", "observations")
            }

    def take(self, table: str) -> int:
        n = self.next[table]
        self.next[table] = n + 1
        return n


def _ts(engine: Engine) -> Any:
    """A datetime as the dialect stores it: SQLAlchemy's text form on SQLite, the value itself for COPY."""
    if engine.dialect.name == "sqlite":
        return lambda d: None if d is None else d.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return lambda d: d


def _write(engine: Engine, raw: Any, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
    n = 0

    def counted() -> Iterator[tuple[Any, ...]]:
        nonlocal n
        for r in rows:
            n += 1
            yield r

    cols = ", ".join(columns)
    cur = raw.cursor()
    if engine.dialect.name == "sqlite":
        cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(columns))})", counted())
    else:
        with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for r in counted():
                copy.write_row(r)
    cur.close()
    return n


COLUMNS = {
    "rounds": (
        "id", "group_id", "year", "week", "phase", "created_at", "opened_at", "closed_at", "drafted_at",
        "finalised_at", "published_at",
    ),
    "responses": (
        "id", "round_id", "person_id", "organisation", "status", "state", "version", "snoozed_until", "reminders",
        "late", "submitted_at", "updated_at", "more_note", "more_review",
    ),
    "answers": ("id", "response_id", "area_id", "factor", "level", "place_id", "note", "note_review"),
    "candidates": (
        "id", "round_id", "key", "area_id", "place_id", "factors", "title", "reasons", "source", "position",
        "action_type", "responsible", "timeframe", "status",
    ),
    "votes": ("candidate_id", "person_id"),
    "actions": (
        "id", "group_id", "round_id", "candidate_id", "area_id", "place_id", "factors", "title", "action_type",
        "responsible", "timeframe", "votes", "status", "created_at",
    ),
    "observations": ("id", "round_id", "author_id", "author", "source", "area_id", "factor", "text", "created_at"),
}  # fmt: skip


@dataclass(frozen=True)
class _Group:
    """What the insert needs of the synced group: ids by name and code, places by area."""

    people: list[tuple[int, str, str]]  # (person id, organisation, area code) of each reporter
    areas: dict[str, int]
    area_names: dict[str, str]
    places: dict[str, list[tuple[int, str]]]  # area code -> [(place id, name)]
    coordinator: int
    police: int


def _group(engine: Engine, cfg: Config, reporters: int) -> _Group:
    with engine.connect() as c:
        persons = dict(c.execute(text("SELECT name, id FROM persons WHERE group_id = :g"), {"g": GROUP}).tuples().all())
        areas = dict(c.execute(text("SELECT code, id FROM areas WHERE group_id = :g"), {"g": GROUP}).tuples().all())
        rows = c.execute(
            text("SELECT a.code, p.id, p.name FROM places p JOIN areas a ON a.id = p.area_id WHERE a.group_id = :g"),
            {"g": GROUP},
        ).tuples()
        places: dict[str, list[tuple[int, str]]] = {}
        for code, pid, name in sorted(rows, key=lambda r: r[1]):
            places.setdefault(code, []).append((pid, name))
    codes = [a.code for a in cfg.groups[0].areas]
    people = [(persons[f"Rapportör {i:05d}"], ORGS[i % len(ORGS)], codes[i % len(codes)]) for i in range(reporters)]
    names = {a.code: a.name for a in cfg.groups[0].areas}
    return _Group(people, areas, names, places, persons[COORDINATOR], persons["Kim Kommunpolis"])


def _week(
    key: RoundKey, w: int, weeks: int, cfg: Config, g: _Group, ids: _Ids, ts: Any, rng: random.Random
) -> dict[str, list[tuple[Any, ...]]]:
    """One published week's rows, by table."""
    group = cfg.groups[0]
    at = {p: phase_due_at(key, p, group.week_schedule(), group.tz) for p in SCHEDULED_PHASES}
    rid = ids.take("rounds")
    out: dict[str, list[tuple[Any, ...]]] = {t: [] for t in COLUMNS}
    out["rounds"].append(
        (rid, GROUP, key.year, key.week, "published", ts(at[Phase.OPEN]), ts(at[Phase.OPEN]), ts(at[Phase.CLOSED]),
         ts(at[Phase.DRAFTED]), ts(at[Phase.DRAFTED] + timedelta(hours=1)), ts(at[Phase.PUBLISHED]))
    )  # fmt: skip
    sent = ts(at[Phase.OPEN] + timedelta(hours=5))
    for pid, org, code in g.people:
        resp = ids.take("responses")
        done = rng.random() < 0.9
        out["responses"].append(
            (resp, rid, pid, org, "submitted" if done else "pending", "{}", 0, None, 0, False, sent if done else None,
             sent, None, "pending")
        )  # fmt: skip
        if not done:
            continue
        for f in DEFAULT_FACTORS:
            level = 0 if rng.random() < 0.7 else rng.choice((1, 1, 2, 3))
            named = rng.choice(g.places[code])[0] if level >= 2 else None
            note, review = None, "pending"
            if level and rng.random() < 0.01:
                note, review = rng.choice(NOTES), rng.choice(("approved", "pending"))
            out["answers"].append((ids.take("answers"), resp, g.areas[code], f.code, level, named, note, review))
    decided_at = ts(at[Phase.DRAFTED] + timedelta(hours=1))
    codes = list(g.areas)
    spots = [(code, place_id, place) for code in codes for place_id, place in g.places[code]]
    for position, (code, place_id, place) in enumerate(rng.sample(spots, 4)):
        factors = ",".join(sorted({rng.choice(DEFAULT_FACTORS).code for _ in range(2)}))
        cid = ids.take("candidates")
        title = f"{place}, {g.area_names[code]}"
        key_ = f"place:{code}:{place.lower()}"
        if position == 3:  # nobody chose it: dropped at finalising
            out["candidates"].append(
                (cid, rid, key_, g.areas[code], place_id, factors, title, "nämnd av 2 rapportörer", "auto", position,
                 None, None, None, "dropped")
            )  # fmt: skip
            continue
        a_type, who, frame = DECIDED[position]
        out["candidates"].append(
            (cid, rid, key_, g.areas[code], place_id, factors, title, "nämnd av 3 rapportörer", "auto", position,
             a_type, who, frame, "decided")
        )  # fmt: skip
        out["votes"] += [(cid, g.coordinator), (cid, g.police)]
        status = "done" if w < weeks - 8 else ("ongoing" if w < weeks - 2 else "planned")
        out["actions"].append(
            (ids.take("actions"), GROUP, rid, cid, g.areas[code], place_id, factors, title, a_type, who, frame, 2,
             status, decided_at)
        )  # fmt: skip
    out["observations"].append(
        (ids.take("observations"), rid, g.police, "Kim Kommunpolis", "Polisen", g.areas[codes[w % len(codes)]],
         "narkotika", "Ökad narkotikahandel kvällstid.", decided_at)
    )  # fmt: skip
    return out


def load(cfg: Config, reporters: int, weeks: int = WEEKS) -> Loaded:
    """Build the schema and the configuration's rows with the real `build`, then insert the weeks, one at a time."""
    t0 = time.perf_counter()
    app = build(cfg, clock=ManualClock(now_after()))
    try:
        engine = app.engine
        g = _group(engine, cfg, reporters)
        ids, ts, rng = _Ids(engine), _ts(engine), random.Random(SEED)
        counts = dict.fromkeys(COLUMNS, 0)
        raw = engine.raw_connection()
        try:
            for w in range(weeks):
                rows = _week(LAST.minus(weeks - 1 - w), w, weeks, cfg, g, ids, ts, rng)
                if engine.dialect.name == "sqlite":  # the engine's connections autocommit: one transaction a week
                    raw.cursor().execute("BEGIN")
                for table, columns in COLUMNS.items():
                    counts[table] += _write(engine, raw, table, columns, rows[table])
                raw.commit()
            cur = raw.cursor()
            if engine.dialect.name == "postgresql":
                for table in ("rounds", "responses", "answers", "candidates", "actions", "observations"):
                    cur.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                    )
                raw.commit()
                cur.execute("ANALYZE")  # what autovacuum does after a large load, before anyone reads
            cur.close()
            raw.commit()
        finally:
            raw.close()
        return Loaded(reporters, weeks, counts["responses"], counts["answers"], time.perf_counter() - t0)
    finally:
        app.close()
