"""What `est-bot demo` leaves for the web view: a settings file that points `est-bot web` (and `est-bot chat`) at
the demo's database, and a static snapshot of the week's page and of the map, as the demo's coordinator sees
them, that opens with no server (demo-output/web/).

The snapshot is rendered from a copy of the database: signing in writes a link, a session and an audit entry,
and the demo's own database stays as the week left it.
"""

from __future__ import annotations

import json
import re
import sqlite3
import tempfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.bootstrap import build
from bot.clock import ManualClock
from bot.config import Config
from bot.domain.cycle import RoundKey

if TYPE_CHECKING:
    from sqlalchemy import Engine

SETTINGS = "est-bot.toml"
WEB_FOLDER = "web"
WEB_PORT = 8080
COORDINATOR = "Sara Samordnare"


def settings(config: Config, db: Path) -> dict[str, object]:
    """The demo's settings as a settings file has them: its database by absolute path, and the web view on
    http://127.0.0.1:8080 with cookies that work over plain http (for trying it on this machine only)."""
    data = config.model_dump(mode="json", exclude_defaults=True)
    data["reports_dir"] = str(db.parent.resolve())
    data["database"] = {"url": f"sqlite:///{db.resolve()}"}
    data["web"] = {"listen": "127.0.0.1", "port": WEB_PORT, "base_url": f"http://127.0.0.1:{WEB_PORT}",
                   "secure_cookies": False}  # fmt: skip
    return data


def save_database(engine: Engine, db: Path) -> None:
    """The demo's database (in memory while the weeks run) as the SQLite file `db`, in one step, in WAL mode as
    est-bot keeps its files."""
    with engine.connect() as conn:
        source = conn.connection.driver_connection
        assert isinstance(source, sqlite3.Connection), "the demo runs on SQLite"
        _copy(source, db, "WAL")


def _copy(source: sqlite3.Connection, dest: Path, journal: str | None = None) -> None:
    """The database of `source` as the file `dest`, in one step (and in `journal` mode)."""
    target = sqlite3.connect(dest)
    try:
        source.backup(target)
        if journal is not None:
            target.execute(f"PRAGMA journal_mode={journal}").fetchall()
    finally:
        target.close()


def write_settings(config: Config, db: Path) -> Path:
    path = db.parent / SETTINGS
    head = (
        "# Written by `est-bot demo`: the demo group on the demo's database, for trying the web view here.\n"
        "#   EST_WEB_SECRET=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))') \\\n"
        f"#     est-bot web --config {path}\n"
        f"#   est-bot chat --as samordnare --config {path}   (then: webb)\n"
        "# secure_cookies = false works over plain http on this machine only; never behind a real address.\n\n"
    )
    path.write_text(head + toml_text(settings(config, db)), encoding="utf-8")
    return path


def write_web_snapshot(config: Config, db: Path, week: RoundKey, now: datetime) -> list[Path]:
    """The week's page and the map as the coordinator sees them, under demo-output/web/ (see the module)."""
    from handlers.web.snapshot import write_snapshot

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / db.name
        source = sqlite3.connect(db)
        try:
            _copy(source, copy)
        finally:
            source.close()
        url = f"sqlite:///{copy}"
        config = config.model_copy(update={"database": config.database.model_copy(update={"url": url})})
        app = build(config, clock=ManualClock(now), run_migrations=False, sync=False)
        try:
            with app.services.unit() as uow:
                person = uow.people.person_by_name(config.groups[0].id, COORDINATOR)
            if person is None:
                raise RuntimeError(f"the demo has no {COORDINATOR}")
            pages = {f"/weeks/{week}": "week.html", "/map": "map.html"}
            return write_snapshot(app.services.env, person, pages, db.parent / WEB_FOLDER)
        finally:
            app.close()


# --------------------------------------------------------------------------------------------- TOML


_BARE = re.compile(r"[A-Za-z0-9_-]+")


def toml_text(data: Mapping[str, object]) -> str:
    """`data` (strings, numbers, booleans, lists and tables, as `model_dump(mode="json")` gives) as TOML:
    tables and lists of larger tables as [sections], small ones inline."""
    lines: list[str] = []
    _table(lines, (), data)
    return "\n".join(lines).lstrip("\n") + "\n"


def _table(lines: list[str], path: tuple[str, ...], data: Mapping[str, object]) -> None:
    for key, value in data.items():
        if value is not None and not _section(value) and not _sections(value):
            line = f"{_key(key)} = {_value(value)}"
            if len(line) > 100 and isinstance(value, list):  # a long list, one item a line
                line = f"{_key(key)} = [\n" + "".join(f"  {_value(v)},\n" for v in value) + "]"
            lines.append(line)
    for key, value in data.items():
        here = (*path, key)
        if _section(value):
            assert isinstance(value, Mapping)
            if not value or any(not _section(v) and not _sections(v) for v in value.values()):
                lines += ["", f"[{'.'.join(map(_key, here))}]"]  # (a table of tables only needs no header)
            _table(lines, here, value)
        elif _sections(value):
            assert isinstance(value, list)
            for item in value:
                lines += ["", f"[[{'.'.join(map(_key, here))}]]"]
                _table(lines, here, item)


def _small(value: object) -> bool:
    """A table that reads well inline: at most three plain values (a place with its position)."""
    return (
        isinstance(value, Mapping)
        and len(value) <= 3
        and not any(isinstance(v, Mapping | list) for v in value.values())
    )


def _section(value: object) -> bool:
    return isinstance(value, Mapping)


def _sections(value: object) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, Mapping) for v in value)
        and not all(_small(v) for v in value)
    )


def _key(key: str) -> str:
    return key if _BARE.fullmatch(key) else _string(key)


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items() if v is not None) + " }"
    if isinstance(value, Sequence):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"no TOML for {type(value).__name__}")
