"""The week's form for people reached by e-mail (bot/usecases/form.py), and turning the Friday report off.

Opening the e-mail's link (GET /form/<token>) checks it and starts a short FORM SESSION: a cookie of its own,
signed with EST_WEB_SECRET, holding the form it opens (person, round, generation) and when it started; it lasts
FORM_HOURS and opens that one form only, never the rest of the web view (whose pages want the web session's
cookie), so a forwarded e-mail exposes one week's form. The answer is a redirect to /form, so the token leaves
the address bar. Every request of the session checks the form again (an "Inte jag?" or the round's end stops
it). Posts carry a CSRF token bound to the session, and the response's version as the page showed it.

The e-mail's one-click paths are links too, and mail systems open links to scan them: GET /form/<token>/nothing
and GET /report-off/<token> only show a page with one button; the POST does it. A POST to /report-off/<token>
whose body is `List-Unsubscribe=One-Click` (RFC 8058, sent by mail providers without any cookie) turns the
report off at once.
"""

from __future__ import annotations

import hmac

from itsdangerous import BadData, URLSafeSerializer
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot.conversation.form import FormAnswers, ItemAnswer, KnownPlace, NewPlace, PlaceAnswer, Quick
from bot.conversation.mail import FormRef
from bot.conversation.questionnaire import MORE_MAX, NOTE_MAX, PLACE_MAX
from bot.text import t
from bot.usecases import form as uc
from bot.usecases.context import Env
from handlers.web.page import Public, csrf_refused, lang_of, path_for, render
from handlers.web.security import Keys

#: How long an opened form lasts: then the e-mail's link again. A working day, so a page left open over lunch
#: still takes what was typed into it.
FORM_HOURS = 12
_MAX_FIELDS = 400  # four fields a question: 24 questions a person with two areas
_STATUS = {"forged": 404, "revoked": 410, "closed": 410, "gone": 410}
SAMPLE_TOKEN = {"token": "x" * 40}
#: What the engine keeps of a place, a note and what more (it cuts longer text and says so): the fields' maxlength.
LIMITS = {"place": PLACE_MAX, "note": NOTE_MAX, "more": MORE_MAX}


