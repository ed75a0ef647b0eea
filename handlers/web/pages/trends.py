"""The trends page: one area × one factor (or all factors) over 12 or 52 weeks, on EST's colour bands, with the
decided actions marked on the timeline; a GET form chooses, so it works without JavaScript."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.usecases.views.trends import trends_page
from handlers.web.page import Page, Viewing
from handlers.web.svg_charts import trend_chart


def trends(request: Request, v: Viewing) -> Response:
    query = request.query_params
    view = trends_page(v.env, v.person, query.get("area"), query.get("factor"), query.get("span"))
    return v.page(request, "trends.html.j2", view=view, chart=trend_chart(view))


ROUTES = (Page("/trends", "trends", "participant", trends),)
