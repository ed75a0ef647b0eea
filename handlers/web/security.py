"""The web view's cookies, CSRF tokens and response headers.

- The session cookie holds a random session id signed with EST_WEB_SECRET (itsdangerous); storage knows the
  session by the id's hash and ends it after idling or on logout. HttpOnly, SameSite=Lax, Secure unless
  `[web] secure_cookies = false` (localhost only), and then named `__Host-…` so no sub-domain can set it.
- A form's CSRF token is an HMAC of the session id (or, on the sign-in page, of a pre-session cookie).
- Every response carries a Content-Security-Policy without inline scripts and with frame-ancestors 'none'.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from itsdangerous import BadSignature, Signer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.config import WebConfig

#: The secret's least length: 32 characters.
SECRET_MIN = 32


class Keys:
    """What EST_WEB_SECRET signs: session cookies, pre-session cookies and CSRF tokens."""

    def __init__(self, secret: str, web: WebConfig) -> None:
        if len(secret) < SECRET_MIN:
            raise ValueError(f"EST_WEB_SECRET must be at least {SECRET_MIN} characters")
        self._secret = secret.encode()
        self.link_secret = secret  # what signs an e-mail's personal links (bot/usecases/formlinks.py)
        self._session = Signer(secret, salt="est-web-session")
        self._pre = Signer(secret, salt="est-web-pre-session")
        self.secure = web.secure_cookies
        self.session_cookie = "__Host-est-session" if web.secure_cookies else "est-session"
        self.pre_cookie = "__Host-est-signin" if web.secure_cookies else "est-signin"

    def sign_session(self, session_id: str) -> str:
        return self._session.sign(session_id).decode()

    def session_id(self, cookie: str | None) -> str | None:
        """The session id a cookie carries, None when there is none or its signature is wrong."""
        if not cookie:
            return None
        try:
            return self._session.unsign(cookie).decode()
        except BadSignature:
            return None

    def new_pre(self) -> tuple[str, str]:
        """A pre-session value for the sign-in form: (cookie value, its CSRF token)."""
        value = secrets.token_urlsafe(24)
        return self._pre.sign(value).decode(), self.csrf("pre:" + value)

    def pre_csrf(self, cookie: str | None) -> str | None:
        """The CSRF token that belongs with a pre-session cookie, None for a missing or forged one."""
        if not cookie:
            return None
        try:
            return self.csrf("pre:" + self._pre.unsign(cookie).decode())
        except BadSignature:
            return None

    def csrf(self, bound_to: str) -> str:
        return hmac.new(self._secret, b"csrf:" + bound_to.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, bound_to: str, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(self.csrf(bound_to), given)


def content_security_policy(web: WebConfig) -> str:
    images = ["'self'", "data:"]
    origin = web.map.tile_origin()
    if origin:
        images.append(origin)
    return "; ".join(
        (
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {' '.join(images)}",
            "connect-src 'self'",
            "font-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        )
    )


class SecurityHeaders:
    """ASGI middleware: the same protective headers on every response, pages, files and errors alike."""

    def __init__(self, app: ASGIApp, csp: str) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", csp.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            # The sign-in link's token is in its path: no other site learns it from a Referer.
            (b"referrer-policy", b"no-referrer"),
            (b"permissions-policy", b"geolocation=(), camera=(), microphone=()"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (n, v) for n, v in self.headers if n not in names
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class FormLimit:
    """ASGI middleware: a POST must say its length (browsers always do for a form) and be small; anything else
    is answered 411 or 413 before a byte of it is read. The view's forms are a token and a word or two; the
    week's form (`larger`: a path and its limit) holds every note a reporter may type."""

    def __init__(self, app: ASGIApp, limit: int, larger: tuple[tuple[str, int], ...] = ()) -> None:
        self.app = app
        self.limit = limit
        self.larger = larger

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            length = dict(scope["headers"]).get(b"content-length")
            # The app's own path: under a base_url with a path (uvicorn's root_path) the request's path starts with it.
            path, root = str(scope["path"]), str(scope.get("root_path", ""))
            if root and path.startswith(root + "/"):
                path = path[len(root) :]
            limit = next((n for p, n in self.larger if path == p), self.limit)
            status = 411 if length is None or not length.isdigit() else 413 if int(length) > limit else 0
            if status:
                await send({"type": "http.response.start", "status": status, "headers": [(b"content-length", b"0")]})
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)
