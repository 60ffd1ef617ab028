"""Generators of bad extraction input and the checks every outcome must pass (issue 15).

Shared by the property tests (``test_bad_input.py``, driven by hypothesis' ``st.randoms()``) and the
seeded fuzz run (``bench/fuzz_extract.py``). The checks use literal bounds, not ``sanity``'s
constants, so a loosened rule shows up as a failure here.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from tenderbot.errors import ParseError
from tenderbot.extract import extract_notice
from tenderbot.models import Notice

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
TZ = ZoneInfo("Asia/Shanghai")
TIME_BOUND = 0.5  # seconds of CPU per page (issue 15)
LOWEST = Decimal(1)
HIGHEST = Decimal(10**12)  # 10¹¹ for bare figures, 10¹² with an explicit 亿
EARLIEST = datetime(2000, 1, 1, tzinfo=TZ)

MONEY_LABELS = ("预算金额", "最高限价", "项目预算", "采购预算", "中标金额", "成交金额", "预算金额(万元)",
                "预算金额(元)")
DATE_LABELS = ("投标截止时间", "提交投标文件截止时间", "开标时间", "公告时间", "发布时间", "响应文件提交截止时间")
UNITS = ("", "元", "万元", "亿元", "亿", "万", "圆")
CN_DIGITS = "〇一二三四五六七八九"
CN_SMALL = ("", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "二十", "三十",
            "三十二")
ENCODINGS = ("utf-8", "gbk", "gb18030", "gb2312", "big5", "utf-16", "utf-16-le", "utf-16-be", "shift_jis", "euc-kr",
             "latin-1", "utf-32")


def corpus_pages() -> list[Path]:
    """The real pages of the extraction corpus (HTML, text and 政采云 JSON)."""
    return sorted(p for p in CORPUS.iterdir() if p.suffix in (".html", ".txt", ".json") and ".expected" not in p.name)


def huge_number(r: random.Random) -> str:
    """A figure of 12-60 digits, perhaps with separators or decimals."""
    digits = str(r.randint(1, 9)) + "".join(r.choice("0123456789") for _ in range(r.randint(11, 59)))
    if r.random() < 0.3:
        digits = f"{int(digits):,}"
    if r.random() < 0.3:
        digits += "." + "".join(r.choice("0123456789") for _ in range(r.randint(1, 6)))
    return digits


def cn_numeral(value: int) -> str:
    """A Chinese numeral for small values (万/亿 stacked when large)."""
    uppers = "零壹贰叁肆伍陆柒捌玖"
    if value < 10:
        return uppers[value]
    return "".join(uppers[int(d)] for d in str(value)[:4]) + "亿" * max(1, len(str(value)) // 8)


def bad_amount(r: random.Random) -> str:
    """An amount no notice can carry: huge, negative, scientific, stacked 亿, sub-yuan."""
    kind = r.randrange(7)
    unit = r.choice(UNITS)
    if kind == 0:
        return huge_number(r) + unit
    if kind == 1:
        return f"负{r.randint(1, 10**6)}{unit or '万元'}"
    if kind == 2:
        return f"{r.choice(['-', '−', '－', '¥-', '人民币负'])}{r.randint(1, 10**9):,}{unit}"
    if kind == 3:
        return f"{r.randint(1, 9)}E+{r.randint(10, 300)}{r.choice(['亿', '亿元', '万元', '元'])}"
    if kind == 4:
        return cn_numeral(r.randint(1, 10**20)) + r.choice(["元整", "万元", "亿元", "元"])
    if kind == 5:
        return f"{r.choice(['负', ''])}{cn_numeral(r.randint(1, 999))}万亿{r.choice(['亿', '万'])}元"
    return f"0.{r.randint(0, 99):02d}元"


def cn_year(year: int) -> str:
    """A year in Chinese digits: 〇〇〇一, 一九〇〇, 九九九九."""
    return "".join(CN_DIGITS[int(d)] for d in f"{year:04d}")


def bad_date(r: random.Random) -> str:
    """A date outside 2000 … today + 5 years, or with an impossible month, day, hour or minute."""
    year = r.choice([1, 2, 99, 1000, 1899, 1900, 1949, 1999, 2032, 2050, 2099, 2999, 9999, r.randint(1, 9999)])
    month, day = r.randint(1, 12), r.randint(1, 28)
    hour, minute = r.randint(0, 23), r.randint(0, 59)
    kind = r.randrange(9)
    if kind == 0:
        return f"{year}年{month}月{day}日 {hour}:{minute:02d}"
    if kind == 1:
        return f"{year:04d}-{month:02d}-{day:02d} {hour:02d}:{minute:02d}:00"
    if kind == 2:
        return f"{cn_year(year)}年{CN_SMALL[month]}月{CN_SMALL[min(day, 16)] or '一'}日"
    if kind == 3:
        return f"{year}/{month}/{day} {r.choice(['上午', '下午', ''])}{hour}点{minute}分"
    good_year = r.randint(2001, 2028)
    if kind == 4:
        return f"{good_year}年{r.randint(13, 99)}月{day}日 09:30"
    if kind == 5:
        return f"{good_year}-{month:02d}-{r.randint(32, 99)} 09:30"
    if kind == 6:
        return f"{good_year}年{month}月{day}日 {r.randint(25, 99)}:{minute:02d}"
    if kind == 7:
        return f"{good_year}年{month}月{day}日{r.randint(0, 23)}时{r.randint(60, 99)}分"
    return f"{good_year}-{month:02d}-{day:02d}T{r.randint(24, 99)}:{minute:02d}:00+08:00"


def field_soup(r: random.Random) -> str:
    """Label lines with bad values, shuffled with a few good ones, as text or an HTML table."""
    lines = [f"{r.choice(MONEY_LABELS)}：{bad_amount(r)}" for _ in range(r.randint(1, 4))]
    lines += [f"{r.choice(DATE_LABELS)}：{bad_date(r)}" for _ in range(r.randint(1, 4))]
    lines += ["项目编号：ZB-2024-001", "采购人：某某医院"]
    r.shuffle(lines)
    if r.random() < 0.5:
        return "\n".join(["某医院CT采购公开招标公告", *lines])
    rows = "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, _, b in (line.partition("：") for line in lines))
    return f"<html><body><h1>某医院CT采购公告</h1><table>{rows}</table></body></html>"


def deep_json(r: random.Random) -> str:
    """JSON nested 65-5,000 levels (the detector must refuse it without recursing)."""
    depth = r.randint(65, 5000)
    opener, closer = r.choice([("[", "]"), ('{"a":', "}"), ('{"result":', "}")])
    return opener * depth + json.dumps(f"预算金额：{bad_amount(r)}") + closer * depth


def json_record(r: random.Random) -> str:
    """A 政采云-style detail answer with bad field values."""
    record = {
        "title": "某医院CT采购公告",
        "content": field_soup(r),
        "publishDate": r.choice([10**r.randint(11, 25), -(10**15), 1e300, "0001-01-01", bad_date(r), 1718000000000]),
        "budget": bad_amount(r),
        "projectCode": "ZB-1",
    }
    nest = r.randint(0, 60)
    document: object = {"result": {"data": record}}
    for _ in range(nest):
        document = {"x": document}
    return json.dumps(document, ensure_ascii=r.random() < 0.5)


def deep_html(r: random.Random) -> str:
    """Thousands of nested elements (closed or not), with labels at the top and deep inside."""
    tag = r.choice(["div", "section", "span", "b", "font", "table", "td", "ul", "li", "p", "article", "blockquote",
                    "center", "form", "a"])
    depth = r.randint(1000, 60_000)
    inner = f"预算金额：{r.randint(1, 999)}万元" if r.random() < 0.5 else ""
    opened = f"<{tag}>{inner}" * depth
    closed = f"</{tag}>" * depth if r.random() < 0.5 else ""
    return f"<html><body><p>项目编号：ZB-2024-001</p>{opened}{closed}</body></html>"


def encoded_bytes(r: random.Random) -> bytes:
    """Random text (or corpus text) in a random encoding, sometimes pure random bytes."""
    if r.random() < 0.25:
        return bytes(r.randrange(256) for _ in range(r.randint(1, 5000)))
    if r.random() < 0.5:
        text = r.choice(corpus_pages()).read_bytes().decode("utf-8", errors="replace")[: r.randint(10, 20000)]
    else:
        text = "".join(chr(r.choice([r.randint(0x20, 0x7E), r.randint(0x4E00, 0x9FFF), r.randint(0, 0xFFFF)]))
                       for _ in range(r.randint(1, 3000)))
    return text.encode(r.choice(ENCODINGS), errors="replace")


def mangled_page(r: random.Random) -> bytes:
    """A real corpus page with 1-6 random cuts, copies, insertions and byte flips."""
    data = bytearray(r.choice(corpus_pages()).read_bytes())
    for _ in range(r.randint(1, 6)):
        if not data:
            break
        at = r.randrange(len(data))
        kind = r.randrange(7)
        if kind == 0:
            del data[at : at + r.randint(1, 2000)]
        elif kind == 1:
            chunk = data[at : at + r.randint(1, 5000)]
            data[at:at] = chunk * r.randint(1, 200)
        elif kind == 2:
            data[at:at] = f"{r.choice(MONEY_LABELS)}：{bad_amount(r)}\n".encode()
        elif kind == 3:
            data[at:at] = f"{r.choice(DATE_LABELS)}：{bad_date(r)}\n".encode()
        elif kind == 4:
            data[at:at] = (f"<{r.choice(['div', 'section', 'span'])}>" * r.randint(100, 20000)).encode()
        elif kind == 5:
            for _ in range(r.randint(1, 50)):
                data[r.randrange(len(data))] = r.randrange(256)
        else:
            del data[at:]
    return bytes(data)


def huge_page(r: random.Random) -> bytes:
    """A corpus page repeated to 1-8 MB."""
    page = r.choice(corpus_pages()).read_bytes()
    return page * max(1, r.randint(1_000_000, 8_000_000) // max(1, len(page)))


SHAPES: dict[str, Callable[[random.Random], str | bytes]] = {
    "field_soup": field_soup,
    "deep_json": deep_json,
    "json_record": json_record,
    "deep_html": deep_html,
    "encoded_bytes": encoded_bytes,
    "mangled_page": mangled_page,
    "huge_page": huge_page,
}


def out_of_range(notice: Notice, now: datetime | None = None) -> list[str]:
    """Every amount or date of the notice outside the issue-15 ranges, described."""
    now = now or datetime.now(TZ)
    latest = now + timedelta(days=5 * 366 + 1)
    found: list[str] = []
    amounts = [("budget", notice.budget), ("max_price", notice.max_price),
               ("award", notice.award.amount if notice.award else None)]
    for lot in notice.lots:
        amounts += [(f"lot {lot.number} budget", lot.budget), (f"lot {lot.number} max_price", lot.max_price)]
    for name, money in amounts:
        if money is not None and not (LOWEST <= money.amount <= HIGHEST):
            found.append(f"{name}={money.amount}")
    for name, when in (("tender_deadline", notice.tender_deadline), ("opening_time", notice.opening_time),
                       ("published_at", notice.published_at)):
        if when is not None and not (EARLIEST <= when <= latest):
            found.append(f"{name}={when.isoformat()}")
    return found


@dataclass(frozen=True)
class Outcome:
    """What one input did: CPU seconds, an unexpected exception (not ParseError), values out of range."""

    seconds: float
    error: BaseException | None
    problems: tuple[str, ...]


def run_one(content: str | bytes, url: str = "https://fuzz.test/page") -> Outcome:
    """Extract ``content`` and judge the outcome (ParseError is the one allowed error)."""
    started = time.process_time()
    try:
        notice = extract_notice(content, url=url)
    except ParseError:
        return Outcome(time.process_time() - started, None, ())
    except BaseException as exc:  # the very thing we are looking for, RecursionError included
        return Outcome(time.process_time() - started, exc, ())
    seconds = time.process_time() - started
    return Outcome(seconds, None, tuple(out_of_range(notice)))


def inputs(seed: int, count: int) -> Iterator[tuple[str, str | bytes]]:
    """``count`` generated inputs, cycling through the shapes, reproducible from ``seed``."""
    r = random.Random(seed)
    names = list(SHAPES)
    for index in range(count):
        name = names[index % len(names)]
        yield name, SHAPES[name](r)
