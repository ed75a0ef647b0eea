"""A priority added by command on each platform, with `:` and `|` inside its place and in a link: nothing is split
there. Slack with the real Bolt app against the stand-in Web API (a link arrives as Slack writes it, in `<…>`),
Telegram with the real python-telegram-bot against the stand-in Bot API."""

from __future__ import annotations

from pathlib import Path

from bot.domain.cycle import RoundKey
from bot.domain.model import Candidate
from bot.services import Services
from handlers.slack.edge import command_to_inbound
from tests.support.slack_harness import SARA, Workspace, run_workspace
from tests.support.telegram_harness import SARA as TG_SARA
from tests.support.telegram_harness import Edge, run_edge

TITLE = "Mer ljus vid entrén: se https://karta.example.se/plats?id=7|8 kl 22:00"


def _candidates(services: Services) -> list[Candidate]:
    with services.unit() as uow:
        rnd = uow.rounds.get_round("tbg", RoundKey(2026, 47))
        assert rnd is not None
        return uow.meeting.candidates(rnd.id)


def test_slack_links_keep_a_bar_that_belongs_to_them() -> None:
    def words(text: str) -> str:
        body = {"text": text, "user_id": SARA, "channel_id": "D0SARA"}
        return " ".join(command_to_inbound(body).args)

    assert words("priority add centrum | <https://karta.example.se/?q=a|b>: Kameror") == (
        "add centrum | https://karta.example.se/?q=a|b: Kameror"
    )
    assert words("priority add centrum: se <http://www.karta.se|www.karta.se>") == "add centrum: se www.karta.se"
    assert words("observe centrum: <http://karta.se/a|b|karta.se/a|b> och <mailto:a@b.se|a@b.se>") == (
        "centrum: karta.se/a|b och a@b.se"
    )


def test_slack_priority_with_colons_and_bars(tmp_path: Path) -> None:
    async def body(w: Workspace) -> None:
        await w.tick()
        text = (
            "priority add centrum | Kv. Ängen 3:2 | norra delen: Mer ljus vid entrén: se "
            "<https://karta.example.se/plats?id=7|8> kl 22:00"
        )
        await w.command(SARA, text)
        said = [w.block_text(m) for m in w.messages(w.fake.dm_channel(SARA))]
        assert f'Prioriteringen "{TITLE}" är tillagd för 2026-W47.' in said, said
        (cand,) = _candidates(w.app.services)
        assert (cand.area_code, cand.place, cand.title) == ("centrum", "Kv. Ängen 3:2 | norra delen", TITLE)

    run_workspace(tmp_path, body)


def test_telegram_priority_with_colons_and_bars(tmp_path: Path) -> None:
    async def body(e: Edge) -> None:
        await e.tick()
        args = "add centrum | https://karta.example.se/?q=a|b: " + TITLE
        await e.feed(e.fake.command_update(TG_SARA, TG_SARA, "priority", args))
        assert e.last(TG_SARA)["text"] == f'Prioriteringen "{TITLE}" är tillagd för 2026-W47.'
        (cand,) = _candidates(e.app.services)
        assert (cand.place, cand.title) == ("https://karta.example.se/?q=a|b", TITLE)

    run_edge(tmp_path, body)
