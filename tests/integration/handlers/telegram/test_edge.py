"""The Telegram edge as a transcript: the real python-telegram-bot Application against the stand-in Bot API."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.bootstrap import build
from bot.clock import ManualClock
from bot.ratelimit import RateLimiter
from handlers.telegram.edge import TelegramSender
from handlers.telegram.runner import poll_forever
from standins.telegram_api import FakeClock, FakeTelegramAPI
from tests.conftest import TUE_OPEN
from tests.support.telegram_harness import ANNA, BROADCAST, KIM, MEETING, SARA, Edge, group_dict, make_config, run_edge

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*")


def test_questionnaire_in_a_private_chat_edits_one_message_in_place(tmp_path: Path) -> None:
    async def body(e: Edge) -> None:
        await e.tick()  # Tuesday 08:00
        greeting = e.last(ANNA)
        assert greeting["text"].startswith("Hej Anna!")
        await e.press(ANNA, ANNA, "Börja")
        await e.press(ANNA, ANNA, ":l:0:0")
        await e.press(ANNA, ANNA, ":l:1:2")
        assert "Var?" in e.last(ANNA)["text"]
        await e.feed(e.fake.location_update(ANNA, ANNA, 55.375, 13.157))
        assert "Vad hände" in e.last(ANNA)["text"]  # a new message after the shared location
        await e.feed(e.fake.message_update(ANNA, ANNA, "Krossad ruta <b>natt</b>, ring 0701234567"))
        for _ in range(10):
            await e.press(ANNA, ANNA, ":0")
        await e.press(ANNA, ANNA, "Nej tack")
        summary = e.last(ANNA)
        assert "<b>natt</b>" in summary["text"] and "[telefon]" in summary["text"]  # shown as text, not markup
        await e.press(ANNA, ANNA, "Skicka")
        assert e.last(ANNA)["text"].startswith("Tack! Din rapport för 2026-W47 är skickad")

    fake = run_edge(tmp_path, body)
    sends = [c for c in fake.calls_to("sendMessage") if c.params["chat_id"] in (ANNA, str(ANNA))]
    edits = fake.calls_to("editMessageText")
    assert len(edits) > len(sends)  # answered by editing in place, not by piling up messages
    assert len(fake.calls_to("answerCallbackQuery")) == len(fake.callback_answers)


def test_unknown_user_gets_a_clear_answer(tmp_path: Path) -> None:
    async def body(e: Edge) -> None:
        await e.feed(e.fake.message_update(999, 999, "hej"))
        assert "känner inte igen dig" in e.last(999)["text"]

    run_edge(tmp_path, body)


def test_coordinator_command_and_a_repeated_update(tmp_path: Path) -> None:
    async def body(e: Edge) -> None:
        await e.tick()
        update = e.fake.push_update(e.fake.command_update(SARA, SARA, "status"))
        await e.process(update)
        await e.process(update)  # delivered twice
        texts = e.fake.texts_to(SARA)
        assert sum("Svar: 0 av 3" in t for t in texts) == 1
        await e.feed(e.fake.command_update(ANNA, ANNA, "status"))
        assert e.last(ANNA)["text"] == 'Kommandot "status" är bara för samordnare.'

    run_edge(tmp_path, body)


def test_polling_hands_a_batch_to_the_intake_in_order_and_confirms_it_once_handled(tmp_path: Path) -> None:
    """Updates fetched together go through the intake in the order Telegram sent them; the next getUpdates
    confirms them (offset) only after they were handled, and a repeat of one is dropped by its update id."""

    async def body(e: Edge) -> None:
        await e.tick()
        first = e.fake.push_update(e.fake.command_update(SARA, SARA, "status"))
        e.fake.push_update(e.fake.command_update(SARA, SARA, "help"))
        last = e.fake.push_update(e.fake.message_update(999, 999, "hej"))

        def confirmed() -> bool:
            return any(c.params.get("offset") for c in e.fake.calls_to("getUpdates"))

        await poll_forever(e.tg, e.listeners, timeout=0, stop=confirmed)
        offsets = [c.params.get("offset") for c in e.fake.calls_to("getUpdates")]
        assert offsets == [None, last["update_id"] + 1]
        assert await e.listeners.settle()
        texts = e.fake.texts_to(SARA)
        status = next(i for i, t in enumerate(texts) if "Svar: 0 av 3" in t)
        assert status == len(texts) - 2  # /status answered, then /help, in the order they were sent
        assert "känner inte igen dig" in e.last(999)["text"]
        await e.process(first)  # delivered again: dropped
        assert e.fake.texts_to(SARA) == texts

    run_edge(tmp_path, body)


def test_rate_limit_from_telegram_is_waited_out_and_nothing_is_lost(tmp_path: Path) -> None:
    async def body(e: Edge) -> None:
        e.fake.fail_next("sendMessage", status=429, retry_after=3)
        await e.tick()
        assert e.fake.texts_to(ANNA) == []  # held back for 3 seconds
        clock = e.app.services.clock
        assert isinstance(clock, ManualClock)
        from datetime import timedelta

        clock.advance(timedelta(seconds=4))
        await asyncio.to_thread(e.app.dispatcher.drain, "telegram", 1000)
        assert len([t for t in e.fake.texts_to(ANNA) if t.startswith("Hej Anna!")]) == 1

    run_edge(tmp_path, body)


def test_meeting_group_draft_votes_and_finalise(tmp_path: Path) -> None:
    from datetime import timedelta

    async def body(e: Edge) -> None:
        await e.tick()
        await e.press(ANNA, ANNA, "Börja")
        for item in range(12):
            await e.press(ANNA, ANNA, f":l:{item}:{3 if item == 5 else 0}")
            if item == 5:
                await e.press(ANNA, ANNA, "Stortorget")
                await e.press(ANNA, ANNA, "Hoppa över")
        await e.press(ANNA, ANNA, "Nej tack")
        await e.press(ANNA, ANNA, "Skicka")
        clock = e.app.services.clock
        assert isinstance(clock, ManualClock)
        clock.advance(timedelta(days=2, minutes=5))  # Thursday 08:05
        await e.tick()
        photos = e.fake.calls_to("sendPhoto")
        assert [int(c.params["chat_id"]) for c in photos] == [MEETING, MEETING]  # heatmap and trend, once each
        assert [c.params["photo"].filename for c in photos] == ["lagesbild-2026-W47-sv.png", "trend-2026-W47-sv.png"]
        texts = [t for t in e.fake.texts_to(MEETING) if t]
        assert texts[0].startswith("Utkast till lägesbild 2026-W47")
        candidate = next(m for m in e.fake.sent_to(MEETING) if m.get("text", "").startswith("Kandidat 1"))
        vote = candidate["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        await e.feed(e.fake.callback_update(KIM, MEETING, candidate["message_id"], vote))
        now = e.fake.message(MEETING, candidate["message_id"])
        assert now is not None and "Röster: 1" in now["text"]  # the candidate message edited in place
        draft = next(m for m in e.fake.sent_to(MEETING) if "text" in m)
        finalise = draft["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        await e.feed(e.fake.callback_update(KIM, MEETING, draft["message_id"], finalise))
        assert "bara för samordnare" in e.fake.texts_to(KIM)[-1]  # told privately, not in the group
        await e.feed(e.fake.callback_update(SARA, MEETING, draft["message_id"], finalise))
        assert e.fake.texts_to(SARA)[-1] == "Lägesbilden för 2026-W47 är fastställd med 1 prioritering."
        in_group = len(e.fake.texts_to(MEETING))
        await e.feed(e.fake.command_update(SARA, MEETING, "status", mention=True))
        assert "Har inte svarat" not in "".join(e.fake.texts_to(MEETING)) and len(e.fake.texts_to(MEETING)) == in_group
        assert e.fake.texts_to(SARA)[-1].startswith("2026-W47: fastställd")  # names of non-responders only to her
        locked = e.fake.message(MEETING, draft["message_id"])
        assert locked is not None and "Fastställd" in locked["text"] and "reply_markup" not in locked
        assert locked["text"].startswith("Lägesbild 2026-W47 – Tryggare Trelleborg") and "Utkast" not in locked["text"]
        # Friday 07:30: the report with its heatmap to the broadcast chat and to Anna; a 5xx is retried
        e.fake.fail_next("sendMessage", status=502)
        clock.advance(timedelta(hours=23, minutes=25))
        await e.tick()
        clock.advance(timedelta(minutes=1))
        await e.tick()
        assert [t for t in e.fake.texts_to(BROADCAST) if t][-1].startswith("Veckorapport 2026-W47")
        assert len([t for t in e.fake.texts_to(ANNA) if t.startswith("Veckorapport 2026-W47")]) == 1
        photo_chats = [int(c.params["chat_id"]) for c in e.fake.calls_to("sendPhoto")]
        assert sorted(photo_chats) == sorted([MEETING, BROADCAST, ANNA, SARA, KIM] * 2)  # two each, none repeated
        # the charts are photos; the report itself comes as a PDF to keep, once to each
        pdfs = e.fake.calls_to("sendDocument")
        assert sorted(int(c.params["chat_id"]) for c in pdfs) == sorted([BROADCAST, ANNA, SARA, KIM])
        assert {c.params["document"].filename for c in pdfs} == {"veckorapport-2026-W47.sv.pdf"}
        pdf = e.last(BROADCAST)["document"]
        assert e.fake.file_bytes(pdf["file_id"]).startswith(b"%PDF-")

    run_edge(tmp_path, body)


def test_joining_with_a_one_time_invitation(tmp_path: Path) -> None:
    async def body(e: Edge) -> None:
        await e.tick()  # the week is open
        with e.app.services.unit() as uow:
            bo = uow.people.person_by_name("tbg", "Bo Berg")
            assert bo is not None
            code, link, _ = e.app.services.create_invite(uow, bo)
            uow.commit()
        assert link == f"/start {code}"  # no bot_username configured
        await e.feed(e.fake.command_update(777, 777, "start", code))
        texts = e.fake.texts_to(777)
        assert texts[0].startswith("Välkommen, Bo Berg!")
        assert texts[-1].startswith("Hej Bo!")  # the open questionnaire follows at once
        await e.feed(e.fake.command_update(888, 888, "start", code))  # the same code again
        assert "redan använd" in e.fake.texts_to(888)[0]
        await e.feed(e.fake.message_update(888, 888, "hej"))
        assert "känner inte igen dig" in e.fake.texts_to(888)[-1]

    run_edge(tmp_path, body)


def test_fan_out_is_paced_within_telegrams_limits(tmp_path: Path) -> None:
    """A stand-in that enforces the limits, sharing a fake clock with the sender's limiter: no 429 at all."""

    clock = FakeClock()
    g = group_dict()
    g["reporters"] = [{"name": f"R {i}", "areas": ["centrum"], "telegram": 1000 + i} for i in range(45)]
    cfg = make_config(f"sqlite:///{tmp_path / 'fan.sqlite'}", reporters=g["reporters"])
    with FakeTelegramAPI(enforce_limits=True, clock=clock) as fake:

        async def main() -> None:
            tg = Application.builder().token(fake.token).base_url(fake.base_url).build()
            await tg.initialize()
            limiter = RateLimiter(clock, clock.advance, math.inf)
            sender = TelegramSender(tg, asyncio.get_running_loop(), limiter=limiter)
            app = build(cfg, clock=ManualClock(TUE_OPEN), senders={"telegram": sender})
            try:
                start = clock()
                await asyncio.to_thread(app.services.tick)
                await asyncio.to_thread(app.dispatcher.drain, "telegram", 1000)
                assert clock() - start >= 1.0  # 45 greetings need at least two seconds of the 30/s budget
            finally:
                app.close()
                await tg.shutdown()

        asyncio.run(main())
        assert all(c.status == 200 for c in fake.calls_to("sendMessage"))
        assert len(fake.calls_to("sendMessage")) == 45


