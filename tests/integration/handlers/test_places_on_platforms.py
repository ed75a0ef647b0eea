"""Place review on each platform's command path: Telegram's `/review` after a location shared in a private chat,
and Slack's `/est review`, with the real SDKs against the stand-in servers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.models import Base
from tests.support.slack_harness import MEETING, Workspace, run_workspace
from tests.support.slack_harness import SARA as SLACK_SARA
from tests.support.telegram_harness import ANNA, SARA, Edge, run_edge

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*")


def dump(edge_app: object) -> str:
    engine = edge_app.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        return "\n".join(str(tuple(r)) for table in Base.metadata.sorted_tables for r in conn.execute(select(table)))


def test_telegram_a_shared_location_waits_for_review_and_is_approved_by_command(tmp_path: Path) -> None:
    async def body(e: Edge) -> None:
        await e.tick()
        await e.press(ANNA, ANNA, "Börja")
        await e.press(ANNA, ANNA, ":l:0:0")
        await e.press(ANNA, ANNA, ":l:1:2")
        await e.feed(e.fake.location_update(ANNA, ANNA, 55.375123, 13.157345))
        await e.feed(e.fake.message_update(ANNA, ANNA, "Krossad ruta"))
        for _ in range(10):
            await e.press(ANNA, ANNA, ":0")
        await e.press(ANNA, ANNA, "Nej tack")
        await e.press(ANNA, ANNA, "Skicka")
        stored = dump(e.app)
        assert "55.3751" not in stored and "13.1573" not in stored  # never the raw fix
        await e.feed(e.fake.command_update(SARA, SARA, "review"))
        listing = e.last(SARA)["text"]
        line = next(x for x in listing.splitlines() if re.match(r"P\d+ ", x))
        assert line.endswith("Centrum: Delad position 55.375, 13.157 (delad position, svar: 1)")
        pid = line.split()[0]
        await e.feed(e.fake.command_update(SARA, SARA, "review", f"godkänn {pid} Kiosken vid torget"))
        assert e.last(SARA)["text"].startswith(f"Plats {pid} är godkänd: Kiosken vid torget.")
        await e.feed(e.fake.command_update(SARA, SARA, "review", "reject P999"))
        assert e.last(SARA)["text"] == "Det finns ingen plats P999 att granska."
        await e.feed(e.fake.command_update(ANNA, ANNA, "review"))
        assert "bara för samordnare" in e.last(ANNA)["text"]

    run_edge(tmp_path, body)


def test_slack_review_lists_and_rejects_a_waiting_place(tmp_path: Path) -> None:
    async def body(w: Workspace) -> None:
        await w.tick()
        with w.app.services.unit() as uow:  # a place a reporter typed (the questionnaire is tested elsewhere)
            area = uow.groups.area_by_code("tbg", "centrum")
            place = uow.groups.get_or_create_place(area.id, "Bakom Kalles garage", w.clock.now())
            uow.commit()
        await w.command(SLACK_SARA, "review", channel=MEETING)
        listing = w.ephemeral_texts(SLACK_SARA)[-1]
        assert f"P{place.id} Centrum: Bakom Kalles garage (svar: 0)" in listing
        assert "granska godkänn P-ID [nytt namn]" in listing
        await w.command(SLACK_SARA, f"granska avvisa P{place.id}", channel=MEETING)
        assert w.ephemeral_texts(SLACK_SARA)[-1].startswith(f"Plats P{place.id} är avvisad: Bakom Kalles garage.")
        await w.command(SLACK_SARA, "review", channel=MEETING)
        assert "Bakom Kalles garage" not in w.ephemeral_texts(SLACK_SARA)[-1]

    run_workspace(tmp_path, body)


def test_slack_mydata_and_forget_cover_the_private_answers_in_a_channel(tmp_path: Path) -> None:
    """Slack answers a command typed in a channel with an ephemeral message (address `eph:<channel>:<user>`):
    those are the person's messages too, in `mydata` and for `forget`."""
    from tests.support.slack_harness import ANNA as SLACK_ANNA

    async def body(w: Workspace) -> None:
        await w.tick()
        await w.command(SLACK_ANNA, "hjälp", channel=MEETING)
        await w.command(SLACK_ANNA, "minadata", channel=MEETING)
        (path,) = (Path(w.app.config.reports_dir) / "private").glob("mydata-*.json")
        messages = json.loads(path.read_text(encoding="utf-8"))["messages"]
        assert any(m["text"] == w.ephemeral_texts(SLACK_ANNA)[0] for m in messages)  # the help, in the channel
        assert any(m["text"].startswith("Hej Anna!") for m in messages)  # and the questionnaire, in her DM
        await w.command(SLACK_SARA, "glöm Anna Andersson", channel=MEETING)
        assert any("är raderad" in x for x in w.ephemeral_texts(SLACK_SARA))
        assert not path.exists()
        stored = dump(w.app)
        assert SLACK_ANNA not in stored and "Anna Andersson" not in stored

    run_workspace(tmp_path, body)
