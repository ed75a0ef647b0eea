"""The optional scheduled fetch of the Swedish Police's open events API, within the API's rules.

The police ask callers of the events API to name themselves in the User-Agent, to wait at least 10 seconds
between calls and to make at most 60 calls an hour. :class:`CallBudget` enforces the two limits in code with
the bot's clock (so tests move time instead of waiting); one budget is shared by every fetch of the process.
One call asks for all the configured municipalities at once (``locationname=Trelleborg;Vellinge``), and each
group keeps the events of its own municipality (bot.usecases.statistics.group_events).

The first fetch happens one interval after start-up, never at start-up, so a bot restarted in a loop cannot
exceed the hourly limit either.
"""

from __future__ import annotations

import logging
import time as _time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from importlib import metadata
from typing import Protocol
from urllib.parse import urlencode

from bot.clock import Clock
from bot.config import Config, GroupConfig
from bot.domain.statistics import PoliceEvent
from bot.stats.importers import ImportFailed, parse_events


class EventSink(Protocol):
    """Where fetched events go: the application's settings and the use case that stores a group's share
    (`bot.services.Services`, handing on to bot.usecases.statistics.save_events)."""

    @property
    def config(self) -> Config: ...

    @property
    def clock(self) -> Clock: ...

    def save_events(
        self, group: GroupConfig, events: Sequence[PoliceEvent], name: str, actor: str
    ) -> tuple[int, int, int, int]: ...


log = logging.getLogger(__name__)

MIN_INTERVAL = timedelta(seconds=10)
PER_HOUR = 60
MAX_BYTES = 5 * 1024 * 1024


def _version() -> str:
    try:
        return metadata.version("est-bot")
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        return "0"


class TooSoon(Exception):
    """A call now would break the API's limits; `wait` seconds until one fits."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"the police events API allows no call for another {wait:.0f} s")
        self.wait = wait


class FetchFailed(Exception):
    pass


class CallBudget:
    """At least `min_interval` between two calls and at most `per_hour` calls in any 60 minutes."""

    def __init__(self, clock: Clock, min_interval: timedelta = MIN_INTERVAL, per_hour: int = PER_HOUR) -> None:
        self.clock = clock
        self.min_interval = min_interval
        self.per_hour = per_hour
        self._calls: deque[datetime] = deque()

    def wait(self) -> float:
        """Seconds until the next call is allowed (0.0: now)."""
        now = self.clock.now()
        while self._calls and self._calls[0] <= now - timedelta(hours=1):
            self._calls.popleft()
        until = now
        if self._calls:
            until = max(until, self._calls[-1] + self.min_interval)
        if len(self._calls) >= self.per_hour:
            until = max(until, self._calls[-self.per_hour] + timedelta(hours=1))
        return max(0.0, (until - now).total_seconds())

    def take(self) -> None:
        """Count a call made now; TooSoon (and nothing counted) if it would break a limit."""
        wait = self.wait()
        if wait > 0:
            raise TooSoon(wait)
        self._calls.append(self.clock.now())


def user_agent(contact: str) -> str:
    """The app and who runs it, as the API asks (ASCII only: it is an HTTP header)."""
    return f"est-bot/{_version()} (EST crime-prevention bot; {contact})"


class PoliceEventsClient:
    def __init__(
        self,
        url: str,
        contact: str,
        budget: CallBudget,
        timeout: float = 20.0,
        sleep: Callable[[float], None] = _time.sleep,
        max_block: float = 15.0,
    ) -> None:
        self.url = url
        self.user_agent = user_agent(contact)
        self.budget = budget
        self.timeout = timeout
        self.sleep = sleep
        self.max_block = max_block

    def fetch(self, locations: list[str]) -> bytes:
        """The API's JSON for the locations. Waits for the 10-second spacing (at most `max_block` seconds);
        TooSoon when the hourly limit is used up."""
        wait = self.budget.wait()
        if 0 < wait <= self.max_block:
            self.sleep(wait)
        self.budget.take()
        query = urlencode({"locationname": ";".join(locations)}, safe=";")
        request = urllib.request.Request(
            f"{self.url}?{query}" if locations else self.url,
            headers={"User-Agent": self.user_agent, "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                body: bytes = resp.read(MAX_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise FetchFailed(f"police events API answered HTTP {exc.code} {exc.reason}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise FetchFailed(f"police events API not reached: {exc}") from exc
        if len(body) > MAX_BYTES:
            raise FetchFailed(f"police events API answered more than {MAX_BYTES} bytes")
        return body


class PoliceFetcher:
    """The scheduled job: one call for every group's municipality, each group's events stored in its own unit
    of work."""

    def __init__(self, services: EventSink, config: Config, client: PoliceEventsClient) -> None:
        self.services = services
        self.config = config
        self.client = client

    @classmethod
    def from_config(cls, services: EventSink, sleep: Callable[[float], None] = _time.sleep) -> PoliceFetcher:
        cfg = services.config.police_events
        assert cfg.contact is not None  # the configuration requires it when enabled
        client = PoliceEventsClient(cfg.url, cfg.contact, CallBudget(services.clock), sleep=sleep)
        return cls(services, services.config, client)

    def run(self) -> list[str]:
        groups = [g for g in self.config.groups if g.municipality]
        if not groups:
            return []
        locations = list(dict.fromkeys(g.municipality for g in groups if g.municipality))
        try:
            body = self.client.fetch(locations)
        except TooSoon as exc:
            log.warning("police events: %s; fetching at the next run", exc)
            return []
        try:
            parsed = parse_events(body, self.client.url)
        except ImportFailed as exc:
            raise FetchFailed(f"police events API answered what is not its event format: {exc}") from exc
        done = []
        for g in groups:
            new, updated, _, _ = self.services.save_events(g, parsed.events, self.client.url, "police-api")
            masked = f", personal data masked in {parsed.masked} fields" if parsed.masked else ""
            done.append(f"{g.id} police events: {new} new, {updated} updated{masked}")
        log.info("police events: %s", "; ".join(done))
        return done
