"""bot/stopping.py in this process: a signal ends the wait and is named when the stop begins. The exits (a second
signal, the grace period) end the process, so tests/e2e/test_stop_real.py checks them on real processes."""

from __future__ import annotations

import asyncio
import logging
import os
import signal

import pytest

from bot.stopping import Stop


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_ends_the_wait_and_the_stop_names_it(sig: signal.Signals, caplog: pytest.LogCaptureFixture) -> None:
    stop = Stop(7.5)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        stop.install(loop)
        try:
            loop.call_soon(os.kill, os.getpid(), sig)
            await asyncio.wait_for(stop.wait(), 10)
        finally:
            stop.uninstall(loop)

    asyncio.run(main())
    assert stop.remaining() == 7.5  # the grace period counts from the stop's beginning
    with caplog.at_level(logging.INFO, logger="est-bot"):
        stop.begin()
        try:
            assert 0 < stop.remaining() <= 7.5
            stop.at("closing the platforms")
        finally:
            stop.abandon()  # the watchdog must not end the test process
        stop.done()
    assert f"stopping ({sig.name} received)" in caplog.text and "(at most 7.5 s)" in caplog.text
    assert "stopped cleanly in" in caplog.text
