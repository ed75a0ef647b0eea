"""The weeks (issue 16, pages 1 and 2): the group's weeks, and one week with its picture, what stands out, the
candidates and decisions, the approved notes, the links to its reports and exports, and for coordinators who
has not answered. The data comes from bot/usecases/views/weeks.py; the templates only lay it out."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.usecases.views.weeks import week_page, weeks_page
from handlers.web.page import Page, Viewing, path_for

# A week's reports (reporter and up, once published) and exports (coordinators): route name, label.
REPORT_LINKS: tuple[tuple[str, str], ...] = (("report_pdf", "web.week.link.pdf"), ("report_html", "web.week.link.html"))
EXPORT_LINKS: tuple[tuple[str, str], ...] = (("export_csv", "web.week.link.csv"), ("export_xlsx", "web.week.link.xlsx"))


def weeks(request: Request, viewing: Viewing) -> Response:
    return viewing.page(request, "weeks.html.j2", page=weeks_page(viewing.env, viewing.person))


def week(request: Request, viewing: Viewing) -> Response:
    key = str(request.path_params["week"])
    page = week_page(viewing.env, viewing.person, key)
    if page is None:
        return viewing.page(request, "week_missing.html.j2", status_code=404, week=key)
    shown = [*(REPORT_LINKS if page.report else ()), *(EXPORT_LINKS if viewing.person.has_role("coordinator") else ())]
    links = [(viewing.t(text), path_for(request, name, week=page.week)) for name, text in shown]
    return viewing.page(request, "week.html.j2", page=page, links=links)


ROUTES: tuple[Page, ...] = (
    Page("/weeks", "weeks", "participant", weeks),
    Page("/weeks/{week}", "week", "participant", week, sample={"week": "2026-W47"}),
)
