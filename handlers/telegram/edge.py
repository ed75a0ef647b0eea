"""Telegram edge on python-telegram-bot.

Updates become neutral `Inbound`s (`update_to_inbound`); the listeners (handlers/telegram/listeners.py) hand
them to the intake (bot/intake.py) and answer a callback query. The `TelegramSender` delivers outbox rows with
the real PTB `Bot`: inline keyboards for choices, HTML parse mode with every user text escaped, edits in place
for a message's `ref`. A document (the picture, the report) is laid out as HTML by
handlers/telegram/documents.py, in several messages where it is long.

The outbox is drained in the intake's sender thread (database work never blocks the loop); each Bot API call
is scheduled back on the loop that owns the PTB application.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import html
import logging
import time
from collections.abc import Callable, Coroutine
from functools import partial
from typing import Any, TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, NetworkError
from telegram.error import RetryAfter as TgRetryAfter
from telegram.ext import Application

from bot.conversation.document import Document
from bot.conversation.messages import Attachment, Inbound, Outbound
from bot.domain.model import OutboxItem
from bot.outbox import PermanentFailure, RetryAfter, Unreachable
from bot.ratelimit import Limiter, RateLimiter, hold_for_all, next_part, telegram_limits
from handlers.telegram.documents import document_messages

log = logging.getLogger(__name__)
PLATFORM = "telegram"
MAX_TEXT = 4096
T = TypeVar("T")


def update_to_inbound(update: Update) -> Inbound | None:
    """A Telegram update as a neutral Inbound, or None for what the bot does not take (edits, joins, …).

    The sender is the numeric user id, never a username; `chat` is set only outside private chats.
    """
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return None
    sender = str(user.id)
    where = None if chat.type == "private" else str(chat.id)
    event_id = str(update.update_id)
    if update.callback_query is not None:
        return Inbound(
            PLATFORM, sender, "choice", choice=update.callback_query.data or "", chat=where, event_id=event_id
        )
    message = update.message
    if message is None:
        return None
    if message.location is not None:
        loc = (message.location.latitude, message.location.longitude)
        return Inbound(PLATFORM, sender, "location", location=loc, chat=where, event_id=event_id)
    text = message.text or ""
    if text.startswith("/"):
        head, _, rest = text.partition(" ")
        command = head[1:].split("@", 1)[0].lower()
        return Inbound(
            PLATFORM, sender, "command", command=command, args=tuple(rest.split()), chat=where, event_id=event_id
        )
    if not text:
        return None
    return Inbound(PLATFORM, sender, "text", text=text, chat=where, event_id=event_id)


def render(out: Outbound) -> tuple[str, InlineKeyboardMarkup | None]:
    """HTML text (all of it escaped: the core's text is plain) and the inline keyboard."""
    text = html.escape(fit(out.text, MAX_TEXT), quote=False)
    markup = None
    if out.choices:
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton(c.label[:64], callback_data=c.id) for c in row] for row in out.choices if row]
        )
    return text, markup


def _pages(out: Outbound) -> list[str] | None:
    """A document's HTML messages (the picture, the report), or None for a message that is not a document."""
    doc = out.data.get("document")
    return document_messages(Document.from_json(doc)) if isinstance(doc, dict) else None


def fit(text: str, limit: int) -> str:
    """`text` cut to Telegram's limit, which counts the text as shown (after the HTML is parsed, so the cut
    comes before escaping and never splits an entity like `&lt;`) in UTF-16 code units (an emoji is two)."""
    if len(text.encode("utf-16-le")) // 2 <= limit:
        return text
    units = 0
    for i, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit - 1:
            return text[:i] + "…"
    return text


