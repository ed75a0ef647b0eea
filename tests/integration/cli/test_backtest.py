"""`est-bot backtest` and the chat's `bakåttest` on the demo's database, as a coordinator uses them: the output
is checked against a replay done here by hand (each stored week's means and answers read with SQL, each cell
judged with the rule's verdict `judge` directly: the EWMA on the means, the second signal on the answers
reporter by reporter), and the decided actions against the flags it found; wrong input gets one clear line and
exit code 2; a reporter is refused the chat command."""

from __future__ import annotations

import re
import sqlite3
import statistics
from collections import defaultdict
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.config import load_config
from bot.domain.cycle import RoundKey
from bot.domain.detection import DetectionParams, judge
from bot.text.numbers import format_number
from tests.support.demo import Demo

runner = CliRunner()
HISTORY = 12  # weeks before the judged one handed to the rule; it reads no further than baseline + guard
LOOKBACK = 8  # a flag up to this many weeks before a decision counts (docs/DETECTION.md, "Backtest")

Means = dict[RoundKey, dict[tuple[str, str], float]]
Answers = dict[RoundKey, dict[tuple[str, str], dict[int, int]]]


def stored_answers(db: Path) -> Answers:
    """Each week's submitted answers per (area, factor), reporter by reporter (the person, as the store numbers
    them), for every round of the group (a round nobody answered: no cells)."""
    con = sqlite3.connect(db)
    try:
        rounds = con.execute("SELECT year, week FROM rounds WHERE group_id = 'demo'").fetchall()
        rows = con.execute(
            "SELECT r.year, r.week, a.code, an.factor, COALESCE(s.person_id, -s.id), an.level FROM answers an "
            "JOIN responses s ON s.id = an.response_id JOIN rounds r ON r.id = s.round_id "
            "JOIN areas a ON a.id = an.area_id WHERE s.status = 'submitted' AND r.group_id = 'demo'"
        ).fetchall()
    finally:
        con.close()
    answers: Answers = {RoundKey(y, w): {} for y, w in rounds}
    for year, week, area, factor, reporter, level in rows:
        answers[RoundKey(year, week)].setdefault((area, factor), {})[reporter] = level
    return answers


def stored_means(db: Path) -> Means:
    """Each week's mean level per (area, factor), from the submitted answers."""
    means: Means = defaultdict(dict)
    for week, cells in stored_answers(db).items():
        for cell, levels in cells.items():
            means[week][cell] = sum(levels.values()) / len(levels)
    return means


def stored_actions(db: Path) -> list[tuple[RoundKey, str, tuple[str, ...]]]:
    """The decided actions (week, area, factors), in the order the backtest lists them: by week, then as decided."""
    con = sqlite3.connect(db)
    try:
        rows = con.execute(
            "SELECT r.year, r.week, a.code, x.factors FROM actions x JOIN rounds r ON r.id = x.round_id "
            "JOIN areas a ON a.id = x.area_id WHERE x.group_id = 'demo' ORDER BY r.year, r.week, x.id"
        ).fetchall()
    finally:
        con.close()
    return [(RoundKey(y, w), area, tuple(f for f in factors.split(",") if f)) for y, w, area, factors in rows]


def latest_round(db: Path) -> RoundKey:
    """The week the replay ends with: the group's latest round (the demo's last week, unless a test's chat at
    today's date opened a later one, without reports)."""
    con = sqlite3.connect(db)
    try:
        year, week = con.execute("SELECT year, week FROM rounds ORDER BY year DESC, week DESC LIMIT 1").fetchone()
    finally:
        con.close()
    return RoundKey(year, week)


def flags_by_hand(means: Means, answers: Answers, params: DetectionParams) -> dict[RoundKey, set[tuple[str, str]]]:
    """The cells the rule flags in each stored week, judged one by one from the means and the answers."""
    out: dict[RoundKey, set[tuple[str, str]]] = {}
    for week, cells in means.items():
        out[week] = set()
        for cell, mean in cells.items():
            earlier = [week.minus(n) for n in range(HISTORY, 0, -1)]
            before = [means.get(w, {}).get(cell) for w in earlier]
            history = [None if w not in answers else answers[w].get(cell, {}) for w in earlier]
            if judge([*before, mean], params, answers[week][cell], history).flagged:
                out[week].add(cell)
    return out


