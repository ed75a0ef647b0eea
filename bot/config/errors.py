"""A pydantic validation error as one line for the person who wrote the file: the key, the value and what is
allowed; personal data and secrets in it masked."""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from bot.config.base import KeyProblem
from bot.config.model import Config
from bot.domain.detection import HISTORY_WEEKS
from bot.domain.masking import mask_personal_data

#: Settings whose value is an e-mail or web address by design: shown as written in an error about them.
_ADDRESS_KEYS = frozenset({"police_events.contact"})


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, str) and (part[:1].isupper() or "[" in part):
            continue  # the member of a union pydantic tried ("PlaceConfig", "function-after[…]"), not a key
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _lookup(data: Any, loc: tuple[int | str, ...]) -> Any:
    cur = data
    for part in loc:
        try:
            cur = cur[part]
        except (KeyError, IndexError, TypeError):
            return None
    return cur


def _show(value: Any) -> str:
    """A scalar as it would look in the TOML file (cut short), or "" for tables, lists and None."""
    if value is None or isinstance(value, dict | list | BaseModel):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _table(loc: tuple[int | str, ...]) -> str:
    """The TOML table header of a location: ``('groups', 0, 'areas', 1)`` -> ``[[groups.areas]]``."""
    dotted = ".".join(str(p) for p in loc if isinstance(p, str))
    return f"[[{dotted}]]" if loc and isinstance(loc[-1], int) else f"[{dotted}]"


def _unwrap(tp: Any) -> Any:
    """``X | None`` -> ``X``; ``Annotated[X, ...]`` -> ``X``."""
    if get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    if get_origin(tp) in (Union, type(int | None)):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1:
            tp = args[0]
    return tp


def _model_at(loc: tuple[int | str, ...], root: type[BaseModel] = Config) -> type[BaseModel] | None:
    """The settings model that owns the table at ``loc`` below ``root`` (to list its allowed keys)."""
    tp: Any = root
    for part in loc:
        tp = _unwrap(tp)
        origin = get_origin(tp)
        if isinstance(part, int) and origin is list:
            tp = get_args(tp)[0]
        elif isinstance(part, str) and origin is dict:
            tp = get_args(tp)[1]
        elif isinstance(part, str) and isinstance(tp, type) and issubclass(tp, BaseModel) and part in tp.model_fields:
            tp = tp.model_fields[part].annotation
        else:
            return None
    tp = _unwrap(tp)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


# What a setting allows, where pydantic's own words would only name one bound or a Python type.
_ALLOWED = {
    "threshold": (
        "1, 2 or 3, the level from which the bot asks where and what "
        "(1 enstaka händelser, 2 återkommande, 3 allvarligt)"
    ),
    "snooze_hours": "a number of hours more than 0 and at most 72",
    "baseline_weeks": f"a whole number of weeks 2-{HISTORY_WEEKS}, the weeks whose levels make the expected level",
    "guard_weeks": "a whole number of weeks 0-4 left out between the baseline and this week",
    "ewma_weight": "a number more than 0 and at most 1, the weight of the newest week in the EWMA (e.g. 0.5)",
    "ewma_limit": "a number more than 0 and at most 10, how many standard errors above expected flag (e.g. 2.5)",
    "min_sd": "a number more than 0 and at most 3, the smallest spread of levels the rule assumes (e.g. 0.35)",
    "min_level": "a mean level 0-3 (e.g. 1.5); cells below it never stand out as rising",
    "rising_weeks": f"a whole number 1-{HISTORY_WEEKS}, from how many rises in a row the reason says so",
    "highest_weeks": f"a whole number 2-{HISTORY_WEEKS + 1}, from how many weeks the reason says 'highest in'",
    "show": "a whole number 1-100, how many standouts the chat picture shows (e.g. 8); the report lists them all",
    "single_reports": "true or false, whether one reporter's 3 on a cell that is not orange is listed on its own",
    "reporter_limit": (
        "a number more than 0 and at most 10, how many standard errors the reporters' average rise above their own "
        "usual level must reach (e.g. 2.5)"
    ),
    "reporter_rise": "a level more than 0 and at most 3, the least average rise above the reporters' usual level",
    "reporter_min": (
        "a whole number 0-100, how many reporters must answer at least 1 above their usual level "
        "(0 turns the signal off)"
    ),
    "reporter_min_weeks": f"a whole number 1-{HISTORY_WEEKS}, a reporter's earlier answers that make a usual level",
    "port": "a port number 1-65535",
    "telegram": "a Telegram numeric id without quotes, e.g. 123456789 (a group chat id is negative)",
    "contact": "an e-mail or web address without spaces or å/ä/ö (it goes in an HTTP header), e.g. trygghet@kommun.se",
}
_MISSING = {
    "groups": "add at least one [[groups]] table with id, name and areas",
    "areas": "add at least one [[groups.areas]] table with code and name",
}


