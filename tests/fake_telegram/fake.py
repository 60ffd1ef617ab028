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
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

import httpx

from tests.fake_telegram.entities import (
    JSON,
    MAX_CALLBACK_BYTES,
    MAX_CAPTION_UNITS,
    MAX_TEXT_UNITS,
    ApiError,
    Reply,
    bad_request,
    parse_html,
    utf16_len,
)
from tests.fake_telegram.flood import FloodLimits, _Flood
from tests.fake_telegram.methods import ApiMethods
from tests.fake_telegram.params import Upload, decode_params
from tests.fake_telegram.server import _Handler, _json_reply, _Server
from tests.fake_telegram.state import (
    _BUTTON_ACTIONS,
    _CANONICAL,
    _PRIVATE_KEYS,
    _WRITE_METHODS,
    DEFAULT_FLOOD,
    Call,
    _admin_rights,
    _Failure,
    _Pending,
)
from tests.fake_telegram.updates import UpdateBuilders


class FakeTelegram(UpdateBuilders, ApiMethods):
    """A strict fake of the Telegram Bot API; thread-safe, usable in-process or over a socket."""

    def __init__(
        self,
        token: str = "123456:TEST-fake-token",
        *,
        flood: FloodLimits | None = DEFAULT_FLOOD,
        clock: Callable[[], float] = time.monotonic,
        max_long_poll: float = 0.5,
        known_chats_only: bool = False,
        bot_username: str = "tender_test_bot",
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_user: JSON = {"id": self.bot_id, "is_bot": True, "first_name": "TenderBot", "username": bot_username}
        self.max_long_poll = max_long_poll
        self.known_chats_only = known_chats_only
        self.rejected_429 = 0
        self.proxied_requests = 0  # requests that reached the socket server in proxy (absolute-URL) form
        self.log: list[Call] = []
        self.webhook_url = ""
        self._flood = _Flood(flood, clock) if flood else None
        self._lock = threading.RLock()
        self._updated = threading.Condition(self._lock)
        self._handlers: dict[str, Callable[[JSON, dict[str, Upload]], Any]] = {
            name.lower(): getattr(self, "_api_" + re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()) for name in _CANONICAL
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
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-telegram", daemon=True
        )
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

    def fail_next(
        self,
        method: str,
        status: int,
        description: str,
        parameters: JSON | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
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

    # ---- inspection --------------------------------------------------------------------------------

    @property
    def calls(self) -> list[str]:
        """Every method called, in order (rejected calls included)."""
        with self._lock:
            return [call.method for call in self.log]

    def sent(self, method: str | None = None, chat_id: int | str | None = None) -> list[JSON]:
        """Decoded params of every call (rejected ones included), optionally filtered, in order."""
        with self._lock:
            return [
                dict(c.params)
                for c in self.log
                if (method is None or c.method.lower() == method.lower())
                and (chat_id is None or c.params.get("chat_id") == chat_id)
            ]

    def messages(self, chat_id: int, *, include_user: bool = False) -> list[JSON]:
        """Messages now in the chat (bot's only unless ``include_user``), with ``reply_to_message_id``."""
        with self._lock:
            return [
                dict(m)
                for m in self._messages.get(chat_id, {}).values()
                if include_user or m["from"]["id"] == self.bot_id
            ]

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
        serving = asyncio.ensure_future(
            self.serve_async(
                request.method,
                request.url.path,
                request.url.query.decode(),
                request.headers.get("content-type", ""),
                request.content,
            )
        )
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

    async def serve_async(self, verb: str, path: str, query: str, content_type: str, body: bytes) -> Reply:
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
            logged = {
                **pending.params,
                **{
                    name: {"filename": up.filename, "content_type": up.content_type, "data": up.data}
                    for name, up in pending.files.items()
                },
            }
            call = Call(self._canonical(pending.method), logged)
            if pending.first:
                pending.first = False
                self.log.append(call)
            elif self._stopping:
                return _json_reply({"ok": True, "result": []}, 200)
            elif pending.generation != self._poll_generation:
                error = ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
                )
                return self._error_reply(call, error, record=False)
            try:
                result = self._perform(pending.method, pending.params, pending.files)
            except ApiError as error:
                return self._error_reply(call, error, record=True)
            if (
                pending.method == "getupdates"
                and not result
                and time.monotonic() < pending.deadline
                and not self._stopping
            ):
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
                raise bad_request(
                    "group chat was upgraded to a supergroup chat", {"migrate_to_chat_id": self._migrated[chat_id]}
                )
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
            view["reply_to_message"] = {k: v for k, v in view["reply_to_message"].items() if k != "reply_to_message"}
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
        meta: JSON = {
            "file_id": f"BQACAgFake{number:06d}",
            "file_unique_id": f"AgADFake{number:06d}",
            "file_name": upload.filename,
            "mime_type": upload.content_type,
            "file_size": len(upload.data),
            "file_path": f"documents/file_{number}.{suffix}",
        }
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
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if "callback_data" in button and not (
                isinstance(data, str) and 1 <= len(data.encode()) <= MAX_CALLBACK_BYTES
            ):
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