def test_a_messages_pictures_wait_for_their_turns_like_messages(tmp_path: Path) -> None:
    """Each picture after the text is a message Telegram counts (1 a second in a chat): each is paced, and with
    the stand-in enforcing the limits on the limiter's clock none meets a 429 (none is lost: a failed picture is
    not sent again)."""
    from bot.conversation.messages import Attachment, Outbound
    from bot.domain.model import OutboxItem

    clock = FakeClock()
    pictures = []
    for n in range(2):
        png = tmp_path / f"chart{n}.png"
        png.write_bytes(PNG)
        pictures.append(Attachment(png.name, "image/png", str(png)))
    out = Outbound("Veckans diagram", attachments=tuple(pictures))
    with FakeTelegramAPI(enforce_limits=True, clock=clock) as fake:

        async def main() -> None:
            tg = Application.builder().token(fake.token).base_url(fake.base_url).build()
            await tg.initialize()
            sender = TelegramSender(tg, asyncio.get_running_loop(), limiter=RateLimiter(clock, clock.advance))
            try:
                item = OutboxItem(1, "k", "telegram", str(MEETING), None, out.to_json(), 0, "pending")
                start = clock()
                assert await asyncio.to_thread(sender.send, item, out, None)
                assert clock() - start >= 2.0  # the text and two pictures: three turns of the chat's 1 a second
            finally:
                await tg.shutdown()

        asyncio.run(main())
        assert [c.status for c in fake.calls_to("sendMessage")] == [200]
        assert [c.status for c in fake.calls_to("sendPhoto")] == [200, 200]


