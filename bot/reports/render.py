"""Draw a situation picture as Markdown, HTML or a short chat text.

The numbers and words are prepared here once, in the picture's language, as a
small view model; the Jinja2 templates only lay them out. User text (area and
place names, notes, observations) stays raw in the view model and is escaped
by the template: HTML templates autoescape, Markdown templates pass every value
through the ``md`` filter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.domain.attention import things
from bot.domain.factors import LEVEL_EMOJI, LEVEL_HEX
from bot.domain.picture import ActionFollowUp, Cell, Note, Standout
from bot.reports.view import PictureView
from bot.text import CATALOGUE, t
from bot.text.numbers import format_delta, format_number, format_percent

if TYPE_CHECKING:
    from jinja2 import Environment


def code_label(prefix: str, code: str, lang: str) -> str:
    """A code's human label (`resp.police` -> Polisen); unknown codes are shown as they are."""
    if not code:
        return t(lang, "unset")
    key = f"{prefix}.{code}"
    return t(lang, key) if key in CATALOGUE else code


TEMPLATES = Path(__file__).parent / "templates"

STANDOUT_ICON: dict[str, str] = {
    "red": "🔴",
    "rising": "📈",
    "hotspot": "📍",
    "new_place": "🆕",
    "single_report": "❕",
}
SQUARES: dict[str, str] = {"green": "🟩", "yellow": "🟨", "orange": "🟧", "red": "🟥", "none": "⬜"}
# text colour that stays readable on each background (WCAG AA, 4.5:1: dark on green is 5.1, white 3.4)
FOREGROUND: dict[str, str] = {
    "green": "#1a1a1a",
    "yellow": "#1a1a1a",
    "orange": "#1a1a1a",
    "red": "#ffffff",
    "none": "#1a1a1a",
}


@dataclass(frozen=True)
class Decision:
    """A priority the meeting decided; the labels are already in the report's language."""

    title: str
    area: str
    place: str | None
    action_type: str
    responsible: str
    timeframe: str
    votes: int


# --------------------------------------------------------------------------- escaping

_MD_SPECIAL = re.compile(r"([\\*_`\[\]<>|#~])")


def escape_markdown(value: object) -> str:
    """User text made inert in Markdown: special characters backslashed, one line."""
    text = " ".join(str(value).split())
    return _MD_SPECIAL.sub(r"\\\1", text)


_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n){2,}")


@cache
def _environment(kind: str) -> Environment:
    # jinja2 is imported here, with the first template: a chart worker, which imports this module for its jobs'
    # data, renders none
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=kind == "html",
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = escape_markdown
    # The level colours as classes (`lv-red`) in the document's one <style>: no style attributes, so the HTML
    # also reads under a Content-Security-Policy that allows that stylesheet alone (the web view's report).
    env.globals["level_styles"] = tuple((c, LEVEL_HEX[c], FOREGROUND[c]) for c in LEVEL_HEX)
    return env


def render_template(template: str, context: dict[str, Any]) -> str:
    kind = "html" if template.endswith(".html.j2") else "md"
    text = _environment(kind).get_template(template).render(**context)
    return _BLANK_LINES.sub("\n\n", text).strip() + "\n"


# --------------------------------------------------------------------------- view model


def _num(value: float | None, lang: str) -> str:
    return "–" if value is None else format_number(value, lang)


def _arrow(value: float | None, lang: str) -> str:
    return "" if value is None else format_delta(value, lang).split(" ")[0]


def _where(p: PictureView, area: str | None, place: str | None = None, factor: str | None = None) -> str:
    parts = [p.area_name(area) if area else "", " ".join(place.split()) if place else ""]
    parts.append(p.factor_label(factor) if factor else "")
    shown = [part for part in parts if part]
    return " · ".join(shown) if shown else t(p.lang, "picture.where.general")


