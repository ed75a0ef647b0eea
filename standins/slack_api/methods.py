"""The Web API methods the stand-in implements: auth, chat, conversations, views, reactions, users, files, apps."""

from __future__ import annotations

import copy
import mimetypes
import secrets
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # slack_sdk's async client needs aiohttp; the server itself does not
    pass

from standins.slack_api.model import MAX_TEXT_LENGTH, UploadedFile, _ApiError, _Request, _truthy
from standins.slack_api.state import SlackState
from standins.slack_api.validation import validate_view


class SlackMethods(SlackState):
    """One method per Web API call; each takes the checked request and returns the answer's fields."""

    # ------------------------------------------------------------------ methods

    def _auth_test(self, req: _Request) -> dict[str, Any]:
        return {
            "url": f"https://{self.team.lower().replace(' ', '-')}.slack.com/",
            "team": self.team,
            "user": self.bot_name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, req: _Request) -> dict[str, Any]:
        channel = self._resolve_channel(req.params.get("channel"))
        self._check_content(req.params, need_content=True)
        ts = self._next_ts()
        message = self._bot_message(ts, req.params)
        thread_ts = message.get("thread_ts")
        if isinstance(thread_ts, str):
            parent = self._messages.get(channel, {}).get(thread_ts)
            if parent is not None:
                parent["reply_count"] = parent.get("reply_count", 0) + 1
                parent["thread_ts"] = thread_ts
                parent["latest_reply"] = ts
        self._messages.setdefault(channel, {})[ts] = message
        return {"channel": channel, "ts": ts, "message": copy.deepcopy(message)}

    def _chat_update(self, req: _Request) -> dict[str, Any]:
        channel = self._resolve_channel(req.params.get("channel"))
        message = self._find_message(channel, req.params.get("ts"))
        self._check_content(req.params, need_content=False)
        for name in ("text", "blocks", "attachments", "metadata"):
            if name in req.params and req.params[name] is not None:
                if name == "text" or req.params[name] not in ("", []):
                    message[name] = req.params[name]
                else:  # an empty value removes blocks / attachments / metadata
                    message.pop(name, None)
        message["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        return {"channel": channel, "ts": message["ts"], "text": message["text"], "message": copy.deepcopy(message)}

    def _chat_post_ephemeral(self, req: _Request) -> dict[str, Any]:
        channel = self._resolve_channel(req.params.get("channel"))
        user = self._required(req.params, "user")
        self._check_content(req.params, need_content=True)
        ts = self._next_ts()
        entry = self._bot_message(ts, req.params)
        entry.update(channel=channel, user=user)
        self._ephemerals.append(entry)
        return {"message_ts": ts}

    def _chat_delete(self, req: _Request) -> dict[str, Any]:
        channel = self._resolve_channel(req.params.get("channel"))
        message = self._find_message(channel, req.params.get("ts"))
        del self._messages[channel][message["ts"]]
        return {"channel": channel, "ts": message["ts"]}

    def _conversations_open(self, req: _Request) -> dict[str, Any]:
        channel = req.params.get("channel")
        if isinstance(channel, str) and channel:
            return {"no_op": True, "already_open": True, "channel": {"id": channel}}
        raw = req.params.get("users")
        users = raw if isinstance(raw, list) else str(raw or "").split(",")
        users = [u.strip() for u in users if isinstance(u, str) and u.strip()]
        if not users:
            raise _ApiError("users_list_not_supplied", "users or channel is required")
        if len(users) > 8:
            raise _ApiError("too_many_users", "at most 8 users")
        for user in users:
            if user[0] not in "UW":
                raise _ApiError("user_not_found", f"{user!r} is not a user id")
        if len(users) == 1:
            already = users[0] in self._dms
            channel_id = self.dm_channel(users[0])
        else:
            key = tuple(sorted(set(users)))
            already = key in self._mpims
            if not already:
                self._mpims[key] = self._new_id("G")
            channel_id = self._mpims[key]
        result: dict[str, Any] = {"channel": {"id": channel_id}}
        if already:
            result.update(no_op=True, already_open=True)
        if _truthy(req.params.get("return_im")):
            result["channel"].update(
                created=1_700_000_000, is_im=len(users) == 1, is_mpim=len(users) > 1, user=users[0], is_open=True
            )
        return result

    def _conversations_info(self, req: _Request) -> dict[str, Any]:
        channel = self._required(req.params, "channel")
        with self._lock:
            found = self._channels.get(channel)
            if found is None:  # as Slack answers for a private channel the bot is not in, too
                raise _ApiError("channel_not_found", f"no channel {channel} (add_channel sets one up)")
            return {"channel": copy.deepcopy(found)}

    def _stored_view(self, view: dict[str, Any], view_id: str, previous: dict[str, Any] | None) -> dict[str, Any]:
        stored = {k: v for k, v in view.items() if k not in {"id", "hash", "state"}}
        stored.update(
            id=view_id,
            team_id=self.team_id,
            app_id=self.app_id,
            bot_id=self.bot_id,
            hash=self._next_ts(),
            state={"values": {}},
            root_view_id=(previous or {}).get("root_view_id", view_id),
            previous_view_id=None,
        )
        stored.setdefault("private_metadata", "")
        stored.setdefault("callback_id", "")
        stored.setdefault("external_id", "")
        self._views[view_id] = stored
        return {"view": copy.deepcopy(stored)}

    def _checked_view(self, req: _Request, types: tuple[str, ...]) -> dict[str, Any]:
        view = req.params.get("view")
        if view is None:
            raise _ApiError("invalid_arguments", "missing required field: view")
        problem = validate_view(view, types=types, strict=self.strict_blocks)
        if problem:
            raise _ApiError("invalid_blocks", problem)
        assert isinstance(view, dict)
        return view

    def _views_open(self, req: _Request) -> dict[str, Any]:
        trigger = req.params.get("trigger_id") or req.params.get("interactivity_pointer")
        if not isinstance(trigger, str) or not trigger:
            raise _ApiError("invalid_arguments", "missing required field: trigger_id")
        view = self._checked_view(req, ("modal",))
        if trigger in self._used_triggers:
            raise _ApiError("trigger_exchanged", f"trigger_id {trigger} was already used")
        self._used_triggers.add(trigger)
        return self._stored_view(view, self._new_id("V"), None)

    def _views_update(self, req: _Request) -> dict[str, Any]:
        view_id = req.params.get("view_id")
        external_id = req.params.get("external_id")
        current: dict[str, Any] | None = None
        if isinstance(view_id, str) and view_id:
            current = self._views.get(view_id)
        elif isinstance(external_id, str) and external_id:
            current = next((v for v in self._views.values() if v.get("external_id") == external_id), None)
        else:
            raise _ApiError("invalid_arguments", "view_id or external_id is required")
        if current is None:
            raise _ApiError("not_found", f"no view {view_id or external_id}")
        view = self._checked_view(req, (current["type"],))
        expected = req.params.get("hash")
        if expected and expected != current["hash"]:
            raise _ApiError("hash_conflict", "the view was updated since hash was read")
        return self._stored_view(view, current["id"], current)

    def _views_publish(self, req: _Request) -> dict[str, Any]:
        user_id = self._required(req.params, "user_id")
        view = self._checked_view(req, ("home",))
        current_id = self._home_views.get(user_id)
        current = self._views.get(current_id) if current_id else None
        expected = req.params.get("hash")
        if current is not None and expected and expected != current["hash"]:
            raise _ApiError("hash_conflict", "the home tab was updated since hash was read")
        view_id = current_id or self._new_id("V")
        self._home_views[user_id] = view_id
        return self._stored_view(view, view_id, current)

    def _reactions_add(self, req: _Request) -> dict[str, Any]:
        channel = self._resolve_channel(req.params.get("channel"))
        name = str(req.params.get("name") or "").strip(":")
        if not name:
            raise _ApiError("invalid_name", "name is required")
        message = self._find_message(channel, req.params.get("timestamp"))
        reactions: list[dict[str, Any]] = message.setdefault("reactions", [])
        for reaction in reactions:
            if reaction["name"] == name:
                if self.bot_user_id in reaction["users"]:
                    raise _ApiError("already_reacted", f":{name}: is already on {message['ts']}")
                reaction["users"].append(self.bot_user_id)
                reaction["count"] += 1
                return {}
        reactions.append({"name": name, "users": [self.bot_user_id], "count": 1})
        return {}

    def _users_info(self, req: _Request) -> dict[str, Any]:
        user_id = req.params.get("user")
        user = self._users.get(user_id) if isinstance(user_id, str) else None
        if user is None:
            raise _ApiError("user_not_found", f"no user {user_id!r} (register it with fake.add_user)")
        result = copy.deepcopy(user)
        if not _truthy(req.params.get("include_locale")):
            result.pop("locale", None)
        return {"user": result}

    def _files_get_upload_url_external(self, req: _Request) -> dict[str, Any]:
        filename = self._required(req.params, "filename")
        try:
            length = int(req.params.get("length", ""))
        except (TypeError, ValueError):
            raise _ApiError("invalid_arguments", "length must be an integer") from None
        if length <= 0:
            raise _ApiError("invalid_arguments", "length must be positive")
        file_id = self._new_id("F")
        key = secrets.token_urlsafe(12)
        self._files[file_id] = UploadedFile(
            id=file_id,
            filename=filename,
            length=length,
            upload_key=key,
            alt_txt=req.params.get("alt_txt"),
            snippet_type=req.params.get("snippet_type"),
        )
        self._uploads[key] = file_id
        return {"upload_url": f"{self.root_url}/upload/v1/{key}", "file_id": file_id}

    def _file_object(self, f: UploadedFile) -> dict[str, Any]:
        mimetype = mimetypes.guess_type(f.filename)[0] or "application/octet-stream"
        url = f"{self.root_url}/files-pri/{self.team_id}-{f.id}/{f.filename}"
        return {
            "id": f.id,
            "created": 1_700_000_000,
            "timestamp": 1_700_000_000,
            "name": f.filename,
            "title": f.title or f.filename,
            "mimetype": mimetype,
            "filetype": f.filename.rsplit(".", 1)[-1].lower() if "." in f.filename else "binary",
            "user": self.bot_user_id,
            "size": len(f.content or b""),
            "url_private": url,
            "permalink": f"https://{self.team_id.lower()}.slack.com/files/{self.bot_user_id}/{f.id}/{f.filename}",
            "alt_txt": f.alt_txt,
        }

    def _files_complete_upload_external(self, req: _Request) -> dict[str, Any]:
        entries = req.params.get("files")
        if not isinstance(entries, list) or not entries:
            raise _ApiError("invalid_arguments", "files must be a non-empty JSON array of {id, title}")
        uploaded: list[UploadedFile] = []
        for entry in entries:
            file_id = entry.get("id") if isinstance(entry, dict) else None
            f = self._files.get(file_id) if isinstance(file_id, str) else None
            if f is None or f.content is None:
                raise _ApiError("file_not_found", f"file {file_id!r} was not uploaded")
            if f.completed:
                raise _ApiError("file_not_found", f"file {file_id!r} was already completed")
            uploaded.append(f)
        channels: list[str] = []
        channel_id = req.params.get("channel_id")
        if isinstance(channel_id, str) and channel_id:
            channels.append(self._resolve_channel(channel_id))
        for c in str(req.params.get("channels") or "").split(","):
            if c.strip() and self._resolve_channel(c) not in channels:
                channels.append(self._resolve_channel(c))
        comment = req.params.get("initial_comment")
        thread_ts = req.params.get("thread_ts")
        if isinstance(comment, str) and len(comment) > MAX_TEXT_LENGTH:
            raise _ApiError("msg_too_long", "initial_comment is too long")
        for f, entry in zip(uploaded, entries, strict=True):
            f.title = entry.get("title") or f.filename
            f.completed = True
            f.channels = channels
            f.initial_comment = comment if isinstance(comment, str) else None
            f.thread_ts = thread_ts if isinstance(thread_ts, str) else None
        objects = [self._file_object(f) for f in uploaded]
        for channel in channels:  # Slack shares the files as a message from the bot
            ts = self._next_ts()
            message = self._bot_message(ts, {"text": comment or "", "thread_ts": thread_ts})
            message.update(subtype="file_share", upload=True, files=copy.deepcopy(objects))
            self._messages.setdefault(channel, {})[ts] = message
        return {"files": objects}

    def _apps_connections_open(self, req: _Request) -> dict[str, Any]:
        ticket = secrets.token_hex(8)
        base = self.socket_mode_url or f"ws://127.0.0.1:{self.port}/link/"
        return {"url": f"{base}{'&' if '?' in base else '?'}ticket={ticket}&app_id={self.app_id}"}
