"""`est-bot schedule` shows what is still to come, with the phases already past marked done or left out, and the
README's scripted `chat` example works as written on any day (issue 14 §4)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from bot.domain.cycle import SCHEDULED_PHASES
from bot.text import t
from tests.integration.cli.test_cli import write_config
from tests.support.config_files import EXAMPLE
from tests.support.paths import ROOT

runner = CliRunner()


def schedule(cfg: Path, at: str, *more: str) -> list[str]:
    result = runner.invoke(app, ["schedule", "--config", str(cfg), "--at", at, *more])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_a_fresh_install_late_in_the_week_shows_the_week_left_out_and_what_is_to_come(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    lines = schedule(cfg, "2026-11-21T12:00", "--weeks", "2")  # Saturday of week 47, nothing stored
    assert lines[0] == "Tryggare Trelleborg (tbg, Europe/Stockholm)"
    assert lines[1:6] == [
        "  2026-W47  tisdag   2026-11-17 08:00 CET  öppen – utelämnad: veckan började utan omgång",
        "  2026-W47  onsdag   2026-11-18 13:00 CET  öppen (påmind) – utelämnad: veckan började utan omgång",
        "  2026-W47  torsdag  2026-11-19 08:00 CET  stängd – utelämnad: veckan började utan omgång",
        "  2026-W47  torsdag  2026-11-19 08:05 CET  utkast till lägesbild – utelämnad: veckan började utan omgång",
        "  2026-W47  fredag   2026-11-20 07:30 CET  publicerad – utelämnad: veckan började utan omgång",
    ]
    assert lines[6:] == [
        "  2026-W48  tisdag   2026-11-24 08:00 CET  öppen",
        "  2026-W48  onsdag   2026-11-25 13:00 CET  öppen (påmind)",
        "  2026-W48  torsdag  2026-11-26 08:00 CET  stängd",
        "  2026-W48  torsdag  2026-11-26 08:05 CET  utkast till lägesbild",
        "  2026-W48  fredag   2026-11-27 07:30 CET  publicerad",
    ]
    # The bot started then sends nothing for week 47; what schedule said is what happens.
    result = runner.invoke(
        app, ["chat", "--as", "sara", "--config", str(cfg), "--at", "2026-11-21T12:00"], input="status\n"
    )
    assert "Det finns ingen omgång för den här veckan än.\nNästa steg: öppen tisdag 24/11 08:00." in result.output


def test_phases_done_overdue_and_coming_in_a_week_that_began(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    before = schedule(cfg, "2026-11-16T12:00", "--weeks", "1")  # Monday: all of week 47 is to come
    phases = ["öppen", "öppen (påmind)", "stängd", "utkast till lägesbild", "publicerad"]
    assert [ln.split("CET  ")[1] for ln in before[1:]] == phases
    runner.invoke(app, ["chat", "--as", "sara", "--config", str(cfg), "--at", "2026-11-17T09:00"], input="status\n")
    wednesday = schedule(cfg, "2026-11-18T10:00", "--weeks", "1")
    assert wednesday[1].endswith("öppen – klar")
    assert wednesday[2].endswith("öppen (påmind)") and wednesday[5].endswith("publicerad")
    # Nobody ran the bot since Tuesday: on Thursday the reminder and the close are overdue, not done.
    thursday = schedule(cfg, "2026-11-19T08:02", "--weeks", "1")
    assert thursday[1].endswith(" – klar")
    assert thursday[2].endswith(" – försenad, görs när boten går igen")
    assert thursday[3].endswith(" – försenad, görs när boten går igen")
    assert thursday[4].endswith("utkast till lägesbild") and thursday[5].endswith("publicerad")
    english = english_config(cfg)
    assert schedule(english, "2026-11-19T08:02", "--weeks", "1")[1].endswith("open – done")


def english_config(cfg: Path) -> Path:
    path = cfg.with_name("est-en.toml")
    path.write_text(
        cfg.read_text().replace('name = "Tryggare Trelleborg"', 'name = "Tryggare Trelleborg"\nlanguage = "en"')
    )
    return path


def readme_chat_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (line,) = [ln for ln in readme.splitlines() if ln.startswith("printf ") and "est-bot chat" in ln]
    return line


def test_the_readme_chat_example_works_as_written_on_any_day(tmp_path: Path) -> None:
    """The README's scripted example, run as written (with the README's own config) from a fresh folder: the
    reporter's answer is sent. `--at` makes it independent of today's date."""
    line = readme_chat_example()
    assert "--at " in line
    shutil.copy(ROOT / "config.example.toml", tmp_path / "est-bot.toml")
    shutil.copytree(ROOT / "areas", tmp_path / "areas")  # the example's area outlines, beside it
    exe = Path(sys.executable).parent / "est-bot"
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "est-bot").symlink_to(exe)
    done = subprocess.run(["sh", "-c", line], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert re.search(r"Tack! Din rapport för 2026-W\d\d är skickad", done.stdout), done.stdout[-2000:]
    assert done.stdout.startswith(
        "Du är Amira Hassan, rapportör i Tryggare Trollhättan. Skriv ett nummer, en text eller hjälp;"
    )


def test_week_plan_marks_each_phase_from_the_stored_rounds() -> None:
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from bot.domain.cycle import DEFAULT_SCHEDULE, Phase, RoundKey, week_plan

    tz = ZoneInfo("Europe/Stockholm")
    w47, w48 = RoundKey(2026, 47), RoundKey(2026, 48)
    friday_noon = datetime(2026, 11, 20, 12, 0, tzinfo=tz)

    def statuses(reached: dict[RoundKey, Phase], now: datetime) -> list[str]:
        plan = week_plan(DEFAULT_SCHEDULE, tz, date(2026, 11, 16), 2, now, reached)
        return [f"{p.key.week} {p.phase} {p.status}" for p in plan]

    assert statuses({}, friday_noon)[:5] == [
        f"47 {p} skipped" for p in ("open", "reminded", "closed", "drafted", "published")
    ]
    assert statuses({}, friday_noon)[5:] == [
        f"48 {p} coming" for p in ("open", "reminded", "closed", "drafted", "published")
    ]
    assert statuses({w47: Phase.FINALISED}, friday_noon)[:5] == [
        "47 open done", "47 reminded done", "47 closed done", "47 drafted done", "47 published overdue",
    ]  # fmt: skip
    thursday = datetime(2026, 11, 19, 7, 0, tzinfo=tz)  # a week without a round may still begin
    assert statuses({}, thursday)[:3] == ["47 open overdue", "47 reminded overdue", "47 closed coming"]
    assert statuses({w47: Phase.PUBLISHED, w48: Phase.OPEN}, datetime(2026, 11, 24, 9, 0, tzinfo=tz))[5:7] == [
        "48 open done",
        "48 reminded coming",
    ]


def test_cli_schedule_prints_local_times_across_dst(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        # as seen on the Monday before, so every phase is still to come (past ones would be marked done or left out)
        [
            "schedule",
            "--config",
            str(EXAMPLE),
            "--from",
            "2026-10-19",
            "--weeks",
            "2",
            "--at",
            "2026-10-19T00:00",
        ],
        env={"EST_DATABASE_URL": f"sqlite:///{tmp_path / 'est.sqlite'}"},
    )

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Tryggare Trollhättan (trollhattan, Europe/Stockholm)"
    rows = lines[1:]
    assert len(rows) == 2 * len(SCHEDULED_PHASES)

    sv_open, tuesday = t("sv", "phase.open"), t("sv", "day.2")
    opens = [r for r in rows if r.rstrip().endswith(f" {sv_open}")]
    # Tuesday 08:00 local in both weeks: summer time before 25 October 2026, normal time after.
    assert [r.split() for r in opens] == [
        ["2026-W43", tuesday, "2026-10-20", "08:00", "CEST", sv_open],
        ["2026-W44", tuesday, "2026-10-27", "08:00", "CET", sv_open],
    ]
    for phase in SCHEDULED_PHASES:
        assert sum(r.rstrip().endswith(f" {t('sv', f'phase.{phase}')}") for r in rows) == 2, phase
    assert any("2026-10-23 07:30 CEST" in r and t("sv", "day.5") in r for r in rows)
    assert any("2026-10-30 07:30 CET" in r and t("sv", "day.5") in r for r in rows)
    assert any("2026-10-29 08:05 CET" in r for r in rows)


def test_a_day_that_is_not_in_the_calendar_is_said_to_be_so(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    wrong_day = runner.invoke(app, ["schedule", "--config", str(cfg), "--from", "2026-02-30"])
    assert wrong_day.exit_code == 2
    assert wrong_day.output.splitlines() == [
        "est-bot: --from '2026-02-30': there is no such day or time in the calendar; write the date as YYYY-MM-DD"
    ]
    wrong_hour = runner.invoke(app, ["chat", "--as", "sara", "--config", str(cfg), "--at", "2026-11-17T25:00"])
    assert wrong_hour.exit_code == 2
    assert wrong_hour.output.splitlines() == [
        "est-bot: --at '2026-11-17T25:00': there is no such day or time in the calendar; write the time as "
        "YYYY-MM-DDTHH:MM"
    ]
    badly_written = runner.invoke(app, ["schedule", "--config", str(cfg), "--at", "tisdag"])
    assert badly_written.output.splitlines() == ["est-bot: --at 'tisdag': write the time as YYYY-MM-DDTHH:MM"]


def test_a_real_time_given_where_a_date_is_asked_for_is_not_said_to_be_no_day(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    with_time = runner.invoke(app, ["schedule", "--config", str(cfg), "--from", "2026-11-17T10:00"])
    assert with_time.exit_code == 2
    assert with_time.output.splitlines() == ["est-bot: --from '2026-11-17T10:00': write the date as YYYY-MM-DD"]