def _action_levels(a: ActionFollowUp, lang: str) -> str:
    """The levels as "nivå före 1,5, efter 0,5", or before only while it is too early to say after."""
    before = _num(a.level_before, lang)
    if a.level_after is None:
        return t(lang, "picture.action.levels.early", before=before)
    return t(lang, "picture.action.levels", before=before, after=_num(a.level_after, lang))


def _cell_view(p: PictureView, cell: Cell) -> dict[str, Any]:
    lang = p.lang
    if cell.count == 0:
        reports = t(lang, "picture.cell.no_reports")
    else:
        key = "picture.cell.reports.one" if cell.count == 1 else "picture.cell.reports.many"
        reports = t(lang, key, count=cell.count)
    return {
        "colour": cell.colour,
        "emoji": LEVEL_EMOJI[cell.colour],
        "hex": LEVEL_HEX[cell.colour],
        "fg": FOREGROUND[cell.colour],
        "mean": _num(cell.mean, lang),
        "max": "–" if cell.max is None else str(cell.max),
        "count": cell.count,
        "reports": reports,
        "max_text": t(lang, "picture.cell.max", max=cell.max) if cell.max is not None else "",
        "vs_last": format_delta(cell.vs_last, lang),
        "vs_baseline": format_delta(cell.vs_baseline, lang),
        "arrow": _arrow(cell.vs_last, lang),
        "empty": cell.count == 0,
    }


def _standout_view(p: PictureView, s: Standout) -> dict[str, str]:
    return {
        "kind": s.kind.value,
        "icon": STANDOUT_ICON.get(s.kind, "•"),
        "where": _where(p, s.area, s.place, s.factor),
        "reason": p.reason(s),
    }


def view_model(p: PictureView, *, for_coordinators: bool, decisions: list[Decision] | None) -> dict[str, Any]:
    lang = p.lang
    inp = p.input
    area_index = {a.code: i for i, a in enumerate(inp.areas)}
    factor_index = {f.code: i for i, f in enumerate(inp.factors)}

    def tr(key: str, **kwargs: Any) -> str:
        return t(lang, key, **kwargs)

    response = tr(
        "picture.response",
        responded=inp.responded,
        expected=inp.expected,
        rate=format_percent(p.response_rate, lang),
    )
    if inp.late:
        response += ", " + tr("picture.response.late", late=inp.late)

    non_responders: str | None = None
    if for_coordinators:
        if inp.non_responders:
            non_responders = tr(
                "picture.non_responders",
                count=len(inp.non_responders),
                names=", ".join(sorted(inp.non_responders, key=str.lower)),
            )
        else:
            non_responders = tr("picture.all_responded")

    factors = [{"code": f.code, "label": f.label(lang)} for f in inp.factors]
    areas = [
        {
            "code": a.code,
            "name": a.name,
            "rows": [{"factor": f.label(lang), **_cell_view(p, p.cells[(a.code, f.code)])} for f in inp.factors],
        }
        for a in inp.areas
    ]
    heatmap = [
        {
            "factor": f.label(lang),
            "cells": [_cell_view(p, p.cells[(a.code, f.code)]) for a in inp.areas],
        }
        for f in inp.factors
    ]
    legend = [
        {
            "colour": c,
            "emoji": LEVEL_EMOJI[c],
            "hex": LEVEL_HEX[c],
            "fg": FOREGROUND[c],
            "label": tr(f"picture.level.{k}"),
        }
        for k, c in (("0", "green"), ("1", "yellow"), ("2", "orange"), ("3", "red"), ("none", "none"))
    ]

    candidates = [
        {
            "title": c.title,
            # an area candidate's reasons already name their factors
            "factors": ", ".join(p.factor_label(f) for f in c.factors) if c.place else "",
            "reasons": "; ".join(p.candidate_reasons(c)),
            "score": tr("picture.candidate.score", score=format_number(c.score, lang, 0)),
        }
        for c in p.candidates
    ]

    def order(area: str | None, factor: str | None) -> tuple[int, int]:
        """Area by area in the group's order, general items last; factors in questionnaire order."""
        return (area_index.get(area or "", len(area_index)), factor_index.get(factor or "", -1))

    def note_order(n: Note) -> tuple[int, int, int]:
        return (*order(n.area, n.factor), n.id)

    shown_notes = [n for n in inp.notes if n.approved or decisions is None]
    notes = [
        {
            "where": _where(p, n.area, n.place, n.factor),
            "text": n.text,
            "organisation": n.organisation,
            "unreviewed": tr("picture.note.unreviewed") if not n.approved else "",
        }
        for n in sorted(shown_notes, key=note_order)
    ]
    observations = [
        {
            "where": _where(p, o.area, None, o.factor),
            "text": o.text,
            "by": tr("picture.observation.by", source=o.source, author=o.author),
        }
        for o in sorted(inp.observations, key=lambda o: order(o.area, o.factor))
    ]
    actions = [
        {
            "description": a.description,
            "where": _where(p, a.area, a.place, a.factor),
            "responsible": code_label("resp", a.responsible, lang),
            "decided": tr("picture.action.decided", week=a.decided_week.week),
            "levels": _action_levels(a, lang),
            "change": format_delta(a.change, lang) if a.change is not None else "",
        }
        for a in inp.actions
    ]

    police_events = [
        {
            "where": _where(p, e.area, e.place),
            "text": tr(
                "stats.picture.event",
                day=tr(f"stats.day.{e.at.isoweekday()}"),
                date=f"{e.at:%d/%m}",
                time=f"{e.at:%H:%M}",
                type=e.type,
                summary=e.summary or e.location,
            ),
        }
        for e in inp.police_events
    ]

    context: dict[str, Any] = {
        "lang": lang,
        "tr": tr,
        "title": tr("picture.title", group=inp.group_name, week=inp.week.week, year=inp.week.year),
        "report_title": tr("picture.report.title", group=inp.group_name, week=inp.week.week, year=inp.week.year),
        "response": response,
        "non_responders": non_responders,
        "factors": factors,
        "areas": areas,
        "heatmap": heatmap,
        "legend": legend,
        "standouts": [_standout_view(p, s) for s in p.standouts],
        "candidates": candidates,
        "notes": notes,
        "observations": observations,
        "actions": actions,
        "police_events": police_events,
        "decisions": [],
        "summary": [],
    }
    if decisions is not None:
        context["decisions"] = [_decision_view(p, d) for d in decisions]
        context["summary"] = _summary_lines(p, decisions)
    return context


