"""`est-bot backup` and `est-bot restore`: a consistent copy of the database while the bot runs, and putting one
back only where no process uses the database.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies the file page by page under SQLite's own
locks, so presses written meanwhile are either in the copy whole or not at all. PostgreSQL: `pg_dump` in its
custom format (one snapshot), put back with `pg_restore`. With the reports folder the copy is a .tar.gz holding
the database copy and `reports/`.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url

#: The names inside a .tar.gz backup.
SQLITE_MEMBER = "est-bot.sqlite"
PG_MEMBER = "est-bot.pgdump"
REPORTS_MEMBER = "reports"
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz")


class BackupError(Exception):
    """What went wrong, in one line for the person who runs est-bot; `code` is the exit status."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Done:
    path: Path
    kind: str  # "sqlite" or "postgresql"
    with_reports: bool


def is_archive(path: Path) -> bool:
    return path.name.endswith(ARCHIVE_SUFFIXES)


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    name = parsed.database or ""
    if not name or name == ":memory:" or name.startswith("file:"):
        raise BackupError(f"the database {name or ':memory:'!r} is not a file that can be backed up")
    return Path(name).expanduser().absolute()


# ----------------------------------------------------------------------------------------------------- backup
def backup(url: str, dest: Path, reports: Path | None = None) -> Done:
    """Copy the database at `url` to `dest`; with `reports`, `dest` is a .tar.gz of the copy and that folder."""
    if reports is not None and not is_archive(dest):
        raise BackupError(f"{dest}: with --with-reports the backup is a .tar.gz; name the file like est-bot.tar.gz", 2)
    if dest.exists() and dest.is_dir():
        raise BackupError(f"{dest} is a folder; name the backup file to write", 2)
    if not dest.parent.is_dir():
        raise BackupError(f"the folder {str(dest.parent)!r} does not exist; create it or name another place", 1)
    src = sqlite_path(url)
    kind = "sqlite" if src is not None else "postgresql"
    if src is not None and dest.absolute() == src:
        raise BackupError(f"{dest} is the database itself; name another file for the backup", 2)
    try:
        if reports is None:
            _copy_db(url, src, dest)
            return Done(dest, kind, False)
        with tempfile.TemporaryDirectory(prefix="backup-", dir=dest.parent) as tmp:
            member = SQLITE_MEMBER if src is not None else PG_MEMBER
            _copy_db(url, src, Path(tmp) / member)
            part = dest.with_name(dest.name + ".part")
            try:
                with _private(part) as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                    tar.add(Path(tmp) / member, arcname=member)
                    if reports.is_dir():
                        tar.add(reports, arcname=REPORTS_MEMBER)
                part.replace(dest)
            finally:
                part.unlink(missing_ok=True)
        return Done(dest, kind, True)
    except OSError as exc:
        raise BackupError(
            f"cannot write the backup {str(dest)!r} ({_reason(exc)}); name a folder the user running est-bot can write",
            1,
        ) from None
    except sqlite3.Error as exc:  # the disk full, or the database's file unreadable: nothing is left behind
        raise BackupError(f"the backup to {str(dest)!r} failed: {_reason(exc)}", 1) from None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    return lines[0] if lines else type(exc).__name__


