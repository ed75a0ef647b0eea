"""The demo group's map: a position for each of its places and an outline around each area, drawn on the web
view's map. The demo town borrows Trelleborg's streets (its Stortorget, ferry terminal and beach promenade), so the
default OpenStreetMap tiles show a real town under the places; the positions are approximate."""

from __future__ import annotations

import json
from pathlib import Path

#: (latitude, longitude) of each configured place of the demo, by name.
POSITIONS: dict[str, tuple[float, float]] = {
    "Stortorget": (55.3753, 13.1571),
    "Resecentrum": (55.3716, 13.1561),
    "Stadsparken": (55.3772, 13.1520),
    "Biblioteket": (55.3767, 13.1598),
    "Norrskolan": (55.3878, 13.1601),
    "Idrottsplatsen": (55.3862, 13.1478),
    "Centrumhuset Norr": (55.3841, 13.1556),
    "Färjeterminalen": (55.3681, 13.1612),
    "Strandpromenaden": (55.3698, 13.1395),
    "Hamnplan": (55.3690, 13.1518),
}

#: Each area's outline as (longitude, latitude) corners, GeoJSON's order; the ring is closed when written.
OUTLINES: dict[str, list[tuple[float, float]]] = {
    "centrum": [(13.1470, 55.3735), (13.1640, 55.3730), (13.1660, 55.3790), (13.1560, 55.3805), (13.1460, 55.3790)],
    "norr": [(13.1400, 55.3815), (13.1570, 55.3810), (13.1690, 55.3840), (13.1680, 55.3915), (13.1420, 55.3910)],
    "hamnen": [(13.1340, 55.3660), (13.1520, 55.3650), (13.1690, 55.3660), (13.1680, 55.3728), (13.1350, 55.3722)],
}


def place_entry(name: str) -> dict[str, object]:
    """A configured place of the demo as the settings file writes it, with its position."""
    lat, lon = POSITIONS[name]
    return {"name": name, "lat": lat, "lon": lon}


def write_outlines(folder: Path) -> dict[str, str]:
    """Write each area's outline as GeoJSON under ``folder/areas/``; the paths relative to ``folder``, by area."""
    (folder / "areas").mkdir(parents=True, exist_ok=True)
    paths: dict[str, str] = {}
    for code, corners in OUTLINES.items():
        ring = [[lon, lat] for lon, lat in [*corners, corners[0]]]
        feature = {
            "type": "Feature",
            "properties": {"area": code},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }
        path = folder / "areas" / f"{code}.geojson"
        path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}) + "\n", encoding="utf-8")
        paths[code] = f"areas/{code}.geojson"
    return paths