def _decision_view(p: PictureView, d: Decision) -> dict[str, str]:
    area = p.area_name(d.area)
    title = d.title
    missing = [name for name in (d.place, area) if name and name.lower() not in title.lower()]
    if missing:
        title = f"{title} ({', '.join(missing)})"
    votes_key = "picture.decision.votes.one" if d.votes == 1 else "picture.decision.votes.many"
    return {
        "title": title,
        "action_type": d.action_type,
        "responsible": d.responsible,
        "timeframe": d.timeframe,
        "votes": t(p.lang, votes_key, count=d.votes),
    }


def _count(p: PictureView, kind: str) -> int:
    return sum(1 for s in p.standouts if s.kind == kind)


def _highest(p: PictureView, n: int = 3) -> list[str]:
    """The n cells with the highest mean level of at least 1, as "Factor in Area (mean)"."""
    area_index = {a.code: i for i, a in enumerate(p.input.areas)}
    factor_index = {f.code: i for i, f in enumerate(p.input.factors)}
    ranked = sorted(
        (c for c in p.cells.values() if c.mean is not None and c.mean >= 1.0),
        key=lambda c: (-(c.mean or 0.0), area_index[c.area], factor_index[c.factor]),
    )
    return [
        t(
            p.lang,
            "picture.summary.item",
            factor=p.factor_label(c.factor),
            area=p.area_name(c.area),
            mean=format_number(c.mean or 0.0, p.lang),
        )
        for c in ranked[:n]
    ]


