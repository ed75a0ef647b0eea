"""Acknowledge first, work after: the queue between a chat edge's listeners and the core. Every edge comes in
this way (Slack's listeners, Telegram's, the console's typed lines), each with an intake of its own.

A platform wants its acknowledgement at once (Slack within 3 seconds, and people feel anything slower than a
few tens of milliseconds), while handling a button press is CPU-bound Python and a database transaction, and
sending the reply waits on the platform and its rate limits. So the three are apart:

    listener (event loop) --submit--> [intake thread] --kick--> [sender thread] --> platform
        ack at once                    engine.handle,             outbox drain: all that is due,
                                       one event after another    then wait for the next kick

* Intake threads, one per lane, handle events in the order they were acknowledged, so one person's presses
  keep their order. The edges put commands in a lane of their own: a slow one (a PDF report, the month's
  statistics) never holds up the questionnaire's button presses.
* In the first lane, what has queued up while the thread was busy is handled together, up to `batch` events
  in one unit of work (`Engine.handle_many`, bot/engine.py): under load one commit serves many presses; with
  one person at a time every press is still its own. Nothing is half-stored either way, and a failure costs only its
  own event (handle_many then handles the batch again one by one). The command lane takes one at a time.
* Between the events of a batch the intake thread gives way (`give_way`): the event loop, if it has work,
  runs first, so acknowledgements go out while a batch is being handled. A batch's presses make almost no
  database calls of their own (the unit of work reads and writes for the whole batch: storage/batch.py),
  so without it the intake kept the GIL for CPython's whole 5 ms switch interval at a time, and at 500 reporters the
  acknowledgements queued up behind it (in one run each over Socket Mode in bench/answers.py: p99 350 ms
  without, 24 ms with, and 940 against 1,190 presses a second).
* A sender thread drains the platform's outbox when the intake has stored something, and every `every`
  seconds anyway (retries, other processes' rows), so a slow platform never holds up the intake. More senders
  (`senders`) would let the others go on while one waits out a channel's rate limit (the outbox's claims keep
  each chat's messages in order across senders), but every thread that sends competes with the event loop
  for the GIL: with three, the acknowledgements' p99 at 500 reporters went from about 16 ms to 600 ms in
  bench/answers.py. One is the default.
* What is acknowledged but not yet handled is in memory only, as it was while a listener awaited it: a crash
  in between loses those presses (the person sees no change and presses again); the stored conversation state
  and the outbox make everything after the handling survive a restart.
"""

from __future__ import annotations

import asyncio
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence

from bot.conversation.messages import Inbound

log = logging.getLogger(__name__)

#: What a listener hands over: the events, or a function that makes them (run in the intake thread, for an
#: edge that needs the database to read its payload).
Work = Sequence[Inbound] | Callable[[], Sequence[Inbound]]


#: Events handled in one unit of work at most (see `Engine.handle_many`). Under load every batch is full (500
#: reporters in bench/answers.py). 128 took 10-25 % less CPU per press than 32 in the engine alone, but through the
#: edges a full batch stored at once lets that many presses in at once, and their acknowledgements queue behind
#: each other on the event loop: p99 53-74 ms instead of 12-26 ms on PostgreSQL with the replies held. 32 keeps them
#: under the 50 ms goal.
BATCH = 32


def give_way() -> None:
    """Let another thread that waits for the GIL (the event loop with acknowledgements to send) run now: a
    blocking call releases the GIL, and yielding the CPU lets the waiting thread take it. Costs a system call
    (about a microsecond) when nobody waits. A process of one thread (the demo, `bench.county`: the Dispatcher
    drained by the caller) has nobody to give way to: no call, and the core is not handed to other processes."""
    if threading.active_count() == 1:
        return
    if hasattr(os, "sched_yield"):
        os.sched_yield()
    else:  # not on Windows: a zero sleep releases the GIL too
        time.sleep(0)


