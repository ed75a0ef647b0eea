"""The week page's links to its reports and exports (handlers/web/pages/weeks.py `link`): by route name once the
route exists, by the path it will have until then; with the proxy's prefix either way."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from handlers.web.pages.weeks import EXPORT_LINKS, REPORT_LINKS, link


def _links(request: Request) -> PlainTextResponse:
    shown = [link(request, name, path, "2026-W47") for name, path, _ in (*REPORT_LINKS, *EXPORT_LINKS)]
    return PlainTextResponse("\n".join(shown))


def _stub(request: Request) -> PlainTextResponse:
    return PlainTextResponse("")


def test_links_by_route_when_it_exists_and_by_path_until_then() -> None:
    app = Starlette(
        routes=[
            Route("/links", _links),
            Route("/rapporter/{week}.pdf", _stub, name="report_pdf"),  # a registered route wins over the path
        ]
    )
    app.state.route_names = frozenset({"report_pdf"})
    with TestClient(app, root_path="/est") as client:
        shown = client.get("/links").text.splitlines()
    assert shown == [
        "/est/rapporter/2026-W47.pdf",
        "/est/reports/2026-W47.html",
        "/est/weeks/2026-W47/export.csv",
        "/est/weeks/2026-W47/export.xlsx",
    ]
