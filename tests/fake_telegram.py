"""A strict stand-in for the Telegram Bot API, for tests: in-process (httpx.MockTransport) or on 127.0.0.1.

Usage (in-process, no sockets)::

    fake = FakeTelegram()
    request = HTTPXRequest(httpx_kwargs={"transport": fake.transport()})
    bot = Bot(fake.token, request=request)

Usage (socket server, for a real polling Application)::

    with FakeTelegram.serving() as fake:
        app = (ApplicationBuilder().token(fake.token).base_url(fake.base_url)
               .base_file_url(fake.base_file_url).build())
        fake.push_update(fake.command(42, 42, "/start"))

It answers like Telegram does (real HTTP status, ``{"ok": false, "error_code", "description",
"parameters"}``), because python-telegram-bot maps errors from the HTTP status and never reads ``ok``.
Where Telegram is lenient and a bug would hide (a bare ``&`` or ``>`` in HTML, which tdlib keeps as
text), it is stricter on purpose.

Cheat sheet:

* updates (built, not queued — pass them to ``push_update`` or ``Update.de_json``): ``command``,
  ``message``, ``callback`` (a press on a button the bot really sent), ``my_chat_member`` ("kicked"/"left"
  also makes sends to the chat answer 403), ``document_message``;
* failures: ``fail_next``, ``block_chat``/``unblock_chat``, ``migrate_chat``, ``delay_next``; flood control
  per ``FloodLimits`` (pass ``flood=None`` to switch it off, ``clock=`` to drive it by hand);
* inspection: ``sent``, ``messages``, ``calls``, ``log`` (status and description of every call),
  ``rejected_429``, ``file_bytes``, ``commands``, ``dropped_updates``, ``await wait_for(predicate)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.parser
import email.policy
import itertools
import json
import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote

import httpx

JSON = dict[str, Any]
Reply = tuple[int, dict[str, str], bytes]

MAX_TEXT_UNITS = 4096
MAX_CAPTION_UNITS = 1024
MAX_CALLBACK_BYTES = 64
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    """A Bot API failure: HTTP status, description and optional ``parameters``."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSON:
        """The JSON body Telegram sends for this error."""
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(message: str, parameters: JSON | None = None) -> ApiError:
    """A 400 with Telegram's ``Bad Request: `` prefix."""
    return ApiError(400, f"Bad Request: {message}", parameters)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts text and entity offsets in."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


# --------------------------------------------------------------------------------------------------
# HTML parse mode (https://core.telegram.org/bots/api#html-style), error texts as tdlib words them.

_TAG_ENTITY = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "span": "spoiler",
    "tg-spoiler": "spoiler", "a": "text_link", "code": "code", "pre": "pre", "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z][A-Za-z0-9]*);")
_TAG_NAME_RE = re.compile(r"[^\s/>]*")
_ATTR_RE = re.compile(r"""\s*([-A-Za-z0-9_:.]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?\s*""")


@dataclass
class _OpenTag:
    name: str
    attrs: dict[str, str]
    start: int  # UTF-16 offset in the output text
    byte_offset: int
    language: str | None = None


def _entity_error(message: str) -> ApiError:
    return bad_request(f"can't parse entities: {message}")


def _decode_entity(source: str, pos: int) -> tuple[str, int]:
    """Decode the entity at ``source[pos] == "&"``; return the character and the index after it."""
    match = _ENTITY_RE.match(source, pos)
    offset = len(source[:pos].encode())
    if match is None:
        # Telegram itself keeps a bare "&" as text; we reject it because it means a title was not escaped.
        raise _entity_error(f'Unescaped "&" at byte offset {offset}; write "&amp;"')
    name = match.group(1)
    if name.startswith("#"):
        code = int(name[2:], 16) if name[1:2] in "xX" and len(name) > 1 and name[1] in "xX" else int(name[1:])
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise _entity_error(f'Unsupported HTML entity "&{name};" at byte offset {offset}')
        return chr(code), match.end()
    if name not in _NAMED_ENTITIES:
        raise _entity_error(f'Unsupported HTML entity "&{name};" at byte offset {offset}')
    return _NAMED_ENTITIES[name], match.end()


def _decode_attr(value: str) -> str:
    out: list[str] = []
    pos = 0
    while pos < len(value):
        if value[pos] == "&":
            char, pos = _decode_entity(value, pos)
            out.append(char)
        else:
            out.append(value[pos])
            pos += 1
    return "".join(out)


def _tag_end(source: str, start: int) -> int:
    """Index of the ``>`` closing the tag opened at ``start`` (quotes respected), or -1."""
    quote = ""
    for pos in range(start + 1, len(source)):
        char = source[pos]
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == ">":
            return pos
    return -1