def lead_by_hand(
    flags: dict[RoundKey, set[tuple[str, str]]], week: RoundKey, area: str, factors: tuple[str, ...]
) -> str:
    for back in range(LOOKBACK, -1, -1):
        hit = flags.get(week.minus(back), set())
        if any(a == area and (not factors or f in factors) for a, f in hit):
            return "samma vecka" if back == 0 else f"{back} v före"
    return "ej flaggad"


def section(out: str, title: str) -> list[str]:
    """The lines under a heading, up to the next blank line."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title)) + 1
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def test_backtest_replays_the_demo_weeks_as_the_rule_judges_them_by_hand(demo: Demo) -> None:
    settings = str(demo.out / "est-bot.toml")
    result = runner.invoke(app, ["backtest", "--config", settings, "--set", "ewma_limit=2.0,min_level=1,0"])
    assert result.exit_code == 0, result.output
    out = result.output
    means = stored_means(demo.out / "demo.sqlite")
    weeks = sorted(means)
    assert [str(w) for w in weeks] == ["2026-W43", "2026-W44", "2026-W45", "2026-W46", "2026-W47"]
    last = latest_round(demo.out / "demo.sqlite")
    assert out.splitlines()[0] == (
        f"Bakåttest för Tryggare Exempelstad (demo): veckorna {last.minus(51)}–{last}, 5 med rapporter."
    )
    assert "  A  i dag: baseline_weeks=10, guard_weeks=2, ewma_weight=0.5, ewma_limit=2.5, min_sd=0.35" in out
    assert "  B  ewma_limit=2.0, min_level=1,0" in out

    answers = stored_answers(demo.out / "demo.sqlite")
    today = flags_by_hand(means, answers, DetectionParams())
    other = flags_by_hand(means, answers, DetectionParams(ewma_limit=2.0, min_level=1.0))
    red = {  # a red mean, two 3s, or a 3 on an orange cell (one 3 on a quieter cell is a single serious report)
        w: {
            c
            for c, m in cells.items()
            if m >= 2.5 or (n3 := list(answers[w][c].values()).count(3)) >= 2 or (n3 and m >= 1.5)
        }
        for w, cells in means.items()
    }
    table = section(out, "Flaggade som stigande per vecka:")
    assert table[0].split() == ["vecka", "A", "B", "röda"]
    rows = {line.split()[0]: line.split()[1:] for line in table[1:]}
    for w in weeks:
        assert rows[str(w)] == [str(len(today[w])), str(len(other[w])), str(len(red[w]))], w
    assert rows["totalt"] == [str(sum(map(len, f.values()))) for f in (today, other, red)]
    assert rows["högst"] == [str(max(map(len, f.values()))) for f in (today, other, red)]
    # The demo escalates at Stortorget in Centrum: the rule flags it, so the check is not of empty tables.
    assert sum(map(len, today.values())) >= 2 and sum(map(len, other.values())) >= sum(map(len, today.values()))

    cfg = load_config(settings)
    group = cfg.groups[0]
    names = {a.code: a.name for a in group.areas}
    labels = {f.code: f.label("sv") for f in group.factor_list()}
    shown: dict[str, dict[str, str]] = defaultdict(dict)
    label = ""
    for line in section(out, "Celler som flaggas som stigande"):
        m = re.fullmatch(r"  (\w| )  (.+): (.+)", line)
        assert m is not None, line
        label = m.group(1).strip() or label
        shown[label][m.group(2)] = m.group(3)
    for lab, flags in (("A", today), ("B", other)):
        expected: dict[str, list[str]] = defaultdict(list)
        for w in weeks:
            for area, factor in flags[w]:
                expected[f"{names[area]} · {labels[factor]}"].append(str(w))
        assert shown[lab] == {cell: ", ".join(ws) for cell, ws in expected.items()}

    actions = stored_actions(demo.out / "demo.sqlite")
    decisions = section(out, "Beslutade åtgärder")
    assert len(decisions) == 1 + len(actions) + 1  # the heads, one row per action, the row of how many flagged
    for (week, area, factors), line in zip(actions, decisions[1:-1], strict=True):
        cols = re.split(r"\s{2,}", line.strip())
        assert cols[0] == str(week)
        assert cols[-3:-1] == [lead_by_hand(today, week, area, factors), lead_by_hand(other, week, area, factors)]
    found = [sum(lead_by_hand(f, *a) != "ej flaggad" for a in actions) for f in (today, other, red)]
    assert re.split(r"\s{2,}", decisions[-1].strip()) == ["flaggade", *(f"{n} av {len(actions)}" for n in found)]
    assert found[0] >= 1  # the meeting acted on Stortorget, which the rule had flagged


def test_the_replay_flags_what_the_picture_flagged_each_week(demo: Demo) -> None:
    """Today's column is what the meeting saw: each week's picture, built as the bot builds it, flagged the
    same number of cells as rising."""
    from bot.bootstrap import build
    from bot.domain.picture import Kind

    cfg = load_config(demo.out / "est-bot.toml")
    result = runner.invoke(app, ["backtest", "--config", str(demo.out / "est-bot.toml"), "--lang", "en"])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split()[1] for line in section(result.output, "Flagged as rising per week:")[1:]}
    built = build(cfg, run_migrations=False, sync=False)
    seen = 0
    try:
        with built.services.unit() as uow:
            for rnd in uow.rounds.recent_rounds("demo", 10):
                pic = built.services.picture(uow, cfg.groups[0], rnd, "en")
                rising = [s for s in pic.picture.standouts if s.kind is Kind.RISING]
                assert rows.get(str(rnd.key), "0") == str(len(rising)), rnd.key  # a round without reports: none
                seen += len(rising)
    finally:
        built.close()
    assert seen >= 2  # the escalation at Stortorget stood out as rising


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["--set", "ewma_limt=2"],
            "est-bot: --set: ewma_limt = 2: unknown setting; did you mean ewma_limit? allowed here: baseline_weeks, "
            "guard_weeks, ewma_weight, ewma_limit, min_sd, min_level, rising_weeks, highest_weeks, show, "
            "single_reports, reporter_limit, reporter_rise, reporter_min, reporter_min_weeks",
        ),
        (
            ["--set", "ewma_limit=20"],
            "est-bot: --set: ewma_limit = 20: allowed: a number more than 0 and at most 10, how many standard errors "
            "above expected flag (e.g. 2.5)",
        ),
        (
            ["--set", "min_level=hög"],
            "est-bot: --set: min_level = 'hög': allowed: a mean level 0-3 (e.g. 1.5); cells below it never stand "
            "out as rising",
        ),
        (
            ["--set", "ewma_limit"],
            "est-bot: --set 'ewma_limit': write key=value, e.g. ewma_limit=2.0 (several in one alternative: "
            "ewma_limit=2.0,min_level=1.2)",
        ),
        (["--group", "hamnen"], "est-bot: --group 'hamnen': unknown group; allowed: demo"),
        (["--weeks", "0"], "est-bot: --weeks 0: choose a number of weeks from 1 to 260"),
    ],
)
def test_wrong_input_is_one_clear_line_and_exit_code_2(demo: Demo, args: list[str], line: str) -> None:
    result = runner.invoke(app, ["backtest", "--config", str(demo.out / "est-bot.toml"), *args])
    assert result.exit_code == 2
    assert result.output.splitlines() == [line]


def test_a_bad_value_gets_the_words_the_configuration_file_gets(demo: Demo, tmp_path: Path) -> None:
    settings = (demo.out / "est-bot.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(settings.replace("[[groups.areas]]", "[groups.detection]\newma_limit = 20\n\n[[groups.areas]]", 1))
    from_file = runner.invoke(app, ["backtest", "--config", str(bad)])
    from_set = runner.invoke(app, ["backtest", "--config", str(demo.out / "est-bot.toml"), "--set", "ewma_limit=20"])
    assert from_file.exit_code == from_set.exit_code == 2
    assert from_file.output.split("ewma_limit = 20: ")[1] == from_set.output.split("ewma_limit = 20: ")[1]


def test_the_chat_command_answers_a_coordinator_and_refuses_a_reporter(demo: Demo) -> None:
    settings = str(demo.out / "est-bot.toml")
    at = ["--at", "2026-11-22T12:00"]  # the Sunday after the demo's last week: nothing new is opened
    chat = runner.invoke(
        app,
        ["chat", "--as", "samordnare", "--config", settings, *at],
        input="bakåttest ewma_limit=2,0,min_level=1\nbakåttest ewma_limt=2\n",
    )
    assert chat.exit_code == 0, chat.output
    full = runner.invoke(app, ["backtest", "--config", settings, "--set", "ewma_limit=2,0,min_level=1"])
    rows = {line.split()[0]: line.split()[1:] for line in section(full.output, "Flaggade som stigande per vecka:")}
    found = re.split(r"\s{2,}", section(full.output, "Beslutade åtgärder")[-1].strip())
    answer = chat.output.split("> bakåttest ewma_limit=2,0,min_level=1\n\nbot:\n")[1].split("\n>")[0]
    lines = answer.splitlines()
    last = latest_round(demo.out / "demo.sqlite")
    assert lines[0] == (
        f"Bakåttest för Tryggare Exempelstad: {last.minus(51)}–{last}, 5 veckor med rapporter. "
        "Flaggade som stigande (📈) per vecka:"
    )
    assert lines[1].startswith("A i dag: baseline_weeks=10, guard_weeks=2")
    leads = [re.split(r"\s{2,}", line.strip())[-3] for line in section(full.output, "Beslutade åtgärder")[1:-1]]
    early = [0 if x == "samma vecka" else int(x.split()[0]) for x in leads if x != "ej flaggad"]
    median = statistics.median(early)
    spark, summary = lines[2].split()[0], lines[2].split("  ")[-1]
    assert len(spark) == 5  # one character a week
    assert summary == (
        f"median {rows['median'][0]}, högst {rows['högst'][0]}, totalt {rows['totalt'][0]}; "
        f"beslut flaggade: {found[1]}, median {format_number(median, 'sv') if median % 1 else int(median)} v före"
    )
    assert lines[3] == "B ewma_limit=2,0, min_level=1"
    assert f"totalt {rows['totalt'][1]}; beslut flaggade: {found[2]}" in lines[4]
    assert lines[-1] == "Vecka för vecka, och varje åtgärd: est-bot backtest --group demo"
    assert len(answer) < 4000  # one chat message
    assert "Bakåttestet kan inte köras: backtest: ewma_limt = 2: unknown setting; did you mean ewma_limit?" in (
        chat.output
    )

    reporter = runner.invoke(app, ["chat", "--as", "r02", "--config", settings, *at], input="bakåttest\n")
    assert reporter.exit_code == 0
    assert reporter.output.splitlines()[-1] == 'Kommandot "bakåttest" är bara för samordnare.'


def test_a_group_with_no_stored_weeks_has_nothing_to_replay(tmp_path: Path) -> None:
    settings = tmp_path / "est-bot.toml"
    settings.write_text(
        f'reports_dir = "{tmp_path / "reports"}"\n[database]\nurl = "sqlite:///{tmp_path / "est.sqlite"}"\n'
        '[[groups]]\nid = "tbg"\nname = "Tryggare Trelleborg"\n[[groups.areas]]\ncode = "centrum"\nname = "Centrum"\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["backtest", "--config", str(settings)])
    assert result.exit_code == 1
    assert result.output.splitlines() == ["est-bot: group 'tbg' has no stored weeks with reports to replay yet"]


def test_the_chat_says_one_week_in_the_singular(tmp_path: Path) -> None:
    settings = tmp_path / "est-bot.toml"
    settings.write_text(
        f'reports_dir = "{tmp_path / "reports"}"\n[database]\nurl = "sqlite:///{tmp_path / "est.sqlite"}"\n'
        '[[groups]]\nid = "tbg"\nname = "Tryggare Trelleborg"\n[[groups.areas]]\ncode = "centrum"\nname = "Centrum"\n'
        '[[groups.reporters]]\nname = "Anna Andersson"\nareas = ["centrum"]\nconsole = "anna"\n'
        '[[groups.reporters]]\nname = "Sara Samordnare"\nrole = "coordinator"\nconsole = "sara"\n',
        encoding="utf-8",
    )
    config = ["--config", str(settings)]
    runner.invoke(app, ["chat", "--as", "sara", *config, "--at", "2026-11-16T10:00"], input="öppna\n")
    runner.invoke(app, ["chat", "--as", "anna", *config, "--at", "2026-11-16T10:05"], input="2\nSkicka\n")
    chat = runner.invoke(app, ["chat", "--as", "sara", *config, "--at", "2026-11-16T10:10"], input="bakåttest\n")
    assert chat.exit_code == 0, chat.output
    answer = chat.output.split("> bakåttest\n\nbot:\n")[1]
    assert answer.splitlines()[0] == (
        "Bakåttest för Tryggare Trelleborg: 2025-W48–2026-W47, 1 vecka med rapporter. Flaggade som stigande (📈) "
        "per vecka:"
    )
