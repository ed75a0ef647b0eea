"""Numbers for people: levels with a decimal comma in Swedish, changes with an arrow, percentages.

The domain computes levels and changes as floats (`bot.domain.effect.shown_change`); these functions show them
in a language, the same way in every report, chat text and chart.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from bot.text import t


def format_number(value: float, lang: str, digits: int = 1) -> str:
    """A level for people: rounded half up, decimal comma in Swedish ("1,5")."""
    quantum = Decimal(1).scaleb(-digits)
    text = str(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))
    if text.startswith("-") and Decimal(text) == 0:
        text = text[1:]
    return text if lang == "en" else text.replace(".", ",")


def format_delta(value: float | None, lang: str) -> str:
    """A change with an arrow: "↑ +1,0", "↓ −0,5", "→ 0,0"; "–" when unknown."""
    if value is None:
        return "–"
    shown = format_number(abs(value), lang)
    if Decimal(shown.replace(",", ".")) == 0:
        return f"→ {format_number(0.0, lang)}"
    return f"↑ +{shown}" if value > 0 else f"↓ −{shown}"


def format_percent(fraction: float, lang: str) -> str:
    value = Decimal(repr(float(fraction * 100))).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return t(lang, "picture.percent", value=str(value))


def reporters_text(count: int, lang: str) -> str:
    return t(lang, "picture.reporters.one" if count == 1 else "picture.reporters.many", count=count)
