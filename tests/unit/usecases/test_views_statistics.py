"""The statistics page's read side over the fake storage: the month's figures and the figures of its charts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.domain.statistics import Month
from bot.usecases.statistics import import_file
from bot.usecases.views.statistics import statistics_page
from tests.unit.fakes.bot import FakeBot, fake_config
from tests.unit.usecases.played import person

DATA = Path(__file__).parents[2] / "data"


def imported(tmp_path: Path) -> FakeBot:
    bot = FakeBot.build(fake_config(tmp_path / "reports", municipality="Trelleborg"))
    for kind, name in (
        ("police", "polisen_anmalda_brott.csv"),
        ("vandalism", "skadegorelse_kommunen.csv"),
        ("events", "polisen_handelser.json"),
    ):
        import_file(bot.services.env, "tbg", kind, DATA / name)
    return bot


def test_last_month_by_default_with_the_charts_figures(tmp_path: Path) -> None:
    bot = imported(tmp_path)  # the clock is in November 2026
    page = statistics_page(bot.services.env, person(bot, "Kim Polis"))
    assert page.month == Month(2026, 10) and page.month_label == "oktober 2026" and page.has_data
    assert [s.code for s in page.sources] == ["police", "vandalism", "events"]
    assert page.sources[0].colour == "#1f5fa8"
    first = page.lines[0]
    assert first.text == "Polisens anmälda brott: 6 (september: 0, ↑ +6; oktober 2025: 0, ↑ +6)" and not first.detail
    assert page.lines[1].text == "Mest: Skadegörelse 4 · Misshandel 1 · Stöld 1" and page.lines[1].detail
    assert len(page.by_month) == 13 and page.window == "oktober 2025–oktober 2026"
    assert [(m.short, m.counts) for m in page.by_month[-2:]] == [("sep", (0, 2, 0)), ("okt", (6, 6, 1))]
    assert [(d.label, d.counts) for d in page.by_weekday[4:]] == [
        ("fre", (3, 0, 1)),
        ("lör", (3, 7, 0)),
        ("sön", (0, 1, 0)),
    ]
    assert [(p.name, p.counts, p.total) for p in page.by_place[:2]] == [
        ("Stortorget", (3, 4, 1), 8),
        ("Norrskolan", (1, 2, 0), 3),
    ]
    assert [m.value for m in page.months if m.selected] == ["2026-10"] and page.months[0].value == "2026-11"
    assert page.year.title == "Uppföljning 2026 – Tryggare Trelleborg"
    assert page.year.lines[-1] == "Inga åtgärder att följa upp."


def test_a_chosen_month_in_english_and_what_is_not_a_month(tmp_path: Path) -> None:
    bot = imported(tmp_path)
    kim = replace(person(bot, "Kim Polis"), language="en")
    page = statistics_page(bot.services.env, kim, "2026-11")
    assert page.month_label == "November 2026"
    assert page.lines[0].text == "Crimes reported to the police: 1 (October: 6, ↓ −5; November 2025: 0, ↑ +1)"
    for wrong in ("2027-01", "<script>", "2026-13"):
        assert statistics_page(bot.services.env, kim, wrong).month == Month(2026, 10)


def test_a_month_without_figures(tmp_path: Path) -> None:
    bot = imported(tmp_path)
    page = statistics_page(bot.services.env, person(bot, "Kim Polis"), "2024-01")
    assert not page.has_data and len(page.lines) == 1 and "Inga siffror" in page.lines[0].text
    assert page.by_place == () and all(not any(m.counts) for m in page.by_month)
    assert [m.value for m in page.months if m.selected] == ["2024-01"]  # offered although older than the list
