"""Label-driven field extraction over normalised announcement text (codes, money, lots, times).

Labels follow the 2020 national format (财办库〔2020〕50号) plus the older and 公共资源 variants
listed in research/domain.md §1.10. Parties and award live in ``parties.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from tenderbot.extract.dates import find_datetimes, parse_datetime, parse_period
from tenderbot.extract.labels import Labelled, clean_cell, find_labelled, first_value, line_at, next_line, section
from tenderbot.extract.money import parse_money, unit_from_label
from tenderbot.extract.numerals import parse_cn_integer
from tenderbot.extract.provenance import Trace
from tenderbot.extract.tables import Table, lot_number, lots_from_tables, sum_lots
from tenderbot.models import Lot, Money

CODE_LABELS = ("项目编号", "采购项目编号", "招标编号", "采购编号", "招标项目编号", "项目代码", "采购计划编号",
               "政府采购计划编号", "招标文件编号", "采购文件编号", "采购项目文件编号", "招标文书编号", "项目号",
               "计划编号", "交易编号", "标段编号", "询价编号", "谈判编号", "磋商编号", "采购计划号")
ORIGINAL_CODE_LABELS = ("原公告的采购项目编号", "原公告采购项目编号", "原采购项目编号", "原项目编号")
NAME_LABELS = ("项目名称", "采购项目名称", "招标项目名称")
BUDGET_LABELS = ("预算金额", "项目预算", "采购预算", "预算总金额", "项目预算金额", "采购预算金额", "预算金额总额",
                 "项目总预算", "总预算", "预算资金", "项目控制预算", "采购资金", "预算价", "项目预算资金",
                 "拟采购的货物或服务的预算金额", "采购预算价", "预算控制价", "预算总额", "项目总投资",
                 "预算控制金额", "预算总价", "采购预算总价", "项目预算总额")
MAX_PRICE_LABELS = ("最高限价", "最高投标限价", "招标控制价", "最高控制价", "控制价", "拦标价", "最高报价限价",
                    "最高采购限价", "采购控制价")
DEADLINE_LABELS = ("提交投标文件截止时间", "招标递交截止时间", "投议标文件截止时间", "磋商响应截止时间",
                   "投标截止时间", "递交投标文件截止时间", "投标文件递交截止时间",
                   "响应文件提交截止时间", "提交响应文件截止时间", "递交响应文件截止时间", "响应文件递交截止时间",
                   "投标截标时间", "截标时间", "报价截止时间", "投标文件提交截止时间", "提交首次响应文件截止时间",
                   "投标截止时间和开标时间", "投标截止及开标时间", "投标截止时间及开标时间", "递交截止时间",
                   "投标文件接收截止时间", "响应文件接收截止时间", "申请文件提交截止时间", "竞价截止时间")
# A submission window, not a deadline label: its END is the deadline ("响应文件递交时间:2018年04月13日 08:50
# 至 2018年04月13日 09:00", bjgp Dongcheng 2018).
WINDOW_LABELS = ("响应文件递交时间", "投标文件递交时间", "递交投标文件时间", "递交响应文件时间", "投标文件提交时间",
                 "响应文件提交时间", "提交投标文件时间", "提交响应文件时间", "投标文件接收时间", "响应文件接收时间",
                 "接收投标文件时间", "递交投标文件的时间", "提交投标文件的时间", "投标文件递交起止时间",
                 "响应文件递交起止时间")
OPENING_LABELS = ("开标时间", "开启时间", "开标日期", "响应文件开启时间", "开标(开启)时间", "开启(开标)时间")
PUBLISHED_LABELS = ("公告时间", "发布时间", "发布日期", "公告日期", "公告发布时间", "发布时间为")
METHOD_LABELS = ("采购方式", "招标方式", "采购组织形式及方式")
REGION_LABELS = ("行政区域", "所属地区", "项目所在地区", "所属区域", "项目地区", "行政区划")
ITEM_LABELS = ("品目", "采购品目", "品目名称", "采购品目名称")

_DEADLINE_HEADING = re.compile(
    r"(?:^|\n)(?:[一二三四五六七八九十]+、|\d{1,2}[.、])?\s*"
    r"(?:提交投标文件截止时间|响应文件提交|投标文件提交|提交(?:投标|响应)文件)[^\n]{0,20}\n"
)
_OPENING_HEADING = re.compile(r"\n(?:[一二三四五六七八九十]+、)?(?:开启|开标(?:时间)?(?:和|及|、)?(?:地点)?:?)\s*\n")
_OVERVIEW_DEADLINE = re.compile(
    r"并于(?P<when>[^。\n]{4,60}?)(?:\(北京时间\))?\s*前(?:递交|提交|上传|将)"
)
# The older prose forms of the same sentence: "请于2025年5月6日9时30分前将响应文件递交至…", "投标人须在…上午
# 9:30之前将投标文件送达…" (issue 11's held-out classes; 保证金 deadlines are skipped by the caller).
_PROSE_DEADLINE = re.compile(
    r"(?:请|须|应|需|必须|务必)(?:在|于)(?P<when>[^。\n;]{4,40}?)(?:\(北京时间\))?\s*(?:之)?前[^。\n;]{0,12}?"
    r"(?:投标|响应|磋商|谈判|报价|比选|询价)文件[^。\n;]{0,8}?(?:递交|提交|送达|上传|送至|交至|寄达|送交|送到)"
    r"|(?:请|须|应|需|必须|务必)(?:在|于)(?P<when2>[^。\n;]{4,40}?)(?:\(北京时间\))?\s*(?:之)?前(?:递交|提交|送达|上传)"
    r"[^。\n;]{0,4}?(?:投标|响应|磋商|谈判|报价|比选|询价)文件"
)
_CHANGE_MARKER = re.compile(
    r"变更为|延期至|调整为|更改为|修改为|推迟至|延长至|顺延至|更正为|现(?:调整|变更|延期|更改)?为?[:]?"
)
_DEADLINE_WORDS = re.compile(r"截止|开标|递交|提交|开启")
_SAME_AS_BUDGET = re.compile(r"^同预算")
# "预算金额为壹佰贰拾万元整(¥1,200,000.00)", "本次采购预算总价为120万元": 大写 and 总价 forms in prose too.
_PROSE_BUDGET = re.compile(r"(?:预算金额|项目预算|采购预算|预算资金|预算总价|预算总额|预算)(?:为|约为|约|是)?\s*"
                           r"(?:人民币)?\s*(?=[¥\d壹贰叁肆伍陆柒捌玖拾])")


@dataclass(frozen=True, slots=True)
class Fields:
    """Values read from the text by label (None when absent)."""

    project_code: str | None = None
    original_project_code: str | None = None
    project_name: str | None = None
    budget: Money | None = None
    max_price: Money | None = None
    lots: tuple[Lot, ...] = ()
    tender_deadline: datetime | None = None
    opening_time: datetime | None = None
    published_at: datetime | None = None
    method_text: str | None = None
    region_text: str | None = None
    item_text: str | None = None


_CODE_VALUE = re.compile(r"[^\s|,;。】]+")


def clean_code(value: str) -> str | None:
    """A project code exactly as written: the first token of the value, without wrapping brackets."""
    value = clean_cell(value)
    match = _CODE_VALUE.match(value)
    if match is None:
        return None
    code = match.group(0)
    if code.startswith("(") and ")" not in code:
        code = code[1:]
    # "LNJC20190703002)进行了竞争性磋商", "MJZ2016017号)进行公开招标": the code ends at an unmatched
    # bracket or where running text starts after its Latin part.
    depth = 0
    for index, char in enumerate(code):
        depth += 1 if char in "([" else -1 if char in ")]" else 0
        if depth < 0:
            code = code[:index]
            break
    glued = re.search(r"(?<=[A-Za-z0-9])[\u4e00-\u9fff]{2,}", code)
    if glued is not None:
        code = code[: glued.start()]
    code = code.rstrip(".、")
    if code.endswith("号") and not re.search(r"[\u4e00-\u9fff]", code[:-1]):
        code = code[:-1]
    # Item numbering glued on the next label: "FJXCZB2015128 2.招标项目内容" is already split by line.
    return code if len(code) >= 3 and any(ch.isdigit() for ch in code) else None


_ORIGINAL_PREFIX = re.compile(r"原(?:公告的?)?(?:采购)?$")
# "(招标编号YTYY-20220803-FW027)": a code label with no colon, glued to the code.
_GLUED_CODE = re.compile(r"(?:项目编号|招标编号|采购编号|项目代码)\s*(?P<code>[A-Za-z0-9][A-Za-z0-9\-_/()\[\]]{3,})")


def project_code(text: str) -> str | None:
    """项目编号 and its variants (not 原公告的…, see ``original_project_code``)."""
    for strict in (True, False):
        # Flattened pages glue labels onto the previous word (一、项目基本情况项目编号:…): retry unguarded.
        for found in find_labelled(text, CODE_LABELS, strict=strict):
            if _ORIGINAL_PREFIX.search(text[max(0, found.start - 6) : found.start]):
                continue
            value = found.value or next_line(text, found.start)
            code = clean_code(value)
            if code:
                return code
    glued = _GLUED_CODE.search(text)
    return clean_code(glued.group("code")) if glued else None


def original_project_code(text: str) -> str | None:
    """原公告的采购项目编号 (amendments point back to the original notice with it)."""
    for found in find_labelled(text, ORIGINAL_CODE_LABELS, strict=False):
        code = clean_code(found.value)
        if code:
            return code
    return None


# A bare number whose unit was pushed onto a later line by the page layout ("1.8\n\n万元").
_BARE_NUMBER = re.compile(r"^[¥￥]?\s*\d[\d,]*(?:\.\d+)?$")
_UNIT_BELOW = re.compile(r"\s*(?P<unit>亿元|万元|元)")


def _money_value(found: Labelled, text: str | None = None) -> Money | None:
    """Money from a labelled value, honouring a unit written in the label (预算金额(万元)).

    With ``text``, a bare number takes the unit that the layout split onto the next line.
    """
    value = clean_cell(found.value)
    if not value:
        return None
    if text is not None and not found.unit and _BARE_NUMBER.match(value):
        line_end = text.find("\n", found.start)
        below = _UNIT_BELOW.match(text, line_end) if line_end >= 0 else None
        if below is not None:
            value += below.group("unit")
    amount = parse_money(value, unit_hint=unit_from_label(found.unit) if found.unit else None)
    return Money(amount) if amount is not None and amount > 0 else None


_LOT_MARKER = re.compile(
    r"(?:^|\n)(?:\S{0,4})(?:第[\d一二三四五六七八九十]+(?:包|标段)"
    r"|(?:采购包|标项|包|标段)\s*[\d一二三四五六七八九十]+|标项名称|包号)"
)


def _first_lot_marker(text: str) -> int | None:
    """Position of the first lot marker line (包1 / 第1包 / 标项名称 / 采购包1), if any."""
    match = _LOT_MARKER.search(text)
    return match.start() if match else None


def budget(text: str, lots: tuple[Lot, ...], table_total: Money | None, trace: Trace | None = None) -> Money | None:
    """The total budget: a total label before any lot, a table total, else the sum of the lots."""
    trace = trace or Trace()
    labels = {found.start: found.label for found in find_labelled(text, BUDGET_LABELS, strict=False)}
    hits = [(found.start, money) for strict in (True, False) for found in find_labelled(text, BUDGET_LABELS,
                                                                                          strict=strict)
            if " | " not in line_at(text, found.start) or line_at(text, found.start).count(" | ") < 2
            or _pairs_row(line_at(text, found.start))
            if (money := _money_value(found, text)) is not None]
    hits = sorted(dict(hits).items())  # both passes find the guarded labels: keep each position once
    marker = _first_lot_marker(text)
    if hits and (len(hits) == 1 or marker is None or hits[0][0] < marker):
        trace.detail("budget", "label", label=labels.get(hits[0][0]), position=hits[0][0])
        return hits[0][1]
    if table_total is not None:
        trace.detail("budget", "table-total")
        return table_total
    if not hits:
        # Prose without a colon: "发布…竞争性谈判公告,预算金额298.48万元,包含…".
        prose = _PROSE_BUDGET.search(text[:5000])
        amount = parse_money(text[prose.end() : prose.end() + 24]) if prose else None
        if prose is not None and amount is not None and amount > 0:
            trace.detail("budget", "prose", label=prose.group(0).strip(), position=prose.start())
            return Money(amount)
    if not hits:
        row = _method_glued_budget(text) or _last_column_budget(text)
        if row is not None:
            trace.detail("budget", "table:method-glued", label="预算金额", position=row[1])
            return row[0]
    if len(hits) > 1:
        # One 预算金额 per 标项 (政采云 template) and no total: the budget is their sum.
        trace.detail("budget", "sum-of-labelled-lots", label=labels.get(hits[0][0]), position=hits[0][0])
        return Money(sum((money.amount for _, money in hits), start=hits[0][1].amount * 0))
    trace.detail("budget", "sum-of-lots")
    return sum_lots(lots)


# ccgp-hunan result pages open with a lot table flattened into one line, the method cell glued to the budget
# cell: "标段编号 标段名称 采购方式 预算金额(元)投标供应商名称1 …应用软件采购 竞争性谈判279000 湖南科创…" (2017).
_METHOD_BUDGET_HEADER = re.compile(r"采购方式\s*预算金额\s*(?:\((?P<unit>元|万元)\))?")
_METHOD_CELL_AMOUNT = re.compile(
    r"(?:公开招标|邀请招标|竞争性谈判|竞争性磋商|询价|单一来源)(?:采购)?\s?(?P<amount>\d[\d,]*(?:\.\d+)?)(?![\d.%])")


def _method_glued_budget(text: str) -> tuple[Money, int] | None:
    """The budget cells (summed over lots) of a flattened lot table whose method cell runs into the budget."""
    header = _METHOD_BUDGET_HEADER.search(text[:5000])
    if header is None:
        return None
    unit = header.group("unit") or "元"
    rows = _METHOD_CELL_AMOUNT.findall(text[header.end() : header.end() + 1500])
    return _sum_cells([parse_money(row, unit_hint=unit) for row in rows], header.start())


def _sum_cells(amounts: list[Decimal | None], position: int) -> tuple[Money, int] | None:
    """The lots' budget cells summed, or None when there is none or one is no amount."""
    if not amounts or any(amount is None or amount <= 0 for amount in amounts):
        return None
    return Money(sum((amount for amount in amounts if amount is not None), start=Decimal(0))), position


