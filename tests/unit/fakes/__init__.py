"""In-memory fakes of the storage ports (bot/ports/): `FakeUnitOfWork` over a `FakeDatabase`, one fake repository
per port, for fast tests of the core without a database."""

from __future__ import annotations

from tests.unit.fakes.tables import FakeDatabase
from tests.unit.fakes.uow import FakeStorage, FakeUnitOfWork

__all__ = ["FakeDatabase", "FakeStorage", "FakeUnitOfWork"]
