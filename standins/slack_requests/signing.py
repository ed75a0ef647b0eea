"""Slack's request signing (v0), ids and timestamps as Slack makes them, and posting a signed request."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import string
import time
import urllib.error
import urllib.request
from typing import Any, Literal, NamedTuple
from urllib.parse import urlencode

DEFAULT_SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # the example secret of Slack's docs
DEFAULT_VERIFICATION_TOKEN = "xX3aV2yqPzL9eSt0kEnTokEn"  # the deprecated `token` field Slack still sends
DEFAULT_TEAM_ID = "T0EST0001"
DEFAULT_TEAM_DOMAIN = "est-test"
DEFAULT_APP_ID = "A0ESTAPP1"
DEFAULT_BOT_USER_ID = "U0ESTBOT1"
DEFAULT_BOT_ID = "B0ESTBOT1"
STALE_SECONDS = 6 * 60  # older than the 5 minutes slack_sdk's SignatureVerifier (and slack-bolt) accept

Forge = Literal["wrong_secret", "stale", "no_signature", "no_timestamp", "no_headers"]

_FORM = "application/x-www-form-urlencoded"
_JSON = "application/json"
_USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"


class SignedRequest(NamedTuple):
    """A request as Slack POSTs it: unpack as `body, headers = slash_command(...)`."""

    body: bytes
    headers: dict[str, str]


# --------------------------------------------------------------------------------------------- ids

_ts_counter = itertools.count(1)
_ALNUM = string.ascii_uppercase + string.digits


def next_ts() -> str:
    """A message ts like Slack's: "1700000000.000100", "1700000000.000200", … (increasing within a test run)."""
    micros = 1_700_000_000_000_000 + next(_ts_counter) * 100
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


def new_trigger_id() -> str:
    """Like "13345224609.738474920.8088930838d88f008e0" (views.open wants a fresh one every time)."""
    return f"{secrets.randbelow(10**13):013d}.{secrets.randbelow(10**12):012d}.{secrets.token_hex(16)}"


def new_event_id() -> str:
    """Like "Ev06A1B2C3D4"."""
    return "Ev0" + "".join(secrets.choice(_ALNUM) for _ in range(9))


def _slack_id(prefix: str) -> str:
    return prefix + "0" + "".join(secrets.choice(_ALNUM) for _ in range(9))


def _block_id(seed: str) -> str:
    """Slack's generated block ids are 4-5 characters ("XTkTR"); this one is stable for a given seed."""
    digest = hashlib.sha1(seed.encode()).digest()
    return "".join(string.ascii_letters[b % 52] for b in digest[:5])


def _response_url(kind: Literal["commands", "actions"], team_id: str) -> str:
    return f"https://hooks.slack.com/{kind}/{team_id}/{secrets.randbelow(10**13):013d}/{secrets.token_urlsafe(18)}"


def _user(user_id: str, user_name: str | None, team_id: str) -> dict[str, str]:
    name = user_name or user_id.lower()
    return {"id": user_id, "username": name, "name": name, "team_id": team_id}


# --------------------------------------------------------------------------------------------- signing


def sign(
    body: bytes,
    content_type: str,
    *,
    signing_secret: str = DEFAULT_SIGNING_SECRET,
    timestamp: int | None = None,
    forge: Forge | None = None,
) -> dict[str, str]:
    """The headers Slack sends with `body`: Content-Type, X-Slack-Request-Timestamp, X-Slack-Signature (v0),
    User-Agent, Accept; `forge` spoils them as its name says."""
    ts = int(time.time()) if timestamp is None else int(timestamp)
    if forge == "stale":
        ts -= STALE_SECONDS
    secret = "not-" + signing_secret if forge == "wrong_secret" else signing_secret
    digest = hmac.new(secret.encode(), b"v0:" + str(ts).encode() + b":" + body, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": content_type,
        "User-Agent": _USER_AGENT,
        "Accept": "application/json,*/*",
        "Accept-Encoding": "gzip,deflate",
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": f"v0={digest}",
    }
    if forge in ("no_timestamp", "no_headers"):
        del headers["X-Slack-Request-Timestamp"]
    if forge in ("no_signature", "no_headers"):
        del headers["X-Slack-Signature"]
    return headers


def _signed_form(
    fields: dict[str, str], signing_secret: str, timestamp: int | None, forge: Forge | None
) -> SignedRequest:
    body = urlencode(fields).encode()
    return SignedRequest(body, sign(body, _FORM, signing_secret=signing_secret, timestamp=timestamp, forge=forge))


def _signed_json(
    payload: dict[str, Any], signing_secret: str, timestamp: int | None, forge: Forge | None
) -> SignedRequest:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return SignedRequest(body, sign(body, _JSON, signing_secret=signing_secret, timestamp=timestamp, forge=forge))


def _signed_interactive(
    payload: dict[str, Any], signing_secret: str, timestamp: int | None, forge: Forge | None
) -> SignedRequest:
    return _signed_form({"payload": json.dumps(payload, ensure_ascii=False)}, signing_secret, timestamp, forge)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float = 10.0) -> tuple[int, bytes]:
    """POST a built request; return (status, body) for any HTTP status (4xx/5xx do not raise)."""
    headers = {k: v for k, v in headers.items() if k.lower() != "accept-encoding"}  # urllib does not decompress
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as exc:
        with exc:
            return int(exc.code), bytes(exc.read())
