"""The weekly cycle: phases, schedules, ISO-week rounds and when each phase is due.

Pure code (stdlib + zoneinfo only). A *round* is one group's ISO week (:class:`RoundKey`).
Each round moves through :data:`PHASE_ORDER`; the scheduled phases become due at wall-clock
times of the group's :class:`WeekSchedule`, interpreted in the group's time zone.

The scheduler's job is always "advance the round to :func:`due_phase` now", which is
idempotent: firing twice, late, or in two processes changes nothing the second time.

Daylight saving
---------------
A schedule is wall-clock time in the group's zone. The local ``datetime`` is built with
``tzinfo=tz`` (``fold=0``) and converted with ``.astimezone(UTC)``, so:

* a wall time that does not exist (spring forward, e.g. 02:30 on the last Sunday of March in
  Europe/Stockholm) is read with the offset in force *before* the change, so it happens one
  hour later on the new clock (02:30 CET = 01:30 UTC = 03:30 CEST);
* a wall time that occurs twice (fall back, e.g. 02:30 on the last Sunday of October) means
  its *first* occurrence (02:30 CEST = 00:30 UTC).

Because a non-existent time can land after a later, existing time (02:30 -> 03:30 CEST but
03:00 stays 03:00 CEST), :func:`phase_due_at` never reports a phase as due before the phase
that precedes it: its due time is the latest raw due time of it and its predecessors. For
every schedule that does not straddle a DST gap that is exactly the configured wall time.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

__all__ = [
    "DEFAULT_SCHEDULE",
    "PHASE_ORDER",
    "SCHEDULED_PHASES",
    "Phase",
    "PhaseTime",
    "PlannedPhase",
    "RoundKey",
    "WeekSchedule",
    "due_phase",
    "first_weekday_of_month",
    "local_round_key",
    "monthly_due_at",
    "phase_due_at",
    "phase_index",
    "previous_month",
    "round_may_begin",
    "upcoming_phases",
    "week_plan",
]


class Phase(StrEnum):
    """The state of a round. Compare phases with :func:`phase_index`, never with ``<``
    (``StrEnum`` members compare as strings, i.e. alphabetically)."""

    PLANNED = "planned"
    OPEN = "open"
    REMINDED = "reminded"
    CLOSED = "closed"
    DRAFTED = "drafted"
    FINALISED = "finalised"
    PUBLISHED = "published"


PHASE_ORDER: tuple[Phase, ...] = (
    Phase.PLANNED,
    Phase.OPEN,
    Phase.REMINDED,
    Phase.CLOSED,
    Phase.DRAFTED,
    Phase.FINALISED,
    Phase.PUBLISHED,
)
_PHASE_INDEX: dict[Phase, int] = {p: i for i, p in enumerate(PHASE_ORDER)}

# FINALISED is set by a coordinator, not by the clock; PUBLISHED implies it.
SCHEDULED_PHASES: tuple[Phase, ...] = (
    Phase.OPEN,
    Phase.REMINDED,
    Phase.CLOSED,
    Phase.DRAFTED,
    Phase.PUBLISHED,
)


def phase_index(p: Phase) -> int:
    """Position of ``p`` in :data:`PHASE_ORDER` (PLANNED = 0 ... PUBLISHED = 6)."""
    try:
        return _PHASE_INDEX[Phase(p)]
    except ValueError:
        raise ValueError(f"unknown phase {p!r}; expected one of {', '.join(PHASE_ORDER)}") from None


# --------------------------------------------------------------------------- PhaseTime

_EN_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SV_DAYS = ("mån", "tis", "ons", "tor", "fre", "lör", "sön")

_DAY_ALIASES: tuple[tuple[str, ...], ...] = (
    # per ISO weekday: English (3-letter, full, 2-letter, variants), then Swedish
    # (3-letter, full, 2-letter, and the same written without å/ä/ö)
    ("mon", "monday", "mo", "mån", "måndag", "må", "man", "mandag", "ma"),
    ("tue", "tuesday", "tu", "tues", "tis", "tisdag", "ti"),
    ("wed", "wednesday", "we", "ons", "onsdag", "on"),
    ("thu", "thursday", "th", "thur", "thurs", "tor", "torsdag", "to", "tors"),
    ("fri", "friday", "fr", "fre", "fredag"),
    ("sat", "saturday", "sa", "lör", "lördag", "lö", "lor", "lordag", "lo"),
    ("sun", "sunday", "su", "sön", "söndag", "sö", "son", "sondag", "so"),
)
_DAY_NAMES: dict[str, int] = {name: iso for iso, names in enumerate(_DAY_ALIASES, start=1) for name in names}

_TIME_RE = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_PHASE_TIME_HELP = (
    "expected '<day> HH:MM', e.g. 'tue 08:00' or 'tisdag 8:00'; <day> is an English day "
    f"({', '.join(_EN_DAYS)}, or monday..sunday) or a Swedish day ({', '.join(_SV_DAYS)}, "
    "or måndag..söndag; ti/to etc. also work); HH:MM is a 24-hour time 00:00-23:59"
)


@dataclass(frozen=True, order=True)
class PhaseTime:
    """A weekday and wall-clock time within a Mon..Sun week. Ordered by (weekday, at)."""

    weekday: int  # ISO: 1 = Monday .. 7 = Sunday
    at: time

    def __post_init__(self) -> None:
        if isinstance(self.weekday, bool) or not isinstance(self.weekday, int) or not 1 <= self.weekday <= 7:
            raise ValueError(f"weekday must be an ISO weekday 1 (Monday) .. 7 (Sunday), got {self.weekday!r}")
        if not isinstance(self.at, time):
            raise ValueError(f"at must be a datetime.time, got {self.at!r}")
        if self.at.tzinfo is not None:
            raise ValueError("at must be a naive wall-clock time; the zone comes from the group")
        if self.at.second or self.at.microsecond:
            raise ValueError(f"at must be a whole minute (HH:MM), got {self.at.isoformat()}")

    @classmethod
    def parse(cls, s: str) -> PhaseTime:
        """Parse ``"tue 08:00"``, ``"Tisdag 08:00"``, ``"ti 8:00"``, ``"fre kl. 07.30"``...

        Day names are case-insensitive English or Swedish (abbreviated or full); an optional
        ``kl``/``kl.``/``at`` may sit between day and time; ``.`` may replace ``:``.
        Raises :class:`ValueError` naming what is allowed.
        """
        if not isinstance(s, str):
            raise ValueError(f"invalid day and time {s!r}: {_PHASE_TIME_HELP}")
        text = unicodedata.normalize("NFC", s).strip().casefold().replace(",", " ")
        parts = text.split()
        if len(parts) == 3 and parts[1] in ("kl", "kl.", "at"):
            parts = [parts[0], parts[2]]
        if len(parts) != 2:
            raise ValueError(f"invalid day and time {s!r}: {_PHASE_TIME_HELP}")
        day_s, time_s = parts
        weekday = _DAY_NAMES.get(day_s.rstrip("."))
        if weekday is None:
            raise ValueError(f"invalid day {day_s!r} in {s!r}: {_PHASE_TIME_HELP}")
        m = _TIME_RE.match(time_s)
        if m is None:
            raise ValueError(f"invalid time {time_s!r} in {s!r}: {_PHASE_TIME_HELP}")
        hour, minute = int(m.group(1)), int(m.group(2))
        if hour > 23 or minute > 59:
            raise ValueError(f"invalid time {time_s!r} in {s!r}: {_PHASE_TIME_HELP}")
        return cls(weekday, time(hour, minute))

    def __str__(self) -> str:
        return f"{_EN_DAYS[self.weekday - 1]} {self.at.hour:02d}:{self.at.minute:02d}"


# --------------------------------------------------------------------------- WeekSchedule


@dataclass(frozen=True)
class WeekSchedule:
    """When each scheduled phase happens, as wall-clock times in the group's time zone."""

    open: PhaseTime
    remind: PhaseTime
    close: PhaseTime
    draft: PhaseTime
    publish: PhaseTime
    monthly_at: time = time(9, 0)

    def time_for(self, phase: Phase) -> PhaseTime:
        """The configured time of a scheduled phase; ValueError for PLANNED/FINALISED."""
        if phase == Phase.OPEN:
            return self.open
        if phase == Phase.REMINDED:
            return self.remind
        if phase == Phase.CLOSED:
            return self.close
        if phase == Phase.DRAFTED:
            return self.draft
        if phase == Phase.PUBLISHED:
            return self.publish
        raise ValueError(f"phase {phase!r} is not scheduled; scheduled phases are {', '.join(SCHEDULED_PHASES)}")

    def validate(self) -> None:
        """Raise ValueError unless open < remind < close <= draft < publish within one Mon..Sun week."""
        for name in ("open", "remind", "close", "draft", "publish"):
            if not isinstance(getattr(self, name), PhaseTime):
                raise ValueError(f"{name} must be a PhaseTime, got {getattr(self, name)!r}")
        if not isinstance(self.monthly_at, time) or self.monthly_at.tzinfo is not None:
            raise ValueError(f"monthly_at must be a naive datetime.time, got {self.monthly_at!r}")
        checks = (
            ("open", self.open, "remind", self.remind, False),
            ("remind", self.remind, "close", self.close, False),
            ("close", self.close, "draft", self.draft, True),
            ("draft", self.draft, "publish", self.publish, False),
        )
        for a_name, a, b_name, b, may_equal in checks:
            ok = a <= b if may_equal else a < b
            if not ok:
                rel = "at or before" if may_equal else "before"
                raise ValueError(
                    f"schedule out of order: {a_name} ({a}) must be {rel} {b_name} ({b}); "
                    "phases must run open < remind < close <= draft < publish within one Monday..Sunday week"
                )


