"""Pure rendering of daily digests and deadline reminders (Telegram HTML), and digest time arithmetic."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from tenderbot.models import Notice
from tenderbot.notify.render import (
    MAX_MESSAGE,
    budget_of,
    clip,
    deadline_text,
    esc,
    money_text,
    split_items,
    title_link,
)

CLOSING_SOON = timedelta(days=7)
MAX_ITEMS_PER_SECTION = 30
# Room for the "(2/3) " page marker added in front of each part after splitting.
_PAGE_ROOM = 12

TEXTS = {
    "zh": {
        "title": "📋 <b>每日摘要 · {date}</b>（{n} 条新公告）",
        "closing": "⏳ <b>即将截止</b>（7天内）",
        "none": "今天没有新的匹配公告。",
        "more": "…… 另有 {n} 条，用 /list 查看",
        "more_link": "…… 另有 {n} 条，<a href=\"{url}\">在网页控制台查看全部</a>",
        "health_ok": "🩺 数据源：{ok}/{total} 正常",
        "health_bad": "🩺 数据源：{ok}/{total} 正常；异常：{names}",
        "health_none": "🩺 数据源：尚无抓取记录",
        "reminder": "⏰ <b>截止提醒</b>：{title}",
        "deadline": "截止",
        "budget": "预算",
        "link": "查看原文",
    },
    "en": {
        "title": "📋 <b>Daily digest · {date}</b> ({n} new)",
        "closing": "⏳ <b>Closing soon</b> (7 days)",
        "none": "No new matching tenders today.",
        "more": "… and {n} more — /list",
        "more_link": "… and {n} more — <a href=\"{url}\">see all in the web console</a>",
        "health_ok": "🩺 Sources: {ok}/{total} healthy",
        "health_bad": "🩺 Sources: {ok}/{total} healthy; failing: {names}",
        "health_none": "🩺 Sources: not polled yet",
        "reminder": "⏰ <b>Deadline reminder</b>: {title}",
        "deadline": "Deadline",
        "budget": "Budget",
        "link": "Open notice",
    },
}


def _lang(language: str) -> str:
    return "en" if language.lower().startswith("en") else "zh"


def parse_digest_time(value: str) -> time:
    """ "HH:MM" (24 h) as a time; ValueError otherwise."""
    hours, _, minutes = value.strip().partition(":")
    parsed = time(int(hours), int(minutes or 0))
    return parsed


def next_digest_at(digest_time: str, tz: tzinfo, after: datetime) -> datetime:
    """The first moment strictly after ``after`` when the chat's wall clock shows ``digest_time``.

    On a day when that wall time does not exist (spring-forward gap) the zone's offset before the gap
    applies, so the digest still comes that day, an hour late rather than never.
    """
    at = parse_digest_time(digest_time)
    local = after.astimezone(tz)
    day = local.date()
    while True:
        candidate = datetime.combine(day, at, tzinfo=tz)
        if candidate > after:
            return candidate
        day += timedelta(days=1)


@dataclass(frozen=True, slots=True)
class DigestSection:
    """One subscription's matches, best first; ``more_url`` lists them all (the web console's search)."""

    name: str
    notices: Sequence[Notice]
    more_url: str | None = None


@dataclass(frozen=True, slots=True)
class HealthLine:
    """Sources' health in one footer line: how many are fine and which are failing."""

    total: int
    failing: Sequence[str]


def digest_item(notice: Notice, *, now: datetime, tz: tzinfo, language: str = "zh") -> str:
    """One compact digest entry: linked title, then budget · deadline · region."""
    lang = _lang(language)
    deadline = esc(deadline_text(notice.tender_deadline, now, tz, lang))
    facts = [f"💰 {money_text(budget_of(notice), lang)}", f"⏰ {deadline}"]
    if notice.region is not None and notice.region.province:
        facts.append(f"📍 {esc(notice.region.province)}")
    return f"• {title_link(notice)}\n  " + " · ".join(facts)


def health_text(health: HealthLine, language: str = "zh") -> str:
    """The footer line about the sources."""
    texts = TEXTS[_lang(language)]
    if health.total == 0:
        return texts["health_none"]
    ok = health.total - len(health.failing)
    if not health.failing:
        return texts["health_ok"].format(ok=ok, total=health.total)
    return texts["health_bad"].format(ok=ok, total=health.total, names=esc("、".join(health.failing)))


def render_digest(
    sections: Sequence[DigestSection],
    closing_soon: Sequence[Notice],
    health: HealthLine,
    *,
    now: datetime,
    tz: tzinfo,
    language: str = "zh",
    always: bool = False,
    max_len: int = MAX_MESSAGE,
) -> list[str]:
    """The digest as messages split between items (each under ``max_len``); [] when empty and not ``always``."""
    lang = _lang(language)
    texts = TEXTS[lang]
    count = sum(len(s.notices) for s in sections)
    if count == 0 and not closing_soon and not always:
        return []
    header = texts["title"].format(date=f"{now.astimezone(tz):%Y-%m-%d}", n=count)
    items: list[str] = []
    for section in sections:
        if not section.notices:
            continue
        entries = [digest_item(n, now=now, tz=tz, language=lang) for n in section.notices[:MAX_ITEMS_PER_SECTION]]
        hidden = len(section.notices) - len(entries)
        if hidden > 0 and section.more_url:
            entries.append(texts["more_link"].format(n=hidden, url=html.escape(section.more_url, quote=True)))
        elif hidden > 0:
            entries.append(texts["more"].format(n=hidden))
        # The section title travels with its first entry, so a split never leaves a title alone.
        entries[0] = f"🔔 <b>{esc(clip(section.name, 60))}</b>（{len(section.notices)}）\n{entries[0]}"
        items.extend(entries)
    if count == 0:
        items.append(texts["none"])
    if closing_soon:
        entries = [digest_item(n, now=now, tz=tz, language=lang) for n in closing_soon[:MAX_ITEMS_PER_SECTION]]
        entries[0] = f"{texts['closing']}\n{entries[0]}"
        items.extend(entries)
    parts = split_items(header, items, health_text(health, lang), max_len=max_len - _PAGE_ROOM)
    if len(parts) > 1:
        parts = [f"({index}/{len(parts)}) {part}" for index, part in enumerate(parts, start=1)]
    return parts


def render_reminder(notice: Notice, deadline: datetime, *, now: datetime, tz: tzinfo, language: str = "zh") -> str:
    """A deadline reminder for a followed tender: title, deadline with the time left, budget, link."""
    texts = TEXTS[_lang(language)]
    lines = [
        texts["reminder"].format(title=esc(clip(notice.title or "—", 200))),
        f"🕒 {texts['deadline']}：{esc(deadline_text(deadline, now, tz, language))}",
        f"💰 {texts['budget']}：{money_text(budget_of(notice), language)}",
    ]
    if notice.url.startswith(("http://", "https://")):
        lines.append(f'🔗 <a href="{html.escape(notice.url, quote=True)}">{esc(texts["link"])}</a>')
    return "\n".join(lines)