# A lot table whose header ends with the budget column and whose row text runs over many words (the
# qualification cell) to end with the amount: "包货物名称供应商资格要求预算金额\n1 招远市人民法院…采购 (1)在中国
# 境内注册…(5)本项目不接受联合体投标。 52.51万元\n四、获取招标文件" (Zhaoyuan court 2016 re-post).
_LAST_COLUMN_HEADER = re.compile(r"(?:^|\n)[^\n|]{2,40}?预算金额(?:\((?P<unit>万元|元)\))?[ \t]*\n")
_ROW_END_AMOUNT = re.compile(r"(?<![\d.,])(?P<amount>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>万元|元)?[ \t]*$", re.MULTILINE)
_NEXT_SECTION = re.compile(r"\n\s*(?:[一二三四五六七八九十]+、|\d{1,2}[.、]\D)")


def _last_column_budget(text: str) -> tuple[Money, int] | None:
    """The amounts ending the rows under a header whose last column is 预算金额 (summed over lots)."""
    header = _LAST_COLUMN_HEADER.search(text[:8000])
    if header is None:
        return None
    end = _NEXT_SECTION.search(text, header.end())
    block = text[header.end() : end.start() if end else header.end() + 3000]
    amounts: list[Decimal | None] = []
    for row in _ROW_END_AMOUNT.finditer(block):
        unit = row.group("unit") or header.group("unit")
        if unit is None:
            return None  # a bare number ending a row may be a quantity or a phone
        amounts.append(parse_money(row.group("amount"), unit_hint=unit))
    return _sum_cells(amounts, header.start())