DEFAULT_SCHEDULE = WeekSchedule(
    open=PhaseTime(2, time(8, 0)),
    remind=PhaseTime(3, time(13, 0)),
    close=PhaseTime(4, time(8, 0)),
    draft=PhaseTime(4, time(8, 5)),
    publish=PhaseTime(5, time(7, 30)),
)
DEFAULT_SCHEDULE.validate()


# --------------------------------------------------------------------------- RoundKey

_ROUND_RE = re.compile(r"^(\d{4})(?:-[wW]?|[wW])(\d{1,2})$")


def _weeks_in_iso_year(year: int) -> int:
    # 28 December is always in the last ISO week of its ISO year.
    return date(year, 12, 28).isocalendar().week


@dataclass(frozen=True, order=True)
class RoundKey:
    """An ISO year and week, e.g. ``2026-W47``. Ordered chronologically."""

    year: int
    week: int

    def __post_init__(self) -> None:
        for name in ("year", "week"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int):
                raise ValueError(f"RoundKey.{name} must be an int, got {v!r}")
        if not 1 <= self.year <= 9999:
            raise ValueError(f"ISO year {self.year} out of range 1..9999")
        try:
            date.fromisocalendar(self.year, self.week, 1)
        except ValueError:
            raise ValueError(
                f"ISO year {self.year} has no week {self.week}; its weeks are 1..{_weeks_in_iso_year(self.year)}"
            ) from None

    def __str__(self) -> str:
        return f"{self.year:04d}-W{self.week:02d}"

    @classmethod
    def parse(cls, s: str) -> RoundKey:
        """Parse ``"2026-W47"``, ``"2026-w47"``, ``"2026W47"`` or ``"2026-47"``."""
        m = _ROUND_RE.match(s.strip()) if isinstance(s, str) else None
        if m is None:
            raise ValueError(
                f"invalid round {s!r}: expected an ISO year and week like '2026-W47' "
                "(also '2026-w47', '2026W47' or '2026-47')"
            )
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, d: date) -> RoundKey:
        """The ISO week containing calendar date ``d`` (a datetime counts by its own wall date)."""
        iso = d.isocalendar()
        return cls(iso.year, iso.week)

    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    def minus(self, n: int) -> RoundKey:
        """The round ``n`` weeks earlier (``n`` may be negative: later)."""
        return RoundKey.of(self.monday() - timedelta(weeks=n))

    def next(self) -> RoundKey:
        return self.minus(-1)

    def prev(self) -> RoundKey:
        return self.minus(1)


