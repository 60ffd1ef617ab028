"""Chinese numerals (大写 壹贰叁… and 小写 一二三…) → Decimal, for amounts and dates.

Used by money parsing (``人民币壹仟贰佰万元整``) and date parsing (``二〇二四年十月二十一日``).
"""

from __future__ import annotations

from decimal import Decimal

# 两 (as in 两万) and 〇/零 are common; 圆 stands for 元 on cheques and some bid bonds.
DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0, "Ｏ": 0,
    "壹": 1, "一": 1, "幺": 1,
    "贰": 2, "貳": 2, "二": 2, "两": 2, "兩": 2,
    "叁": 3, "參": 3, "三": 3,
    "肆": 4, "四": 4,
    "伍": 5, "五": 5,
    "陆": 6, "陸": 6, "六": 6,
    "柒": 7, "七": 7,
    "捌": 8, "八": 8,
    "玖": 9, "九": 9,
}  # fmt: skip
SMALL_UNITS: dict[str, int] = {"拾": 10, "十": 10, "佰": 100, "百": 100, "仟": 1000, "千": 1000}
BIG_UNITS: dict[str, int] = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
NUMERAL_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(BIG_UNITS)
UPPERCASE_CHARS = "零壹贰貳叁參肆伍陆陸柒捌玖拾佰仟"
# Far beyond any procurement budget; larger "amounts" are runs of numeral characters, not money.
MAX_AMOUNT_YUAN = 10**15


def parse_cn_integer(text: str) -> int | None:
    """Value of a Chinese integer numeral (``壹仟贰佰万``, ``二十一``, ``二〇二四``), or None."""
    if not text or any(ch not in DIGITS and ch not in SMALL_UNITS and ch not in BIG_UNITS for ch in text):
        return None
    if all(ch in DIGITS for ch in text):
        # Positional form: 二〇二四 (years) reads digit by digit.
        return int("".join(str(DIGITS[ch]) for ch in text))
    total = 0  # completed 亿 sections
    section = 0  # completed 万 part inside the current 亿 section
    group = 0  # below 万
    digit: int | None = None
    for ch in text:
        if ch in DIGITS:
            if digit is not None and DIGITS[ch] != 0 and digit != 0:
                return None  # two digits in a row (一二万) is not a numeral
            digit = DIGITS[ch]
        elif ch in SMALL_UNITS:
            # A bare 十 means 一十 (十五 = 15).
            group += (1 if digit is None else digit) * SMALL_UNITS[ch]
            digit = None
        else:
            group += digit or 0
            digit = None
            if BIG_UNITS[ch] == 10_000:
                section = (section + group) * 10_000
            else:
                total = (total + section + group) * 100_000_000
                section = 0
            group = 0
    group += digit or 0
    return total + section + group


def parse_cn_amount(text: str) -> Decimal | None:
    """Yuan in an uppercase amount such as ``壹仟贰佰万元整`` or ``叁佰元伍角``, or None."""
    text = text.strip().removesuffix("整").removesuffix("正")
    text = text.replace("圆", "元")
    if not text:
        return None
    yuan_part, sep, rest = text.partition("元")
    if not sep:
        return None
    if len(yuan_part) > 1 and all(ch in DIGITS for ch in yuan_part):
        return None  # 一二元: digit-by-digit reading is for years, never for amounts
    yuan = parse_cn_integer(yuan_part) if yuan_part else 0
    if yuan is None or yuan >= MAX_AMOUNT_YUAN:
        return None
    cents = 0
    rest = rest.lstrip("零〇")
    for unit, weight in (("角", 10), ("分", 1)):
        if not rest:
            break
        head, found, tail = rest.partition(unit)
        if not found:
            continue
        if len(head) != 1 or head not in DIGITS:
            return None
        cents += DIGITS[head] * weight
        rest = tail.lstrip("零〇")
    if rest:
        return None
    return Decimal(yuan) + Decimal(cents) / 100
