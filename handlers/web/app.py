"""The web view as an ASGI app: every page of handlers/web/pages/ behind the sign-in, the role check and, for a
POST, the CSRF check; the static files; the error pages; the security headers."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.domain.model import Person
from bot.text import norm_lang, t
from bot.usecases.context import Env
from bot.usecases.web import viewer
from handlers.web.page import Page, Public, Viewing, csrf_refused, lang_of, message, path_for
from handlers.web.pages import PUBLIC, ROUTES
from handlers.web.security import FormLimit, Keys, SecurityHeaders, content_security_policy

log = logging.getLogger(__name__)

_TOKEN_PATH = re.compile(r"/(form|report-off)/[^/]+")

#: The largest form the app reads (a status change is a few dozen bytes).
FORM_LIMIT = 16 * 1024
#: The week's form: 3 areas × 12 factors with a 500-character note each, every letter an å (six bytes
#: percent-encoded), is about 110 KiB; a reporter who types all of it must not lose it.
WEEK_FORM_LIMIT = 256 * 1024


def build_web_app(env: Env, secret: str) -> Starlette:
    """The web view over the use cases of `env`, its cookies signed with `secret` (EST_WEB_SECRET)."""
    keys = Keys(secret, env.config.web)
    routes: list[BaseRoute] = [Route(p.path, _public(p, keys), name=p.name, methods=list(p.methods)) for p in PUBLIC]
    routes += [Route(p.path, _guarded(p, env, keys), name=p.name, methods=list(p.methods)) for p in ROUTES]
    routes.append(Mount("/static", app=StaticFiles(packages=[("handlers.web", "static")]), name="static"))
    # Browsers ask for /favicon.ico by themselves (the pages name an empty icon; a report document does not):
    # no icon, and no 404 in anybody's log.
    routes.append(Route("/favicon.ico", _no_icon, methods=["GET"]))
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders, csp=content_security_policy(env.config.web)),
            Middleware(FormLimit, limit=FORM_LIMIT, larger=(("/form", WEEK_FORM_LIMIT),)),
        ],
        exception_handlers={HTTPException: _http_error, Exception: _last_resort},
    )
    app.state.env = env
    app.state.keys = keys
    app.state.route_names = frozenset([p.name for p in PUBLIC] + [p.name for p in ROUTES])
    return app


def _public(page: Public, keys: Keys) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        try:
            return await page.endpoint(request, keys)
        except HTTPException:
            raise
        except Exception as exc:
            return _failed(request, exc)

    return endpoint


def _guarded(page: Page, env: Env, keys: Keys) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        session_id, person = await _session(request, env, keys)
        if person is None or session_id is None:
            target = path_for(request, "signin") + ("?ended=1" if session_id is not None else "")
            return RedirectResponse(target, status_code=303)
        group = env.group_or_none(person.group_id)
        assert group is not None  # viewer() ends sessions of people whose group is gone
        csrf = keys.csrf("session:" + session_id)
        lang = norm_lang(person.language)
        if not person.has_role(page.role):
            role, own = t(lang, f"role.{page.role}"), t(lang, f"role.one.{person.role}")
            body = t(lang, "web.forbidden.body", role=role, name=person.name, own=own)
            return message(request, lang, 403, t(lang, "web.forbidden.title"), body, person, csrf)
        fields: dict[str, str] = {}
        if request.method == "POST":
            async with request.form(max_files=0, max_fields=50) as form:
                fields = {k: v for k, v in form.items() if isinstance(v, str)}
            if not keys.csrf_ok("session:" + session_id, fields.get("csrf")):
                return csrf_refused(request, lang, person, csrf)
        viewing = Viewing(env, person, group, lang, csrf, env.clock.now(), fields)
        response: Response = await run_in_threadpool(page.endpoint, request, viewing)
        return response

    async def guarded(request: Request) -> Response:
        # A failure is answered here, inside the app (the security headers and the page as always), and logged
        # by its type only: Starlette's last-resort handler would hand the whole exception on to uvicorn's log.
        try:
            return await endpoint(request)
        except HTTPException:
            raise
        except Exception as exc:
            return _failed(request, exc)

    return guarded


async def _no_icon(request: Request) -> Response:
    return Response(status_code=204, headers={"cache-control": "max-age=86400"})


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    lang, person, csrf = lang_of(request), None, ""
    if exc.status_code == 404:
        # a mistyped address of someone signed in: their language and the menu back, as on every other page
        try:
            known = await _signed_in(request)
        except Exception as failure:  # the session only sets the language and menu: a failure here is no 500
            log.error(
                "web view: %s reading the session of a 404 on %s",
                type(failure).__name__,
                _without_token(request.url.path),
            )
            known = None
        if known is not None:
            person, csrf = known
            lang = norm_lang(person.language)
        title, body = t(lang, "web.notfound.title"), t(lang, "web.notfound.body")
    else:
        title, body = t(lang, "web.badrequest.title"), t(lang, "web.badrequest.body")
    return message(request, lang, exc.status_code, title, body, person, csrf)


async def _signed_in(request: Request) -> tuple[Person, str] | None:
    """Who the web session's cookie names, with the session's CSRF token (the frame's sign-out), if anyone."""
    keys: Keys = request.app.state.keys
    session_id, person = await _session(request, request.app.state.env, keys)
    return None if person is None or session_id is None else (person, keys.csrf("session:" + session_id))


async def _session(request: Request, env: Env, keys: Keys) -> tuple[str | None, Person | None]:
    """The session id the cookie carries (None: no cookie, or a forged one) and its person (None: the session
    ended or never was); the session counts as seen."""
    session_id = keys.session_id(request.cookies.get(keys.session_cookie))
    person = None if session_id is None else await run_in_threadpool(viewer, env, session_id)
    return session_id, person


def _failed(request: Request, exc: Exception) -> Response:
    """The error page for a failure in a page; the exception's type only in the log: its text may quote what
    someone typed, or a statement's parameters."""
    log.error("web view: %s on %s %s", type(exc).__name__, request.method, _without_token(request.url.path))
    lang = lang_of(request)
    return message(request, lang, 500, t(lang, "web.error.title"), t(lang, "web.error.body"))


def _without_token(path: str) -> str:
    """A path as the log may show it: never a link's token (the sign-in's, an e-mail's form or report-off)."""
    return _TOKEN_PATH.sub(r"/\1/…", path.split("/in/")[0])


async def _last_resort(request: Request, exc: Exception) -> Response:
    """A failure outside the pages (a middleware, the router): the same page (Starlette then re-raises it)."""
    return _failed(request, exc)
