"""Block Kit for neutral `Outbound`s, built with slack_sdk's models (never JSON written by hand).

Everything a person typed reaches Slack as `plain_text`: Slack draws no markup and no mention from it, so a note
that says `<!channel>` or `*bold*` is shown as written. Only the bot's own fixed words use `mrkdwn`.

Choices become buttons whose `value` is the core's opaque choice id; every `action_id` starts with `est:` so one
listener takes them all. A candidate priority's action type, responsible and time frame are select menus.
"""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RichTextBlock,
    RichTextElementParts,
    RichTextListElement,
    RichTextSectionElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.conversation.choices import (
    FinaliseChoice,
    PlaceNew,
    PlacePick,
    PlaceSkip,
    QuestionnaireChoice,
    decode,
    round_prefix,
)
from bot.conversation.document import (
    Document,
    Heading,
    Item,
    ItemList,
    Legend,
    Paragraph,
    Table,
    legend_text,
)
from bot.conversation.messages import Choice, Outbound
from bot.text import t

ACTION_PREFIX = "est:"
MODAL_ACTION = "est_modal"
WHERE_CALLBACK = "est_where"
SECTION_MAX = 3000  # characters of a section's text
HEADER_MAX = 150
BUTTON_MAX = 75
OPTION_MAX = 75
MAX_BLOCKS = 50
FALLBACK_MAX = 3900  # the notification text; Slack cuts long ones anyway
FIELD_MAX = 2000  # characters of a section field and of a context element's text
MAX_FIELDS = 10  # fields in one section
LIST_ITEMS = 20  # items in one rich-text list block (a longer list continues in the next block)
EMOJI = {"green": "🟢", "yellow": "🟡", "orange": "🟠", "red": "🔴", "none": "⚪"}


