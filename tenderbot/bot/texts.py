"""Every chat text in Chinese (default) and English; ``t(lang, key, **values)`` picks and fills one."""

# ruff: noqa: E501  (one text pair per line reads better than wrapped halves; the lines are data)

from __future__ import annotations

HELP_ZH = (
    "<b>tenderbot：仪器与医疗设备招标提醒</b>\n\n"
    "/sub 关键词 … — 新建订阅，例如：\n"
    "<code>/sub 液相色谱 质谱 -维修 预算:50万-500万 地区:江苏,浙江</code>\n"
    "空格分隔的词任一出现即匹配；<code>+词</code> 必须出现；<code>-词</code> 排除；"
    '<code>"短语"</code>；<code>预算:</code> <code>地区:</code> '
    "<code>类型:招标,更正</code> <code>类别:仪器|医疗</code>；"
    "<code>~词</code> 包含同义词。\n"
    "/sub — 按步骤新建订阅\n"
    "/list — 查看、修改、暂停、删除订阅\n"
    "/unsub 编号 — 删除订阅\n"
    "/pause [编号] — 暂停全部（或一个）；/resume [编号] — 恢复\n"
    "/digest 08:30 — 每日摘要；/digest off — 关闭\n"
    "/settings — 时区、即时提醒或只要摘要、免打扰时段\n"
    "/status — 数据源状态与本群/本人统计\n"
    "/share 编号 — 生成分享链接\n"
    "/robot 编号 wecom|dingtalk|feishu 地址 [密钥] — 同时推送到企业微信/钉钉/飞书群机器人\n"
    "/export — 导出订阅（JSON 文件）；/import — 发送该文件导入\n"
    "/help — 帮助"
)
HELP_EN = (
    "<b>tenderbot: instrument and medical-equipment tender alerts</b>\n\n"
    "/sub words … — subscribe, e.g.\n"
    "<code>/sub 液相色谱 质谱 -维修 budget:50万-500万 region:江苏,浙江</code>\n"
    "Any word matches; <code>+word</code> required; <code>-word</code> excluded; quoted phrases; "
    "filters <code>budget:</code> <code>region:</code> <code>type:</code> <code>cat:</code>; "
    "<code>~word</code> adds synonyms.\n"
    "/sub — guided subscription, step by step\n"
    "/list — view, edit, pause, delete subscriptions\n"
    "/unsub N — delete one\n"
    "/pause [N] — pause all (or one); /resume [N] — resume\n"
    "/digest 08:30 — daily digest; /digest off — no digest\n"
    "/settings — time zone, instant alerts or digest only, quiet hours\n"
    "/status — sources' health and this chat's numbers\n"
    "/share N — a link that shares a subscription\n"
    "/robot N wecom|dingtalk|feishu URL [secret] — also post to a WeCom/DingTalk/Feishu robot\n"
    "/export — subscriptions as a JSON file; /import — send that file back\n"
    "/help — this help"
)

