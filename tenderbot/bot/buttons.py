"""Every inline button lands here: the alert buttons (关注 / 不相关 / 屏蔽采购人) and the router to the rest.

Callback data grammar (≤ 64 bytes, no server-side cache, so it survives restarts):
``f:<notice>`` follow, ``h:<notice>`` hide, ``b:<notice>`` block the buyer (alerts, from the sender);
``l:`` list pages, ``s:`` subscription actions, ``w:`` guided /sub, ``i:`` import, ``g:`` settings,
``u:`` undo a /unsub.
Anything else, or anything that points at what no longer exists, is answered politely.
"""

from __future__ import annotations

from dataclasses import replace

from telegram import Update
from telegram.ext import ContextTypes

from tenderbot.bot.common import get_deps, lang_of, may_change
from tenderbot.bot.listing import on_page_button, on_subscription_button
from tenderbot.bot.manage import on_undo_button
from tenderbot.bot.settings import on_settings_button
from tenderbot.bot.transfer import on_import_button
from tenderbot.bot.wizard import on_wizard_button
from tenderbot.texts import t


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Dispatch a button press by its prefix."""
    query = update.callback_query
    if query is None or update.effective_chat is None:
        return
    parts = (query.data or "").split(":")
    prefix = parts[0]
    if prefix in ("f", "h", "b"):
        await on_alert_button(update, context, parts)
    elif prefix == "l":
        await on_page_button(update, context, parts)
    elif prefix == "s":
        await on_subscription_button(update, context, parts)
    elif prefix == "w" and len(parts) >= 3:
        await on_wizard_button(update, context, parts)
    elif prefix == "i":
        await on_import_button(update, context, parts)
    elif prefix == "g":
        await on_settings_button(update, context, parts)
    elif prefix == "u":
        await on_undo_button(update, context, parts)
    else:
        await query.answer(t(lang_of(update), "stale_button"), show_alert=True)


async def on_alert_button(update: Update, context: ContextTypes.DEFAULT_TYPE, parts: list[str]) -> None:
    """关注 (follow: reminders and updates), 不相关 (hide the project), 屏蔽采购人 (block the buyer)."""
    deps = get_deps(context)
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    lang = lang_of(update)
    raw_id = parts[1] if len(parts) == 2 else ""
    stored = await deps.store.notices.get(int(raw_id)) if raw_id.isdigit() else None
    if stored is None:
        await query.answer(t(lang, "notice_gone" if raw_id.isdigit() else "stale_button"), show_alert=True)
        return
    if not await may_change(update, context):
        return
    now = deps.clock()
    if parts[0] == "f":
        new = await deps.store.chats.follow(chat.id, stored.project_id, stored.id, now)
        await query.answer(t(lang, "followed" if new else "already_followed"))
        return
    if parts[0] == "h":
        await deps.store.chats.hide(chat.id, stored.project_id, now)
        await query.answer(t(lang, "hidden"))
        return
    buyer = (stored.notice.buyer.name or "").strip() if stored.notice.buyer else ""
    if not buyer:
        await query.answer(t(lang, "no_buyer"), show_alert=True)
        return
    # Only the subscriptions that produced this alert (the outbox row names them) learn the exclusion.
    matched = await deps.store.chats.alert_subscription_ids(chat.id, stored.id)
    mine = {s.id: s for s in await deps.store.chats.subscriptions(chat.id)}
    targets = [mine[i] for i in matched or () if i in mine]
    if not targets:
        await query.answer(t(lang, "sub_gone" if matched is not None else "stale_button"), show_alert=True)
        return
    for subscription in targets:
        if buyer not in subscription.excluded_buyers:
            blocked = [*subscription.excluded_buyers, buyer]
            await deps.store.chats.update_subscription(chat.id, subscription.id, excluded_buyers=blocked)
            deps.index.put(replace(subscription, excluded_buyers=tuple(blocked)))  # put() skips inactive ones
    await query.answer(t(lang, "blocked_buyer", count=len(targets), buyer=buyer)[:200])
