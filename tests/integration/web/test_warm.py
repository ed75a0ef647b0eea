"""Counting the earlier weeks at start (bot/usecases/views/warm.py): after it, the first person to open the weeks
list or the map runs no counting query, as the second person does."""

from __future__ import annotations

from bot.usecases.views.warm import warm_up
from tests.integration.web.conftest import PEOPLE, Web, statements
from tests.support.report_data import WEEKS


def test_a_cold_process_counts_on_the_first_visit(web: Web) -> None:
    client = web.signed_in(PEOPLE["coordinator"])
    assert statements(web, client, "/weeks") > statements(web, client, "/weeks")


def test_after_the_warm_start_the_first_visit_counts_nothing(web: Web) -> None:
    assert warm_up(web.app.services.env) == len(WEEKS)
    client = web.signed_in(PEOPLE["coordinator"])
    for path in ("/weeks", "/map/data.json?from=2026-W40&to=2026-W47", "/weeks/2026-W47"):
        assert statements(web, client, path) == statements(web, client, path), path
