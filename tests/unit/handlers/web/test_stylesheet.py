"""The web view's one style sheet parses as the parts wrote it: every block it opens is closed where it should be.
(A merge that lost a `}` once put every later rule, the map's height among them, inside a phone-only @media.)"""

from __future__ import annotations

import re

from handlers.web.snapshot import STATIC


def test_every_block_of_the_style_sheet_is_closed_and_every_part_starts_at_the_top_level() -> None:
    css = re.sub(
        r"/\*.*?\*/", lambda m: " " * len(m.group(0)), (STATIC / "est.css").read_text(encoding="utf-8"), flags=re.S
    )
    depth = 0
    for number, line in enumerate(css.splitlines(), 1):
        for char in line:
            depth += {"{": 1, "}": -1}.get(char, 0)
            assert depth >= 0, f"est.css line {number}: a '}}' closes nothing"
    assert depth == 0, f"est.css: {depth} block(s) never closed"
    text = (STATIC / "est.css").read_text(encoding="utf-8")
    depth = 0
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(r"/\* ---? ?.*\(.*helper W\d|/\* W\d:", line.strip()):
            assert depth == 0, f"est.css line {number}: a part's rules start inside another part's block"
        depth += line.count("{") - line.count("}")
