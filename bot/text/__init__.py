"""The one catalogue of user-facing strings, Swedish (default) and English.

Each part of the bot keeps its strings in a module of this package as a dict
``{key: {"sv": ..., "en": ...}}``; they are merged here. `t()` formats with
``str.format`` keyword arguments. A missing key is a bug, so it raises.

The domain returns values, not words; two modules here word them: `numbers` (levels with a decimal comma,
changes with an arrow, percentages) and `reasons` (why something stands out, `bot.domain.reasons`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.text import (
    backtest,
    chat,
    commands,
    detection,
    email,
    email_messages,
    home,
    picture,
    questionnaire,
    reliability,
    reports,
    slack,
    statistics,
    web,
    web_form,
    web_map,
    web_mine,
    web_snapshot,
    web_trends,
    web_weeks,
)

LANGUAGES: tuple[str, ...] = ("sv", "en")
DEFAULT_LANGUAGE = "sv"

CATALOGUE: dict[str, dict[str, str]] = {}
for _part in (
    questionnaire.TEXT,
    commands.TEXT,
    picture.TEXT,
    home.TEXT,
    slack.TEXT,
    statistics.TEXT,
    detection.TEXT,
    backtest.TEXT,
    reports.TEXT,
    reliability.TEXT,
    chat.TEXT,
    web.TEXT,
    web_map.TEXT,
    web_mine.TEXT,
    web_snapshot.TEXT,
    web_trends.TEXT,
    web_weeks.TEXT,
    email.TEXT,
    email_messages.TEXT,
    web_form.TEXT,
):
    for _key, _value in _part.items():
        if _key in CATALOGUE:
            raise RuntimeError(f"duplicate text key {_key!r}")
        CATALOGUE[_key] = _value


def norm_lang(lang: str | None) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(lang: str | None, key: str, **kwargs: Any) -> str:
    entry = CATALOGUE[key]
    template = entry.get(norm_lang(lang)) or entry[DEFAULT_LANGUAGE]
    return template.format(**kwargs) if kwargs else template


def plural(lang: str | None, key: str, count: int, **kwargs: Any) -> str:
    """`key.one` for a count of 1, `key.many` for any other (0 included: "0 åtgärder", "0 actions")."""
    return t(lang, f"{key}.one" if count == 1 else f"{key}.many", count=count, **kwargs)


def count(lang: str | None, noun: str, n: int) -> str:
    """``n`` and the noun in the right form, "1 vecka", "3 veckor": `plural` over "noun.<noun>"."""
    return plural(lang, f"noun.{noun}", n)


def listed(lang: str | None, parts: Sequence[str]) -> str:
    """The parts joined as a list is written: "a, b och c" ("a, b and c")."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + t(lang, "list.and") + parts[-1]


def label(lang: str, prefix: str, code: str | None) -> str:
    """The human label of a decision code, or "not chosen"."""
    return t(lang, f"{prefix}.{code}") if code else t(lang, "unset")
