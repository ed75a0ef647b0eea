"""What the core needs of groups, their areas and places."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.domain.model import Area, Place, PlaceForReview


class Groups(Protocol):
    """Groups, areas, places, and the review of places reporters named."""

    def upsert_group(self, group_id: str, name: str) -> None: ...

    def upsert_area(self, group_id: str, code: str, name: str) -> Area: ...

    def areas(self, group_id: str) -> list[Area]: ...

    def area_by_code(self, group_id: str, code: str) -> Area: ...

    def places(self, area_id: int) -> list[Place]: ...

    def get_or_create_place(
        self,
        area_id: int,
        name: str,
        now: datetime,
        configured: bool = False,
        lat: float | None = None,
        lon: float | None = None,
        approved: bool = False,
    ) -> Place:
        """The place of that name in the area; two reporters naming a new place at once get the same row.
        A place a reporter names first waits for a coordinator's review; a configured place, or one a
        coordinator names (`approved`), is approved at once."""

    def places_for_review(self, group_id: str) -> list[PlaceForReview]:
        """Places reporters named or shared that wait for a coordinator: id, area, name, how many answers name
        them, whether they came from a shared location, and since when they wait (when first named)."""

    def rename_place(self, place_id: int, name: str) -> str:
        """Give an approved place a coordinator's name; when the area already has a place of that name, the two
        become one (answers, candidates and actions follow). Returns the name the place now has."""

    def set_place_review(self, group_id: str, place_id: int, status: str) -> str | None:
        """Approve or reject a place of the group; its name, or None when the group has no such place."""

    def count_area_reporters(self, area_id: int) -> int: ...