def _require_aware(now: datetime, name: str = "now") -> None:
    if not isinstance(now, datetime):
        raise ValueError(f"{name} must be a datetime, got {now!r}")
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {now.isoformat()}")


def local_round_key(now: datetime, tz: ZoneInfo) -> RoundKey:
    """The round (ISO week) of ``now``'s local date in ``tz``. ``now`` must be aware."""
    _require_aware(now)
    return RoundKey.of(now.astimezone(tz).date())


# --------------------------------------------------------------------------- due times


def _raw_due_at(key: RoundKey, pt: PhaseTime, tz: ZoneInfo) -> datetime:
    d = key.monday() + timedelta(days=pt.weekday - 1)
    # fold=0: non-existent times take the pre-transition offset; ambiguous ones the first occurrence.
    return datetime.combine(d, pt.at, tzinfo=tz).astimezone(UTC)


def phase_due_at(key: RoundKey, phase: Phase, schedule: WeekSchedule, tz: ZoneInfo) -> datetime:
    """Aware UTC instant when ``phase`` of round ``key`` becomes due.

    That is the phase's local wall time in that ISO week in ``tz`` (see the module docstring
    for DST: ``fold=0``), except that a phase is never due before an earlier scheduled phase,
    so due times are non-decreasing in phase order even across a DST gap.
    ValueError for PLANNED and FINALISED (not scheduled).
    """
    schedule.time_for(phase)  # ValueError if not a scheduled phase
    idx = SCHEDULED_PHASES.index(phase)
    return max(_raw_due_at(key, schedule.time_for(p), tz) for p in SCHEDULED_PHASES[: idx + 1])


