"""Amounts of money in announcement text → exact ``Decimal`` yuan.

Handles 元 / 万元 / 亿元, ￥ ¥ RMB 人民币 prefixes, thousands separators, uppercase numerals
(``人民币壹仟贰佰万元整（¥12,000,000.00）``), ranges (``50-100万元``, ``不超过80万元``) and
refuses what only looks like money: rates (``下浮率 5%``), phone numbers, project codes, dates,
counts (``2台``) and unit prices (``元/台``). See research/domain.md §2.1 for the samples.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext

from tenderbot.extract.numerals import DIGITS, NUMERAL_CHARS, SMALL_UNITS, UPPERCASE_CHARS, parse_cn_amount
from tenderbot.extract.sanity import plausible_amount

__all__ = ["AmountRange", "find_money", "format_wan", "parse_money", "parse_money_range", "unit_from_label"]


@dataclass(frozen=True, slots=True)
class AmountRange:
    """A budget given as a range or a bound (50-100万元, 不超过80万元); None means open."""

    low: Decimal | None
    high: Decimal | None


_MULTIPLIERS: dict[str, Decimal] = {
    "元": Decimal(1),
    "圆": Decimal(1),
    "万": Decimal(10_000),
    "万元": Decimal(10_000),
    "亿": Decimal(100_000_000),
    "亿元": Decimal(100_000_000),
}

# One-to-one character mapping, so spans found in the prepared text are spans of the caller's text.
_FULLWIDTH: dict[int, int] = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
# Raw (un-normalised) Traditional text writes 萬 億 圓; mapping them keeps spans and skips OpenCC.
_EXTRA: dict[str, str] = {
    "￥": "¥",
    "\u3000": " ",
    "\xa0": " ",
    "〜": "~",
    "—": "-",
    "–": "-",
    "−": "-",
    "萬": "万",
    "億": "亿",
    "圓": "圆",
}
_PREPARE: dict[int, int] = {**_FULLWIDTH, **{ord(key): ord(value) for key, value in _EXTRA.items()}}

# `人民币250,0000.00元` (a real 2016 Yunnan notice) groups by 万, four digits at a time.
_NUMBER = r"(?:\d{1,3}(?:,\s?\d{3})+(?!\d)|\d{1,4}(?:,\d{4})+(?!\d)|\d{1,3}(?:\ \d{3}){2,}(?!\d)|\d+)(?:\.\d+)?"
_UNIT = r"亿元|万元|亿|万|元|圆"
_PREFIX = r"(?:¥|RMB|CNY|人民币)\s*(?::\s*)?"
# `预算金额：400000（元）`: a bracketed unit right after the figure.
_BRACKET_UNIT = r"\(\s*(?:单位\s*:?\s*)?(?:人民币)?\s*(?P<bunit>亿元|万元|元)\s*\)"
_AMOUNT = re.compile(rf"(?P<prefix>{_PREFIX})?(?P<num>{_NUMBER})(?:\s*(?P<unit>{_UNIT})|\s*{_BRACKET_UNIT})?")
_RANGE = re.compile(
    rf"(?:{_PREFIX})?(?<![\d.])(?P<low>{_NUMBER})\s*(?P<lowunit>{_UNIT})?\s*(?:-|~|至|到)\s*(?:{_PREFIX})?"
    rf"(?P<high>{_NUMBER})\s*(?P<unit>{_UNIT})"
)
_CN_START = "".join(DIGITS) + "".join(SMALL_UNITS)
_CN_AMOUNT = re.compile(
    rf"(?<![{NUMERAL_CHARS}\d])[{_CN_START}][{NUMERAL_CHARS}]*[元圆](?:[零〇]?[{''.join(DIGITS)}][角分])*[整正]?"
)
# Between an uppercase figure and its Arabic twin: `壹仟贰佰万元整（¥12,000,000.00）`.
_TWIN_GAP = re.compile(r"[\s():,;\[\]【】大小写为即人民币¥RMB]{0,12}")
_HIGH_BEFORE = re.compile(r"(?:不超过|不高于|不大于|不得超过|不得高于|最高不超过|最高|上限为?|控制在|以内)\s*:?\s*$")
_LOW_BEFORE = re.compile(r"(?:不低于|不少于|不小于|最低|下限为?|起价为?)\s*:?\s*$")
_HIGH_AFTER = re.compile(r"^\s*(?:\(含\)|\(含税\))?\s*(?:以内|以下|之内|内)")
_LOW_AFTER = re.compile(r"^\s*(?:\(含\)|\(含税\))?\s*(?:以上|起)")
# A bare figure right after these words is a rate, a phone number, a code or a count, not money.
_NOT_MONEY_LABEL = re.compile(
    r"(?:率|电话|手机|传真|邮编|邮政编码|编号|编码|代码|号码|账号|帐号|QQ|数量|期限|工期|日期|时间|面积|比例|"
    r"得分|分值|权重|序号|包号|年限|天数)[^\d]{0,8}$"
)
# In running text a bare figure is money only right after a money word, perhaps with a unit in
# brackets: `最高限价(元):\n1608715900` (zcy), `预算金额(万元):64.4269`. Page footers, phone lists,
# `浏览:2142` and door sizes `1200×800` otherwise pass for 元 (seen in the corpus pages).
_MONEY_LABEL = re.compile(
    r"(?:金额|预算|限价|价|费|资金|投资|保证金|造价|款|合计|总计|小计|人民币)"
    r"(?:[^\d(\[]{0,8}?[(\[]\s*(?:单位\s*:?\s*)?(?:人民币)?\s*(?P<unit>亿元|万元|元)\s*[)\]])?[^\d。,;、!?]{0,12}$"
)
# A bare figure followed by one of these, even on the next line (`2015\n年\n10\n月` after HTML
# flattening), is a year, a date, a count or a size.
_COUNT_UNITS = "年月日号时分秒台套个件只支人份次项包批樘张本页天周岁米吨所家种条辆部把块组间层"
# What may come before a figure that opens a value cell: `：400000`, `_400000_`.
_LEADING_SPACE = re.compile(r"[\s:_*]*")
_CJK = re.compile(r"[\u3400-\u9fff]")
# 元 starting a word (第十一元素, 一元件, 二元化) after a lowercase numeral is not the currency.
_NOT_YUAN_WORD = re.compile(r"元[素件器旦宵首帅老气音化论次]")
_MAX_INTEGER_DIGITS = 15


@dataclass(frozen=True, slots=True)
class _Hit:
    """One amount found in the text; `bound` is 'low'/'high'/'' for range ends and plain figures."""

    value: Decimal
    start: int
    end: int
    bound: str = ""
    # False for an amount outside the sanity range or written negative (负100万元): it still covers
    # its span (so its uppercase twin is not taken instead) but is never returned.
    sane: bool = True


def _prepare(text: str) -> str:
    """Map full-width forms and currency signs to ASCII, keeping every index in place."""
    return text.translate(_PREPARE)


def _clean(value: Decimal) -> Decimal:
    """Drop trailing zeros without scientific notation: 2.7E+6 → 2700000, 569800.50 → 569800.5."""
    with localcontext() as ctx:
        ctx.prec = 60
        value = value.normalize()
        if value.as_tuple().exponent > 0:  # type: ignore[operator]
            value = value.quantize(Decimal(1))
    return value


def _to_decimal(number: str) -> Decimal | None:
    """Decimal of a figure with separators, or None when it is absurdly long."""
    digits = number.replace(",", "").replace(" ", "")
    integer = digits.partition(".")[0]
    if len(integer.lstrip("0")) > _MAX_INTEGER_DIGITS or len(digits) > 40:
        return None
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None


def _scale(value: Decimal, unit: str) -> Decimal:
    """Yuan for a value written in `unit`."""
    with localcontext() as ctx:
        ctx.prec = 60
        return _clean(value * _MULTIPLIERS[unit])


def _normal_hint(unit_hint: str | None) -> str | None:
    """Accept '元', '万元', '亿元' and the bare '万' / '亿'; anything else is no hint."""
    hint = _prepare(unit_hint.strip()) if unit_hint else None
    return hint if hint in _MULTIPLIERS else None


def _glued_before(text: str, start: int, *, bare: bool = True) -> bool:
    """True when the figure continues a code, a phone number, a date or a time on its left.

    With a unit (`bare` false) `包1：50万元` is fine: only a bare figure after `1:` is a time.
    """
    # Shandong underlines figures (`_68.79万元_`); an underline after a code letter still glues.
    while start > 0 and text[start - 1] == "_":
        start -= 1
    if start == 0:
        return False
    prev = text[start - 1]
    if prev.isascii() and (prev.isalnum() or prev in ".#/"):
        return True
    if prev == "+" and text[start - 2 : start - 1] in ("E", "e"):
        return True  # 1E+50亿: the exponent of a scientific figure, not 50亿
    before = text[start - 2] if start >= 2 else ""
    # 0851-12345678 and 2024-09-18; 09:30 — but `预算金额:400000` keeps its colon.
    return bare and prev in "-:" and before.isascii() and before.isalnum()


# `负100万元`, `-100万元`, `¥-5,000`: a negative amount is no budget (issue 15's fuzz run).
_MINUS = re.compile(r"(?:负|-)\s*(?:¥|RMB|CNY|人民币)?\s*$")


def _negative_before(text: str, start: int) -> bool:
    """True when the figure at ``start`` is written negative (负 or a minus that is no range or code)."""
    before = text[max(0, start - 8) : start]
    sign = _MINUS.search(before)
    if sign is None:
        return False
    if sign.group().startswith("负"):
        return True
    prev = before[: sign.start()].rstrip()[-1:]
    return not prev.isalnum()  # 2024-100, 50万-1.2亿: a code or a range, not a sign


def _sane(value: Decimal, unit: str | None, text: str, start: int) -> bool:
    """The sanity rules of ``sanity.plausible_amount`` plus the sign written before the figure."""
    return plausible_amount(value, in_yi=bool(unit) and "亿" in str(unit)) and not _negative_before(text, start)


def _glued_after(text: str, end: int) -> bool:
    """True when a unitless figure runs on into a code, a time, a rate or a count on its right."""
    rest = text[end : end + 2]
    if not rest:
        return False
    first = rest[0]
    if first.isascii() and (first.isalnum() or first in "%:#-"):
        return True
    if first == "." and rest[1:].isdigit():
        return True
    window = text[end : end + 8]
    stripped = window.lstrip()
    if not stripped:
        return False
    same_line = "\n" not in window[: len(window) - len(stripped)]
    head = stripped[0]
    return head in "%‰:×*" or head in _COUNT_UNITS or (same_line and bool(_CJK.match(head)))


def _unit_price_after(text: str, end: int) -> bool:
    """True for 元/台, 万元/套 … (unit prices); 万元/年 is a yearly budget and stays money."""
    # `1000元人民币/包` (a real 2016 Jilin notice) puts the currency between the unit and the slash.
    rest = text[end : end + 8].lstrip().removeprefix("人民币").lstrip()
    return rest.startswith("/") and not rest[1:].lstrip().startswith("年")


def _unitless_value(number: str, value: Decimal, hint: str | None, text: str, start: int) -> Decimal | None:
    """Yuan of a figure with no unit, using the hint or the rules of research/domain.md §2.1.

    Without a hint the figure must open the text (a value cell such as `400000`) or follow a money
    word (`预算金额：400000`); then ≥ 1000 means 元 and < 10000 with 3+ decimals means 万元.
    """
    integer, _, fraction = number.replace(",", "").replace(" ", "").partition(".")
    if len(integer) > 1 and integer.startswith("0"):
        return None  # 0851: an area code, never an amount
    if _NOT_MONEY_LABEL.search(text, max(0, start - 24), start):
        return None
    if hint is None:
        label = _MONEY_LABEL.search(text, max(0, start - 40), start)
        leading = _LEADING_SPACE.match(text)
        opens_text = leading is not None and leading.end() >= start
        if label is None and not opens_text:
            return None
        hint = label.group("unit") if label is not None else None
    if hint is not None:
        return _scale(value, hint)
    if len(integer) >= 11 and not fraction:
        return None  # 13812345678, bank accounts and other long identifiers
    if len(fraction) >= 3 and value < 10_000:
        return _scale(value, "万元")  # 183.254 in a Sichuan budget column means 万元
    if value >= 1000:
        return _scale(value, "元")
    return None


class _Spans:
    """Sorted, non-overlapping spans with O(log n) look-ups (pages can hold thousands of amounts)."""

    def __init__(self, hits: list[_Hit]) -> None:
        self.hits = sorted(hits, key=lambda hit: hit.start)
        self.starts = [hit.start for hit in self.hits]
        self.ends = [hit.end for hit in self.hits]

    def covers(self, position: int) -> bool:
        """True when a span contains the position."""
        index = bisect_right(self.starts, position) - 1
        return index >= 0 and position < self.ends[index]

    def next_after(self, position: int) -> _Hit | None:
        """The first span starting at or after the position."""
        index = bisect_left(self.starts, position)
        return self.hits[index] if index < len(self.hits) else None

    def last_before(self, position: int) -> _Hit | None:
        """The last span ending at or before the position."""
        index = bisect_right(self.ends, position) - 1
        return self.hits[index] if index >= 0 else None


def _arabic_hits(text: str, hint: str | None, ranges: _Spans) -> Iterator[_Hit]:
    """Single Arabic-figure amounts not inside an already-found range."""
    for match in _AMOUNT.finditer(text):
        start, end = match.span()
        if ranges.covers(start):
            continue
        num_start = match.start("num")
        unit = match.group("unit") or match.group("bunit")
        if _glued_before(text, start if match.group("prefix") else num_start, bare=unit is None):
            continue
        value = _to_decimal(match.group("num"))
        if value is None:
            continue
        amount: Decimal | None
        if unit:
            if unit in ("万", "亿") and _glued_after_bare_unit(text, end):
                continue
            if _unit_price_after(text, end):
                continue
            amount = _scale(value, unit)
        else:
            if _glued_after(text, end):
                continue
            if match.group("prefix"):
                amount = _scale(value, hint or "元")
            else:
                amount = _unitless_value(match.group("num"), value, hint, text, num_start)
        if amount is not None and amount > 0:
            yield _Hit(amount, start, end, sane=_sane(amount, unit or hint, text, start))


def _glued_after_bare_unit(text: str, end: int) -> bool:
    """3万台, 2万平方米: a bare 万/亿 followed by another word counts things, not yuan."""
    rest = text[end : end + 3]
    return bool(rest) and bool(_CJK.match(rest[0])) and not rest.startswith("人民币")


def _range_hits(text: str) -> Iterator[_Hit]:
    """Both ends of ranges such as 50-100万元 and 50万元至100万元 (the low end borrows the unit)."""
    for match in _RANGE.finditer(text):
        if _glued_before(text, match.start()):
            continue
        if _unit_price_after(text, match.end()):
            continue
        low, high = _to_decimal(match.group("low")), _to_decimal(match.group("high"))
        if low is None or high is None:
            continue
        unit = match.group("unit")
        low_yuan = _scale(low, match.group("lowunit") or unit)
        high_yuan = _scale(high, unit)
        if not 0 < low_yuan <= high_yuan:
            continue
        sane = _sane(low_yuan, match.group("lowunit") or unit, text, match.start()) and _sane(
            high_yuan, unit, text, match.start("high")
        )
        yield _Hit(low_yuan, match.start(), match.start("high"), "low", sane)
        yield _Hit(high_yuan, match.start("high"), match.end(), "high", sane)


def _uppercase_hits(text: str) -> Iterator[_Hit]:
    """Amounts in Chinese numerals that end in 元/圆 (壹佰贰拾万元整, 五十万元)."""
    for match in _CN_AMOUNT.finditer(text):
        figure = match.group()
        numeral = figure.split("元")[0].split("圆")[0]
        # 单一元件 is not one yuan: a lowercase numeral must be at least two characters long.
        lowercase = not any(ch in UPPERCASE_CHARS for ch in numeral)
        if lowercase and (len(numeral) < 2 or _NOT_YUAN_WORD.match(text, match.end() - 1)):
            continue
        value = parse_cn_amount(figure)
        if value is not None and value > 0:
            sane = _sane(value, "亿" if "亿" in numeral else None, text, match.start())
            yield _Hit(_clean(value), match.start(), match.end(), sane=sane)


def _is_twin(text: str, first: _Hit, second: _Hit) -> bool:
    """True when two hits are the same amount written twice (uppercase and Arabic side by side)."""
    gap = text[first.end : second.start]
    return _TWIN_GAP.fullmatch(gap) is not None


def _scan(text: str, unit_hint: str | None) -> list[_Hit]:
    """Every amount in the text, in order, with the Arabic twin preferred over the uppercase one."""
    if not text:
        return []
    prepared = _prepare(text)
    hint = _normal_hint(unit_hint)
    ranges = _Spans(list(_range_hits(prepared)))
    arabic = _Spans([*ranges.hits, *_arabic_hits(prepared, hint, ranges)])
    kept_upper = []
    for upper in _uppercase_hits(prepared):
        if ranges.covers(upper.start):
            continue
        after, before = arabic.next_after(upper.end), arabic.last_before(upper.start)
        if after is not None and _is_twin(prepared, upper, after):
            continue
        if before is not None and _is_twin(prepared, before, upper):
            continue
        kept_upper.append(upper)
    return sorted([hit for hit in (*arabic.hits, *kept_upper) if hit.sane], key=lambda hit: hit.start)


def find_money(text: str, *, unit_hint: str | None = None) -> list[tuple[Decimal, int, int]]:
    """All amounts with (yuan, start, end) spans in text."""
    return [(hit.value, hit.start, hit.end) for hit in _scan(text, unit_hint)]


def parse_money(text: str, *, unit_hint: str | None = None) -> Decimal | None:
    """First money amount in `text` in yuan; explicit units in the text win over `unit_hint`.

    `unit_hint` is '元' | '万元' | '亿元', from a label or table header such as 预算金额(万元).
    """
    hits = _scan(text, unit_hint)
    return hits[0].value if hits else None


def _bound(prepared: str, hit: _Hit) -> str:
    """'high' for 不超过80万元 / 80万元以内, 'low' for 不低于50万元 / 50万元以上, '' otherwise."""
    before = prepared[max(0, hit.start - 10) : hit.start]
    after = prepared[hit.end : hit.end + 8]
    if _HIGH_BEFORE.search(before) or _HIGH_AFTER.match(after):
        return "high"
    if _LOW_BEFORE.search(before) or _LOW_AFTER.match(after):
        return "low"
    return ""


def parse_money_range(text: str, *, unit_hint: str | None = None) -> AmountRange | None:
    """The first amount as a range: 50-100万元, 不超过80万元, 80万元以内; a plain amount gives low == high."""
    hits = _scan(text, unit_hint)
    if not hits:
        return None
    first = hits[0]
    if first.bound == "low" and len(hits) > 1 and hits[1].bound == "high":
        return AmountRange(first.value, hits[1].value)
    prepared = _prepare(text)
    kind = _bound(prepared, first)
    if kind == "high":
        return AmountRange(None, first.value)
    if kind == "low":
        # 不低于50万元，不超过100万元: a close upper bound completes the range.
        second = hits[1] if len(hits) > 1 else None
        if (
            second is not None
            and second.start - first.end <= 8
            and second.value >= first.value
            and _bound(prepared, second) == "high"
        ):
            return AmountRange(first.value, second.value)
        return AmountRange(first.value, None)
    return AmountRange(first.value, first.value)


# A unit word anywhere in a header (预算金额万元), but not 单元, 美元 or 港元, nor 万 inside a word.
_LABEL_UNIT = re.compile(r"(?<![单美港欧日英韩澳加台])(亿元|万元|元)|(亿|万)(?![\u3400-\u9fff])")
_BRACKETED_UNIT = re.compile(r"[(\[【]\s*(?:单位\s*:?\s*)?(?:人民币)?\s*(亿元|万元|亿|万|元)")
_STATED_UNIT = re.compile(r"单位\s*:?\s*(?:人民币)?\s*(亿元|万元|亿|万|元)")


def unit_from_label(label: str) -> str | None:
    """The unit a label or column header states: '预算金额(万元)' → '万元', '品目预算(元)' → '元'."""
    prepared = _prepare(label)
    # Prefer a bracketed or 单位: statement; 元/台 in 单价(元/台) still means the figures are in 元.
    found = _BRACKETED_UNIT.search(prepared) or _STATED_UNIT.search(prepared) or _LABEL_UNIT.search(prepared)
    if found is None:
        return None
    unit = found.group(1) or found.group(2)
    return {"万": "万元", "亿": "亿元"}.get(unit, unit)


def format_wan(amount: Decimal) -> str:
    """Amount as people say it: 1200000 → '120万元', 1234567 → '123.46万元', 5000 → '5000元'."""
    if not amount.is_finite():
        return f"{amount}元"
    with localcontext() as ctx:
        ctx.prec = 60
        if abs(amount) >= 10_000:
            wan = (amount / 10_000).quantize(Decimal("0.01"))
            return f"{_clean(wan):f}万元"
        return f"{_clean(amount.quantize(Decimal('0.01'))):f}元"