def _pairs_row(line: str) -> bool:
    """A form row of label/value pairs ("采购方式: | 公开招标 | 预算金额 | 3950000.00 |"), not a lot table header."""
    cells = [cell.strip(" |") for cell in line.split(" | ")]
    return any(cell.endswith(":") for cell in cells) and any(re.fullmatch(r"[\d,.]+", cell) for cell in cells)


def max_price(text: str, budget_value: Money | None) -> Money | None:
    """最高限价 and variants; ``同预算金额`` copies the budget."""
    for found in find_labelled(text, MAX_PRICE_LABELS):
        value = clean_cell(found.value)
        if _SAME_AS_BUDGET.match(value):
            return budget_value
        money = _money_value(found)
        if money is not None:
            return money
    return None


# "2021 10 12 14 00 分": a copy whose 年月日时 glyphs were stripped (font-mapped characters).
_STRIPPED_DATETIME = re.compile(
    r"(?<!\d)(?P<y>20\d{2})\s+(?P<m>\d{1,2})\s+(?P<d>\d{1,2})\s+(?P<h>\d{1,2})\s+(?P<mi>\d{2})\s*分?(?!\d)")
# A clock time separated from its date by a few words ("2025年5月6日 截止 17:00", "…日(周二) 上午九点").
_LATE_CLOCK = re.compile(r"[^\d\n。;]{0,8}?(?P<h>\d{1,2})\s*(?::|时|点)\s*(?P<mi>\d{1,2})?")


