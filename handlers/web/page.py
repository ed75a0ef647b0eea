"""How a page of the web view is declared (`Page`), what its endpoint gets (`Viewing`), and how it is rendered.

A page module lists its routes as `ROUTES: tuple[Page, ...]`; the app (handlers/web/app.py) signs the request in,
checks the role and, for a POST, the CSRF token, before the endpoint runs. Endpoints are plain functions, run in
the threadpool (the use cases read storage synchronously).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.templating import Jinja2Templates

from bot.config import GroupConfig
from bot.domain.model import Person
from bot.text import listed, norm_lang, t
from bot.usecases.context import Env
from handlers.web.security import Keys

ROLES: tuple[str, ...] = ("reporter", "participant", "coordinator")

_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class Viewing:
    """One signed-in request: who asks, in which group and language, and the session's CSRF token."""

    env: Env
    person: Person
    group: GroupConfig
    lang: str
    csrf: str
    now: datetime
    form: Mapping[str, str] = field(default_factory=lambda: _EMPTY)  # a POST's fields (CSRF already checked)

    def t(self, key: str, **kw: object) -> str:
        return t(self.lang, key, **kw)

    def page(self, request: Request, template: str, status_code: int = 200, **context: object) -> HTMLResponse:
        return render(
            request, template, self.lang, status_code=status_code, person=self.person, csrf=self.csrf, **context
        )


Endpoint = Callable[[Request, Viewing], Any]  # returns a starlette Response


@dataclass(frozen=True)
class Page:
    path: str
    name: str
    role: str  # "reporter" | "participant" | "coordinator"
    endpoint: Endpoint
    methods: tuple[str, ...] = ("GET",)
    sample: Mapping[str, str] = field(default_factory=lambda: _EMPTY)  # path parameters for the route test

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"{self.path}: role {self.role!r} is none of {ROLES}")


@dataclass(frozen=True)
class Public:
    """A route of the sign-in itself, open to anyone; it checks what it needs (the link, the cookie, the CSRF
    token) on its own."""

    path: str
    name: str
    endpoint: Callable[[Request, Keys], Awaitable[Response]]
    methods: tuple[str, ...] = ("GET",)
    sample: Mapping[str, str] = field(default_factory=lambda: _EMPTY)


#: The menu: route name, label, the least role that sees it. An entry shows only if its route exists.
NAV: tuple[tuple[str, str, str], ...] = (
    ("weeks", "web.nav.weeks", "participant"),
    ("trends", "web.nav.trends", "participant"),
    ("map", "web.nav.map", "participant"),
    ("actions", "web.nav.actions", "participant"),
    ("statistics", "web.nav.statistics", "participant"),
    ("reports", "web.nav.reports", "reporter"),
    ("me", "web.nav.me", "reporter"),
    ("review", "web.nav.review", "coordinator"),
)


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("handlers.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


TEMPLATES = Jinja2Templates(env=_environment())


def path_for(request: Request, name: str, **params: str) -> str:
    """A route's path (with the proxy's prefix): links and redirects never name the host."""
    return request.url_for(name, **params).path


def route_names(request: Request) -> frozenset[str]:
    names: frozenset[str] = request.app.state.route_names
    return names


def render(
    request: Request,
    template: str,
    lang: str | None,
    *,
    status_code: int = 200,
    person: Person | None = None,
    csrf: str = "",
    **context: object,
) -> HTMLResponse:
    """A page in `lang` with the frame (menu, who is signed in, the logout form)."""
    lang = norm_lang(lang)
    names = route_names(request)
    nav = [
        (name, t(lang, label))
        for name, label, role in NAV
        if person is not None and name in names and person.has_role(role)
    ]
    values: dict[str, object] = {
        # Links are paths (with the proxy's prefix, if any), never absolute: the page is right whatever host
        # name the proxy passes on, and a saved copy (the demo's snapshot) can rewrite them.
        "url_for": lambda name, **params: path_for(request, name, **params),
        "t": lambda key, **kw: t(lang, key, **kw),
        "listed": lambda parts: listed(lang, parts),
        "lang": lang,
        "person": person,
        "csrf": csrf,
        "nav": nav,
        "role_name": (t(lang, f"role.one.{person.role}") if person is not None else ""),
        **context,
    }
    response = TEMPLATES.TemplateResponse(request, template, values, status_code=status_code)
    if person is not None:
        response.headers["cache-control"] = "no-store"
    return response


def lang_of(request: Request) -> str:
    """A page's language before anyone is known: Swedish, or English when the page was asked for with
    `?lang=en` (the sign-out of an English speaker). Not the browser's: Swedish staff often run English
    browsers."""
    return norm_lang(request.query_params.get("lang"))


def message(
    request: Request,
    lang: str,
    status_code: int,
    title: str,
    body: str,
    person: Person | None = None,
    csrf: str = "",
) -> HTMLResponse:
    """A page that only says something: a refusal, an error, a link that works no more."""
    return render(
        request, "message.html.j2", lang, status_code=status_code, person=person, csrf=csrf, title=title, body=body
    )


def csrf_refused(request: Request, lang: str, person: Person | None = None, csrf: str = "") -> HTMLResponse:
    """A form posted without its CSRF token (or another's): 403, and nothing was done."""
    return message(request, lang, 403, t(lang, "web.csrf.title"), t(lang, "web.csrf.body"), person, csrf)
