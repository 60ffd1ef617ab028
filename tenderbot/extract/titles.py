"""The title of a plain-text announcement (no ``<title>``, no ArticleTitle meta).

Re-posted and copied texts start with site chrome (``通知公告``, ``您所在的位置:首页 > …``), then the
title line; flattened pages run the title straight into the date (``…竞争性磋商公告2023年07月04日``).
"""

from __future__ import annotations

import re

_TITLE_END = r"(?:公告|公示|通知|通告|说明|意向|邀请书|邀请函)"
_TITLE = re.compile(
    rf"^(?P<title>.{{0,110}}?{_TITLE_END}(?:\([^()]{{1,8}}\))?(?:[\u4e00-\u9fff()]{{0,6}}{_TITLE_END})*)"
    r"(?=$|[\s\d]|\(?\d{4}[-年])"
)
_CHROME_LINES = frozenset({"通知公告", "院务公告", "医院动态", "中标信息详情", "信息公告", "新闻动态", "采购公告",
                           "招标采购", "公告公示"})
_CHROME_MARKS = ("位置", " > ", "登录", "首页")
_PREFIX = re.compile(r"^(?:[\u4e00-\u9fff]{2,6}(?:公告|公示)\s*:\s*|[\u4e00-\u9fff]{2,8}详情\s+)")
_OVERVIEW = re.compile(r"项目概况:?\s*(?P<name>[^,。\n]{4,80}?)(?:招标|采购)?项目的潜在(?:投标人|供应商)")


def title_from_text(text: str) -> str | None:
    """The first line (of the first ten) that reads like an announcement title, else None.

    A title the page wrapped over two lines (``关于“…设备采购及安装`` / ``工程”开标延期的公告``) is joined.
    """
    lines = text.split("\n")[:10]
    for index, line in enumerate(lines):
        line = line.strip()
        if line.startswith("关于") and not _TITLE.match(line) and index + 1 < len(lines):
            line += lines[index + 1].strip()
        if not line or line in _CHROME_LINES or any(mark in line for mark in _CHROME_MARKS):
            continue
        line = _PREFIX.sub("", line.lstrip("# "))
        match = _TITLE.match(line)
        if match is None:
            continue
        title = match.group("title").strip()
        if "。" in title or "," in title or ":" in title:
            continue
        return title
    return None


_ABOUT = re.compile(r"关于[“\"](?P<name>[^”\"\n]{4,60})[”\"]的(?P<kind>[\u4e00-\u9fff]{2,10}?(?:公告|公示))")


def title_from_about(text: str) -> str | None:
    """The notice a news text reports on (``发布关于“X项目”的竞争性谈判公告`` → X项目竞争性谈判公告)."""
    match = _ABOUT.search(text[:1000])
    return match.group("name") + match.group("kind") if match else None


def title_from_overview(text: str) -> str | None:
    """The project named in the 项目概况 sentence (``项目概况X招标项目的潜在投标人应在…``)."""
    match = _OVERVIEW.search(text[:3000])
    return match.group("name").strip(" :") if match else None
