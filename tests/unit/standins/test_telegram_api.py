"""The stand-in Bot API, driven by the real python-telegram-bot: what the Telegram edge will meet on the wire."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import threading
import time
import warnings
from collections.abc import Awaitable, Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyParameters,
    Update,
)
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, RetryAfter
from telegram.ext import Application, CommandHandler, ContextTypes

from standins.telegram_api import FakeClock, FakeTelegramAPI, find_spec_path, parse_html

try:
    find_spec_path()
except FileNotFoundError as exc:  # pragma: no cover - only without the shared spec
    pytest.skip(str(exc), allow_module_level=True)

# PTB 22 itself reads RetryAfter.retry_after, which warns that it becomes a timedelta in a future major version.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")

# A 2x3 PNG: the signature and an IHDR chunk are all the fake looks at.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000020000000308060000009d") + bytes(40)
ANNA = 42  # a private chat is the user's id
GROUP = -1001234567890


@pytest.fixture
def fake() -> Iterator[FakeTelegramAPI]:
    with FakeTelegramAPI() as api:
        yield api


def with_bot(fake: FakeTelegramAPI, body: Callable[[Bot], Awaitable[None]]) -> None:
    """Run `body` with an initialised PTB Bot (initialising calls getMe) pointed at the fake."""

    async def main() -> None:
        async with Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url) as bot:
            await body(bot)

    asyncio.run(main())


def retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that retry_after becomes a timedelta
        warnings.simplefilter("ignore")
        value: Any = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d.title(), callback_data=d) for d in data]])


def test_get_me_and_the_call_record(fake: FakeTelegramAPI) -> None:
    async def body(bot: Bot) -> None:
        assert bot.id == fake.bot_id
        assert bot.username == "est_test_bot"
        me = await bot.get_me()
        assert me.is_bot and me.can_join_groups

    with_bot(fake, body)
    method, params = fake.calls[0]
    assert (method, params) == ("getMe", {})
    assert [c.method for c in fake.calls] == ["getMe", "getMe"]
    fake.assert_no_errors()


def test_send_edit_delete_with_message_ids_per_chat(fake: FakeTelegramAPI) -> None:
    async def body(bot: Bot) -> None:
        first = await bot.send_message(ANNA, "Hur var veckan?", reply_markup=keyboard("lugn", "orolig"))
        second = await bot.send_message(ANNA, "Påminnelse")
        in_group = await bot.send_message(GROUP, "Lägesbild")
        assert (first.message_id, second.message_id, in_group.message_id) == (1, 2, 1)
        assert first.chat.type == "private" and in_group.chat.type == "supergroup"
        assert first.from_user is not None and first.from_user.id == fake.bot_id
        assert first.reply_markup == keyboard("lugn", "orolig")

        edited = await bot.edit_message_text("Tack!", chat_id=ANNA, message_id=first.message_id)
        assert isinstance(edited, type(first)) and edited.text == "Tack!" and edited.edit_date is not None
        assert edited.reply_markup is None  # an edit without reply_markup removes the keyboard, as in Telegram
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_text("Tack!", chat_id=ANNA, message_id=first.message_id)
        with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
            await bot.edit_message_text("x", chat_id=ANNA, message_id=99)

        await bot.edit_message_reply_markup(ANNA, second.message_id, reply_markup=keyboard("ok"))
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_reply_markup(ANNA, second.message_id, reply_markup=keyboard("ok"))
        assert await bot.delete_message(ANNA, second.message_id) is True
        with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
            await bot.delete_message(ANNA, second.message_id)
        assert await bot.send_chat_action(ANNA, "typing") is True
        third = await bot.send_message(ANNA, "  <b>Fredag</b> &amp; rapport \n", parse_mode="HTML")
        assert third.message_id == 3
        assert third.text == "Fredag & rapport"
        assert [(e.type, e.offset, e.length) for e in third.entities] == [("bold", 0, 6)]

    with_bot(fake, body)
    assert fake.texts_to(ANNA) == ["Hur var veckan?", "Påminnelse", "Fredag & rapport"]  # as sent
    edited_now = fake.message(ANNA, 1)
    assert edited_now is not None and edited_now["text"] == "Tack!"  # the current state, after the edit
    assert fake.message(ANNA, 2) is None
    sends = fake.calls_to("sendMessage")
    assert sends[0].params["reply_markup"]["inline_keyboard"][0][0] == {"text": "Lugn", "callback_data": "lugn"}
    assert sends[0].params["chat_id"] == ANNA  # decoded by spec type, not left a string


def test_callback_query_round_trip_through_get_updates(fake: FakeTelegramAPI) -> None:
    fake.add_user(ANNA, first_name="Anna", username="anna_a", language_code="sv")

    async def body(bot: Bot) -> None:
        question = await bot.send_message(ANNA, "Hur var veckan?", reply_markup=keyboard("lugn", "orolig"))
        pushed = fake.push_update(fake.callback_update(ANNA, ANNA, question.message_id, "orolig"))
        updates = await bot.get_updates(timeout=5)
        assert [u.update_id for u in updates] == [pushed["update_id"]]
        update = updates[0]
        assert isinstance(update, Update) and isinstance(update.callback_query, CallbackQuery)
        query = update.callback_query
        assert query.data == "orolig" and query.from_user.first_name == "Anna"
        assert query.message is not None and query.message.message_id == question.message_id
        assert update.effective_chat is not None and update.effective_chat.id == ANNA

        assert await bot.answer_callback_query(query.id, text="Sparat") is True
        assert fake.callback_answers == {query.id: {"callback_query_id": query.id, "text": "Sparat"}}
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await bot.answer_callback_query(query.id)
        assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
        assert fake.pending_updates == []

    with_bot(fake, body)
    with pytest.raises(ValueError, match="no button 'lugnt'"):
        fake.callback_update(ANNA, ANNA, 1, "lugnt")


def test_update_builders_give_shapes_ptb_understands(fake: FakeTelegramAPI) -> None:
    fake.push_update(fake.command_update(ANNA, ANNA, "rapport", "vecka 47"))
    fake.push_update(fake.message_update(7, GROUP, "Stortorget igen"))
    fake.push_update(fake.location_update(ANNA, ANNA, 55.375, 13.157, horizontal_accuracy=20.0))

    async def body(bot: Bot) -> None:
        command, text, location = await bot.get_updates()
        assert command.message is not None and command.message.text == "/rapport vecka 47"
        assert command.message.parse_entities() == {command.message.entities[0]: "/rapport"}
        assert text.message is not None and text.message.chat.type == "supergroup" and text.message.message_id == 1
        assert location.message is not None and location.message.location is not None
        assert location.message.location.latitude == 55.375
        assert location.message.message_id == 2  # the user's messages share the chat's id sequence
        reply = await bot.send_message(ANNA, "Var?", reply_parameters=ReplyParameters(message_id=2))
        assert reply.message_id == 3 and reply.reply_to_message is not None
        assert reply.reply_to_message.location is not None

    with_bot(fake, body)
    with pytest.raises(ValueError, match='unknown field "txt"'):
        fake.push_update({"message": {"message_id": 9, "date": 0, "chat": {"id": 1, "type": "private"}, "txt": "x"}})
    with pytest.raises(ValueError, match="private chat"):
        fake.message_update(7, ANNA, "not Anna's chat")


def test_long_poll_returns_as_soon_as_an_update_arrives() -> None:
    with FakeTelegramAPI(max_poll_wait=5.0) as fake:

        async def body(bot: Bot) -> None:
            timer = threading.Timer(0.2, lambda: fake.push_update(fake.message_update(ANNA, ANNA, "hej")))
            timer.start()
            started = time.monotonic()
            updates = await bot.get_updates(timeout=30)
            assert 0.1 < time.monotonic() - started < 3
            assert updates[0].message is not None and updates[0].message.text == "hej"

        with_bot(fake, body)
    with FakeTelegramAPI(max_poll_wait=0.3) as fake:

        async def idle(bot: Bot) -> None:
            started = time.monotonic()
            assert await bot.get_updates(timeout=50) == ()
            assert time.monotonic() - started < 2  # capped: a test never hangs on a long poll

        with_bot(fake, idle)


def test_injected_429_surfaces_as_retry_after(fake: FakeTelegramAPI) -> None:
    fake.fail_next("sendMessage", status=429, retry_after=3)

    async def body(bot: Bot) -> None:
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(ANNA, "hej")
        assert retry_seconds(caught.value) == 3
        assert (await bot.send_message(ANNA, "hej")).message_id == 1  # the failed call sent nothing

    with_bot(fake, body)
    refused = fake.calls_to("sendMessage")[0]
    assert refused.injected == "status" and refused.status == 429
    assert refused.response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    fake.assert_no_errors()  # injected faults are not the fake refusing anything


def test_server_errors_dropped_connections_and_blocked_chats(fake: FakeTelegramAPI) -> None:
    fake.fail_next("sendMessage", status=502)
    fake.drop_next("sendMessage")
    fake.drop_next("sendMessage", after_processing=True)
    fake.block_chat(7)

    async def body(bot: Bot) -> None:
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(ANNA, "ett")
        with pytest.raises(NetworkError):
            await bot.send_message(ANNA, "två")  # connection closed, nothing sent
        with pytest.raises(NetworkError):
            await bot.send_message(ANNA, "tre")  # sent, but the answer was lost
        assert (await bot.send_message(ANNA, "fyra")).message_id == 2
        with pytest.raises(Forbidden, match="blocked"):
            await bot.send_message(7, "hej")

    with_bot(fake, body)
    assert fake.texts_to(ANNA) == ["tre", "fyra"]
    assert [(c.status, c.injected) for c in fake.calls_to("sendMessage")][:3] == [
        (502, "status"),
        (0, "drop"),
        (0, "drop"),
    ]


def test_bad_requests_worded_like_telegram(fake: FakeTelegramAPI) -> None:
    async def body(bot: Bot) -> None:
        assert (await bot.send_message(ANNA, "x" * 4096)).text == "x" * 4096
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(ANNA, "x" * 4097)
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            await bot.send_message(ANNA, "välj", reply_markup=keyboard("å" * 33))  # 66 bytes
        assert await bot.send_message(ANNA, "välj", reply_markup=keyboard("å" * 32))  # 64 bytes
        with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
            await bot.send_message(ANNA, " \n ")
        with pytest.raises(BadRequest, match=r'(?i)unsupported start tag "br"'):
            await bot.send_message(ANNA, "rad<br>rad", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(ANNA, "1 < 2", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
            await bot.send_photo(ANNA, PNG, caption="x" * 1025)

    with_bot(fake, body)
    assert len(fake.errors) == 6


def test_raw_http_validation_against_the_spec(fake: FakeTelegramAPI) -> None:
    with httpx.Client() as http:
        unknown = http.post(fake.method_url("sendTelepathy"), data={"chat_id": "1"})
        assert unknown.status_code == 404
        assert unknown.json() == {"ok": False, "error_code": 404, "description": "Not Found"}

        extra = http.post(fake.method_url("sendMessage"), data={"chat_id": "42", "text": "hej", "colour": "red"})
        assert extra.status_code == 400 and extra.json()["error_code"] == 400
        assert extra.json()["description"] == 'Bad Request: unknown parameter "colour" for method sendMessage'

        markup = {"inline_keyboard": [[{"text": "Ja", "callback_dat": "ja"}]]}
        nested = http.post(
            fake.method_url("sendMessage"), data={"chat_id": "42", "text": "hej", "reply_markup": json.dumps(markup)}
        )
        assert nested.status_code == 400 and '"callback_dat"' in nested.json()["description"]

        missing = http.post(fake.method_url("answerCallbackQuery"), data={"text": "hej"})
        assert missing.json()["description"] == 'Bad Request: parameter "callback_query_id" is required'
        no_chat = http.post(fake.method_url("sendMessage"), data={"text": "hej"})
        assert no_chat.json()["description"] == "Bad Request: chat_id is empty"
        wrong_type = http.post(fake.method_url("deleteMessage"), data={"chat_id": "42", "message_id": "first"})
        assert wrong_type.status_code == 400 and "message_id" in wrong_type.json()["description"]

        wrong_token = http.post(fake.method_url("getMe", token="123:" + "x" * 35))
        assert wrong_token.status_code == 401
        assert wrong_token.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}

        as_json = http.post(fake.method_url("sendmessage"), json={"chat_id": 42, "text": "JSON och gemener"})
        assert as_json.json()["ok"] is True and as_json.json()["result"]["message_id"] == 1
    assert [c.method for c in fake.calls][-1] == "sendMessage"  # the spec's spelling


def test_rate_limits_on_a_fake_clock() -> None:
    clock = FakeClock()
    with FakeTelegramAPI(enforce_limits=True, clock=clock) as fake:

        async def body(bot: Bot) -> None:
            await bot.send_message(ANNA, "ett")
            with pytest.raises(RetryAfter) as private:
                await bot.send_message(ANNA, "två")
            assert retry_seconds(private.value) == 1
            await bot.edit_message_text("ett!", chat_id=ANNA, message_id=1)  # edits and actions do not count
            await bot.send_chat_action(ANNA, "typing")
            clock.advance(1.0)
            await bot.send_message(ANNA, "två")

            for _ in range(20):
                await bot.send_message(GROUP, "grupp")
            clock.advance(10.0)
            with pytest.raises(RetryAfter) as group:
                await bot.send_message(GROUP, "en för mycket")
            assert retry_seconds(group.value) == 50

            clock.advance(60.0)
            for chat in range(1000, 1030):
                await bot.send_message(chat, "utskick")
            with pytest.raises(RetryAfter) as overall:
                await bot.send_message(2000, "trettioförsta")
            assert retry_seconds(overall.value) == 1
            clock.advance(1.0)
            await bot.send_message(2000, "trettioförsta")

        with_bot(fake, body)
        assert [c.status for c in fake.calls_to("sendMessage")].count(429) == 3
        assert fake.texts_to(ANNA) == ["ett", "två"]


def test_uploads_and_file_downloads(fake: FakeTelegramAPI) -> None:
    async def body(bot: Bot) -> None:
        photo = await bot.send_photo(ANNA, PNG, caption="<i>Lägesbild</i>", parse_mode="HTML")
        assert photo.caption == "Lägesbild" and photo.caption_entities[0].type == "italic"
        assert [(p.width, p.height) for p in photo.photo] == [(2, 3)]
        file = await bot.get_file(photo.photo[-1].file_id)
        assert bytes(await file.download_as_bytearray()) == PNG
        again = await bot.send_photo(GROUP, photo.photo[-1].file_id)  # by file_id, as Telegram allows
        assert again.photo[-1].file_id == photo.photo[-1].file_id

        document = await bot.send_document(ANNA, b"# Veckorapport\n", filename="veckorapport-2026-W47.md")
        assert document.document is not None and document.document.file_name == "veckorapport-2026-W47.md"
        assert document.document.file_size == 15
        with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
            await bot.send_photo(ANNA, b"not an image")
        with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
            await bot.send_photo(ANNA, "no-such-file-id")

    with_bot(fake, body)
    upload = fake.calls_to("sendPhoto")[0]
    assert upload.body_format == "multipart" and upload.params["photo"].data == PNG


def test_bot_commands_per_scope_and_language(fake: FakeTelegramAPI) -> None:
    async def body(bot: Bot) -> None:
        scope = BotCommandScopeChat(GROUP)
        commands = [BotCommand("status", "Hur går veckan"), BotCommand("rapport", "Starta rapporten")]
        assert await bot.set_my_commands(commands, scope=scope, language_code="sv") is True
        assert await bot.get_my_commands(scope=scope, language_code="sv") == tuple(commands)
        assert await bot.get_my_commands() == ()
        with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
            await bot.set_my_commands([BotCommand("Rapport", "versaler")])
        assert await bot.delete_my_commands(scope=scope, language_code="sv") is True
        assert await bot.get_my_commands(scope=scope, language_code="sv") == ()

    with_bot(fake, body)


class _Receiver(ThreadingHTTPServer):
    def __init__(self, answers: list[int]) -> None:
        super().__init__(("127.0.0.1", 0), _ReceiverHandler)
        self.answers = answers
        self.received: list[tuple[str | None, dict[str, Any]]] = []


class _ReceiverHandler(BaseHTTPRequestHandler):
    server: _Receiver

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.received.append((self.headers.get("X-Telegram-Bot-Api-Secret-Token"), body))
        self.send_response(self.server.answers.pop(0) if self.server.answers else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_webhook_delivery_with_secret_and_retry() -> None:
    receiver = _Receiver(answers=[500])
    threading.Thread(target=receiver.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    url = f"http://127.0.0.1:{receiver.server_address[1]}/telegram"
    try:
        with FakeTelegramAPI(webhook_retry_delay=0.05) as fake:

            async def body(bot: Bot) -> None:
                with pytest.raises(BadRequest, match=r"(?i)https url must be provided"):
                    await bot.set_webhook("http://example.org/hook")
                assert await bot.set_webhook(url, secret_token="est-secret_1") is True
                pushed = fake.push_update(fake.message_update(ANNA, ANNA, "via webhook"))
                deadline = time.monotonic() + 5
                while not fake.webhook_deliveries and time.monotonic() < deadline:
                    await asyncio.sleep(0.01)
                assert fake.webhook_deliveries == [pushed]
                info = await bot.get_webhook_info()
                assert info.url == url and info.pending_update_count == 0
                assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
                with pytest.raises(Conflict):
                    await bot.get_updates()
                assert await bot.delete_webhook() is True
                assert await bot.get_updates() == ()

            with_bot(fake, body)
        assert [secret for secret, _ in receiver.received] == ["est-secret_1", "est-secret_1"]  # a 500, then the retry
        assert receiver.received[1][1]["message"]["text"] == "via webhook"
    finally:
        receiver.shutdown()
        receiver.server_close()


def test_application_polling_end_to_end(fake: FakeTelegramAPI) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"Hej! ({' '.join(context.args or [])})")

    async def main() -> None:
        app = Application.builder().token(fake.token).base_url(fake.base_url).base_file_url(fake.base_file_url).build()
        app.add_handler(CommandHandler("rapport", start))
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0, timeout=1)
            fake.push_update(fake.command_update(ANNA, ANNA, "rapport", "nu"))
            await fake.wait_for_calls_async("sendMessage", timeout=5)
            await app.updater.stop()
            await app.stop()

    asyncio.run(main())
    assert fake.texts_to(ANNA) == ["Hej! (nu)"]
    assert fake.calls_to("sendMessage")[0].params["chat_id"] == ANNA
    assert fake.pending_updates == []  # PTB confirmed the update on the way out
    fake.assert_no_errors()


def test_concurrent_sends_get_distinct_increasing_ids(fake: FakeTelegramAPI) -> None:
    async def body(bot: Bot) -> None:
        sent = await asyncio.gather(*(bot.send_message(ANNA, f"nr {i}") for i in range(25)))
        assert sorted(m.message_id for m in sent) == list(range(1, 26))

    with_bot(fake, body)
    assert len(fake.calls_to("sendMessage")) == 25


def test_html_parse_mode_entities_and_errors() -> None:
    text, entities = parse_html(
        '😀 <b>fet <i>och</i></b> <a href="https://polisen.se">länk</a>\n<pre><code class="language-sql">x</code></pre>'
    )
    assert text == "😀 fet och länk\nx"
    assert entities == [
        {"offset": 3, "length": 7, "type": "bold"},  # the emoji is two UTF-16 code units
        {"offset": 7, "length": 3, "type": "italic"},
        {"offset": 11, "length": 4, "type": "text_link", "url": "https://polisen.se"},
        {"offset": 16, "length": 1, "type": "pre", "language": "sql"},
    ]
    assert parse_html("a &lt;b&gt; &amp;c &#228; &nbsp;") == ("a <b> &c ä &nbsp;", [])
    for bad, message in [
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ('<span class="x">y</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ]:
        with pytest.raises(Exception, match="can't parse entities") as caught:
            parse_html(bad)
        assert str(caught.value).endswith(message)
