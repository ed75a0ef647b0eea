"""The unit of work as the core sees it: one transaction, with a repository per purpose."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol

from bot.ports.audit import Audit
from bot.ports.groups import Groups
from bot.ports.history import History
from bot.ports.meeting import Meeting
from bot.ports.outbox import OutboxStore
from bot.ports.people import People
from bot.ports.privacy import Privacy
from bot.ports.rounds import Rounds
from bot.ports.statistics import Statistics
from bot.ports.web import WebAccess


class UnitOfWork(Protocol):
    """`with uow_factory() as uow: … uow.commit()`; leaving without a commit rolls back."""

    @property
    def groups(self) -> Groups: ...

    @property
    def people(self) -> People: ...

    @property
    def rounds(self) -> Rounds: ...

    @property
    def meeting(self) -> Meeting: ...

    @property
    def history(self) -> History: ...

    @property
    def outbox(self) -> OutboxStore: ...

    @property
    def statistics(self) -> Statistics: ...

    @property
    def privacy(self) -> Privacy: ...

    @property
    def audit(self) -> Audit: ...

    @property
    def web(self) -> WebAccess: ...

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def begin_batch(
        self, presses: Sequence[tuple[str, str, int | None]], events: Sequence[tuple[str, str]], now: datetime
    ) -> None:
        """Handle a batch of button presses with fewer statements: read at once what the presses are about to
        read one by one, and hold back their writes until `end_batch` (or `commit`).

        `presses`: (platform, account, round id or None) per press; `events`: (platform, event id) per event,
        recorded as processed here already (`audit.mark_event_processed` answers from that: the first delivery
        of an id is new, every later one a duplicate). Only what a questionnaire press does may happen until
        `end_batch`: anything else must come after it."""

    def end_batch(self) -> None:
        """Write what the batch held back, and read from the database again from now on. Without a batch,
        nothing to do."""

    def commit(self) -> None:
        """Ends a batch, then commits."""

    def rollback(self) -> None: ...
