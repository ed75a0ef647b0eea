"""Settings: an area's outline, a GeoJSON file beside the settings file, read and checked when they load; a
wrong file stops start-up with one line naming the area and the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.config import load_config
from tests.support.config_files import EXAMPLE, edited, load_error, write

SQUARE = [[12.28, 58.28], [12.30, 58.28], [12.30, 58.29], [12.28, 58.29], [12.28, 58.28]]


def _config_with_outline(tmp_path: Path, content: str | None, name: str = "mine.geojson") -> Path:
    if content is not None:
        (tmp_path / "outlines").mkdir(exist_ok=True)
        (tmp_path / "outlines" / name).write_text(content, encoding="utf-8")
    text = edited('outline = "areas/lextorp.geojson"', f'outline = "outlines/{name}"')
    return write(tmp_path, text)


def test_the_example_areas_have_outlines_around_their_places() -> None:
    cfg = load_config(EXAMPLE, env={})
    areas = cfg.groups[0].areas
    assert [a.outline for a in areas] == [f"areas/{a.code}.geojson" for a in areas]
    for area in areas:
        shape = area.outline_shape()
        assert shape is not None and len(shape) == 1
        [outer] = shape[0]
        assert len(outer) >= 4 and outer[0] == outer[-1]
        for lon, lat in outer:
            assert 12.2 < lon < 12.4 and 58.2 < lat < 58.3  # Trollhättan, longitude first
    # Drottningtorget, the centre's place with a position, lies inside the centre's outline.
    [outer] = areas[0].outline_shape()[0]  # type: ignore[index]
    lons, lats = [p[0] for p in outer], [p[1] for p in outer]
    assert min(lons) < 12.2886 < max(lons) and min(lats) < 58.2837 < max(lats)


def test_an_area_without_an_outline_has_none(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, edited('outline = "areas/lextorp.geojson"\n', "")), env={})
    assert cfg.groups[0].areas[1].outline is None and cfg.groups[0].areas[1].outline_shape() is None


@pytest.mark.parametrize(
    "geojson",
    [
        {"type": "Polygon", "coordinates": [SQUARE]},
        {"type": "MultiPolygon", "coordinates": [[SQUARE], [SQUARE]]},
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [SQUARE]}},
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": None, "geometry": {"type": "Polygon", "coordinates": [SQUARE]}},
                {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [[SQUARE]]}},
            ],
        },
    ],
    ids=["polygon", "multipolygon", "feature", "featurecollection"],
)
def test_each_kind_of_geojson_area_is_read(tmp_path: Path, geojson: dict[str, object]) -> None:
    cfg = load_config(_config_with_outline(tmp_path, json.dumps(geojson)), env={})
    shape = cfg.groups[0].areas[1].outline_shape()
    assert shape is not None and len(shape) in (1, 2)
    assert shape[0] == (tuple((lon, lat) for lon, lat in SQUARE),)


def test_an_absolute_path_and_a_third_coordinate_are_fine(tmp_path: Path) -> None:
    p = tmp_path / "abs.geojson"
    p.write_text(json.dumps({"type": "Polygon", "coordinates": [[[*q, 40.0] for q in SQUARE]]}), encoding="utf-8")
    cfg = load_config(write(tmp_path, edited('"areas/lextorp.geojson"', json.dumps(str(p)))), env={})
    assert cfg.groups[0].areas[1].outline_shape() == ((tuple((lon, lat) for lon, lat in SQUARE),),)


BAD = {
    "missing": (None, "file not found"),
    "not json": ("{ this is not json", "not JSON (Expecting property name enclosed in double quotes on line 1"),
    "a point": ('{"type": "Point", "coordinates": [12.3, 58.3]}', "a 'Point', not an area; allowed: a GeoJSON file"),
    "a list": ("[1, 2]", "not a GeoJSON object"),
    "no features": ('{"type": "FeatureCollection", "features": []}', "a FeatureCollection without features"),
    "feature without geometry": ('{"type": "Feature", "geometry": null}', "geometry: no geometry"),
    "latitude out of range": (
        json.dumps({"type": "Polygon", "coordinates": [[[12.3, 95.0], [12.4, 58.0], [12.5, 58.1], [12.3, 95.0]]]}),
        "coordinates[0][0] = [12.3, 95.0]: out of range; allowed: longitude -180..180 first, then latitude -90..90",
    ),
    "longitude out of range": (
        json.dumps({"type": "Polygon", "coordinates": [[[190, 58.0], [12.4, 58.0], [12.5, 58.1], [190, 58.0]]]}),
        "coordinates[0][0] = [190, 58.0]: out of range",
    ),
    "open ring": (
        json.dumps({"type": "Polygon", "coordinates": [[*SQUARE[:4], [12.0, 58.0]]]}),
        "coordinates[0]: the ring is not closed",
    ),
    "too few positions": (
        json.dumps({"type": "Polygon", "coordinates": [[SQUARE[0], SQUARE[1], SQUARE[0]]]}),
        "coordinates[0]: a ring needs at least 4 positions",
    ),
    "text as a number": (
        json.dumps({"type": "Polygon", "coordinates": [[["12.3", 58.0], *SQUARE[1:]]]}),
        "coordinates[0][0]: not a position",
    ),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_a_wrong_outline_file_names_the_area_and_the_file(tmp_path: Path, case: str) -> None:
    content, words = BAD[case]
    path = _config_with_outline(tmp_path, content)

    msg = load_error(path)

    assert "\n" not in msg
    assert msg.startswith(
        f"{path}: groups[0].areas[1].outline = 'outlines/mine.geojson': the outline of area 'lextorp' (Lextorp), "
        f"file {tmp_path / 'outlines' / 'mine.geojson'}: "
    ), msg
    assert words in msg, msg
