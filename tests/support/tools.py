"""The Debian tools some tests drive (chromium, chromedriver, pdftoppm): skipped without them on a developer's
machine, failed in CI (`CI` set), which installs them (scripts/install-print-tools.sh)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

IN_CI = bool(os.environ.get("CI"))


def need(tool: str) -> str:
    """The path of a Debian tool the test needs."""
    path = shutil.which(tool) or (f"/usr/bin/{tool}" if Path(f"/usr/bin/{tool}").exists() else None)
    if path is None:
        message = f"{tool} is not installed (Debian: scripts/install-print-tools.sh)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path