def _private(path: Path) -> BinaryIO:
    """A new file only its owner can read (a backup holds personal data), whatever the umask."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "wb")


def _copy_db(url: str, src: Path | None, dest: Path) -> None:
    part = dest.with_name(dest.name + ".part")
    try:
        _private(part).close()  # made 0600 before a byte is in it; pg_dump and SQLite write into it
        if src is None:
            _pg_dump(url, part)
        else:
            if not src.is_file():
                raise BackupError(f"there is no database at {str(src)!r}; check database.url", 1)
            source = sqlite3.connect(src, timeout=30)
            target = sqlite3.connect(part)
            try:
                # In one step: one read transaction, a snapshot of a moment. The bot's writes go on meanwhile
                # (WAL); a copy in steps would start again after each of them and might never finish on a busy
                # day.
                source.backup(target)
                # The copy takes the source's WAL mode; a backup is one self-contained file, readable from a
                # read-only folder, and leaves no -wal/-shm beside it.
                target.execute("PRAGMA journal_mode=DELETE").fetchall()
            finally:
                target.close()
                source.close()
        part.replace(dest)
    finally:
        part.unlink(missing_ok=True)


def _pg_env(url: str) -> tuple[str, dict[str, str]]:
    """The URL for pg_dump/pg_restore without its password, which goes in the environment (never on the command
    line, where `ps` shows it)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed: PostgreSQL is backed up with PostgreSQL's own tools; install the "
            "PostgreSQL client (Debian: apt-get install postgresql-client, the same major version as the server)",
            1,
        )
    return found


