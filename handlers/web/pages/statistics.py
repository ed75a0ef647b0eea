"""The statistics page: the monthly follow-up of the imported figures for a chosen month (a GET form), its three
charts as inline SVG, each with a table of its figures."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.usecases.views.statistics import statistics_page
from handlers.web.page import Page, Viewing
from handlers.web.svg_charts import month_chart, place_chart, weekday_chart


def statistics(request: Request, v: Viewing) -> Response:
    view = statistics_page(v.env, v.person, request.query_params.get("month"))
    return v.page(
        request,
        "statistics.html.j2",
        view=view,
        months=month_chart(view),
        weekdays=weekday_chart(view),
        places=place_chart(view),
    )


ROUTES = (Page("/statistics", "statistics", "participant", statistics),)
