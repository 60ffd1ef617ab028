"""/robot N kind URL [secret] and /robot N off: also deliver a subscription's alerts to a team robot."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from tenderbot.bot.common import get_deps, lang_of, may_change, parse_number, reply
from tenderbot.bot.texts import t
from tenderbot.errors import ConfigError
from tenderbot.notify.render import esc

log = logging.getLogger(__name__)
ROBOT_NAMES = {"wecom": "企业微信", "dingtalk": "钉钉", "feishu": "飞书"}


async def robot_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Bind (or unbind) a subscription to a WeCom, DingTalk or Feishu group robot."""
    deps = get_deps(context)
    chat, message = update.effective_chat, update.effective_message
    if chat is None or not await may_change(update, context):
        return
    lang = lang_of(update)
    args = context.args or []
    subscriptions = await deps.store.chats.subscriptions(chat.id)
    number = parse_number(args[0], len(subscriptions)) if args else None
    if number is None or len(args) < 2:
        await reply(update, t(lang, "robot_usage"))
        return
    subscription = subscriptions[number - 1]
    kind = args[1].lower()
    if kind == "off":
        await deps.store.digests.unbind_webhook(chat.id, subscription.id)
        await reply(update, t(lang, "robot_removed", n=number))
        return
    url = args[2] if len(args) > 2 else ""
    secret = args[3] if len(args) > 3 else None
    try:
        if not url.lower().startswith("https://"):
            # The URL carries the robot's credentials: never send it in clear text.
            raise ConfigError("the robot's webhook URL must start with https://")
        await deps.store.digests.bind_webhook(chat.id, subscription.id, kind, url, secret)
    except ConfigError as exc:
        await reply(update, t(lang, "robot_invalid", error=esc(str(exc))))
        return
    if message is not None:
        # The URL and the secret are credentials: do not leave them in the chat's history.
        try:
            await message.delete()
        except TelegramError as exc:
            log.info("chat %d: could not delete the /robot message: %s", chat.id, exc)
    host = urlsplit(url).hostname or "?"
    label = ROBOT_NAMES[kind] if lang != "en" else kind
    await reply(update, t(lang, "robot_bound", n=number, kind=esc(label), host=esc(host)))
