"""What the core needs of rounds and the responses to them."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from bot.domain.conversation_state import ConversationState
from bot.domain.cycle import Phase, RoundKey
from bot.domain.factors import Factor
from bot.domain.model import AnswerIn, LastAnswer, NoteForReview, OwnAnswer, Response, Round, RoundStatus
from bot.domain.picture import PictureInput, Report


class Rounds(Protocol):
    """Rounds, responses, answers, snoozes and reminders; a round's status and picture input; notes and
    observations."""

    def get_round(self, group_id: str, key: RoundKey) -> Round | None: ...

    def get_round_by_id(self, round_id: int) -> Round | None: ...

    def create_round(self, group_id: str, key: RoundKey, now: datetime) -> Round:
        """Insert the round unless another process just did; either way return it."""

    def recent_rounds(self, group_id: str, n: int) -> list[Round]: ...

    def unpublished_rounds(self, group_id: str) -> list[Round]: ...

    def set_phase(self, round_id: int, old: Phase, new: Phase, now: datetime) -> bool:
        """Compare-and-set: only one caller ever moves a round from `old` to `new`."""

    def owe_charts(self, round_id: int) -> None:
        """The round's draft went without its charts: they are owed until `settle_charts`."""

    def charts_owed(self, group_id: str) -> list[Round]:
        """The group's rounds whose draft's charts are owed, oldest first."""

    def settle_charts(self, round_id: int) -> bool:
        """Compare-and-set: the round's charts no longer owed; True only for the one caller that cleared it."""

    def get_response(self, round_id: int, person_id: int) -> Response | None: ...

    def get_or_create_response(self, round_id: int, person_id: int, organisation: str, now: datetime) -> Response:
        """The reporter's row for the round, locked for this unit of work; created if missing. In a batch, as
        the batch last saved it (see `begin_batch`)."""

    def create_responses(self, round_id: int, people: Sequence[tuple[int, str]], now: datetime) -> None:
        """The rows of (person id, organisation) for the round, created where missing, together (a fan-out's:
        `get_or_create_response` then finds them)."""

    def save_response(
        self,
        response_id: int,
        version: int,
        state: ConversationState,
        status: str,
        snoozed_until: datetime | None,
        late: bool,
        submitted_at: datetime | None,
        now: datetime,
    ) -> None: ...

    def set_reminders(self, response_id: int, n: int) -> None: ...

    def max_reminders(self, round_id: int) -> int: ...

    def due_snoozes(self, group_id: str, now: datetime) -> list[tuple[Response, Round]]: ...

    def replace_answers(self, response_id: int, answers: list[AnswerIn], more: str | None) -> None:
        """A sent questionnaire's answers, replacing any earlier ones; a note kept word for word keeps its review."""

    def last_submitted_answers(self, group_id: str, key: RoundKey, person_id: int) -> dict[str, LastAnswer] | None:
        """The reporter's sent answers of the week before `key` by item key ("area|factor"); None if none."""

    def own_answers(self, person_id: int) -> list[OwnAnswer]:
        """Every answer the person sent (submitted responses only), newest week first, in the order given."""

    def round_status(self, round_id: int, group_id: str, now: datetime) -> RoundStatus: ...

    def picture_input(
        self, group_id: str, group_name: str, rnd: Round, factors: list[Factor], threshold: int, now: datetime
    ) -> PictureInput: ...

    def reporter_answers(
        self, group_id: str, before: RoundKey, weeks: int, cells: Collection[tuple[str, str]]
    ) -> dict[RoundKey, list[Report]]:
        """The submitted answers of `cells` ((area, factor)) in the group's rounds of the `weeks` weeks before
        `before`, each with its reporter's stable number (`bot.domain.rising.reporter_key`; only area, factor,
        reporter and level are filled): the detection rule's second signal. Every such round is a key, with []
        when nobody answered those cells."""

    def notes_for_review(self, round_id: int) -> list[NoteForReview]: ...

    def set_note_review(self, round_id: int, ident: str, status: str) -> bool: ...

    def add_observation(
        self,
        round_id: int,
        author_id: int,
        author: str,
        source: str,
        area: str | None,
        factor: str | None,
        text: str,
        now: datetime,
    ) -> None: ...

    def edit_note(self, round_id: int, ident: str, text: str) -> bool:
        """A coordinator's rewrite of a note (e.g. a name taken out): stored, approved, and put into the
        reporter's saved questionnaire too, so a later edit of theirs does not bring the old text back."""