class Intake:
    def __init__(
        self,
        handle: Callable[[Inbound], object],
        drain: Callable[[], int],
        name: str,
        every: float | None = 1.0,
        senders: int = 1,
        lanes: int = 2,
        handle_many: Callable[[Sequence[Inbound], Callable[[], object]], object] | None = None,
        batch: int = BATCH,
    ) -> None:
        self.handle = handle
        self.handle_many = handle_many
        self.batch = max(1, batch)
        self.drain = drain
        self.name = name
        self.every = every
        self._queues: list[queue.SimpleQueue[Work | None]] = [queue.SimpleQueue() for _ in range(max(1, lanes))]
        self._lock = threading.Lock()
        self._kick = threading.Condition(self._lock)
        self._kicks = 0  # rounds asked for and not yet taken by a sender
        self._running = 0  # drains in progress
        self._stopping = False
        self._submitted = 0  # pieces of work accepted
        self._handled = 0  # of them, handled (their replies are in the outbox)
        self._drained = 0  # of them, handled before a drain that has finished
        self._workers = [
            threading.Thread(target=self._intake_loop, args=(q, i == 0), name=f"{name}-intake-{i}", daemon=True)
            for i, q in enumerate(self._queues)
        ]
        self._senders = [
            threading.Thread(target=self._sender_loop, name=f"{name}-sender-{i}", daemon=True)
            for i in range(max(1, senders))
        ]
        for thread in self._workers + self._senders:
            thread.start()

    # ------------------------------------------------------------------ listener side

    def submit(self, work: Work, lane: int = 0) -> None:
        """Queue work in a lane (0 for the conversation, 1 for commands); returns at once (call it right after
        the acknowledgement)."""
        with self._lock:
            if self._stopping:
                raise RuntimeError(f"{self.name}: intake is closed")
            self._submitted += 1
            self._queues[min(lane, len(self._queues) - 1)].put(work)  # under the lock: never behind close()'s end

    @property
    def busy(self) -> int:
        """Pieces of work acknowledged whose replies have not been through a drain yet, or a drain still
        sending."""
        with self._lock:
            return self._submitted - self._drained + self._running

    async def settle(self, timeout: float = 30.0) -> bool:
        """Wait until everything acknowledged so far is handled and its replies drained; False on timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.busy:
            if loop.time() > deadline:
                return False
            await asyncio.sleep(0.005)
        return True

    def wait(self, timeout: float = 30.0) -> bool:
        """`settle` for a caller without an event loop (the console, between two typed lines)."""
        deadline = time.monotonic() + timeout
        while self.busy:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.001)
        return True

    async def handled(self, timeout: float | None = None) -> bool:
        """Wait until what was submitted so far is handled (its unit of work committed), its replies sent or
        not: a platform that is told "received" only after that (Telegram's polling offset) is told here. It
        counts, so it is exact while nobody else submits in the meantime. False on timeout (None: no limit)."""
        loop = asyncio.get_running_loop()
        with self._lock:
            upto = self._submitted
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            with self._lock:
                if self._handled >= upto:
                    return True
            if deadline is not None and loop.time() > deadline:
                return False
            await asyncio.sleep(0.002)

    def close(self, timeout: float = 10.0) -> None:
        """Finish what was accepted, drain after it, then stop the threads (blocking: call it off the loop)."""
        with self._lock:
            self._stopping = True
            for q in self._queues:
                q.put(None)
        for thread in self._workers:
            thread.join(timeout)
        self._wake(len(self._senders) * 2)
        for thread in self._senders:
            thread.join(timeout)

    def _wake(self, n: int = 1) -> None:
        """Ask `n` senders for a round. Kicks do not pile up: one round drains everything due, so many events
        handled while a sender is busy need one more round, not one each."""
        with self._kick:
            self._kicks = max(self._kicks, n)
            self._kick.notify(n)

    # ------------------------------------------------------------------ threads

    def _intake_loop(self, lane: queue.SimpleQueue[Work | None], batched: bool) -> None:
        limit = self.batch if batched and self.handle_many is not None else 1
        stop = False
        while not stop:
            works: list[Work] = []
            item = lane.get()
            while item is not None:
                works.append(item)
                if len(works) >= limit:
                    break
                try:
                    item = lane.get_nowait()
                except queue.Empty:
                    break
            stop = item is None
            if works:
                self._work_through(works)
        self._wake()

    def _work_through(self, works: list[Work]) -> None:
        inbounds: list[Inbound] = []
        for work in works:
            try:
                inbounds += work() if callable(work) else work
            except Exception:
                log.exception("%s: reading an acknowledged event failed; it is dropped", self.name)
        try:
            if self.handle_many is not None and len(inbounds) > 1:
                self.handle_many(inbounds, give_way)
            else:
                for inbound in inbounds:
                    self.handle(inbound)  # logs and answers its own failures; nothing half-stored
        except Exception:
            log.exception("%s: handling acknowledged events failed; they are dropped", self.name)
        with self._lock:
            self._handled += len(works)
        self._wake()

    def _sender_loop(self) -> None:
        while True:
            with self._kick:
                if not self._kicks:
                    self._kick.wait(0.05 if self._stopping else self.every)
                self._kicks = max(0, self._kicks - 1)
                upto, stopping = self._handled, self._stopping
                self._running += 1
            try:
                while self.drain() > 0:  # all that is due, also what arrived while sending
                    pass
            except Exception:
                # The rows stay in the outbox with their retry time; the next round (a kick, or `every`) sends
                # them. What was handled before this drain counts as drained either way: `settle` means
                # "worked through", not "delivered".
                log.exception("%s: draining the outbox failed; the next round tries again", self.name)
            with self._lock:
                self._running -= 1
                self._drained = max(self._drained, upto)
                if stopping and upto == self._submitted:  # everything accepted was handled before this drain
                    return