def due_phase(key: RoundKey, schedule: WeekSchedule, tz: ZoneInfo, now: datetime) -> Phase:
    """The highest scheduled phase of ``key`` whose due time is <= ``now``; PLANNED if none.

    Non-decreasing in ``now``. Never returns FINALISED (that is a coordinator's act).
    """
    _require_aware(now)
    result = Phase.PLANNED
    due: datetime | None = None
    for p in SCHEDULED_PHASES:
        raw = _raw_due_at(key, schedule.time_for(p), tz)
        due = raw if due is None else max(due, raw)  # the same running max as phase_due_at
        if due > now:
            break
        result = p
    return result


def round_may_begin(key: RoundKey, schedule: WeekSchedule, tz: ZoneInfo, now: datetime) -> bool:
    """Whether a round that does not exist yet may still begin at ``now``: its questionnaire can still be
    answered (late answers are taken until the publication). A week whose publication has passed before its
    round began (a fresh install, a start late in the week, a long outage) is left out, so nobody is sent an
    empty report for a week in which nobody was asked."""
    _require_aware(now)
    return now < phase_due_at(key, Phase.PUBLISHED, schedule, tz)


def upcoming_phases(
    schedule: WeekSchedule, tz: ZoneInfo, start: date, weeks: int
) -> list[tuple[RoundKey, Phase, datetime]]:
    """All scheduled phases of ``weeks`` rounds from the ISO week containing ``start``.

    Returns ``(round, phase, due)`` with ``due`` an aware datetime in ``tz``, sorted by time
    (then phase order); ``5 * weeks`` entries.
    """
    if weeks < 0:
        raise ValueError(f"weeks must be >= 0, got {weeks}")
    if isinstance(start, datetime):
        start = start.date()
    out: list[tuple[RoundKey, Phase, datetime]] = []
    key = RoundKey.of(start)
    for i in range(weeks):
        if i:
            key = key.next()
        for p in SCHEDULED_PHASES:
            out.append((key, p, phase_due_at(key, p, schedule, tz).astimezone(tz)))
    out.sort(key=lambda row: (row[2], row[0], phase_index(row[1])))
    return out


@dataclass(frozen=True)
class PlannedPhase:
    """One scheduled phase as ``est-bot schedule`` shows it. ``status`` is "done" (the round reached it),
    "skipped" (its week began without a round and is left out), "overdue" (past, not yet done: the next tick
    catches up) or "coming"."""

    key: RoundKey
    phase: Phase
    due: datetime  # aware, in the group's zone
    status: str


def week_plan(
    schedule: WeekSchedule,
    tz: ZoneInfo,
    start: date,
    weeks: int,
    now: datetime,
    reached: dict[RoundKey, Phase],
) -> list[PlannedPhase]:
    """:func:`upcoming_phases` with what became of each at ``now``, given the phase each stored round has
    reached. A week without a round that may no longer begin (:func:`round_may_begin`) is left out whole."""
    _require_aware(now)
    out: list[PlannedPhase] = []
    for key, phase, when in upcoming_phases(schedule, tz, start, weeks):
        stored = reached.get(key)
        if stored is not None and phase_index(stored) >= phase_index(phase):
            status = "done"
        elif stored is None and not round_may_begin(key, schedule, tz, now):
            status = "skipped"
        elif when <= now:
            status = "overdue"
        else:
            status = "coming"
        out.append(PlannedPhase(key, phase, when, status))
    return out


# --------------------------------------------------------------------------- monthly

# Swedish public holidays on a fixed date: nyårsdagen, trettondedag jul, första maj,
# nationaldagen, juldagen, annandag jul. (Moveable ones, e.g. Easter, are not considered.)
_FIXED_HOLIDAYS: frozenset[tuple[int, int]] = frozenset({(1, 1), (1, 6), (5, 1), (6, 6), (12, 25), (12, 26)})


def first_weekday_of_month(year: int, month: int) -> date:
    """The first Monday-Friday of the month that is not a fixed-date Swedish public holiday."""
    d = date(year, month, 1)
    while d.isoweekday() > 5 or (d.month, d.day) in _FIXED_HOLIDAYS:
        d += timedelta(days=1)
    return d


def monthly_due_at(year: int, month: int, schedule: WeekSchedule, tz: ZoneInfo) -> datetime:
    """Aware UTC instant of the monthly follow-up: first_weekday_of_month at ``schedule.monthly_at`` local."""
    d = first_weekday_of_month(year, month)
    return datetime.combine(d, schedule.monthly_at, tzinfo=tz).astimezone(UTC)


def previous_month(d: date) -> tuple[int, int]:
    """``(year, month)`` of the calendar month before the one containing ``d``."""
    return (d.year - 1, 12) if d.month == 1 else (d.year, d.month - 1)
