"""The Bot API methods the fake answers, one ``_api_*`` method each."""

from __future__ import annotations

import time

from tests.fake_telegram.entities import (
    JSON,
    NOT_MODIFIED,
    ApiError,
    bad_request,
)
from tests.fake_telegram.params import Upload
from tests.fake_telegram.state import _CHAT_ACTIONS, _COMMAND_RE


class ApiMethods:
    """Mixin of FakeTelegram: the Bot API methods (state and locks live on FakeTelegram)."""

    # ---- Bot API methods ---------------------------------------------------------------------------

    def _api_get_me(self, params: JSON, files: dict[str, Upload]) -> JSON:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _api_get_updates(self, params: JSON, files: dict[str, Upload]) -> list[JSON]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        if offset:  # Telegram: an update is confirmed once getUpdates is called with a higher offset
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if "allowed_updates" in params:
            # Telegram: applies to updates created from now on; an empty list restores the default.
            allowed = params["allowed_updates"]
            self._allowed_updates = set(allowed) if allowed else None
        return [dict(u) for u in self._updates[: int(params.get("limit") or 100)]]

    def _api_delete_webhook(self, params: JSON, files: dict[str, Upload]) -> bool:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _api_set_webhook(self, params: JSON, files: dict[str, Upload]) -> bool:
        url = str(params.get("url") or "")
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: HTTPS url must be provided for webhook")
        self.webhook_url = url
        return True

    def _api_get_webhook_info(self, params: JSON, files: dict[str, Upload]) -> JSON:
        return {"url": self.webhook_url, "has_custom_certificate": False, "pending_update_count": len(self._updates)}

    def _api_set_my_commands(self, params: JSON, files: dict[str, Upload]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH" if isinstance(commands, list) else "commands is empty")
        for command in commands:
            if not _COMMAND_RE.fullmatch(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self._commands[self._command_key(params.get("scope"), params.get("language_code"))] = commands
        return True

    def _api_delete_my_commands(self, params: JSON, files: dict[str, Upload]) -> bool:
        self._commands.pop(self._command_key(params.get("scope"), params.get("language_code")), None)
        return True

    def _api_get_my_commands(self, params: JSON, files: dict[str, Upload]) -> list[JSON]:
        return list(self._commands.get(self._command_key(params.get("scope"), params.get("language_code")), []))

    def _api_send_message(self, params: JSON, files: dict[str, Upload]) -> JSON:
        chat_id = self._chat_id(params)
        fields = self._render(params, "text")
        markup = self._markup(params)
        reply_to = self._replied(chat_id, params)
        self._admit("sendmessage", chat_id)
        if markup:
            fields["reply_markup"] = markup
        fields["source_text"], fields["parse_mode"] = params["text"], params.get("parse_mode")
        return self._view(self._store(self.register_chat(chat_id), self.bot_user, fields, reply_to))

    def _api_edit_message_text(self, params: JSON, files: dict[str, Upload]) -> JSON | bool:
        if params.get("inline_message_id"):
            self._render(params, "text")
            return True
        msg = self._bot_message(params)
        fields = self._render(params, "text")
        markup = self._markup(params)
        same = (
            msg.get("text") == fields["text"]
            and msg.get("entities", []) == fields.get("entities", [])
            and msg.get("reply_markup") == markup
        )
        if same:
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        self._admit("editmessagetext", msg["chat"]["id"])
        msg.pop("entities", None)
        msg.pop("reply_markup", None)  # Telegram drops the keyboard when an edit does not resend it
        msg.update(fields, edit_date=int(time.time()), source_text=params["text"], parse_mode=params.get("parse_mode"))
        if markup:
            msg["reply_markup"] = markup
        return self._view(msg)

    def _api_edit_message_reply_markup(self, params: JSON, files: dict[str, Upload]) -> JSON | bool:
        if params.get("inline_message_id"):
            self._markup(params)
            return True
        msg = self._bot_message(params)
        markup = self._markup(params)
        if msg.get("reply_markup") == markup:
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        self._admit("editmessagereplymarkup", msg["chat"]["id"])
        msg.pop("reply_markup", None)
        if markup:
            msg["reply_markup"] = markup
        msg["edit_date"] = int(time.time())
        return self._view(msg)

    def _api_delete_message(self, params: JSON, files: dict[str, Upload]) -> bool:
        msg = self._bot_message(params, editable=False)
        del self._messages[msg["chat"]["id"]][msg["message_id"]]
        return True

    def _api_answer_callback_query(self, params: JSON, files: dict[str, Upload]) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if self._queries.get(query_id, True):
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        if len(str(params.get("text") or "")) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self._queries[query_id] = True
        return True

    def _api_get_chat(self, params: JSON, files: dict[str, Upload]) -> JSON:
        chat = self.register_chat(self._chat_id(params))
        gifts = dict.fromkeys(
            ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription", "gifts_from_channels"), False
        )
        return {**chat, "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": gifts}

    def _api_get_chat_member(self, params: JSON, files: dict[str, Upload]) -> JSON:
        chat_id = self._chat_id(params)
        user_id = int(params.get("user_id") or 0)
        if not user_id:
            raise bad_request("user not found")
        creator, admins = self._admins.get(chat_id, (None, []))
        user = self.bot_user if user_id == self.bot_id else self.user(user_id, language_code=None)
        if user_id == creator:
            return self._member(user, "creator")
        return self._member(user, "administrator" if user_id in admins else "member")

    def _api_get_chat_administrators(self, params: JSON, files: dict[str, Upload]) -> list[JSON]:
        chat_id = self._chat_id(params)
        if self.register_chat(chat_id)["type"] == "private":
            raise bad_request("there are no administrators in the private chat")
        creator, admins = self._admins.get(chat_id, (None, []))
        owner = [self._member(self.user(creator, language_code=None), "creator")] if creator else []
        return owner + [
            self._member(self.user(uid, language_code=None), "administrator") for uid in admins if uid != creator
        ]

    def _api_send_document(self, params: JSON, files: dict[str, Upload]) -> JSON:
        chat_id = self._chat_id(params)
        document = params.get("document")
        if isinstance(document, str) and document.startswith("attach://"):
            document = None
            upload = files.get(str(params["document"]).removeprefix("attach://"))
        else:
            upload = files.get("document")
        if upload is not None:
            doc_fields: JSON | None = None
        elif isinstance(document, str) and document in self._files:
            doc_fields = {k: v for k, v in self._files[document][0].items() if k != "file_path"}
        else:
            raise bad_request(
                "wrong file identifier/HTTP URL specified" if document else "there is no document in the request"
            )
        fields = self._render(params, "caption")
        markup = self._markup(params)
        reply_to = self._replied(chat_id, params)
        self._admit("senddocument", chat_id)
        fields["document"] = doc_fields if upload is None else self._save_file(upload)
        if markup:
            fields["reply_markup"] = markup
        return self._view(self._store(self.register_chat(chat_id), self.bot_user, fields, reply_to))

    def _api_get_file(self, params: JSON, files: dict[str, Upload]) -> JSON:
        file_id = str(params.get("file_id", ""))
        if file_id not in self._files:
            raise bad_request("invalid file_id")
        meta = self._files[file_id][0]
        return {k: meta[k] for k in ("file_id", "file_unique_id", "file_size", "file_path")}

    def _api_send_chat_action(self, params: JSON, files: dict[str, Upload]) -> bool:
        self._chat_id(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True
