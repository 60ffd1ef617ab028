"""/list: five subscriptions a page, prev/next editing the same message, and per-subscription buttons.

Each subscription shows the number it was given when saved (gaps stay where one was deleted).

Callback data: ``l:<page>`` turns the page; ``s:<op>:<subscription id>:<page>`` acts on one subscription
(``e`` edit, ``p`` pause/resume, ``d`` ask to delete, ``D`` delete, ``c`` back to the list). Ids, not
list positions, so a button pressed after the list changed still acts on the subscription it showed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from telegram import ForceReply, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from tenderbot.bot.common import Keyboard, edit, get_deps, lang_of, may_change, new_token, reply, shown, toast
from tenderbot.bot.subscribe import describe
from tenderbot.errors import QueryError
from tenderbot.matching.query import parse_query
from tenderbot.models import Subscription
from tenderbot.notify.render import esc
from tenderbot.store.pending import PendingAction
from tenderbot.texts import t

PAGE_SIZE = 5
EDIT_KIND = "edit"


def render_page(subscriptions: Sequence[Subscription], page: int, lang: str) -> tuple[str, Keyboard]:
    """One page of the list: numbered queries (paused marked, blocked buyers named) and their buttons."""
    if not subscriptions:
        return t(lang, "no_subs"), []
    pages = (len(subscriptions) + PAGE_SIZE - 1) // PAGE_SIZE
    page = min(max(page, 0), pages - 1)
    lines = [t(lang, "list_header", page=page + 1, pages=pages, count=len(subscriptions))]
    rows: Keyboard = []
    first = page * PAGE_SIZE
    for subscription in subscriptions[first : first + PAGE_SIZE]:
        number = subscription.number  # its number for life, not its position (issue 9)
        paused = "" if subscription.active else t(lang, "paused_mark")
        lines.append(f"{number}. <code>{shown(subscription.query)}</code>{paused}")
        if subscription.excluded_buyers:
            lines.append("    " + esc(t(lang, "blocked_buyers", names="、".join(subscription.excluded_buyers))))
        toggle = "btn_pause" if subscription.active else "btn_resume"
        rows.append(
            [
                (t(lang, "btn_edit", n=number), f"s:e:{subscription.id}:{page}"),
                (t(lang, toggle, n=number), f"s:p:{subscription.id}:{page}"),
                (t(lang, "btn_delete", n=number), f"s:d:{subscription.id}:{page}"),
            ]
        )
    nav = []
    if page > 0:
        nav.append((t(lang, "btn_prev"), f"l:{page - 1}"))
    if page < pages - 1:
        nav.append((t(lang, "btn_next"), f"l:{page + 1}"))
    rows.append(nav)
    return "\n".join(lines), rows


async def list_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the first page of the chat's subscriptions (anyone in a group may read it)."""
    chat = update.effective_chat
    if chat is None:
        return
    subscriptions = await get_deps(context).store.chats.subscriptions(chat.id)
    text, rows = render_page(subscriptions, 0, lang_of(update))
    await reply(update, text, rows)


