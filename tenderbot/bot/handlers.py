"""Telegram command and button handlers: /start, /help, /sub, /list, /unsub and the alert buttons."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram import BotCommand, Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from tenderbot.errors import QueryError
from tenderbot.matching.engine import Matcher
from tenderbot.matching.query import parse_query
from tenderbot.notify.render import esc, money_text
from tenderbot.store.repos import Store
from tenderbot.subscriptions import SubscriptionIndex

log = logging.getLogger(__name__)
PREVIEW_DAYS = 7
MAX_SUBSCRIPTIONS = 50

HELP_ZH = (
    "<b>tenderbot：仪器与医疗设备招标提醒</b>\n\n"
    "/sub 关键词 … — 新建订阅，例如：\n"
    "<code>/sub 液相色谱 质谱 -维修 预算:50万-500万 地区:江苏,浙江</code>\n"
    "空格分隔的词任一出现即匹配；<code>+词</code> 必须出现；<code>-词</code> 排除；"
    '<code>"短语"</code>；<code>预算:</code> <code>地区:</code> '
    "<code>类型:招标,更正</code> <code>类别:仪器|医疗</code>；"
    "<code>~词</code> 包含同义词。\n"
    "/list — 查看订阅\n/unsub 编号 — 删除订阅\n/help — 帮助"
)
HELP_EN = (
    "<b>tenderbot: instrument and medical-equipment tender alerts</b>\n\n"
    "/sub words … — subscribe, e.g.\n"
    "<code>/sub 液相色谱 质谱 -维修 budget:50万-500万 region:江苏,浙江</code>\n"
    "Any word matches; <code>+word</code> required; <code>-word</code> excluded; quoted phrases; "
    "filters <code>budget:</code> <code>region:</code> <code>type:</code> <code>cat:</code>; "
    "<code>~word</code> adds synonyms.\n"
    "/list — your subscriptions\n/unsub N — delete one\n/help — this help"
)


@dataclass(frozen=True, slots=True)
class BotDeps:
    """What the handlers need, injected through ``application.bot_data['deps']``."""

    store: Store
    index: SubscriptionIndex
    clock: Callable[[], datetime]
    admin_ids: frozenset[int]


def _deps(context: ContextTypes.DEFAULT_TYPE) -> BotDeps:
    deps = context.application.bot_data["deps"]
    assert isinstance(deps, BotDeps)
    return deps


def _english(update: Update) -> bool:
    user = update.effective_user
    return bool(user and user.language_code and user.language_code.lower().startswith("en"))


async def _reply(update: Update, text: str) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML, do_quote=False)


async def _register_chat(update: Update, deps: BotDeps) -> int | None:
    """Make sure the chat is known (and active again) before it changes anything."""
    chat = update.effective_chat
    if chat is None:
        return None
    language = "en" if _english(update) else "zh"
    await deps.store.chats.ensure(chat.id, deps.clock(), kind=chat.type, title=chat.title, language=language)
    return chat.id


async def _may_change(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """In groups only the group's admins change subscriptions; say so politely to the others."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return False
    if chat.type == ChatType.PRIVATE:
        return True
    member = await context.bot.get_chat_member(chat.id, user.id)
    if member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER):
        return True
    await _reply(
        update,
        "Only this group's admins can change its subscriptions."
        if _english(update)
        else "只有本群管理员可以修改本群的订阅。",
    )
    return False


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet, register the chat, show how to subscribe."""
    await _register_chat(update, _deps(context))
    await _reply(update, HELP_EN if _english(update) else HELP_ZH)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the help text."""
    await _reply(update, HELP_EN if _english(update) else HELP_ZH)


