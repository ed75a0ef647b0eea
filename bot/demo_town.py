"""The demo's town: Tryggare Exempelstad's three areas and their places, and its 40 reporters (simulated people
with names, organisations and areas, a few reached by e-mail), a coordinator and a police participant, as the
configuration `est-bot demo` runs with. bench/county.py and bench/year.py draw their people from the same names.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from bot.config import Config, parse_config
from bot.demo_mail import EMAIL_REPORTERS, demo_address
from bot.demo_map import place_entry, write_outlines

AREAS = {
    "centrum": ("Centrum", ["Stortorget", "Resecentrum", "Stadsparken", "Biblioteket"]),
    "norr": ("Norra stadsdelen", ["Norrskolan", "Idrottsplatsen", "Centrumhuset Norr"]),
    "hamnen": ("Hamnen", ["Färjeterminalen", "Strandpromenaden", "Hamnplan"]),
}
ORGS = [
    "Trygghetsvärdar",
    "Bostadsbolaget",
    "Skolan",
    "Socialtjänstens mobila team",
    "Parkeringsvakter",
    "Fältassistenter",
    "Fritidsgården",
    "Räddningstjänsten",
]
FIRST = [
    "Anna",
    "Erik",
    "Maria",
    "Lars",
    "Karin",
    "Johan",
    "Eva",
    "Anders",
    "Sara",
    "Per",
    "Lena",
    "Mikael",
    "Emma",
    "Jonas",
    "Ida",
    "Fredrik",
    "Elin",
    "Daniel",
    "Sofia",
    "Magnus",
]
LAST = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
]


def demo_config(db_url: str, folder: Path | None = None) -> Config:
    """The demo town on `db_url`, its reports and the areas' outlines in `folder` (by default the database's)."""
    rng = random.Random(7)
    reporters: list[dict[str, Any]] = []
    codes = list(AREAS)
    names: set[str] = set()
    while len(reporters) < 40:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name in names:
            continue
        names.add(name)
        i = len(reporters)
        areas = [codes[i % 3]] + ([codes[(i + 1) % 3]] if i % 10 == 0 else [])
        reporters.append(
            {
                "name": name,
                "organisation": ORGS[i % len(ORGS)],
                "areas": areas,
                "role": "participant" if i % 8 == 0 else "reporter",
                "console": f"r{i + 1:02d}",
                "language": "en" if i == 5 else "sv",
            }
            | ({"email": demo_address(name), "channel": "email"} if i in EMAIL_REPORTERS else {})
        )
    reporters.append(
        {"name": "Sara Samordnare", "organisation": "Säkerhetsenheten", "role": "coordinator", "console": "samordnare"}
    )
    reporters.append({"name": "Kim Kommunpolis", "organisation": "Polisen", "role": "participant", "console": "polis"})
    if folder is None:  # beside the database file
        folder = Path(db_url.removeprefix("sqlite:///")).parent
    outlines = write_outlines(folder)  # the areas' outlines, beside the database (demo-output/areas/)
    return parse_config(
        {
            "reports_dir": str(folder),
            "database": {"url": db_url},
            "groups": [
                {
                    "id": "demo",
                    "name": "Tryggare Exempelstad",
                    "timezone": "Europe/Stockholm",
                    "areas": [
                        {"code": c, "name": n, "places": [place_entry(x) for x in p], "outline": outlines[c]}
                        for c, (n, p) in AREAS.items()
                    ],
                    "reporters": reporters,
                    "channels": {
                        "meeting": {"console": "möte"},
                        "broadcast": {"console": "veckorapport"},
                        "coordinators": {"console": "samordnare-kanal"},
                    },
                }
            ],
        },
        "demo",
        folder,
    )
