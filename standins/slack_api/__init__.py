"""A local stand-in for the Slack Web API, for driving slack_sdk / slack-bolt clients in tests.

`FakeSlackAPI` is a real HTTP server on 127.0.0.1 (ephemeral port, a `ThreadingHTTPServer` in a thread).
Point a client at it with `AsyncWebClient(token=fake.bot_token, base_url=fake.base_url)` (or `fake.async_client()`).

It speaks the wire format slack_sdk uses:

* `POST /api/<method>` (GET too); arguments from the query string (slack_sdk's `params=` methods such as
  `auth.test`, `chat.delete`, `conversations.open`, `reactions.add`), a form-encoded body, a multipart body, or a
  JSON body (slack_sdk's `json=` methods such as `chat.postMessage`, `chat.update`, `views.*`). JSON-valued form
  fields (`blocks`, `attachments`, `view`, `files`, `metadata`) are decoded, so `Call.params` always holds objects.
* Token from `Authorization: Bearer …`; form/query bodies may also carry `token=` (not JSON bodies, as in Slack).
  Missing → `not_authed`, wrong → `invalid_auth`, app-level token on a bot method (or the other way round) →
  `not_allowed_token_type`.
* Answers are JSON `{"ok": true, …}` / `{"ok": false, "error": "…"}`; an unknown method is HTTP 404 with
  `{"ok": false, "error": "unknown_method", "req_method": …}`; every API answer carries `x-oauth-scopes`.
* `files.getUploadURLExternal` hands out `<root>/upload/v1/<key>` on this same server; the upload takes the raw
  bytes (or a multipart `file` part) and answers `200 text/plain "OK - <size>"`, as files.slack.com does.

Every `blocks` / `view` payload is parsed with `slack_sdk.models` (`Block.parse` / `View`) and validated through
`to_dict()` (which runs `validate_json()` recursively); in strict mode (default) a key the SDK model drops on the way
(a typo such as `"txt"`, an empty `elements`) also fails. Failures answer `invalid_blocks` and land in `fake.errors`.
"""

from __future__ import annotations

from standins.slack_api.fake import FakeSlackAPI
from standins.slack_api.model import (
    DEFAULT_APP_TOKEN,
    DEFAULT_BOT_TOKEN,
    MAX_MESSAGE_BLOCKS,
    MAX_TEXT_LENGTH,
    UPLOAD,
    Call,
    ErrorRecord,
    FakeClock,
    UploadedFile,
)
from standins.slack_api.validation import validate_blocks, validate_view

__all__ = [
    "DEFAULT_APP_TOKEN",
    "DEFAULT_BOT_TOKEN",
    "MAX_MESSAGE_BLOCKS",
    "MAX_TEXT_LENGTH",
    "UPLOAD",
    "Call",
    "ErrorRecord",
    "FakeClock",
    "FakeSlackAPI",
    "UploadedFile",
    "validate_blocks",
    "validate_view",
]
