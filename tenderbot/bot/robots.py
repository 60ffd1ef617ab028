"""/robot N kind URL [secret] and /robot N off: also deliver a subscription's alerts to a team robot."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from tenderbot.bot.common import get_deps, lang_of, may_change, reply
from tenderbot.bot.manage import numbered
from tenderbot.errors import ConfigError
from tenderbot.notify.render import esc
from tenderbot.texts import t

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
    if len(args) < 2:
        await reply(update, t(lang, "robot_usage"))
        return
    subscription = await numbered(update, context, chat.id, "robot_number_usage")
    if subscription is None:
        return
    number = subscription.number
    kind = args[1].lower()
    if kind == "off":
        await deps.store.digests.unbind_webhook(chat.id, subscription.id)
        await reply(update, t(lang, "robot_removed", n=number))
        return
    url = args[2] if len(args) > 2 else ""
    secret = args[3] if len(args) > 3 else None
    if kind not in ROBOT_NAMES:
        await reply(update, t(lang, "robot_bad_kind", kind=esc(kind[:30])))
        return
    label = ROBOT_NAMES[kind] if lang != "en" else kind
    if not url.lower().startswith("https://"):
        # The URL carries the robot's credentials: never send it in clear text.
        await reply(update, t(lang, "robot_not_https"))
        return
    problem = deps.hook_policy.url_problem(url)
    if problem is not None:
        # Only the robot services' hosts (and the operator's): the server must not be made to POST anywhere
        # a user names. Private addresses are refused again when each post resolves the host.
        log.info("chat %d: /robot refused: %s", chat.id, problem)
        hosts = "、".join(sorted(deps.hook_policy.allowed_hosts))
        await reply(update, t(lang, "robot_bad_host", hosts=esc(hosts)))
        return
    try:
        await deps.store.digests.bind_webhook(chat.id, subscription.id, kind, url, secret)
    except ConfigError as exc:
        # The validator's detail is English operator text: the chat gets the reason in its language.
        log.info("chat %d: /robot refused: %s", chat.id, exc)
        await reply(update, t(lang, "robot_bad_url", kind=esc(label)))
        return
    if message is not None:
        # The URL and the secret are credentials: do not leave them in the chat's history.
        try:
            await message.delete()
        except TelegramError as exc:
            log.info("chat %d: could not delete the /robot message: %s", chat.id, exc)
    host = urlsplit(url).hostname or "?"
    await reply(update, t(lang, "robot_bound", n=number, kind=esc(label), host=esc(host)))
