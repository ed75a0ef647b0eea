"""Signing in with the chat's one-time link, and out.

GET /in/<token> never spends the link: chat apps and mail scanners open links to preview them. It shows a
button; the POST (with a CSRF token bound to a short-lived cookie that only this browser has) spends it and
starts the session. The token is in the path only until then: the answer is a redirect, and the headers
keep it out of any Referer.
"""

from __future__ import annotations

import hmac

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.text import DEFAULT_LANGUAGE, t
from bot.usecases.web import SignedIn, look_at_link, sign_in, sign_out
from handlers.web.page import Public, csrf_refused, lang_of, message, path_for, render
from handlers.web.security import Keys

#: How long the sign-in button's cookie lasts (the link itself lasts 15 minutes).
PRE_SECONDS = 15 * 60

_STATUS = {"unknown": 404, "used": 410, "expired": 410}


async def signin(request: Request, keys: Keys) -> Response:
    lang = lang_of(request)
    notice = ""
    if request.query_params.get("ended"):
        notice = t(lang, "web.idle.body")
    elif request.query_params.get("out"):
        notice = t(lang, "web.signedout.body")
    return render(request, "signin.html.j2", lang, notice=notice)


def _refused(request: Request, reason: str, lang: str) -> Response:
    body = t(lang, f"web.refused.{reason}")
    return message(request, lang, _STATUS.get(reason, 404), t(lang, "web.refused.title"), body)


async def confirm(request: Request, keys: Keys) -> Response:
    token = str(request.path_params["token"])
    look = await run_in_threadpool(look_at_link, request.app.state.env, token)  # spends nothing
    if look.refusal is not None:
        return _refused(request, look.refusal, look.lang)
    cookie, csrf = keys.new_pre()
    response = render(request, "confirm.html.j2", look.lang, csrf=csrf, token=token)
    response.headers["cache-control"] = "no-store"
    response.set_cookie(
        keys.pre_cookie, cookie, max_age=PRE_SECONDS, path="/", secure=keys.secure, httponly=True, samesite="lax"
    )
    return response


async def spend(request: Request, keys: Keys) -> Response:
    token = str(request.path_params["token"])
    async with request.form(max_files=0, max_fields=5) as form:
        given = form.get("csrf")
    expected = keys.pre_csrf(request.cookies.get(keys.pre_cookie))
    look = await run_in_threadpool(look_at_link, request.app.state.env, token)  # the person's language
    if expected is None or not isinstance(given, str) or not hmac.compare_digest(given, expected):
        return csrf_refused(request, look.lang)
    result = await run_in_threadpool(sign_in, request.app.state.env, token)
    if not isinstance(result, SignedIn):
        return _refused(request, result, look.lang)
    response = RedirectResponse(path_for(request, "home"), status_code=303)
    response.set_cookie(
        keys.session_cookie,
        keys.sign_session(result.session_id),
        path="/",
        secure=keys.secure,
        httponly=True,
        samesite="lax",
    )
    response.delete_cookie(keys.pre_cookie, path="/", secure=keys.secure, httponly=True, samesite="lax")
    return response


async def signout(request: Request, keys: Keys) -> Response:
    session_id = keys.session_id(request.cookies.get(keys.session_cookie))
    async with request.form(max_files=0, max_fields=5) as form:
        given = form.get("csrf")
    if session_id is not None:
        if not keys.csrf_ok("session:" + session_id, given if isinstance(given, str) else None):
            return csrf_refused(request, lang_of(request))
        lang = await run_in_threadpool(sign_out, request.app.state.env, session_id)
    else:
        lang = DEFAULT_LANGUAGE
    query = "?out=1" + ("&lang=en" if lang == "en" else "")  # the next page in the person's language
    response = RedirectResponse(path_for(request, "signin") + query, status_code=303)
    response.delete_cookie(keys.session_cookie, path="/", secure=keys.secure, httponly=True, samesite="lax")
    return response


ROUTES = (
    Public("/signin", "signin", signin),
    Public("/in/{token}", "confirm", confirm, sample={"token": "x" * 43}),
    Public("/in/{token}", "spend", spend, methods=("POST",), sample={"token": "x" * 43}),
    Public("/signout", "signout", signout, methods=("POST",)),
)