# the smallest PNG: one transparent pixel
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000100"
    "0be4d4cc0000000049454e44ae426082"
)


def test_an_export_reaches_the_coordinator_as_a_document(tmp_path: Path) -> None:
    """A file that is not an image goes as a document (sendDocument) after the text; a failed upload costs the
    file, never the text, and is not retried."""
    import io

    from openpyxl import load_workbook

    from tests.support.report_data import NAMES, seed

    async def body(e: Edge) -> None:
        await asyncio.to_thread(seed, e.app, TUE_OPEN)
        await e.feed(e.fake.command_update(SARA, SARA, "export"))
        assert e.fake.texts_to(SARA)[-2].startswith("Export 2026-W36–2026-W47: 384 svar")
        document = e.last(SARA)["document"]
        assert document["file_name"] == "est-tbg-2026-W36--2026-W47.xlsx"
        assert document["mime_type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        book = load_workbook(io.BytesIO(e.fake.file_bytes(document["file_id"])))
        assert book.sheetnames == ["Svar", "Lägesbilder", "Åtgärder"] and book["Svar"].max_row == 385
        words = " ".join(str(v) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for v in r if v)
        assert not any(name in words for name in NAMES)
        assert not e.fake.calls_to("sendPhoto")  # a workbook is not sent as a photo

        e.fake.fail_next("sendDocument", status=400, description="Bad Request: file is too big")
        await e.feed(e.fake.command_update(SARA, SARA, "report", args="2026-W47"))
        assert e.fake.texts_to(SARA)[-1].startswith("Veckorapport Tryggare Trelleborg")  # the text arrived
        await e.tick()
        tries = [c for c in e.fake.calls_to("sendDocument") if c.params["document"].filename.endswith(".pdf")]
        assert len(tries) == 1  # not retried
        await e.feed(e.fake.command_update(KIM, KIM, "report", args="2026-W47"))
        pdf = e.last(KIM)["document"]
        assert pdf["file_name"] == "veckorapport-2026-W47.sv.pdf"
        assert e.fake.file_bytes(pdf["file_id"]).startswith(b"%PDF-")

    run_edge(tmp_path, body)


def test_utkast_and_publicera_post_the_draft_and_the_report_now(tmp_path: Path) -> None:
    """/utkast (the Swedish menu's word) after /stang posts the draft in the meeting group; /publicera after
    /faststall sends the report to the broadcast group; Friday's scheduled publication sends nothing again."""
    from datetime import timedelta

    async def body(e: Edge) -> None:
        await e.tick()
        for command in ("stang", "utkast"):
            await e.feed(e.fake.command_update(SARA, SARA, command))
        await asyncio.to_thread(e.app.dispatcher.drain, "telegram", 1000)
        assert e.last(SARA)["text"] == "Utkastet till lägesbild för 2026-W47 är utlagt i mötet."
        assert e.fake.texts_to(MEETING)[0].startswith("Utkast till lägesbild 2026-W47")
        for command in ("faststall", "publicera"):
            await e.feed(e.fake.command_update(SARA, SARA, command))
        await asyncio.to_thread(e.app.dispatcher.drain, "telegram", 1000)
        assert "Veckorapporten för 2026-W47 är utskickad." in e.fake.texts_to(SARA)
        reports = [t for t in e.fake.texts_to(BROADCAST) if t.startswith("Veckorapport 2026-W47")]
        assert len(reports) == 1
        clock = e.app.services.clock
        assert isinstance(clock, ManualClock)
        clock.advance(timedelta(days=3))  # past Friday 07:30
        await e.tick()
        assert [t for t in e.fake.texts_to(BROADCAST) if t.startswith("Veckorapport")] == reports

    run_edge(tmp_path, body)
