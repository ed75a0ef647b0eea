"""Documents people keep: the Friday weekly report and the yearly follow-up, as HTML and as PDF.

The HTML is one self-contained file: the charts are embedded as data URIs, so it can be mailed or put on an
intranet as it is. The PDF (fpdf2, see bot/reports/pdf.py) holds the same sections with the charts as
images. Both are drawn from view models prepared here in the document's language.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.domain.effect import AFTER_WEEKS, BEFORE_WEEKS, MIN_AFTER, STEP, VERDICTS
from bot.domain.factors import LEVEL_HEX, colour_for
from bot.reports.followup import ActionEffect, FollowUp
from bot.reports.render import FOREGROUND, Decision, code_label, render_template, view_model
from bot.reports.view import PictureView
from bot.text import label, listed, plural, t
from bot.text.numbers import format_delta, format_number, format_percent

if TYPE_CHECKING:
    from bot.reports.pdf import Document

TREND_WEEKS = 12


def data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _num(value: float | None, lang: str) -> str:
    return "–" if value is None else format_number(value, lang)


# --------------------------------------------------------------------------- weekly report


def render_weekly_html(pic: PictureView, decisions: Sequence[Decision], trend: Path | None) -> str:
    """The weekly report (report.html.j2) with the trend chart embedded."""
    lang = pic.lang
    ctx = view_model(pic, for_coordinators=False, decisions=list(decisions))
    ctx["charts"] = (
        [
            {
                "title": t(lang, "doc.section.trend", weeks=TREND_WEEKS),
                "explain": t(lang, "doc.trend.explain"),
                "src": data_uri(trend),
                "alt": t(lang, "trend.alt"),
            }
        ]
        if trend is not None
        else []
    )
    return render_template("report.html.j2", ctx)


def write_weekly_pdf(
    pic: PictureView, decisions: Sequence[Decision], heatmap: Path | None, trend: Path | None, path: Path
) -> Path:
    # fpdf and matplotlib (the trend chart's panel breaks) only where a PDF is written: a chart worker
    from bot.reports.pdf import Document
    from bot.reports.trends import panel_breaks

    lang = pic.lang
    ctx = view_model(pic, for_coordinators=False, decisions=list(decisions))
    tr = ctx["tr"]
    doc = Document(lang, ctx["report_title"])
    doc.h1(ctx["report_title"])

    doc.h2(tr("picture.section.summary"))
    doc.para(ctx["response"])
    doc.bullets(ctx["summary"])

    if heatmap is not None:
        doc.figure(tr("picture.section.heatmap"), None, heatmap, alt=t(lang, "heatmap.alt"))
    else:
        doc.h2(tr("picture.section.heatmap"))
    _legend(doc, ctx["legend"])
    doc.para(tr("picture.legend.colours"), size=9, muted=True)

    doc.h2(tr("picture.section.standouts"))
    if ctx["standouts"]:
        doc.bullets([f"{_standout_mark(doc, s)} {s['where']}: {s['reason']}" for s in ctx["standouts"]])
    else:
        doc.para(tr("picture.standouts.none"))

    if trend is not None:
        doc.figure(
            t(lang, "doc.section.trend", weeks=TREND_WEEKS),
            t(lang, "doc.trend.explain"),
            trend,
            alt=t(lang, "trend.alt"),
            breaks=panel_breaks(trend),
        )

    doc.h2(tr("picture.section.decisions"))
    if ctx["decisions"]:
        doc.grid(
            [
                "#",
                t(lang, "doc.col.action"),
                t(lang, "doc.col.type"),
                t(lang, "doc.col.responsible"),
                t(lang, "doc.col.timeframe"),
                t(lang, "doc.col.votes"),
            ],
            [
                [str(i), d["title"], d["action_type"], d["responsible"], d["timeframe"], d["votes"]]
                for i, d in enumerate(ctx["decisions"], start=1)
            ],
            (6, 64, 30, 32, 24, 22),
        )
    else:
        doc.para(tr("picture.decisions.none"))

    if ctx["actions"]:
        rows = _action_rows(pic)
        doc.h2(tr("picture.section.actions"))
        doc.grid(
            [
                t(lang, "doc.col.action"),
                tr("picture.col.factor"),
                t(lang, "doc.col.responsible"),
                t(lang, "doc.col.decided"),
                t(lang, "doc.col.before"),
                t(lang, "doc.col.after"),
                t(lang, "doc.col.change"),
            ],
            [
                [
                    a["description"],
                    a["factor"],
                    a["responsible"],
                    a["decided_week"],
                    a["before"],
                    a["after"],
                    a["change"],
                ]
                for a in rows
            ],
            (46, 34, 32, 20, 12, 12, 22),
            size=9,
            colours=[[None, None, None, None, a["before_colour"], a["after_colour"], None] for a in rows],
            align=("LEFT", "LEFT", "LEFT", "CENTER", "CENTER", "CENTER", "CENTER"),
        )
    if ctx["notes"]:
        doc.h2(tr("picture.section.notes"))
        doc.bullets([f"{n['where']}: {n['text']} ({n['organisation']})" for n in ctx["notes"]])
    if ctx["observations"]:
        doc.h2(tr("picture.section.observations"))
        doc.bullets([f"{o['where']}: {o['text']} ({o['by']})" for o in ctx["observations"]])
    doc.ln(4)
    doc.para(tr("picture.footer"), size=8.5, muted=True)
    return doc.save(path)


def _action_rows(pic: PictureView) -> list[dict[str, Any]]:
    lang = pic.lang
    rows = []
    for a in pic.input.actions:
        parts = [pic.area_name(a.area), " ".join(a.place.split()) if a.place else "", pic.factor_label(a.factor)]
        rows.append(
            {
                "description": a.description,
                "where": " · ".join(p for p in parts if p),
                "factor": pic.factor_label(a.factor) or "–",
                "responsible": code_label("resp", a.responsible, lang),
                "decided_week": str(a.decided_week),
                "before": _num(a.level_before, lang),
                "after": _num(a.level_after, lang),
                "change": format_delta(a.change, lang),
                "before_colour": colour_for(a.level_before) if a.level_before is not None else None,
                "after_colour": colour_for(a.level_after) if a.level_after is not None else None,
            }
        )
    return rows


def _standout_mark(doc: Document, standout: dict[str, str]) -> str:
    """What a standout's line starts with in the PDF: its icon, as in the chat and the e-mail, where the machine
    has the colour emoji font; else its kind in words, as the web view shows it, never a "[emoji]" marker."""
    if doc.can_draw(standout["icon"]):
        return standout["icon"]
    return t(doc.lang, f"web.week.kind.{standout['kind']}") + " ·"


def _legend(doc: Document, legend: list[dict[str, Any]]) -> None:
    from bot.reports.pdf import FONT, LEVEL_RGB, LEVEL_TEXT

    doc.set_font(FONT, "", 8.5)
    colours = ("green", "yellow", "orange", "red", "none")
    if doc.get_y() + 16 > doc.page_break_trigger:
        doc.add_page()
    x = doc.l_margin
    y = doc.get_y() + 1
    for colour, item in zip(colours, legend, strict=False):
        width = doc.get_string_width(item["label"]) + 4
        if x + width > doc.w - doc.r_margin:
            x, y = doc.l_margin, y + 6
        doc.set_fill_color(*LEVEL_RGB[colour])
        doc.set_text_color(*LEVEL_TEXT[colour])
        doc.set_xy(x, y)
        doc.cell(width, 5, item["label"], align="C", fill=True)
        x += width + 2
    doc.set_text_color(0, 0, 0)
    doc.set_fill_color(255, 255, 255)
    doc.set_xy(doc.l_margin, y + 7)


# --------------------------------------------------------------------------- yearly follow-up


def _hex(value: float | None) -> tuple[str, str]:
    colour = colour_for(value)
    return LEVEL_HEX[colour], FOREGROUND[colour]


def _where(e: ActionEffect) -> str:
    return " · ".join(p for p in (e.action.area_name, e.action.place or "") if p)


def followup_view(f: FollowUp, lang: str, charts: dict[int, Path] | None = None) -> dict[str, Any]:
    """Everything the follow-up documents show, as text in `lang`."""

    charts = charts or {}
    status = f.status_counts()
    verdicts = f.verdict_counts()
    factor_labels = {x.code: x.label(lang) for x in f.series.factors}
    overview = [
        t(
            lang,
            "followup.weeks",
            weeks=plural(lang, "followup.n.weeks", f.weeks_with_reports),
            answers=plural(lang, "followup.n.answers", f.answers),
            rate=format_percent(f.response_rate, lang),
        ),
        t(
            lang,
            "followup.actions",
            actions=plural(lang, "noun.decided_action", len(f.effects)),
            statuses=listed(
                lang, [plural(lang, f"followup.n.{s}", status[s]) for s in ("done", "ongoing", "planned") if status[s]]
            ),
        )
        if f.effects
        else t(lang, "followup.none"),
    ]
    verdict_parts = [
        t(lang, f"followup.effect.part.{v}", actions=plural(lang, "followup.n.actions", verdicts[v]))
        for v in VERDICTS
        if verdicts[v]
    ]
    actions = []
    for e in f.effects:
        a = e.action
        before_hex, before_fg = _hex(e.before)
        after_hex, after_fg = _hex(e.after)
        weeks = []
        for i, (w, level) in enumerate(zip(e.weeks, e.levels, strict=True)):
            hex_, fg = _hex(level)
            weeks.append(
                {
                    "label": str(w.week),
                    "level": _num(level, lang),
                    "hex": hex_,
                    "fg": fg,
                    "mentions": e.mentions[i] if e.mentions is not None else "",
                    "colour": colour_for(level),
                }
            )
        factors = ", ".join(factor_labels.get(c, c) for c in a.factors) or t(lang, "followup.all_factors")
        actions.append(
            {
                "id": a.id,
                "title": a.title,
                "where": _where(e),
                "week": str(a.week),
                "type": label(lang, "atype", a.action_type),
                "responsible": label(lang, "resp", a.responsible),
                "timeframe": label(lang, "time", a.timeframe),
                "status": t(lang, f"status.{a.status}"),
                "before": _num(e.before, lang),
                "after": _num(e.after, lang),
                "before_colour": colour_for(e.before),
                "after_colour": colour_for(e.after),
                "before_hex": before_hex,
                "before_fg": before_fg,
                "after_hex": after_hex,
                "after_fg": after_fg,
                "change": format_delta(e.change, lang),
                "verdict": t(lang, f"followup.verdict.{e.verdict}"),
                "head": t(lang, "followup.action.head", id=a.id, title=a.title),
                "meta": t(
                    lang,
                    "followup.action.meta",
                    where=_where(e),
                    week=str(a.week),
                    type=label(lang, "atype", a.action_type),
                    responsible=label(lang, "resp", a.responsible),
                    timeframe=label(lang, "time", a.timeframe),
                    status=t(lang, f"status.{a.status}"),
                ),
                "factors": t(lang, "followup.factors", factors=factors),
                "levels_line": t(
                    lang,
                    "followup.action.levels",
                    before=_num(e.before, lang),
                    after=_num(e.after, lang),
                    verdict=t(lang, f"followup.verdict.{e.verdict}"),
                ),
                "voters": t(lang, "followup.voters", orgs=", ".join(e.organisations)) if e.organisations else "",
                "weeks": weeks,
                "mentions": e.mentions is not None,
                "chart_path": charts.get(a.id),
            }
        )

    def counted(counter: Any, prefix: str) -> list[list[str]]:
        return [[label(lang, prefix, code or None), str(n)] for code, n in counter.most_common()]

    who = [
        {
            "title": t(lang, "followup.reporting"),
            "header": [t(lang, "doc.col.organisation"), t(lang, "doc.col.answers"), t(lang, "doc.col.weeks")],
            "rows": [[p.organisation or "–", str(p.answers), str(p.weeks)] for p in f.participation],
        }
    ]
    if f.effects:
        who.append(
            {
                "title": t(lang, "followup.by_responsible"),
                "header": [t(lang, "doc.col.responsible"), t(lang, "doc.col.count")],
                "rows": counted(f.responsible_counts(), "resp"),
            }
        )
        who.append(
            {
                "title": t(lang, "followup.by_type"),
                "header": [t(lang, "doc.col.type"), t(lang, "doc.col.count")],
                "rows": counted(f.type_counts(), "atype"),
            }
        )
    return {
        "lang": lang,
        "tr": lambda key, **kw: t(lang, key, **kw),
        "title": t(lang, "followup.title", year=f.year, group=f.group_name),
        "subtitle": t(lang, "followup.subtitle"),
        "overview": overview,
        "who": who,
        "effect_summary": plural(lang, "followup.effect.summary", len(f.effects), parts=listed(lang, verdict_parts))
        if f.effects
        else t(lang, "followup.effect.none"),
        "effect_rule": t(
            lang,
            "followup.effect.rule",
            before=BEFORE_WEEKS,
            after=AFTER_WEEKS,
            min_after=MIN_AFTER,
            step=format_number(float(STEP), lang),
        ),
        "actions": actions,
        "trend": None,
    }


def render_followup_html(
    f: FollowUp, lang: str, trend: Path | None = None, charts: dict[int, Path] | None = None
) -> str:
    ctx = followup_view(f, lang, charts)
    for a in ctx["actions"]:
        a["chart"] = data_uri(a["chart_path"]) if a["chart_path"] is not None else ""
    if trend is not None:
        ctx["trend"] = {"src": data_uri(trend), "alt": t(lang, "trend.alt"), "explain": t(lang, "doc.trend.explain")}
    return render_template("followup.html.j2", ctx)


def write_followup_pdf(
    f: FollowUp, lang: str, path: Path, trend: Path | None = None, charts: dict[int, Path] | None = None
) -> Path:
    from bot.reports.pdf import MIN_CHART_SCALE, Document
    from bot.reports.trends import panel_breaks

    ctx = followup_view(f, lang, charts)
    tr = ctx["tr"]
    doc = Document(lang, ctx["title"])
    doc.h1(ctx["title"])
    doc.para(ctx["subtitle"], muted=True)

    doc.h2(tr("followup.section.overview"))
    doc.bullets(ctx["overview"])

    actions = ctx["actions"]
    doc.h2(tr("followup.section.done"))
    if actions:
        doc.grid(
            [
                "#",
                tr("doc.col.action"),
                tr("doc.col.where"),
                tr("doc.col.decided"),
                tr("doc.col.responsible"),
                tr("doc.col.status"),
            ],
            [[str(a["id"]), a["title"], a["where"], a["week"], a["responsible"], a["status"]] for a in actions],
            (9, 62, 36, 22, 26, 23),
        )
    else:
        doc.para(tr("followup.none"))

    doc.h2(tr("followup.section.who"))
    for block in ctx["who"]:
        doc.h3(block["title"])
        widths = (90, 40, 40) if len(block["header"]) == 3 else (110, 40)
        doc.grid(block["header"], block["rows"], widths, align=("LEFT", *["RIGHT"] * (len(widths) - 1)))

    doc.h2(tr("followup.section.effect"))
    doc.para(ctx["effect_summary"])
    doc.para(ctx["effect_rule"], size=9, muted=True)
    if actions:
        doc.grid(
            [
                "#",
                tr("doc.col.action"),
                tr("doc.col.before"),
                tr("doc.col.after"),
                tr("doc.col.change"),
                tr("doc.col.effect"),
            ],
            [[str(a["id"]), a["title"], a["before"], a["after"], a["change"], a["verdict"]] for a in actions],
            (9, 83, 20, 20, 24, 22),
            colours=[[None, None, a["before_colour"], a["after_colour"], None, None] for a in actions],
            align=("RIGHT", "LEFT", "CENTER", "CENTER", "CENTER", "LEFT"),
        )

    if trend is not None:
        doc.figure(
            tr("followup.section.trend"),
            t(lang, "doc.trend.explain"),
            trend,
            alt=t(lang, "trend.alt"),
            breaks=panel_breaks(trend),
        )

    for i, a in enumerate(actions):
        summary = " ".join(x for x in (a["factors"] + ".", a["levels_line"], a["voters"]) if x)
        header = [tr("doc.col.week"), *[w["label"] for w in a["weeks"]]]
        rows = [[tr("doc.col.level"), *[w["level"] for w in a["weeks"]]]]
        colours: list[list[str | None]] = [[None, *[w["colour"] for w in a["weeks"]]]]
        if a["mentions"]:
            rows.append([tr("doc.col.mentions"), *[str(w["mentions"]) for w in a["weeks"]]])
            colours.append([None] * (len(a["weeks"]) + 1))
        # the action's heading, lines, table and chart on one page: what they take, the chart a little smaller
        chart = 0.0
        if a["chart_path"] is not None:
            from PIL import Image

            with Image.open(a["chart_path"]) as im:
                chart = doc.epw * 0.8 * im.size[1] / im.size[0] * MIN_CHART_SCALE
        block = (
            doc.para_height(a["meta"], size=9)
            + doc.para_height(summary, size=9.5)
            + (len(rows) + 1) * (2 * 8 * 0.55 + 2.4)
            + chart
        )
        if i == 0:
            doc.h2(tr("followup.section.actions"), keep=block + 12)
        doc.h3(a["head"], keep=block)
        doc.para(a["meta"], size=9, muted=True)
        doc.para(summary, size=9.5)
        n = len(a["weeks"])
        first = 34.0
        rest = (doc.epw - first) / max(1, n)
        doc.grid(header, rows, (first, *[rest] * n), colours=colours, size=8, align=("LEFT", *["CENTER"] * n))
        if a["chart_path"] is not None:
            doc.picture(a["chart_path"], width=doc.epw * 0.8, alt=a["head"])
    doc.ln(4)
    doc.para(tr("picture.footer"), size=8.5, muted=True)
    return doc.save(path)
