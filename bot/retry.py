"""Starting a platform that cannot be reached yet, without holding up the rest of `est-bot run`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("est-bot")

FIRST_WAIT = 1.0
LONGEST_WAIT = 60.0


def _never(exc: BaseException) -> bool:
    return False


async def keep_trying(
    what: str,
    start: Callable[[], Awaitable[None]],
    first: float = FIRST_WAIT,
    longest: float = LONGEST_WAIT,
    refused: Callable[[BaseException], bool] = _never,
    secret: str = "",
) -> None:
    """Await `start()` until it succeeds, waiting twice as long after each failure (up to `longest`).

    A platform that is down, or a network that is not up yet when the machine boots, is something the person
    running the bot meets, not a bug: each failure is one line in the log (no traceback) saying what failed and
    when the next try is, while the scheduler and the other platforms, started beside this, go on working.
    A platform that answers but refuses the credentials (`refused(exc)`) will not change its mind: that is one
    error line naming the setting to fix (`secret`), and no more tries; the rest of the bot keeps running.
    """
    wait = first
    failures = 0
    while True:
        try:
            await start()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # whatever the SDK raises for a refused connection, a timeout or a 5xx
            if refused(exc):
                log.error(
                    "%s refused the credentials (%s): check %s and restart; %s stays off, the schedule and the "
                    "other platforms keep running",
                    what,
                    describe(exc),
                    secret or "the token",
                    what,
                )
                return
            failures += 1
            log.warning(
                "%s cannot be reached (%s); trying again in %.0f s, the schedule and the other platforms keep running",
                what,
                describe(exc),
                wait,
            )
            await asyncio.sleep(wait)
            wait = min(longest, wait * 2)
            continue
        if failures:
            log.info("%s reached after %d failed attempt%s; started", what, failures, "" if failures == 1 else "s")
        return


def describe(exc: BaseException) -> str:
    """An exception as one short line: its class and the first line of its message (the cause's, if it has none)."""
    parts: list[str] = []
    seen: BaseException | None = exc
    while seen is not None and len(parts) < 2:
        text = next((ln.strip() for ln in str(seen).splitlines() if ln.strip()), "")
        parts.append(f"{type(seen).__name__}: {text[:200]}" if text else type(seen).__name__)
        if text:
            break
        seen = seen.__cause__ or seen.__context__
    return "; ".join(parts)
