"""The backtest in words: the whole replay as plain text for `est-bot backtest`, and a summary short enough for
one chat message (the coordinators' `backtest`). The replay is `bot.domain.backtest`'s; the words are the
catalogue's (bot/text/backtest.py)."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import asdict

from bot.domain.backtest import LOOKBACK_WEEKS, Cell, Decision, GroupBacktest, Lead, ParameterSet, Run
from bot.text import count, t
from bot.text.numbers import format_number

SPARK = "▁▂▃▄▅▆▇█"
ZERO = "·"
ACTION_WIDTH = 44
CHAT_CELLS = 3
WIDTH = 110  # of the paragraphs


def _num(value: float, lang: str) -> str:
    """A count or a median: whole numbers as they are, a half with a decimal comma in Swedish."""
    return str(int(value)) if value == int(value) else format_number(value, lang)


def _setting(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def set_text(s: ParameterSet, lang: str) -> str:
    """What a parameter set is: today's settings written out, or an alternative's changes as written."""
    if s.today:
        shown = ", ".join(f"{k}={_setting(v)}" for k, v in asdict(s.params).items())
        return f"{t(lang, 'backtest.today')}: {shown}"
    return ", ".join(f"{k}={v}" for k, v in s.changes)


def cell_text(bt: GroupBacktest, cell: Cell, lang: str) -> str:
    area, factor = cell
    labels = {f.code: f.label(lang) for f in bt.factors}
    return f"{bt.area_names.get(area, area)} · {labels.get(factor, factor)}"


def decision_text(bt: GroupBacktest, d: Decision, lang: str) -> str:
    labels = {f.code: f.label(lang) for f in bt.factors}
    factors = ", ".join(labels.get(f, f) for f in d.factors) if d.factors else t(lang, "backtest.all_factors")
    return f"{d.title} ({factors})"


def lead_text(lead: Lead, lang: str) -> str:
    weeks = lead.weeks_before
    if weeks is None:
        return t(lang, "backtest.lead.none")
    return t(lang, "backtest.lead.same") if weeks == 0 else t(lang, "backtest.lead.before", weeks=weeks)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _row(head: str, width: int, cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  " + head.ljust(width) + "".join(c.rjust(w) for c, w in zip(cells, widths, strict=True))


def backtest_text(bt: GroupBacktest, lang: str) -> str:
    """The whole backtest as plain text: the settings, the flags week by week with median, most and total, the
    cells flagged, and each decided action with how early each set flagged it."""
    rp = bt.replay
    labels = [s.label for s in bt.sets]
    lines = [
        t(
            lang,
            "backtest.head",
            group=bt.group_name,
            id=bt.group_id,
            first=rp.first,
            last=rp.last,
            weeks=len(rp.weeks),
        ),
        *textwrap.wrap(t(lang, "backtest.intro"), WIDTH),
        "",
        t(lang, "backtest.sets"),
        *(f"  {s.label}  {set_text(s, lang)}" for s in bt.sets),
        "",
        t(lang, "backtest.per_week"),
    ]
    runs = [*rp.runs, rp.red]
    heads = [*labels, t(lang, "backtest.col.red")]
    widths = [max(5, len(h) + 2) for h in heads]
    first = max(len(t(lang, k)) for k in ("backtest.col.week", "backtest.median", "backtest.most", "backtest.total"))
    first = max(first, 8) + 2
    lines.append(_row(t(lang, "backtest.col.week"), first, heads, widths))
    for i, week in enumerate(rp.weeks):
        lines.append(_row(str(week), first, [str(r.per_week[i]) for r in runs], widths))
    lines.append(_row(t(lang, "backtest.median"), first, [_num(r.median, lang) for r in runs], widths))
    lines.append(_row(t(lang, "backtest.most"), first, [str(r.most) for r in runs], widths))
    lines.append(_row(t(lang, "backtest.total"), first, [str(r.total) for r in runs], widths))
    lines += ["", t(lang, "backtest.cells")]
    for s, run in zip(bt.sets, rp.runs, strict=True):
        flagged = run.cells()
        if not flagged:
            lines.append(f"  {s.label}  {t(lang, 'backtest.none')}")
        for n, (cell, weeks) in enumerate(flagged.items()):
            lead = s.label if n == 0 else " " * len(s.label)
            lines.append(f"  {lead}  {cell_text(bt, cell, lang)}: {', '.join(str(w) for w in weeks)}")
    lines += ["", *_decision_lines(bt, lang)]
    return "\n".join(lines)


def _decision_lines(bt: GroupBacktest, lang: str) -> list[str]:
    rp = bt.replay
    if not rp.decisions:
        return [t(lang, "backtest.decisions.none")]
    runs = [*rp.runs, rp.red]
    heads = [*(s.label for s in bt.sets), t(lang, "backtest.col.red")]
    texts = [[lead_text(lead, lang) for lead in r.leads] for r in runs]
    widths = [max(len(h), *(len(x) for x in col)) + 3 for h, col in zip(heads, texts, strict=True)]
    head = f"{t(lang, 'backtest.col.week'):<10}{t(lang, 'backtest.col.decision')}"
    lines = [t(lang, "backtest.decisions", lookback=LOOKBACK_WEEKS), _row(head, 10 + ACTION_WIDTH, heads, widths)]
    for i, d in enumerate(rp.decisions):
        what = f"{d.week!s:<10}{_cut(decision_text(bt, d, lang), ACTION_WIDTH - 2)}"
        lines.append(_row(what, 10 + ACTION_WIDTH, [col[i] for col in texts], widths))
    n = len(rp.decisions)
    found = [t(lang, "backtest.of", found=r.found, n=n) for r in runs]
    lines.append(_row(t(lang, "backtest.found"), 10 + ACTION_WIDTH, found, widths))
    return lines


def sparkline(counts: Sequence[int], top: int) -> str:
    """One character a week: `ZERO` for none, else a bar scaled to `top`."""
    return "".join(ZERO if c == 0 else SPARK[max(0, math.ceil(c * len(SPARK) / max(top, 1)) - 1)] for c in counts)


def _top_cells(bt: GroupBacktest, run: Run, lang: str) -> str:
    flagged = sorted(run.cells().items(), key=lambda item: -len(item[1]))  # stable: first flagged first
    shown = [f"{cell_text(bt, cell, lang)} ×{len(weeks)}" for cell, weeks in flagged[:CHAT_CELLS]]
    if len(flagged) > CHAT_CELLS:
        shown.append(t(lang, "backtest.chat.more_cells", n=len(flagged) - CHAT_CELLS))
    return ", ".join(shown) if shown else t(lang, "backtest.none")


def backtest_chat(bt: GroupBacktest, lang: str) -> str:
    """The backtest in one chat message: a row a week per set (a sparkline) with median, most and total, how
    many decided actions each set flagged and how early, the cells flagged most often; the full table is
    `est-bot backtest`'s."""
    rp = bt.replay
    top = max((r.most for r in (*rp.runs, rp.red)), default=0)
    n = len(rp.decisions)
    weeks = count(lang, "week", len(rp.weeks))  # "1 vecka", "5 veckor"
    lines = [t(lang, "backtest.chat.head", group=bt.group_name, first=rp.first, last=rp.last, weeks=weeks)]
    for s, run in zip(bt.sets, rp.runs, strict=True):
        early = run.median_lead
        found = t(lang, "backtest.of", found=run.found, n=n)
        if early is not None:
            found += t(lang, "backtest.chat.lead", weeks=_num(early, lang))
        lines.append(
            t(
                lang,
                "backtest.chat.set",
                label=s.label,
                what=set_text(s, lang),
                spark=sparkline(run.per_week, top),
                median=_num(run.median, lang),
                most=run.most,
                total=run.total,
                found=found,
            )
        )
    red = rp.red
    lines.append(
        t(
            lang,
            "backtest.chat.red",
            spark=sparkline(red.per_week, top),
            median=_num(red.median, lang),
            most=red.most,
            found=t(lang, "backtest.of", found=red.found, n=n),
        )
    )
    today = rp.runs[0].cells()
    for s, run in zip(bt.sets, rp.runs, strict=True):
        if s.today or run.cells() != today:
            lines.append(t(lang, "backtest.chat.cells", label=s.label, cells=_top_cells(bt, run, lang)))
        else:
            lines.append(t(lang, "backtest.chat.same_cells", label=s.label, today=bt.sets[0].label))
    lines.append(t(lang, "backtest.chat.full", id=bt.group_id))
    return "\n".join(lines)
