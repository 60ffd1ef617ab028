"""/export sends the chat's subscriptions as a JSON file; /import reads one back, shows the difference, asks.

Import is all or nothing: the file is checked completely first (a precise error names the item), the
difference is kept as a pending action, and ``i:<token>:y`` applies it in one transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from telegram import Document, Update
from telegram.ext import ContextTypes

from tenderbot.bot.common import (
    BotDeps,
    edit,
    ensure_chat,
    get_deps,
    lang_of,
    may_change,
    new_token,
    pressed_action,
    reply,
    shown,
)
from tenderbot.bot.subscribe import MAX_SUBSCRIPTIONS
from tenderbot.errors import QueryError
from tenderbot.matching.query import parse_query
from tenderbot.models import Subscription
from tenderbot.notify.render import esc
from tenderbot.store.chats import NewSubscription
from tenderbot.store.pending import PendingAction
from tenderbot.texts import DEFAULT_LANGUAGE, Message, t

FORMAT = "tenderbot-subscriptions"
VERSION = 1
MAX_FILE_BYTES = 256 * 1024
KIND = "import"
_SHOWN = 10


class ImportProblem(ValueError):
    """An import file that cannot be used; the message (a catalogue text) says exactly why."""

    def __init__(self, text: Message, lang: str = DEFAULT_LANGUAGE) -> None:
        self.text = text
        super().__init__(text.render(lang))

    def message(self, lang: str) -> str:
        """Why, in ``lang``."""
        return self.text.render(lang)


def export_document(subscriptions: list[Subscription]) -> bytes:
    """The export file: format tag, version and one object per subscription, pretty and UTF-8."""
    # "number" is for the reader (it matches /list); an import gives new subscriptions the chat's next numbers.
    items = [
        {
            "number": s.number,
            "query": s.query,
            "name": s.name,
            "active": s.active,
            "excluded_buyers": list(s.excluded_buyers),
        }
        for s in subscriptions
    ]
    document = {"format": FORMAT, "version": VERSION, "subscriptions": items}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def too_large(size: int, lang: str = DEFAULT_LANGUAGE) -> ImportProblem:
    """The problem of a file over the size limit."""
    return ImportProblem(Message("imp_too_large", {"size": size, "limit": MAX_FILE_BYTES}), lang)


def parse_import(data: bytes, lang: str = DEFAULT_LANGUAGE) -> list[NewSubscription]:
    """Read an export file back; raise ImportProblem naming the first thing wrong (nothing half-read)."""
    if len(data) > MAX_FILE_BYTES:
        raise too_large(len(data), lang)
    try:
        return _parse(data)
    except _Problem as problem:
        raise ImportProblem(problem.text, lang) from problem.__cause__


class _Problem(Exception):
    """Raised inside the parser with the catalogue text; parse_import turns it into an ImportProblem."""

    def __init__(self, key: str, /, **values: object) -> None:
        self.text = Message(key, values)
        super().__init__(key)


def _parse(data: bytes) -> list[NewSubscription]:
    """The checks of parse_import, in order."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _Problem("imp_not_utf8", byte=exc.start) from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _Problem("imp_not_json", line=exc.lineno, column=exc.colno, detail=exc.msg) from exc
    except RecursionError as exc:  # [[[[… 5,000 deep: the decoder recurses once per level (issue 16)
        raise _Problem("imp_too_deep") from exc
    except ValueError as exc:  # a 5,000-digit number: int() refuses more than 4,300 digits (issue 16)
        raise _Problem("imp_long_number") from exc
    items = document.get("subscriptions") if isinstance(document, dict) else document
    if isinstance(document, dict) and document.get("format", FORMAT) != FORMAT:
        raise _Problem("imp_not_export", format=repr(document.get("format"))[:60])
    if not isinstance(items, list):
        raise _Problem("imp_no_list")
    if len(items) > MAX_SUBSCRIPTIONS:
        raise _Problem("imp_too_many", count=len(items), limit=MAX_SUBSCRIPTIONS)
    found: dict[str, NewSubscription] = {}
    for number, item in enumerate(items, start=1):
        parsed = _item(number, item)
        found.setdefault(parsed.query, parsed)
    return list(found.values())


def _item(number: int, item: Any) -> NewSubscription:
    """One subscription of the file (a query string, or an object with "query")."""
    where = Message("imp_item", {"number": number})
    if isinstance(item, str):
        item = {"query": item}
    if not isinstance(item, dict) or not isinstance(item.get("query"), str):
        raise _Problem("imp_needs_query", where=where)
    try:
        canonical = parse_query(item["query"]).canonical()
    except QueryError as exc:
        raise _Problem("imp_bad_query", where=where, query=item["query"][:60], error=exc.text) from exc
    name, active, buyers = item.get("name", ""), item.get("active", True), item.get("excluded_buyers", [])
    if not isinstance(name, str) or len(name) > 100:
        raise _Problem("imp_bad_name", where=where)
    if not isinstance(active, bool):
        raise _Problem("imp_bad_active", where=where)
    if not isinstance(buyers, list) or not all(isinstance(b, str) and b.strip() for b in buyers):
        raise _Problem("imp_bad_buyers", where=where)
    return NewSubscription(canonical, name, active, tuple(b.strip() for b in buyers))


