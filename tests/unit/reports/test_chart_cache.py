"""Charts drawn once per content: the same picture reuses its drawing, a changed one is drawn anew."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.cycle import RoundKey
from bot.domain.factors import DEFAULT_FACTORS
from bot.domain.picture import AreaInfo, PictureInput, Report, build_picture
from bot.reports import charts
from bot.reports.chart_cache import cached_png, kept_in
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
    kept = next((tmp_path / ".charts").glob("heatmap-*.png")).stat().st_mtime_ns
    report = charts.heatmap_png(view(3), tmp_path / "veckorapport-heatmap.png")  # Friday's PDF: the same picture
    assert drawings() == 1 and draft.read_bytes() == report.read_bytes()
    assert next((tmp_path / ".charts").glob("heatmap-*.png")).stat().st_mtime_ns == kept  # not drawn over
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
