"""The weeks (issue 16, pages 1 and 2): the group's weeks, and one week with its picture, what stands out, the
candidates and decisions, the approved notes, the links to its reports and exports, and for coordinators who
has not answered. The data comes from bot/usecases/views/weeks.py; the templates only lay it out."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.usecases.views.weeks import week_page, weeks_page
from handlers.web.page import Page, Viewing, path_for, route_names

# Where the reports and exports of a week are (helper W4's routes); the path is the fallback while a route of that
# name is not registered.
REPORT_LINKS: tuple[tuple[str, str, str], ...] = (
    ("report_pdf", "/reports/{week}.pdf", "web.week.link.pdf"),
    ("report_html", "/reports/{week}.html", "web.week.link.html"),
)
EXPORT_LINKS: tuple[tuple[str, str, str], ...] = (
    ("export_csv", "/weeks/{week}/export.csv", "web.week.link.csv"),
    ("export_xlsx", "/weeks/{week}/export.xlsx", "web.week.link.xlsx"),
)


def link(request: Request, name: str, path: str, week: str) -> str:
    """The route's path when it is registered, else the path it will have (both with the proxy's prefix)."""
    if name in route_names(request):
        return path_for(request, name, week=week)
    return str(request.scope.get("root_path", "")) + path.format(week=week)


def weeks(request: Request, viewing: Viewing) -> Response:
    return viewing.page(request, "weeks.html.j2", page=weeks_page(viewing.env, viewing.person))


def week(request: Request, viewing: Viewing) -> Response:
    key = str(request.path_params["week"])
    page = week_page(viewing.env, viewing.person, key)
    if page is None:
        return viewing.page(request, "week_missing.html.j2", status_code=404, week=key)
    links = (
        [(viewing.t(text), link(request, name, path, page.week)) for name, path, text in REPORT_LINKS]
        if page.report
        else []
    )
    if viewing.person.has_role("coordinator"):
        links += [(viewing.t(text), link(request, name, path, page.week)) for name, path, text in EXPORT_LINKS]
    return viewing.page(request, "week.html.j2", page=page, links=links)


ROUTES: tuple[Page, ...] = (
    Page("/weeks", "weeks", "participant", weeks),
    Page("/weeks/{week}", "week", "participant", week, sample={"week": "2026-W47"}),
)
