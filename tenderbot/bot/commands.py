"""/start (with deep links), /help, typed replies, the command menus, and ``install`` wiring every handler."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tenderbot.bot.admin import broadcast_command, sources_command, stats_command, status_command
from tenderbot.bot.buttons import on_callback
from tenderbot.bot.common import BotDeps, ensure_chat, get_deps, is_bot_admin, lang_of, live_pending, reply
from tenderbot.bot.listing import EDIT_KIND, list_command, on_edit_text
from tenderbot.bot.manage import (
    SHARE_PREFIX,
    pause_command,
    resume_command,
    share_command,
    start_shared,
    unsub_command,
)
from tenderbot.bot.members import on_migrate, on_my_chat_member
from tenderbot.bot.robots import robot_command
from tenderbot.bot.safety import on_error
from tenderbot.bot.settings import digest_command, settings_command
from tenderbot.bot.transfer import export_command, import_command, on_document
from tenderbot.bot.wizard import KIND as WIZARD_KIND
from tenderbot.bot.wizard import on_wizard_text, sub_command, wants_text
from tenderbot.notify.render import esc
from tenderbot.texts import t

log = logging.getLogger(__name__)

# (command, Chinese description, English description); the help text lists the same commands.
USER_MENU = (
    ("sub", "新建订阅：/sub 关键词 …（不带词则按步骤）", "Subscribe: /sub words … (alone: step by step)"),
    ("list", "查看、修改、暂停、删除订阅", "View, edit, pause, delete subscriptions"),
    ("unsub", "删除订阅：/unsub 编号", "Delete one: /unsub N"),
    ("pause", "暂停全部或一个订阅", "Pause all or one"),
    ("resume", "恢复订阅", "Resume"),
    ("digest", "每日摘要：/digest 08:30 或 off", "Daily digest: /digest 08:30 or off"),
    ("settings", "时区、提醒方式、免打扰", "Time zone, alert mode, quiet hours"),
    ("status", "数据源状态和统计", "Sources' health and your numbers"),
    ("share", "分享订阅：/share 编号", "Share one: /share N"),
    ("robot", "推送到企业微信/钉钉/飞书群机器人", "Also post to a WeCom/DingTalk/Feishu robot"),
    ("export", "导出订阅（JSON）", "Export subscriptions (JSON)"),
    ("import", "导入订阅文件", "Import a subscriptions file"),
    ("help", "帮助", "Help"),
)
# Operators get a shorter menu: the everyday commands plus their own.
ADMIN_MENU = (
    USER_MENU[0],
    USER_MENU[1],
    USER_MENU[7],
    ("stats", "统计：会话、订阅、公告、发送队列", "Stats: chats, subscriptions, notices, outbox"),
    ("sources", "数据源健康表", "Sources' health table"),
    ("broadcast", "群发：/broadcast 内容", "Broadcast: /broadcast text"),
    USER_MENU[-1],
)


def menu(entries: tuple[tuple[str, str, str], ...], lang: str) -> list[BotCommand]:
    """BotCommands for one language."""
    return [BotCommand(name, en if lang == "en" else zh) for name, zh, en in entries]


async def start_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet and register the chat; ``/start s_<token>`` subscribes to a shared query."""
    deps = get_deps(context)
    await ensure_chat(update, deps)
    payload = (context.args or [""])[0]
    if payload.startswith(SHARE_PREFIX):
        await start_shared(update, context, payload.removeprefix(SHARE_PREFIX))
        return
    await reply(update, help_text(update, deps))


def help_text(update: Update, deps: BotDeps) -> str:
    """The help text; operators also see their own commands."""
    lang = lang_of(update)
    text = t(lang, "help")
    if is_bot_admin(update, deps):
        own = [entry for entry in ADMIN_MENU if entry not in USER_MENU]
        text += "\n\n<b>" + t(lang, "admin_help") + "</b>\n"
        text += "\n".join(f"/{name} — {esc(en if lang == 'en' else zh)}" for name, zh, en in own)
    return text


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the help text."""
    await reply(update, help_text(update, get_deps(context)))


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A typed reply for an edit or for the guided /sub; other chatter is ignored."""
    deps = get_deps(context)
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or message.text is None:
        return
    replied = message.reply_to_message
    # In groups only replies to the bot count (with privacy mode off the bot would see all chatter).
    if chat.type != ChatType.PRIVATE and (replied is None or replied.from_user is None or not replied.from_user.is_bot):
        return
    latest = await deps.store.pending.latest(chat.id, (EDIT_KIND, WIZARD_KIND))
    action = await live_pending(deps, latest.token, chat.id, latest.kind) if latest is not None else None
    if action is None:
        return
    if action.kind == EDIT_KIND:
        await on_edit_text(update, context, action)
    elif wants_text(action):
        await on_wizard_text(update, context, action)


async def publish_commands(application: Application) -> None:  # type: ignore[type-arg]
    """Publish the menus: Chinese by default, English for English clients, a shorter one for each operator."""
    bot = application.bot
    await bot.set_my_commands(menu(USER_MENU, "zh"))
    await bot.set_my_commands(menu(USER_MENU, "en"), language_code="en")
    deps = application.bot_data.get("deps")
    admin_ids = sorted(deps.admin_ids) if isinstance(deps, BotDeps) else []
    for admin in admin_ids:
        scope = BotCommandScopeChat(admin)
        try:
            await bot.set_my_commands(menu(ADMIN_MENU, "zh"), scope=scope)
            await bot.set_my_commands(menu(ADMIN_MENU, "en"), scope=scope, language_code="en")
        except TelegramError as exc:
            # An operator who never opened a chat with the bot: Telegram answers "chat not found".
            log.warning("admin menu for chat %d not published: %s", admin, exc)


def install(application: Application, deps: BotDeps) -> None:  # type: ignore[type-arg]
    """Register every handler and inject the dependencies."""
    application.bot_data["deps"] = deps
    commands = {
        "start": start_command,
        "help": help_command,
        "sub": sub_command,
        "list": list_command,
        "unsub": unsub_command,
        "pause": pause_command,
        "resume": resume_command,
        "digest": digest_command,
        "settings": settings_command,
        "status": status_command,
        "share": share_command,
        "robot": robot_command,
        "export": export_command,
        "import": import_command,
        "stats": stats_command,
        "sources": sources_command,
        "broadcast": broadcast_command,
    }
    for name, callback in commands.items():
        application.add_handler(CommandHandler(name, callback))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, on_migrate))
    application.add_handler(MessageHandler(filters.Document.ALL, on_document))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    application.add_handler(CallbackQueryHandler(on_callback))
    application.add_handler(ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_error_handler(on_error)
