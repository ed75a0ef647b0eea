"""The situation picture and the weekly report as structured documents for the chat platforms.

They hold what the Markdown files hold (picture.md.j2, report.md.j2), drawn from the same view model
(`render.view_model`), as a `Document` each edge lays out in its own form: headings, lists, the area × factor
table with its colours. The Markdown file of `est-bot report --format md` is still made by the templates.
"""

from __future__ import annotations

from typing import Any

from bot.conversation.document import Cell, Document, Heading, Item, ItemList, Legend, Paragraph, Part, Row, Table
from bot.reports.render import Decision, view_model
from bot.reports.view import PictureView

LEVEL_COLOURS = ("green", "yellow", "orange", "red", "none")


def _standouts(ctx: dict[str, Any]) -> list[Part]:
    tr = ctx["tr"]
    parts: list[Part] = [Heading(tr("picture.section.standouts"))]
    if ctx["standouts"]:
        parts.append(ItemList(tuple(Item(s["reason"], f"{s['icon']} {s['where']}") for s in ctx["standouts"])))
    else:
        parts.append(Paragraph(tr("picture.standouts.none")))
    return parts


def _legend(ctx: dict[str, Any], arrows: str) -> list[Part]:
    tr = ctx["tr"]
    items = tuple(Cell(item["label"], colour) for colour, item in zip(LEVEL_COLOURS, ctx["legend"], strict=True))
    return [Legend(items), Paragraph(f"{tr('picture.legend.colours')} {tr(arrows)}", muted=True)]


def _section(title: str, items: list[Item]) -> list[Part]:
    return [Heading(title), ItemList(tuple(items))] if items else []


def _actions(ctx: dict[str, Any]) -> list[Part]:
    items = [
        Item(
            f"{a['responsible']}, {a['decided']}: {a['levels']}" + (f" ({a['change']})" if a["change"] else ""),
            f"{a['description']} ({a['where']})",
        )
        for a in ctx["actions"]
    ]
    return _section(ctx["tr"]("picture.section.actions"), items)


def _notes(ctx: dict[str, Any]) -> list[Part]:
    items = [
        Item(f"{n['text']} ({n['organisation']})" + (f" ({n['unreviewed']})" if n["unreviewed"] else ""), n["where"])
        for n in ctx["notes"]
    ]
    return _section(ctx["tr"]("picture.section.notes"), items)


def _observations(ctx: dict[str, Any]) -> list[Part]:
    items = [Item(f"{o['text']} ({o['by']})", o["where"]) for o in ctx["observations"]]
    return _section(ctx["tr"]("picture.section.observations"), items)


def _police_events(ctx: dict[str, Any]) -> list[Part]:
    items = [Item(e["text"], e["where"]) for e in ctx["police_events"]]
    return _section(ctx["tr"]("stats.picture.section"), items)


def _response(ctx: dict[str, Any]) -> list[Part]:
    parts: list[Part] = [Paragraph(ctx["response"])]
    if ctx["non_responders"]:
        parts.append(Paragraph(ctx["non_responders"]))
    return parts


def picture_document(p: PictureView, *, for_coordinators: bool = False, finalised: bool = False) -> Document:
    """The situation picture: per area a table of the factors; a draft until the meeting finalises it."""
    ctx = view_model(p, for_coordinators=for_coordinators, decisions=None)
    tr = ctx["tr"]
    parts: list[Part] = [*_response(ctx), *_standouts(ctx), Heading(tr("picture.section.candidates"))]
    if ctx["candidates"]:
        parts.append(
            ItemList(
                tuple(
                    Item(f"{c['reasons']} – {c['score']}", c["title"] + (f" ({c['factors']})" if c["factors"] else ""))
                    for c in ctx["candidates"]
                ),
                ordered=True,
            )
        )
    else:
        parts.append(Paragraph(tr("picture.candidates.none")))
    parts.append(Heading(tr("picture.section.areas")))
    columns = tuple(
        tr(key)
        for key in (
            "picture.col.mean",
            "picture.col.max",
            "picture.col.count",
            "picture.col.vs_last",
            "picture.col.vs_baseline",
        )
    )
    for area in ctx["areas"]:
        rows = tuple(
            Row(
                r["factor"],
                (
                    Cell(r["mean"], r["colour"]),
                    Cell(r["max"]),
                    Cell(str(r["count"])),
                    Cell(r["vs_last"]),
                    Cell(r["vs_baseline"]),
                ),
            )
            for r in area["rows"]
        )
        parts += [Heading(area["name"], 3), Table(tr("picture.col.factor"), columns, rows)]
    parts += _legend(ctx, "picture.legend.arrows")
    parts += _notes(ctx) + _observations(ctx) + _police_events(ctx) + _actions(ctx)
    subtitle = tr("picture.final") if finalised else tr("picture.draft")
    return Document(ctx["title"], tuple(parts), subtitle)


def report_document(p: PictureView, decisions: list[Decision]) -> Document:
    """The Friday weekly report: summary, the overview table, what stands out, the decisions, the follow-up."""
    ctx = view_model(p, for_coordinators=False, decisions=list(decisions))
    tr = ctx["tr"]
    parts: list[Part] = [Heading(tr("picture.section.summary")), *_response(ctx)]
    if ctx["summary"]:
        parts.append(ItemList(tuple(Item(line) for line in ctx["summary"])))
    rows = tuple(
        Row(
            row["factor"],
            tuple(Cell(" ".join(x for x in (c["mean"], c["arrow"]) if x), c["colour"]) for c in row["cells"]),
        )
        for row in ctx["heatmap"]
    )
    parts += [
        Heading(tr("picture.section.heatmap")),
        Table(tr("picture.col.factor"), tuple(a["name"] for a in ctx["areas"]), rows),
        *_legend(ctx, "picture.legend.arrows_last"),
        *_standouts(ctx),
        Heading(tr("picture.section.decisions")),
    ]
    if ctx["decisions"]:
        items = tuple(
            Item(f"{d['action_type']} · {d['responsible']} · {d['timeframe']} ({d['votes']})", d["title"])
            for d in ctx["decisions"]
        )
        parts.append(ItemList(items, ordered=True))
    else:
        parts.append(Paragraph(tr("picture.decisions.none")))
    parts += _actions(ctx) + _notes(ctx) + _observations(ctx) + _police_events(ctx)
    parts.append(Paragraph(tr("picture.footer"), muted=True))
    return Document(ctx["report_title"], tuple(parts))
