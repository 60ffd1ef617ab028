"""The message catalogue: every user-facing text by message id, in Chinese (default) and English.

``t(lang, key, **values)`` picks and fills one; ``Message`` is a text not yet put into a language (a
``QueryError`` carries one, so the bot, the web console or a robot renders it in its reader's language).
Pure data and formatting: no Telegram (or any other front end) imports here.
"""

# ruff: noqa: E501  (one text pair per line reads better than wrapped halves; the lines are data)

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

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

_BOT: dict[str, tuple[str, str]] = {
    "help": (HELP_ZH, HELP_EN),
    "group_admins_only": (
        "只有本群管理员可以修改本群的订阅和设置。",
        "Only this group's admins can change its subscriptions and settings.",
    ),
    "admin_help": ("管理员命令", "Operator commands"),
    "internal_error": (
        "😥 抱歉，处理这条消息时出错了，已记录下来。请稍后再试，或发 /help 查看用法。",
        "😥 Sorry, something went wrong with that; it has been logged. Please try again later, or see /help.",
    ),
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
        "请写 /unsub 编号（现有：{numbers}），编号见 /list。",
        "Write /unsub N (yours: {numbers}); numbers are in /list.",
    ),
    "number_usage": (
        "没有这个编号：现有的是 {numbers}，见 /list。",
        "No such number: yours are {numbers}; see /list.",
    ),
    "deleted": ("🗑 已删除 #{n}：<code>{query}</code>", "🗑 Deleted #{n}: <code>{query}</code>"),
    "btn_undo": ("↩️ 撤销", "↩️ Undo"),
    "restored": ("↩️ 已恢复 #{n}：<code>{query}</code>", "↩️ Restored #{n}: <code>{query}</code>"),
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
    "source_failing": ("连续 {failures} 次失败", "{failures} failures in a row"),
    "export_caption": (
        "{count} 个订阅。要导入，把这个文件发回给我（标题写 /import）。",
        "{count} subscriptions. To import, send this file back (caption /import).",
    ),
    "import_usage": (
        "请把导出的 JSON 文件作为文件发给我（标题写 /import），或回复该文件发送 /import。",
        "Send the exported JSON file as a document (caption /import), or reply /import to it.",
    ),
    "import_bad": ("❌ 导入失败，什么都没改：{error}", "❌ Import failed, nothing changed: {error}"),
    "imp_too_large": ("文件太大（{size} 字节，最多 {limit}）", "file too large ({size} bytes, at most {limit})"),
    "imp_not_utf8": ("文件不是 UTF-8 文本（第 {byte} 个字节）", "not UTF-8 text (byte {byte})"),
    "imp_not_json": ("不是有效的 JSON：第 {line} 行第 {column} 列：{detail}", "not valid JSON: line {line}, column {column}: {detail}"),
    "imp_too_deep": ("JSON 嵌套层数太多", "JSON nested too deeply"),
    "imp_long_number": ("文件里有位数过多的数字", "a number in the file is too long"),
    "imp_not_export": ("不是 tenderbot 导出的文件（format 为 {format}）", "not a tenderbot export (format {format})"),
    "imp_no_list": ('文件里没有 "subscriptions" 列表', 'no "subscriptions" list'),
    "imp_too_many": ("有 {count} 个订阅，最多 {limit} 个", "{count} subscriptions, at most {limit}"),
    "imp_item": ("第 {number} 项", "item {number}"),
    "imp_needs_query": ('{where}：缺少文字型的 "query"', '{where}: needs a "query" text'),
    "imp_bad_query": ("{where}“{query}”：{error}", "{where} “{query}”: {error}"),
    "imp_bad_name": ('{where}："name" 须为不超过 100 字的文字', '{where}: "name" must be text of at most 100 characters'),
    "imp_bad_active": ('{where}："active" 须为 true 或 false', '{where}: "active" must be true or false'),
    "imp_bad_buyers": ('{where}："excluded_buyers" 须为采购人名称列表', '{where}: "excluded_buyers" must be a list of names'),
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
    "robot_number_usage": (
        "没有这个编号：请写 /robot 编号 wecom|dingtalk|feishu 地址（现有编号：{numbers}）。",
        "No such number: write /robot N wecom|dingtalk|feishu URL (your numbers: {numbers}).",
    ),
    "robot_bad_kind": (
        "❌ 未保存：不认识的机器人类型“{kind}”，请写 wecom（企业微信）、dingtalk（钉钉）或 feishu（飞书）。",
        "❌ Not saved: unknown robot kind “{kind}”; write wecom, dingtalk or feishu.",
    ),
    "robot_bad_host": (
        "❌ 未保存：只能绑定企业微信、钉钉或飞书的群机器人地址（允许的主机：{hosts}）。",
        "❌ Not saved: only WeCom, DingTalk or Feishu group robot addresses can be bound (allowed hosts: {hosts}).",
    ),
    "robot_not_https": (
        "❌ 未保存：机器人地址必须以 https:// 开头（地址里含有机器人的凭据，不能明文发送）。",
        "❌ Not saved: the robot's webhook URL must start with https:// (it carries the robot's credentials).",
    ),
    "robot_bad_url": (
        "❌ 未保存：这不是可用的{kind}机器人地址；请复制群机器人设置里给出的完整 Webhook 地址。",
        "❌ Not saved: this is not a usable {kind} robot address; copy the complete webhook URL from the robot's settings.",
    ),
    "share_usage": ("请写 /share 编号（现有：{numbers}）。", "Write /share N (yours: {numbers})."),
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
    "ops_polling_down": (
        "🔴 tenderbot：收不到 Telegram 更新（getUpdates：{error}），正在重试。",
        "🔴 tenderbot: no Telegram updates (getUpdates: {error}); retrying.",
    ),
    "ops_polling_back": (
        "🟢 tenderbot：Telegram 更新已恢复（中断约 {seconds} 秒，失败 {failures} 次）。",
        "🟢 tenderbot: Telegram updates are back (down about {seconds} s, {failures} failures).",
    ),
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

