"""What the core needs of the meeting."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.domain.model import Action, Candidate


class Meeting(Protocol):
    """Candidates for priorities, votes, decisions, and the actions decided."""

    def add_candidate(
        self,
        round_id: int,
        key: str,
        area: str,
        place: str | None,
        factors: tuple[str, ...],
        title: str,
        reasons: tuple[str, ...],
        source: str,
        position: int,
    ) -> int | None: ...

    def candidates(self, round_id: int) -> list[Candidate]: ...

    def candidate_ids(self, round_id: int) -> list[int]:
        """The ids of `candidates`, in their order (what a candidate's number is counted from)."""
        ...

    def get_candidate(self, candidate_id: int) -> Candidate | None: ...

    def vote(self, candidate_id: int, person_id: int, on: bool) -> bool:
        """Add or withdraw one person's vote; True if that changed anything (a double click does not)."""

    def set_candidate_field(self, candidate_id: int, field: str, value: str) -> bool: ...

    def decide_candidate(
        self, candidate_id: int, decided: bool, group_id: str, round_id: int, now: datetime
    ) -> None: ...

    def actions_for_round(self, round_id: int) -> list[Action]: ...

    def actions(self, group_id: str) -> list[Action]: ...

    def set_action_status(self, group_id: str, action_id: int, status: str) -> bool: ...
