"""The Bot API methods the stand-in implements: getMe, messages, edits, callback answers, commands, files, getChat and
getChatMember."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from standins.telegram_api.model import (
    _CHAT_ACTIONS,
    _COMMAND_RE,
    _NOT_MODIFIED,
    _QUERY_INVALID,
    ApiError,
    UploadedFile,
    _bad,
    _image_size,
    _scope_key,
    _StoredFile,
)
from standins.telegram_api.state import TelegramState


class BotApiMethods(TelegramState):
    """sendMessage, sendPhoto, sendDocument, edits, deleteMessage, answerCallbackQuery, commands, getFile."""

    # ------------------------------------------------------------------ methods

    def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        me = {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
            "has_topics_enabled": False,
        }
        known = self.spec.types["User"].fields
        return {k: v for k, v in me.items() if k in known}

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._new_message(params, self._text_content(params))

    def _send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        photo = params["photo"]
        if isinstance(photo, UploadedFile):
            size = _image_size(photo.data)
            if size is None:
                raise _bad("IMAGE_PROCESS_FAILED")
            stored = self._store_file(photo.data, "photos", "jpg")
        else:
            stored = self._existing_file(photo, "photos")
            size = _image_size(stored.data) or (800, 600)
        sizes = self._photo_sizes(stored, size)
        return self._new_message(params, {"photo": sizes, **self._caption_content(params)})

    def _photo_sizes(self, stored: _StoredFile, size: tuple[int, int]) -> list[dict[str, Any]]:
        width, height = size
        sizes: list[dict[str, Any]] = []
        for side in (90, 320, 800, 1280, 2560):
            scale = min(1.0, side / max(width, height, 1))
            sized = stored if scale == 1.0 else self._store_file(stored.data, "photos", "jpg")
            sizes.append(
                {
                    "file_id": sized.file_id,
                    "file_unique_id": sized.file_unique_id,
                    "file_size": max(1, int(len(stored.data) * scale * scale)),
                    "width": max(1, round(width * scale)),
                    "height": max(1, round(height * scale)),
                }
            )
            if scale == 1.0:
                break
        return sizes

    def _send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        document = params["document"]
        if isinstance(document, UploadedFile):
            if not document.data:
                raise _bad("file must be non-empty")
            extension = Path(document.filename).suffix.lstrip(".") or "bin"
            stored = self._store_file(document.data, "documents", extension)
            info = {"file_name": document.filename, "mime_type": document.content_type}
        else:
            stored = self._existing_file(document, "documents")
            info = {"file_name": Path(stored.file_path).name}
        doc = {
            **info,
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
        }
        return self._new_message(params, {"document": doc, **self._caption_content(params)})

    def _send_chat_action(self, params: dict[str, Any]) -> bool:
        self._target_chat(params)
        if params["action"] not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    def _finish_edit(self, message: dict[str, Any], changes: dict[str, Any], drop: tuple[str, ...]) -> dict[str, Any]:
        updated = {k: v for k, v in message.items() if k not in drop and k != "edit_date"}
        updated.update(changes)
        before = {k: v for k, v in message.items() if k != "edit_date"}
        if updated == before:
            raise ApiError(400, _NOT_MODIFIED)
        updated["edit_date"] = int(self.clock())
        message.clear()
        message.update(updated)
        return copy.deepcopy(message)

    @staticmethod
    def _markup_change(params: dict[str, Any]) -> dict[str, Any]:
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and markup.get("inline_keyboard"):
            return {"reply_markup": {"inline_keyboard": copy.deepcopy(markup["inline_keyboard"])}}
        return {}

    def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._editable(params)
        if "text" not in message:
            raise _bad("there is no text in the message to edit")
        content = self._text_content(params)
        return self._finish_edit(message, {**content, **self._markup_change(params)}, ("entities", "reply_markup"))

    def _edit_message_caption(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._editable(params)
        if "text" in message:
            raise _bad("there is no caption in the message to edit")
        content = self._caption_content(params)
        drop = ("caption", "caption_entities", "reply_markup")
        return self._finish_edit(message, {**content, **self._markup_change(params)}, drop)

    def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._editable(params)
        return self._finish_edit(message, self._markup_change(params), ("reply_markup",))

    def _delete_message(self, params: dict[str, Any]) -> bool:
        chat_id = self._target_chat(params)
        if self._messages.pop((chat_id, params["message_id"]), None) is None:
            raise _bad("message to delete not found")
        return True

    def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = params["callback_query_id"]
        if query_id not in self._open_callbacks:
            raise ApiError(400, _QUERY_INVALID)
        if len(params.get("text", "")) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        self._open_callbacks.discard(query_id)
        self._callback_answers[query_id] = copy.deepcopy(params)
        return True

    def _commands_key(self, params: dict[str, Any]) -> tuple[str, str]:
        language = params.get("language_code", "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise _bad("invalid language code specified")
        return _scope_key(params.get("scope")), language

    def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params["commands"]
        if len(commands) > 100:
            raise _bad("too many commands")
        for c in commands:
            if not _COMMAND_RE.fullmatch(c["command"]):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(c["description"]) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(params)
        if commands:
            self._commands[key] = copy.deepcopy(commands)
        else:
            self._commands.pop(key, None)
        return True

    def _get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return copy.deepcopy(self._commands.get(self._commands_key(params), []))

    def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self._files.get(params["file_id"])
        if stored is None:
            raise _bad("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    def _get_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._resolve_chat(params["chat_id"])
        return self._complete("ChatFullInfo", {**self._chat_object(chat_id), "accent_color_id": 0})

    def _get_chat_member(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._resolve_chat(params["chat_id"])
        user_id = params["user_id"]
        set_up = self._members.get((chat_id, user_id))
        if set_up is None:
            set_up = {"status": "member" if user_id == self.bot_id else "left"}
        kind = _MEMBER_TYPES[set_up["status"]]
        user = self.bot_user if user_id == self.bot_id else self._user_object(user_id)
        return self._complete(kind, {**set_up, "user": user})

    def _complete(self, type_name: str, given: dict[str, Any]) -> dict[str, Any]:
        """`given`, with every field the Bot API requires of `type_name` that it lacks (false, 0, "" or an object
        so filled), and without fields the type does not have."""
        fields = self.spec.types[type_name].fields
        out = {k: v for k, v in given.items() if k in fields}
        for name, f in fields.items():
            if not f.required or name in out:
                continue
            kind = f.types[0]
            if kind == "Boolean":
                out[name] = False
            elif kind == "Integer":
                out[name] = 0
            elif kind == "String":
                out[name] = ""
            elif kind in self.spec.types:
                out[name] = self._complete(kind, {})
        return out


#: getChatMember's status -> the ChatMember type that carries it.
_MEMBER_TYPES = {
    "creator": "ChatMemberOwner",
    "administrator": "ChatMemberAdministrator",
    "member": "ChatMemberMember",
    "restricted": "ChatMemberRestricted",
    "left": "ChatMemberLeft",
    "kicked": "ChatMemberBanned",
}
