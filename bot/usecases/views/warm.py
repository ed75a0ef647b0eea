"""Counting the earlier weeks once when the web view starts, so that the first person to open the weeks, a week
or the map after a restart waits no longer than the next one (storage keeps each round's counts while the round
is unchanged: storage/round_cache.py)."""

from __future__ import annotations

from bot.usecases.context import Env
from bot.usecases.views.weeks import MAX_WEEKS, counted_from


def warm_up(env: Env) -> int:
    """Read what the weeks list, the week pages and the map count, for every group; the weeks read."""
    weeks = 0
    for group in env.config.groups:
        with env.unit() as uow:
            rounds = uow.rounds.recent_rounds(group.id, MAX_WEEKS)
            if not rounds:
                continue
            newest, oldest = rounds[0].key, rounds[-1].key
            uow.history.level_counts(group.id, counted_from(group, oldest), newest)
            uow.history.place_weeks(group.id, oldest, newest, group.threshold)
            uow.history.place_levels(group.id, oldest, newest)
            weeks += len(rounds)
    return weeks
