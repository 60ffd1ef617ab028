"""Records and method tables the fake keeps: calls, pending updates, injected failures."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tests.fake_telegram.entities import (
    JSON,
)
from tests.fake_telegram.flood import FloodLimits
from tests.fake_telegram.params import Upload

DEFAULT_FLOOD = FloodLimits()


@dataclass
class Call:
    """One request the fake received: method, decoded params, and how it was answered."""

    method: str
    params: JSON
    status: int = 200
    description: str = ""


@dataclass
class _Pending:
    """A decoded API call on its way through (a long poll may be answered several times)."""

    method: str
    params: JSON
    files: dict[str, Upload]
    generation: int
    deadline: float
    first: bool = True


@dataclass
class _Failure:
    method: str
    status: int
    description: str
    parameters: JSON | None
    times: int
    chat_id: int | None


_CANONICAL = [
    "getMe",
    "getUpdates",
    "deleteWebhook",
    "setWebhook",
    "getWebhookInfo",
    "setMyCommands",
    "deleteMyCommands",
    "getMyCommands",
    "sendMessage",
    "editMessageText",
    "editMessageReplyMarkup",
    "deleteMessage",
    "answerCallbackQuery",
    "getChat",
    "getChatMember",
    "getChatAdministrators",
    "sendDocument",
    "getFile",
    "sendChatAction",
]
_WRITE_METHODS = {
    "sendmessage",
    "senddocument",
    "sendchataction",
    "editmessagetext",
    "editmessagereplymarkup",
    "deletemessage",
}
_CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}
_BUTTON_ACTIONS = {
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
}
# Update kinds Telegram leaves out unless allowed_updates names them (Bot API getUpdates docs).
_NOT_BY_DEFAULT = {"chat_member", "message_reaction", "message_reaction_count"}
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_PRIVATE_KEYS = ("reply_to_message_id", "source_text", "parse_mode")


def _admin_rights(user: JSON) -> JSON:
    flags = (
        "can_manage_chat",
        "can_delete_messages",
        "can_manage_video_chats",
        "can_restrict_members",
        "can_promote_members",
        "can_change_info",
        "can_invite_users",
        "can_post_stories",
        "can_edit_stories",
        "can_delete_stories",
    )
    return {
        "status": "administrator",
        "user": user,
        "can_be_edited": False,
        "is_anonymous": False,
        **dict.fromkeys(flags, True),
    }
