"""The backtest: a group's stored weeks replayed through the "what stands out" rule with today's parameters
(the group's `[groups.detection]`) and with alternatives, for `est-bot backtest` and the coordinators' chat
command `backtest` (docs/DETECTION.md, "Backtest").

The weeks are read as the picture reads its earlier weeks (the submitted reports counted by area, factor and
level); the decisions are the meeting's actions (area, factors, week). The replay itself is pure
(`bot.domain.backtest`); `bot.reports.backtest` words it.

An alternative is written `key=value[,key=value…]`: the keys and values of `[groups.detection]`, each
alternative on top of the group's own settings, and checked by the same validation as the configuration file
(the same one-line message for an unknown key or a value out of range). A decimal comma is read as a point.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence

from pydantic import ValidationError

from bot.commands.backtest import MAX_WEEKS as MAX_WEEKS
from bot.commands.backtest import Backtest as BacktestCommand
from bot.config import GroupConfig
from bot.config.errors import format_validation_error
from bot.config.group import DetectionConfig
from bot.conversation.messages import Outbound
from bot.domain.backtest import Decision, GroupBacktest, ParameterSet, replay, week_answers, weekly_means
from bot.ports import UnitOfWork
from bot.reports.backtest import backtest_chat
from bot.text import t
from bot.usecases.context import Ctx, Env, reply
from bot.usecases.registry import handles

DEFAULT_WEEKS = 52
MAX_ALTERNATIVES = 5  # besides today's: columns A-F
LABELS = "ABCDEF"

# A comma that starts the next key=value of the same alternative (not a decimal comma: "ewma_limit=2,5").
_NEXT_PAIR = re.compile(r",(?=\s*[A-Za-z_][A-Za-z0-9_]*\s*=)")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")


class BadAlternative(ValueError):
    """An alternative that cannot be used, as one line (in the configuration file's words)."""


def _value(raw: str) -> object:
    """A value as the configuration file would hold it: a TOML number, boolean or string; "2,5" as 2.5."""
    text = raw.strip()
    if _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text  # not a TOML value: validated as the text it is, and refused with what is allowed


def parse_changes(text: str, source: str) -> tuple[tuple[str, str], ...]:
    """`key=value[,key=value…]` as (key, value) pairs, as written (BadAlternative without a `=`)."""
    pairs: list[tuple[str, str]] = []
    for part in _NEXT_PAIR.split(text):
        key, eq, value = part.partition("=")
        if not eq or not key.strip() or not value.strip():
            raise BadAlternative(
                f"{source} {text!r}: write key=value, e.g. ewma_limit=2.0 (several in one alternative: "
                "ewma_limit=2.0,min_level=1.2)"
            )
        pairs.append((key.strip(), value.strip()))
    return tuple(pairs)


def detection_with(base: DetectionConfig, changes: Sequence[tuple[str, str]], source: str) -> DetectionConfig:
    """The group's `[groups.detection]` with `changes`, validated as the configuration file is (BadAlternative
    with the same one-line message for an unknown key or a value that is not allowed)."""
    data: dict[str, object] = {**base.model_dump(), **{k: _value(v) for k, v in changes}}
    try:
        return DetectionConfig.model_validate(data)
    except ValidationError as err:
        raise BadAlternative(format_validation_error(source, data, err, root=DetectionConfig)) from None


def parameter_sets(group: GroupConfig, written: Sequence[str], source: str) -> tuple[ParameterSet, ...]:
    """Today's parameters (A) and each written alternative (B, C, …) on top of them."""
    if len(written) > MAX_ALTERNATIVES:
        raise BadAlternative(f"{source}: at most {MAX_ALTERNATIVES} alternatives at a time, {len(written)} given")
    out = [ParameterSet(LABELS[0], (), group.detection.params())]
    for label, text in zip(LABELS[1:], written, strict=False):
        changes = parse_changes(text, source)
        out.append(ParameterSet(label, changes, detection_with(group.detection, changes, source).params()))
    return tuple(out)


def decisions(uow: UnitOfWork, group_id: str) -> list[Decision]:
    """The meeting's decided actions, as the backtest checks them."""
    return [Decision(a.week, a.area_code, a.factors, a.title, a.place) for a in uow.meeting.actions(group_id)]


def run_backtest(uow: UnitOfWork, group: GroupConfig, weeks: int, sets: Sequence[ParameterSet]) -> GroupBacktest | None:
    """Replay the `weeks` weeks ending with the group's latest round (None: no round is stored yet)."""
    latest = uow.rounds.recent_rounds(group.id, 1)
    if not latest:
        return None
    last = latest[0].key
    params = tuple(s.params for s in sets)
    before = max(p.history_weeks for p in params)
    first = last.minus(weeks - 1 + before)
    counts = uow.history.level_counts(group.id, first, last)
    areas = uow.groups.areas(group.id)
    factors = group.factor_list()
    cells = [(a.code, f.code) for a in areas for f in factors]
    # The second signal compares reporters with themselves: the answers, reporter by reporter, of the cells any
    # set could judge (a mean of at least its min_level in some week), as the picture reads them.
    lowest = min((p.min_level for p in params if p.reporter_min), default=None)
    judged = (
        set()
        if lowest is None
        else {c for means in weekly_means(counts, cells).values() for c, m in means.items() if m >= lowest - 1e-9}
    )
    answers = week_answers(uow.rounds.reporter_answers(group.id, last.next(), weeks + before, judged), judged)
    result = replay(counts, last, weeks, cells, params, decisions(uow, group.id), answers if judged else None)
    return GroupBacktest(group.id, group.name, tuple(sets), result, {a.code: a.name for a in areas}, tuple(factors))


@handles(BacktestCommand)
def backtest_command(env: Env, ctx: Ctx, cmd: BacktestCommand) -> None:
    """`backtest [WEEKS] [key=value[,key=value…]] …`: the summary, short enough for a chat message."""
    assert ctx.group is not None
    try:
        sets = parameter_sets(ctx.group, cmd.alternatives, t("en", "word.backtest"))
    except BadAlternative as exc:
        reply(env, ctx, Outbound(t(ctx.lang, "backtest.bad", problem=str(exc)), kind="notice"))
        return
    result = run_backtest(ctx.uow, ctx.group, cmd.weeks or DEFAULT_WEEKS, sets)
    if result is None or not result.replay.weeks:
        reply(env, ctx, Outbound(t(ctx.lang, "backtest.nothing", group=ctx.group.name), kind="notice"))
        return
    reply(env, ctx, Outbound(backtest_chat(result, ctx.lang), kind="list"))
