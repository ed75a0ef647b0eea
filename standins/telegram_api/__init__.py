"""A local stand-in for the Telegram Bot API, for driving python-telegram-bot (PTB) in tests.

`FakeTelegramAPI` is a real HTTP server on 127.0.0.1 (ephemeral port, a `ThreadingHTTPServer` in a thread), so the
real `telegram.Bot` / `Application` talk to it through their own HTTP stack:

    with FakeTelegramAPI() as fake:
        app = Application.builder().token(fake.token).base_url(fake.base_url).base_file_url(fake.base_file_url).build()

Why a server and not a mocked `Bot`: the Telegram edge must survive what the real API does on the wire (form and
multipart encoding, 400s with Telegram's own wording, 429 with `retry_after`, dropped connections, long polling), and
only the real SDK speaking real HTTP shows that.

What it checks, from the machine-readable spec (`telegram-bot-api.json`, see `find_spec_path`):

* `POST`/`GET /bot<token>/<method>` with a query string, a form, a multipart or a JSON body; method names are
  case-insensitive as in Telegram. Unknown method → 404 `Not Found`; a well-formed wrong token → 401
  `Unauthorized`, a malformed one → 404 (as Telegram; PTB raises `InvalidToken` for both).
* Every parameter against the method's fields: a missing required one → 400 (`chat_id is empty`,
  `message text is empty`, otherwise `parameter "x" is required`), an unknown one → 400 `unknown parameter "x"`
  (stricter than Telegram, which ignores it, so typos fail loudly); values are decoded by their spec type and
  nested objects (reply markup, entities, scopes, …) are checked field by field, unknown nested fields too.
* Limits Telegram enforces: text 1-4096 characters after entity parsing (`message is too long`), captions 1024,
  `callback_data` 1-64 bytes (`BUTTON_DATA_INVALID`), one action field per inline button, `parse_mode="HTML"`
  parsed like Telegram (unsupported tags, unclosed tags → `can't parse entities: …`), leading and trailing
  whitespace trimmed. Markdown parse modes are accepted but not parsed (the text is kept as sent, no entities).
* State: message ids increase per chat (shared by the bot's and the users' messages), edits of unknown messages →
  `message to edit not found`, identical edits → `message is not modified: …`, deleted messages are gone, callback
  queries can be answered once, files uploaded with sendPhoto/sendDocument can be fetched with getFile and
  downloaded from `base_file_url`.

Implemented methods: getMe, sendMessage, sendPhoto, sendDocument, sendChatAction, editMessageText,
editMessageCaption, editMessageReplyMarkup, deleteMessage, answerCallbackQuery, setMyCommands, getMyCommands,
deleteMyCommands, getUpdates, setWebhook, deleteWebhook, getWebhookInfo, getFile. Any other method of the spec is
validated and then answered 501 unless a test registers a result with `fake.set_handler(method, fn)`.

Updates: `fake.push_update(update)` queues an update (validated against the spec's `Update` type) for getUpdates
(long polling honours `offset`, `limit`, `timeout`, `allowed_updates`; a wait is capped by `max_poll_wait`) or, when
a webhook is set, POSTs it there with `X-Telegram-Bot-Api-Secret-Token`. `message_update`, `command_update`,
`callback_update` and `location_update` build real update shapes.

Faults: `fail_next` (429 with `parameters.retry_after`, 5xx, any 4xx), `drop_next` (close the connection without an
answer, before or after doing the work), `delay_next`, `block_chat` (403 for a chat). With `enforce_limits=True` the
broadcast limits are enforced (30 messages/s overall, 1/s per private chat, 20/min per group) on an injectable
clock. Every request is recorded in `fake.calls`.
"""

from __future__ import annotations

from standins.telegram_api.fake import FakeTelegramAPI
from standins.telegram_api.html import parse_html
from standins.telegram_api.model import (
    DEFAULT_TOKEN,
    MAX_CALLBACK_DATA_BYTES,
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    ApiError,
    Call,
    FakeClock,
    RateLimits,
    UploadedFile,
)
from standins.telegram_api.spec import ApiSpec, find_spec_path, load_spec

__all__ = [
    "DEFAULT_TOKEN",
    "MAX_CALLBACK_DATA_BYTES",
    "MAX_CAPTION_LENGTH",
    "MAX_TEXT_LENGTH",
    "ApiError",
    "ApiSpec",
    "Call",
    "FakeClock",
    "FakeTelegramAPI",
    "RateLimits",
    "UploadedFile",
    "find_spec_path",
    "load_spec",
    "parse_html",
]
