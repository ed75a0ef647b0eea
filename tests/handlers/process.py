"""`est-bot run` as a real process for edge tests, and waiting for what it does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def est_bot_run(config: Path, env: dict[str, str], secrets: tuple[str, ...] = ()) -> Iterator[subprocess.Popen[str]]:
    """Start `est-bot run --config config`; on leaving, stop it with Ctrl-C, which must end it cleanly, with no
    traceback and none of `secrets` in its output."""
    exe = str(Path(sys.executable).parent / "est-bot")
    proc = subprocess.Popen(
        [exe, "run", "--config", str(config)],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield proc
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert "Traceback" not in out, out
    for secret in secrets:
        assert secret not in out, "a secret in the log"


def wait_until(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)
