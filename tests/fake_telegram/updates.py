"""Building the updates a test feeds to the bot: commands, messages, button presses, membership."""

from __future__ import annotations

import time

from tests.fake_telegram.entities import (
    JSON,
    utf16_len,
)
from tests.fake_telegram.params import Upload
from tests.fake_telegram.state import _NOT_BY_DEFAULT


class UpdateBuilders:
    """Mixin of FakeTelegram: updates as Telegram would send them (built, not queued)."""

    # ---- updates -----------------------------------------------------------------------------------

    def push_update(self, update: JSON) -> JSON:
        """Queue an update for ``getUpdates`` (assigning ``update_id`` if missing); return it.

        Like Telegram, an update of a kind the last ``allowed_updates`` excluded is never delivered
        (it lands in ``dropped_updates``); by default chat_member and reactions are excluded.
        """
        with self._lock:
            if "update_id" not in update:
                update["update_id"] = next(self._update_ids)
            kinds = set(update) - {"update_id"}
            if kinds & _NOT_BY_DEFAULT if self._allowed_updates is None else kinds - self._allowed_updates:
                self.dropped_updates.append(update)
                return update
            self._updates.append(update)
            self._updated.notify_all()
        return update

    def user(
        self,
        user_id: int,
        *,
        username: str | None = None,
        language_code: str | None = "zh-hans",
        first_name: str | None = None,
    ) -> JSON:
        """A Bot API ``User`` for ``user_id`` (remembered for later updates)."""
        with self._lock:
            known = self._users.get(user_id, {})
            user: JSON = {
                "id": user_id,
                "is_bot": False,
                "first_name": first_name or known.get("first_name") or f"User{user_id}",
            }
            if username or known.get("username"):
                user["username"] = username or known["username"]
            if language_code:
                user["language_code"] = language_code
            self._users[user_id] = user
            return user

    def register_chat(
        self, chat_id: int, chat_type: str | None = None, *, title: str | None = None, user: JSON | None = None
    ) -> JSON:
        """Make ``chat_id`` known (type inferred from the sign when not given); return the ``Chat``."""
        with self._lock:
            if chat_id in self._chats and chat_type is None:
                return self._chats[chat_id]
            kind = chat_type or (
                "private" if chat_id > 0 else "supergroup" if chat_id <= -1_000_000_000_000 else "group"
            )
            chat: JSON = {"id": chat_id, "type": kind}
            if kind == "private":
                chat["first_name"] = (user or {}).get("first_name", f"User{chat_id}")
                if user and "username" in user:
                    chat["username"] = user["username"]
            else:
                chat["title"] = title or f"Group {chat_id}"
            self._chats[chat_id] = chat
            return chat

    def message(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        *,
        chat_type: str = "private",
        language_code: str | None = "zh-hans",
        username: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> JSON:
        """Build (not queue) an update: a user's text message, stored so the bot can reply to it."""
        with self._lock:
            user = self.user(user_id, username=username, language_code=language_code)
            chat = self.register_chat(chat_id, chat_type, user=user)
            extra: JSON = {"text": text}
            if text.startswith("/"):
                extra["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": utf16_len(text.split(maxsplit=1)[0])}
                ]
            msg = self._store(chat, user, extra, self._reply_target(chat_id, reply_to_message_id))
            return {"update_id": next(self._update_ids), "message": self._view(msg)}

    def command(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        chat_type: str = "private",
        language_code: str | None = "zh-hans",
        username: str | None = None,
    ) -> JSON:
        """Build (not queue) a command update, e.g. ``"/sub 液相色谱"``, with its ``bot_command`` entity."""
        if not text.startswith("/"):
            raise ValueError(f"a command starts with '/': {text!r}")
        return self.message(chat_id, user_id, text, chat_type=chat_type, language_code=language_code, username=username)

    def callback(
        self,
        chat_id: int,
        user_id: int,
        data: str,
        message_id: int | None = None,
        *,
        language_code: str | None = "zh-hans",
        username: str | None = None,
        check_button: bool = True,
    ) -> JSON:
        """Build (not queue) a button press on a bot message (default: the latest with a keyboard)."""
        with self._lock:
            stored = self._messages.get(chat_id, {})
            if message_id is None:
                with_keyboard = [m for m in stored.values() if m.get("reply_markup")]
                if not with_keyboard:
                    raise ValueError(f"no message with an inline keyboard in chat {chat_id}")
                message_id = with_keyboard[-1]["message_id"]
            msg = stored.get(message_id)
            if msg is None:
                raise ValueError(f"no message {message_id} in chat {chat_id}")
            buttons = [
                b.get("callback_data") for row in msg.get("reply_markup", {}).get("inline_keyboard", []) for b in row
            ]
            if check_button and data not in buttons:
                raise ValueError(f"message {message_id} has no button with callback_data {data!r}: {buttons}")
            query_id = str(next(self._query_ids))
            self._queries[query_id] = False
            query = {
                "id": query_id,
                "from": self.user(user_id, username=username, language_code=language_code),
                "chat_instance": str(chat_id),
                "data": data,
                "message": self._view(msg),
            }
            return {"update_id": next(self._update_ids), "callback_query": query}

    def my_chat_member(self, chat_id: int, status: str, user_id: int | None = None) -> JSON:
        """Build (not queue) a ``my_chat_member`` update; "kicked"/"left" also block sends to the chat."""
        with self._lock:
            chat = self.register_chat(chat_id)
            actor = self.user(user_id if user_id is not None else abs(chat_id))
            if status in ("kicked", "left"):
                self.block_chat(
                    chat_id,
                    "Forbidden: bot was blocked by the user"
                    if chat["type"] == "private"
                    else "Forbidden: bot was kicked from the group chat",
                )
            else:
                self.unblock_chat(chat_id)
            old = "member" if status in ("kicked", "left") else "left"
            return {
                "update_id": next(self._update_ids),
                "my_chat_member": {
                    "chat": chat,
                    "from": actor,
                    "date": int(time.time()),
                    "old_chat_member": self._member(self.bot_user, old),
                    "new_chat_member": self._member(self.bot_user, status),
                },
            }

    def document_message(
        self,
        chat_id: int,
        user_id: int,
        filename: str,
        data: bytes,
        *,
        caption: str | None = None,
        mime_type: str = "application/octet-stream",
        reply_to_message_id: int | None = None,
    ) -> JSON:
        """Build (not queue) a message carrying an uploaded document (downloadable via getFile)."""
        with self._lock:
            user = self.user(user_id)
            chat = self.register_chat(chat_id, user=user)
            extra: JSON = {"document": self._save_file(Upload(filename, mime_type, data))}
            if caption:
                extra["caption"] = caption
            msg = self._store(chat, user, extra, self._reply_target(chat_id, reply_to_message_id))
            return {"update_id": next(self._update_ids), "message": self._view(msg)}

    def set_chat_admins(self, chat_id: int, user_ids: list[int], creator: int | None = None) -> None:
        """Make ``user_ids`` administrators of ``chat_id`` (``creator`` the owner) for getChatMember."""
        with self._lock:
            self.register_chat(chat_id)
            self._admins[chat_id] = (creator, list(user_ids))
