"""The web view's map page (/map): the period form, the map, its popups and the table of places."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "web.map.title": {"sv": "Karta", "en": "Map"},
    "web.map.heading": {"sv": "Karta över platserna", "en": "Map of the places"},
    "web.map.intro": {
        "sv": "Platser som rapporterna nämnde under perioden. Färgen visar medelnivån (EST:s färger, grön 0 till "
        "röd 3), storleken hur ofta platsen nämndes. Tabellen under kartan visar samma platser.",
        "en": "Places the reports named in the period. The colour shows the mean level (EST's colours, green 0 to "
        "red 3), the size how often the place was named. The table below the map shows the same places.",
    },
    "web.map.period": {"sv": "Period", "en": "Period"},
    "web.map.from": {"sv": "Från vecka", "en": "From week"},
    "web.map.to": {"sv": "Till vecka", "en": "To week"},
    "web.map.week_hint": {"sv": "Skriv veckan som 2026-W47.", "en": "Write the week as 2026-W47."},
    "web.map.show": {"sv": "Visa", "en": "Show"},
    "web.map.bad_week": {
        "sv": "Okänd vecka {value}: skriv den som 2026-W47. Kartan visar de senaste 12 veckorna.",
        "en": "Unknown week {value}: write it as 2026-W47. The map shows the last 12 weeks.",
    },
    "web.map.shown": {
        "sv": "Visar {first} till {last} ({weeks} veckor).",
        "en": "Showing {first} to {last} ({weeks} weeks).",
    },
    "web.map.label": {"sv": "Karta över platserna med en nivå", "en": "Map of the places with a level"},
    "web.map.needs_js": {
        "sv": "Kartan behöver JavaScript. Tabellen nedan visar samma platser.",
        "en": "The map needs JavaScript. The table below shows the same places.",
    },
    "web.map.no_tiles": {
        "sv": "Kartan visas utan bakgrundskarta: bara områdenas gränser och platserna.",
        "en": "The map is shown without a background map: only the areas' outlines and the places.",
    },
    "web.map.not_drawn": {
        "sv": "{n} av platserna saknar position och finns bara i tabellen.",
        "en": "{n} of the places have no position and are only in the table.",
    },
    "web.map.none": {
        "sv": "Inga platser nämndes med en nivå under perioden.",
        "en": "No places were named with a level in the period.",
    },
    "web.map.caption": {"sv": "Platser {first} till {last}", "en": "Places {first} to {last}"},
    "web.map.col.place": {"sv": "Plats", "en": "Place"},
    "web.map.col.area": {"sv": "Område", "en": "Area"},
    "web.map.col.mentions": {"sv": "Nämnd", "en": "Named"},
    "web.map.col.highest": {"sv": "Högsta nivå", "en": "Highest level"},
    "web.map.col.mean": {"sv": "Medelnivå", "en": "Mean level"},
    "web.map.col.factors": {"sv": "Faktorer", "en": "Factors"},
    "web.map.col.weeks": {"sv": "Veckor", "en": "Weeks"},
    "web.map.col.actions": {"sv": "Åtgärder", "en": "Actions"},
    "web.map.show_on_map": {"sv": "Visa på kartan", "en": "Show on the map"},
    "web.map.show_on_map_label": {"sv": "Visa på kartan: {place}", "en": "Show on the map: {place}"},
    "web.map.no_position": {"sv": "ingen position", "en": "no position"},
    "web.map.no_actions": {"sv": "inga", "en": "none"},
    "web.map.times.one": {"sv": "{n} gång", "en": "{n} time"},
    "web.map.times.many": {"sv": "{n} gånger", "en": "{n} times"},
    "web.map.summary": {
        "sv": "Nämnd {times}, högsta nivå {highest}, medelnivå {mean}",
        "en": "Named {times}, highest level {highest}, mean level {mean}",
    },
    "web.map.factor_line": {
        "sv": "{factor}: {times}, högst {highest}, medel {mean}",
        "en": "{factor}: {times}, highest {highest}, mean {mean}",
    },
    "web.map.week_line": {"sv": "{week}: {times}, högst {highest}", "en": "{week}: {times}, highest {highest}"},
    "web.map.action_line": {
        "sv": "{week}: {title} ({responsible}, {status})",
        "en": "{week}: {title} ({responsible}, {status})",
    },
}
