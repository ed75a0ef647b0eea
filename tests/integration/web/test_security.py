"""What every answer of the web view carries: a Content-Security-Policy with no inline scripts and
frame-ancestors 'none', headers against sniffing, framing and referrers; pages without inline scripts or style
attributes; a session cookie no script can read."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from handlers.web.pages import ROUTES

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
STYLE_ATTR = re.compile(r"<[^>]+\sstyle=", re.I)
HANDLER_ATTR = re.compile(r"<[^>]+\son[a-z]+=", re.I)


def test_every_page_has_the_headers_and_no_inline_script(web_client: Callable[[str | None], TestClient]) -> None:
    client = web_client("coordinator")
    paths = ["/signin", "/in/" + "x" * 43, "/static/est.css", "/no/such/page"]
    paths += [r.path.format(**r.sample) for r in ROUTES if "GET" in r.methods]
    for path in paths:
        answer = client.get(path, follow_redirects=True)
        csp = answer.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp, path
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src")[0], path
        assert answer.headers["x-frame-options"] == "DENY", path
        assert answer.headers["x-content-type-options"] == "nosniff", path
        assert answer.headers["referrer-policy"] == "no-referrer", path
        if answer.headers["content-type"].startswith("text/html"):
            assert not INLINE_SCRIPT.search(answer.text), path
            assert not STYLE_ATTR.search(answer.text), path
            assert not HANDLER_ATTR.search(answer.text), path


def test_signed_in_pages_are_not_cached(web_client: Callable[[str | None], TestClient]) -> None:
    answer = web_client("participant").get("/", follow_redirects=True)
    assert answer.headers["cache-control"] == "no-store"


def test_a_failing_page_is_the_error_page_with_the_headers_and_its_type_only_in_the_log(
    web_client: Callable[[str | None], TestClient], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import handlers.web.pages.weeks as weeks

    def broken(*args: object) -> object:
        raise RuntimeError("Anna 19121212-1212 wrote this")

    monkeypatch.setattr(weeks, "weeks_page", broken)
    client = web_client("participant")
    with caplog.at_level(logging.DEBUG):
        answer = client.get("/weeks")
    assert answer.status_code == 500
    assert "Något gick fel" in answer.text
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert "RuntimeError" in caplog.text
    assert "19121212" not in caplog.text and "Anna" not in caplog.text