@dataclass(frozen=True, slots=True)
class ImportDiff:
    """What applying a file would change, by canonical query."""

    added: list[NewSubscription]
    removed: list[Subscription]
    unchanged: list[Subscription]


def diff(current: list[Subscription], wanted: list[NewSubscription]) -> ImportDiff:
    """Added, removed and unchanged subscriptions when the file replaces the current set."""
    wanted_queries = {item.query for item in wanted}
    current_queries = {s.query for s in current}
    return ImportDiff(
        added=[item for item in wanted if item.query not in current_queries],
        removed=[s for s in current if s.query not in wanted_queries],
        unchanged=[s for s in current if s.query in wanted_queries],
    )


async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the chat's subscriptions as tenderbot-subscriptions.json."""
    deps = get_deps(context)
    chat = update.effective_chat
    if chat is None:
        return
    lang = lang_of(update)
    subscriptions = await deps.store.chats.subscriptions(chat.id)
    if not subscriptions:
        await reply(update, t(lang, "no_subs"))
        return
    await context.bot.send_document(
        chat.id,
        export_document(subscriptions),
        filename="tenderbot-subscriptions.json",
        caption=t(lang, "export_caption", count=len(subscriptions)),
    )


async def import_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/import as a reply to the file (or as its caption, handled by ``on_document``)."""
    message = update.effective_message
    target = message.reply_to_message if message is not None else None
    if target is None or target.document is None:
        await reply(update, t(lang_of(update), "import_usage"))
        return
    await _import_document(update, context, target.document)


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A document with the caption /import, or any .json file sent in a private chat."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or message.document is None or chat is None:
        return
    caption = (message.caption or "").strip()
    is_json = (message.document.file_name or "").lower().endswith(".json")
    if caption.split("@")[0].startswith("/import") or (chat.type == "private" and is_json):
        await _import_document(update, context, message.document)


async def _import_document(update: Update, context: ContextTypes.DEFAULT_TYPE, document: Document) -> None:
    """Download, check, diff, and ask to confirm."""
    deps = get_deps(context)
    lang = lang_of(update)
    if not await may_change(update, context):
        return
    chat = await ensure_chat(update, deps)
    assert chat is not None
    try:
        if document.file_size is not None and document.file_size > MAX_FILE_BYTES:
            raise too_large(document.file_size, lang)  # said before downloading it
        data = bytes(await (await document.get_file()).download_as_bytearray())
        wanted = parse_import(data, lang)
    except ImportProblem as exc:
        await reply(update, t(lang, "import_bad", error=esc(exc.message(lang))))
        return
    change = diff(await deps.store.chats.subscriptions(chat.id), wanted)
    if not change.added and not change.removed:
        await reply(update, t(lang, "import_same"))
        return
    token = new_token()
    payload = {
        "add": [
            {"query": a.query, "name": a.name, "active": a.active, "excluded_buyers": list(a.excluded_buyers)}
            for a in change.added
        ],
        "remove": [s.id for s in change.removed],
    }
    await deps.store.pending.drop_kinds(chat.id, (KIND,))
    await deps.store.pending.put(PendingAction(token, chat.id, KIND, payload, deps.clock()))
    lines = [f"\n➕ <code>{shown(a.query, 150)}</code>" for a in change.added[:_SHOWN]]
    lines += [f"\n➖ #{s.number} <code>{shown(s.query, 150)}</code>" for s in change.removed[:_SHOWN]]
    text = t(
        lang,
        "import_diff",
        added=len(change.added),
        removed=len(change.removed),
        unchanged=len(change.unchanged),
        lines="".join(lines),
    )
    rows = [[(t(lang, "btn_confirm"), f"i:{token}:y"), (t(lang, "btn_cancel"), f"i:{token}:n")]]
    await reply(update, text, rows)


async def on_import_button(update: Update, context: ContextTypes.DEFAULT_TYPE, parts: list[str]) -> None:
    """Confirm or cancel a shown import."""
    deps = get_deps(context)
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    lang = lang_of(update)
    action = await pressed_action(update, context, parts[1] if len(parts) == 3 else None, KIND)
    if action is None:
        return
    await deps.store.pending.drop(action.token)
    await query.answer()
    if parts[2] != "y":
        await edit(update, t(lang, "cancelled"))
        return
    added, removed = await _apply(deps, chat.id, action.payload)
    await edit(update, t(lang, "import_done", added=added, removed=removed))


async def _apply(deps: BotDeps, chat_id: int, payload: dict[str, Any]) -> tuple[int, int]:
    """Apply a confirmed import in one transaction and bring the live matcher along."""
    current = {s.id for s in await deps.store.chats.subscriptions(chat_id)}
    remove = [int(i) for i in payload.get("remove", []) if int(i) in current]
    add = [
        NewSubscription(a["query"], a.get("name", ""), bool(a.get("active", True)), tuple(a.get("excluded_buyers", ())))
        for a in payload.get("add", [])
    ]
    created = await deps.store.chats.replace_subscriptions(chat_id, add, remove, deps.clock())
    for sub_id in remove:
        deps.index.drop(sub_id)
    for subscription in created:
        deps.index.put(subscription)
    return len(created), len(remove)