def _datetime_in(value: str) -> datetime | None:
    """The first date-time in ``value``, preferring one with a clock time."""
    found = find_datetimes(value)
    if not found:
        stripped = _STRIPPED_DATETIME.search(value)
        if stripped is None:
            return None
        return _at(parse_datetime(f"{stripped['y']}-{stripped['m']}-{stripped['d']}"), stripped["h"], stripped["mi"])
    with_time = [item for item in found if item[3]]
    if with_time:
        return with_time[0][0]
    first = found[0]
    spelled = _CN_CLOCK.match(value, first[2])
    if spelled is not None:
        return _spelled_clock(first[0], spelled)
    late = _LATE_CLOCK.match(value, first[2])
    if late is not None and late.group("mi") is None and not value[late.end("h"):].lstrip().startswith(("时", "点")):
        late = None
    return _at(first[0], late["h"], late["mi"]) if late is not None else first[0]


# A clock spelled in numerals after a spelled date: "二〇二五年五月六日上午九时三十分" (the 大写 style of
# older county notices, also in the held-out forms).
_CN_CLOCK = re.compile(r"\s*(?:\(北京时间\))?\s*(?P<ampm>上午|下午|中午|晚上|早上)?\s*"
                       r"(?P<h>[零〇一二两三四五六七八九十]{1,3})\s*(?:时|点)\s*(?:(?P<mi>[零〇一二三四五六七八九十]{1,3})\s*分|(?P<half>半))?")


