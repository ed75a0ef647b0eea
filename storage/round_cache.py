"""Aggregates of one round's submitted answers, kept in this process while the round is unchanged.

The web view, the week's picture and the map count the same earlier weeks again on every request: for a group of
1,000 reporters a year is over half a million answers. A round's counts change only when one of its responses
is saved, added or removed, and every save of a response raises its `version` and sets `updated_at`. So each
cached aggregate is kept with the round's stamp, read first, in the same transaction:

    (responses, submitted responses, the sum of their versions, the latest updated_at)

and used only while the stamp in the database is the same. Aggregates that join the places also carry a stamp of
the group's places (their review, position, name and area), since approving or moving a place changes them
without touching a response. The stamp is read before the aggregate: a save committed between the two leaves an
entry under a stamp that never comes back (versions only grow), never a stale one under the new stamp. A unit of
work that saves a response, reads, and rolls back leaves an entry under a stamp with its own `updated_at`; the
next real save has a later one.

A batch of button presses (storage/batch.py) writes answers at once and the responses' versions when it
ends: its unit of work reads past the cache until then (`SqlUnitOfWork.begin_batch`).

Every process keeps its own entries, checked against the one database: several processes stay right. Bounded
(least recently used out first); one lock.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

Rows = list[tuple[Any, ...]]


class RoundCache:
    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[str, int], tuple[Hashable, Rows]] = OrderedDict()
        self.hits = self.misses = 0

    def rows(
        self,
        kind: str,
        stamps: Mapping[int, Hashable],
        compute: Callable[[Sequence[int]], Mapping[int, Rows]],
    ) -> dict[int, Rows]:
        """Each round's rows of `kind`: from the cache where its stamp is unchanged, the others from `compute`
        (called once, with the rounds missing) and kept."""
        out: dict[int, Rows] = {}
        missing: list[int] = []
        with self._lock:
            for round_id, stamp in stamps.items():
                held = self._items.get((kind, round_id))
                if held is not None and held[0] == stamp:
                    self._items.move_to_end((kind, round_id))
                    out[round_id] = held[1]
                else:
                    missing.append(round_id)
            self.hits += len(out)
            self.misses += len(missing)
        if missing:
            computed = compute(missing)
            with self._lock:
                for round_id in missing:
                    rows = list(computed.get(round_id, ()))
                    out[round_id] = rows
                    self._items[(kind, round_id)] = (stamps[round_id], rows)
                    self._items.move_to_end((kind, round_id))
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return out
