"""Telegram's HTML parse mode: text and entities as Telegram computes them."""

from __future__ import annotations

import html
import re
from typing import Any

from standins.telegram_api.model import ApiError, _bad

# --------------------------------------------------------------------------------------------- HTML parse mode

_HTML_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
    "tg-time": "date_time",
}
_HTML_CHAR_REF = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_TAG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_ATTR_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _decode_char_refs(text: str) -> str:
    return _HTML_CHAR_REF.sub(lambda m: html.unescape(m.group(0)), text)


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's HTML parse mode: (plain text, entities with UTF-16 offsets). Raises ApiError like Telegram.

    Only `&lt; &gt; &amp; &quot;` and numeric character references are decoded (others stay literal); every `<`
    must start a supported tag.
    """
    out: list[str] = []
    pos16 = 0
    stack: list[tuple[str, int, dict[str, str]]] = []
    entities: list[dict[str, Any]] = []
    i, n = 0, len(source)

    def fail(message: str) -> ApiError:
        return _bad(f"can't parse entities: {message}")

    def offset_of(index: int) -> int:
        return len(source[:index].encode("utf-8"))

    while i < n:
        ch = source[i]
        if ch == "&":
            m = _HTML_CHAR_REF.match(source, i)
            text = html.unescape(m.group(0)) if m else "&"
            i = m.end() if m else i + 1
            out.append(text)
            pos16 += _utf16_len(text)
            continue
        if ch != "<":
            j = i
            while j < n and source[j] not in "<&":
                j += 1
            out.append(source[i:j])
            pos16 += _utf16_len(source[i:j])
            i = j
            continue
        start = i
        if source.startswith("</", i):
            end = source.find(">", i)
            if end == -1:
                raise fail(f"Unclosed end tag at byte offset {offset_of(start)}")
            name = source[i + 2 : end].strip().lower()
            if not stack:
                raise fail(f"Unexpected end tag at byte offset {offset_of(start)}")
            open_name, begin16, open_attrs = stack.pop()
            if name != open_name:
                raise fail(
                    f'Unmatched end tag at byte offset {offset_of(start)}, expected "</{open_name}>", found "</{name}>"'
                )
            entity = _html_entity(open_name, begin16, pos16 - begin16, open_attrs, stack)
            if entity is not None:
                entities.append(entity)
            i = end + 1
            continue
        m = _TAG_NAME.match(source, i + 1)
        name = m.group(0).lower() if m else ""
        if name not in _HTML_ENTITY_TYPES:
            raise fail(f'Unsupported start tag "{name}" at byte offset {offset_of(start)}')
        j = m.end() if m else i + 1
        attrs: dict[str, str] = {}
        while True:
            while j < n and source[j].isspace():
                j += 1
            if j >= n:
                raise fail(f"Unclosed start tag at byte offset {offset_of(start)}")
            if source[j] == ">":
                j += 1
                break
            am = _ATTR_NAME.match(source, j)
            if am is None:
                raise fail(f'Empty attribute name in the tag "{name}" at byte offset {offset_of(start)}')
            attr = am.group(0).lower()
            j = am.end()
            while j < n and source[j].isspace():
                j += 1
            value = ""
            if j < n and source[j] == "=":
                j += 1
                while j < n and source[j].isspace():
                    j += 1
                if j < n and source[j] in "\"'":
                    close = source.find(source[j], j + 1)
                    if close == -1:
                        raise fail(f"Unclosed start tag at byte offset {offset_of(start)}")
                    value = _decode_char_refs(source[j + 1 : close])
                    j = close + 1
                else:
                    k = j
                    while k < n and not source[k].isspace() and source[k] != ">":
                        k += 1
                    value = _decode_char_refs(source[j:k])
                    j = k
            attrs[attr] = value
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise fail(f'Tag "span" must have class "tg-spoiler" at byte offset {offset_of(start)}')
        if name == "tg-emoji" and not attrs.get("emoji-id"):
            raise fail(f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {offset_of(start)}')
        if name == "tg-time" and not attrs.get("unix", "").isdigit():
            raise fail(f'Tag "tg-time" must have attribute "unix" at byte offset {offset_of(start)}')
        stack.append((name, pos16, attrs))
        i = j
    if stack:
        raise fail(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _html_entity(
    name: str, offset: int, length: int, attrs: dict[str, str], outer: list[tuple[str, int, dict[str, str]]]
) -> dict[str, Any] | None:
    if name == "code" and outer and outer[-1][0] == "pre" and attrs.get("class", "").startswith("language-"):
        outer[-1][2]["language"] = attrs["class"][len("language-") :]  # <pre><code class="language-x">: one pre
        return None
    if length == 0:
        return None
    entity: dict[str, Any] = {"offset": offset, "length": length, "type": _HTML_ENTITY_TYPES[name]}
    if name == "a":
        if not attrs.get("href"):
            return None
        entity["url"] = attrs["href"]
    elif name == "pre" and attrs.get("language"):
        entity["language"] = attrs["language"]
    elif name == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif name == "tg-emoji":
        entity["custom_emoji_id"] = attrs["emoji-id"]
    elif name == "tg-time":
        entity["unix_time"] = int(attrs["unix"])
        if attrs.get("format"):
            entity["date_time_format"] = attrs["format"]
    return entity


def _strip_text(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Telegram trims leading and trailing whitespace from text and captions; entities follow."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead16 = _utf16_len(text[: len(text) - len(text.lstrip())])
    total16 = _utf16_len(stripped)
    kept: list[dict[str, Any]] = []
    for e in entities:
        begin = max(0, e["offset"] - lead16)
        end = min(total16, e["offset"] + e["length"] - lead16)
        if end > begin:
            kept.append({**e, "offset": begin, "length": end - begin})
    return stripped, kept
