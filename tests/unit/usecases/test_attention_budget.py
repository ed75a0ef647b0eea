"""The attention budget as people see it, over in-memory storage: Thursday's draft in the meeting's chat shows the
strongest `[groups.detection] show` standouts (8 by default) and "… och K till"; the report and the web view list
all of them in the same order; one reporter's 3 on a quiet cell is an "enstaka allvarlig rapport" after the real
changes, unless the group turns that kind off. The draft as the console, Telegram and Slack show it."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

from slack_sdk.models.blocks import SectionBlock

from bot.config import Config, parse_config
from bot.conversation.messages import Outbound
from bot.domain.model import OutboxItem, Person
from bot.reports.render import render_report_markdown
from bot.usecases.meeting import picture
from bot.usecases.views.weeks import week_page, weeks_page
from handlers.console.edge import ConsoleSender
from handlers.slack.blocks import message_blocks
from handlers.telegram.edge import render
from standins.config import TUE_OPEN, group_dict
from tests.unit.fakes.bot import FakeBot, fake_config

THU_DRAFT = TUE_OPEN + timedelta(days=2, minutes=5)

# Anna and Bo answer 3 for ten of Centrum's factors and name Stortorget: ten red cells and a hotspot, 11 standouts
ELEVEN = {"anna": {i: 3 for i in range(1, 11)}, "bo": {i: 3 for i in range(1, 11)}}
# the strongest first: Stortorget (level 3 + 2 × 1 + 0,5 × 2 + 0,25 + 0,25 × 4 factors = 7,25), then the red
# cells (3 + 0,5 × 2 + 0,25 + 0,25 = 4,5 each; no history, so no change) in the questionnaire's order
SHOWN = [
    "Sticker ut:",
    "📍 Centrum · Stortorget: nämnd av 2 rapportörer",
    "🔴 Centrum · Skadegörelse: röd nivå (3) från 2 rapportörer",
    "🔴 Centrum · Klotter: röd nivå (3) från 2 rapportörer",
    "🔴 Centrum · Nedskräpning: röd nivå (3) från 2 rapportörer",
    "🔴 Centrum · Anlagda bränder: röd nivå (3) från 2 rapportörer",
    "🔴 Centrum · Narkotika, öppen droghantering: röd nivå (3) från 2 rapportörer",
    "🔴 Centrum · Störande grupperingar: röd nivå (3) från 2 rapportörer",
    "🔴 Centrum · Berusning på allmän plats: röd nivå (3) från 2 rapportörer",
    "… och 3 till",
]
THE_REST = [
    "🔴 Centrum · Otillåten eller farlig trafik: röd nivå (3) från 2 rapportörer",
    "🔴 Centrum · Stöld och inbrott: röd nivå (3) från 2 rapportörer",
    "🔴 Centrum · Hot och störningar mot personal: röd nivå (3) från 2 rapportörer",
]


def report(bot: FakeBot, answers: dict[str, dict[int, int]]) -> None:
    for who, levels in answers.items():
        bot.cmd(who, "rapport")
        bot.press(who, ":g:start")
        if bot.answer_levels(who, levels) == "more":
            bot.press(who, ":m:skip")
        bot.press(who, ":s:send")


def drafted(bot: FakeBot, answers: dict[str, dict[int, int]]) -> Outbound:
    """The week opens, the reporters answer, Thursday's draft is posted: the draft picture as sent."""
    bot.tick()
    report(bot, answers)
    bot.clock.set(THU_DRAFT)
    bot.tick()
    (draft,) = [o for o in bot.flush("möte") if o.kind == "picture"]
    return draft


def person(bot: FakeBot, name: str) -> Person:
    with bot.unit() as uow:
        found = uow.people.person_by_name("tbg", name)
    assert found is not None
    return found


def what_stands_out(text: str) -> list[str]:
    lines = text.splitlines()
    return lines[lines.index("Sticker ut:") :]


def test_the_draft_shows_the_strongest_eight_and_och_3_till(fake_bot: FakeBot) -> None:
    draft = drafted(fake_bot, ELEVEN)
    assert what_stands_out(draft.text) == SHOWN


def test_the_console_telegram_and_slack_show_the_same_eight_and_och_3_till(fake_bot: FakeBot) -> None:
    draft = drafted(fake_bot, ELEVEN)
    stream = io.StringIO()
    item = OutboxItem(1, "draft", "console", "möte", None, {}, 0, "pending")
    ConsoleSender(stream).send(item, draft, None)
    console = stream.getvalue().splitlines()
    assert console[:3] == ["", "bot:", "Utkast till lägesbild 2026-W47 – Tryggare Trelleborg"]
    assert console[console.index("Sticker ut:") :][: len(SHOWN)] == SHOWN
    assert console[-1] == "  1. 🔒 Fastställ lägesbilden"  # the button, after the charts' files

    telegram, _ = render(draft)  # HTML, escaped: the emoji and the ellipsis are plain text
    assert what_stands_out(telegram) == SHOWN

    blocks = message_blocks(draft, "sv")
    slack = "\n".join(str(b.text.text) for b in blocks if isinstance(b, SectionBlock) and b.text is not None)
    assert what_stands_out(slack) == SHOWN


