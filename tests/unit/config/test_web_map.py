"""Settings: the web view's map, [web.map]: OpenStreetMap's tiles by default, another tile server, or none."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_config
from bot.config.model import WebMapConfig
from tests.support.config_files import edited, load_error, write

OSM = 'tiles = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"'


def test_the_default_is_openstreetmap_with_its_attribution() -> None:
    m = WebMapConfig()
    assert m.tiles == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert m.attribution == ('&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors')
    assert (m.max_zoom, m.tile_origin()) == (19, "https://tile.openstreetmap.org")


def test_no_tiles_for_a_closed_network(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, edited(OSM, 'tiles = ""')), env={})
    assert cfg.web.map.tiles == "" and cfg.web.map.tile_origin() is None


def test_another_tile_server_with_a_port_and_servers(tmp_path: Path) -> None:
    text = edited(OSM, 'tiles = "https://{s}.karta.kommun.example.se:8443/wmts/{z}/{x}/{y}.png"')
    cfg = load_config(write(tmp_path, text), env={})
    assert cfg.web.map.tile_origin() == "https://*.karta.kommun.example.se:8443"


@pytest.mark.parametrize(
    ("tiles", "words"),
    [
        ("https://tile.example.se/tiles.png", "a tile URL needs {z}, {x} and {y}"),
        ("ftp://tile.example.se/{z}/{x}/{y}.png", "tiles = 'ftp://tile.example.se/{z}/{x}/{y}.png'"),
        ("tile.example.se/{z}/{x}/{y}.png", "web.map.tiles"),
    ],
)
def test_a_wrong_tile_url_is_refused(tmp_path: Path, tiles: str, words: str) -> None:
    msg = load_error(write(tmp_path, edited(OSM, f'tiles = "{tiles}"')))
    assert "web.map.tiles" in msg and words in msg, msg


def test_max_zoom_is_bounded(tmp_path: Path) -> None:
    msg = load_error(write(tmp_path, edited("max_zoom = 19", "max_zoom = 30")))
    assert "web.map.max_zoom = 30" in msg, msg
