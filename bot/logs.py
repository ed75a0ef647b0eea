"""Logging for `est-bot run`: one format, and no secret in any line (tokens hide in request URLs)."""

from __future__ import annotations

import logging
from collections.abc import Iterable


class RedactSecrets(logging.Filter):
    """Replaces every given secret in a record's final text with `***`."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        text = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        exc = record.exc_text or ""
        if any(s in text or s in exc for s in self.secrets):
            for s in self.secrets:
                text, exc = text.replace(s, "***"), exc.replace(s, "***")
            record.msg, record.args, record.exc_text = text, None, exc or None
        return True


def setup(level: str, secrets: Iterable[str | None]) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    redact = RedactSecrets(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
    # httpx logs every request URL at INFO, and the Bot API URL holds the token: keep it to warnings.
    logging.getLogger("httpx").setLevel(logging.WARNING)