# Query errors (tenderbot.matching): what is wrong and what to write instead. Examples are texts of their
# own so that each language shows the filter names its readers type (预算: / budget:).
_QUERY: dict[str, tuple[str, str]] = {
    "q_ex_budget": ("预算:50万-500万", "budget:50万-500万"),
    "q_ex_region": ("地区:江苏,浙江", "region:江苏,浙江"),
    "q_ex_type": ("类型:招标,更正", "type:招标,更正"),
    "q_ex_category": ("类别:仪器", "cat:仪器"),
    "q_budget_example": (
        "预算:50万-500万（或 预算:50万- 表示 50万以上，预算:-500万 表示 500万以下）",
        "budget:50万-500万 (or budget:50万- for 50万 and more, budget:-500万 for up to 500万)",
    ),
    "q_too_long": ("查询太长（{length} 个字符），最多 {limit} 个；请拆成几个订阅", "The query is too long ({length} characters, at most {limit}); split it into several subscriptions"),
    "q_surrogates": ("查询里有无法识别的字符（残缺的 Unicode 代理项）；请重新输入这个查询", "The query holds unreadable characters (broken Unicode surrogates); please type it again"),
    "q_unclosed_quote": ("引号没有结束：{start}… 请在短语末尾补上 {closing}，如 {opening}液相 色谱{closing}", "Unclosed quote: {start}… add {closing} at the end of the phrase, e.g. {opening}液相 色谱{closing}"),
    "q_nested_quote": ("短语 {opening}{body}{closing} 里又有引号；短语里不能再用引号，请去掉内层引号", "The phrase {opening}{body}{closing} holds another quote; remove the inner quotes"),
    "q_after_quote": ("引号后面紧跟着“{word}”：请把它放进引号，如 {opening}{body}{word}{closing}，或用空格分开，如 {opening}{body}{closing} {word}", "“{word}” follows the closing quote directly: put it inside, e.g. {opening}{body}{word}{closing}, or add a space: {opening}{body}{closing} {word}"),
    "q_bad_prefix": ("“{prefix}{body}”的前缀“{prefix}”不对：每个词前最多一个 + 或 -，可再加 ~，如 +{body} 或 -{body} 或 ~{body}", "“{prefix}{body}” has a wrong prefix “{prefix}”: at most one + or - per word, plus an optional ~, e.g. +{body} or -{body} or ~{body}"),
    "q_unpaired_quote": ("“{written}”中的引号不成对：引号要放在整个短语两边，如 \"液相 色谱\"", "The quotes in “{written}” are unpaired: put them around the whole phrase, e.g. \"液相 色谱\""),
    "q_separator": ("“{written}”：词之间请用空格分开，写成 {fixed}", "“{written}”: separate words with spaces: {fixed}"),
    "q_empty_after_prefix": ("“{written}”里没有词：请在“{prefix}”后面写上词", "“{written}” holds no word: write one after “{prefix}”"),
    "q_empty_quotes": ("“{written}”里没有词：请去掉空引号", "“{written}” holds no word: remove the empty quotes"),
    "q_quote_in_term": ("“{written}”里不能有引号，请去掉它们", "“{written}” cannot contain quotes; remove them"),
    "q_term_too_long": ("关键词“{start}…”太长（{length} 个字），最多 {limit} 个字；请只写产品名，如 液相色谱仪", "The keyword “{start}…” is too long ({length} characters, at most {limit}); write just the product, e.g. 液相色谱仪"),
    "q_budget_twice": ("预算写了两次；请只写一个范围，如 预算:50万-500万", "The budget is given twice; write one range, e.g. budget:50万-500万"),
    "q_filter_empty": ("“{key}:”后面缺少内容，请写成 {example}", "Nothing after “{key}:”; write e.g. {example}"),
    "q_bad_region": ("不认识的地区“{item}”：地区按省份筛选，请写省份简称或全称，如 {example}；城市名请写成关键词", "Unknown region “{item}”: regions are provinces, by short or full name, e.g. {example}; write a city as a keyword"),
    "q_bad_type": ("不认识的公告类型“{item}”：可用 {options}，如 {example}", "Unknown notice type “{item}”: use {options}, e.g. {example}"),
    "q_bad_category": ("不认识的类别“{item}”：可用 仪器、医疗，如 {example}", "Unknown category “{item}”: use 仪器 (instruments) or 医疗 (medical), e.g. {example}"),
    "q_wanted_and_excluded": ("“{term}”既是搜索词又是排除词；请删掉其中一个（如去掉 -{spelled}）", "“{term}” is both wanted and excluded; remove one of them (e.g. drop -{spelled})"),
    "q_too_many_terms": ("关键词太多（{count} 个），一个订阅最多 {limit} 个；请拆成几个订阅", "Too many keywords ({count}); a subscription takes at most {limit}; split it into several"),
    "q_only_excluded": ("只有排除词会匹配几乎所有公告：请加上要找的词或筛选条件，如 液相色谱 {excluded}", "Only excluded words would match almost every notice: add words to look for or a filter, e.g. 液相色谱 {excluded}"),
    "q_empty": ("查询是空的：请写要找的产品词，如 液相色谱 质谱 -维修 地区:江苏", "The query is empty: write the products to look for, e.g. 液相色谱 质谱 -维修 region:江苏"),
    "q_unknown_filter": ("未知的筛选条件“{key}:”。可用的筛选条件：预算: 地区: 类型: 类别:；如果要搜索带冒号的词，请加引号，如 \"{body}\"", "Unknown filter “{key}:”. Filters: budget: region: type: cat: (or 预算: 地区: 类型: 类别:); to search for a word with a colon, quote it: \"{body}\""),
    "q_prefixed_filter": ("筛选条件前不能加“{prefix}”：请写成 {body}", "A filter takes no “{prefix}” before it: write {body}"),
    "q_empty_term": ("关键词“{term}”是空的：请写上要找的词", "The keyword “{term}” is empty: write a word to look for"),
    "q_not_amount": ("预算“{whole}”中的“{text}”不是金额：金额写成数字加单位（元、万、万元、亿、亿元），请写成 {example}", "“{text}” in the budget “{whole}” is not an amount: write a number with a unit (元, 万, 万元, 亿, 亿元), e.g. {example}"),
    "q_budget_missing": ("“预算:”后面缺少金额，请写成 {example}", "No amount after “budget:”; write e.g. {example}"),
    "q_budget_not_range": ("预算“{whole}”不是一个范围：请用一个“-”连接下限和上限，写成 {example}", "The budget “{whole}” is not a range: join the lower and upper bound with one “-”, e.g. {example}"),
    "q_budget_unbounded": ("预算“{whole}”既没有下限也没有上限，请写成 {example}", "The budget “{whole}” has neither a lower nor an upper bound; write e.g. {example}"),
    "q_budget_reversed": ("预算范围“{whole}”的下限大于上限，请写成 预算:{high}-{low}", "The lower bound of the budget “{whole}” is above the upper bound; write budget:{high}-{low}"),
}

CATALOGUE: Mapping[str, tuple[str, str]] = MappingProxyType({**_BOT, **_QUERY})


@dataclass(frozen=True, slots=True)
class Message:
    """A catalogue text not yet put into a language: its key and values (a value may itself be a Message)."""

    key: str
    values: Mapping[str, object] = field(default_factory=dict)

    def render(self, lang: str) -> str:
        """The text in ``lang``."""
        return t(lang, self.key, **self.values)


def language_of(code: str | None) -> str:
    """A catalogue language for a client's language code (Telegram's ``language_code``, an Accept-Language tag)."""
    return "en" if code and code.lower().startswith("en") else DEFAULT_LANGUAGE


def t(lang: str, key: str, /, **values: object) -> str:
    """The text for ``key`` in ``lang`` ("en" or anything else for Chinese), formatted with ``values``."""
    zh, en = CATALOGUE[key]
    template = en if lang == "en" else zh
    if not values:
        return template
    return template.format(**{name: v.render(lang) if isinstance(v, Message) else v for name, v in values.items()})
