"""Header-row tables rendered as ``cell | cell`` lines: lots (包号 | 名称 | 预算金额(万元)) and award rows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from tenderbot.extract.money import parse_money, unit_from_label
from tenderbot.extract.numerals import parse_cn_integer
from tenderbot.models import Lot, Money

# A money cell holds a figure and at most a unit/currency around it ("45.00", "¥56.98万元", "569800.00(元)").
_MONEY_CELL = re.compile(
    r"^(?:人民币)?[^\d\u4e00-\u9fff]{0,3}[\d,.]+\s*(?:万元|元|万|亿元)?(?:\(?人民币\)?|\((?:万?元)\))?$"
)
_LOT_NUMBER = re.compile(
    r"^(?:第\s*(?P<a>[\d一二三四五六七八九十]+)\s*(?:包|标段|标项|分包|合同包|包件)"
    r"|(?:包|标段|标项|采购包|分包|合同包|包件|包组|标包)\s*(?P<b>[\d一二三四五六七八九十]+)(?:号)?"
    r"|(?P<c>\d{1,3}))$"
)
_NUMBER_HEADERS = ("包号", "包件号", "标段号", "标项号", "标包", "合同包", "采购包", "分包号", "包组", "标段",
                   "标项", "序号")
_NAME_HEADERS = ("标项名称", "包名称", "标段名称", "采购包名称", "设备名称", "货物名称", "标的名称", "产品名称",
                 "采购标的", "项目名称", "采购内容", "品目名称", "采购品目", "名称")
# Headers that number lots (序号 numbers rows of any table, so it alone does not make a lot table).
_LOT_HEADERS = ("包号", "包件号", "标段号", "标项号", "标包", "合同包", "采购包", "分包号", "包组", "标段", "标项")


@dataclass(frozen=True, slots=True)
class Table:
    """A header row and the data rows below it that have the same number of cells (or more)."""

    start: int
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def find_tables(text: str) -> list[Table]:
    """Every run of ``|``-lines whose first line reads like a header row."""
    tables: list[Table] = []
    lines = text.split("\n")
    offset = 0
    index = 0
    positions = []
    for line in lines:
        positions.append(offset)
        offset += len(line) + 1
    while index < len(lines):
        line = lines[index]
        if " | " not in line or not _is_header(line):
            index += 1
            continue
        header = tuple(cell.strip() for cell in line.split(" | "))
        rows: list[tuple[str, ...]] = []
        cursor = index + 1
        if cursor < len(lines) and _RULE_LINE.match(lines[cursor]):
            cursor += 1  # a Markdown copy's "---|---|---" line under the header
        while cursor < len(lines) and " | " in lines[cursor] and not _is_header(lines[cursor]):
            rows.append(tuple(cell.strip() for cell in lines[cursor].split(" | ")))
            cursor += 1
        if rows:
            tables.append(Table(positions[index], header, tuple(rows)))
        index = cursor
    return tables


_RULE_LINE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _is_header(line: str) -> bool:
    """True when no cell is a number and some cell names a column we know."""
    cells = [cell.strip() for cell in line.split(" | ")]
    if any(re.fullmatch(r"[\d.,]+", cell) for cell in cells):
        return False
    joined = "".join(cells)
    return any(word in joined for word in ("名称", "预算", "金额", "包号", "序号", "数量", "限价", "供应商"))


def column(header: tuple[str, ...], *words: str, avoid: tuple[str, ...] = ()) -> int | None:
    """Index of the first header cell containing one of ``words`` and none of ``avoid``."""
    for word in words:
        for index, cell in enumerate(header):
            if word in cell and not any(bad in cell for bad in avoid):
                return index
    return None


def money_cell(cell: str, header_cell: str) -> Money | None:
    """Money in a table cell, using the unit written in its header (预算金额(万元))."""
    if not cell or not _MONEY_CELL.match(cell.replace(" ", "")):
        return None
    amount = parse_money(cell, unit_hint=unit_from_label(header_cell))
    return Money(amount) if amount is not None and amount > 0 else None


def lot_number(cell: str) -> str | None:
    """The lot number of a cell as written (包01 → '01', 第二包 → '二'), or None when it is not one."""
    match = _LOT_NUMBER.match(cell.replace(" ", ""))
    if match is None:
        return None
    return match.group("a") or match.group("b") or match.group("c") or None


def lot_index(number: str) -> int | None:
    """The integer of a lot number ('01' → 1, '二' → 2)."""
    return int(number) if number.isdigit() else parse_cn_integer(number)


@dataclass(frozen=True, slots=True)
class LotTable:
    """Lots read from tables, and a project total when a column holds one (项目控制预算)."""

    lots: tuple[Lot, ...]
    total: Money | None


def lots_from_tables(tables: list[Table]) -> LotTable:
    """Lots from the first table with a budget or max-price column and lot-numbered rows."""
    for table in tables:
        header = table.header
        budget_col = column(header, "预算", "控制价", "金额",
                            avoid=("单价", "项目控制", "项目预算", "总预算", "中标", "成交", "报价", "合同"))
        total_col = column(header, "项目控制预算", "项目预算", "总预算", "合计")
        max_col = column(header, "最高限价", "最高投标限价", "拦标价")
        lot_col = column(header, *_LOT_HEADERS)
        if budget_col is None and max_col is None and lot_col is None:
            continue
        number_col = column(header, *_NUMBER_HEADERS)
        name_col = column(header, *_NAME_HEADERS)
        lots: list[Lot] = []
        total: Money | None = None
        for row in table.rows:
            if len(row) < 2:
                continue
            number = lot_number(row[number_col]) if number_col is not None and number_col < len(row) else None
            if number_col is not None and number is None:
                # A rowspan continuation row (高频手术系统 | 1): the lot above holds several items, so
                # no single name describes it.
                if lots and lots[-1].name is not None:
                    last = lots[-1]
                    lots[-1] = Lot(number=last.number, name=None, budget=last.budget, max_price=last.max_price)
                continue
            budget = _cell_money(row, header, budget_col)
            if total is None and total_col is not None:
                total = _cell_money(row, header, total_col)
            name = row[name_col] if name_col is not None and name_col < len(row) else None
            lots.append(Lot(number=number, name=name or None, budget=budget,
                            max_price=_cell_money(row, header, max_col)))
        if lots and (lot_col is not None or any(lot.budget or lot.max_price for lot in lots)):
            return LotTable(tuple(lots), total)
    return LotTable((), None)


def _cell_money(row: tuple[str, ...], header: tuple[str, ...], col: int | None) -> Money | None:
    """Money in column ``col`` of ``row`` (None when the row is short or the cell is no amount)."""
    if col is None or col >= len(row):
        return None
    return money_cell(row[col], header[col])


def sum_lots(lots: tuple[Lot, ...]) -> Money | None:
    """The sum of the lots' budgets when every lot has one."""
    if not lots or any(lot.budget is None for lot in lots):
        return None
    return Money(sum((lot.budget.amount for lot in lots if lot.budget), Decimal(0)))
