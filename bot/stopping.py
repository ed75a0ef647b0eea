"""A clean stop of `est-bot run` on SIGTERM (systemctl stop, docker stop) and SIGINT (Ctrl-C).

The first signal starts the stop (bot/cli.py `_run`'s `finally`): no new events, the message being sent
finishes, the outbox rows this process still holds go back at once, the scheduler's leadership is given up, the
platforms close; exit code 0. A watchdog ends the process with exit code 1 when the stop takes longer than
`[run] stop_grace_seconds`, naming the step it was in. A second signal during the stop ends the process at once
with 128 + the signal's number, as if the signal had killed it. Nothing is lost either way: what was not sent
waits in the outbox, and rows still held come back after `outbox_lease_seconds`.

The handlers are installed with `loop.add_signal_handler`, so they also hold when the process was started in the
background, where the shell may have set SIGINT to be ignored.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import threading
import time

log = logging.getLogger("est-bot")

SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Stop:
    """The stop of one `est-bot run`: which signal asked for it, the step it is in, and the grace period."""

    def __init__(self, grace_seconds: float) -> None:
        self.grace = grace_seconds
        self.reason = ""
        self.step = "starting the stop"
        self._requested: asyncio.Event | None = None
        self._began: float | None = None
        self._watchdog: threading.Timer | None = None
        self._lock = threading.Lock()

    def install(self, loop: asyncio.AbstractEventLoop) -> None:
        """Catch SIGTERM and SIGINT on the event loop (the default action would end the process hard)."""
        self._requested = asyncio.Event()
        for sig in SIGNALS:
            loop.add_signal_handler(sig, self._signal, sig)

    def uninstall(self, loop: asyncio.AbstractEventLoop) -> None:
        for sig in SIGNALS:
            loop.remove_signal_handler(sig)

    async def wait(self) -> None:
        """Until a signal asks to stop."""
        assert self._requested is not None, "install() first"
        await self._requested.wait()

    def _signal(self, sig: signal.Signals) -> None:
        if self._began is not None or (self._requested is not None and self._requested.is_set()):
            log.warning(
                "%s again while stopping (%s): stopping at once; what was not sent is sent after the next start",
                sig.name,
                self.step,
            )
            _exit(128 + int(sig))
        self.reason = sig.name
        assert self._requested is not None
        self._requested.set()

    def begin(self) -> None:
        """Log that the stop begins and start the grace period's watchdog."""
        with self._lock:
            if self._began is not None:
                return
            self._began = time.monotonic()
        why = f"{self.reason} received" if self.reason else "the run ended"
        log.info(
            "stopping (%s): no new events, the message being sent finishes, then the platforms close (at most %g s)",
            why,
            self.grace,
        )
        self._watchdog = threading.Timer(self.grace, self._overdue)
        self._watchdog.daemon = True
        self._watchdog.start()

    def at(self, step: str) -> None:
        """The step the stop is in now (named in the log if the grace period runs out)."""
        self.step = step

    def remaining(self) -> float:
        """Seconds left of the grace period (the whole of it before the stop began)."""
        if self._began is None:
            return self.grace
        return max(0.0, self.grace - (time.monotonic() - self._began))

    def abandon(self) -> None:
        """Stop the watchdog without a word: an error ended the run, and it is reported as it is."""
        if self._watchdog is not None:
            self._watchdog.cancel()

    def done(self) -> None:
        """Log that the stop is done. The watchdog (a daemon thread) stays: should a thread that is not a daemon
        hold up the interpreter's exit, the grace period still ends the process."""
        self.step = "ending the process (a thread has not ended)"
        took = 0.0 if self._began is None else time.monotonic() - self._began
        log.info("stopped cleanly in %.1f s", took)

    def _overdue(self) -> None:
        log.error(
            "the stop took longer than [run] stop_grace_seconds = %g and is cut short while %s; exiting with code 1. "
            "Nothing is lost: unsent messages wait in the outbox, and those this process still held are sent "
            "after [run] outbox_lease_seconds. If this happens often, raise stop_grace_seconds.",
            self.grace,
            self.step,
        )
        _exit(1)


def _exit(code: int) -> None:
    """End the process now (no cleanup: it is what is stuck), with the log written out first."""
    for handler in logging.getLogger().handlers:
        with contextlib.suppress(OSError, ValueError):  # a closed stream: nothing more can be written anyway
            handler.flush()
    os._exit(code)
