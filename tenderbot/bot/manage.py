"""/unsub N, /pause [N], /resume [N], /share N and the /start s_<token> deep link that a share creates."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from tenderbot.bot.common import ensure_chat, get_deps, lang_of, may_change, new_token, parse_number, reply, shown
from tenderbot.bot.listing import set_active
from tenderbot.bot.subscribe import save_query
from tenderbot.bot.texts import t
from tenderbot.models import Subscription
from tenderbot.notify.render import esc

SHARE_PREFIX = "s_"


async def _numbered(
    update: Update, context: ContextTypes.DEFAULT_TYPE, chat_id: int, usage: str
) -> tuple[int, Subscription] | None:
    """The subscription numbered in the first argument (as in /list), or None after saying what to write."""
    lang = lang_of(update)
    subscriptions = await get_deps(context).store.chats.subscriptions(chat_id)
    if not subscriptions:
        await reply(update, t(lang, "no_subs"))
        return None
    number = parse_number((context.args or [""])[0], len(subscriptions))
    if number is None:
        await reply(update, t(lang, usage, count=len(subscriptions)))
        return None
    return number, subscriptions[number - 1]


async def unsub_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Delete a subscription by its number in /list."""
    deps = get_deps(context)
    chat = update.effective_chat
    if chat is None or not await may_change(update, context):
        return
    lang = lang_of(update)
    picked = await _numbered(update, context, chat.id, "unsub_usage")
    if picked is None:
        return
    number, subscription = picked
    await deps.store.chats.delete_subscription(chat.id, subscription.id)
    deps.index.drop(subscription.id)
    await reply(update, t(lang, "deleted", n=number, query=shown(subscription.query)))


async def _pause_or_resume(update: Update, context: ContextTypes.DEFAULT_TYPE, active: bool) -> None:
    """Pause (or resume) every subscription of the chat, or the one numbered in the argument."""
    deps = get_deps(context)
    chat = update.effective_chat
    if chat is None or not await may_change(update, context):
        return
    lang = lang_of(update)
    subscriptions = await deps.store.chats.subscriptions(chat.id)
    if not subscriptions:
        await reply(update, t(lang, "no_subs"))
        return
    args = context.args or []
    if args:
        number = parse_number(args[0], len(subscriptions))
        if number is None:
            await reply(update, t(lang, "number_usage", count=len(subscriptions)))
            return
        await set_active(context, subscriptions[number - 1], active)
        await reply(update, t(lang, "resumed_one" if active else "paused_one", n=number))
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
    picked = await _numbered(update, context, chat.id, "share_usage")
    if picked is None:
        return
    number, subscription = picked
    token = new_token()
    creator = user.id if user is not None else chat.id
    await deps.store.pending.create_share(token, subscription.query, creator, deps.clock())
    link = f"https://t.me/{context.bot.username}?start={SHARE_PREFIX}{token}"
    await reply(update, t(lang, "share_link", n=number, link=esc(link)))


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
