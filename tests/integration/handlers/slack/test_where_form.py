"""Slack's where/what form as a transcript: after the form is sent, the message that asked *where* becomes the
next question in place. No prompt with a live "Hoppa över" (or "Plats och beskrivning") button is left behind.
The real Bolt app over HTTP against the stand-in Slack Web API (standins/slack_api/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from standins import slack_requests as rq
from tests.support.slack_harness import ANNA, Workspace, run_workspace


async def _to_where(w: Workspace) -> dict[str, Any]:
    """Anna starts answering and reports factor 2 as recurring: the bot asks where."""
    await w.tick()  # Tuesday 08:00: the week opens
    await w.press(ANNA, ANNA, "Börja")
    await w.press(ANNA, ANNA, ":l:0:0")
    await w.press(ANNA, ANNA, ":l:1:2")
    where = w.last(ANNA)
    assert "Var?" in w.block_text(where)
    return where


async def _send_form(w: Workspace, where: dict[str, Any], pick: str | None, new: str | None, what: str | None) -> None:
    await w.press(ANNA, ANNA, "Plats och beskrivning", message=where)  # opens the form
    view = w.fake.calls_to("views.open")[-1].params["view"]
    state: dict[str, dict[str, dict[str, Any]]] = {
        "new": {"new": rq.plain_text_value(new)},
        "what": {"what": rq.plain_text_value(what)},
    }
    if pick is not None:
        option = next(
            o
            for b in view["blocks"]
            if b["block_id"] == "pick"
            for o in b["element"]["options"]
            if o["text"]["text"] == pick
        )
        state["pick"] = {"pick": rq.selected_option_value(option["value"], pick)}
    else:
        state["pick"] = {"pick": rq.selected_option_value(None)}
    await w.post(
        rq.view_submission(
            ANNA, callback_id=view["callback_id"], private_metadata=view["private_metadata"], state_values=state
        )
    )


@pytest.mark.parametrize(
    ("pick", "new", "what", "summary"),
    [
        ("Stortorget", None, "Krossad ruta natt", "Stortorget"),  # a known place and a note
        (None, "Gamla vattentornet", "Fimpar och glas", "Gamla vattentornet"),  # a new place typed in the form
        (None, None, "Bara en notering", None),  # no place, a note
        (None, None, None, None),  # nothing filled in: both skipped
    ],
)
def test_the_where_form_updates_the_question_in_place(
    tmp_path: Path, pick: str | None, new: str | None, what: str | None, summary: str | None
) -> None:
    async def body(w: Workspace) -> None:
        where = await _to_where(w)
        dm = w.fake.dm_channel(ANNA)
        posts_before = len([c for c in w.fake.calls_to("chat.postMessage") if c.params["channel"] == dm])
        await _send_form(w, where, pick, new, what)

        # The message that asked where now holds the next question, and nothing new was posted.
        now = w.fake.message(dm, where["ts"])
        assert now is not None
        assert w.block_text(now).startswith("Fråga 3 av 12"), w.block_text(now)
        posts_after = len([c for c in w.fake.calls_to("chat.postMessage") if c.params["channel"] == dm])
        assert posts_after == posts_before
        # No message in the chat still offers the where/what controls.
        for message in w.messages(dm):
            labels = [e["text"]["text"] for e in w.controls(message) if e["type"] == "button"]
            assert "Hoppa över" not in labels and "Plats och beskrivning" not in labels, w.block_text(message)
            assert "Var?" not in w.block_text(message) and "Vad hände" not in w.block_text(message)
        live = [m for m in w.messages(dm) if w.controls(m)]
        assert [m["ts"] for m in live] == [where["ts"]]  # one question with buttons: the current one

        # The answers arrived: the summary names the place and the note.
        for _ in range(10):
            await w.press(ANNA, ANNA, ":0")
        await w.press(ANNA, ANNA, "Nej tack")
        text = w.block_text(w.last(ANNA))
        if summary is not None:
            assert summary in text
        if what is not None:
            assert what in text

    run_workspace(tmp_path, body)
