"""Pure rendering of chat messages (Telegram HTML); every portal string is escaped here."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo
from decimal import Decimal

from tenderbot.extract.money import format_wan
from tenderbot.models import Money, Notice, NoticeType, ProcurementMethod

_SURROGATES = re.compile("[\ud800-\udfff]")
# Telegram counts UTF-16 code units and the limit is 4096; stay clear of it (research/telegram.md §2.7).
MAX_MESSAGE = 4000

TYPE_NAMES = {
    "zh": {
        NoticeType.INTENTION: "采购意向",
        NoticeType.PREQUALIFICATION: "资格预审",
        NoticeType.TENDER: "招标",
        NoticeType.AMENDMENT: "更正",
        NoticeType.AWARD: "结果",
        NoticeType.TERMINATION: "终止",
        NoticeType.CONTRACT: "合同",
        NoticeType.OTHER: "其他",
    },
    "en": {
        NoticeType.INTENTION: "Intention",
        NoticeType.PREQUALIFICATION: "Prequalification",
        NoticeType.TENDER: "Tender",
        NoticeType.AMENDMENT: "Amendment",
        NoticeType.AWARD: "Award",
        NoticeType.TERMINATION: "Terminated",
        NoticeType.CONTRACT: "Contract",
        NoticeType.OTHER: "Other",
    },
}
METHOD_NAMES = {
    "zh": {
        ProcurementMethod.OPEN: "公开招标",
        ProcurementMethod.INVITED: "邀请招标",
        ProcurementMethod.COMPETITIVE_NEGOTIATION: "竞争性谈判",
        ProcurementMethod.COMPETITIVE_CONSULTATION: "竞争性磋商",
        ProcurementMethod.INQUIRY: "询价",
        ProcurementMethod.SINGLE_SOURCE: "单一来源",
        ProcurementMethod.FRAMEWORK: "框架协议",
        ProcurementMethod.OTHER: "其他方式",
    },
    "en": {m: m.value.replace("_", " ") for m in ProcurementMethod},
}
LABELS = {
    "zh": {
        "budget": "预算",
        "max_price": "最高限价",
        "deadline": "截止",
        "buyer": "采购人",
        "region": "地区",
        "type": "类型",
        "why": "匹配",
        "link": "查看原文",
        "unknown": "未注明",
        "days_left": "还剩{n}天",
        "today": "今天截止",
        "passed": "已截止",
        "hours_left": "还剩{n}小时",
        "amended": "更正",
        "old_new": "{old} → {new}",
        "awarded": "中标",
        "cancelled": "该项目已终止/废标",
        "code": "项目编号",
        "sep": "：",
        "and": "、",
    },
    "en": {
        "budget": "Budget",
        "max_price": "Max price",
        "deadline": "Deadline",
        "buyer": "Buyer",
        "region": "Region",
        "type": "Type",
        "why": "Matched",
        "link": "Open notice",
        "unknown": "not stated",
        "days_left": "{n} days left",
        "today": "closes today",
        "passed": "closed",
        "hours_left": "{n} h left",
        "amended": "Amended",
        "old_new": "{old} → {new}",
        "awarded": "Awarded",
        "cancelled": "This tender was cancelled",
        "code": "Project code",
        "sep": ": ",
        "and": ", ",
    },
}


def esc(text: str | None) -> str:
    """Escape portal text for Telegram HTML (and drop lone surrogates, which no API accepts)."""
    return html.escape(_SURROGATES.sub("\ufffd", text or ""), quote=False)


def _lang(language: str) -> str:
    return "en" if language.lower().startswith("en") else "zh"


def money_text(money: Money | None, language: str = "zh") -> str:
    """Money in 万元 the way bid teams read it."""
    if money is None:
        return LABELS[_lang(language)]["unknown"]
    return format_wan(money.amount)


def deadline_text(deadline: datetime | None, now: datetime, tz: tzinfo, language: str = "zh") -> str:
    """The deadline in the reader's zone with the time left."""
    labels = LABELS[_lang(language)]
    if deadline is None:
        return labels["unknown"]
    local = deadline.astimezone(tz)
    left = deadline - now
    if left.total_seconds() <= 0:
        rest = labels["passed"]
    elif local.date() == now.astimezone(tz).date():
        rest = labels["hours_left"].format(n=max(1, int(left.total_seconds() // 3600)))
    else:
        rest = labels["days_left"].format(n=(local.date() - now.astimezone(tz).date()).days)
    return f"{local:%Y-%m-%d %H:%M}（{rest}）" if _lang(language) == "zh" else f"{local:%Y-%m-%d %H:%M} ({rest})"


def region_text(notice: Notice) -> str | None:
    """A notice's province and city as alerts show them (None when neither is known)."""
    if notice.region is None:
        return None
    parts = [p for p in (notice.region.province, notice.region.city) if p]
    return " ".join(parts) or None


def _link(url: str, label: str) -> str:
    return (
        f'<a href="{html.escape(url, quote=True)}">{esc(label)}</a>' if url.startswith(("http://", "https://")) else ""
    )


def render_alert(
    notice: Notice, *, why: Sequence[str], now: datetime, tz: tzinfo, language: str = "zh", max_len: int = MAX_MESSAGE
) -> str:
    """One alert: title, budget, deadline, buyer, region, type and method, why it matched, link."""
    lang = _lang(language)
    labels = LABELS[lang]
    sep = labels["sep"]
    type_name = TYPE_NAMES[lang][notice.notice_type]
    budget = budget_of(notice)
    lines = [f"<b>【{esc(type_name)}】{esc(clip(notice.title or labels['unknown'], 300))}</b>"]
    budget_line = f"💰 {labels['budget']}{sep}{money_text(budget, lang)}"
    if notice.max_price is not None and notice.max_price != budget:
        budget_line += f"　{labels['max_price']}{sep}{money_text(notice.max_price, lang)}"
    lines.append(budget_line)
    lines.append(f"⏰ {labels['deadline']}{sep}{esc(deadline_text(notice.tender_deadline, now, tz, lang))}")
    if notice.buyer and notice.buyer.name:
        lines.append(f"🏢 {labels['buyer']}{sep}{esc(clip(notice.buyer.name, 120))}")
    region = region_text(notice)
    if region:
        lines.append(f"📍 {labels['region']}{sep}{esc(region)}")
    kind = type_name
    if notice.procurement_method is not None:
        kind = f"{METHOD_NAMES[lang][notice.procurement_method]} · {type_name}"
    lines.append(f"📋 {labels['type']}{sep}{esc(kind)}")
    if notice.project_code:
        lines.append(f"🔖 {labels['code']}{sep}<code>{esc(clip(notice.project_code, 80))}</code>")
    if why:
        lines.append(f"🔎 {labels['why']}{sep}{esc(clip(labels['and'].join(why), 200))}")
    link = _link(notice.url, labels["link"])
    if link:
        lines.append(f"🔗 {link}")
    return _fit(lines, max_len)


def render_update(
    notice: Notice,
    previous: Notice | None,
    *,
    now: datetime,
    tz: tzinfo,
    language: str = "zh",
    max_len: int = MAX_MESSAGE,
) -> str:
    """A follow-up to an earlier alert: what changed (deadline, winner, cancellation)."""
    lang = _lang(language)
    labels = LABELS[lang]
    sep = labels["sep"]
    title = esc(clip(notice.title or labels["unknown"], 300))
    lines = [f"<b>【{esc(TYPE_NAMES[lang][notice.notice_type])}】{title}</b>"]
    if notice.notice_type is NoticeType.AWARD and notice.award is not None:
        amount = f"（{money_text(notice.award.amount, lang)}）" if notice.award.amount else ""
        lines.append(f"🏆 {labels['awarded']}{sep}{esc(notice.award.supplier or labels['unknown'])}{esc(amount)}")
    elif notice.notice_type is NoticeType.TERMINATION:
        lines.append(f"⛔ {labels['cancelled']}")
    old_deadline = previous.tender_deadline if previous else None
    new_deadline = notice.tender_deadline
    if new_deadline is not None and new_deadline != old_deadline:
        old = deadline_text(old_deadline, now, tz, lang) if old_deadline else labels["unknown"]
        new = deadline_text(new_deadline, now, tz, lang)
        lines.append(f"⏰ {labels['deadline']}{sep}{esc(labels['old_new'].format(old=old, new=new))}")
    if previous is not None and notice.budget is not None and notice.budget != previous.budget:
        change = labels["old_new"].format(old=money_text(previous.budget, lang), new=money_text(notice.budget, lang))
        lines.append(f"💰 {labels['budget']}{sep}{esc(change)}")
    link = _link(notice.url, labels["link"])
    if link:
        lines.append(f"🔗 {link}")
    return _fit(lines, max_len)


def budget_of(notice: Notice) -> Money | None:
    """The stated budget, or the sum of the lots' budgets when every lot states one."""
    if notice.budget is not None:
        return notice.budget
    if notice.lots and all(lot.budget for lot in notice.lots):
        return Money(sum((lot.budget.amount for lot in notice.lots if lot.budget), Decimal(0)))
    return None


def title_link(notice: Notice, limit: int = 120) -> str:
    """The escaped title, linked to the notice when its URL is http(s)."""
    title = esc(clip(notice.title or "—", limit))
    if notice.url.startswith(("http://", "https://")):
        return f'<a href="{html.escape(notice.url, quote=True)}">{title}</a>'
    return title


def clip(text: str, limit: int) -> str:
    """Shorten portal text before escaping, so an entity is never cut in half."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def utf16_len(text: str) -> int:
    """Length as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def _fit(lines: Iterable[str], max_len: int) -> str:
    """Join lines, dropping trailing optional lines if the message would be too long."""
    kept = list(lines)
    while len(kept) > 1 and utf16_len("\n".join(kept)) > max_len:
        kept.pop(-2 if len(kept) > 2 else -1)
    return "\n".join(kept)


def split_items(header: str, items: Sequence[str], footer: str = "", max_len: int = MAX_MESSAGE) -> list[str]:
    """Pack rendered items into messages under the limit, splitting only between items."""
    messages: list[str] = []
    current = header
    for item in items:
        candidate = f"{current}\n\n{item}" if current else item
        if utf16_len(candidate) > max_len and current and current != header:
            messages.append(current)
            current = item
        else:
            current = candidate
    if footer:
        candidate = f"{current}\n\n{footer}" if current else footer
        if utf16_len(candidate) > max_len:
            messages.append(current)
            current = footer
        else:
            current = candidate
    if current:
        messages.append(current)
    return messages
