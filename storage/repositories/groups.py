"""Groups, their areas and the areas' places, with the review of places reporters named."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from bot.domain.model import Area, Place, PlaceForReview
from storage.models import ActionRow, AnswerRow, AreaRow, CandidateRow, GroupRow, PersonAreaRow, PersonRow, PlaceRow
from storage.repositories.base import SqlRepository, norm
from storage.repositories.statements import PLACES


class SqlGroups(SqlRepository):
    """Groups, areas and places."""

    def upsert_group(self, group_id: str, name: str) -> None:
        row = self.s.get(GroupRow, group_id)
        if row is None:
            self.s.add(GroupRow(id=group_id, name=name))
        else:
            row.name = name
        self.s.flush()

    def upsert_area(self, group_id: str, code: str, name: str) -> Area:
        row = self.s.scalar(select(AreaRow).where(AreaRow.group_id == group_id, AreaRow.code == code))
        if row is None:
            row = AreaRow(group_id=group_id, code=code, name=name)
            self.s.add(row)
        else:
            row.name = name
        self.s.flush()
        return Area(row.id, row.group_id, row.code, row.name)

    def areas(self, group_id: str) -> list[Area]:
        rows = self.s.scalars(select(AreaRow).where(AreaRow.group_id == group_id).order_by(AreaRow.id))
        return [Area(r.id, r.group_id, r.code, r.name) for r in rows]

    def area_by_code(self, group_id: str, code: str) -> Area:
        r = self.s.scalar(select(AreaRow).where(AreaRow.group_id == group_id, AreaRow.code == code))
        if r is None:
            raise KeyError(code)
        return Area(r.id, r.group_id, r.code, r.name)

    def places(self, area_id: int) -> list[Place]:
        rows = self._core(PLACES, {"area_id": area_id})
        return [Place(*r) for r in rows]

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
        key = norm(name)
        approved = approved or configured
        q = select(PlaceRow).where(PlaceRow.area_id == area_id, PlaceRow.norm == key)
        row = self.s.scalar(q)
        if row is None:
            stmt = self._insert(PlaceRow).values(
                area_id=area_id,
                name=" ".join(name.split()),
                norm=key,
                lat=lat,
                lon=lon,
                configured=configured,
                created_at=now,
                review="approved" if approved else "pending",
            )
            self.s.execute(stmt.on_conflict_do_nothing(index_elements=["area_id", "norm"]))
            row = self.s.scalar(q)
            assert row is not None
        else:
            if configured and not row.configured:
                row.configured = True
            if configured and lat is not None and (row.lat, row.lon) != (lat, lon):
                row.lat, row.lon = lat, lon  # the file gives the position of a configured place
            if approved and row.review != "approved":
                row.review = "approved"
        return Place(row.id, row.area_id, row.name, row.lat, row.lon)

    def places_for_review(self, group_id: str) -> list[PlaceForReview]:
        """Places reporters named or shared that wait for a coordinator: id, area, name, how many answers name
        them, whether they came from a shared location, and since when they wait."""
        q = (
            select(PlaceRow, AreaRow.code, func.count(AnswerRow.id))
            .join(AreaRow, AreaRow.id == PlaceRow.area_id)
            .outerjoin(AnswerRow, AnswerRow.place_id == PlaceRow.id)
            .where(AreaRow.group_id == group_id, PlaceRow.review == "pending")
            .group_by(PlaceRow.id, AreaRow.code)
            .order_by(PlaceRow.id)
        )
        return [
            PlaceForReview(p.id, code, p.name, int(n), p.lat is not None, p.created_at)
            for p, code, n in self.s.execute(q)
        ]

    def rename_place(self, place_id: int, name: str) -> str:
        """Give an approved place a coordinator's name; when the area already has a place of that name, the two
        become one (answers, candidates and actions follow). Returns the name the place now has."""
        row = self.s.get(PlaceRow, place_id)
        assert row is not None
        key = norm(name)
        other = self.s.scalar(
            select(PlaceRow).where(PlaceRow.area_id == row.area_id, PlaceRow.norm == key, PlaceRow.id != row.id)
        )
        if other is None:
            row.name, row.norm = " ".join(name.split()), key
            self.s.flush()
            return row.name
        for model in (AnswerRow, CandidateRow, ActionRow):
            self.s.execute(update(model).where(model.place_id == row.id).values(place_id=other.id))
        if other.lat is None and row.lat is not None:
            other.lat, other.lon = row.lat, row.lon
        other.review = "approved"
        self.s.delete(row)
        self.s.flush()
        return other.name

    def set_place_review(self, group_id: str, place_id: int, status: str) -> str | None:
        """Approve or reject a place of the group; its name, or None when the group has no such place."""
        row = self.s.get(PlaceRow, place_id)
        if row is None:
            return None
        area = self.s.get(AreaRow, row.area_id)
        if area is None or area.group_id != group_id:
            return None
        if row.configured and status != "approved":
            return None  # a place from the configuration file is changed there
        row.review = status
        self.s.flush()
        return row.name

    def count_area_reporters(self, area_id: int) -> int:
        return int(
            self.s.scalar(
                select(func.count())
                .select_from(PersonAreaRow)
                .join(PersonRow)
                .where(PersonAreaRow.area_id == area_id, PersonRow.active.is_(True))
            )
            or 0
        )
