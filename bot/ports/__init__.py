"""Ports: what the core needs from storage, as small hand-written protocols, one per repository
(storage/ implements them; tests may fake them). `UnitOfWork` reaches them all."""

from __future__ import annotations

from bot.ports.audit import Audit
from bot.ports.groups import Groups
from bot.ports.health import Health, HealthSnapshot, Instruments, NoInstruments
from bot.ports.history import History
from bot.ports.leadership import Leadership
from bot.ports.meeting import Meeting
from bot.ports.outbox import Outbox, OutboxDelivery, OutboxStore
from bot.ports.people import People
from bot.ports.privacy import Privacy
from bot.ports.rounds import Rounds
from bot.ports.statistics import Statistics
from bot.ports.uow import UnitOfWork

__all__ = [
    "Audit",
    "Groups",
    "Health",
    "HealthSnapshot",
    "History",
    "Instruments",
    "Leadership",
    "Meeting",
    "NoInstruments",
    "Outbox",
    "OutboxDelivery",
    "OutboxStore",
    "People",
    "Privacy",
    "Rounds",
    "Statistics",
    "UnitOfWork",
]