def _spelled_clock(day: datetime | None, match: re.Match[str]) -> datetime | None:
    """``day`` at a clock written in Chinese numerals (下午 moves 1-11 o'clock to the afternoon)."""
    hour = parse_cn_integer(match.group("h"))
    minute = 30 if match.group("half") else parse_cn_integer(match.group("mi")) if match.group("mi") else 0
    if day is None or hour is None or minute is None:
        return day
    if match.group("ampm") in ("下午", "晚上") and hour < 12:
        hour += 12
    return _at(day, str(hour), str(minute))


def _at(day: datetime | None, hour: str, minute: str | None) -> datetime | None:
    """``day`` at ``hour:minute`` (None for an impossible clock)."""
    if day is None:
        return None
    hours, minutes = int(hour), int(minute or 0)
    if hours > 23 or minutes > 59:
        return day
    return day.replace(hour=hours, minute=minutes)


def _labelled_datetime(text: str, labels: tuple[str, ...]) -> datetime | None:
    """The first labelled date-time (value on the label's line or the next one)."""
    found = _labelled_datetime_at(text, labels)
    return found[0] if found else None


def _labelled_datetime_at(text: str, labels: tuple[str, ...]) -> tuple[datetime, Labelled] | None:
    """The first labelled date-time and its label."""
    for found in find_labelled(text, labels):
        when = _datetime_in(found.value[:120])
        if when is None and not found.value:
            following = text[found.start : found.start + 200].split("\n", 2)
            when = _datetime_in(following[1]) if len(following) > 1 else None
        if when is not None:
            return when, found
    return None


