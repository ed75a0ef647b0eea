"""Outbox claims shared by several drainers: leases, no transaction during a send, per-chat order."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import Counter
from datetime import timedelta

from sqlalchemy import text

from bot.bootstrap import build
from bot.conversation.messages import Outbound
from bot.domain.model import OutboxItem
from bot.outbox import Dispatcher
from storage.uow import SqlUnitOfWork
from tests.conftest import Bot, RecordingSender


class SlowSender:
    """Records every delivery; sleeps a little so that drainers overlap."""

    platform = "console"

    def __init__(self, pause: float = 0.002) -> None:
        self.pause = pause
        self.lock = threading.Lock()
        self.delivered: list[tuple[str, str]] = []

    def send(self, item: OutboxItem, out: Outbound, message_id: str | None) -> str | None:
        time.sleep(self.pause)
        with self.lock:
            self.delivered.append((item.address, out.text))
            return f"m{len(self.delivered)}"


def enqueue(bot: Bot, rows: list[tuple[str, str]]) -> None:
    with bot.app.services.unit() as uow:
        for n, (address, body) in enumerate(rows):
            uow.outbox.enqueue(f"t{n}", "console", address, None, Outbound(body).to_json(), bot.clock.now())
        uow.commit()


def counts(bot: Bot) -> dict[str, int]:
    with bot.app.services.unit() as uow:
        return uow.outbox.counts()


def test_four_drainers_in_two_processes_send_every_row_once_and_each_chat_in_order(bot: Bot) -> None:
    bot.flush()
    rows = [(f"chat{i % 15}", f"{i % 15}:{i // 15}") for i in range(150)]  # 15 chats, 10 messages each
    enqueue(bot, rows)
    other = build(bot.app.config, clock=bot.clock, senders={"console": RecordingSender()}, sync=False)
    sender = SlowSender()
    drainers = [
        Dispatcher(bot.app.dispatcher.uow_factory, bot.clock, {"console": sender}),
        Dispatcher(bot.app.dispatcher.uow_factory, bot.clock, {"console": sender}),
        Dispatcher(other.dispatcher.uow_factory, bot.clock, {"console": sender}),
        Dispatcher(other.dispatcher.uow_factory, bot.clock, {"console": sender}),
    ]
    errors: list[BaseException] = []

    def work(d: Dispatcher) -> None:
        try:
            for _ in range(200):
                d.drain("console", limit=7, batch=3)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(d,)) for d in drainers]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    other.close()
    assert errors == []
    assert Counter(sender.delivered) == Counter(rows)  # every row once: no duplicate, no gap
    for chat in {a for a, _ in rows}:
        seq = [int(body.split(":")[1]) for a, body in sender.delivered if a == chat]
        assert seq == sorted(seq), f"{chat} got its messages out of order: {seq}"
    assert counts(bot) == {"sent": 150}


def test_a_crashed_claimers_rows_come_back_after_the_lease(bot: Bot) -> None:
    bot.flush()
    enqueue(bot, [("a", "one"), ("b", "two")])
    now = bot.clock.now()
    with bot.app.services.unit() as uow:  # a drainer claims both rows, then dies before sending
        claimed = uow.outbox.claim("console", now, 10, None, now + timedelta(seconds=120), "dead:1")
        uow.commit()
    assert len(claimed) == 2
    sender = SlowSender(0)
    survivor = Dispatcher(bot.app.dispatcher.uow_factory, bot.clock, {"console": sender})
    assert survivor.drain("console") == 0  # leased to the dead drainer: not sent twice
    bot.clock.advance(timedelta(seconds=121))
    assert survivor.drain("console") == 2
    assert sorted(sender.delivered) == [("a", "one"), ("b", "two")]
    assert counts(bot) == {"sent": 2}


def test_a_failing_message_holds_back_the_later_ones_to_that_chat_only(bot: Bot) -> None:
    bot.flush()
    enqueue(bot, [("a", "a1"), ("a", "a2"), ("b", "b1"), ("a", "a3")])

    class FailFirst(SlowSender):
        failed = False

        def send(self, item: OutboxItem, out: Outbound, message_id: str | None) -> str | None:
            if out.text == "a1" and not self.failed:
                self.failed = True
                raise ConnectionError("connection reset by peer")
            return super().send(item, out, message_id)

    sender = FailFirst(0)
    bot.app.dispatcher.senders["console"] = sender
    assert bot.app.dispatcher.drain("console", limit=100, batch=10) == 1
    assert sender.delivered == [("b", "b1")]  # a2 and a3 wait for a1
    bot.clock.advance(timedelta(seconds=2))  # the first backoff
    assert bot.app.dispatcher.drain("console", limit=100) == 3
    assert [body for a, body in sender.delivered if a == "a"] == ["a1", "a2", "a3"]


def test_no_transaction_is_open_while_the_platform_is_called(bot: Bot) -> None:
    """During a send another connection can write to the very row being sent: no lock is held."""
    bot.flush()
    enqueue(bot, [("a", "hello")])
    seen: list[str] = []
    url = bot.url

    class Probe:
        platform = "console"

        def send(self, item: OutboxItem, out: Outbound, message_id: str | None) -> str | None:
            if url.startswith("sqlite"):
                db = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)
                try:
                    db.execute("BEGIN IMMEDIATE")  # fails at once if anyone holds the write lock
                    db.execute("UPDATE outbox SET last_error = 'probe' WHERE id = ?", (item.id,))
                    db.execute("ROLLBACK")
                finally:
                    db.close()
            else:
                with bot.app.engine.connect() as conn:
                    conn.execute(text("SET lock_timeout = '100ms'"))
                    conn.execute(text("SELECT id FROM outbox WHERE id = :i FOR UPDATE NOWAIT"), {"i": item.id})
                    conn.rollback()
            seen.append(item.key)
            return "m1"

    bot.app.dispatcher.senders["console"] = Probe()
    assert bot.app.dispatcher.drain("console") == 1
    assert seen == ["t0"]


def test_claims_and_records_use_their_own_short_units_of_work(bot: Bot) -> None:
    """Counting units of work: per message one to claim and one to record (batch 1), none during the send."""
    bot.flush()
    enqueue(bot, [("a", "1"), ("b", "2"), ("c", "3")])
    factory = bot.app.dispatcher.uow_factory
    open_units = 0
    during_send: list[int] = []

    class Counting(SqlUnitOfWork):
        def __enter__(self) -> Counting:
            nonlocal open_units
            open_units += 1
            return super().__enter__()  # type: ignore[return-value]

        def __exit__(self, *exc: object) -> None:
            nonlocal open_units
            open_units -= 1
            super().__exit__(*exc)  # type: ignore[arg-type]

    inner = factory()
    assert isinstance(inner, SqlUnitOfWork)
    session_factory = inner._factory  # noqa: SLF001 (to watch the sessions it opens)

    class Watching:
        platform = "console"

        def send(self, item: OutboxItem, out: Outbound, message_id: str | None) -> str | None:
            during_send.append(open_units)
            return None

    d = Dispatcher(lambda: Counting(session_factory), bot.clock, {"console": Watching()})
    assert d.drain("console") == 3
    assert during_send == [0, 0, 0]
