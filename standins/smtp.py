"""`FakeSMTP`: a real SMTP server on loopback (aiosmtpd) that records every message it accepts, for the e-mail
edge's tests, the benchmark and real-process tests.

Faults a test switches on and off while it runs:
- `down()` / `up()`: the server stops listening (connections are refused) and comes back on the same port;
- `busy = True`: every RCPT is answered 451 (a temporary refusal: the sender retries later);
- `refuse.add(address)`: RCPT for that address is answered 550 (a permanent refusal);
- `login = ("user", "password")`: AUTH is required, and any other user or password is answered 535.

What it received: `messages` (each `Received`: the envelope and the message parsed by the standard library's
`email` package, with `email.policy.default`). `wait_for(n)` waits until n messages arrived.

As a process (for tests that start `est-bot run`): `python -m standins.smtp --port N --record FILE` appends
each message to FILE as one JSON line (`mail_from`, `rcpt_tos`, `message_id`, `data` as text).
"""

from __future__ import annotations

import argparse
import json
import logging
import socket
import threading
import time
import warnings
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

logging.getLogger("mail.log").setLevel(logging.ERROR)  # aiosmtpd's line per connection and per AUTH setting


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        msg = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        return msg


@dataclass
class _Handler:
    owner: FakeSMTP
    counter: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if self.owner.busy:
            return "451 4.3.0 Try again later"
        if address.lower() in {a.lower() for a in self.owner.refuse}:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content or b""
        data = content if isinstance(content, bytes) else content.encode()
        got = Received(str(envelope.mail_from), tuple(envelope.rcpt_tos), data)
        with self.lock:
            self.counter += 1
            n = self.counter
        self.owner.record(got)
        return f"250 2.0.0 Ok: queued as {n:06d}"


class _Authenticator:
    def __init__(self, owner: FakeSMTP) -> None:
        self.owner = owner

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        want = self.owner.login
        if want is None:
            return AuthResult(success=True, auth_data=auth_data)
        if isinstance(auth_data, LoginPassword):
            given = (auth_data.login.decode(), auth_data.password.decode())
            if given == want:
                return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False, message="535 5.7.8 Authentication credentials invalid")


class _Controller(Controller):
    def __init__(self, owner: FakeSMTP, port: int) -> None:
        super().__init__(_Handler(owner), hostname="127.0.0.1", port=port, ready_timeout=10.0)
        self.owner = owner

    def factory(self) -> SMTP:
        with warnings.catch_warnings():  # AUTH without TLS: on loopback, for tests, on purpose
            warnings.simplefilter("ignore")
            return self._smtp()

    def _smtp(self) -> SMTP:
        return SMTP(
            self.handler,
            hostname="standin.smtp.local",
            authenticator=_Authenticator(self.owner),
            auth_required=self.owner.login is not None,
            auth_require_tls=False,
            tls_context=self.owner.tls_context,
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class FakeSMTP:
    """`with FakeSMTP() as smtp:` … `smtp.port`, `smtp.messages`."""

    def __init__(self, port: int = 0, login: tuple[str, str] | None = None, record: Path | None = None) -> None:
        self.port = port or free_port()
        self.login = login
        self.busy = False
        self.refuse: set[str] = set()
        self.tls_context: Any = None  # an ssl.SSLContext offers STARTTLS
        self.record_file = record
        self.messages: list[Received] = []
        self._cond = threading.Condition()
        self._controller: _Controller | None = None

    # ------------------------------------------------------------------ running

    def up(self) -> FakeSMTP:
        if self._controller is None:
            self._controller = _Controller(self, self.port)
            self._controller.start()
        return self

    def down(self) -> None:
        """Stop listening: connections are refused until `up()`."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> FakeSMTP:
        return self.up()

    def __exit__(self, *exc: object) -> None:
        self.down()

    # ------------------------------------------------------------------ what arrived

    def record(self, got: Received) -> None:
        with self._cond:
            self.messages.append(got)
            if self.record_file is not None:
                line = {
                    "mail_from": got.mail_from,
                    "rcpt_tos": list(got.rcpt_tos),
                    "message_id": str(got.message["Message-ID"]),
                    "data": got.data.decode("utf-8", "replace"),
                }
                with self.record_file.open("a", encoding="utf-8") as f:
                    f.write(json.dumps(line) + "\n")
            self._cond.notify_all()

    def wait_for(self, n: int, timeout: float = 10.0) -> list[Received]:
        """The messages once at least `n` arrived; AssertionError after `timeout` seconds."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.messages) >= n, timeout):
                raise AssertionError(f"{len(self.messages)} of {n} e-mails arrived within {timeout} s")
            return list(self.messages)

    def to(self, address: str) -> list[EmailMessage]:
        """The messages that went to `address`."""
        with self._cond:
            return [m.message for m in self.messages if address.lower() in (r.lower() for r in m.rcpt_tos)]


def read_record(path: Path) -> list[Received]:
    """The messages a `python -m standins.smtp --record FILE` process wrote."""
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            out.append(Received(d["mail_from"], tuple(d["rcpt_tos"]), d["data"].encode()))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="A recording SMTP server on 127.0.0.1, for tests.")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--record", type=Path, required=True)
    args = parser.parse_args()
    server = FakeSMTP(args.port, record=args.record).up()
    print(f"listening on 127.0.0.1:{server.port}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.down()


if __name__ == "__main__":
    main()
