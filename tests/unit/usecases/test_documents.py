"""Statistics import and the export over in-memory storage: a small vandalism CSV through the use case, and
`exportera` to a file under the test's reports directory."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from bot.conversation.messages import Outbound
from bot.usecases.statistics import import_file
from tests.unit.fakes.bot import FakeBot, fake_config

VANDALISM = (
    "Ärendenummer;Registrerad;Tid;Plats;Område;Typ av skada;Kostnad (kr);Beskrivning\n"
    "SK-2026-0412;2026-09-05;07:40;Norrskolan;Norr;Glaskross;8400;Anmält av fastighetsskötare\n"
    "SK-2026-0431;2026-09-19;08:05;Stortorget;Centrum;Klotter;2500;Anmält av fastighetsskötare\n"
    "SK-2026-0458;2026-10-03;07:55;Stortorget;Centrum;Klotter;3100;Anmält av fastighetsskötare\n"
)


def texts(out: list[Outbound]) -> str:
    return "\n".join(o.text for o in out)


def test_a_small_vandalism_csv_is_imported_once_and_shown_by_statistik(tmp_path: Path) -> None:
    bot = FakeBot.build(fake_config(tmp_path / "reports", municipality="Trelleborg"))
    path = tmp_path / "skadegorelse.csv"
    path.write_text(VANDALISM, encoding="utf-8")
    first = import_file(bot.services.env, "tbg", "vandalism", path)
    assert (first.rows, first.new, first.unchanged) == (3, 3, 0)
    again = import_file(bot.services.env, "tbg", "vandalism", path)
    assert (again.rows, again.new, again.unchanged) == (3, 0, 3)  # the same file twice adds nothing
    out = texts(bot.cmd("sara", "statistik 2026-09"))
    assert out.startswith("📊 Månadsuppföljning Tryggare Trelleborg – september 2026")
    assert "Kommunens skadegörelseanmälningar: 2 (augusti: 0, ↑ +2; september 2025: 0, ↑ +2)" in out
    assert "  Platser: Norrskolan 1 · Stortorget 1" in out
    assert "Kommunens skadegörelseanmälningar: 1 (september: 2, ↓ −1;" in texts(bot.cmd("sara", "statistik 2026-10"))


def test_exportera_writes_a_csv_of_the_answers_without_names(fake_bot: FakeBot, tmp_path: Path) -> None:
    fake_bot.tick()
    fake_bot.cmd("anna", "rapport")
    fake_bot.press("anna", ":g:nothing")
    fake_bot.press("anna", ":s:send")
    (reply,) = fake_bot.cmd("sara", "exportera 2026-W47 csv svar")
    assert reply.kind == "export"
    assert reply.text.startswith("Export 2026-W47–2026-W47: 12 svar, ")
    assert "Utan namn: svaren visar organisation, inte person." in reply.text
    (file,) = reply.attachments
    assert file.filename == "est-tbg-2026-W47--2026-W47-answers.csv" and file.mime == "text/csv"
    assert Path(file.path).is_relative_to(tmp_path)
    rows = list(csv.DictReader(io.StringIO(Path(file.path).read_text(encoding="utf-8-sig"), newline="")))
    assert len(rows) == 12 and {r["vecka"] for r in rows} == {"2026-W47"}
    assert {r["organisation"] for r in rows} == {"Trygghetsvärdar"}
    assert "Anna" not in Path(file.path).read_text(encoding="utf-8-sig")


def test_export_refusals_in_english_and_for_reporters(fake_bot: FakeBot) -> None:
    fake_bot.cmd("sara", "language en")
    (reply,) = fake_bot.cmd("sara", "export 2026-W47 2026-W40")
    assert reply.text == "Week 2026-W47 comes after 2026-W40. Write the earliest week first."
    assert reply.attachments == ()
    (reply,) = fake_bot.cmd("anna", "exportera")
    assert reply.text == 'Kommandot "exportera" är bara för samordnare.' and reply.attachments == ()
