"""Charts drawn once per content: the same picture reuses its drawing, a changed one is drawn anew."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.domain.cycle import RoundKey
from bot.domain.factors import DEFAULT_FACTORS
from bot.domain.picture import AreaInfo, PictureInput, Report, build_picture
from bot.housekeeping import CHART_KEEP, prune_chart_cache
from bot.reports import charts
from bot.reports.chart_cache import CACHE_DIR, cached_png, kept_in
from bot.reports.view import PictureView


def view(level: int, lang: str = "sv") -> PictureView:
    areas = [AreaInfo("centrum", "Centrum"), AreaInfo("norr", "Norr")]
    reports = [Report(1, "Org", "centrum", "narkotika", level, "Stortorget"), Report(2, "Org", "norr", "klotter", 0)]
    inp = PictureInput(
        "Tryggare Trelleborg",
        RoundKey(2026, 47),
        areas,
        list(DEFAULT_FACTORS),
        reports,
        {},
        set(),
        2,
        2,
        0,
        [],
        [],
        [],
        [],
    )
    return PictureView(build_picture(inp), lang)


def test_a_chart_is_drawn_once_per_content_and_copied_to_every_name(tmp_path: Path) -> None:
    drawn: list[Path] = []

    def draw(file: Path) -> None:
        drawn.append(file)
        file.write_bytes(b"png of " + str(len(drawn)).encode())

    first = cached_png("demo", ("a", 1), tmp_path / "one.png", draw)
    second = cached_png("demo", ("a", 1), tmp_path / "two.png", draw)
    assert len(drawn) == 1 and first.read_bytes() == second.read_bytes() == b"png of 1"
    other = cached_png("demo", ("a", 2), tmp_path / "one.png", draw)  # new content, same name: drawn anew
    assert len(drawn) == 2 and other.read_bytes() == b"png of 2"
    assert not list(tmp_path.glob("**/*.part"))  # no half-written file left behind


def test_a_drawing_that_fails_leaves_nothing_to_reuse(tmp_path: Path) -> None:
    def fail(file: Path) -> None:
        file.write_bytes(b"half")
        raise RuntimeError("no font")

    with pytest.raises(RuntimeError):
        cached_png("demo", ("a", 1), tmp_path / "one.png", fail)
    assert not (tmp_path / "one.png").exists() and not list((tmp_path / ".charts").iterdir())


def test_the_heatmap_is_drawn_again_only_when_what_it_shows_changes(tmp_path: Path) -> None:
    def drawings() -> int:
        return len(list((tmp_path / ".charts").glob("heatmap-*.png")))

    draft = charts.heatmap_png(view(3), tmp_path / "lagesbild-sv.png")
    kept = next((tmp_path / ".charts").glob("heatmap-*.png")).stat().st_ino  # its use refreshes its time
    report = charts.heatmap_png(view(3), tmp_path / "veckorapport-heatmap.png")  # Friday's PDF: the same picture
    assert drawings() == 1 and draft.read_bytes() == report.read_bytes()
    assert next((tmp_path / ".charts").glob("heatmap-*.png")).stat().st_ino == kept  # not drawn over
    charts.heatmap_png(view(2), tmp_path / "lagesbild-sv.png")  # a cell's level changed
    charts.heatmap_png(view(3, "en"), tmp_path / "lagesbild-en.png")  # another language's labels
    assert drawings() == 3


def test_charts_kept_in_a_folder_of_their_own_leave_none_beside_the_files(tmp_path: Path) -> None:
    cache, out = tmp_path / "cache", tmp_path / "out"
    cache.mkdir()
    out.mkdir()
    drawn: list[Path] = []

    def draw(file: Path) -> None:
        drawn.append(file)
        file.write_bytes(b"png")

    with kept_in(cache):
        cached_png("demo", ("a", 1), out / "one.png", draw)
        cached_png("demo", ("a", 1), out / "two.png", draw)
        cached_png("demo", ("a", 1), out / "new" / "three.png", draw)  # a folder not made yet
    assert len(drawn) == 1 and drawn[0].parent == cache
    assert sorted(p.name for p in out.iterdir()) == ["new", "one.png", "two.png"]  # no .charts folder among them
    assert [p.name.split("-")[0] for p in cache.iterdir()] == ["demo"]
    cached_png("demo", ("a", 1), out / "four.png", draw)  # outside the block: beside the file again
    assert len(drawn) == 2 and (out / ".charts").is_dir()


def test_two_threads_drawing_the_same_chart_at_once_each_get_the_whole_file(tmp_path: Path) -> None:
    import threading

    both_writing = threading.Barrier(2, timeout=10)

    def draw(file: Path) -> None:
        with file.open("wb") as fh:
            fh.write(b"first half|")
            fh.flush()
            both_writing.wait()  # the other thread is writing its drawing now too
            fh.write(b"second half")

    errors: list[BaseException] = []

    def ask(n: int) -> None:
        try:
            cached_png("heatmap", ("same", 1), tmp_path / f"{n}.png", draw)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert [(tmp_path / f"{n}.png").read_bytes() for n in range(2)] == [b"first half|second half"] * 2


def _drawer(drawn: list[Path]) -> Callable[[Path], object]:
    def draw(file: Path) -> None:
        drawn.append(file)
        file.write_bytes(b"png")

    return draw


def test_a_chart_used_again_is_kept_by_the_housekeeping_as_one_in_use(tmp_path: Path) -> None:
    """The daily housekeeping removes charts last written more than CHART_KEEP ago (bot/housekeeping.py): one
    the bot still uses (a quiet group's unchanged chart) counts from its last use, not from its drawing."""
    drawn: list[Path] = []
    first = cached_png("levels", ("same",), tmp_path / "w40" / "levels.png", _drawer(drawn))
    (kept,) = (tmp_path / "w40" / CACHE_DIR).iterdir()
    old = time.time() - CHART_KEEP.total_seconds() - 86_400
    os.utime(kept, (old, old))
    cached_png("levels", ("same",), first, _drawer(drawn))  # used again today
    assert len(drawn) == 1
    assert prune_chart_cache(tmp_path) == 0 and kept.exists()


def test_a_chart_removed_between_its_check_and_its_copy_is_drawn_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The housekeeping may remove a kept chart just as a job finds it: the job draws it again, it does not fail."""
    drawn: list[Path] = []
    path = cached_png("levels", ("same",), tmp_path / "levels.png", _drawer(drawn))
    copy = shutil.copyfile
    removed: list[str] = []

    def pruned_first(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> object:
        if not removed:
            removed.append(str(src))
            os.remove(src)  # the housekeeping, at this very moment
        return copy(src, dst)

    monkeypatch.setattr(shutil, "copyfile", pruned_first)
    assert cached_png("levels", ("same",), path, _drawer(drawn)) == path
    assert removed and len(drawn) == 2 and path.read_bytes() == b"png"