class FormSession:
    """The form session's cookie: the FormRef and its start, signed; and its CSRF token."""

    def __init__(self, keys: Keys, env: Env) -> None:
        self.keys = keys
        self.env = env
        self.signer = URLSafeSerializer(keys.link_secret, salt="est-form-session")
        self.cookie = "__Host-est-form" if keys.secure else "est-form"

    def start(self, response: Response, ref: FormRef) -> None:
        started = int(self.env.clock.now().timestamp())
        value = self.signer.dumps([ref.person_id, ref.round_id, ref.generation, started])
        response.set_cookie(
            self.cookie,
            str(value),
            max_age=FORM_HOURS * 3600,
            path="/",
            secure=self.keys.secure,
            httponly=True,
            samesite="lax",
        )

    def end(self, response: Response) -> None:
        response.delete_cookie(self.cookie, path="/", secure=self.keys.secure, httponly=True, samesite="lax")

    def ref(self, request: Request) -> FormRef | None:
        raw = request.cookies.get(self.cookie)
        if not raw:
            return None
        try:
            value = self.signer.loads(raw[:400])
        except BadData:
            return None
        if not (isinstance(value, list) and len(value) == 4 and all(type(v) is int for v in value)):
            return None
        age = self.env.clock.now().timestamp() - value[3]
        if not 0 <= age < FORM_HOURS * 3600:
            return None
        return FormRef(value[0], value[1], value[2])

    def csrf(self, request: Request) -> str:
        return self.keys.csrf("form:" + request.cookies.get(self.cookie, ""))

    def csrf_ok(self, request: Request, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(self.csrf(request), given)


def _env(request: Request) -> Env:
    env: Env = request.app.state.env
    return env


def _message(request: Request, lang: str, status: int, title: str, body: str) -> HTMLResponse:
    """A page that only says something, without the web view's way home (an e-mailed person has no sign-in)."""
    response = render(request, "form_message.html.j2", lang, status_code=status, title=title, body=body)
    response.headers["cache-control"] = "no-store"
    return response


def _refused(request: Request, refused: uc.Refused, session: FormSession | None = None) -> Response:
    lang = refused.lang
    response = _message(
        request,
        lang,
        _STATUS[refused.reason],
        t(lang, "web.form.refused.title"),
        t(lang, f"web.form.refused.{refused.reason}"),
    )
    if session is not None:
        session.end(response)
    response.headers["cache-control"] = "no-store"
    return response


def _no_session(request: Request) -> Response:
    lang = lang_of(request)
    return _message(request, lang, 403, t(lang, "web.form.no_session.title"), t(lang, "web.form.no_session.body"))


def _page(
    request: Request,
    session: FormSession,
    template: str,
    view: uc.FormView,
    missing: tuple[int, ...] = (),
    notice: str = "",
) -> Response:
    csrf = session.csrf(request)
    response = render(request, template, view.lang, csrf=csrf, view=view, missing=missing, notice=notice, limits=LIMITS)
    response.headers["cache-control"] = "no-store"
    return response


def _locked(request: Request, view: uc.FormView) -> Response:
    response = _message(
        request,
        view.lang,
        409,
        t(view.lang, "web.form.locked.title"),
        t(view.lang, "web.form.locked.body", week=view.week),
    )
    response.headers["cache-control"] = "no-store"
    return response


async def _fields(request: Request) -> dict[str, str]:
    async with request.form(max_files=0, max_fields=_MAX_FIELDS) as form:
        return {k: v for k, v in form.items() if isinstance(v, str)}


async def _posted(request: Request, keys: Keys) -> tuple[FormSession, FormRef, dict[str, str]] | Response:
    """A POST of the form session: the session, its form and the fields, or the page that refuses it (no
    session, or a CSRF token that is not the session's)."""
    session = FormSession(keys, _env(request))
    ref = session.ref(request)
    if ref is None:
        return _no_session(request)
    fields = await _fields(request)
    if not session.csrf_ok(request, fields.get("csrf")):
        return csrf_refused(request, lang_of(request))
    return session, ref, fields


def _version(fields: dict[str, str]) -> int:
    raw = fields.get("version", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else -1


def answers_of(fields: dict[str, str], view: uc.FormView) -> FormAnswers:
    """The posted form as the driver's input: per item `l<i>` (0-3), `p<i>` (a known place, by its name: the
    list's order may change while the page is open, when a coordinator approves a place), `np<i>` (a new place,
    which wins over the list), `w<i>` (the note); `more`; a quick path in `quick`."""
    known_places = {item.index: area.places for area in view.areas for item in area.items}
    items: list[ItemAnswer] = []
    for i in range(_items(view)):
        raw = fields.get(f"l{i}", "")
        level = int(raw) if raw in ("0", "1", "2", "3") else None
        typed, chosen = fields.get(f"np{i}", "").strip(), fields.get(f"p{i}", "").strip()
        places = known_places.get(i, ())
        place: PlaceAnswer = None
        if typed:
            place = NewPlace(typed)
        elif chosen in places:
            place = KnownPlace(places.index(chosen))
        elif chosen:  # a place no longer on the list (renamed, merged): as typed, for the engine to match or add
            place = NewPlace(chosen)
        items.append(ItemAnswer(level, place, fields.get(f"w{i}", "")))
    quick: Quick | None = None
    if fields.get("quick") == "nothing":
        quick = "nothing"
    elif fields.get("quick") == "same":
        quick = "same"
    return FormAnswers(tuple(items), fields.get("more", ""), quick)


def _items(view: uc.FormView) -> int:
    return sum(len(a.items) for a in view.areas)


# ---- the link and the session ---------------------------------------------------------------------------------


async def open_form(request: Request, keys: Keys) -> Response:
    """GET /form/<token>: check the link, start the form session, and on to /form."""
    session = FormSession(keys, _env(request))
    opened = await run_in_threadpool(uc.open_link, _env(request), keys.link_secret, str(request.path_params["token"]))
    if isinstance(opened, uc.Refused):
        return _refused(request, opened)
    response = RedirectResponse(path_for(request, "form"), status_code=303)
    session.start(response, opened.ref)
    return response


async def _session_view(request: Request, keys: Keys) -> tuple[FormSession, FormRef, uc.FormView] | Response:
    session = FormSession(keys, _env(request))
    ref = session.ref(request)
    if ref is None:
        return _no_session(request)
    view = await run_in_threadpool(uc.form_view, _env(request), ref)
    if isinstance(view, uc.Refused):
        return _refused(request, view, session)
    return session, ref, view


async def show_form(request: Request, keys: Keys) -> Response:
    """GET /form: the questions, prefilled with what is stored (here or in the chat)."""
    found = await _session_view(request, keys)
    if isinstance(found, Response):
        return found
    session, _, view = found
    if view.locked:
        return _locked(request, view)
    return _page(request, session, "form.html.j2", view, missing=(), notice="")


async def post_form(request: Request, keys: Keys) -> Response:
    """POST /form: the answers (or a quick path) into the questionnaire, then the summary (PRG)."""
    posted = await _posted(request, keys)
    if isinstance(posted, Response):
        return posted
    session, ref, fields = posted
    env = _env(request)
    view = await run_in_threadpool(uc.form_view, env, ref)
    if isinstance(view, uc.Refused):
        return _refused(request, view, session)
    answers = answers_of(fields, view)
    done = await run_in_threadpool(uc.submit, env, ref, _version(fields), answers)
    return _after(request, session, done)


def _after(request: Request, session: FormSession, done: uc.Submitted | uc.Refused) -> Response:
    if isinstance(done, uc.Refused):
        return _refused(request, done, session)
    view = done.view
    if done.outcome == "closed":
        return _locked(request, view)
    if done.outcome == "stale":
        return _page(request, session, "form.html.j2", view, missing=(), notice=t(view.lang, "web.form.stale"))
    if done.outcome == "incomplete":
        notice = " ".join([*done.notices, t(view.lang, "web.form.missing", items=_missing_names(view, done.missing))])
        response = _page(request, session, "form.html.j2", view, missing=done.missing, notice=notice)
        response.status_code = 422
        return response
    target = path_for(request, "form_sent" if done.outcome == "sent" else "form_summary")
    return RedirectResponse(target + ("?cut=1" if done.notices else ""), status_code=303)


def _missing_names(view: uc.FormView, missing: tuple[int, ...]) -> str:
    """The questions still without a level, by area when the person has several ("Norr: Hot och våld, Klotter;
    …"): a factor's name alone does not say which area's question is meant."""
    groups = [(area.name, [item.factor for item in area.items if item.index in missing]) for area in view.areas]
    named = [(area, factors) for area, factors in groups if factors]
    if len(view.areas) < 2:
        return ", ".join(f for _, factors in named for f in factors)
    return "; ".join(f"{area}: {', '.join(factors)}" for area, factors in named)


async def summary(request: Request, keys: Keys) -> Response:
    """GET /form/summary: the engine's summary lines, "Skicka" and "Ändra"."""
    found = await _session_view(request, keys)
    if isinstance(found, Response):
        return found
    session, _, view = found
    if view.locked:
        return _locked(request, view)
    if view.step not in ("summary", "sent"):
        return RedirectResponse(path_for(request, "form"), status_code=303)
    notice = t(view.lang, "web.form.cut") if request.query_params.get("cut") else ""
    return _page(request, session, "form_summary.html.j2", view, notice=notice)


async def send(request: Request, keys: Keys) -> Response:
    """POST /form/summary: "Skicka"."""
    posted = await _posted(request, keys)
    if isinstance(posted, Response):
        return posted
    session, ref, fields = posted
    done = await run_in_threadpool(uc.send_summary, _env(request), ref, _version(fields))
    if isinstance(done, uc.Submitted) and done.outcome == "incomplete":
        return RedirectResponse(path_for(request, "form"), status_code=303)
    return _after(request, session, done)


async def sent(request: Request, keys: Keys) -> Response:
    """GET /form/sent: thanks, until when it can be changed, and the way back to change it."""
    found = await _session_view(request, keys)
    if isinstance(found, Response):
        return found
    session, _, view = found
    if view.status != "submitted" or view.step != "sent":  # changed after sending, not sent again: its summary
        target = "form_summary" if view.step == "summary" else "form"
        return RedirectResponse(path_for(request, target), status_code=303)
    return _page(request, session, "form_sent.html.j2", view)


async def not_me(request: Request, keys: Keys) -> Response:
    """POST /form/not-me: first the confirmation page; confirmed, the links are blocked and the coordinator told."""
    found = await _session_view(request, keys)
    if isinstance(found, Response):
        return found
    session, ref, view = found
    fields = await _fields(request)
    if not session.csrf_ok(request, fields.get("csrf")):
        return csrf_refused(request, view.lang)
    if fields.get("confirm") != "yes":
        return _page(request, session, "form_not_me.html.j2", view)
    done = await run_in_threadpool(uc.not_me, _env(request), ref)
    if isinstance(done, uc.Refused):
        return _refused(request, done, session)
    body = t(done.lang, "web.form.not_me.done.body" if done.told else "web.form.not_me.done.untold")
    response = _message(request, done.lang, 200, t(done.lang, "web.form.not_me.done.title"), body)
    session.end(response)
    return response


# ---- the e-mail's one-click paths -----------------------------------------------------------------------------


async def nothing(request: Request, keys: Keys) -> Response:
    """GET /form/<token>/nothing: the one button (a mail scanner's GET changes nothing)."""
    token = str(request.path_params["token"])
    env = _env(request)
    opened = await run_in_threadpool(uc.open_link, env, keys.link_secret, token)
    if isinstance(opened, uc.Refused):
        return _refused(request, opened)
    view = await run_in_threadpool(uc.form_view, env, opened.ref)
    if isinstance(view, uc.Refused):
        return _refused(request, view)
    if view.locked:
        return _locked(request, view)
    response = render(request, "form_nothing.html.j2", view.lang, view=view, token=token)
    response.headers["cache-control"] = "no-store"
    return response


async def nothing_send(request: Request, keys: Keys) -> Response:
    """POST /form/<token>/nothing: "nothing to report" sent; then the thanks, in a form session."""
    token = str(request.path_params["token"])
    env = _env(request)
    fields = await _fields(request)
    opened = await run_in_threadpool(uc.open_link, env, keys.link_secret, token)
    if isinstance(opened, uc.Refused):
        return _refused(request, opened)
    session = FormSession(keys, _env(request))
    done = await run_in_threadpool(uc.submit, env, opened.ref, _version(fields), FormAnswers(quick="nothing"), True)
    if isinstance(done, uc.Refused):
        return _refused(request, done)
    # sent (or pressed twice): the thanks; changed elsewhere meanwhile, or closed: the form says what stands
    target = "form_sent" if done.outcome == "sent" else "form"
    response = RedirectResponse(path_for(request, target), status_code=303)
    session.start(response, opened.ref)
    return response


async def report_off(request: Request, keys: Keys) -> Response:
    """GET /report-off/<token>: whose report, and one button."""
    token = str(request.path_params["token"])
    found = await run_in_threadpool(uc.report_off, _env(request), keys.link_secret, token, False)
    return _report_off_page(request, token, found)


async def report_off_post(request: Request, keys: Keys) -> Response:
    """POST /report-off/<token>: the button, or RFC 8058's one click (`List-Unsubscribe=One-Click`)."""
    token = str(request.path_params["token"])
    fields = await _fields(request)
    how = "one-click" if fields.get("List-Unsubscribe") == "One-Click" else "page"
    found = await run_in_threadpool(uc.report_off, _env(request), keys.link_secret, token, True, how)
    return _report_off_page(request, token, found)


def _report_off_page(request: Request, token: str, found: uc.ReportOff | uc.Refused) -> Response:
    if isinstance(found, uc.Refused):
        lang = found.lang
        status = 404 if found.reason == "forged" else 410
        return _message(request, lang, status, t(lang, "web.report_off.title"), t(lang, "web.report_off.refused"))
    response: HTMLResponse = render(request, "report_off.html.j2", found.lang, off=found, token=token)
    response.headers["cache-control"] = "no-store"
    return response


ROUTES: tuple[Public, ...] = (
    Public("/form", "form", show_form),
    Public("/form", "form_post", post_form, methods=("POST",)),
    Public("/form/summary", "form_summary", summary),
    Public("/form/summary", "form_send", send, methods=("POST",)),
    Public("/form/sent", "form_sent", sent),
    Public("/form/not-me", "form_not_me", not_me, methods=("POST",)),
    Public("/form/{token}", "form_open", open_form, sample=SAMPLE_TOKEN),
    Public("/form/{token}/nothing", "form_nothing", nothing, sample=SAMPLE_TOKEN),
    Public("/form/{token}/nothing", "form_nothing_send", nothing_send, methods=("POST",), sample=SAMPLE_TOKEN),
    Public("/report-off/{token}", "report_off", report_off, sample=SAMPLE_TOKEN),
    Public("/report-off/{token}", "report_off_post", report_off_post, methods=("POST",), sample=SAMPLE_TOKEN),
)
