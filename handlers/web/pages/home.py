"""The start page: the person's first page by role (the weeks for the meeting, their own answers for a
reporter), or the menu if that page does not exist."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from handlers.web.page import Page, Viewing, path_for, route_names


def home(request: Request, v: Viewing) -> Response:
    names = route_names(request)
    first = "weeks" if v.person.has_role("participant") else "me"
    if first in names:
        return RedirectResponse(path_for(request, first), status_code=303)
    return v.page(request, "home.html.j2")


ROUTES = (Page("/", "home", "reporter", home),)