def _close_entity(tag: _OpenTag, end: int, parent: _OpenTag | None) -> JSON | None:
    length = end - tag.start
    kind = _TAG_ENTITY[tag.name]
    if tag.name == "code" and parent is not None and parent.name == "pre":
        # <pre><code class="language-python">…</code></pre> is one pre entity with a language.
        css = tag.attrs.get("class", "")
        if css.startswith("language-"):
            parent.language = css.removeprefix("language-")
        return None
    if length <= 0:
        return None
    entity: JSON = {"type": kind, "offset": tag.start, "length": length}
    if tag.name == "a":
        href = tag.attrs.get("href", "")
        if not href:
            return None
        entity["url"] = href
    elif tag.name == "pre" and tag.language:
        entity["language"] = tag.language
    elif tag.name == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    elif tag.name == "tg-emoji":
        entity["custom_emoji_id"] = tag.attrs.get("emoji-id", "")
    return entity


def _open_tag(source: str, pos: int, end: int) -> _OpenTag:
    inner = source[pos + 1 : end]
    offset = len(source[:pos].encode())
    name_match = _TAG_NAME_RE.match(inner)
    name = name_match.group(0).lower() if name_match else ""
    if name not in _TAG_ENTITY:
        raise _entity_error(f'Unsupported start tag "{name}" at byte offset {offset}')
    attrs: dict[str, str] = {}
    rest = inner[len(name) :].rstrip("/ \t\n")
    for attr in _ATTR_RE.finditer(rest):
        if attr.group(0).strip():
            raw = next((g for g in attr.groups()[1:] if g is not None), "")
            attrs[attr.group(1).lower()] = _decode_attr(raw)
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise _entity_error(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
    return _OpenTag(name, attrs, 0, offset)


def parse_html(source: str) -> tuple[str, list[JSON]]:
    """Parse Telegram HTML into plain text and message entities, or raise the 400 Telegram sends."""
    out: list[str] = []
    units = 0
    stack: list[_OpenTag] = []
    entities: list[JSON] = []
    pos = 0
    while pos < len(source):
        char = source[pos]
        if char == "<":
            end = _tag_end(source, pos)
            offset = len(source[:pos].encode())
            if end < 0:
                raise _entity_error(f"Unclosed start tag at byte offset {offset}")
            if source[pos + 1 : pos + 2] == "/":
                name = source[pos + 2 : end].strip().lower()
                if not stack:
                    raise _entity_error(f"Unexpected end tag at byte offset {offset}")
                if stack[-1].name != name:
                    raise _entity_error(
                        f'Unmatched end tag at byte offset {offset}, expected "</{stack[-1].name}>", '
                        f'found "</{name}>"'
                    )
                tag = stack.pop()
                entity = _close_entity(tag, units, stack[-1] if stack else None)
                if entity is not None:
                    entities.append(entity)
            else:
                tag = _open_tag(source, pos, end)
                tag.start = units
                stack.append(tag)
            pos = end + 1
            continue
        if char == "&":
            char, pos = _decode_entity(source, pos)
        elif char == ">":
            offset = len(source[:pos].encode())
            raise _entity_error(f'Unescaped ">" at byte offset {offset}; write "&gt;"')
        else:
            pos += 1
        out.append(char)
        units += 2 if ord(char) > 0xFFFF else 1
    if stack:
        raise _entity_error(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


# --------------------------------------------------------------------------------------------------
# Flood control (Telegram Bot FAQ "My bot is hitting limits"): ~1 msg/s per chat with short bursts,
# 20 msg/min per group, ~30 msg/s overall. Telegram does not publish the burst size; 5 is our choice.


@dataclass(frozen=True)
class FloodLimits:
    """Flood-control numbers; tests may tighten them."""

    per_chat_per_second: float = 1.0
    per_chat_burst: int = 5
    per_group_per_minute: int = 20
    overall_per_second: int = 30
    methods: frozenset[str] = frozenset({"sendmessage", "senddocument"})


class _Flood:
    """Token bucket per chat, sliding windows per group and overall."""

    def __init__(self, limits: FloodLimits, clock: Callable[[], float]) -> None:
        self.limits = limits
        self.clock = clock
        self.buckets: dict[int, tuple[float, float]] = {}
        self.groups: dict[int, deque[float]] = {}
        self.overall: deque[float] = deque()

    def admit(self, chat_id: int) -> None:
        """Count one message to ``chat_id`` or raise the 429 Telegram would send."""
        lim, now = self.limits, self.clock()
        tokens, last = self.buckets.get(chat_id, (float(lim.per_chat_burst), now))
        tokens = min(float(lim.per_chat_burst), tokens + (now - last) * lim.per_chat_per_second)
        waits = []
        if tokens < 1.0:
            waits.append((1.0 - tokens) / lim.per_chat_per_second)
        window = self.groups.setdefault(chat_id, deque())
        while window and window[0] <= now - 60.0:
            window.popleft()
        if chat_id < 0 and len(window) >= lim.per_group_per_minute:
            waits.append(window[0] + 60.0 - now)
        while self.overall and self.overall[0] <= now - 1.0:
            self.overall.popleft()
        if len(self.overall) >= lim.overall_per_second:
            waits.append(self.overall[0] + 1.0 - now)
        if waits:
            retry = max(1, math.ceil(max(waits)))
            raise ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})
        self.buckets[chat_id] = (tokens - 1.0, now)
        window.append(now)
        self.overall.append(now)


