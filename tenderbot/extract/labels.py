"""Find labelled values in normalised announcement text: ``项目编号:X``, ``预算金额 | 120万元``, ``名称:X``.

Text here is the output of ``tenderbot.extract.text.normalize``: colons are ASCII, brackets are
ASCII, spaces inside labels are gone, table rows are ``cell | cell`` lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

# After the label: an optional bracketed unit or note (预算金额(万元), 最高限价(如有)), then ':' and/or '|'.
_UNIT = r"(?:[ \t]*\((?P<unit>[^()\n]{0,12})\))?"
_SEP = r"[ \t]*(?::[ \t]*\|?|\|)[ \t]*"
# Heading numbering in front of a label: 一、 1. 1、 (一) 【一、
NUMBERING = r"(?:[一二三四五六七八九十]+[、.]|\d{1,2}(?:\.\d{1,2})*[、.]?|\([一二三四五六七八九十\d]+\)|【)?"


@dataclass(frozen=True, slots=True)
class Labelled:
    """A labelled value: where its label starts, the value text (rest of line) and a unit in the label."""

    start: int
    value: str
    unit: str | None
    label: str


@lru_cache(maxsize=2048)
def _label_regex(labels: tuple[str, ...], guard: str) -> re.Pattern[str]:
    """One regex for a set of labels (longest first), each followed by a separator."""
    alternatives = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    return re.compile(rf"{guard}(?P<label>{alternatives}){_UNIT}{_SEP}(?P<value>[^\n]*)")


# A label must not be the tail of a longer word (原公告的采购项目编号 is not 项目编号).
_NOT_AFTER_CJK = r"(?<![\u4e00-\u9fff])"


def find_labelled(
    text: str, labels: Iterable[str], *, start: int = 0, end: int | None = None, strict: bool = True
) -> Iterator[Labelled]:
    """Every occurrence of one of ``labels`` followed by ':'/'|', with the rest of its line."""
    stop = len(text) if end is None else end
    window = text if start == 0 and stop == len(text) else text[start:stop]
    # Only the labels that occur at all go into the regex: a short alternation scans much faster.
    present = tuple(label for label in labels if label in window)
    if not present:
        return
    guard = _NOT_AFTER_CJK if strict else ""
    pattern = _label_regex(present, guard)
    found: list[Labelled] = []
    for match in pattern.finditer(text, start, stop):
        value = cut_at_next_label(match.group("value").strip())
        below = _value_below(text, match.start())
        found.append(Labelled(match.start(), value if below is None else below, match.group("unit"),
                              match.group("label")))
    # The last cell of a header row has no separator after it: "合同包 | 货物名称 | 采购单位".
    for match in _last_cell_regex(present).finditer(text, start, stop) if " | " in window else ():
        below = _value_below(text, match.start())
        if below is not None:
            found.append(Labelled(match.start(), below, match.group("unit"), match.group("label")))
    yield from sorted(found, key=lambda item: item.start)


@lru_cache(maxsize=2048)
def _last_cell_regex(labels: tuple[str, ...]) -> re.Pattern[str]:
    """A label that is the last cell of a ``|`` row."""
    alternatives = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    return re.compile(rf"(?<=\| )(?P<label>{alternatives}){_UNIT}[ \t]*(?=\n|$)")


def _value_below(text: str, position: int) -> str | None:
    """In a header-row table (项目名称 | 用途 | 数量 then 一行数据), the cell under the label; else None."""
    line_start = text.rfind("\n", 0, position) + 1
    line = line_at(text, position)
    cells = line.split(" | ")
    if len(cells) < 3 or any(len(cell) > 16 or any(ch.isdigit() for ch in cell) for cell in cells):
        return None
    below = next_line(text, position)
    below_cells = below.split(" | ")
    if len(below_cells) < len(cells) - 1 or len(below_cells) > len(cells) + 1:
        return None
    offset = position - line_start
    column = line[:offset].count(" | ")
    return below_cells[column].strip() if column < len(below_cells) else None


def first_value(text: str, labels: Iterable[str], *, strict: bool = True) -> Labelled | None:
    """The first labelled value with a non-empty value (the next line when the label ends its line).

    With ``strict``, labels glued to a preceding word are tried only when no free-standing one has a
    value (flattened pages: ``…竞争性磋商公告采购方式:竞争性磋商``).
    """
    found_value = _first_value(text, labels, strict=strict)
    if found_value is None and strict:
        found_value = _first_value(text, labels, strict=False)
    return found_value


def _first_value(text: str, labels: Iterable[str], *, strict: bool) -> Labelled | None:
    """``first_value`` for one guard setting (unguarded matches never come from table rows)."""
    for found in find_labelled(text, labels, strict=strict):
        if not strict and " | " in line_at(text, found.start):
            continue
        value = clean_cell(found.value)
        if value:
            return Labelled(found.start, value, found.unit, found.label)
        following = next_line(text, found.start)
        if following and not looks_like_label(following):
            return Labelled(found.start, following, found.unit, found.label)
    return None


_LABEL_START = re.compile(rf"^{NUMBERING}\s*[\u4e00-\u9fff()]{{2,16}}\s*(?::|\|)")


def looks_like_label(line: str) -> bool:
    """True when a line starts with its own label (名称:, 3.项目联系方式:)."""
    return bool(_LABEL_START.match(line))


def next_line(text: str, position: int) -> str:
    """The line after the one containing ``position`` (stripped), or ''."""
    newline = text.find("\n", position)
    if newline < 0:
        return ""
    following = text.find("\n", newline + 1)
    return text[newline + 1 : following if following >= 0 else len(text)].strip()


def clean_cell(value: str) -> str:
    """A value up to the next ``|`` cell, without trailing punctuation; '' for placeholders."""
    value = value.split(" | ", 1)[0].split("|", 1)[0].strip()
    value = value.strip(" ;,。.、")
    if value in {"", "/", "-", "--", "无", "暂无", "详见附件", "见附件", "详见公告", "详见招标文件"}:
        return ""
    return value


def line_at(text: str, position: int) -> str:
    """The whole line containing ``position``."""
    begin = text.rfind("\n", 0, position) + 1
    finish = text.find("\n", position)
    return text[begin : finish if finish >= 0 else len(text)]


def section(text: str, heading: re.Pattern[str], *, limit: int = 3000) -> tuple[int, str] | None:
    """Start and text of the section whose heading matches, up to the next numbered heading or ``limit``."""
    match = heading.search(text)
    if match is None:
        return None
    body_start = match.end()
    following = _NEXT_HEADING.search(text, body_start)
    stop = following.start() if following else len(text)
    return match.start(), text[body_start : min(stop, body_start + limit)]


# Labels that end the value before them on flattened pages, where a whole notice is one line
# ("项目名称:(训练处)髋关节测试系统等专项设备采购采购方式:竞争性磋商预算金额:73.08万元…").
KNOWN_LABELS = (
    "项目编号", "项目名称", "采购项目名称", "采购项目编号", "采购方式", "预算金额", "最高限价", "采购需求",
    "合同履行期限",
    "采购人", "采购单位", "采购代理机构", "代理机构", "地址", "联系方式", "联系人", "联系电话", "电话", "名称", "品目",
    "行政区域", "公告时间", "首次公告日期", "更正日期", "更正事项", "更正内容", "更正原因", "开标时间", "开标地点",
    "地点", "售价", "截止时间", "原公告的采购项目编号", "原公告的采购项目名称", "项目联系人", "项目联系电话", "传真",
    "邮箱", "供应商名称", "供应商地址", "中标金额", "成交金额", "来源", "发布时间", "合同编号", "合同名称", "联系地址",
    "采购人信息", "采购代理机构信息", "项目联系方式", "招标编号", "招标人", "本项目", "项目概况", "获取招标文件",
    "采购预算", "数量", "简要规格描述", "合同金额", "验收日期", "主要标的信息", "评审专家名单", "代理服务收费标准",
    "采购代理机构全称", "代理机构全称", "采购单位名称", "采购单位地址", "采购单位联系方式", "采购代理机构地址",
    "采购代理机构联系方式", "代理机构地址", "代理机构联系方式", "招标人名称", "招标人地址", "招标人联系方式",
)  # fmt: skip
_CUT = re.compile(
    r"(?:" + "|".join(re.escape(label) for label in sorted(KNOWN_LABELS, key=len, reverse=True))
    + r")[ \t]*(?:\([^()\n]{0,12}\))?[ \t]*:"
    r"|[一二三四五六七八九十]{1,3}、|\d[.、](?=[\u4e00-\u9fff]{2})"
)


def cut_at_next_label(value: str) -> str:
    """A value up to the next known label or numbered heading on the same line."""
    for match in _CUT.finditer(value):
        before = value[: match.start()]
        # "…10层(执行机构地址:广西南宁…)": a label inside brackets belongs to the value.
        if match.start() > 0 and before.count("(") <= before.count(")"):
            return before.rstrip()
    return value


_NEXT_HEADING = re.compile(r"\n(?:[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十]+部分)")
