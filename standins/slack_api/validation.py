"""Block Kit and view validation through `slack_sdk.models`, as Slack would refuse them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

if TYPE_CHECKING:  # slack_sdk's async client needs aiohttp; the server itself does not
    pass

from standins.slack_api.model import MAX_MESSAGE_BLOCKS, MAX_VIEW_BLOCKS

# --------------------------------------------------------------------------------------------- validation


def _lost_keys(given: Any, parsed: Any, path: str) -> list[str]:
    """Paths in `given` that did not survive the SDK model round trip unchanged."""
    if isinstance(given, dict):
        if not isinstance(parsed, dict):
            return [f"{path or '/'} is not an object"]
        lost: list[str] = []
        for key, value in given.items():
            if key not in parsed:
                lost.append(f"{path}/{key} is not a known or allowed field")
            else:
                lost.extend(_lost_keys(value, parsed[key], f"{path}/{key}"))
        return lost
    if isinstance(given, list):
        if not isinstance(parsed, list) or len(parsed) != len(given):
            return [f"{path} was not accepted as given"]
        return [p for i, (g, q) in enumerate(zip(given, parsed, strict=True)) for p in _lost_keys(g, q, f"{path}/{i}")]
    if given != parsed:
        return [f"{path} must be an object, not {given!r}" if isinstance(parsed, dict) else f"{path} was changed"]
    return []


def validate_blocks(blocks: Any, *, max_blocks: int = MAX_MESSAGE_BLOCKS, strict: bool = True, where: str = "") -> str:
    """Parse `blocks` with slack_sdk's models; return "" if valid, else a description of the first problem."""
    if not isinstance(blocks, list):
        return f"{where}/blocks must be an array of blocks"
    if len(blocks) > max_blocks:
        return f"{where}/blocks must have at most {max_blocks} items, got {len(blocks)}"
    block_ids: set[str] = set()
    for i, raw in enumerate(blocks):
        here = f"{where}/blocks/{i}"
        if not isinstance(raw, dict):
            return f"{here} must be an object"
        try:
            block = Block.parse(raw)
            if block is None:
                return f"{here} has unknown block type {raw.get('type')!r}"
            block.validate_json()
            parsed = block.to_dict()  # runs validate_json() on every nested element too
        except Exception as exc:  # SlackObjectFormationError, TypeError (missing/unknown args), ValueError …
            return f"{here}: {type(exc).__name__}: {exc}"
        if strict:
            lost = _lost_keys(raw, parsed, here)
            if lost:
                return lost[0]
        if (
            raw.get("type") == "header"
            and isinstance(raw.get("text"), dict)
            and raw["text"].get("type") != "plain_text"
        ):
            return f"{here}/text must be a plain_text object in a header block"
        block_id = raw.get("block_id")
        if isinstance(block_id, str):
            if block_id in block_ids:
                return f"{here}/block_id {block_id!r} is used more than once"
            block_ids.add(block_id)
    return ""


def validate_view(view: Any, *, types: tuple[str, ...] = ("modal", "home"), strict: bool = True) -> str:
    """Parse a view with slack_sdk's `View`; return "" if valid, else a description of the first problem."""
    if not isinstance(view, dict):
        return "/view must be an object"
    if view.get("type") not in types:
        return f"/view/type must be one of {', '.join(types)}, got {view.get('type')!r}"
    problem = validate_blocks(view.get("blocks"), max_blocks=MAX_VIEW_BLOCKS, strict=strict, where="/view")
    if problem:
        return problem
    if view["type"] == "modal" and not isinstance(view.get("title"), dict):
        return "/view/title is required for a modal and must be a plain_text object"
    try:
        model = View(**view)
        model.validate_json()
        parsed = model.to_dict()
    except Exception as exc:
        return f"/view: {type(exc).__name__}: {exc}"
    if strict:
        lost = _lost_keys({k: v for k, v in view.items() if k != "blocks"}, parsed, "/view")
        if lost:
            return lost[0]
    return ""
