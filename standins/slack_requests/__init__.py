"""What Slack sends to an app: signed HTTP requests (HTTP mode) and the matching payload dicts (Socket Mode).

Two layers:

* `*_payload(...)` builders return the payload as Slack puts it in a Socket Mode envelope: the slash command's form
  fields (a flat dict of strings), the interactive payload (`block_actions`, `view_submission`), or the Events API
  body (`event_callback`, `url_verification`). Feed them to `FakeSocketMode.send_slash_command` / `send_interactive`
  / `send_event`.
* The same names without `_payload` return a `SignedRequest` (a `(body: bytes, headers: dict)` tuple) as Slack POSTs
  it to the app's Request URL: a form body for slash commands, `payload=<json>` form for interactivity, a JSON body
  for events, signed with Slack's v0 scheme (`v0=hex(HMAC-SHA256(secret, f"v0:{timestamp}:{body}"))` in
  `X-Slack-Signature`, the Unix time in `X-Slack-Request-Timestamp`).

Every signed builder takes `signing_secret`, `timestamp` (Unix seconds; default now) and `forge`, one of:
"wrong_secret" (signed with another secret), "stale" (timestamp 6 minutes old; Slack's SDKs allow 5),
"no_signature", "no_timestamp", "no_headers" (neither header). `post(url, body, headers)` sends one with urllib.

Event builders (`message_im`, `reaction_added`, `reaction_removed`, `app_home_opened`) return the inner `event`
for `event_callback` / `event_callback_payload`.

Defaults match FakeSlackAPI's (team T0EST0001, app A0ESTAPP1, bot U0ESTBOT1 / B0ESTBOT1). Ids look like Slack's:
trigger ids "13345224609.738474920.8088930838d88f008e0", message ts "1700000000.000100" (from a counter, so later
calls give later ts), event ids "Ev0…", envelope/view ids as Slack spells them.
"""

from __future__ import annotations

from standins.slack_requests.events import (
    app_home_opened,
    event_callback,
    event_callback_payload,
    message_im,
    reaction_added,
    reaction_removed,
    url_verification,
    url_verification_payload,
)
from standins.slack_requests.interactive import (
    block_actions,
    block_actions_payload,
    plain_text_value,
    selected_option_value,
    slash_command,
    slash_command_payload,
    view_submission,
    view_submission_payload,
)
from standins.slack_requests.signing import (
    DEFAULT_APP_ID,
    DEFAULT_BOT_ID,
    DEFAULT_BOT_USER_ID,
    DEFAULT_SIGNING_SECRET,
    DEFAULT_TEAM_DOMAIN,
    DEFAULT_TEAM_ID,
    DEFAULT_VERIFICATION_TOKEN,
    STALE_SECONDS,
    Forge,
    SignedRequest,
    new_event_id,
    new_trigger_id,
    next_ts,
    post,
    sign,
)

__all__ = [
    "DEFAULT_APP_ID",
    "DEFAULT_BOT_ID",
    "DEFAULT_BOT_USER_ID",
    "DEFAULT_SIGNING_SECRET",
    "DEFAULT_TEAM_DOMAIN",
    "DEFAULT_TEAM_ID",
    "DEFAULT_VERIFICATION_TOKEN",
    "STALE_SECONDS",
    "Forge",
    "SignedRequest",
    "app_home_opened",
    "block_actions",
    "block_actions_payload",
    "event_callback",
    "event_callback_payload",
    "message_im",
    "new_event_id",
    "new_trigger_id",
    "next_ts",
    "plain_text_value",
    "post",
    "reaction_added",
    "reaction_removed",
    "selected_option_value",
    "sign",
    "slash_command",
    "slash_command_payload",
    "url_verification",
    "url_verification_payload",
    "view_submission",
    "view_submission_payload",
]
