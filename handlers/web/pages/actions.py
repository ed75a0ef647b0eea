"""The actions page: every decided action with its status, who acts, the time frame and its level before and
after; a coordinator marks an action ongoing or done with a form (POST, CSRF checked by the app) that goes
through the same use case as the chat command, then comes back here (303) with a confirmation."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.usecases.actions import WEB_STATUSES, Marked, mark_action_status
from bot.usecases.views.actions import actions_page
from handlers.web.page import Page, Viewing, path_for


def _confirmation(request: Request, v: Viewing) -> str:
    """What was just marked, from the redirect's query (an id and a status, nothing personal)."""
    marked, status = request.query_params.get("marked", ""), request.query_params.get("status", "")
    if not (marked.isascii() and marked.isdigit() and len(marked) <= 12) or status not in WEB_STATUSES:
        return ""
    return v.t("web.actions.marked", id=int(marked), status=v.t(f"status.{status}"))


def actions(request: Request, v: Viewing) -> Response:
    return v.page(request, "actions.html.j2", view=actions_page(v.env, v.person), marked=_confirmation(request, v))


def action_status(request: Request, v: Viewing) -> Response:
    written: str = request.path_params["action_id"]
    status = v.form.get("status", "")
    action_id = int(written) if written.isascii() and written.isdigit() and len(written) <= 12 else None
    result = Marked.UNKNOWN if action_id is None else mark_action_status(v.env, v.person, action_id, status)
    if result is Marked.DONE:
        query = urlencode({"marked": action_id, "status": status})
        # back to the same row, not the top of a long list
        return RedirectResponse(f"{path_for(request, 'actions')}?{query}#action-{action_id}", status_code=303)
    if result is Marked.UNKNOWN:
        title, body, code = v.t("web.actions.unknown.title"), v.t("web.actions.unknown", id=written[:20]), 404
    elif result is Marked.BAD_STATUS:
        statuses = v.t("web.actions.or").join(v.t(f"status.{s}") for s in WEB_STATUSES)
        title, body, code = v.t("web.actions.bad_status.title"), v.t("web.actions.bad_status", statuses=statuses), 400
    else:  # the app lets only coordinators post here; the use case checks again
        title, body, code = v.t("web.forbidden.title"), v.t("web.actions.refused"), 403
    return v.page(request, "action_status.html.j2", status_code=code, title=title, body=body)


ROUTES = (
    Page("/actions", "actions", "participant", actions),
    Page(
        "/actions/{action_id}/status",
        "action_status",
        "coordinator",
        action_status,
        methods=("POST",),
        sample={"action_id": "1"},
    ),
)
