"""The safety factors and the EST scale.

The factor list is configuration; the codes are stable identifiers that the
database and exports use, so a label can change without touching history.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Level(IntEnum):
    """EST's green-to-red levels for the past week in an area."""

    NONE = 0  # Inget / som vanligt (green)
    SOME = 1  # Enstaka händelser (yellow)
    RECURRING = 2  # Återkommande (orange)
    SERIOUS = 3  # Allvarligt / eskalerande (red)

    @property
    def colour(self) -> str:
        return LEVEL_COLOURS[int(self)]


LEVEL_COLOURS: dict[int, str] = {0: "green", 1: "yellow", 2: "orange", 3: "red"}
LEVEL_HEX: dict[str, str] = {
    "green": "#2e9e44",
    "yellow": "#f2c200",
    "orange": "#f07c00",
    "red": "#d62020",
    "none": "#d9d9d9",
}
LEVEL_EMOJI: dict[str, str] = {
    "green": "🟢",
    "yellow": "🟡",
    "orange": "🟠",
    "red": "🔴",
    "none": "⚪",
}


def colour_for(level: float | None) -> str:
    """Colour of a (possibly mean) level: rounded half up; None means no reports."""
    if level is None:
        return "none"
    return LEVEL_COLOURS[min(3, max(0, int(level + 0.5)))]


@dataclass(frozen=True)
class Factor:
    code: str
    sv: str
    en: str

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.sv


DEFAULT_FACTORS: tuple[Factor, ...] = (
    Factor("hot_vald", "Hot och våld", "Threats, violence, robbery"),
    Factor("skadegorelse", "Skadegörelse", "Damage, vandalism"),
    Factor("klotter", "Klotter", "Graffiti"),
    Factor("nedskrapning", "Nedskräpning", "Littering, dumping"),
    Factor("brand", "Anlagda bränder", "Arson"),
    Factor("narkotika", "Narkotika, öppen droghantering", "Open drug dealing and use"),
    Factor("grupperingar", "Störande grupperingar", "Disturbing gatherings"),
    Factor("alkohol", "Berusning på allmän plats", "Public intoxication"),
    Factor("trafik", "Otillåten eller farlig trafik", "Illegal or dangerous traffic"),
    Factor("stold", "Stöld och inbrott", "Theft, burglary"),
    Factor("personal", "Hot och störningar mot personal", "Incidents against staff"),
    Factor("otrygghet", "Otrygga platser, oro och rykten", "Unsafe places, unrest, rumours"),
)
