"""What reports, trends and exports read over weeks."""

from __future__ import annotations

from typing import Protocol

from bot.domain.cycle import RoundKey
from bot.domain.stats import (
    AnswerRecord,
    CellStat,
    NonResponder,
    Participation,
    PlaceLevel,
    PlaceMention,
    PlaceWeek,
    WeekStat,
)


class History(Protocol):
    """Figures over weeks, read only."""

    def week_stats(self, group_id: str, first: RoundKey, last: RoundKey) -> list[WeekStat]:
        """Each round from `first` to `last`: phase, reporters asked, reports submitted; oldest first."""

    def cell_stats(self, group_id: str, first: RoundKey, last: RoundKey) -> list[CellStat]:
        """Count, sum and highest level of the submitted reports per week, area and factor."""

    def level_counts(
        self, group_id: str, first: RoundKey, last: RoundKey
    ) -> dict[RoundKey, dict[tuple[str, str, int], int]]:
        """The submitted reports of each week counted by (area, factor, level), as the picture counts earlier weeks;
        weeks without reports are left out."""

    def place_weeks(self, group_id: str, first: RoundKey, last: RoundKey, threshold: int) -> list[PlaceWeek]:
        """Each approved place named in each week's submitted reports: how many reports named it at or above
        `threshold` and at all, for which factors, and whether it was known before the week's round."""

    def non_responders(self, round_id: int) -> list[NonResponder]:
        """The people asked in the round who have not sent their report, with their areas' names; by name."""

    def place_mentions(self, group_id: str, first: RoundKey, last: RoundKey) -> list[PlaceMention]:
        """How many submitted reports named each place, per week and factor."""

    def place_levels(self, group_id: str, first: RoundKey, last: RoundKey) -> list[PlaceLevel]:
        """Per week, approved place and factor: how many submitted reports named the place, the sum and the
        highest of their levels, and the place's position; oldest week first."""

    def answer_records(self, group_id: str, first: RoundKey, last: RoundKey) -> list[AnswerRecord]:
        """Every submitted answer in the weeks, with its organisation (never the person); approved notes only."""

    def participation(self, group_id: str, first: RoundKey, last: RoundKey) -> list[Participation]:
        """Per organisation: reports submitted and weeks with at least one; most reports first."""

    def action_organisations(self, group_id: str) -> dict[int, list[str]]:
        """The organisations of the people who voted for each decided action (never their names)."""