def escape(text: str) -> str:
    """Slack's three control characters, for text that goes where Slack reads markup (the fallback text)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _style(choice: Choice) -> str | None:
    """Slack has two button colours: green (primary) and red (danger); EST's colours map onto them, and the
    emoji in the label carries the rest."""
    return {"primary": "primary", "green": "primary", "danger": "danger", "red": "danger"}.get(choice.style or "")


def _chunks(text: str, n: int = SECTION_MAX) -> list[str]:
    """Split on line ends into pieces Slack takes in one section (a line longer than that is cut in pieces)."""
    out: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > n:
            if current:
                out.append(current)
                current = ""
            out.append(line[:n])
            line = line[n:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > n:
            out.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        out.append(current)
    return [c for c in out if c.strip()] or ["…"]


def _plain(text: str) -> PlainTextObject:
    return PlainTextObject(text=text, emoji=True)


def _text_sections(text: str) -> list[Block]:
    return [SectionBlock(text=_plain(chunk)) for chunk in _chunks(text)]


def fallback_text(out: Outbound) -> str:
    """The `text` Slack shows in notifications and where blocks cannot be drawn (escaped: it is mrkdwn)."""
    return escape(_cut(out.text, FALLBACK_MAX))


def _button(choice: Choice, action_id: str, confirm: ConfirmObject | None = None) -> ButtonElement:
    return ButtonElement(
        text=_cut(choice.label, BUTTON_MAX) or "…",
        action_id=action_id,
        value=choice.id,
        style=_style(choice),
        confirm=confirm,
    )


def _select(choices: tuple[Choice, ...], action_id: str, placeholder: str) -> StaticSelectElement:
    options = [Option(text=_cut(c.label, OPTION_MAX) or "…", value=c.id) for c in choices]
    chosen = next((o for o, c in zip(options, choices, strict=True) if c.style == "primary"), None)
    return StaticSelectElement(
        placeholder=_cut(placeholder, 150), action_id=action_id, options=options, initial_option=chosen
    )


def _finalize_confirm(lang: str) -> ConfirmObject:
    return ConfirmObject(
        title=t(lang, "slack.confirm.title"),
        text=t(lang, "slack.confirm.finalize"),
        confirm=t(lang, "slack.confirm.yes"),
        deny=t(lang, "slack.confirm.no"),
        style="danger",
    )


def _grid_blocks(grid: dict[str, Any]) -> list[Block]:
    """The colours per area × factor as emoji rows, with the factor order in a legend."""
    factors = grid.get("factors") or []
    rows = grid.get("rows") or []
    if not factors or not rows:
        return []
    lines = [f"{''.join(EMOJI.get(c, EMOJI['none']) for c in colours)}  {name}" for name, colours in rows]
    legend = " · ".join(f"{n}. {label}" for n, (_, label) in enumerate(factors, start=1))
    return [
        SectionBlock(text=_plain(_cut("\n".join(lines), SECTION_MAX))),
        ContextBlock(elements=[_plain(_cut(legend, 2000))]),
    ]


def _choice_blocks(out: Outbound, lang: str) -> list[Block]:
    blocks: list[Block] = []
    for r, row in enumerate(out.choices):
        if not row:
            continue
        if out.kind == "candidate" and r > 0:  # action type, responsible, time frame: one menu each
            placeholder = t(lang, ("slack.pick.type", "slack.pick.resp", "slack.pick.time")[min(r, 3) - 1])
            blocks.append(ActionsBlock(block_id=f"row{r}", elements=[_select(row, f"{ACTION_PREFIX}{r}", placeholder)]))
            continue
        elements = []
        for c, choice in enumerate(row[:25]):
            finalise = out.kind == "picture" and isinstance(decode(choice.id), FinaliseChoice)
            confirm = _finalize_confirm(lang) if finalise else None
            elements.append(_button(choice, f"{ACTION_PREFIX}{r}:{c}", confirm))
        blocks.append(ActionsBlock(block_id=f"row{r}", elements=elements))
    return blocks


# --------------------------------------------------------------------------- documents


def _context_blocks(text: str) -> list[Block]:
    return [ContextBlock(elements=[_plain(chunk)]) for chunk in _chunks(text, FIELD_MAX)]


def _item_section(item: Item) -> RichTextSectionElement:
    """A list item: the lead in bold, then the text; rich text shows both exactly as written."""
    parts: list[RichTextElementParts.Text] = []
    if item.lead:
        parts.append(RichTextElementParts.Text(text=item.lead, style={"bold": True}))
    if item.text:
        parts.append(RichTextElementParts.Text(text=f": {item.text}" if item.lead else item.text))
    return RichTextSectionElement(elements=parts or [RichTextElementParts.Text(text="…")])


def _list_blocks(part: ItemList) -> list[Block]:
    style = "ordered" if part.ordered else "bullet"
    blocks: list[Block] = []
    for start in range(0, len(part.items), LIST_ITEMS):
        items = part.items[start : start + LIST_ITEMS]
        element = RichTextListElement(
            style=style,
            elements=[_item_section(i) for i in items],
            offset=start if part.ordered and start else None,
        )
        blocks.append(RichTextBlock(elements=[element]))
    return blocks


def _table_blocks(part: Table) -> list[Block]:
    """One field per row (its label, then each column's value with the level's colour), ten to a section."""
    fields = []
    for row in part.rows:
        values = " · ".join(
            f"{col}: {cell.shown()}" for col, cell in zip(part.columns, row.cells, strict=False) if cell.shown()
        )
        fields.append(_plain(_cut(f"{row.label}\n{values}" if values else row.label, FIELD_MAX)))
    return [SectionBlock(fields=fields[i : i + MAX_FIELDS]) for i in range(0, len(fields), MAX_FIELDS)]


def document_blocks(doc: Document) -> list[Block]:
    """A document as Block Kit: the title as a header, sections as headers, text as sections, lists as rich
    text with the lead in bold, tables as fields, legends and explanations as context. Every word is plain text
    or rich text, which Slack shows as written: no markup can come through."""
    blocks: list[Block] = [HeaderBlock(text=_cut(doc.title, HEADER_MAX) or "EST")]
    if doc.subtitle:
        blocks += _context_blocks(doc.subtitle)
    for part in doc.parts:
        if isinstance(part, Heading):
            if part.level <= 2:
                blocks.append(HeaderBlock(text=_cut(part.text, HEADER_MAX) or "…"))
            else:
                bold = RichTextElementParts.Text(text=part.text, style={"bold": True})
                blocks.append(RichTextBlock(elements=[RichTextSectionElement(elements=[bold])]))
        elif isinstance(part, Paragraph):
            blocks += _context_blocks(part.text) if part.muted else _text_sections(part.text)
        elif isinstance(part, ItemList):
            blocks += _list_blocks(part)
        elif isinstance(part, Table):
            blocks += _table_blocks(part)
        elif isinstance(part, Legend):
            blocks += _context_blocks(legend_text(part))
    return blocks


def document_of(out: Outbound) -> Document | None:
    raw = out.data.get("document")
    return Document.from_json(raw) if isinstance(raw, dict) else None


def message_pages(out: Outbound, lang: str) -> list[list[Block]]:
    """The blocks of one message, in as many messages as Slack needs for them: a document longer than 50 blocks
    continues in the next message, never cut. The controls come with the last one."""
    doc = document_of(out)
    if doc is None:
        return [message_blocks(out, lang)]
    blocks = document_blocks(doc)
    controls = _choice_blocks(out, str(out.data.get("lang") or lang))
    pages: list[list[Block]] = []
    while blocks and len(blocks) + len(controls) > MAX_BLOCKS:
        cut = MAX_BLOCKS
        if isinstance(blocks[cut - 1], HeaderBlock):  # a heading stays with what follows it
            cut -= 1
        page, blocks = blocks[:cut], blocks[cut:]
        pages.append(page)
    pages.append(blocks + controls)
    return pages


def where_prefix(out: Outbound) -> tuple[str, int] | None:
    """(choice prefix, item) when `out` asks where something happened, from its own place buttons: the prefix
    ("q12:") is the questionnaire's choice with no step yet, as the form's metadata has always carried it."""
    for choice in out.all_choices():
        chosen = decode(choice.id)
        if isinstance(chosen, QuestionnaireChoice) and isinstance(chosen.action, PlacePick | PlaceNew | PlaceSkip):
            return round_prefix(chosen.round_id), chosen.action.index
    return None


def message_blocks(out: Outbound, lang: str) -> list[Block]:
    """The blocks of one message; `lang` is the recipient's, unless the message names its own."""
    lang = str(out.data.get("lang") or lang)
    doc = document_of(out)
    if doc is not None:
        return [*document_blocks(doc), *_choice_blocks(out, lang)][:MAX_BLOCKS]  # all of it: message_pages
    blocks: list[Block] = []
    text = out.text
    if out.kind in ("picture", "report") and text:
        head, _, rest = text.partition("\n")
        blocks.append(HeaderBlock(text=_cut(head, HEADER_MAX) or "EST"))
        text = rest.strip("\n")
    if out.kind == "picture" and isinstance(out.data.get("grid"), dict):
        blocks += _grid_blocks(out.data["grid"])
        blocks.append(DividerBlock())
    link = out.data.get("link")
    if isinstance(link, str) and link in text:  # plain_text draws a URL as words: the link is a rich-text link
        text = text.replace(link, "").strip()
    else:
        link = None
    if text.strip():
        blocks += _text_sections(text)
    if link is not None:
        parts = [RichTextElementParts.Link(url=link, text=link)]
        blocks.append(RichTextBlock(elements=[RichTextSectionElement(elements=parts)]))
    blocks += _choice_blocks(out, lang)
    where = where_prefix(out) if out.kind == "question" else None
    if where is not None:
        prefix, item = where
        blocks.append(
            ActionsBlock(
                block_id="where",
                elements=[
                    ButtonElement(
                        text=t(lang, "slack.where.button"),
                        action_id=MODAL_ACTION,
                        value=json.dumps({"p": prefix, "i": item}),
                    )
                ],
            )
        )
    if out.expects_text:
        blocks.append(ContextBlock(elements=[_plain(t(lang, "slack.type_here"))]))
    if len(blocks) > MAX_BLOCKS:  # keep the controls; cut the text in the middle
        controls = [b for b in blocks if isinstance(b, ActionsBlock)][-10:]
        others = [b for b in blocks if not isinstance(b, ActionsBlock)][: MAX_BLOCKS - len(controls) - 1]
        blocks = [*others, ContextBlock(elements=[_plain("…")]), *controls]
    return blocks


