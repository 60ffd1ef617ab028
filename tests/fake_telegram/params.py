"""Decoding Bot API request parameters as python-telegram-bot sends them (form or multipart)."""

from __future__ import annotations

import email.parser
import email.policy
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from tests.fake_telegram.entities import JSON, bad_request

_INT_FIELDS = {
    "chat_id",
    "message_id",
    "reply_to_message_id",
    "offset",
    "limit",
    "timeout",
    "user_id",
    "cache_time",
    "message_thread_id",
    "from_chat_id",
}
_JSON_FIELDS = {
    "reply_markup",
    "reply_parameters",
    "link_preview_options",
    "commands",
    "scope",
    "allowed_updates",
    "entities",
    "caption_entities",
}
_BOOL_FIELDS = {
    "disable_notification",
    "allow_sending_without_reply",
    "drop_pending_updates",
    "show_alert",
    "protect_content",
    "disable_web_page_preview",
    "disable_content_type_detection",
    "only_if_banned",
}


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes


def _typed(name: str, value: str) -> Any:
    try:
        if name in _JSON_FIELDS:
            return json.loads(value)
        if name in _INT_FIELDS:
            return int(value)
        if name in _BOOL_FIELDS:
            return value.lower() in ("true", "1")
    except ValueError:
        if name in _JSON_FIELDS:
            raise bad_request(f"can't parse {name} JSON object") from None
    return value


def decode_params(content_type: str, body: bytes, query: str) -> tuple[JSON, dict[str, Upload]]:
    """Decode a Bot API request body (urlencoded, multipart or JSON) and query string."""
    raw: list[tuple[str, str]] = parse_qsl(query, keep_blank_values=True)
    files: dict[str, Upload] = {}
    if content_type.startswith("application/json"):
        params: JSON = {k: _typed(k, v) for k, v in raw}
        params.update(json.loads(body or b"{}"))
        return params, files
    if content_type.startswith("multipart/form-data"):
        head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        for part in message.iter_parts():
            name = str(part.get_param("name", header="content-disposition"))
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            filename = part.get_filename()
            if filename is None:
                raw.append((name, data.decode()))
            else:
                files[name] = Upload(filename, part.get_content_type(), data)
    elif body:
        raw.extend(parse_qsl(body.decode(), keep_blank_values=True))
    return {k: _typed(k, v) for k, v in raw}, files


# --------------------------------------------------------------------------------------------------
