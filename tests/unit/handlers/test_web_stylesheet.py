"""The web view's one stylesheet stays well formed as every part appends its rules: a block left open (a
part's `@media` at the end of the file, whose closing brace a merge dropped) would pull every rule after it
into that media query, and the map would have no height on a desktop."""

from __future__ import annotations

import re
from pathlib import Path

CSS = Path(__file__).resolve().parents[3] / "handlers" / "web" / "static" / "est.css"


def _without_comments_and_strings(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"\"[^\"\n]*\"|'[^'\n]*'", '""', text)


def test_every_block_of_the_stylesheet_is_closed_where_it_should_be() -> None:
    depth = 0
    for number, line in enumerate(_without_comments_and_strings(CSS.read_text(encoding="utf-8")).splitlines(), 1):
        if line.startswith("@media") or (line[:1].strip() and not line.startswith("}")):
            # a rule or media query at the left margin starts at the top level
            assert depth == 0, f"est.css line {number} is inside a block left open: {line!r}"
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"est.css line {number} closes a block that was not open"
    assert depth == 0, "est.css ends inside a block"
