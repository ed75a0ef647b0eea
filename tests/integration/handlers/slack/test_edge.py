"""The Slack edge as a transcript: the real Bolt app over HTTP against the stand-in Slack Web API, fed signed
requests. Every Block Kit payload the bot sends is validated by the stand-in with slack_sdk.models."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from standins import slack_requests as rq
from tests.support.slack_harness import ANNA, BO, KIM, MEETING, SARA, STRANGER, Workspace, run_workspace


def test_questionnaire_in_a_direct_message_updates_one_message(tmp_path: Path) -> None:
    async def body(w: Workspace) -> None:
        await w.tick()  # Tuesday 08:00: the week opens
        greeting = w.last(ANNA)
        assert w.block_text(greeting).startswith("Hej Anna!")
        await w.press(ANNA, ANNA, "Börja")
        await w.press(ANNA, ANNA, ":l:0:0")
        await w.press(ANNA, ANNA, ":l:1:2")
        where = w.last(ANNA)
        assert "Var?" in w.block_text(where)
        await w.press(ANNA, ANNA, "Plats och beskrivning")  # opens the where/what form
        (opened,) = w.fake.calls_to("views.open")
        view = opened.params["view"]
        options = [
            o["text"]["text"] for b in view["blocks"] if b["block_id"] == "pick" for o in b["element"]["options"]
        ]
        assert options == ["Stortorget", "Resecentrum"]
        pick = next(o for b in view["blocks"] if b["block_id"] == "pick" for o in b["element"]["options"])
        await w.post(
            rq.view_submission(
                ANNA,
                callback_id=view["callback_id"],
                private_metadata=view["private_metadata"],
                state_values={
                    "pick": {"pick": rq.selected_option_value(pick["value"], "Stortorget")},
                    "new": {"new": rq.plain_text_value(None)},
                    "what": {"what": rq.plain_text_value("Krossad ruta <!channel> *natt*, ring 0701234567")},
                },
            )
        )
        question = w.block_text(w.last(ANNA))
        assert question.startswith("Fråga 3 av 12")  # the form answered where and what; the next factor is asked
        for _ in range(10):
            await w.press(ANNA, ANNA, ":0")
        await w.press(ANNA, ANNA, "Nej tack")
        summary = w.last(ANNA)
        text = w.block_text(summary)
        assert "Stortorget" in text and "<!channel> *natt*" in text and "[telefon]" in text
        assert all(b["text"]["type"] == "plain_text" for b in summary["blocks"] if b["type"] == "section")
        await w.press(ANNA, ANNA, "Skicka")
        assert w.block_text(w.last(ANNA)).startswith("Tack! Din rapport för 2026-W47 är skickad")

    fake = run_workspace(tmp_path, body)
    dm = fake.dm_channel(ANNA)
    posts = [c for c in fake.calls_to("chat.postMessage") if c.params["channel"] == dm]
    updates = [c for c in fake.calls_to("chat.update") if c.params["channel"] == dm]
    assert len(updates) > 3 * len(posts)  # answered by updating in place, not by piling up messages


def test_slash_command_answers_ephemerally_by_role(tmp_path: Path) -> None:
    async def body(w: Workspace) -> None:
        await w.tick()
        status, _ = await w.command(SARA, "status", channel=MEETING)
        assert status == 200
        (answer,) = w.ephemeral_texts(SARA)
        assert answer.startswith("2026-W47") and "Har inte svarat" in answer
        assert w.messages(MEETING) == []  # nothing for the channel to see
        await w.command(ANNA, "status", channel=MEETING)
        assert w.ephemeral_texts(ANNA) == ['Kommandot "status" är bara för samordnare.']
        await w.command(STRANGER, "status", channel=MEETING)
        assert "känner inte igen dig" in w.ephemeral_texts(STRANGER)[0]
        await w.command(KIM, "", channel=MEETING)  # `/est` alone is help
        assert "/est" in w.ephemeral_texts(KIM)[0] or "hjälp" in w.ephemeral_texts(KIM)[0].lower()
        await w.command(SARA, "nonsense", channel=MEETING)
        assert "nonsense" in w.ephemeral_texts(SARA)[-1]

    run_workspace(tmp_path, body)


def test_forged_unsigned_and_stale_requests_change_nothing(tmp_path: Path) -> None:
    async def body(w: Workspace) -> None:
        for forge in ("wrong_secret", "stale", "no_signature", "no_timestamp", "no_headers"):
            status, _ = await w.post(rq.slash_command("/est", "status", user_id=SARA, channel_id=MEETING, forge=forge))
            assert status == 401, forge
            event = rq.message_im(ANNA, w.fake.dm_channel(ANNA), "hej")
            status, _ = await w.post(rq.event_callback(event, forge=forge))
            assert status == 401, forge
        with w.app.services.unit() as uow:
            assert uow.outbox.counts() == {}
        assert w.fake.calls_to("chat.postEphemeral") == [] and w.fake.calls_to("chat.postMessage") == []

    run_workspace(tmp_path, body)


def test_a_retried_event_delivery_and_a_double_click_change_nothing_twice(tmp_path: Path) -> None:
    async def body(w: Workspace) -> None:
        await w.dm(STRANGER, "hej")
        assert len(w.messages(STRANGER)) == 1 and "känner inte igen dig" in w.last(STRANGER)["text"]
        await w.tick()
        await w.press(ANNA, ANNA, "Börja")
        event = rq.message_im(ANNA, w.fake.dm_channel(ANNA), "hej igen")
        event_id = rq.new_event_id()
        await w.post(rq.event_callback(event, event_id=event_id))
        count = len(w.messages(ANNA))
        await w.post(rq.event_callback(event, event_id=event_id, retry_num=1, retry_reason="http_timeout"))
        assert len(w.messages(ANNA)) == count  # the retry was recognised
        question = w.last(ANNA)
        await w.press(ANNA, ANNA, ":l:0:1", message=question)
        await w.press(ANNA, ANNA, ":l:0:1", message=question)  # the same button again, from the old message
        with w.app.services.unit() as uow:
            person = uow.people.person_by_account("slack", ANNA)
            assert person is not None
            rnd = uow.rounds.recent_rounds("tbg", 1)[0]
            resp = uow.rounds.get_response(rnd.id, person.id)
            assert resp is not None and resp.state.index == 1 and len(resp.state.answers) == 1

    run_workspace(tmp_path, body)


def test_meeting_draft_reactions_menus_and_finalise(tmp_path: Path) -> None:
    async def body(w: Workspace) -> None:
        await w.tick()
        await w.press(ANNA, ANNA, "Börja")
        for item in range(12):
            await w.press(ANNA, ANNA, f":l:{item}:{3 if item == 5 else 0}")
            if item == 5:
                await w.press(ANNA, ANNA, "Stortorget")
                await w.press(ANNA, ANNA, "Hoppa över")
        await w.press(ANNA, ANNA, "Nej tack")
        await w.press(ANNA, ANNA, "Skicka")
        await w.tick(timedelta(days=2, minutes=5))  # Thursday 08:05: the draft in the meeting channel
        in_channel = [m for m in w.messages(MEETING) if m.get("subtype") != "file_share"]
        draft = in_channel[0]
        assert draft["blocks"][0]["type"] == "header" and "2026-W47" in draft["blocks"][0]["text"]["text"]
        assert "🔴" in w.block_text(draft)  # colours per area × factor
        charts = [f for f in w.fake.files() if MEETING in f.channels]  # the heatmap and the 12-week trend
        assert [f.filename for f in charts] == ["lagesbild-2026-W47-sv.png", "trend-2026-W47-sv.png"]
        assert all(f.content for f in charts)
        candidate = next(m for m in in_channel if w.block_text(m).startswith("Kandidat 1"))
        await w.post(rq.event_callback(rq.reaction_added(KIM, "+1", MEETING, candidate["ts"])))
        assert "Röster: 1" in w.block_text(w.fake.message(MEETING, candidate["ts"]) or {})
        await w.post(rq.event_callback(rq.reaction_removed(KIM, "+1", MEETING, candidate["ts"])))
        assert "Röster: 0" in w.block_text(w.fake.message(MEETING, candidate["ts"]) or {})
        await w.post(rq.event_callback(rq.reaction_added(KIM, "tada", MEETING, draft["ts"])))  # not a candidate
        await w.post(rq.event_callback(rq.reaction_added(SARA, "+1", MEETING, candidate["ts"])))
        current = w.fake.message(MEETING, candidate["ts"])
        assert current is not None
        await w.press(KIM, MEETING, "Polisen", message=current)  # who acts: a menu
        current = w.fake.message(MEETING, candidate["ts"])
        assert current is not None
        menus = [e for e in w.controls(current) if e["type"] == "static_select"]
        assert len(menus) == 3 and menus[1]["initial_option"]["text"]["text"] == "Polisen"
        await w.press(KIM, MEETING, "Fastställ", message=draft)
        assert "bara för samordnare" in w.ephemeral_texts(KIM)[-1]  # told privately
        await w.press(SARA, MEETING, "Fastställ", message=draft)
        locked = w.fake.message(MEETING, draft["ts"])
        assert locked is not None and "Fastställd" in w.block_text(locked) and not w.controls(locked)
        assert locked["blocks"][0]["text"]["text"] == "Lägesbild 2026-W47 – Tryggare Trelleborg"  # no "Utkast"
        assert "Utkast" not in w.block_text(locked) and "Utkast" not in locked["text"]
        cand_locked = w.fake.message(MEETING, candidate["ts"])
        assert cand_locked is not None and not w.controls(cand_locked)
        # Friday 07:30: the report to the broadcast channel and to reporters, each with the charts and the PDF
        await w.tick(timedelta(hours=23, minutes=25))
        from tests.support.slack_harness import BROADCAST

        report = w.last(BROADCAST)
        assert w.block_text(report).startswith("Veckorapport 2026-W47")
        assert w.block_text(w.last(ANNA)).startswith("Veckorapport 2026-W47")
        shared = sorted(c for f in w.fake.files() for c in f.channels)
        assert shared.count(BROADCAST) == 3 and shared.count(w.fake.dm_channel(ANNA)) == 3  # heatmap, trend, PDF
        pdfs = [f for f in w.fake.files() if BROADCAST in f.channels and f.filename.endswith(".pdf")]
        assert [f.filename for f in pdfs] == ["veckorapport-2026-W47.sv.pdf"]
        assert (pdfs[0].content or b"").startswith(b"%PDF-")

    run_workspace(tmp_path, body)


def test_app_home_shows_the_persons_own_week(tmp_path: Path) -> None:
    async def body(w: Workspace) -> None:
        await w.post(rq.event_callback(rq.app_home_opened(ANNA, w.fake.dm_channel(ANNA))))
        home = w.fake.home_view(ANNA)
        assert home is not None and "Ingen enkät är öppen" in w.block_text(home)
        await w.tick()
        await w.press(ANNA, ANNA, "Börja")
        await w.press(ANNA, ANNA, ":l:0:1")
        await w.post(rq.event_callback(rq.app_home_opened(ANNA, w.fake.dm_channel(ANNA))))
        home = w.fake.home_view(ANNA)
        assert home is not None
        text = w.block_text(home)
        assert "2026-W47" in text and "börjat svara men inte skickat" in text and "Enstaka" in text
        assert "Bo Berg" not in text  # only her own answers, never who else has answered
        await w.post(rq.event_callback(rq.app_home_opened(STRANGER, "D0STRANGE1")))
        stranger = w.fake.home_view(STRANGER)
        assert stranger is not None and "känner inte igen dig" in w.block_text(stranger)

    run_workspace(tmp_path, body)


def test_coordinator_adds_a_reporter_by_mention_who_then_answers(tmp_path: Path) -> None:
    new = "U0NEWREP9"

    async def body(w: Workspace) -> None:
        w.fake.add_user(new)
        await w.dm(new, "hej")
        assert "känner inte igen dig" in w.last(new)["text"]
        await w.command(SARA, f"reporter add <@{new}|nils> | Fritidsgården | centrum", channel=MEETING)
        answers = w.ephemeral_texts(SARA)
        assert answers[0].startswith("nils är tillagd") and "direktmeddelanden" in answers[1]
        await w.command(SARA, f"reporter add Nils Nilsson <@{new}|nils> | Fritidsgården | centrum")
        assert "tillhör redan nils" in w.last(SARA)["text"]  # answered in her own DM: no channel to be ephemeral in
        await w.tick()
        assert w.block_text(w.last(new)).startswith("Hej nils!")
        with w.app.services.unit() as uow:
            log = uow.audit.audit_log("tbg", 10)
        assert any(action == "reporter_add" and detail.get("account") == f"slack:{new}" for *_, action, detail in log)

    run_workspace(tmp_path, body)


def test_rate_limits_and_server_errors_lose_and_repeat_nothing(tmp_path: Path) -> None:
    async def body(w: Workspace) -> None:
        w.fake.fail_next("chat.postMessage", status=429, retry_after=3)
        await w.tick()
        greetings = lambda: [m for m in w.messages(ANNA) if w.block_text(m).startswith("Hej Anna!")]  # noqa: E731
        assert greetings() == []  # Slack said wait 3 seconds: everything for Slack waits
        w.clock.advance(timedelta(seconds=4))
        w.fake.fail_next("chat.postMessage", status=503)
        await w.drain()
        w.clock.advance(timedelta(minutes=5))
        await w.drain()
        assert len(greetings()) == 1
        for user in (KIM, SARA):  # nobody to ask: they have no areas; only Anna and Bo get the questionnaire
            assert not any(w.block_text(m).startswith("Hej") for m in w.messages(user))
        with w.app.services.unit() as uow:
            counts = uow.outbox.counts()
        assert counts.get("pending", 0) == 0 and counts.get("parked", 0) == 0

    run_workspace(tmp_path, body, check_errors=False)


def test_hours_of_slack_answering_503_park_nothing_and_repeat_nothing(tmp_path: Path) -> None:
    """Slack is down (503 to every post) for six hours around Tuesday's questionnaire: nothing is parked, and
    once it answers each reporter gets the questionnaire once."""

    async def body(w: Workspace) -> None:
        w.fake.fail_next("chat.postMessage", status=503, times=100_000)
        await w.tick()
        for _ in range(6 * 12):
            w.clock.advance(timedelta(minutes=5))
            await w.drain()
        with w.app.services.unit() as uow:
            assert uow.outbox.parked_count() == 0
            assert uow.outbox.counts().get("sent", 0) == 0
        w.fake.clear_faults()
        for _ in range(3):
            w.clock.advance(timedelta(minutes=5))
            await w.drain()
        for user in (ANNA, BO):
            assert len([m for m in w.messages(user) if w.block_text(m).startswith("Hej")]) == 1
        with w.app.services.unit() as uow:
            counts = uow.outbox.counts()
        assert counts.get("pending", 0) == 0 and counts.get("parked", 0) == 0

    run_workspace(tmp_path, body, check_errors=False)


def test_a_message_that_can_never_be_delivered_is_parked_and_shown_in_status(tmp_path: Path) -> None:
    async def body(w: Workspace) -> None:
        w.fake.fail_next("conversations.open", status=200, error="user_not_found")
        await w.tick()
        await w.command(SARA, "status", channel=MEETING)
        assert "1 meddelande kunde inte levereras" in w.ephemeral_texts(SARA)[-1]

    run_workspace(tmp_path, body, check_errors=False)


def test_a_command_in_a_channel_without_the_bot_is_answered_in_a_direct_message(tmp_path: Path) -> None:
    async def body(w: Workspace) -> None:
        w.fake.fail_next("chat.postEphemeral", status=200, error="not_in_channel")
        await w.command(SARA, "help", channel="C0NOBOTHERE")
        assert "/est" in w.last(SARA)["text"]  # in her direct chat with the bot instead
        with w.app.services.unit() as uow:
            assert uow.outbox.counts().get("parked", 0) == 0

    run_workspace(tmp_path, body, check_errors=False)


def test_requests_are_acknowledged_before_the_work_is_done(tmp_path: Path) -> None:
    """Slack wants an answer within 3 seconds: the HTTP answer comes while the work is still held up."""
    import asyncio
    import threading

    from standins import slack_requests as rq2

    async def body(w: Workspace) -> None:
        release = threading.Event()
        real = w.app.services.handle

        def slow(inbound):  # type: ignore[no-untyped-def]
            release.wait(30)
            return real(inbound)

        w.app.services.handle = slow  # type: ignore[method-assign]
        request = rq2.slash_command("/est", "status", user_id=SARA, channel_id=MEETING)
        status, _ = await asyncio.to_thread(rq2.post, w.url, request.body, request.headers)
        assert status == 200 and w.fake.ephemerals(user=SARA) == []  # acknowledged, not yet answered
        release.set()
        await w.edge.listeners.settle()
        assert len(w.fake.ephemerals(user=SARA)) == 1

    run_workspace(tmp_path, body)


def test_the_reminder_is_a_new_direct_message_that_notifies(tmp_path: Path) -> None:
    async def body(w: Workspace) -> None:

        await w.tick()
        await w.press(ANNA, ANNA, "Börja")
        before = len(w.messages(BO))
        await w.tick(timedelta(days=1, hours=5))  # Wednesday 13:00
        after = w.messages(BO)
        assert len(after) == before + 2  # the reminder, then the questionnaire again as the newest message
        assert w.block_text(after[-2]).startswith("Påminnelse") and w.block_text(after[-1]).startswith("Hej Bo!")
        assert any(w.block_text(m).startswith("Påminnelse") for m in w.messages(ANNA))  # started, not sent
        with w.app.services.unit() as uow:
            assert uow.outbox.counts().get("pending", 0) == 0

    run_workspace(tmp_path, body)


def test_est_utkast_and_publicera_post_the_draft_and_the_report_now(tmp_path: Path) -> None:
    """`/est utkast` after `/est stäng` posts the draft picture in the meeting channel, `/est publicera` after
    finalising sends the report to the broadcast channel; the scheduled steps later post nothing again."""
    from tests.support.slack_harness import BROADCAST

    async def body(w: Workspace) -> None:
        await w.tick()
        await w.command(SARA, "utkast", channel=MEETING)
        assert w.ephemeral_texts(SARA)[-1].startswith("Rapporteringen för 2026-W47 är inte stängd än")
        await w.command(SARA, "stäng", channel=MEETING)
        await w.command(SARA, "utkast", channel=MEETING)
        await w.drain()
        assert w.ephemeral_texts(SARA)[-1] == "Utkastet till lägesbild för 2026-W47 är utlagt i mötet."
        drafted = len(w.messages(MEETING))
        assert drafted >= 1 and "Utkast till lägesbild 2026-W47" in w.block_text(w.messages(MEETING)[0])
        await w.command(SARA, "fastställ", channel=MEETING)
        await w.command(SARA, "publicera", channel=MEETING)
        await w.drain()
        assert w.ephemeral_texts(SARA)[-1] == "Veckorapporten för 2026-W47 är utskickad."
        reports = [m for m in w.messages(BROADCAST) if m.get("subtype") != "file_share"]
        assert len(reports) == 1 and "Veckorapport 2026-W47" in w.block_text(reports[0]) + reports[0]["text"]
        await w.tick(timedelta(days=2, minutes=5))  # Thursday 08:05, the scheduled draft
        await w.tick(timedelta(days=1))  # Friday, the scheduled publication
        assert [m for m in w.messages(BROADCAST) if m.get("subtype") != "file_share"] == reports
        with w.app.services.unit() as uow:
            assert [r.phase for r in uow.rounds.recent_rounds("tbg", 5)] == ["published"]

    run_workspace(tmp_path, body)
