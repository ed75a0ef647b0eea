"""Where the tests find the repository and their data files, wherever in the test tree they live."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository
DATA = ROOT / "tests" / "data"  # the statistics exports the import tests read
