"""SQLAlchemy 2 typed tables. Only storage/ imports this module."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on SQLite (which forgets zones) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}  # noqa: RUF012


class GroupRow(Base):
    __tablename__ = "groups"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(Text)


class AreaRow(Base):
    __tablename__ = "areas"
    __table_args__ = (UniqueConstraint("group_id", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[str] = mapped_column(ForeignKey("groups.id"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(Text)


class PlaceRow(Base):
    __tablename__ = "places"
    __table_args__ = (UniqueConstraint("area_id", "norm"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    name: Mapped[str] = mapped_column(Text)
    norm: Mapped[str] = mapped_column(Text)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    configured: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    # "approved" (configured, named by a coordinator, or approved in `review`), "pending" (typed or shared by a
    # reporter, waiting for a coordinator) or "rejected". Only approved places are offered as menu choices and
    # named in pictures, reports and trends.
    review: Mapped[str] = mapped_column(String(20), default="pending", server_default="approved")


class PersonRow(Base):
    __tablename__ = "persons"
    __table_args__ = (UniqueConstraint("group_id", "name_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[str] = mapped_column(ForeignKey("groups.id"), index=True)
    name: Mapped[str] = mapped_column(Text)
    name_key: Mapped[str] = mapped_column(Text)
    organisation: Mapped[str] = mapped_column(Text, default="")
    role: Mapped[str] = mapped_column(String(20), default="reporter")
    language: Mapped[str] = mapped_column(String(5), default="sv")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    receives_report: Mapped[bool] = mapped_column(Boolean, default=True)
    paused_until: Mapped[datetime | None]
    forgotten: Mapped[bool] = mapped_column(Boolean, default=False)
    channel: Mapped[str | None] = mapped_column(String(20))


class PersonAreaRow(Base):
    __tablename__ = "person_areas"
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class AccountRow(Base):
    __tablename__ = "accounts"
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)


class InviteRow(Base):
    """A one-time code that links a chat account to a person (`t.me/<bot>?start=<code>`)."""

    __tablename__ = "invites"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by: Mapped[str | None] = mapped_column(String(120))


class FormLinkRow(Base):
    """The generation of a person's e-mailed links to one week's form: a link names the generation it was made
    with, and "not me" moves it on, so the links already sent stop working (bot/usecases/form.py)."""

    __tablename__ = "form_links"
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)
    revoked_at: Mapped[datetime | None]


class WebLinkRow(Base):
    """A one-time sign-in link to the web view (`webb` in the chat); only the token's SHA-256 is kept."""

    __tablename__ = "web_links"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(index=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class WebSessionRow(Base):
    """A signed-in browser; only the session id's SHA-256 is kept. It ends by logging out or after idling."""

    __tablename__ = "web_sessions"
    session_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class RoundRow(Base):
    __tablename__ = "rounds"
    __table_args__ = (UniqueConstraint("group_id", "year", "week"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[str] = mapped_column(ForeignKey("groups.id"))
    year: Mapped[int] = mapped_column(Integer)
    week: Mapped[int] = mapped_column(Integer)
    phase: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    drafted_at: Mapped[datetime | None]
    finalised_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    # The draft's charts are drawn by a chart worker and not queued yet (bot/usecases/draft_charts.py).
    charts_owed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ResponseRow(Base):
    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("round_id", "person_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    organisation: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=0)
    snoozed_until: Mapped[datetime | None]
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    submitted_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
    more_note: Mapped[str | None] = mapped_column(Text)
    more_review: Mapped[str] = mapped_column(String(20), default="pending")


class AnswerRow(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("response_id", "area_id", "factor"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    factor: Mapped[str] = mapped_column(String(40))
    level: Mapped[int] = mapped_column(Integer)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))
    note: Mapped[str | None] = mapped_column(Text)
    note_review: Mapped[str] = mapped_column(String(20), default="pending")


class ObservationRow(Base):
    __tablename__ = "observations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    author: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    factor: Mapped[str | None] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class CandidateRow(Base):
    __tablename__ = "candidates"
    __table_args__ = (UniqueConstraint("round_id", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    key: Mapped[str] = mapped_column(Text)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))
    factors: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(Text)
    reasons: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(20), default="auto")
    position: Mapped[int] = mapped_column(Integer, default=0)
    action_type: Mapped[str | None] = mapped_column(String(40))
    responsible: Mapped[str | None] = mapped_column(String(40))
    timeframe: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="candidate")


class VoteRow(Base):
    __tablename__ = "votes"
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True)


class ActionRow(Base):
    __tablename__ = "actions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[str] = mapped_column(ForeignKey("groups.id"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("candidates.id"), unique=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))
    factors: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(Text)
    action_type: Mapped[str | None] = mapped_column(String(40))
    responsible: Mapped[str | None] = mapped_column(String(40))
    timeframe: Mapped[str | None] = mapped_column(String(40))
    votes: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="planned")
    created_at: Mapped[datetime]


class OutboxRow(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_platform_address_status", "platform", "address", "status"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    key: Mapped[str] = mapped_column(Text, unique=True)
    platform: Mapped[str] = mapped_column(String(20), index=True)
    address: Mapped[str] = mapped_column(String(100))
    ref: Mapped[str | None] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # A claimer's lease (bot/outbox.py): the row is being sent by `claimed_by` until `claimed_until`; a crashed
    # claimer's rows come back when the lease runs out.
    claimed_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(100))


class MessageRefRow(Base):
    """Which platform message shows a ref, so it can be edited in place."""

    __tablename__ = "message_refs"
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    address: Mapped[str] = mapped_column(String(100), primary_key=True)
    ref: Mapped[str] = mapped_column(String(200), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(100))


class ProcessedEventRow(Base):
    __tablename__ = "processed_events"
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    at: Mapped[datetime]


class AuditRow(Base):
    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    group_id: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(60))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class StatRecordRow(Base):
    """A reported-crime count (police, Brå) or a municipal vandalism report; `key` is the hash of the natural
    key that makes a re-import update the row instead of adding another (see docs/STATISTICS.md)."""

    __tablename__ = "stat_records"
    __table_args__ = (UniqueConstraint("group_id", "source", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[str] = mapped_column(ForeignKey("groups.id"))
    source: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    day: Mapped[date | None] = mapped_column(Date)
    category: Mapped[str] = mapped_column(Text)
    region: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(Text, default="")
    count: Mapped[int] = mapped_column(Integer)
    file: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime]


class PoliceEventRow(Base):
    """An event from the Swedish Police's open events API, once per group however often it is imported."""

    __tablename__ = "police_events"
    __table_args__ = (UniqueConstraint("group_id", "event_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[str] = mapped_column(ForeignKey("groups.id"))
    event_id: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(Text, default="")
    type: Mapped[str] = mapped_column(Text)
    location: Mapped[str] = mapped_column(Text)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    imported_at: Mapped[datetime]


class MonthlyPostRow(Base):
    """The monthly follow-up of one group and month was posted: the row is what makes it happen once."""

    __tablename__ = "monthly_posts"
    group_id: Mapped[str] = mapped_column(ForeignKey("groups.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    posted_at: Mapped[datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)