def where_modal(lang: str, prefix: str, item: int, places: list[tuple[str, str]], channel: str) -> View:
    """Where and what in one form: a known place (or a new one) and what happened."""
    elements: list[Block] = []
    if places:
        elements.append(
            InputBlock(
                block_id="pick",
                label=t(lang, "slack.where.pick"),
                optional=True,
                element=StaticSelectElement(
                    action_id="pick",
                    placeholder=t(lang, "slack.where.pick_placeholder"),
                    options=[Option(text=_cut(name, OPTION_MAX), value=cid) for cid, name in places[:100]],
                ),
            )
        )
    elements += [
        InputBlock(
            block_id="new",
            label=t(lang, "slack.where.new"),
            optional=True,
            element=PlainTextInputElement(action_id="new", max_length=200),
        ),
        InputBlock(
            block_id="what",
            label=t(lang, "slack.where.what"),
            optional=True,
            hint=t(lang, "slack.where.what_hint"),
            element=PlainTextInputElement(action_id="what", multiline=True, max_length=2000),
        ),
    ]
    return View(
        type="modal",
        callback_id=WHERE_CALLBACK,
        title=_cut(t(lang, "slack.where.title"), 24),
        submit=t(lang, "slack.where.submit"),
        close=t(lang, "slack.where.close"),
        private_metadata=json.dumps({"p": prefix, "i": item, "c": channel}),
        blocks=elements,
    )


def home_view(out: Outbound) -> View:
    title = str(out.data.get("title") or "EST")
    return View(type="home", blocks=[HeaderBlock(text=_cut(title, HEADER_MAX)), *_text_sections(out.text)][:100])