async def sub(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Create a subscription at once and preview what it would have matched last week."""
    deps = _deps(context)
    english = _english(update)
    text = " ".join(context.args or []).strip()
    if not text:
        await _reply(update, HELP_EN if english else HELP_ZH)
        return
    if not await _may_change(update, context):
        return
    try:
        query = parse_query(text)
    except QueryError as exc:
        await _reply(update, ("❌ Not saved: " if english else "❌ 未保存：") + esc(str(exc)))
        return
    chat_id = await _register_chat(update, deps)
    assert chat_id is not None
    existing = await deps.store.chats.subscriptions(chat_id)
    if len(existing) >= MAX_SUBSCRIPTIONS:
        await _reply(update, f"❌ 最多 {MAX_SUBSCRIPTIONS} 个订阅，请先用 /unsub 删除。")
        return
    now = deps.clock()
    subscription = await deps.store.chats.add_subscription(chat_id, query.canonical(), now)
    deps.index.put(subscription)
    preview = await _preview(deps, query.canonical(), now)
    head = f"✅ 已订阅 #{len(existing) + 1}：{esc(query.describe())}"
    await _reply(update, head + "\n\n" + preview)


async def _preview(deps: BotDeps, query: str, now: datetime) -> str:
    """How many notices of the last 7 days a query matches, and the three newest."""
    matcher = Matcher()
    matcher.add(1, query)
    recent = await deps.store.notices.seen_since(now - timedelta(days=PREVIEW_DAYS))
    hits = [stored.notice for stored in recent if matcher.match(stored.notice)]
    lines = [f"过去 {PREVIEW_DAYS} 天匹配 {len(hits)} 条公告。"]
    for notice in hits[:3]:
        budget = money_text(notice.budget)
        lines.append(f"• {esc(notice.title or '')}（{esc(budget)}）")
    return "\n".join(lines)


async def list_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the chat's subscriptions, numbered."""
    deps = _deps(context)
    chat = update.effective_chat
    if chat is None:
        return
    subscriptions = await deps.store.chats.subscriptions(chat.id)
    if not subscriptions:
        await _reply(
            update, "No subscriptions yet: /sub words" if _english(update) else "还没有订阅。用 /sub 关键词 新建。"
        )
        return
    lines = ["<b>订阅</b>" if not _english(update) else "<b>Subscriptions</b>"]
    for number, subscription in enumerate(subscriptions, start=1):
        paused = "" if subscription.active else "（已暂停）"
        lines.append(f"{number}. <code>{esc(subscription.query)}</code>{paused}")
    await _reply(update, "\n".join(lines))


async def unsub(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Delete a subscription by its number in /list."""
    deps = _deps(context)
    chat = update.effective_chat
    if chat is None or not await _may_change(update, context):
        return
    subscriptions = await deps.store.chats.subscriptions(chat.id)
    arg = (context.args or [""])[0]
    if not arg.isdigit() or not 1 <= int(arg) <= len(subscriptions):
        await _reply(
            update, f"请写 /unsub 编号（1–{len(subscriptions)}），编号见 /list。" if subscriptions else "还没有订阅。"
        )
        return
    subscription = subscriptions[int(arg) - 1]
    await deps.store.chats.delete_subscription(chat.id, subscription.id)
    deps.index.drop(subscription.id)
    await _reply(update, f"🗑 已删除 #{arg}：<code>{esc(subscription.query)}</code>")


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """关注 / 不相关 / 屏蔽采购人 on an alert; stale or unknown buttons answer politely."""
    deps = _deps(context)
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None:
        return
    action, _, raw_id = (query.data or "").partition(":")
    stored = await deps.store.notices.get(int(raw_id)) if raw_id.isdigit() else None
    if stored is None or action not in ("f", "h", "b"):
        await query.answer("这个按钮已失效。", show_alert=False)
        return
    now = deps.clock()
    if action == "f":
        await deps.store.chats.follow(chat.id, stored.project_id, stored.id, now)
        await query.answer("已关注：截止前会提醒，更正和结果也会通知你。")
    elif action == "h":
        await deps.store.chats.hide(chat.id, stored.project_id, now)
        await query.answer("已标记为不相关，这个项目不再推送。")
    else:
        buyer = stored.notice.buyer.name if stored.notice.buyer else None
        if not buyer:
            await query.answer("这条公告没有写明采购人。")
            return
        for subscription in await deps.store.chats.subscriptions(chat.id):
            if buyer not in subscription.excluded_buyers:
                blocked = [*subscription.excluded_buyers, buyer]
                await deps.store.chats.update_subscription(chat.id, subscription.id, excluded_buyers=blocked)
        deps.index.invalidate()
        await query.answer(f"已屏蔽采购人：{buyer}")


COMMANDS_ZH = [
    BotCommand("sub", "新建订阅：/sub 关键词 …"),
    BotCommand("list", "查看订阅"),
    BotCommand("unsub", "删除订阅：/unsub 编号"),
    BotCommand("help", "帮助"),
]
COMMANDS_EN = [
    BotCommand("sub", "Subscribe: /sub words …"),
    BotCommand("list", "Your subscriptions"),
    BotCommand("unsub", "Delete one: /unsub N"),
    BotCommand("help", "Help"),
]


def install(application: Application, deps: BotDeps) -> None:  # type: ignore[type-arg]
    """Register the handlers and inject the dependencies."""
    application.bot_data["deps"] = deps
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))
    application.add_handler(CommandHandler("sub", sub))
    application.add_handler(CommandHandler("list", list_command))
    application.add_handler(CommandHandler("unsub", unsub))
    application.add_handler(CallbackQueryHandler(button))
    application.add_error_handler(_on_error)


async def publish_commands(application: Application) -> None:  # type: ignore[type-arg]
    """Publish the command menus (Chinese by default, English for English clients)."""
    await application.bot.set_my_commands(COMMANDS_ZH)
    await application.bot.set_my_commands(COMMANDS_EN, language_code="en")


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log handler errors in one line each; the bot keeps running."""
    log.error("bot: %s while handling an update: %s", type(context.error).__name__, context.error)
