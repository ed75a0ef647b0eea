"""The year-long soak (bench/year.py) in small: three weeks around the change to summer time (29 March 2026), a
clean restart in each (mid fan-out, mid questionnaire, before the meeting) and the platform down for a day in the
middle one. What the benchmark checks for 52 weeks must hold here too: nothing twice, nothing lost, every phase at
the group's local time, no error logged, the monthly follow-up posted on the first weekday of April."""

from __future__ import annotations

from bench.year import Plan, run, verdicts
from bot.domain.cycle import RoundKey


def test_three_weeks_across_dst_with_restarts_and_an_outage_lose_and_repeat_nothing() -> None:
    plan = Plan(weeks=3, reporters=4, first=RoundKey(2026, 13), restart_every=1, down_week=1)
    lines: list[str] = []
    result = run(plan, echo=lines.append)
    assert len(lines) == 3
    assert [w.restart for w in result.weeks] == ["fan-out", "questionnaire", "before meeting"]
    assert result.restarts == 3
    assert result.refused_while_down > 0  # the outage was met, and waited out
    assert result.duplicates == 0
    assert (result.pending, result.parked, result.missing) == (0, 0, [])
    assert result.wrong_times == []
    assert result.errors_logged == []
    assert result.followups == result.followups_due == {"norr": 1, "syd": 1, "ost": 1}
    assert result.kinds["open"] == 3 * 3 * 4  # three weeks, three groups, four reporters
    assert result.kinds["draft"] >= 9 and result.kinds["publish"] >= 9  # the channel, and people in private
    failed = [name for name, passed, _value in verdicts(result) if not passed]
    # a three-week run is too short to judge memory's flatness, retention or growth; the rest must pass
    assert all(name.startswith(("memory flat", "note retention", "database grows")) for name in failed), failed
