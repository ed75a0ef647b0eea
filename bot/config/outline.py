"""An area's outline: a GeoJSON file named in the settings, read and checked when the settings load.

The web view's map draws it. Any of a Polygon, a MultiPolygon, a Feature holding one, or a FeatureCollection of
such Features is accepted; what is kept is the polygons' rings as (longitude, latitude) pairs, GeoJSON's order.
A problem raises `OutlineError` with what is wrong, phrased for the person who wrote the file.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

Position = tuple[float, float]  # (longitude, latitude), as GeoJSON writes it
Ring = tuple[Position, ...]
Polygon = tuple[Ring, ...]  # the outer ring, then any holes
Outline = tuple[Polygon, ...]  # a MultiPolygon's coordinates

#: A town's areas need a few hundred points; a file far beyond that is a mistake (or a whole country).
MAX_BYTES = 2_000_000
MAX_POSITIONS = 20_000
_ALLOWED = (
    "allowed: a GeoJSON file (UTF-8) holding a Polygon, a MultiPolygon, a Feature with one of those as its "
    "geometry, or a FeatureCollection of such Features, in longitude, latitude order (WGS 84)"
)


class OutlineError(ValueError):
    """What is wrong with an outline file, without the file's name (the caller adds it)."""


def read_outline(path: Path) -> Outline:
    """The polygons of a GeoJSON file; `OutlineError` when it is missing, not JSON or not an outline."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise OutlineError("file not found (a relative path counts from the settings file's folder)") from None
    except OSError as exc:
        raise OutlineError(f"cannot read: {exc.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise OutlineError(f"too large ({len(raw)} bytes); allowed: at most {MAX_BYTES} bytes, simplify the outline")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise OutlineError(f"not UTF-8 text; {_ALLOWED}") from None
    except json.JSONDecodeError as exc:
        raise OutlineError(f"not JSON ({exc.msg} on line {exc.lineno}, column {exc.colno}); {_ALLOWED}") from None
    outline = _geojson(data)
    if sum(len(ring) for polygon in outline for ring in polygon) > MAX_POSITIONS:
        raise OutlineError(f"too many points; allowed: at most {MAX_POSITIONS} in one area's outline")
    return outline


def _geojson(data: object) -> Outline:
    if not isinstance(data, dict):
        raise OutlineError(f"not a GeoJSON object; {_ALLOWED}")
    kind = data.get("type")
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list) or not features:
            raise OutlineError("a FeatureCollection without features; allowed: at least one Feature with a Polygon")
        out: list[Polygon] = []
        for i, feature in enumerate(features):
            if not isinstance(feature, dict) or feature.get("type") != "Feature":
                raise OutlineError(f"features[{i}] is not a Feature; {_ALLOWED}")
            out.extend(_geometry(feature.get("geometry"), f"features[{i}].geometry"))
        return tuple(out)
    if kind == "Feature":
        return _geometry(data.get("geometry"), "geometry")
    return _geometry(data, "")


def _geometry(geometry: object, where: str) -> Outline:
    at = f"{where}: " if where else ""
    if not isinstance(geometry, dict):
        raise OutlineError(f"{at}no geometry; {_ALLOWED}")
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    if kind == "Polygon":
        return (_polygon(coords, f"{where}.coordinates" if where else "coordinates"),)
    if kind == "MultiPolygon":
        name = f"{where}.coordinates" if where else "coordinates"
        if not isinstance(coords, list) or not coords:
            raise OutlineError(f"{name}: not a list of polygons")
        return tuple(_polygon(p, f"{name}[{i}]") for i, p in enumerate(coords))
    shown = kind if isinstance(kind, str) else type(kind).__name__
    raise OutlineError(f"{at}a {shown[:40]!r}, not an area; {_ALLOWED}")


def _polygon(coords: object, where: str) -> Polygon:
    if not isinstance(coords, list) or not coords:
        raise OutlineError(f"{where}: not a list of rings (a polygon is [[[lon, lat], ...]])")
    return tuple(_ring(r, f"{where}[{i}]") for i, r in enumerate(coords))


def _ring(coords: object, where: str) -> Ring:
    if not isinstance(coords, list) or len(coords) < 4:
        raise OutlineError(f"{where}: a ring needs at least 4 positions, the last the same as the first")
    ring = tuple(_position(p, f"{where}[{i}]") for i, p in enumerate(coords))
    if ring[0] != ring[-1]:
        raise OutlineError(f"{where}: the ring is not closed; its last position must be the same as its first")
    return ring


def _position(p: object, where: str) -> Position:
    if (
        not isinstance(p, list)
        or len(p) not in (2, 3)
        or not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in p)
    ):
        raise OutlineError(f"{where}: not a position; allowed: [longitude, latitude] as two numbers")
    lon, lat = float(p[0]), float(p[1])
    if not -180 <= lon <= 180 or not -90 <= lat <= 90:
        raise OutlineError(
            f"{where} = [{p[0]}, {p[1]}]: out of range; allowed: longitude -180..180 first, then latitude -90..90"
        )
    return (lon, lat)
