"""Storage: the migrations build exactly the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from storage.db import make_engine
from storage.migrate import alembic_config, current_revision, migrate
from storage.models import Base
from storage.pacing import TABLE as PACING_TABLE


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_migrations_build_the_models_schema(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate(engine)
        migrate(engine)  # twice is harmless
        assert current_revision(engine) == head_revision()
        # est_pacing_v1 (revision 0009, PostgreSQL only) is the pacing's, reached through its functions, not a model
        outside = {PACING_TABLE} if engine.dialect.name == "postgresql" else set()
        opts = {"include_name": lambda name, kind, _parent: kind != "table" or name not in outside}
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata)
            tables = set(inspect(conn).get_table_names())
        assert diff == []
        assert outside <= tables
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_two_not_me_confirmations_at_once_both_move_the_generation_on(db_url: str) -> None:
    # A double click on "Spärra länken": two transactions revoke the same person's links of the same week at once.
    # The second waits for the first (PostgreSQL: the row's lock; SQLite: the writer's lock) and neither fails on
    # the other's new row.
    import threading
    import time
    from datetime import UTC, datetime

    from bot.domain.cycle import RoundKey
    from storage.db import make_session_factory, open_engine
    from storage.uow import SqlUnitOfWork

    now = datetime(2026, 11, 17, 7, 0, tzinfo=UTC)
    engine = open_engine(db_url)
    migrate(engine)
    factory = make_session_factory(engine)
    lock = threading.RLock() if engine.dialect.name == "sqlite" else None
    with SqlUnitOfWork(factory, lock) as uow:
        uow.groups.upsert_group("g", "G")
        person = uow.people.upsert_person("g", "Anna", "Org", "reporter", "sv", True)
        rnd = uow.rounds.create_round("g", RoundKey(2026, 47), now)
        uow.commit()
    first_in = threading.Event()
    got: list[int] = []
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with SqlUnitOfWork(factory, lock) as uow:
                got.append(uow.web.revoke_form_links(person.id, rnd.id, now))
                first_in.set()
                time.sleep(0.3)  # the second confirmation arrives while this one is not committed
                uow.commit()
        except BaseException as exc:
            errors.append(exc)
            first_in.set()

    def second() -> None:
        first_in.wait(10)
        try:
            with SqlUnitOfWork(factory, lock) as uow:
                got.append(uow.web.revoke_form_links(person.id, rnd.id, now))
                uow.commit()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert not errors, errors
    assert sorted(got) == [1, 2]
    with SqlUnitOfWork(factory, lock) as uow:
        assert uow.web.form_generation(person.id, rnd.id) == 2
    engine.dispose()
