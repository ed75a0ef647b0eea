"""The intake between a chat edge's acknowledgement and the core (bot/intake.py)."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from bot.conversation.messages import Inbound
from bot.intake import Intake


def _press(user: str, n: int) -> Inbound:
    return Inbound("slack", user, "choice", choice=f"q1:l:{n}:0")


class Recorder:
    def __init__(self, delay: float = 0.0, fail_on: str | None = None) -> None:
        self.handled: list[tuple[str, str]] = []
        self.drains = 0
        self.drained_upto: list[int] = []
        self.delay = delay
        self.fail_on = fail_on
        self.gate = threading.Event()
        self.gate.set()

    def handle(self, inbound: Inbound) -> None:
        self.gate.wait(10)
        if self.delay:
            time.sleep(self.delay)
        if inbound.choice == self.fail_on:
            raise RuntimeError("boom")
        self.handled.append((inbound.sender, inbound.choice))

    def drain(self) -> int:
        self.drains += 1
        self.drained_upto.append(len(self.handled))
        return 0


def test_events_are_handled_in_the_order_they_were_acknowledged_and_then_drained() -> None:
    rec = Recorder(delay=0.001)
    intake = Intake(rec.handle, rec.drain, "test", every=None)
    try:
        for n in range(30):
            intake.submit([_press(f"U{n % 3}", n)])
        assert asyncio.run(intake.settle(10))
        assert [c for _u, c in rec.handled] == [f"q1:l:{n}:0" for n in range(30)]
        assert intake.busy == 0
        assert 30 in rec.drained_upto  # a drain ran after the last one was handled
    finally:
        intake.close()


def test_settle_waits_for_work_still_queued() -> None:
    rec = Recorder()
    rec.gate.clear()  # the handler is held: nothing can finish
    intake = Intake(rec.handle, rec.drain, "test", every=None)
    try:
        intake.submit([_press("U1", 0)])
        assert intake.busy == 1
        assert asyncio.run(intake.settle(0.2)) is False
        rec.gate.set()
        assert asyncio.run(intake.settle(10)) is True
        assert rec.handled == [("U1", "q1:l:0:0")]
    finally:
        intake.close()


def test_a_failing_piece_of_work_costs_only_itself(caplog: pytest.LogCaptureFixture) -> None:
    rec = Recorder()
    intake = Intake(rec.handle, rec.drain, "test", every=None)
    try:
        intake.submit([_press("U1", 0)])

        def unreadable() -> list[Inbound]:
            raise ValueError("payload nobody can read")

        intake.submit(unreadable)
        intake.submit([_press("U1", 2)])
        assert asyncio.run(intake.settle(10))
        assert rec.handled == [("U1", "q1:l:0:0"), ("U1", "q1:l:2:0")]
        assert "reading an acknowledged event failed" in caplog.text  # logged with its traceback, not swallowed
        assert "payload nobody can read" in caplog.text
    finally:
        intake.close()


def test_a_failing_drain_is_logged_and_the_next_round_drains_again(caplog: pytest.LogCaptureFixture) -> None:
    rec = Recorder()
    calls: list[int] = []

    def drain() -> int:
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("platform unreachable")
        return 0

    intake = Intake(rec.handle, drain, "test", every=0.05)
    try:
        intake.submit([_press("U1", 0)])
        assert asyncio.run(intake.settle(10))
        deadline = time.monotonic() + 5
        while len(calls) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(calls) >= 2  # the periodic round came again after the failure
        assert "draining the outbox failed" in caplog.text
    finally:
        intake.close()


def test_close_finishes_what_was_accepted_and_refuses_more() -> None:
    rec = Recorder(delay=0.005)
    intake = Intake(rec.handle, rec.drain, "test", every=None)
    for n in range(10):
        intake.submit([_press("U1", n)])
    intake.close()
    assert len(rec.handled) == 10
    assert 10 in rec.drained_upto
    with pytest.raises(RuntimeError, match="closed"):
        intake.submit([_press("U1", 99)])


def test_a_slow_command_does_not_hold_up_the_presses_in_the_other_lane() -> None:
    command_started, release = threading.Event(), threading.Event()
    handled: list[str] = []

    def handle(inbound: Inbound) -> None:
        if inbound.kind == "command":
            command_started.set()
            assert release.wait(10)  # a PDF report being drawn
        handled.append(inbound.kind)

    intake = Intake(handle, lambda: 0, "test", every=None)
    try:
        intake.submit([Inbound("slack", "U9", "command", command="report")], lane=1)
        assert command_started.wait(10)
        for n in range(5):
            intake.submit([_press("U1", n)])
        deadline = time.monotonic() + 10
        while handled.count("choice") < 5 and time.monotonic() < deadline:
            time.sleep(0.005)
        assert handled == ["choice"] * 5  # all handled while the command was still being worked on
        assert intake.busy == 1
        release.set()
        assert asyncio.run(intake.settle(10))
        assert handled[-1] == "command"
    finally:
        release.set()
        intake.close()


def test_handled_waits_for_the_handling_and_not_for_the_drain() -> None:
    """What Telegram's polling waits for before it confirms a batch of updates: the units of work committed."""
    rec = Recorder()
    rec.gate.clear()
    drain_gate = threading.Event()

    def drain() -> int:
        drain_gate.wait(10)  # the platform is slow to take the replies
        return rec.drain()

    intake = Intake(rec.handle, drain, "test", every=None)
    try:

        async def scenario() -> None:
            for n in range(3):
                intake.submit([_press("U1", n)])
            assert not await intake.handled(timeout=0.05)  # held: not handled yet
            rec.gate.set()
            assert await intake.handled(timeout=10)
            assert len(rec.handled) == 3
            assert intake.busy  # the replies are not through a drain yet
            drain_gate.set()
            assert await intake.settle(10)

        asyncio.run(scenario())
    finally:
        rec.gate.set()
        drain_gate.set()
        intake.close()


def test_wait_blocks_until_handled_and_drained() -> None:
    """The console's way: each typed line is worked through before the next prompt."""
    rec = Recorder(delay=0.01)
    intake = Intake(rec.handle, rec.drain, "test", every=None)
    try:
        intake.submit([_press("U1", 0)])
        assert intake.wait(10)
        assert rec.handled == [("U1", "q1:l:0:0")] and 1 in rec.drained_upto
        rec.gate.clear()
        intake.submit([_press("U1", 1)])
        assert not intake.wait(0.05)
    finally:
        rec.gate.set()
        intake.close()
