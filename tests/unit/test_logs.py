"""No secret and no personal data reaches the log, whether in a message, its arguments or a traceback, nor a
request body a library quotes."""

from __future__ import annotations

import asyncio
import io
import logging
import time
from collections.abc import Iterator, Sequence

import pytest

from bot import logs
from bot.logs import RedactSecrets

TOKEN = "123456:AAE-secret-token"


def test_secrets_are_replaced_in_messages_arguments_and_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    log = logging.getLogger("est-test-redact")
    redact = RedactSecrets([TOKEN, None, "xo"])  # empty and very short values are not secrets to hunt for
    caplog.handler.addFilter(redact)
    try:
        log.warning("POST https://api.telegram.org/bot%s/getMe failed", TOKEN)
        try:
            raise RuntimeError(f"bad url https://x/bot{TOKEN}/send")
        except RuntimeError:
            log.exception("sending failed")
    finally:
        caplog.handler.removeFilter(redact)
    text = caplog.text
    assert TOKEN not in text
    assert "bot***/getMe" in text and "bot***/send" in text


@pytest.fixture
def protected_log() -> Iterator[io.StringIO]:
    """A handler with the filters `est-bot run` gives every handler, at DEBUG, and the libraries quieted."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logs.protect(handler, [TOKEN])
    root = logging.getLogger()
    saved = root.level, {n: logging.getLogger(n).level for n in logs.LIBRARY_LOGGERS}
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    logs.quiet_libraries("DEBUG")
    yield stream
    root.removeHandler(handler)
    root.setLevel(saved[0])
    for name, level in saved[1].items():
        logging.getLogger(name).setLevel(level)


def test_personal_data_is_masked_in_messages_arguments_and_tracebacks(protected_log: io.StringIO) -> None:
    log = logging.getLogger("bot.test")
    log.warning("reply to %s failed: %r", "U0ANNA001", "Ring 070-123 45 67 eller a.b@exempel.se")
    try:
        raise ValueError("invalid date '19850101-1234'")
    except ValueError:
        log.exception("handling failed")
    log.info("form body text=ring+070-123+45+67&mail=c.d%40exempel.se")  # form-encoded, as a request body
    text = protected_log.getvalue()
    assert "reply to U0ANNA001 failed: 'Ring [telefon] eller [e-post]'" in text
    assert "ValueError: invalid date '[personnummer]'" in text
    assert "070-123" not in text and "19850101" not in text and "exempel.se" not in text


def test_a_librarys_chatter_is_dropped_and_its_warnings_lose_the_body(protected_log: io.StringIO) -> None:
    body = '{"type": "event_callback", "event": {"text": "Lisa heter 850101-1234, bor på Storgatan 3"}}'
    bolt = logging.getLogger("slack_bolt.AsyncRequestVerification")
    bolt.setLevel(logging.DEBUG)  # as Bolt does: it copies the root's level into each logger it makes
    bolt.info("Invalid request signature detected (signature: v0=abc, timestamp: 1, body: %s)", body)
    logging.getLogger("slack_bolt.AsyncApp").warning("Unhandled request (%s)", body)
    logging.getLogger("httpx").info("HTTP Request: POST https://x/bot%s/sendMessage", TOKEN)
    logging.getLogger("telegram.ext.Updater").warning("Network error: %s", body)
    text = protected_log.getvalue()
    assert "Invalid request signature" not in text and "HTTP Request" not in text  # INFO of a library: dropped
    assert "Unhandled request ([left out])" in text and "Network error: [left out]" in text
    assert "Storgatan" not in text and "850101" not in text and TOKEN not in text


def test_bolts_own_logger_drops_the_body_of_a_request_with_a_bad_signature(protected_log: io.StringIO) -> None:
    """The real Bolt app as the Slack edge builds it, given a request whose signature is wrong."""
    from slack_bolt.request.async_request import AsyncBoltRequest

    from bot.config import SlackConfig
    from handlers.slack.runner import build_app

    app = build_app(SlackConfig(enabled=True, mode="http"), "xoxb-not-used", "the-signing-secret")
    body = "token=x&command=%2Fest&text=flyga+850101-1234+a.b%40exempel.se&user_id=U0SARA003"
    headers: dict[str, str | Sequence[str]] = {
        "x-slack-signature": "v0=bad",
        "x-slack-request-timestamp": str(int(time.time())),
    }
    response = asyncio.run(app.async_dispatch(AsyncBoltRequest(body=body, headers=headers)))
    assert response.status == 401
    text = protected_log.getvalue()
    assert "850101" not in text and "exempel" not in text and "flyga" not in text
