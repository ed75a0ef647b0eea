"""A PostgreSQL database of a test's own on the test server (EST_TEST_PG_URL), made empty and dropped after."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text


@contextmanager
def fresh_database(server_url: str, prefix: str) -> Iterator[str]:
    """The URL of a new, empty database named `prefix` and a random suffix on the server of `server_url`; dropped
    (its sessions ended) when the block ends."""
    name = prefix + uuid.uuid4().hex[:10]
    admin = create_engine(server_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield f"{server_url.rpartition('/')[0]}/{name}"
        finally:
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
