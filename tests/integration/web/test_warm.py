"""Counting the earlier weeks at start (bot/usecases/views/warm.py): after it, the first person to open the weeks
list or the map runs no counting query, as the second person does."""

from __future__ import annotations

from sqlalchemy import event
from starlette.testclient import TestClient

from bot.usecases.views.warm import warm_up
from tests.integration.web.conftest import PEOPLE, Web
from tests.support.report_data import WEEKS


def _statements(web: Web, client: TestClient, path: str) -> int:
    seen: list[str] = []

    def count(conn: object, cursor: object, statement: str, *rest: object) -> None:
        seen.append(statement)

    event.listen(web.app.engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(web.app.engine, "before_cursor_execute", count)
    return len(seen)


def test_a_cold_process_counts_on_the_first_visit(web: Web) -> None:
    client = web.signed_in(PEOPLE["coordinator"])
    assert _statements(web, client, "/weeks") > _statements(web, client, "/weeks")


def test_after_the_warm_start_the_first_visit_counts_nothing(web: Web) -> None:
    assert warm_up(web.app.services.env) == len(WEEKS)
    client = web.signed_in(PEOPLE["coordinator"])
    for path in ("/weeks", "/map/data.json?from=2026-W40&to=2026-W47", "/weeks/2026-W47"):
        assert _statements(web, client, path) == _statements(web, client, path), path
