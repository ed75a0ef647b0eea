"""Shared fixtures: a real database (SQLite file, and PostgreSQL when EST_TEST_PG_URL is set), a moved clock,
a small group, and a `Bot` that speaks as any person and returns what the bot answered.

The run gets a temp folder of its own (TMPDIR for this process and every process it starts); at the end the session
fails if anything named `est-*` is left in it, then removes it. pytest's own `tmp_path` folders stay where pytest
keeps them."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from bot.bootstrap import App, build
from bot.clock import ManualClock
from bot.config import Config, parse_config
from standins.config import TUE_OPEN, RecordingSender, group_dict
from standins.telegram_api import FakeTelegramAPI
from tests.support.transcript import TranscriptBot

__all__ = ["TUE_OPEN", "Bot", "RecordingSender", "group_dict", "make_config", "reports_dir"]

PG_URL = os.environ.get("EST_TEST_PG_URL")
LEFT_BEHIND = "est-*"  # what no test may leave in the temp folder
_RUN_TMP: list[Path] = []  # this run's temp folder, set in pytest_configure
_REPORTS_ROOT: list[Path] = []  # under pytest's basetemp, set by the session fixture below


def pytest_configure(config: pytest.Config) -> None:
    """Point this run (and its child processes) at a temp folder of its own, so that what it leaves behind can be
    told apart from what other runs on the machine make. pytest's basetemp stays in the system temp folder."""
    if _RUN_TMP:
        return
    system_tmp = tempfile.gettempdir()
    os.environ.setdefault("PYTEST_DEBUG_TEMPROOT", system_tmp)
    run_tmp = Path(tempfile.mkdtemp(prefix="pytest-est-run-", dir=system_tmp))
    _RUN_TMP.append(run_tmp)
    os.environ["TMPDIR"] = str(run_tmp)
    tempfile.tempdir = str(run_tmp)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if a test left an `est-*` file or folder in the temp folder; then remove the run's folder."""
    if not _RUN_TMP:
        return
    run_tmp = _RUN_TMP.pop()
    left = sorted(p.name for p in run_tmp.glob(LEFT_BEHIND))
    shutil.rmtree(run_tmp)
    if left:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = f"tests left {len(left)} {LEFT_BEHIND} in the temp folder: {', '.join(left[:10])}"
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write_sep("=", message, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session", autouse=True)
def _reports_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    _REPORTS_ROOT.append(tmp_path_factory.mktemp("reports"))
    yield
    _REPORTS_ROOT.clear()


def reports_dir() -> str:
    """A new reports folder under this session's pytest temp folder (removed with it; never left in /tmp)."""
    assert _REPORTS_ROOT, "reports_dir() is only available while tests run"
    return tempfile.mkdtemp(prefix="reports-", dir=_REPORTS_ROOT[0])


def make_config(url: str, **over: Any) -> Config:
    return parse_config(
        {"reports_dir": reports_dir(), "database": {"url": url}, "groups": [group_dict(**over)]}, "test"
    )


def _backends() -> list[str]:
    return ["sqlite", "postgres"] if PG_URL else ["sqlite"]


@pytest.fixture(params=_backends())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'est.sqlite'}"
        return
    assert PG_URL is not None
    name = "est_test_" + uuid.uuid4().hex[:10]
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    base, _, _ = PG_URL.rpartition("/")
    yield f"{base}/{name}"
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class Bot(TranscriptBot):
    """The test group's bot over a real database (`url`), as `bot.bootstrap.build` starts it."""

    def __init__(self, app: App, clock: ManualClock, sender: RecordingSender, url: str) -> None:
        super().__init__(app.services, app.dispatcher, clock, sender)
        self.app = app
        self.url = url

    def restart(self) -> Bot:
        """A new process over the same database: new engine, services, dispatcher; same clock."""
        self.app.close()
        sender = RecordingSender()
        app = build(self.app.config, clock=self.clock, senders={"console": sender})
        return Bot(app, self.clock, sender, self.url)


@pytest.fixture
def bot(db_url: str) -> Iterator[Bot]:
    clock = ManualClock(TUE_OPEN)
    sender = RecordingSender()
    app = build(make_config(db_url), clock=clock, senders={"console": sender})
    b = Bot(app, clock, sender, db_url)
    yield b
    b.app.close()


@pytest.fixture
def fake_telegram_api() -> Iterator[FakeTelegramAPI]:
    """A running `FakeTelegramAPI`."""
    with FakeTelegramAPI() as fake:
        yield fake
