"""The map (/map) and its data (/map/data.json): every place with a level in a period, drawn by Leaflet from a JSON
data block (handlers/web/static/map.js), and below the map a table of the same places, which works without
JavaScript. The period comes from the form's `from` and `to` weeks (GET); a week that cannot be read is said so,
and the default period (the last 12 weeks) shown."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.domain.cycle import RoundKey
from bot.usecases.views.map import MapData, map_data
from handlers.web.page import Page, Viewing

#: Words the script puts in the popups, by the key it asks for.
_LABELS = {
    "factors": "web.map.col.factors",
    "weeks": "web.map.col.weeks",
    "actions": "web.map.col.actions",
    "map": "web.map.label",
}


#: The years a period may name.
FIRST_YEAR, LAST_YEAR = 1970, 2100


def _period(request: Request) -> tuple[RoundKey | None, RoundKey | None, str | None]:
    """The weeks asked for, and the first that could not be read (then neither is used)."""
    weeks: list[RoundKey | None] = []
    for name in ("from", "to"):
        value = request.query_params.get(name, "").strip()
        if not value:
            weeks.append(None)
            continue
        try:
            key = RoundKey.parse(value)
        except ValueError:
            return None, None, value[:40]
        if not FIRST_YEAR <= key.year <= LAST_YEAR:  # the calendar's ends overflow in week sums
            return None, None, value[:40]
        weeks.append(key)
    return weeks[0], weeks[1], None


def script_data(v: Viewing, data: MapData) -> dict[str, object]:
    """What map.js draws, and /map/data.json answers: the period, each place with its popup's lines (already
    worded), the areas' outlines, and the words of the popups. Only what the script uses: a year of a large
    group is hundreds of places."""
    return {
        "first": data.first,
        "last": data.last,
        "weeks": data.weeks,
        "places": [
            {
                "id": p.id,
                "name": p.name,
                "area": p.area,
                "area_name": p.area_name,
                "drawn": p.drawn,
                "lat": p.lat,
                "lon": p.lon,
                "mentions": p.mentions,
                "highest": p.highest,
                "mean": p.mean,
                "colour": p.colour,
                "hex": p.hex,
                "level": p.level,
                "summary": p.summary,
                "factors": [f.text for f in p.factors],
                "weeks": [w.text for w in p.weeks],
                "actions": [a.text for a in p.actions],
            }
            for p in data.places
        ],
        "areas": [{"code": a.code, "name": a.name, "outline": a.outline} for a in data.areas],
        "labels": {key: v.t(text) for key, text in _LABELS.items()},
    }


def map_page(request: Request, v: Viewing) -> Response:
    first, last, bad = _period(request)
    data = map_data(v.env, v.person, first, last)
    settings = v.env.config.web.map
    return v.page(
        request,
        "map.html.j2",
        data=data,
        script=script_data(v, data),
        error=v.t("web.map.bad_week", value=bad) if bad is not None else None,
        tiles=settings.tiles,
        attribution=settings.attribution,
        max_zoom=settings.max_zoom,
    )


def map_json(request: Request, v: Viewing) -> Response:
    first, last, bad = _period(request)
    if bad is not None:
        return JSONResponse({"error": v.t("web.map.bad_week", value=bad)}, status_code=400)
    response = JSONResponse(script_data(v, map_data(v.env, v.person, first, last)))
    response.headers["cache-control"] = "no-store"
    return response


ROUTES = (
    Page("/map", "map", "participant", map_page),
    Page("/map/data.json", "map_data", "participant", map_json),
)
