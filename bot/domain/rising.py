"""The picture's "rising" kind: the detection rule's combined verdict on each cell (`bot.domain.detection.judge`),
with the answers by reporter that its second signal compares.

Earlier weeks reach the picture three ways (`bot.domain.picture.PictureInput`): counted by (area, factor, level)
(``history_counts``; enough for the EWMA), as reports (``history``, every cell) and as the answers of only the
cells the rule judges (``reporter_history``: what the store reads for the second signal, `judged_cells`). The
second signal compares each of this week's reporters with their own earlier answers, so it reads the weeks in
``reporter_history`` or ``history``; a week known only as counts is ``None`` to it, and a cell with no earlier week
known answer by answer is judged by the EWMA alone (docs/DETECTION.md says so). A reporter is the same number
every week (`reporter_key`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from itertools import compress
from operator import attrgetter
from typing import Protocol

from bot.domain.detection import NO_REPORTERS, DetectionParams, Signal, Trigger, Verdict
from bot.domain.reasons import AboveExpected, AboveUsual

Key = tuple[str, str]  # (area, factor)


class _Answer(Protocol):
    @property
    def area(self) -> str: ...
    @property
    def factor(self) -> str: ...
    @property
    def reporter_id(self) -> int: ...
    @property
    def level(self) -> int: ...


_WHO = attrgetter("area", "factor", "reporter_id", "level")
_CELL_LEVEL = attrgetter("area", "factor", "level")
_CELL = attrgetter("area", "factor")


def reporter_key(person_id: int | None, response_id: int) -> int:
    """The number a reporter has in the picture's reports, the same every week: the person's id, or for a person
    since deleted the response's id negated (unique within the week, as the picture's counts of reporters need)."""
    return person_id if person_id is not None else -response_id


def judged_cells(reports: Iterable[_Answer], min_level: float) -> set[Key]:
    """The cells whose mean this week is at least `min_level`: the only ones the rule judges, and so the only ones
    whose earlier answers the store reads for the second signal (counted in C, then per cell)."""
    sums: dict[Key, list[int]] = {}
    for (area, factor, level), n in Counter(map(_CELL_LEVEL, reports)).items():
        pair = sums.setdefault((area, factor), [0, 0])
        pair[0] += level * n
        pair[1] += n
    return {key for key, (total, n) in sums.items() if total >= (min_level - 1e-9) * n}


def answers_by_cell(reports: Sequence[_Answer], keys: Collection[Key]) -> dict[Key, dict[int, int]]:
    """The answers of the cells in `keys`, reporter -> level (a cell nobody answered: absent). The reports of other
    cells are skipped in C (`itertools.compress`): a week of a large group is tens of thousands of reports, and the
    rule judges a few cells."""
    out: dict[Key, dict[int, int]] = {}
    if not keys:
        return out
    wanted = compress(reports, map(keys.__contains__, map(_CELL, reports)))
    for area, factor, reporter, level in map(_WHO, wanted):
        out.setdefault((area, factor), {})[reporter] = level
    return out


def reporter_history(
    weeks: Sequence[Sequence[_Answer] | None], keys: Collection[Key]
) -> dict[Key, list[dict[int, int] | None]]:
    """Each cell's earlier weeks answer by answer, oldest first: a week given as reports (``history``) is the cell's
    answers there (``{}``: nobody answered it), a week known only as counts (`None` in `weeks`) stays None."""
    out: dict[Key, list[dict[int, int] | None]] = {key: [] for key in keys}
    for week in weeks:
        cells = None if week is None else answers_by_cell(week, keys)
        for key, series in out.items():
            series.append(None if cells is None else cells.get(key, {}))
    return out


def rising_reason(verdict: Verdict, params: DetectionParams, reporters: int) -> AboveExpected:
    """Why the rule flagged a cell: which signal fired, the level against the expected one, the reporters against
    their own usual levels when that fired, and how long it has been rising and for how many weeks it is the
    highest when those reach the thresholds for saying so."""
    signal = verdict.signal
    second = verdict.reporters
    usual = AboveUsual(second.above, second.compared, second.rise) if Trigger.REPORTERS in verdict.fired else None
    return AboveExpected(
        level=signal.level or 0.0,
        expected=signal.expected or 0.0,
        rising_weeks=signal.rising_weeks if signal.rising_weeks >= params.rising_weeks else None,
        highest_weeks=signal.highest_weeks if signal.highest_weeks >= params.highest_weeks else None,
        reporters=reporters,
        fired=verdict.fired,
        usual=usual,
    )


def detection_reason(signal: Signal, params: DetectionParams, reporters: int) -> AboveExpected:
    """The reason of a cell the EWMA flagged on counts alone (no reporter to compare with itself: the web view's
    list of weeks)."""
    return rising_reason(Verdict(signal, NO_REPORTERS, (Trigger.EWMA,)), params, reporters)


def judged_weeks(
    history: Mapping[tuple[int, int], Sequence[_Answer]], window: Sequence[tuple[int, int]]
) -> list[Sequence[_Answer] | None]:
    """The window's weeks (oldest first, as (year, week)) as reports where `history` has them, else None."""
    return [history.get(yw) for yw in window]