async def on_page_button(update: Update, context: ContextTypes.DEFAULT_TYPE, parts: list[str]) -> None:
    """◀ / ▶: show another page in the same message."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    if len(parts) != 2 or not parts[1].isdigit():
        await query.answer(t(lang_of(update), "stale_button"), show_alert=True)
        return
    subscriptions = await get_deps(context).store.chats.subscriptions(chat.id)
    await query.answer()
    text, rows = render_page(subscriptions, int(parts[1]), lang_of(update))
    await edit(update, text, rows)


async def on_subscription_button(update: Update, context: ContextTypes.DEFAULT_TYPE, parts: list[str]) -> None:
    """Edit, pause/resume or delete one subscription from the list."""
    deps = get_deps(context)
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    lang = lang_of(update)
    if len(parts) != 4 or not parts[2].isdigit() or not parts[3].isdigit():
        await query.answer(t(lang, "stale_button"), show_alert=True)
        return
    op, sub_id, page = parts[1], int(parts[2]), int(parts[3])
    subscriptions = await deps.store.chats.subscriptions(chat.id)
    found = [(s.number, s) for s in subscriptions if s.id == sub_id]
    if not found:
        await query.answer(t(lang, "sub_gone"), show_alert=True)
        text, rows = render_page(subscriptions, page, lang)
        await edit(update, text, rows)
        return
    if op != "c" and not await may_change(update, context):
        return
    number, subscription = found[0]
    if op == "e":
        await query.answer()
        await _ask_for_new_query(update, context, number, subscription)
        return
    if op == "d":
        await query.answer()
        confirm = (t(lang, "btn_confirm_delete", n=number), f"s:D:{sub_id}:{page}")
        confirm_rows: Keyboard = [[confirm, (t(lang, "btn_cancel"), f"s:c:{sub_id}:{page}")]]
        await edit(update, t(lang, "confirm_delete", n=number, query=shown(subscription.query)), confirm_rows)
        return
    if op == "D":
        await deps.store.chats.delete_subscription(chat.id, sub_id)
        deps.index.drop(sub_id)
        await query.answer(toast(t(lang, "deleted", n=number, query=subscription.query)))
    elif op == "p":
        await set_active(context, subscription, not subscription.active)
        await query.answer(t(lang, "resumed_one" if not subscription.active else "paused_one", n=number))
    elif op == "c":
        await query.answer()
    else:
        await query.answer(t(lang, "stale_button"), show_alert=True)
        return
    text, rows = render_page(await deps.store.chats.subscriptions(chat.id), page, lang)
    await edit(update, text, rows)


async def set_active(context: ContextTypes.DEFAULT_TYPE, subscription: Subscription, active: bool) -> None:
    """Pause or resume a subscription, in the database and the live matcher."""
    deps = get_deps(context)
    await deps.store.chats.update_subscription(subscription.chat_id, subscription.id, active=active)
    deps.index.put(replace(subscription, active=active))  # put() drops a paused one


async def _ask_for_new_query(
    update: Update, context: ContextTypes.DEFAULT_TYPE, number: int, subscription: Subscription
) -> None:
    """Remember which subscription is being edited and ask for the new query as a reply."""
    deps = get_deps(context)
    chat = update.effective_chat
    assert chat is not None
    await deps.store.pending.drop_kinds(chat.id, (EDIT_KIND,))
    payload = {"sub_id": subscription.id}
    await deps.store.pending.put(PendingAction(new_token(), chat.id, EDIT_KIND, payload, deps.clock()))
    await context.bot.send_message(
        chat.id,
        t(lang_of(update), "edit_prompt", n=number, query=shown(subscription.query)),
        parse_mode=ParseMode.HTML,
        reply_markup=ForceReply(selective=True),
    )


async def on_edit_text(update: Update, context: ContextTypes.DEFAULT_TYPE, action: PendingAction) -> None:
    """The new query for a subscription being edited: checked, saved, and swapped in the matcher."""
    deps = get_deps(context)
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and message.text is not None and chat is not None
    lang = lang_of(update)
    if not await may_change(update, context):
        return
    subscription = await deps.store.chats.subscription(int(action.payload["sub_id"]))
    if subscription is None or subscription.chat_id != chat.id:
        await deps.store.pending.drop(action.token)
        await reply(update, t(lang, "sub_gone"))
        return
    try:
        query = parse_query(message.text)
    except QueryError as exc:
        await reply(update, t(lang, "not_saved", error=esc(exc.message(lang))))
        return
    canonical = query.canonical()
    others = await deps.store.chats.subscriptions(chat.id)
    for other in others:
        if other.id != subscription.id and other.query == canonical:
            await reply(update, t(lang, "sub_duplicate", n=other.number))
            return
    await deps.store.chats.update_subscription(chat.id, subscription.id, query=canonical)
    await deps.store.pending.drop(action.token)
    deps.index.put(replace(subscription, query=canonical))  # put() skips a paused one
    await reply(update, t(lang, "edited", n=subscription.number, desc=describe(query, lang)))