_TEXTS: dict[str, tuple[str, str]] = {
    "help": (HELP_ZH, HELP_EN),
    "group_admins_only": (
        "只有本群管理员可以修改本群的订阅和设置。",
        "Only this group's admins can change its subscriptions and settings.",
    ),
    "admin_help": ("管理员命令", "Operator commands"),
    "admins_only": ("抱歉，这个命令只对机器人管理员开放。", "Sorry, this command is only for the bot's operators."),
    "not_saved": ("❌ 未保存：{error}", "❌ Not saved: {error}"),
    "sub_limit": (
        "❌ 最多 {limit} 个订阅，请先用 /unsub 删除。",
        "❌ At most {limit} subscriptions; delete one with /unsub first.",
    ),
    "sub_duplicate": ("这个订阅已经有了：#{n}。", "You already have this subscription: #{n}."),
    "sub_saved": ("✅ 已订阅 #{n}：{desc}", "✅ Subscribed #{n}: {desc}"),
    "preview_count": ("过去 {days} 天匹配 {count} 条公告。", "Matched {count} notices in the last {days} days."),
    "preview_best": ("最值得看的：", "Best matches:"),
    "preview_open": ("还剩{days}天", "{days} days left"),
    "no_subs": ("还没有订阅。用 /sub 关键词 新建。", "No subscriptions yet: /sub words"),
    "list_header": (
        "<b>订阅</b>（第 {page}/{pages} 页，共 {count} 个）",
        "<b>Subscriptions</b> (page {page}/{pages}, {count} in all)",
    ),
    "paused_mark": ("（已暂停）", " (paused)"),
    "blocked_buyers": ("屏蔽采购人：{names}", "Blocked buyers: {names}"),
    "btn_edit": ("✏️ {n}", "✏️ {n}"),
    "btn_pause": ("⏸ {n}", "⏸ {n}"),
    "btn_resume": ("▶️ {n}", "▶️ {n}"),
    "btn_delete": ("🗑 {n}", "🗑 {n}"),
    "btn_prev": ("◀ 上一页", "◀ Previous"),
    "btn_next": ("下一页 ▶", "Next ▶"),
    "btn_confirm_delete": ("确认删除 #{n}", "Delete #{n}"),
    "btn_cancel": ("取消", "Cancel"),
    "btn_confirm": ("✅ 确认", "✅ Confirm"),
    "confirm_delete": ("删除订阅 #{n}？\n<code>{query}</code>", "Delete subscription #{n}?\n<code>{query}</code>"),
    "unsub_usage": (
        "请写 /unsub 编号（1–{count}），编号见 /list。",
        "Write /unsub N (1–{count}); numbers are in /list.",
    ),
    "number_usage": (
        "编号不对：请写 1–{count} 之间的数字，编号见 /list。",
        "Wrong number: write 1–{count}; see /list.",
    ),
    "deleted": ("🗑 已删除 #{n}：<code>{query}</code>", "🗑 Deleted #{n}: <code>{query}</code>"),
    "paused_one": ("⏸ 已暂停 #{n}。", "⏸ Paused #{n}."),
    "resumed_one": ("▶️ 已恢复 #{n}。", "▶️ Resumed #{n}."),
    "paused_all": (
        "⏸ 已暂停全部 {count} 个订阅；/resume 恢复。",
        "⏸ Paused all {count} subscriptions; /resume to resume.",
    ),
    "resumed_all": ("▶️ 已恢复全部 {count} 个订阅。", "▶️ Resumed all {count} subscriptions."),
    "stale_button": (
        "这个按钮已失效，请重新发送命令（如 /list）。",
        "This button has expired; send the command again (e.g. /list).",
    ),
    "sub_gone": ("这个订阅已经删除了。", "That subscription no longer exists."),
    "notice_gone": ("这条公告已不在库中。", "That notice is no longer stored."),
    "edit_prompt": (
        "请回复这条消息，发送订阅 #{n} 的新查询（现在是 <code>{query}</code>）。",
        "Reply to this message with the new query for #{n} (now <code>{query}</code>).",
    ),
    "edited": ("✏️ 已修改 #{n}：{desc}", "✏️ Changed #{n}: {desc}"),
    "followed": (
        "⭐ 已关注：截止前会提醒，更正和结果也会通知。",
        "⭐ Following: deadline reminders, amendments and results will come.",
    ),
    "already_followed": ("已经关注了这个项目。", "You already follow this project."),
    "hidden": ("🙈 已标记为不相关，这个项目不再推送。", "🙈 Hidden: no more messages about this project."),
    "no_buyer": ("这条公告没有写明采购人。", "This notice names no buyer."),
    "blocked_buyer": (
        "🚫 已在 {count} 个订阅中屏蔽采购人：{buyer}",
        "🚫 Blocked buyer in {count} subscription(s): {buyer}",
    ),
    "digest_usage": (
        "请写 /digest 08:30（每天这个时间发摘要）或 /digest off。",
        "Write /digest 08:30 (a daily digest at that time) or /digest off.",
    ),
    "digest_set": ("🗓 每天 {time}（{tz}）发送摘要。", "🗓 Daily digest at {time} ({tz})."),
    "digest_off": ("已关闭每日摘要。", "Daily digest turned off."),
    "settings": (
        "<b>设置</b>\n时区：{tz}\n提醒方式：{mode}\n每日摘要：{digest}（{always}）\n免打扰：{quiet}\n\n"
        "也可以写：<code>/settings tz Asia/Shanghai</code>、<code>/settings quiet 22:00-08:00</code>",
        "<b>Settings</b>\nTime zone: {tz}\nAlerts: {mode}\nDaily digest: {digest} ({always})\nQuiet hours: {quiet}\n\n"
        "Or write: <code>/settings tz Asia/Shanghai</code>, <code>/settings quiet 22:00-08:00</code>",
    ),
    "mode_instant": ("即时提醒", "instant"),
    "mode_digest": ("只发摘要", "digest only"),
    "off": ("关闭", "off"),
    "btn_instant": ("即时提醒", "Instant alerts"),
    "btn_digest_only": ("只要摘要", "Digest only"),
    "always_on": ("没有新公告也发", "sent even when empty"),
    "always_off": ("有新公告才发", "only when there is news"),
    "btn_always": ("空摘要也发", "Send empty digests"),
    "btn_quiet_off": ("免打扰：关", "Quiet hours: off"),
    "settings_usage": ("看不懂这个设置：{error}", "Cannot use that setting: {error}"),
    "bad_timezone": (
        "不认识的时区“{value}”，请写如 Asia/Shanghai",
        "Unknown time zone “{value}”; write e.g. Asia/Shanghai",
    ),
    "bad_quiet": ("免打扰请写成 22:00-08:00 或 off", "Write quiet hours as 22:00-08:00 or off"),
    "settings_saved": ("已保存。", "Saved."),
    "status": (
        "<b>状态</b>\n订阅：{subs}（暂停 {paused}）\n近 7 天提醒：{alerts}\n关注的项目：{follows}\n\n<b>数据源</b>\n{sources}",
        "<b>Status</b>\nSubscriptions: {subs} ({paused} paused)\nAlerts, last 7 days: {alerts}\n"
        "Followed projects: {follows}\n\n<b>Sources</b>\n{sources}",
    ),
    "no_sources": ("（还没有轮询过）", "(not polled yet)"),
    "source_ok": ("✅", "✅"),
    "source_bad": ("⚠️", "⚠️"),
    "source_line": (
        "{mark} {name}：上次轮询 {poll}，上次成功 {ok}{error}",
        "{mark} {name}: polled {poll}, last success {ok}{error}",
    ),
    "never": ("从未", "never"),
    "times_in": ("（时间为 {zone}）", "(times in {zone})"),
    "export_caption": (
        "{count} 个订阅。要导入，把这个文件发回给我（标题写 /import）。",
        "{count} subscriptions. To import, send this file back (caption /import).",
    ),
    "import_usage": (
        "请把导出的 JSON 文件作为文件发给我（标题写 /import），或回复该文件发送 /import。",
        "Send the exported JSON file as a document (caption /import), or reply /import to it.",
    ),
    "import_bad": ("❌ 导入失败，什么都没改：{error}", "❌ Import failed, nothing changed: {error}"),
    "import_diff": (
        "<b>导入预览</b>\n新增 {added} 个，删除 {removed} 个，不变 {unchanged} 个。{lines}",
        "<b>Import preview</b>\n{added} added, {removed} removed, {unchanged} unchanged.{lines}",
    ),
    "import_same": (
        "文件里的订阅和现在的一样，无需导入。",
        "The file holds exactly your current subscriptions; nothing to do.",
    ),
    "import_done": (
        "✅ 已导入：新增 {added} 个，删除 {removed} 个。",
        "✅ Imported: {added} added, {removed} removed.",
    ),
    "cancelled": ("已取消，什么都没改。", "Cancelled; nothing changed."),
    "robot_usage": (
        "用法：/robot 编号 wecom|dingtalk|feishu 机器人地址 [加签密钥]，或 /robot 编号 off。"
        "该订阅的提醒会同时推送到企业微信、钉钉或飞书群机器人。",
        "Usage: /robot N wecom|dingtalk|feishu WEBHOOK_URL [signing secret], or /robot N off. "
        "The subscription's alerts are also posted to that team robot.",
    ),
    "robot_bound": (
        "🤖 订阅 #{n} 的提醒会同时推送到 {kind} 机器人（{host}）。含密钥的消息已尽量删除。",
        "🤖 Alerts of subscription #{n} now also go to the {kind} robot ({host}). "
        "The message with the secret was deleted where possible.",
    ),
    "robot_removed": ("订阅 #{n} 不再推送到群机器人。", "Subscription #{n} no longer posts to a team robot."),
    "robot_invalid": ("❌ 未保存：{error}", "❌ Not saved: {error}"),
    "share_usage": ("请写 /share 编号（1–{count}）。", "Write /share N (1–{count})."),
    "share_link": (
        "分享这个链接，对方点开即可订阅 #{n}：\n{link}",
        "Share this link to let others subscribe to #{n}:\n{link}",
    ),
    "share_unknown": ("这个分享链接无效或已失效。", "This share link is invalid or has expired."),
    "stats": (
        "<b>统计</b>\n会话：{chats_active} 活跃 / {chats_all}\n订阅：{subs_active} 生效 / {subs_all}\n"
        "公告：24 小时 {n24}，7 天 {n7}，共 {n_all}\n发送队列：{outbox}",
        "<b>Stats</b>\nChats: {chats_active} active / {chats_all}\nSubscriptions: {subs_active} active / {subs_all}\n"
        "Notices: 24 h {n24}, 7 days {n7}, {n_all} in all\nOutbox: {outbox}",
    ),
    "broadcast_usage": ("请写 /broadcast 内容", "Write /broadcast text"),
    "broadcast_queued": ("📣 已排队发给 {count} 个会话。", "📣 Queued for {count} chats."),
    "sources_header": ("<b>数据源</b>", "<b>Sources</b>"),
    "wiz_title": ("<b>新建订阅</b>（第 {step}/{steps} 步）", "<b>New subscription</b> (step {step}/{steps})"),
    "wiz_words": (
        "请回复这条消息，发送要找的产品词（空格分开），如：液相色谱 质谱",
        "Reply to this message with the product words (space-separated), e.g. 液相色谱 质谱",
    ),
    "wiz_exclude": (
        "请回复这条消息，发送要排除的词（空格分开），如：维修 试剂；不需要就点“下一步”",
        "Reply with words to exclude (space-separated), e.g. 维修 试剂; or press Next",
    ),
    "wiz_categories": ("选择类别（可多选，不选即不限）：", "Pick categories (any number; none means any):"),
    "wiz_regions": ("选择省份（可多选，不选即全国）：", "Pick provinces (any number; none means all of China):"),
    "wiz_budget": ("选择预算范围：", "Pick a budget range:"),
    "wiz_types": ("选择公告类型（可多选，不选即新招标）：", "Pick notice types (any number; none means new tenders):"),
    "wiz_review": (
        "订阅将是：\n<code>{query}</code>\n{desc}\n\n点“确认”保存。",
        "The subscription will be:\n<code>{query}</code>\n{desc}\n\nPress Confirm to save.",
    ),
    "wiz_so_far": ("现在：<code>{query}</code>", "So far: <code>{query}</code>"),
    "wiz_empty": ("（还没有条件）", "(nothing yet)"),
    "btn_next_step": ("下一步 ▶", "Next ▶"),
    "btn_back": ("◀ 上一步", "◀ Back"),
    "btn_any_budget": ("不限", "Any"),
}


def t(lang: str, key: str, **values: object) -> str:
    """The text for ``key`` in ``lang`` ("en" or anything else for Chinese), formatted with ``values``."""
    zh, en = _TEXTS[key]
    template = en if lang == "en" else zh
    return template.format(**values) if values else template
