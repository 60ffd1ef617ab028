"""Crawled list rows saved as text: the columns of a portal's list page, one value a line.

ccgp.gov.cn list pages show per item its title, link, 地区, 采购人, 发布时间, 代理机构 and type; crawlers
store that row one column a line, and the stored title often has the 地区 column glued to its end
(``明光市中医院…招标公告安徽`` then ``http://www.ccgp.gov.cn/…`` then ``安徽`` then `` 明光市中医院``;
see tests/fixtures/corpus/ccgplist-*). Such a text has no labels at all: its facts come from the
column positions and are handed to the extraction as hints.
"""

from __future__ import annotations

import re

from tenderbot.extract.gazetteer import PROVINCES

_URL = re.compile(r"^https?://\S+$")
_DATETIME = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_ORGANISATION = re.compile(r"[\u4e00-\u9fff]{3,}")


def list_row_hints(text: str) -> dict[str, str]:
    """Hints (title, url, province, buyer, agency, published_at, notice_type_hint) of a list row, else {}."""
    lines = [line.strip() for line in text[:2000].split("\n")]
    if len(lines) < 4 or not _URL.match(lines[1]) or lines[2] not in PROVINCES:
        return {}
    province = lines[2]
    title = lines[0]
    if title.endswith(province) and len(title) > len(province) + 4:
        title = title[: -len(province)].rstrip()  # the 地区 column glued onto the title
    hints = {"title": title, "url": lines[1], "province": province}
    rest = [line for line in lines[3:12] if line]
    if rest and _ORGANISATION.search(rest[0]) and not _DATETIME.match(rest[0]):
        hints["buyer"] = rest[0]
    stamp = next((index for index, line in enumerate(rest) if _DATETIME.match(line)), None)
    if stamp is not None:
        hints["published_at"] = rest[stamp]
        after = rest[stamp + 1 : stamp + 3]
        if after and after[0] != hints.get("buyer") and _ORGANISATION.search(after[0]):
            hints["agency"] = after[0]
        if len(after) > 1 and after[1].endswith(("公告", "公示")):
            hints["notice_type_hint"] = after[1]
    return hints
