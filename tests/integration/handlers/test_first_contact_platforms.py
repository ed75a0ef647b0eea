"""A first contact on the platforms, as the person sees it: Telegram's `/start` (the real python-telegram-bot against
the stand-in Bot API) and Slack's equivalents, `/est start` and the App Home tab (the real Bolt app against the
stand-in Web API). A coordinator or a meeting participant, who answer no questionnaire, is greeted and told what
they can do, never "there is no round"."""

from __future__ import annotations

from pathlib import Path

from standins import slack_requests as rq
from tests.support.slack_harness import KIM, SARA, Workspace, run_workspace
from tests.support.telegram_harness import ANNA, Edge, run_edge
from tests.support.telegram_harness import KIM as TG_KIM
from tests.support.telegram_harness import SARA as TG_SARA

NO_ROUND = ("Det finns ingen omgång", "ingen öppen rapportering", "Ingen enkät är öppen")


def test_telegram_start_greets_a_coordinator_and_a_participant(tmp_path: Path) -> None:
    async def body(e: Edge) -> None:
        await e.feed(e.fake.command_update(TG_SARA, TG_SARA, "start"))  # before any round
        said = e.fake.texts_to(TG_SARA)
        assert said[0].startswith("Hej Sara! Du är samordnare i Tryggare Trelleborg.")
        assert "Samordnarkommandon" in said[1] and "• status" in said[1]
        assert not any(p in s for s in said for p in NO_ROUND)
        await e.tick()  # Tuesday 08:00: the week opens
        await e.feed(e.fake.command_update(TG_KIM, TG_KIM, "start", mention=True))  # /start@bot
        said = e.fake.texts_to(TG_KIM)
        assert said[0].startswith("Hej Kim! Du är mötesdeltagare i Tryggare Trelleborg.")
        assert "Just nu: vecka 2026-W47, öppen." in said[0]
        assert "Det här kan du skriva till mig" in said[1]
        assert not any(p in s for s in said for p in NO_ROUND)
        await e.feed(e.fake.command_update(ANNA, ANNA, "start"))  # a reporter: her questionnaire
        assert e.last(ANNA)["text"].startswith("Hej Anna! Dags för veckans EST-rapport")

    run_edge(tmp_path, body)


def test_slack_start_and_app_home_greet_a_coordinator_and_a_participant(tmp_path: Path) -> None:
    async def body(w: Workspace) -> None:
        await w.post(rq.event_callback(rq.app_home_opened(SARA, w.fake.dm_channel(SARA))))
        home = w.fake.home_view(SARA)
        assert home is not None
        text = w.block_text(home)
        assert "Hej Sara! Du är samordnare i Tryggare Trelleborg." in text and "/est hjälp" in text
        assert "Du har inte börjat svara" not in text and not any(p in text for p in NO_ROUND)
        await w.tick()  # Tuesday 08:00
        await w.post(rq.event_callback(rq.app_home_opened(KIM, w.fake.dm_channel(KIM))))
        home = w.fake.home_view(KIM)
        assert home is not None
        text = w.block_text(home)
        assert "Hej Kim! Du är mötesdeltagare" in text and "Just nu: vecka 2026-W47, öppen." in text
        await w.command(SARA, "start")
        dm = [w.block_text(m) for m in w.messages(w.fake.dm_channel(SARA))]
        assert any(s.startswith("Hej Sara! Du är samordnare") for s in dm), dm
        assert any("Samordnarkommandon" in s for s in dm)
        assert not any(p in s for s in dm for p in NO_ROUND)

    run_workspace(tmp_path, body)
