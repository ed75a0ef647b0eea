"""The reporter's pages (their own answers, the published weekly reports as HTML and PDF) and the coordinator's
downloads (a week's export as CSV or XLSX) and review queue. Data from bot/usecases/views (mine, files,
review); strings from bot/text/web_mine.py.

The weekly report as HTML is the document est-bot's report code makes to be mailed or kept: one file with its
charts as data URIs, its own stylesheet in one <style> element, no style attributes and no script. It is served
as it is, under the app's Content-Security-Policy with one change for that response only: `style-src` allows the
document's own stylesheet by its SHA-256 hash (never 'unsafe-inline'), so a <style> anyone slipped into a note
could not apply either.
"""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from bot.usecases.views.files import Download, export_download, report_download
from bot.usecases.views.mine import my_answers, published_reports
from bot.usecases.views.review import review_queue
from handlers.web.page import Page, Viewing
from handlers.web.security import content_security_policy

SAMPLE_WEEK = {"week": "2026-W47"}

STYLE_ELEMENT = re.compile(r"<style>(.*?)</style>", re.S)


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


def document_csp(viewing: Viewing, html: str) -> str:
    """The app's policy, with `style-src` allowing exactly the document's own <style> elements by their hashes."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii") + "'"
        for css in STYLE_ELEMENT.findall(html)
    ]
    directives = [
        " ".join(["style-src", *hashes]) if d.startswith("style-src") else d
        for d in content_security_policy(viewing.env.config.web).split("; ")
    ]
    return "; ".join(directives)


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
    return _download(d, "inline", document_csp(viewing, d.content.decode("utf-8")))


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
