"""The scheduled fetch of police events keeps the API's rules: a User-Agent naming the app and a contact, at
least 10 s between calls, at most 60 an hour. Tested against a stand-in server on loopback; time is moved,
never waited for."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import SplitResult, parse_qs

import pytest
from apscheduler.triggers.interval import IntervalTrigger

from bot.bootstrap import App, build
from bot.clock import ManualClock
from bot.config import ConfigError, parse_config
from bot.scheduler import build_scheduler
from bot.stats.police_api import CallBudget, FetchFailed, PoliceEventsClient, PoliceFetcher, TooSoon
from standins._http import FakeRequestHandler, Reply, ThreadedHTTPFake
from tests.conftest import TUE_OPEN, group_dict, make_config
from tests.support.paths import DATA


class FakePoliceAPI(ThreadedHTTPFake):
    """GET /api/events[?locationname=A;B]: the events of those locations, as the real API answers."""

    _thread_name = "fake-police-api"

    def __init__(self, events: list[dict[str, Any]]) -> None:
        super().__init__()
        self.events = events
        self.requests: list[tuple[str, dict[str, list[str]], dict[str, str]]] = []
        self.fail_with: int | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"{self.root_url}/api/events"

    def _route(self, handler: FakeRequestHandler, url: SplitResult, body: bytes) -> Reply | None:
        with self._lock:
            query = parse_qs(url.query)
            self.requests.append((url.path, query, dict(handler.headers.items())))
            if url.path != "/api/events":
                return Reply(404, b"{}")
            if self.fail_with is not None:
                return Reply(self.fail_with, b"<html>Service Unavailable</html>", "text/html")
            wanted = {n.casefold() for v in query.get("locationname", []) for n in v.split(";")}
            events = [e for e in self.events if not wanted or _location(e).casefold() in wanted | {""}]
            return Reply(200, json.dumps(events, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")


def _location(event: dict[str, Any]) -> str:
    """The location name of an event; "" for a malformed one (which the fake passes on as it is)."""
    loc = event.get("location")
    return str(loc.get("name", "")) if isinstance(loc, dict) else ""


@pytest.fixture
def api() -> Iterator[FakePoliceAPI]:
    events = json.loads((DATA / "polisen_handelser.json").read_text("utf-8"))
    with FakePoliceAPI(events) as fake:
        yield fake


def fetching_app(db_url: str, api: FakePoliceAPI, clock: ManualClock, **over: Any) -> App:
    base = make_config(db_url, municipality="Trelleborg", **over)
    data = base.model_dump()
    data["police_events"] = {"enabled": True, "url": api.url, "contact": "trygghet@trelleborg.example.se"}
    return build(parse_config(data, "test"), clock=clock)


# --------------------------------------------------------------------------- the limiter


def test_call_budget_keeps_ten_seconds_between_calls_and_sixty_an_hour() -> None:
    clock = ManualClock(datetime(2026, 11, 17, 12, 0, tzinfo=UTC))
    budget = CallBudget(clock)
    assert budget.wait() == 0.0
    budget.take()
    clock.advance(timedelta(seconds=4))
    assert budget.wait() == 6.0
    with pytest.raises(TooSoon) as info:
        budget.take()
    assert info.value.wait == 6.0
    clock.advance(timedelta(seconds=6))
    budget.take()  # exactly 10 s later is allowed
    for _ in range(58):
        clock.advance(timedelta(seconds=10))
        budget.take()
    # 60 calls in 590 s: the 61st waits until the first is an hour old, however long the spacing
    clock.advance(timedelta(seconds=10))
    assert budget.wait() == 3600 - 600
    clock.advance(timedelta(seconds=2999))
    with pytest.raises(TooSoon):
        budget.take()
    clock.advance(timedelta(seconds=1))
    budget.take()
    clock.advance(timedelta(seconds=9))
    assert budget.wait() == 1.0  # the second of the new hour is due both by spacing and by the hour


# --------------------------------------------------------------------------- the client and the job


def test_the_fetch_names_the_app_asks_for_the_municipality_and_stores_its_events(
    db_url: str, api: FakePoliceAPI
) -> None:
    clock = ManualClock(TUE_OPEN)
    app = fetching_app(db_url, api, clock)
    try:
        fetcher = PoliceFetcher.from_config(app.services, sleep=lambda s: clock.advance(timedelta(seconds=s)))
        assert fetcher.run() == ["tbg police events: 4 new, 0 updated"]
        [(path, query, headers)] = api.requests
        assert path == "/api/events" and query == {"locationname": ["Trelleborg"]}
        assert headers["User-Agent"].startswith("est-bot/")
        assert "trygghet@trelleborg.example.se" in headers["User-Agent"]
        with app.services.unit() as uow:
            stored = uow.statistics.police_events("tbg", TUE_OPEN - timedelta(days=60), TUE_OPEN + timedelta(days=1))
        assert sorted(e.event_id for e in stored) == [611950, 612001, 612002, 612005]
        # at once again: the client waits out the 10 seconds (on the test clock) and adds nothing new
        before = clock.now()
        assert fetcher.run() == ["tbg police events: 0 new, 0 updated"]
        assert clock.now() - before == timedelta(seconds=10)
        assert len(api.requests) == 2
    finally:
        app.close()


def test_the_hourly_limit_stops_the_fetch_before_any_request(db_url: str, api: FakePoliceAPI) -> None:
    clock = ManualClock(TUE_OPEN)
    app = fetching_app(db_url, api, clock)
    try:
        fetcher = PoliceFetcher.from_config(app.services, sleep=lambda s: clock.advance(timedelta(seconds=s)))
        for _ in range(60):
            fetcher.run()
        assert len(api.requests) == 60
        assert clock.now() - TUE_OPEN == timedelta(seconds=590)
        assert fetcher.run() == []  # the 61st within the hour is not made
        assert len(api.requests) == 60
        clock.set(TUE_OPEN + timedelta(hours=1))
        assert fetcher.run() != [] and len(api.requests) == 61
    finally:
        app.close()


def test_several_groups_share_one_call_and_each_keeps_its_own_events(db_url: str, api: FakePoliceAPI) -> None:
    clock = ManualClock(TUE_OPEN)
    tbg = make_config(db_url, municipality="Trelleborg").model_dump()
    other = group_dict(id="vel", name="Tryggare Vellinge", municipality="Vellinge", reporters=[], channels={})
    tbg["groups"].append(other)
    tbg["police_events"] = {"enabled": True, "url": api.url, "contact": "https://trygghet.example.se/est"}
    app = build(parse_config(tbg, "test"), clock=clock)
    try:
        done = PoliceFetcher.from_config(app.services).run()
        assert done == ["tbg police events: 4 new, 0 updated", "vel police events: 1 new, 0 updated"]
        assert [q for _, q, _ in api.requests] == [{"locationname": ["Trelleborg;Vellinge"]}]
    finally:
        app.close()


def test_an_api_error_is_raised_for_the_job_to_log_and_stores_nothing(db_url: str, api: FakePoliceAPI) -> None:
    clock = ManualClock(TUE_OPEN)
    app = fetching_app(db_url, api, clock)
    try:
        api.fail_with = 503
        fetcher = PoliceFetcher.from_config(app.services, sleep=lambda s: clock.advance(timedelta(seconds=s)))
        with pytest.raises(FetchFailed, match="HTTP 503"):
            fetcher.run()
        api.fail_with = None
        api.events = [{"id": "x"}]  # not the API's format
        with pytest.raises(FetchFailed, match='"id" must be a number'):
            fetcher.run()
        with app.services.unit() as uow:
            assert uow.statistics.police_events("tbg", TUE_OPEN - timedelta(days=999), TUE_OPEN) == []
    finally:
        app.close()


def test_client_refuses_to_call_when_the_wait_would_be_long() -> None:
    clock = ManualClock(TUE_OPEN)
    budget = CallBudget(clock, per_hour=1)
    slept: list[float] = []
    client = PoliceEventsClient("http://127.0.0.1:9/api/events", "x@example.se", budget, sleep=slept.append)
    budget.take()
    with pytest.raises(TooSoon):
        client.fetch(["Trelleborg"])
    assert slept == []  # an hour is not slept away in a scheduler thread


# --------------------------------------------------------------------------- configuration and scheduling


def test_fetch_is_off_by_default_and_scheduled_at_the_interval_when_on(db_url: str, api: FakePoliceAPI) -> None:
    clock = ManualClock(TUE_OPEN)
    off = build(make_config(db_url), clock=clock)
    try:
        assert off.config.police_events.enabled is False
        assert "police-events" not in {j.id for j in build_scheduler(off.services).get_jobs()}
    finally:
        off.close()
    on = fetching_app(db_url, api, clock)
    try:
        jobs = {j.id: j for j in build_scheduler(on.services).get_jobs()}
        trigger = jobs["police-events"].trigger
        assert isinstance(trigger, IntervalTrigger) and trigger.interval == timedelta(minutes=30)
    finally:
        on.close()


def test_configuration_asks_for_a_contact_and_a_municipality() -> None:
    group = group_dict()
    with pytest.raises(ConfigError, match=r"police_events\.contact: missing; the police events API asks"):
        parse_config({"police_events": {"enabled": True}, "groups": [group]})
    with pytest.raises(ConfigError, match=r"police_events\.enabled = true: no group has a municipality"):
        parse_config({"police_events": {"enabled": True, "contact": "a@b.se"}, "groups": [group]})
    with pytest.raises(ConfigError, match=r"police_events\.contact = 'trygghet@trollhättan\.se': allowed: an e-mail"):
        parse_config({"police_events": {"contact": "trygghet@trollhättan.se"}, "groups": [group]})
    with pytest.raises(ConfigError, match=r"police_events\.interval_minutes = 1: allowed: a number >= 5"):
        parse_config({"police_events": {"interval_minutes": 1}, "groups": [group]})
