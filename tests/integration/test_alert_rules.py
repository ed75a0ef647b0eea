"""The Prometheus files in deploy/prometheus/ as Prometheus reads them: `promtool` checks the scrape configuration
and the alert rules, and runs the rules' unit tests (est-bot-alerts.test.yml: each alert fires when it should and
stays quiet otherwise). docs/OPERATIONS.md shows the same files, word for word."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "deploy" / "prometheus"
PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None and not os.environ.get("CI"),
    reason="promtool is not installed (Debian: apt-get install prometheus; CI installs it)",
)


def promtool(*args: str) -> str:
    assert PROMTOOL is not None, "CI installs promtool (scripts/install-print-tools.sh)"
    done = subprocess.run([PROMTOOL, *args], cwd=HERE, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


@needs_promtool
def test_the_scrape_configuration_and_the_rules_are_valid() -> None:
    assert "SUCCESS: prometheus.yml is valid" in promtool("check", "config", "prometheus.yml")
    assert "SUCCESS: 4 rules found" in promtool("check", "rules", "est-bot-alerts.yml")


@needs_promtool
def test_each_alert_fires_when_it_should_and_not_otherwise() -> None:
    assert "SUCCESS" in promtool("test", "rules", "est-bot-alerts.test.yml")


def test_the_operations_guide_shows_the_files_as_they_are() -> None:
    doc = (ROOT / "docs" / "OPERATIONS.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", doc, flags=re.S)
    for name in ("prometheus.yml", "est-bot-alerts.yml"):
        assert (HERE / name).read_text(encoding="utf-8") in blocks, f"docs/OPERATIONS.md differs from {name}"
