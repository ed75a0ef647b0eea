"""Finding a text where a message quotes it, and cutting it out: for a rewritten note and for `forget`."""

from __future__ import annotations

import re
from typing import Any

from bot.domain.masking import map_strings


def distinctive(text: str) -> bool:
    """Whether a note or place name is long enough to be cut out of other messages where it is quoted. A single
    word or a few letters ("Klotter", "Centrum") is also a factor, an area, a button or a word in someone else's
    note: cutting it everywhere would garble other people's messages and break documents, and it names nobody
    (notes are masked for personal data when they come in)."""
    return len(text.split()) >= 2 and len(text.strip()) >= 12


HTML_FORMS = {"&": ("&amp;",), "<": ("&lt;",), ">": ("&gt;",), '"': ("&quot;", "&#34;"), "'": ("&#x27;", "&#39;")}


def quote_pattern(text: str) -> re.Pattern[str]:
    """A pattern for `text` as a message may quote it: any run of whitespace for a space, and each character
    possibly escaped for Markdown (a backslash before it) or HTML (an entity)."""

    def char(c: str) -> str:
        forms = [re.escape(c), *(re.escape(f) for f in HTML_FORMS.get(c, ()))]
        return r"\\?(?:" + "|".join(forms) + ")"

    body = r"\s+".join("".join(char(c) for c in word) for word in text.split())
    return re.compile(r"(?<!\w)" + body + r"(?!\w)")


def redact(value: Any, patterns: list[re.Pattern[str]], marker: str) -> Any:
    """`value` (a message payload: JSON of dicts, lists and strings) with every match of `patterns` replaced."""

    def cut(text: str) -> str:
        for pattern in patterns:
            text = pattern.sub(lambda _: marker, text)
        return text

    return map_strings(value, cut) if patterns else value


def replace_name(value: Any, name: str, placeholder: str) -> Any:
    """`value` (an audit detail: JSON of dicts, lists and strings) with `name` replaced wherever it appears."""
    return map_strings(value, lambda text: text.replace(name, placeholder))
