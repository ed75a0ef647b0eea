"""Every route of the web view: the sign-in's (open to anyone) and the pages (behind a role), one module each."""

from __future__ import annotations

from handlers.web.page import Page, Public
from handlers.web.pages import actions, form, home, map, mine, signin, statistics, trends, weeks

PUBLIC: tuple[Public, ...] = (*signin.ROUTES, *form.ROUTES)

ROUTES: tuple[Page, ...] = (
    *home.ROUTES,
    *map.ROUTES,
    *mine.ROUTES,
    *weeks.ROUTES,
    *trends.ROUTES,
    *actions.ROUTES,
    *statistics.ROUTES,
)