def test_the_report_and_the_web_view_list_all_eleven_in_the_same_order(fake_bot: FakeBot) -> None:
    drafted(fake_bot, ELEVEN)
    env = fake_bot.services.env
    group = env.config.group("tbg")
    with env.unit() as uow:
        (rnd,) = uow.rounds.recent_rounds("tbg", 1)
        pic = picture(env, uow, group, rnd)
    markdown = render_report_markdown(pic, []).splitlines()
    section = markdown[
        markdown.index("## Det här sticker ut") : markdown.index("## Beslutade prioriteringar och vem som gör vad")
    ]
    assert section == [
        "## Det här sticker ut",
        "",
        "- 📍 **Centrum · Stortorget**: nämnd av 2 rapportörer",
        "- 🔴 **Centrum · Skadegörelse**: röd nivå (3) från 2 rapportörer",
        "- 🔴 **Centrum · Klotter**: röd nivå (3) från 2 rapportörer",
        "- 🔴 **Centrum · Nedskräpning**: röd nivå (3) från 2 rapportörer",
        "- 🔴 **Centrum · Anlagda bränder**: röd nivå (3) från 2 rapportörer",
        "- 🔴 **Centrum · Narkotika, öppen droghantering**: röd nivå (3) från 2 rapportörer",
        "- 🔴 **Centrum · Störande grupperingar**: röd nivå (3) från 2 rapportörer",
        "- 🔴 **Centrum · Berusning på allmän plats**: röd nivå (3) från 2 rapportörer",
        "- 🔴 **Centrum · Otillåten eller farlig trafik**: röd nivå (3) från 2 rapportörer",
        "- 🔴 **Centrum · Stöld och inbrott**: röd nivå (3) från 2 rapportörer",
        "- 🔴 **Centrum · Hot och störningar mot personal**: röd nivå (3) från 2 rapportörer",
        "",
    ]

    page = week_page(env, person(fake_bot, "Kim Polis"), "2026-W47")
    assert page is not None
    assert [(s.kind, f"{s.where}: {s.reason}") for s in page.standouts] == [
        ("hotspot", "Centrum · Stortorget: nämnd av 2 rapportörer"),
        *[("red", line.split(" ", 1)[1]) for line in [*SHOWN[2:-1], *THE_REST]],
    ]
    (line,) = weeks_page(env, person(fake_bot, "Kim Polis")).lines
    assert (line.standouts, line.more) == (11, 9)  # the list of weeks words the strongest two, the same first two
    assert line.standout_text == (
        "Centrum · Stortorget: nämnd av 2 rapportörer",
        "Centrum · Skadegörelse: röd nivå (3) från 2 rapportörer",
    )


def test_show_is_a_setting_of_the_group(tmp_path: Path) -> None:
    bot = FakeBot.build(fake_config(tmp_path / "reports", detection={"show": 3}))
    draft = drafted(bot, ELEVEN)
    assert what_stands_out(draft.text) == [*SHOWN[:4], "… och 8 till"]


def _with_dan(**over: Any) -> dict[str, Any]:
    """The test group with a third reporter in Norr, so that one 3 there leaves the mean below orange."""
    g = group_dict(**over)
    dan = {"name": "Dan Dahl", "organisation": "Skolan", "areas": ["norr"], "console": "dan"}
    return {**g, "reporters": [*g["reporters"], dan]}


def _config(tmp_path: Path, **over: Any) -> Config:
    data = {"reports_dir": str(tmp_path / "reports"), "database": {"url": "sqlite://"}, "groups": [_with_dan(**over)]}
    return parse_config(data, "test")


# Cecilia answers 3 for graffiti in Norr and Bo and Dan 0: mean 1,0; Anna and Bo answer 2 for drugs in Centrum
# and name Stortorget (mean 2,0: orange, a hotspot, no red)
SINGLE = {"anna": {5: 2}, "bo": {5: 2}, "cecilia": {2: 3}, "dan": {}}


def test_a_single_3_on_a_quiet_cell_is_a_single_serious_report_after_the_changes(tmp_path: Path) -> None:
    bot = FakeBot.build(_config(tmp_path))
    draft = drafted(bot, SINGLE)
    assert what_stands_out(draft.text) == [
        "Sticker ut:",
        "📍 Centrum · Stortorget · Narkotika, öppen droghantering: nämnd av 2 rapportörer",
        "❕ Norr · Klotter: enstaka allvarlig rapport",
    ]
    # not a red cell: the heatmap colours it orange (someone said 3), as before, but nothing says "röd nivå"
    assert "röd nivå" not in draft.text


def test_the_setting_turns_single_serious_reports_off(tmp_path: Path) -> None:
    bot = FakeBot.build(_config(tmp_path, detection={"single_reports": False}))
    draft = drafted(bot, SINGLE)
    assert what_stands_out(draft.text) == [
        "Sticker ut:",
        "📍 Centrum · Stortorget · Narkotika, öppen droghantering: nämnd av 2 rapportörer",
    ]
