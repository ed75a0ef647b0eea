"""An XLSX export that cannot be written fails with its one error and nothing more: no "Exception ignored"
traceback printed later by the garbage collector under the one line the person gets."""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.reports.exports import Table, write_xlsx


def test_a_workbook_whose_folder_cannot_be_made_leaves_no_traceback_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    unraisable: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    table = Table("answers", "Svar", ["vecka", "nivå"], [["2026-W47", 1], ["2026-W47", 2]])
    with pytest.raises(OSError):
        write_xlsx([table, table], blocker / "sub" / "export.xlsx")
    gc.collect()
    assert unraisable == []
