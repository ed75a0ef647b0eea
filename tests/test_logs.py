"""No secret reaches the log, whether in a message, its arguments or a traceback."""

from __future__ import annotations

import logging

import pytest

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
