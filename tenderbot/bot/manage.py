"""/unsub N (with 撤销), /pause [N], /resume [N], /share N and the /start s_<token> deep link a share creates.

N is the number the subscription was given when it was saved, kept for life (issue 9): deleting #7
leaves #8 as #8. ``/unsub`` deletes at once and offers an undo button (``u:<token>``) that puts the
subscription back with the same id and number.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from tenderbot.bot.common import (
    edit,
    ensure_chat,
    get_deps,
    lang_of,
    may_change,
    new_token,
    numbers_of,
    parse_number,
    pressed_action,
    reply,
    shown,
)
from tenderbot.bot.listing import set_active
from tenderbot.bot.subscribe import save_query
from tenderbot.models import Subscription
from tenderbot.notify.render import esc
from tenderbot.store.pending import PendingAction
from tenderbot.texts import t

SHARE_PREFIX = "s_"
UNDO_KIND = "undo"


async def numbered(update: Update, context: ContextTypes.DEFAULT_TYPE, chat_id: int, usage: str) -> Subscription | None:
    """The chat's subscription with the number in the first argument, or None after saying what to write."""
    lang = lang_of(update)
    chats = get_deps(context).store.chats
    number = parse_number((context.args or [""])[0])
    found = await chats.subscription_by_number(chat_id, number) if number is not None else None
    if found is not None:
        return found
    subscriptions = await chats.subscriptions(chat_id)
    if not subscriptions:
        await reply(update, t(lang, "no_subs"))
    else:
        await reply(update, t(lang, usage, numbers=numbers_of(subscriptions, lang)))
    return None


async def unsub_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Delete a subscription by its number at once, and offer to undo it."""
    deps = get_deps(context)
    chat = update.effective_chat
    if chat is None or not await may_change(update, context):
        return
    lang = lang_of(update)
    subscription = await numbered(update, context, chat.id, "unsub_usage")
    if subscription is None:
        return
    snapshot = await deps.store.chats.remove_subscription(chat.id, subscription.id)
    deps.index.drop(subscription.id)
    if snapshot is None:  # deleted in between (a double tap from another admin)
        await reply(update, t(lang, "sub_gone"))
        return
    token = new_token()
    await deps.store.pending.put(PendingAction(token, chat.id, UNDO_KIND, {"subscription": snapshot}, deps.clock()))
    text = t(lang, "deleted", n=subscription.number, query=shown(subscription.query))
    await reply(update, text, [[(t(lang, "btn_undo"), f"u:{token}")]])


async def on_undo_button(update: Update, context: ContextTypes.DEFAULT_TYPE, parts: list[str]) -> None:
    """撤销: put a deleted subscription back, with its number, query, pauses, blocked buyers and robot."""
    deps = get_deps(context)
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    lang = lang_of(update)
    action = await pressed_action(update, context, parts[1] if len(parts) == 2 else None, UNDO_KIND)
    if action is None:
        return
    await deps.store.pending.drop(action.token)
    restored = await deps.store.chats.restore_subscription(dict(action.payload["subscription"]))
    if restored is None:
        await query.answer(t(lang, "stale_button"), show_alert=True)
        return
    deps.index.put(restored)  # put() skips a paused one
    await query.answer()
    await edit(update, t(lang, "restored", n=restored.number, query=shown(restored.query)))


async def _pause_or_resume(update: Update, context: ContextTypes.DEFAULT_TYPE, active: bool) -> None:
    """Pause (or resume) every subscription of the chat, or the one numbered in the argument."""
    deps = get_deps(context)
    chat = update.effective_chat
    if chat is None or not await may_change(update, context):
        return
    lang = lang_of(update)
    if context.args:
        subscription = await numbered(update, context, chat.id, "number_usage")
        if subscription is not None:
            await set_active(context, subscription, active)
            await reply(update, t(lang, "resumed_one" if active else "paused_one", n=subscription.number))
        return
    subscriptions = await deps.store.chats.subscriptions(chat.id)
    if not subscriptions:
        await reply(update, t(lang, "no_subs"))
        return
    for subscription in subscriptions:
        if subscription.active != active:
            await set_active(context, subscription, active)
    await reply(update, t(lang, "resumed_all" if active else "paused_all", count=len(subscriptions)))


async def pause_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/pause: stop alerts of all subscriptions, or /pause N for one."""
    await _pause_or_resume(update, context, active=False)


async def resume_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/resume: alerts again for all subscriptions, or /resume N for one."""
    await _pause_or_resume(update, context, active=True)


async def share_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/share N: a t.me deep link whose /start adds the same query to whoever opens it."""
    deps = get_deps(context)
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return
    lang = lang_of(update)
    subscription = await numbered(update, context, chat.id, "share_usage")
    if subscription is None:
        return
    token = new_token()
    creator = user.id if user is not None else chat.id
    await deps.store.pending.create_share(token, subscription.query, creator, deps.clock())
    link = f"https://t.me/{context.bot.username}?start={SHARE_PREFIX}{token}"
    await reply(update, t(lang, "share_link", n=subscription.number, link=esc(link)))


async def start_shared(update: Update, context: ContextTypes.DEFAULT_TYPE, token: str) -> None:
    """/start s_<token>: subscribe this chat to the shared query (with the usual preview)."""
    deps = get_deps(context)
    await ensure_chat(update, deps)
    shared = await deps.store.pending.share(token)
    if shared is None:
        await reply(update, t(lang_of(update), "share_unknown"))
        return
    saved = await save_query(update, context, shared)
    if saved is not None:
        await reply(update, saved[1])
