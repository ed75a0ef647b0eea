"""Logging for every `est-bot` command (set up once, in bot/cli.py): lines for people or, with [log] format =
"json", one JSON object a line for a log collector (with the group, round, platform and outbox key from `context`);
in both no secret in any line (tokens hide in request URLs), and nothing a person typed (DESIGN.md §3).

Libraries log what they receive: slack_bolt logs the whole body of a request that fails its signature check
(at INFO) and of one no listener handles (at WARNING), httpx every request URL, python-telegram-bot updates at
DEBUG. So the libraries run at WARNING or above, a library's line loses any request body or payload it quotes,
and every line that remains, ours included, has personal data masked.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import unquote_plus

from bot.domain.masking import mask_personal_data

#: Loggers of the libraries the bot runs on. They are kept at WARNING or above, whatever the bot's own level.
LIBRARY_LOGGERS = (
    "slack_bolt",
    "slack_sdk",
    "telegram",
    "httpx",
    "httpcore",
    "uvicorn",
    "aiohttp",
    "websockets",
    "apscheduler",
    "sqlalchemy",
    "weasyprint",
    "fontTools",
    "matplotlib",
    "PIL",
    "openpyxl",
    "alembic.runtime.plugins",  # a line per plugin when alembic is imported; its migration steps stay at INFO
)
#: The levels EST_LOG_LEVEL and [log] level may name.
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
Level = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
#: [log] format: a line for people, or a JSON object a line for a log collector.
Format = Literal["text", "json"]
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
#: What a JSON line may say about where it comes from, besides time, level, logger and message: the group and
#: round the cycle works on, the platform and outbox key of the message being sent. Never a message's text, a note
#: or a token: these fields are set by the bot's own code from ids and keys only.
CONTEXT_FIELDS = ("group", "round", "platform", "outbox_key")
_context: ContextVar[tuple[tuple[str, str], ...]] = ContextVar("est_log_context", default=())

# "…, body: token=…&text=…)" (Bolt's failed signature check), "request body: {…}", "Request body: …".
_BODY_RE = re.compile(r"(\bbody\b\W{0,3}).*", re.IGNORECASE | re.DOTALL)
# A dict, list or JSON payload quoted in a line ("Unhandled request ({'type': 'event_callback', …})").
_PAYLOAD_RE = re.compile(r"\{.*\}|\[\{.*\}\]", re.DOTALL)
LEFT_OUT = "[left out]"


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


def is_library(name: str) -> bool:
    return any(name == lib or name.startswith(lib + ".") for lib in LIBRARY_LOGGERS)


def _mask(text: str) -> str:
    """Masked, also where a form-encoded body hides a number or an address (`070-123+45+67`, `a%40b.se`)."""
    masked = mask_personal_data(text)
    if "%" in masked or "+" in masked:
        decoded = unquote_plus(masked)
        if mask_personal_data(decoded) != decoded:
            return mask_personal_data(decoded)
    return masked


class MaskPersonalData(logging.Filter):
    """Masks personal data in a record's final text and traceback; drops a library's records below WARNING,
    and from the others leaves out the request body or payload they quote. Add it to a handler after
    `RedactSecrets` (a URL-decoded token could otherwise escape that filter)."""

    def filter(self, record: logging.LogRecord) -> bool:
        library = is_library(record.name)
        if library and record.levelno < logging.WARNING:
            # Bolt gives each logger it makes the root's level when it makes it, so the library's level set in
            # `quiet_libraries` is not always the one that counts; a library's chatter never gets through here.
            return False
        text = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        exc = record.exc_text or ""
        new_text = text
        if library:
            new_text = _PAYLOAD_RE.sub(LEFT_OUT, _BODY_RE.sub(lambda m: m.group(1) + LEFT_OUT, new_text))
        new_text, new_exc = _mask(new_text), _mask(exc)
        if new_text != text or new_exc != exc:
            record.msg, record.args, record.exc_text = new_text, None, new_exc or None
        return True


def protect(handler: logging.Handler, secrets: Iterable[str | None]) -> None:
    """Give a handler the filters every line of the bot's log passes: secrets out, personal data masked, then the
    log context's fields. Protecting a handler again replaces its filters (a process that sets up twice filters
    each line once)."""
    for old in [f for f in handler.filters if isinstance(f, RedactSecrets | MaskPersonalData | AddContext)]:
        handler.removeFilter(old)
    handler.addFilter(RedactSecrets(secrets))
    handler.addFilter(MaskPersonalData())
    handler.addFilter(AddContext())


def quiet_libraries(level: str | int) -> None:
    """Run the libraries' loggers at WARNING, or higher if the bot's own level is higher."""
    number = logging.getLevelName(level) if isinstance(level, str) else level
    library_level = max(logging.WARNING, number if isinstance(number, int) else logging.WARNING)
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(library_level)


@contextlib.contextmanager
def context(**fields: str) -> Iterator[None]:
    """Every line logged inside carries these fields (CONTEXT_FIELDS) in the JSON format, inner ones winning."""
    unknown = set(fields) - set(CONTEXT_FIELDS)
    if unknown:
        raise ValueError(f"log context fields {sorted(unknown)}: allowed: {', '.join(CONTEXT_FIELDS)}")
    token = _context.set((*_context.get(), *fields.items()))
    try:
        yield
    finally:
        _context.reset(token)


class AddContext(logging.Filter):
    """Copies the fields of `context` in force where a line is logged onto its record (a field given with
    `extra=` wins)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in _context.get():
            if name not in record.__dict__:
                setattr(record, name, value)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (ISO 8601, UTC), level, logger, message (after the filters: secrets out,
    personal data masked), the context fields that are known, and a traceback as `exception`."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, str] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                line[name] = mask_personal_data(str(value))  # ids and keys; masked all the same
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False)


def formatter(fmt: str) -> logging.Formatter:
    if fmt == "json":
        return JsonFormatter()
    if fmt == "text":
        return logging.Formatter(TEXT_FORMAT)
    raise ValueError(f"log format {fmt!r}: allowed: text, json")


class StderrHandler(logging.StreamHandler):
    """The log on stderr that `setup` adds, as `logging.basicConfig` would; `use_format` finds it by its class."""


def _own_handlers() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if isinstance(h, StderrHandler)]


def setup(level: str, secrets: Iterable[str | None], fmt: str = "text") -> None:
    """The log of every command: on stderr in the given format and level, and every handler of the root
    protected. As with `logging.basicConfig`, the stderr handler is added only when the root has none (a test
    run's capture handlers stay the only ones)."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(StderrHandler())
    use_format(fmt)
    # A library's `warnings.warn` (openpyxl about a workbook, …) goes through the same filters, not around them.
    logging.captureWarnings(True)
    secrets = tuple(secrets)
    for handler in logging.getLogger().handlers:
        protect(handler, secrets)
    # httpx logs every request URL at INFO, and the Bot API URL holds the token; Bolt logs request bodies.
    logging.getLogger().setLevel(level)
    quiet_libraries(level)


def use_format(fmt: str) -> None:
    """Switch the log `setup` made to this format ([log] format, once the settings are read)."""
    for handler in _own_handlers():
        handler.setFormatter(formatter(fmt))


def set_level(level: str) -> None:
    """The bot's own level from now on ([log] level, once the settings are read); the libraries stay quiet."""
    logging.getLogger().setLevel(level)
    quiet_libraries(level)
