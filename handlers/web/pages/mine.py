"""The reporter's pages (their own answers, the published weekly reports as HTML and PDF) and the coordinator's
downloads (a week's export as CSV or XLSX) and review queue. Data from bot/usecases/views (mine, files,
review); strings from bot/text/web_mine.py.

The weekly report as HTML is the document est-bot's report code makes to be mailed or kept (one file with its
charts as data URIs and its own <style> and style attributes, no script). It is served as it is, with a
Content-Security-Policy of its own for that response only: nothing may load or run, styles inline and images
from data URIs only, and it may not be framed.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from bot.usecases.views.files import Download, export_download, report_download
from bot.usecases.views.mine import my_answers, published_reports
from bot.usecases.views.review import review_queue
from handlers.web.page import Page, Viewing

SAMPLE_WEEK = {"week": "2026-W47"}

# The report document's own policy: no script, no fetch, no form; inline styles and data: images only.
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)


def me(request: Request, viewing: Viewing) -> Response:
    return viewing.page(request, "me.html.j2", mine=my_answers(viewing.env, viewing.person))


def reports(request: Request, viewing: Viewing) -> Response:
    return viewing.page(request, "reports.html.j2", listing=published_reports(viewing.env, viewing.person))


def review(request: Request, viewing: Viewing) -> Response:
    return viewing.page(request, "review.html.j2", queue=review_queue(viewing.env, viewing.person))


def _week(request: Request) -> str:
    return str(request.path_params["week"])


def disposition(kind: str, filename: str) -> str:
    """A Content-Disposition with the file's name (RFC 6266; RFC 5987 for a name beyond ASCII)."""
    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace('"', "_").replace("?", "_")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def _download(d: Download, kind: str, csp: str | None = None) -> Response:
    headers = {"Content-Disposition": disposition(kind, d.filename), "Cache-Control": "private, no-store"}
    if csp is not None:
        headers["Content-Security-Policy"] = csp
    return Response(d.content, media_type=d.media_type, headers=headers)


def _missing(request: Request, viewing: Viewing, what: str, week: str) -> Response:
    return viewing.page(
        request,
        "mine_missing.html.j2",
        status_code=404,
        heading=viewing.t(f"web.{what}.not_found.title"),
        message=viewing.t(f"web.{what}.not_found", week=week),
    )


def report_html(request: Request, viewing: Viewing) -> Response:
    d = report_download(viewing.env, viewing.person, _week(request), "html")
    if d is None:
        return _missing(request, viewing, "reports", _week(request))
    return _download(d, "inline", REPORT_CSP)


def report_pdf(request: Request, viewing: Viewing) -> Response:
    d = report_download(viewing.env, viewing.person, _week(request), "pdf")
    if d is None:
        return _missing(request, viewing, "reports", _week(request))
    return _download(d, "inline")


def _export(request: Request, viewing: Viewing, fmt: str) -> Response:
    d = export_download(viewing.env, viewing.person, _week(request), fmt)
    if d is None:
        return _missing(request, viewing, "export", _week(request))
    return _download(d, "attachment")


def export_csv(request: Request, viewing: Viewing) -> Response:
    return _export(request, viewing, "csv")


def export_xlsx(request: Request, viewing: Viewing) -> Response:
    return _export(request, viewing, "xlsx")


ROUTES: tuple[Page, ...] = (
    Page("/me", "me", "reporter", me),
    Page("/reports", "reports", "reporter", reports),
    Page("/reports/{week}.html", "report_html", "reporter", report_html, sample=SAMPLE_WEEK),
    Page("/reports/{week}.pdf", "report_pdf", "reporter", report_pdf, sample=SAMPLE_WEEK),
    Page("/weeks/{week}/export.csv", "export_csv", "coordinator", export_csv, sample=SAMPLE_WEEK),
    Page("/weeks/{week}/export.xlsx", "export_xlsx", "coordinator", export_xlsx, sample=SAMPLE_WEEK),
    Page("/review", "review", "coordinator", review),
)
