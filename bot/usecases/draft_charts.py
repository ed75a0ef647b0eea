"""The Thursday draft's charts, drawn by a chart worker after the draft's text has gone, queued exactly once.

The draft's transaction records that its charts are owed (`rounds.charts_owed`); the transaction that queues the
charts' message clears it (a compare-and-set, so of two processes or two tries only one queues them; the outbox
key is unique besides). A process that stops, crashes or loses its worker in between leaves the debt in the
database, and the next tick, or the next start's catch-up (`cycle.tick`), draws the charts again. A worker that dies
or times out, or a pool that cannot take the job while it is open, gets the job again, `TRIES` times in all; then
the charts are drawn in the bot's own process. Only a closed pool (the process stopping) leaves them owed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from bot.config import GroupConfig
from bot.conversation.messages import Outbound
from bot.domain.model import Round
from bot.ports import UnitOfWork
from bot.reports.chart_pool import PictureCharts
from bot.text import t
from bot.usecases.context import Env, send_to_channel
from bot.usecases.files import attachment

log = logging.getLogger(__name__)

TRIES = 3  # a job a worker could not make is handed to the workers this many times, then drawn here


def owe(
    env: Env, uow: UnitOfWork, group: GroupConfig, rnd: Round, job: PictureCharts, later: list[Callable[[], None]]
) -> None:
    """Inside the draft's transaction: its charts owed, and handed to the workers once the caller has committed."""
    uow.rounds.owe_charts(rnd.id)
    later.append(lambda: hand_over(env, group, rnd, job))


def hand_over(env: Env, group: GroupConfig, rnd: Round, job: PictureCharts, tries: int = 1) -> None:
    """The owed charts drawn by a chart worker, or here if there is none, and queued (`deliver`)."""
    pool = env.chart_pool
    if pool is None:
        deliver(env, group, rnd, draw_here(job))
        return

    def failed(error: str) -> None:
        if pool.closed:
            stopping()
        elif tries < TRIES:
            log.warning(
                "charts of the draft %s %s not made by a chart worker (try %d of %d), handed over again: %s",
                group.id,
                rnd.key,
                tries,
                TRIES,
                error,
            )
            hand_over(env, group, rnd, job, tries + 1)
        else:
            log.error(
                "charts of the draft %s %s not made by a chart worker in %d tries (%s): drawn in the bot's process",
                group.id,
                rnd.key,
                TRIES,
                error,
            )
            deliver(env, group, rnd, draw_here(job))

    def stopping() -> None:
        env.charts_in_flight.discard(rnd.id)
        log.info(
            "charts of the draft %s %s not drawn: the bot is stopping, the next start draws them", group.id, rnd.key
        )

    env.charts_in_flight.add(rnd.id)
    try:
        pool.submit(job, lambda paths: deliver(env, group, rnd, paths), failed)
    except RuntimeError as exc:
        if pool.closed:  # the process is stopping
            stopping()
        else:  # the pool could not take the job (no thread or worker could be started): a try that failed
            failed(f"{type(exc).__name__}: {exc}")


def draw_here(job: PictureCharts) -> tuple[Path, ...]:
    from bot.reports.chart_jobs import draw_picture_charts  # matplotlib is loaded only when a chart is drawn

    return draw_picture_charts(job)


def deliver(env: Env, group: GroupConfig, rnd: Round, paths: tuple[Path, ...]) -> None:
    """The draft's charts to the meeting's channel, in the transaction that settles the debt; nothing if another
    process or try did it first."""
    try:
        with env.unit() as uow:
            if not uow.rounds.settle_charts(rnd.id):
                log.info("charts of the draft %s %s were queued already", group.id, rnd.key)
                return
            if paths:
                lang = group.language
                out = Outbound(
                    t(lang, "meet.draft_charts", week=str(rnd.key), group=group.name),
                    kind="picture_charts",
                    data={"round_id": rnd.id, "week": str(rnd.key), "group": group.id},
                    attachments=tuple(attachment(p) for p in paths),
                )
                send_to_channel(env, uow, group, "meeting", out, f"draft:{rnd.id}:charts")
            else:
                log.warning(
                    "no chart of the draft %s %s could be drawn; the draft stays without them", group.id, rnd.key
                )
            uow.commit()
    finally:
        env.charts_in_flight.discard(rnd.id)