def _explain(e: Any, loc: tuple[int | str, ...], value: Any) -> str:
    """pydantic's error, rephrased as 'what is wrong; allowed: ...'."""
    kind = str(e["type"])
    ctx = e.get("ctx") or {}
    msg = str(e["msg"]).removeprefix("Value error, ")
    field = next((p for p in reversed(loc) if isinstance(p, str)), "")
    if kind == "value_error":
        return msg
    if field in _ALLOWED and not isinstance(loc[-1], int):
        return f"allowed: {_ALLOWED[field]}"
    if kind == "literal_error":
        return f"allowed: {ctx.get('expected', msg)}"
    if kind == "list_type":
        if isinstance(value, dict):
            return f"allowed: a list; write each entry as its own {_table((*loc, 0))} table (double brackets)"
        return 'allowed: a list in square brackets, e.g. ["a", "b"]'
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"allowed: a table, written {_table(loc)} or {{ key = value, ... }}"
    if kind.startswith("string_type"):
        return 'allowed: text in quotes, e.g. "..."'
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"too long; allowed: at most {ctx.get('max_length')} characters"
    if kind == "too_short":
        n = ctx.get("min_length")
        return f"too few; allowed: at least {n} {'entry' if n == 1 else 'entries'}, each a {_table((*loc, 0))} table"
    if kind.startswith("bool"):
        return "allowed: true or false"
    if kind.startswith("int"):
        return "allowed: a whole number without quotes"
    if kind.startswith("float"):
        return "allowed: a number without quotes"
    bounds = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}
    if kind in bounds and ctx:
        return f"allowed: a number {bounds[kind]} {next(iter(ctx.values()))}"
    return msg


def format_validation_error(
    source: str, data: dict[str, Any], err: ValidationError, root: type[BaseModel] = Config
) -> str:
    """The first problem of ``err`` as one line: ``source: key.path = value: what is wrong; allowed: ...``.
    ``root`` is the model that was validated (a part of the settings, e.g. a `[groups.detection]` table)."""
    e = err.errors()[0]
    loc = tuple(p for p in e["loc"] if p not in ("function-after",))
    value: Any = e.get("input")
    problem = (e.get("ctx") or {}).get("error")
    if isinstance(problem, KeyProblem):
        loc, value, msg = loc + problem.path, problem.value, problem.message
    elif loc and loc[-1] == "[key]":  # a table name that is not allowed, e.g. [groups.channels.meting]
        loc = loc[:-1]
        msg = f"unknown name {loc[-1]!r}; allowed: {(e.get('ctx') or {}).get('expected', '')}"
        value = None
    elif e["type"] == "extra_forbidden":
        model = _model_at(loc[:-1], root)
        allowed = list(model.model_fields) if model is not None else []
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        msg = "unknown setting"
        if close:
            msg += f"; did you mean {close[0]}?"
        if allowed:
            msg += f"{' ' if close else '; '}allowed here: {', '.join(allowed)}"
        else:
            msg += "; see config.example.toml for the allowed keys"
    elif e["type"] == "missing":
        field = str(loc[-1]) if loc else ""
        where = f" in every {_table(loc[:-1])} table" if len(loc) > 1 else ""
        msg = "missing; " + _MISSING.get(field, f"this setting is required{where}")
        value = None
    else:
        if value is None:
            value = _lookup(data, loc)
        msg = _explain(e, loc, value)
    key = _loc(loc) or "(top level)"
    # The line is printed and may be logged: personal data in the value (or a name it quotes) is masked, except
    # where an address is what the setting holds (the contact the police API is told), and its example with it.
    if key not in _ADDRESS_KEYS:
        value = mask_personal_data(value) if isinstance(value, str) else value
        msg = mask_personal_data(msg)
    shown = _show(value)
    if re.search(r"token|secret|password", key, re.IGNORECASE) and shown:
        shown = "'…'"  # never echo a secret someone put in the file
        msg += "; secrets belong in the environment (EST_SLACK_BOT_TOKEN, EST_TELEGRAM_TOKEN, …), not in the file"
    line = f"{source}: {key}{' = ' + shown if shown else ''}: {msg}"
    return " ".join(line.splitlines())
