"""The budget filter of the query language: ``50万-500万``, ``>=50万``, ``-500万`` → Decimal yuan bounds."""

from __future__ import annotations

import re
from decimal import Decimal

from tenderbot.errors import QueryError
from tenderbot.texts import Message

_UNITS: dict[str, Decimal] = {
    "": Decimal(1),
    "元": Decimal(1),
    "万": Decimal(10_000),
    "万元": Decimal(10_000),
    "亿": Decimal(100_000_000),
    "亿元": Decimal(100_000_000),
}
# 13 integer digits and 6 decimals keep every amount exact in Decimal's 28-digit context, so a
# canonical query parses back to the same bounds.
_AMOUNT = re.compile(r"(?P<number>\d{1,13}(?:\.\d{1,6})?)(?P<unit>亿元|万元|亿|万|元)?")
_RANGE_SEPARATORS = re.compile(r"[-~至到—–]")
_AT_LEAST = re.compile(r"^(?:>=|≥|>|大于等于|大于|不低于|不少于)(?P<rest>.*)$")
_AT_MOST = re.compile(r"^(?:<=|≤|<|小于等于|小于|不高于|不超过)(?P<rest>.*)$")
_SUFFIX_AT_LEAST = re.compile(r"^(?P<rest>.*?)(?:以上|及以上)$")
_SUFFIX_AT_MOST = re.compile(r"^(?P<rest>.*?)(?:以下|及以下|以内)$")

EXAMPLE = Message("q_budget_example")


def _amount(text: str, whole: str, default_unit: str = "") -> tuple[Decimal, str]:
    """One amount with an optional unit → (yuan, the unit as written)."""
    text = text.replace(",", "")
    found = _AMOUNT.fullmatch(text)
    if found is None:
        raise QueryError("q_not_amount", whole=whole, text=text, example=EXAMPLE)
    unit = found["unit"] or default_unit
    return Decimal(found["number"]) * _UNITS[unit], found["unit"] or ""


def parse_budget(value: str) -> tuple[Decimal | None, Decimal | None]:
    """Parse a budget filter value into inclusive (minimum, maximum) yuan, either may be open."""
    whole = value
    if not value:
        raise QueryError("q_budget_missing", example=EXAMPLE)
    for pattern, is_minimum in (
        (_AT_LEAST, True),
        (_AT_MOST, False),
        (_SUFFIX_AT_LEAST, True),
        (_SUFFIX_AT_MOST, False),
    ):
        found = pattern.match(value)
        if found is not None:
            amount, _ = _amount(found["rest"], whole)
            return (amount, None) if is_minimum else (None, amount)
    parts = _RANGE_SEPARATORS.split(value)
    if len(parts) != 2:
        raise QueryError("q_budget_not_range", whole=whole, example=EXAMPLE)
    low_text, high_text = parts
    if not low_text and not high_text:
        raise QueryError("q_budget_unbounded", whole=whole, example=EXAMPLE)
    high, high_unit = _amount(high_text, whole) if high_text else (None, "")
    # “50-500万” means 50万 to 500万: a bare lower bound borrows the upper bound's unit.
    low = _amount(low_text, whole, default_unit=high_unit)[0] if low_text else None
    if low is not None and high is not None and low > high:
        raise QueryError("q_budget_reversed", whole=whole, high=format_amount(high), low=format_amount(low))
    return low, high


def format_amount(amount: Decimal) -> str:
    """Write yuan the way a query would: ``50万``, ``1亿``, ``12345.5元``."""
    for unit in ("亿", "万"):
        size = _UNITS[unit]
        if amount >= size and amount % size == 0:
            return _plain(amount / size) + unit
    # Always with 元: a bare number before “-1万” would borrow the 万 (see parse_budget).
    return _plain(amount) + "元"


def _plain(number: Decimal) -> str:
    """A decimal without exponent or trailing zeros: ``5E+1`` → ``50``, ``1.50`` → ``1.5``."""
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def describe_budget(low: Decimal | None, high: Decimal | None) -> str:
    """A human phrase for a budget range: ``50万–500万``, ``50万以上``, ``500万以下``."""
    if low is not None and high is not None:
        return f"{format_amount(low)}–{format_amount(high)}"
    if low is not None:
        return f"{format_amount(low)}以上"
    if high is not None:
        return f"{format_amount(high)}以下"
    return "不限"
