"""The coordinators' `bakåttest` over in-memory storage, as a transcript, and the alternatives it reads: written
`key=value[,key=value…]`, checked as the configuration file is."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.commands.backtest import Backtest
from bot.commands.parse import parse
from bot.commands.types import ParseError
from bot.config import ConfigError
from bot.conversation.messages import Inbound, Outbound
from bot.usecases.backtest import BadAlternative, parameter_sets, parse_changes
from tests.unit.fakes.bot import FakeBot, fake_config
from tests.unit.usecases.played import play_week, without_drawing


def texts(out: list[Outbound]) -> str:
    return "\n".join(o.text for o in out)


def test_a_coordinator_gets_the_summary_and_a_reporter_is_refused(
    fake_bot: FakeBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert texts(fake_bot.cmd("anna", "bakåttest")) == 'Kommandot "bakåttest" är bara för samordnare.'
    assert texts(fake_bot.cmd("sara", "bakåttest")) == (
        "Det finns inga lagrade veckor med rapporter för Tryggare Trelleborg att spela upp än."
    )
    without_drawing(monkeypatch)
    for n in range(3):  # three calm weeks: a little graffiti in Centrum
        play_week(fake_bot, n, {"anna": {2: 1}, "bo": {2: 0}})
    play_week(fake_bot, 3, {"anna": {5: 3, 2: 1}, "bo": {5: 2}}, decide=True)  # drugs at Stortorget, decided
    fake_bot.flush("sara")  # the weekly reports
    assert texts(fake_bot.cmd("sara", "bakåttest 8 ewma_limit=3,5 min_level=3")) == "\n".join(
        [
            "Bakåttest för Tryggare Trelleborg: 2026-W43–2026-W50, 4 veckor med rapporter. Flaggade som stigande "
            "(📈) per vecka:",
            "A i dag: baseline_weeks=10, guard_weeks=2, ewma_weight=0.5, ewma_limit=2.5, min_sd=0.35, min_level=1.5, "
            "rising_weeks=2, highest_weeks=6, reporter_limit=2.5, reporter_rise=0.5, reporter_min=1, "
            "reporter_min_weeks=2",
            "   ···█  median 0, högst 1, totalt 1; beslut flaggade: 1 av 1, median 0 v före",
            "B ewma_limit=3,5",
            "   ···█  median 0, högst 1, totalt 1; beslut flaggade: 1 av 1, median 0 v före",
            "C min_level=3",
            "   ····  median 0, högst 0, totalt 0; beslut flaggade: 0 av 1",
            "Röda nivåer: ···█  median 0, högst 1; beslut röda: 1 av 1",
            "Oftast flaggade (A): Centrum · Narkotika, öppen droghantering ×1",
            "Flaggade celler (B): samma veckor som A",
            "Oftast flaggade (C): inga",
            "Vecka för vecka, och varje åtgärd: est-bot backtest --group tbg",
        ]
    )
    assert texts(fake_bot.cmd("sara", "bakåttest ewma_limit=11")) == (
        "Bakåttestet kan inte köras: backtest: ewma_limit = 11: allowed: a number more than 0 and at most 10, how "
        "many standard errors above expected flag (e.g. 2.5)"
    )
    assert texts(fake_bot.cmd("sara", "bakåttest två")) == (
        "Så här: bakåttest [VECKOR] [nyckel=värde[,nyckel=värde…]] …, t.ex. bakåttest 26 ewma_limit=2.0 "
        "min_level=1.2,ewma_limit=2 (varje ord med = är ett alternativ)"
    )


def test_the_words_make_the_weeks_and_one_alternative_per_word() -> None:
    def words(line: str) -> object:
        head, *args = line.split()
        return parse(Inbound("console", "sara", "command", command=head, args=tuple(args)))

    assert words("bakåttest") == Backtest(None, ())
    assert words("backtest 26 ewma_limit=2,min_level=1.2 guard_weeks=0") == Backtest(
        26, ("ewma_limit=2,min_level=1.2", "guard_weeks=0")
    )
    assert words("bakattest 0") == ParseError.usage("backtest.usage", Backtest)
    assert words("bakåttest 26 27") == ParseError.usage("backtest.usage", Backtest)


def test_commas_separate_keys_but_not_a_decimal_comma(tmp_path: Path) -> None:
    assert parse_changes("ewma_limit=2,5,min_level=1", "--set") == (("ewma_limit", "2,5"), ("min_level", "1"))
    group = fake_config(tmp_path, detection={"ewma_limit": 3.0}).groups[0]
    today, b, c = parameter_sets(group, ["ewma_limit=2,5,min_level=1", "guard_weeks=0"], "--set")
    assert (today.label, today.params.ewma_limit, today.changes) == ("A", 3.0, ())
    assert (b.label, b.params.ewma_limit, b.params.min_level) == ("B", 2.5, 1.0)
    assert (c.params.guard_weeks, c.params.ewma_limit) == (0, 3.0)  # on top of the group's own settings
    with pytest.raises(BadAlternative, match="at most 5 alternatives at a time, 6 given"):
        parameter_sets(group, ["min_level=1"] * 6, "--set")


@pytest.mark.parametrize(
    ("written", "in_file"),
    [
        ("ewma_limt=2", {"ewma_limt": 2}),
        ("guard_weeks=4,baseline_weeks=10", {"guard_weeks": 4, "baseline_weeks": 10}),
        ("min_sd=0", {"min_sd": 0}),
        ("ewma_weight=hälften", {"ewma_weight": "hälften"}),
    ],
)
def test_a_wrong_alternative_is_told_as_the_configuration_file_is(
    tmp_path: Path, written: str, in_file: dict[str, object]
) -> None:
    with pytest.raises(ConfigError) as from_file:
        fake_config(tmp_path, detection=in_file)
    with pytest.raises(BadAlternative) as from_set:
        parameter_sets(fake_config(tmp_path).groups[0], [written], "--set")
    # the same line after where it was written: "test: groups[0].detection.KEY = …" and "--set: KEY = …"
    assert str(from_set.value).removeprefix("--set: ") == str(from_file.value).removeprefix(
        "test: groups[0].detection."
    )
