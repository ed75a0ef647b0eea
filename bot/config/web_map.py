"""The web view's map settings, `[web.map]`: the tile server and its attribution, or no tiles at all."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from bot.config.base import Strict

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
_TILES_HELP = (
    'allowed: "" (no tiles: only the outlines and places, for a closed network) or an http(s) tile URL with '
    "{z}, {x} and {y}, e.g. " + OSM_TILES + " (a {s} before the host's domain picks one of its servers)"
)


class MapConfig(Strict):
    # The tile server: a URL with {z}/{x}/{y}; "" draws no tiles (only the areas' outlines and the places).
    tiles: str = Field(default=OSM_TILES, max_length=500)
    # Shown in the map's corner as HTML (Leaflet's attribution): the tiles' licence asks for it.
    attribution: str = Field(default=OSM_ATTRIBUTION, max_length=1000)
    max_zoom: int = Field(default=19, ge=1, le=22)

    @field_validator("tiles")
    @classmethod
    def _tiles(cls, v: str) -> str:
        v = v.strip()
        if not v:
            return v
        parts = urlsplit(v)
        host = parts.hostname or ""
        if (
            parts.scheme not in ("http", "https")
            or not re.fullmatch(r"(\{s\}\.)?[A-Za-z0-9.-]+(:\d+)?", parts.netloc)
            or not host
            or re.search(r"\s", v)
            or not all(p in v for p in ("{z}", "{x}", "{y}"))
        ):
            raise ValueError(_TILES_HELP)
        return v

    def tile_origin(self) -> str | None:
        """The tiles' origin for the Content-Security-Policy's img-src (``https://tile.openstreetmap.org``; a
        ``{s}.`` server choice becomes ``*.``), or None when the map draws no tiles."""
        if not self.tiles:
            return None
        parts = urlsplit(self.tiles)
        return f"{parts.scheme}://{parts.netloc.replace('{s}.', '*.')}"