def tender_deadline(text: str, *, amendment: bool = False, trace: Trace | None = None) -> datetime | None:
    """提交投标/响应文件截止时间: labels, then the section heading, then the 项目概况 sentence."""
    trace = trace or Trace()
    if amendment:
        changed = _amended_deadline(text)
        if changed is not None:
            trace.detail("tender_deadline", "amendment:new-time", position=changed[1])
            return changed[0]
    labelled = _labelled_datetime_at(text, DEADLINE_LABELS)
    if labelled is not None:
        trace.detail("tender_deadline", "label", label=labelled[1].label, position=labelled[1].start)
        return labelled[0]
    for window in find_labelled(text, WINDOW_LABELS):
        period = parse_period(window.value[:120])
        if period is not None and period[1] > period[0]:
            trace.detail("tender_deadline", "label:window-end", label=window.label, position=window.start)
            return period[1]
    heading = _DEADLINE_HEADING.search(text)
    if heading is not None:
        when = _datetime_in(text[heading.end() : heading.end() + 200])
        if when is not None:
            trace.detail("tender_deadline", "section-heading", position=heading.start())
            return when
    overview = _OVERVIEW_DEADLINE.search(text)
    if overview is not None:
        when = parse_datetime(overview.group("when"))
        if when is not None:
            trace.detail("tender_deadline", "prose:并于…前递交", position=overview.start())
            return when
    for prose in _PROSE_DEADLINE.finditer(text[:20000]):
        if "保证金" in text[max(0, prose.start() - 16) : prose.end()]:
            continue
        when = _datetime_in(prose.group("when") or prose.group("when2"))
        if when is not None:
            trace.detail("tender_deadline", "prose:请于…前递交", position=prose.start())
            return when
    for sentence in _DEADLINE_SENTENCE.finditer(text):
        # "投标截止时间和开标时间为2015年9月1日9:30时", not the 保证金 deadline.
        if "保证金" in text[max(0, sentence.start() - 12) : sentence.start()]:
            continue
        found = [item for item in find_datetimes(text[sentence.end() : sentence.end() + 40]) if item[3]]
        if found:
            trace.detail("tender_deadline", "prose:截止时间为", position=sentence.start())
            return found[0][0]
    return None


_DEADLINE_SENTENCE = re.compile(
    r"(?:投标|响应文件|递交|提交|报价)[^\n,。:]{0,10}(?:截止时间|截标时间)[^\n,。:]{0,8}?(?:为|是|:|在)?"
)


def _amended_deadline(text: str) -> tuple[datetime, int] | None:
    """The new deadline of an amendment (and where): the time after the last 变更为/延期至/调整为/现 marker."""
    best: tuple[datetime, int] | None = None
    for marker in _CHANGE_MARKER.finditer(text):
        context = text[max(0, marker.start() - 60) : marker.start()]
        if not _DEADLINE_WORDS.search(context):
            continue
        found = [item for item in find_datetimes(text[marker.end() : marker.end() + 60]) if item[3]]
        if found:
            best = (found[0][0], marker.start())
    return best