# --------------------------------------------------------------------------------------------------
# Request decoding: PTB 22 sends form-urlencoded (multipart with files); non-string values JSON-encoded.

_INT_FIELDS = {
    "chat_id", "message_id", "reply_to_message_id", "offset", "limit", "timeout", "user_id", "cache_time",
    "message_thread_id", "from_chat_id",
}
_JSON_FIELDS = {
    "reply_markup", "reply_parameters", "link_preview_options", "commands", "scope", "allowed_updates",
    "entities", "caption_entities",
}
_BOOL_FIELDS = {
    "disable_notification", "allow_sending_without_reply", "drop_pending_updates", "show_alert",
    "protect_content", "disable_web_page_preview", "disable_content_type_detection", "only_if_banned",
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
    "getMe", "getUpdates", "deleteWebhook", "setWebhook", "getWebhookInfo", "setMyCommands",
    "deleteMyCommands", "getMyCommands", "sendMessage", "editMessageText", "editMessageReplyMarkup",
    "deleteMessage", "answerCallbackQuery", "getChat", "getChatMember", "getChatAdministrators",
    "sendDocument", "getFile", "sendChatAction",
]
_WRITE_METHODS = {
    "sendmessage", "senddocument", "sendchataction", "editmessagetext", "editmessagereplymarkup",
    "deletemessage",
}
_CHAT_ACTIONS = {
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
}
_BUTTON_ACTIONS = {
    "url", "callback_data", "web_app", "login_url", "switch_inline_query", "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat", "copy_text", "callback_game", "pay",
}
# Update kinds Telegram leaves out unless allowed_updates names them (Bot API getUpdates docs).
_NOT_BY_DEFAULT = {"chat_member", "message_reaction", "message_reaction_count"}
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_PRIVATE_KEYS = ("reply_to_message_id", "source_text", "parse_mode")


def _admin_rights(user: JSON) -> JSON:
    flags = (
        "can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members",
        "can_promote_members", "can_change_info", "can_invite_users", "can_post_stories",
        "can_edit_stories", "can_delete_stories",
    )
    return {"status": "administrator", "user": user, "can_be_edited": False, "is_anonymous": False,
            **dict.fromkeys(flags, True)}