def _summary_lines(p: PictureView, decisions: list[Decision]) -> list[str]:
    lang = p.lang
    lines = [
        t(
            lang,
            "picture.summary.counts",
            red=_count(p, "red") + _count(p, "single_report"),  # every cell where someone answered 3
            rising=_count(p, "rising"),
            hotspots=_count(p, "hotspot"),
            new=_count(p, "new_place"),
        ),
        t(lang, "picture.summary.decisions", count=len(decisions)),
    ]
    highest = _highest(p)
    if highest:
        lines.append(t(lang, "picture.summary.highest", items="; ".join(highest)))
    return lines


# --------------------------------------------------------------------------- public API


def render_picture_markdown(p: PictureView, *, for_coordinators: bool = False) -> str:
    return render_template("picture.md.j2", view_model(p, for_coordinators=for_coordinators, decisions=None))


def render_picture_html(p: PictureView, *, for_coordinators: bool = False) -> str:
    return render_template("picture.html.j2", view_model(p, for_coordinators=for_coordinators, decisions=None))


def render_report_markdown(p: PictureView, decisions: list[Decision]) -> str:
    """The Friday weekly report: approved notes only, no names of non-responders."""
    return render_template("report.md.j2", view_model(p, for_coordinators=False, decisions=list(decisions)))


def render_report_html(p: PictureView, decisions: list[Decision]) -> str:
    return render_template("report.html.j2", view_model(p, for_coordinators=False, decisions=list(decisions)))


def picture_summary_text(p: PictureView, *, max_lines: int = 30) -> str:
    """A short plain-text picture for a chat message: one line per area, then the first `show` of what stands
    out (`[groups.detection] show`), strongest first, and how many more the report and the web view list."""
    lang = p.lang
    inp = p.input
    ctx_response = t(
        lang,
        "picture.response",
        responded=inp.responded,
        expected=inp.expected,
        rate=format_percent(p.response_rate, lang),
    )
    if inp.late:
        ctx_response += ", " + t(lang, "picture.response.late", late=inp.late)
    lines = [
        t(lang, "picture.title", group=inp.group_name, week=inp.week.week, year=inp.week.year),
        ctx_response,
    ]
    for a in inp.areas:
        cells = [p.cells[(a.code, f.code)] for f in inp.factors]
        squares = "".join(SQUARES[c.colour] for c in cells)
        reported = [c for c in cells if c.mean is not None]
        if reported:
            top = max(reported, key=lambda c: (c.mean or 0.0, c.max or 0))
            detail = t(
                lang,
                "picture.summary.area_top",
                factor=p.factor_label(top.factor),
                mean=format_number(top.mean or 0.0, lang),
            )
        else:
            detail = t(lang, "picture.summary.area_none")
        lines.append(f"{squares} {a.name} – {detail}")
    if p.standouts:
        # the attention budget: the strongest `show` things, a cell both red and rising being one line; the report
        # and the web view list every standout
        show = inp.attention.show
        listed = things(p.standouts)
        lines.append(t(lang, "picture.summary.standouts"))
        for thing in listed[:show]:
            views = [_standout_view(p, s) for s in thing]
            icons = "".join(v["icon"] for v in views)
            lines.append(f"{icons} {views[0]['where']}: {'; '.join(v['reason'] for v in views)}")
        if len(listed) > show:
            lines.append(t(lang, "picture.standouts.more", count=len(listed) - show))
    if inp.police_events:
        lines.append(t(lang, "stats.picture.summary_line", n=len(inp.police_events)))
    if len(lines) > max_lines:
        keep = max(1, max_lines - 1)
        hidden = len(lines) - keep
        lines = [*lines[:keep], t(lang, "picture.summary.more", count=hidden)]
    return "\n".join(lines)


__all__: list[str] = [
    "FOREGROUND",
    "Decision",
    "code_label",
    "escape_markdown",
    "picture_summary_text",
    "render_picture_html",
    "render_picture_markdown",
    "render_report_html",
    "render_report_markdown",
    "render_template",
    "view_model",
]