def opening_time(text: str, deadline: datetime | None) -> datetime | None:
    """开标时间 / 开启时间; in the 招标 template the deadline section also gives the opening time."""
    when = _labelled_datetime(text, OPENING_LABELS)
    if when is not None:
        return when
    found = section(text, _OPENING_HEADING, limit=200)
    if found is not None:
        when = _datetime_in(found[1])
        if when is not None:
            return when
    if deadline is not None and re.search(r"截止时间[、和及]开标时间", text):
        return deadline
    return None


def published_at(text: str) -> datetime | None:
    """公告时间 / 发布时间 written in the body."""
    return _labelled_datetime(text, PUBLISHED_LABELS)


def text_lots(text: str) -> tuple[Lot, ...]:
    """Lots written as lines (包1:名称 … 预算金额:…) when no table gave them."""
    lots: list[Lot] = []
    pattern = re.compile(r"(?:^|\n)(?P<marker>第[\d一二三四五六七八九十]+(?:包|标段)|(?:采购包|标项|包|标段)\s*"
                         r"[\d一二三四五六七八九十]+)\s*[::]?\s*(?P<rest>[^\n]*)")
    matches = list(pattern.finditer(text))
    for index, match in enumerate(matches):
        number = lot_number(match.group("marker"))
        stop = matches[index + 1].start() if index + 1 < len(matches) else min(len(text), match.end() + 600)
        chunk = text[match.start() : stop]
        budget_found = next(iter(find_labelled(chunk, BUDGET_LABELS)), None)
        max_found = next(iter(find_labelled(chunk, MAX_PRICE_LABELS)), None)
        name = re.split(r"[,;]|预算|最高限价", match.group("rest"), maxsplit=1)[0].strip(" :") or None
        if name is None or name.startswith(("标项名称", "名称")):
            # 政采云: "标项一" on its own line, then "标项名称:X".
            named = first_value(chunk, ("标项名称", "包名称", "采购包名称", "名称"))
            name = named.value if named else name
        lots.append(Lot(number=number, name=name,
                        budget=_money_value(budget_found) if budget_found else None,
                        max_price=_money_value(max_found) if max_found else None))
    numbered = {lot.number for lot in lots}
    return tuple(lots) if len(numbered) == len(lots) and any(lot.budget for lot in lots) else ()


def _in_multi_row_table(text: str, position: int) -> bool:
    """True when ``position`` is in a header row followed by two or more data rows."""
    if line_at(text, position).count(" | ") < 2:
        return False
    columns = line_at(text, position).count(" | ")
    second = next_line(text, position)
    third = next_line(text, text.find("\n", position) + 1) if "\n" in text[position:] else ""
    return second.count(" | ") >= columns - 1 and third.count(" | ") >= columns - 1


def extract_fields(text: str, tables: list[Table], *, amendment: bool = False, trace: Trace | None = None) -> Fields:
    """All label-driven fields of one announcement text (``trace`` gets the budget and deadline rules)."""
    lot_table = lots_from_tables(tables)
    lots = lot_table.lots or text_lots(text)
    total = budget(text, lots, lot_table.total, trace)
    deadline = tender_deadline(text, amendment=amendment, trace=trace)
    name = first_value(text, NAME_LABELS)
    if name is not None and (_ORIGINAL_PREFIX.search(text[max(0, name.start - 6) : name.start])
                             or _in_multi_row_table(text, name.start)):
        # 原公告的采购项目名称 names the original notice; a 项目名称 column of a lot table names a lot.
        name = None
    method = first_value(text, METHOD_LABELS)
    region = first_value(text, REGION_LABELS)
    item = first_value(text, ITEM_LABELS)
    return Fields(
        project_code=project_code(text),
        original_project_code=original_project_code(text),
        project_name=name.value if name else None,
        budget=total,
        max_price=max_price(text, total),
        lots=lots,
        tender_deadline=deadline,
        opening_time=opening_time(text, deadline),
        published_at=published_at(text),
        method_text=method.value if method else None,
        region_text=region.value if region else None,
        item_text=item.value if item else None,
    )