class TelegramSender:
    """Delivers outbox rows for Telegram; called from a worker thread, runs Bot API calls on the app's loop."""

    platform = PLATFORM

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        loop: asyncio.AbstractEventLoop,
        timeout: float = 60.0,
        limiter: Limiter | None = None,
    ) -> None:
        self.application = application
        self.loop = loop
        self.timeout = timeout
        self.limiter: Limiter = limiter or RateLimiter()

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(self.timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()  # the call must not finish later behind the retry's back
            raise TimeoutError(f"no answer from Telegram within {self.timeout:.0f} s") from None

    def send(self, item: OutboxItem, out: Outbound, message_id: str | None) -> str | None:
        chat_id = int(item.address)
        try:
            pages = _pages(out)
            if pages is not None and (len(pages) > 1 or message_id is None):
                return self._send_pages(chat_id, out, pages)
            if message_id is None:  # new messages are paced; edits of an existing one are not counted
                self.limiter.acquire(PLATFORM, telegram_limits(chat_id))
            sent = self._run(self._send(chat_id, out, message_id, pages[0] if pages else None))
            if sent != message_id:  # a new message (not an edit): its files follow it
                self._attachments(chat_id, out)
            return sent
        except TgRetryAfter as exc:
            seconds = exc.retry_after
            raise RetryAfter(seconds if isinstance(seconds, int | float) else seconds.total_seconds()) from exc
        except Forbidden as exc:  # the user blocked the bot or left: no retry helps
            raise PermanentFailure(str(exc)) from exc
        except BadRequest as exc:
            if "chat not found" in str(exc).lower():
                raise PermanentFailure(str(exc)) from exc
            raise
        except (NetworkError, TimeoutError) as exc:  # no connection, a timeout, Telegram's 5xx: not this message
            raise Unreachable(f"Telegram: {exc}") from exc

    def _attachments(self, chat_id: int, out: Outbound) -> None:
        """Attachments follow the text: images as photos, other files (PDF, XLSX, CSV) as documents, each a
        message of its own that Telegram counts, so each waits for its turn like one (however long: the text is
        out). A 429 holds the platform for the whole bot and the file is tried again after it; any other failure
        costs that file, never the text, and is not retried: the row is already delivered, and retrying it would
        repeat the text."""
        for attachment in out.attachments:
            kind = "photo" if attachment.mime.startswith("image/") else "document"
            try:  # a lost connection is not tried again: the photo may have arrived
                self._later_part(chat_id, partial(self._send_attachment, chat_id, kind, attachment), retry_lost=False)
            except Exception as exc:  # whatever it is, only this file is lost
                log.warning("%s %s to %s not sent (%s); the text goes alone", kind, attachment.filename, chat_id, exc)

    async def _send_attachment(self, chat_id: int, kind: str, attachment: Attachment) -> None:
        bot = self.application.bot
        with open(attachment.path, "rb") as fh:
            if kind == "photo":
                await bot.send_photo(chat_id, photo=fh, filename=attachment.filename)
            else:
                await bot.send_document(chat_id, document=fh, filename=attachment.filename)

    def _send_pages(self, chat_id: int, out: Outbound, pages: list[str]) -> str:
        """A document in as many messages as it needs, each paced like any new message; the keyboard and the
        files come after the last. Returns the first message's id."""
        _, markup = render(out)
        self.limiter.acquire(PLATFORM, telegram_limits(chat_id))  # the first: a 429 or Later gives the row back
        sent = self._run(
            self.application.bot.send_message(
                chat_id, pages[0], parse_mode="HTML", reply_markup=None if len(pages) > 1 else markup
            )
        )
        first = str(sent.message_id)
        for n, page in enumerate(pages[1:], start=2):  # once the first is out, the others wait for their turn
            keyboard = markup if n == len(pages) else None
            send = partial(self.application.bot.send_message, chat_id, page, parse_mode="HTML", reply_markup=keyboard)
            self._later_part(chat_id, send)
        self._attachments(chat_id, out)
        return first

    def _later_part(self, chat_id: int, call: Callable[[], Coroutine[Any, Any, Any]], retry_lost: bool = True) -> Any:
        """A later part of a message (a document's next page, a file after its text): sent here once its turn
        comes, however long. A 429 on it is held for the whole bot (`hold_for_all`: every process's next turn
        waits it out) and the part is tried again after it; a lost connection too, after a pause. Handing it back
        to the outbox would send the parts already delivered again. `retry_lost`: False for a file, which a lost
        answer may have delivered."""
        waits = [1.0, 2.0, 4.0, 8.0, 16.0]
        while True:
            next_part(self.limiter, PLATFORM, telegram_limits(chat_id))
            try:
                return self._run(call())
            except TgRetryAfter as exc:
                if not waits:
                    raise
                waits.pop()
                seconds = exc.retry_after
                hold_for_all(
                    self.limiter, PLATFORM, seconds if isinstance(seconds, int | float) else seconds.total_seconds()
                )
            except NetworkError as exc:  # BadRequest is a NetworkError in PTB, and no retry mends it
                if isinstance(exc, BadRequest) or not retry_lost or not waits:
                    raise
                time.sleep(waits.pop(0))

    async def _send(self, chat_id: int, out: Outbound, message_id: str | None, html_text: str | None = None) -> str:
        bot = self.application.bot
        text, markup = render(out)
        text = html_text or text
        if message_id is not None:
            try:
                await bot.edit_message_text(
                    text, chat_id=chat_id, message_id=int(message_id), parse_mode="HTML", reply_markup=markup
                )
                return message_id
            except BadRequest as exc:
                reason = str(exc).lower()
                if "not modified" in reason:
                    return message_id  # a repeat of the same edit: already shown
                if "not found" not in reason and "can't be edited" not in reason:
                    raise
        sent = await bot.send_message(chat_id, text, parse_mode="HTML", reply_markup=markup)
        return str(sent.message_id)