class FakeTelegram:
    """A strict fake of the Telegram Bot API; thread-safe, usable in-process or over a socket."""

    def __init__(
        self,
        token: str = "123456:TEST-fake-token",
        *,
        flood: FloodLimits | None = FloodLimits(),
        clock: Callable[[], float] = time.monotonic,
        max_long_poll: float = 0.5,
        known_chats_only: bool = False,
        bot_username: str = "tender_test_bot",
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_user: JSON = {"id": self.bot_id, "is_bot": True, "first_name": "TenderBot",
                               "username": bot_username}
        self.max_long_poll = max_long_poll
        self.known_chats_only = known_chats_only
        self.rejected_429 = 0
        self.log: list[Call] = []
        self.webhook_url = ""
        self._flood = _Flood(flood, clock) if flood else None
        self._lock = threading.RLock()
        self._updated = threading.Condition(self._lock)
        self._handlers: dict[str, Callable[[JSON, dict[str, Upload]], Any]] = {
            name.lower(): getattr(self, "_api_" + re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower())
            for name in _CANONICAL
        }
        self._updates: list[JSON] = []
        self.dropped_updates: list[JSON] = []
        self._allowed_updates: set[str] | None = None
        self._update_ids = itertools.count(1)
        self._poll_generation = 0
        self._chats: dict[int, JSON] = {}
        self._users: dict[int, JSON] = {}
        self._messages: dict[int, dict[int, JSON]] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._files: dict[str, tuple[JSON, bytes]] = {}
        self._file_ids = itertools.count(1)
        self._queries: dict[str, bool] = {}
        self._query_ids = itertools.count(1)
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._admins: dict[int, tuple[int | None, list[int]]] = {}
        self._blocked: dict[int, str] = {}
        self._migrated: dict[int, int] = {}
        self._failures: list[_Failure] = []
        self._delays: dict[str, list[float]] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._background: set[asyncio.Future[Reply]] = set()

    # ---- wiring ------------------------------------------------------------------------------------

    def transport(self) -> httpx.MockTransport:
        """An ``httpx.MockTransport`` that answers like Telegram (for ``HTTPXRequest(httpx_kwargs=…)``)."""
        return httpx.MockTransport(self._handle_async)

    def start_server(self) -> str:
        """Serve on 127.0.0.1 (port 0) in a thread; return ``http://127.0.0.1:PORT``."""
        handler = type("_BoundHandler", (_Handler,), {"fake": self})
        self._stopping = False
        self._server = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-telegram", daemon=True)
        self._thread.start()
        return self.server_url

    def stop_server(self) -> None:
        """Stop the socket server and wake any waiting long poll."""
        with self._lock:
            self._stopping = True
            self._updated.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    @classmethod
    @contextlib.contextmanager
    def serving(cls, **kwargs: Any) -> Iterator[FakeTelegram]:
        """``with FakeTelegram.serving() as fake:`` — a started server, stopped on exit."""
        fake = cls(**kwargs)
        fake.start_server()
        try:
            yield fake
        finally:
            fake.stop_server()

    @property
    def server_url(self) -> str:
        """``http://127.0.0.1:PORT`` of the running server."""
        if self._server is None:
            raise RuntimeError("server not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def base_url(self) -> str:
        """What to pass to ``ApplicationBuilder.base_url`` (PTB appends the token)."""
        return f"{self.server_url}/bot"

    @property
    def base_file_url(self) -> str:
        """What to pass to ``ApplicationBuilder.base_file_url``."""
        return f"{self.server_url}/file/bot"

    # ---- error injection ---------------------------------------------------------------------------

    def fail_next(self, method: str, status: int, description: str, parameters: JSON | None = None,
                  times: int = 1, chat_id: int | None = None) -> None:
        """Answer the next ``times`` calls of ``method`` (to ``chat_id`` if given) with this error."""
        with self._lock:
            self._failures.append(_Failure(method.lower(), status, description, parameters, times, chat_id))

    def block_chat(self, chat_id: int, description: str = "Forbidden: bot was blocked by the user") -> None:
        """Every send to ``chat_id`` answers 403 from now on."""
        with self._lock:
            self._blocked[chat_id] = description

    def unblock_chat(self, chat_id: int) -> None:
        """Undo :meth:`block_chat`."""
        with self._lock:
            self._blocked.pop(chat_id, None)

    def migrate_chat(self, old_id: int, new_id: int) -> None:
        """The group ``old_id`` became supergroup ``new_id``: calls to the old id answer 400 + migrate."""
        with self._lock:
            self._migrated[old_id] = new_id
            old = self._chats.get(old_id, {})
            self._chats[new_id] = {"id": new_id, "type": "supergroup", "title": old.get("title", f"Group {new_id}")}

    def delay_next(self, method: str, seconds: float) -> None:
        """Hold the next call of ``method`` for ``seconds`` before answering (it still takes effect)."""
        with self._lock:
            self._delays.setdefault(method.lower(), []).append(seconds)

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
            if (kinds & _NOT_BY_DEFAULT if self._allowed_updates is None else kinds - self._allowed_updates):
                self.dropped_updates.append(update)
                return update
            self._updates.append(update)
            self._updated.notify_all()
        return update

    def user(self, user_id: int, *, username: str | None = None, language_code: str | None = "zh-hans",
             first_name: str | None = None) -> JSON:
        """A Bot API ``User`` for ``user_id`` (remembered for later updates)."""
        with self._lock:
            known = self._users.get(user_id, {})
            user: JSON = {"id": user_id, "is_bot": False,
                          "first_name": first_name or known.get("first_name") or f"User{user_id}"}
            if username or known.get("username"):
                user["username"] = username or known["username"]
            if language_code:
                user["language_code"] = language_code
            self._users[user_id] = user
            return user

    def register_chat(self, chat_id: int, chat_type: str | None = None, *, title: str | None = None,
                      user: JSON | None = None) -> JSON:
        """Make ``chat_id`` known (type inferred from the sign when not given); return the ``Chat``."""
        with self._lock:
            if chat_id in self._chats and chat_type is None:
                return self._chats[chat_id]
            kind = chat_type or ("private" if chat_id > 0 else
                                 "supergroup" if chat_id <= -1_000_000_000_000 else "group")
            chat: JSON = {"id": chat_id, "type": kind}
            if kind == "private":
                chat["first_name"] = (user or {}).get("first_name", f"User{chat_id}")
                if user and "username" in user:
                    chat["username"] = user["username"]
            else:
                chat["title"] = title or f"Group {chat_id}"
            self._chats[chat_id] = chat
            return chat

    def message(self, chat_id: int, user_id: int, text: str, *, chat_type: str = "private",
                language_code: str | None = "zh-hans", username: str | None = None,
                reply_to_message_id: int | None = None) -> JSON:
        """Build (not queue) an update: a user's text message, stored so the bot can reply to it."""
        with self._lock:
            user = self.user(user_id, username=username, language_code=language_code)
            chat = self.register_chat(chat_id, chat_type, user=user)
            extra: JSON = {"text": text}
            if text.startswith("/"):
                extra["entities"] = [{"type": "bot_command", "offset": 0,
                                      "length": utf16_len(text.split(maxsplit=1)[0])}]
            msg = self._store(chat, user, extra, self._reply_target(chat_id, reply_to_message_id))
            return {"update_id": next(self._update_ids), "message": self._view(msg)}

    def command(self, chat_id: int, user_id: int, text: str, chat_type: str = "private",
                language_code: str | None = "zh-hans", username: str | None = None) -> JSON:
        """Build (not queue) a command update, e.g. ``"/sub 液相色谱"``, with its ``bot_command`` entity."""
        if not text.startswith("/"):
            raise ValueError(f"a command starts with '/': {text!r}")
        return self.message(chat_id, user_id, text, chat_type=chat_type, language_code=language_code,
                            username=username)

    def callback(self, chat_id: int, user_id: int, data: str, message_id: int | None = None, *,
                 language_code: str | None = "zh-hans", username: str | None = None,
                 check_button: bool = True) -> JSON:
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
            buttons = [b.get("callback_data") for row in msg.get("reply_markup", {}).get("inline_keyboard", [])
                       for b in row]
            if check_button and data not in buttons:
                raise ValueError(f"message {message_id} has no button with callback_data {data!r}: {buttons}")
            query_id = str(next(self._query_ids))
            self._queries[query_id] = False
            query = {"id": query_id, "from": self.user(user_id, username=username, language_code=language_code),
                     "chat_instance": str(chat_id), "data": data, "message": self._view(msg)}
            return {"update_id": next(self._update_ids), "callback_query": query}

    def my_chat_member(self, chat_id: int, status: str, user_id: int | None = None) -> JSON:
        """Build (not queue) a ``my_chat_member`` update; "kicked"/"left" also block sends to the chat."""
        with self._lock:
            chat = self.register_chat(chat_id)
            actor = self.user(user_id if user_id is not None else abs(chat_id))
            if status in ("kicked", "left"):
                self.block_chat(chat_id, "Forbidden: bot was blocked by the user" if chat["type"] == "private"
                                else "Forbidden: bot was kicked from the group chat")
            else:
                self.unblock_chat(chat_id)
            old = "member" if status in ("kicked", "left") else "left"
            return {"update_id": next(self._update_ids), "my_chat_member": {
                "chat": chat, "from": actor, "date": int(time.time()),
                "old_chat_member": self._member(self.bot_user, old),
                "new_chat_member": self._member(self.bot_user, status)}}

    def document_message(self, chat_id: int, user_id: int, filename: str, data: bytes, *,
                         caption: str | None = None, mime_type: str = "application/octet-stream",
                         reply_to_message_id: int | None = None) -> JSON:
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

    # ---- inspection --------------------------------------------------------------------------------

    @property
    def calls(self) -> list[str]:
        """Every method called, in order (rejected calls included)."""
        with self._lock:
            return [call.method for call in self.log]

    def sent(self, method: str | None = None, chat_id: int | str | None = None) -> list[JSON]:
        """Decoded params of every call (rejected ones included), optionally filtered, in order."""
        with self._lock:
            return [dict(c.params) for c in self.log
                    if (method is None or c.method.lower() == method.lower())
                    and (chat_id is None or c.params.get("chat_id") == chat_id)]

    def messages(self, chat_id: int, *, include_user: bool = False) -> list[JSON]:
        """Messages now in the chat (bot's only unless ``include_user``), with ``reply_to_message_id``."""
        with self._lock:
            return [dict(m) for m in self._messages.get(chat_id, {}).values()
                    if include_user or m["from"]["id"] == self.bot_id]

    def file_bytes(self, file_id: str) -> bytes:
        """The bytes stored for ``file_id`` (uploaded by the bot or by a user)."""
        with self._lock:
            return self._files[file_id][1]

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """The command list set for ``scope`` (default scope) and ``language_code``."""
        with self._lock:
            return list(self._commands.get(self._command_key(scope, language_code), []))

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5) -> Any:
        """Await until ``predicate()`` is truthy and return its value; AssertionError after ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise AssertionError(f"timed out after {timeout}s; calls so far: {self.calls}")
            await asyncio.sleep(0.01)

    # ---- request handling --------------------------------------------------------------------------

    async def _handle_async(self, request: httpx.Request) -> httpx.Response:
        serving = asyncio.ensure_future(self.serve_async(
            request.method, request.url.path, request.url.query.decode(),
            request.headers.get("content-type", ""), request.content))
        # MockTransport never times out by itself: emulate the client's read timeout, and let the call
        # finish in the background, as Telegram completes a request whose client gave up.
        read_timeout = (request.extensions.get("timeout") or {}).get("read")
        try:
            done, _ = await asyncio.wait({serving}, timeout=read_timeout)
        except asyncio.CancelledError:
            serving.cancel()  # the client went away (PTB cancels its long poll on stop)
            raise
        if not done:
            self._background.add(serving)
            serving.add_done_callback(self._background.discard)
            raise httpx.ReadTimeout("fake Telegram: read timed out", request=request)
        status, headers, body = serving.result()
        return httpx.Response(status, headers=headers, content=body)

    async def serve_async(self, verb: str, path: str, query: str, content_type: str,
                          body: bytes) -> Reply:
        """Answer one HTTP request without blocking the event loop."""
        pending = self._route(path, query, content_type, body)
        if not isinstance(pending, _Pending):
            return pending
        delay = self._take_delay(pending.method)
        if delay:
            await asyncio.sleep(delay)
        while True:
            answer = self._answer(pending)
            if answer is not None:
                return answer
            await asyncio.sleep(0.01)

    def serve_sync(self, verb: str, path: str, query: str, content_type: str, body: bytes) -> Reply:
        """Answer one HTTP request, blocking the calling (server) thread."""
        pending = self._route(path, query, content_type, body)
        if not isinstance(pending, _Pending):
            return pending
        delay = self._take_delay(pending.method)
        if delay:
            time.sleep(delay)
        while True:
            answer = self._answer(pending)
            if answer is not None:
                return answer
            with self._lock:
                self._updated.wait(timeout=max(0.0, min(0.05, pending.deadline - time.monotonic())))

    def _route(self, path: str, query: str, content_type: str, body: bytes) -> Reply | _Pending:
        path = unquote(path)  # httpx sends the token's ":" as %3A in file URLs
        file_match = re.fullmatch(r"/file/bot([^/]+)/(.+)", path)
        if file_match:
            return self._download(file_match.group(1), file_match.group(2))
        match = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)", path)
        if match is None:
            return _json_reply(ApiError(404, "Not Found").payload(), 404)
        if match.group(1) != self.token:
            return _json_reply(ApiError(401, "Unauthorized").payload(), 401)
        method = match.group(2).lower()
        try:
            params, files = decode_params(content_type, body, query)
        except ApiError as error:
            return _json_reply(error.payload(), error.status)
        with self._lock:
            self._poll_generation += method == "getupdates"
            wait = min(float(params.get("timeout") or 0), self.max_long_poll)
            return _Pending(method, params, files, self._poll_generation, time.monotonic() + wait)

    def _take_delay(self, method: str) -> float:
        with self._lock:
            pending = self._delays.get(method)
            return pending.pop(0) if pending else 0.0

    def _answer(self, pending: _Pending) -> Reply | None:
        """The reply, or None while a long poll should keep waiting."""
        with self._lock:
            logged = {**pending.params, **{name: {"filename": up.filename, "content_type": up.content_type,
                                                  "data": up.data} for name, up in pending.files.items()}}
            call = Call(self._canonical(pending.method), logged)
            if pending.first:
                pending.first = False
                self.log.append(call)
            elif self._stopping:
                return _json_reply({"ok": True, "result": []}, 200)
            elif pending.generation != self._poll_generation:
                error = ApiError(409, "Conflict: terminated by other getUpdates request; make sure that only "
                                      "one bot instance is running")
                return self._error_reply(call, error, record=False)
            try:
                result = self._perform(pending.method, pending.params, pending.files)
            except ApiError as error:
                return self._error_reply(call, error, record=True)
            if (pending.method == "getupdates" and not result and time.monotonic() < pending.deadline
                    and not self._stopping):
                return None
            return _json_reply({"ok": True, "result": result}, 200)

    def _error_reply(self, call: Call, error: ApiError, *, record: bool) -> Reply:
        if record:
            call.status, call.description = error.status, error.description
            if error.status == 429:
                self.rejected_429 += 1
        return _json_reply(error.payload(), error.status)

    def _canonical(self, method: str) -> str:
        return next((name for name in _CANONICAL if name.lower() == method), method)

    def _perform(self, method: str, params: JSON, files: dict[str, Upload]) -> Any:
        handler = self._handlers.get(method)
        if handler is None:
            raise ApiError(404, "Not Found")
        raw_chat = params.get("chat_id")
        for failure in self._failures:
            if failure.method == method and failure.chat_id in (None, raw_chat):
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                raise ApiError(failure.status, failure.description, failure.parameters)
        if raw_chat is not None:
            chat_id = self._chat_id(params)
            if chat_id in self._migrated:
                raise bad_request("group chat was upgraded to a supergroup chat",
                                  {"migrate_to_chat_id": self._migrated[chat_id]})
            if method in _WRITE_METHODS and chat_id in self._blocked:
                raise ApiError(403, self._blocked[chat_id])
        return handler(params, files)

    def _download(self, token: str, file_path: str) -> Reply:
        if token != self.token:
            return _json_reply(ApiError(401, "Unauthorized").payload(), 401)
        with self._lock:
            self.log.append(Call("download", {"file_path": file_path}))
            for meta, data in self._files.values():
                if meta["file_path"] == file_path:
                    return 200, {"content-type": "application/octet-stream"}, data
        return _json_reply(ApiError(404, "Not Found").payload(), 404)

    # ---- state helpers -----------------------------------------------------------------------------

    def _chat_id(self, params: JSON) -> int:
        value = params.get("chat_id")
        if value in (None, ""):
            raise bad_request("chat_id is empty")
        if isinstance(value, str):
            by_name = [c["id"] for c in self._chats.values() if f"@{c.get('username', '')}" == value]
            if not by_name:
                raise bad_request("chat not found")
            return int(by_name[0])
        chat_id = int(value)
        if self.known_chats_only and chat_id not in self._chats:
            raise bad_request("chat not found")
        return chat_id

    def _store(self, chat: JSON, sender: JSON, extra: JSON, reply_to: JSON | None) -> JSON:
        ids = self._message_ids.setdefault(chat["id"], itertools.count(1))
        msg: JSON = {"message_id": next(ids), "date": int(time.time()), "chat": chat, "from": sender, **extra}
        if reply_to is not None:
            msg["reply_to_message"] = self._view(reply_to)
            msg["reply_to_message_id"] = reply_to["message_id"]
        self._messages.setdefault(chat["id"], {})[msg["message_id"]] = msg
        return msg

    def _view(self, msg: JSON) -> JSON:
        """The message as the Bot API returns it (our bookkeeping keys removed)."""
        view = {k: v for k, v in msg.items() if k not in _PRIVATE_KEYS}
        if "reply_to_message" in view:
            view["reply_to_message"] = {k: v for k, v in view["reply_to_message"].items()
                                        if k != "reply_to_message"}
        return view

    def _reply_target(self, chat_id: int, message_id: int | None) -> JSON | None:
        if message_id is None:
            return None
        return self._messages.get(chat_id, {}).get(message_id)

    def _member(self, user: JSON, status: str) -> JSON:
        if status == "administrator":
            return _admin_rights(user)
        if status == "creator":
            return {"status": "creator", "user": user, "is_anonymous": False}
        if status == "kicked":
            return {"status": "kicked", "user": user, "until_date": 0}
        if status in ("member", "left"):
            return {"status": status, "user": user}
        raise ValueError(f"unsupported chat member status {status!r}")

    def _save_file(self, upload: Upload) -> JSON:
        number = next(self._file_ids)
        suffix = upload.filename.rsplit(".", 1)[-1] if "." in upload.filename else "bin"
        meta: JSON = {"file_id": f"BQACAgFake{number:06d}", "file_unique_id": f"AgADFake{number:06d}",
                      "file_name": upload.filename, "mime_type": upload.content_type,
                      "file_size": len(upload.data), "file_path": f"documents/file_{number}.{suffix}"}
        self._files[meta["file_id"]] = (meta, upload.data)
        return {k: v for k, v in meta.items() if k != "file_path"}

    def _render(self, params: JSON, key: str) -> JSON:
        """Check text/caption like Telegram; return the message fields it becomes."""
        text = params.get(key)
        limit = MAX_TEXT_UNITS if key == "text" else MAX_CAPTION_UNITS
        if key == "caption" and not text:
            return {}
        if not isinstance(text, str) or not text.strip():
            raise bad_request("message text is empty")
        parse_mode = str(params.get("parse_mode") or "")
        entities = params.get("entities" if key == "text" else "caption_entities") or []
        if parse_mode.lower() == "html":
            text, entities = parse_html(text)
        elif parse_mode and parse_mode.lower() not in ("markdown", "markdownv2"):
            raise bad_request(f"unsupported parse_mode {parse_mode}")
        if not text.strip():
            raise bad_request("message text is empty")
        if utf16_len(text) > limit:
            raise bad_request("message is too long" if key == "text" else "message caption is too long")
        fields: JSON = {key: text}
        if entities:
            fields["entities" if key == "text" else "caption_entities"] = entities
        return fields

    def _markup(self, params: JSON) -> JSON | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            if not {"keyboard", "remove_keyboard", "force_reply"} & markup.keys():
                raise bad_request("can't parse reply keyboard markup JSON object")
            return None
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays')
        for button in itertools.chain.from_iterable(rows):
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
            actions = _BUTTON_ACTIONS & button.keys()
            if len(actions) != 1:
                raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in the "
                                  "inline keyboard")
            data = button.get("callback_data")
            if "callback_data" in button and not (isinstance(data, str) and
                                                  1 <= len(data.encode()) <= MAX_CALLBACK_BYTES):
                raise bad_request("BUTTON_DATA_INVALID")
            url = button.get("url")
            if "url" in button and not (isinstance(url, str) and re.match(r"(https?|tg)://\S+$", url)):
                raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
        return {"inline_keyboard": rows} if any(rows) else None

    def _replied(self, chat_id: int, params: JSON) -> JSON | None:
        reply = params.get("reply_parameters") or {}
        target = reply.get("message_id", params.get("reply_to_message_id"))
        if target is None:
            return None
        allow = reply.get("allow_sending_without_reply", params.get("allow_sending_without_reply", False))
        found = self._reply_target(int(reply.get("chat_id", chat_id)), int(target))
        if found is None and not allow:
            raise bad_request("message to be replied not found")
        return found

    def _admit(self, method: str, chat_id: int) -> None:
        if self._flood is not None and method in self._flood.limits.methods:
            self._flood.admit(chat_id)

    def _bot_message(self, params: JSON, *, editable: bool = True) -> JSON:
        chat_id = self._chat_id(params)
        if params.get("message_id") is None:
            raise bad_request("message identifier is not specified")
        msg = self._messages.get(chat_id, {}).get(int(params["message_id"]))
        if msg is None:
            raise bad_request("message to edit not found" if editable else "message to delete not found")
        if editable and msg["from"]["id"] != self.bot_id:
            raise bad_request("message can't be edited")
        return msg

    @staticmethod
    def _command_key(scope: JSON | None, language_code: str | None) -> tuple[str, str]:
        return json.dumps(scope or {"type": "default"}, sort_keys=True), language_code or ""

    # ---- Bot API methods ---------------------------------------------------------------------------

    def _api_get_me(self, params: JSON, files: dict[str, Upload]) -> JSON:
        return {**self.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}

    def _api_get_updates(self, params: JSON, files: dict[str, Upload]) -> list[JSON]:
        if self.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use "
                                "deleteWebhook to delete the webhook first")
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
        return {"url": self.webhook_url, "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

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
        same = (msg.get("text") == fields["text"] and msg.get("entities", []) == fields.get("entities", [])
                and msg.get("reply_markup") == markup)
        if same:
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        self._admit("editmessagetext", msg["chat"]["id"])
        msg.pop("entities", None)
        msg.pop("reply_markup", None)  # Telegram drops the keyboard when an edit does not resend it
        msg.update(fields, edit_date=int(time.time()), source_text=params["text"],
                   parse_mode=params.get("parse_mode"))
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
        gifts = dict.fromkeys(("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription",
                               "gifts_from_channels"), False)
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
        return owner + [self._member(self.user(uid, language_code=None), "administrator")
                        for uid in admins if uid != creator]

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
            raise bad_request("wrong file identifier/HTTP URL specified"
                              if document else "there is no document in the request")
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


def _json_reply(payload: Any, status: int) -> Reply:
    return status, {"content-type": "application/json"}, json.dumps(payload, ensure_ascii=False).encode()


class _Server(ThreadingHTTPServer):
    """ThreadingHTTPServer that ignores clients hanging up (PTB drops its long poll at shutdown)."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Swallow BrokenPipe/ConnectionReset; report anything else."""
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """Feeds socket requests to the bound :class:`FakeTelegram`."""

    protocol_version = "HTTP/1.1"
    fake: FakeTelegram

    def do_POST(self) -> None:
        """Serve a POST (Bot API call)."""
        self._serve()

    def do_GET(self) -> None:
        """Serve a GET (file download or a Bot API call with a query string)."""
        self._serve()

    def _serve(self) -> None:
        body = self._read_body()
        path, _, query = self.path.partition("?")
        status, headers, payload = self.fake.serve_sync(
            self.command, path, query, self.headers.get("Content-Type", ""), body)
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: URLs carry the bot token."""


__all__ = ["ApiError", "Call", "FakeTelegram", "FloodLimits", "Upload", "decode_params", "parse_html",
           "utf16_len"]
