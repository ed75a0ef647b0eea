"""Where a shared location is kept: about 100 m, never the raw GPS fix.

A phone's fix points at a doorway, which can say whose door it is. What EST needs is the place: so a shared
location becomes the nearest known place of the area if one lies within the configured distance, and otherwise
a point on a grid of 0.001° (about 110 m north-south, 60-70 m east-west in Sweden).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

#: Decimals kept of a latitude or longitude: 3 is 0.001°, about 100 m.
DECIMALS = 3
EARTH_RADIUS_M = 6_371_000.0


def coarse(lat: float, lon: float) -> tuple[float, float]:
    """The point on the 0.001° grid nearest to (lat, lon)."""
    return round(lat, DECIMALS), round(lon, DECIMALS)


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def nearest_place(
    point: tuple[float, float], places: Iterable[tuple[str, float, float]], within_m: float
) -> str | None:
    """The name of the place nearest to `point` no farther than `within_m` metres, or None (always when
    `within_m` is 0: snapping is off)."""
    if within_m <= 0:
        return None
    best: tuple[float, str] | None = None
    for name, lat, lon in places:
        d = distance_m(point, (lat, lon))
        if d <= within_m and (best is None or d < best[0]):
            best = (d, name)
    return best[1] if best else None