def _run(argv: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
        raise BackupError(f"{what} failed: {lines[-1] if lines else f'exit {done.returncode}'}", 1)


def _pg_dump(url: str, dest: Path) -> None:
    plain, env = _pg_env(url)
    _run([_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={dest}", f"--dbname={plain}"], env, "pg_dump")


# ----------------------------------------------------------------------------------------------------- restore
def in_use(engine: Engine) -> str | None:
    """Why the database cannot be overwritten now (another process has it open), or None."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            others = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
        return f"{others} other connection(s) to it are open" if others else None
    return None


def _sqlite_lock(path: Path) -> sqlite3.Connection:
    """A connection that holds the SQLite file alone until closed; BackupError when another connection (a running
    bot, in this process or another) has the file open."""
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
        conn.execute("COMMIT")  # exclusive locking mode keeps the lock after the transaction
    except sqlite3.OperationalError:
        conn.close()
        raise BackupError(
            f"the database {str(path)!r} is in use (est-bot run, chat or web has it open); stop the bot "
            "(systemctl stop est-bot, or stop its container) and run restore again",
            1,
        ) from None
    return conn


def has_data(engine: Engine) -> bool:
    names = [n for n in inspect(engine).get_table_names() if n != "alembic_version"]
    with engine.connect() as conn:
        for name in names:
            q = engine.dialect.identifier_preparer.quote(name)
            if conn.execute(text(f"SELECT 1 FROM {q} LIMIT 1")).first() is not None:
                return True
    return False


def restore(source: Path, url: str, engine: Engine, *, force: bool) -> Done:
    """Put the backup `source` in place of the database at `url` (opened as `engine`). Refused while another
    process uses it, and over a database that holds data unless `force`."""
    if not source.is_file():
        raise BackupError(f"there is no backup file {str(source)!r}", 2)
    target = sqlite_path(url)
    with tempfile.TemporaryDirectory(prefix="restore-") as tmp:
        db_file, kind = _unpack(source, Path(tmp))
        wanted = "sqlite" if target is not None else "postgresql"
        if kind != wanted:
            hint = (
                "; to move from SQLite to PostgreSQL use est-bot migrate --to"
                if kind == "sqlite"
                else "; restore it into PostgreSQL with --to postgresql://user@host/estbot (an empty database)"
            )
            what = {"sqlite": "an SQLite", "postgresql": "a PostgreSQL"}
            raise BackupError(f"{source} is {what[kind]} backup and the database is {what[wanted]} one{hint}", 2)
        if target is not None:
            engine.dispose()  # its pooled connection would count as a process using the file
            _restore_sqlite(db_file, target, engine, force=force)
        else:
            _restore_pg(db_file, url, engine, force=force)
    return Done(source, kind, is_archive(source))


def _unpack(source: Path, tmp: Path) -> tuple[Path, str]:
    if not is_archive(source):
        with source.open("rb") as f:
            head = f.read(16)
        if head.startswith(b"SQLite format 3"):
            return source, "sqlite"
        if head.startswith(b"PGDMP"):
            return source, "postgresql"
        raise BackupError(f"{source} is not an est-bot backup (neither an SQLite file nor a pg_dump file)", 2)
    try:
        with tarfile.open(source, "r:gz") as tar:
            names = tar.getnames()
            member = SQLITE_MEMBER if SQLITE_MEMBER in names else PG_MEMBER if PG_MEMBER in names else None
            if member is None:
                raise BackupError(f"{source} holds no database copy ({SQLITE_MEMBER} or {PG_MEMBER})", 2)
            _extract(tar, member, tmp)
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{source} cannot be read as a .tar.gz: {exc}", 2) from None
    return tmp / member, "sqlite" if member == SQLITE_MEMBER else "postgresql"


def _extract(tar: tarfile.TarFile, member: str, tmp: Path) -> None:
    """Extract one member safely: with tarfile's data filter where this Python has it (3.11.4 and later), else
    with the same checks by hand (Debian 12's 3.11.2): a regular file, no absolute path, no "..", no link."""
    if hasattr(tarfile, "data_filter"):
        tar.extract(member, tmp, filter="data")
        return
    info = tar.getmember(member)
    name = info.name
    archive = tar.name if isinstance(tar.name, str) else "the archive"
    if not info.isreg() or name.startswith(("/", "\\")) or ".." in Path(name).parts or Path(name).is_absolute():
        raise BackupError(f"{archive}: the member {name!r} is not a plain file; this is not an est-bot backup", 2)
    src = tar.extractfile(info)
    if src is None:
        raise BackupError(f"{archive}: the member {name!r} cannot be read", 2)
    with src, (tmp / name).open("wb") as out:
        shutil.copyfileobj(src, out)


def _restore_sqlite(db_file: Path, target: Path, engine: Engine, *, force: bool) -> None:
    if not target.exists():
        try:
            _copy_sqlite(db_file, sqlite3.connect(target))
        except BaseException:
            remove_sqlite(target)
            raise
        return
    lock = _sqlite_lock(target)  # refuses a file in use, and keeps others out while the copy goes in
    try:
        if not force and _sqlite_has_data(lock):
            raise BackupError(
                f"the database {str(target)!r} already holds data; add --force to replace it with the backup", 1
            )
        _copy_sqlite(db_file, lock)
    finally:
        lock.close()


def remove_sqlite(path: Path) -> None:
    """A restore that failed into a new file leaves nothing behind (the file, nor its -wal/-shm/-journal)."""
    for p in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))):
        p.unlink(missing_ok=True)


def _sqlite_has_data(conn: sqlite3.Connection) -> bool:
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for name in names:
        if name == "alembic_version" or name.startswith("sqlite_"):
            continue
        if conn.execute(f'SELECT 1 FROM "{name}" LIMIT 1').fetchone() is not None:
            return True
    return False


def _copy_sqlite(db_file: Path, target: sqlite3.Connection) -> None:
    # Read-only and immutable: nothing is written beside the backup (no -wal/-shm), so it restores from a
    # read-only folder too. A backup in WAL mode (written by an older est-bot) is read the same way.
    source = sqlite3.connect(f"{db_file.absolute().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        source.backup(target)
    except sqlite3.Error as exc:
        raise BackupError(f"{db_file} cannot be restored ({_reason(exc)})", 1) from None
    finally:
        source.close()
        target.close()


def _restore_pg(dump: Path, url: str, engine: Engine, *, force: bool) -> None:
    busy = in_use(engine)
    if busy:
        raise BackupError(f"the database is in use: {busy}; stop every est-bot process and run restore again", 1)
    full = has_data(engine)
    tables = bool(inspect(engine).get_table_names())
    if full and not force:
        raise BackupError("the database already holds data; add --force to replace it with the backup", 1)
    engine.dispose()
    plain, env = _pg_env(url)
    argv = [_tool("pg_restore"), "--no-owner", "--single-transaction", "--exit-on-error", f"--dbname={plain}"]
    if tables:
        argv += ["--clean", "--if-exists"]
    _run([*argv, str(dump)], env, "pg_restore")
