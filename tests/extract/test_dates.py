"""Date parsing: every form of research/domain.md §2.2, real snippets, periods and round-trip properties."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tenderbot.extract.dates import TZ, find_datetimes, parse_datetime, parse_period
from tenderbot.extract.text import normalize


def bj(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """A Beijing-time datetime."""
    return datetime(year, month, day, hour, minute, second, tzinfo=TZ)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026年09月29日 09点30分（北京时间）", bj(2026, 9, 29, 9, 30)),
        ("2024年09月29日 10时00分 (北京时间)", bj(2024, 9, 29, 10, 0)),
        ("2025年08月12日09时30分00秒（北京时间）", bj(2025, 8, 12, 9, 30)),
        ("2025年08月12日09时30分15秒", bj(2025, 8, 12, 9, 30, 15)),
        ("2024-09-18 09:00(北京时间)", bj(2024, 9, 18, 9, 0)),
        ("2024-09-18\n09:00", bj(2024, 9, 18, 9, 0)),
        ("2024-09-29 08:30:00", bj(2024, 9, 29, 8, 30)),
        ("2022.06.04 19:22:22", bj(2022, 6, 4, 19, 22, 22)),
        ("2024/09/29 08:30", bj(2024, 9, 29, 8, 30)),
        ("2024年9月29日上午9:30", bj(2024, 9, 29, 9, 30)),
        ("2024年9月29日下午2:30", bj(2024, 9, 29, 14, 30)),
        ("2024年9月29日下午14:30", bj(2024, 9, 29, 14, 30)),
        ("2024年9月29日晚上8点", bj(2024, 9, 29, 20, 0)),
        ("2024年9月29日中午12:00", bj(2024, 9, 29, 12, 0)),
        ("2024-09-29 9:30时", bj(2024, 9, 29, 9, 30)),
        ("2024年9月29日9时30分", bj(2024, 9, 29, 9, 30)),
        ("2024年9月29日9时", bj(2024, 9, 29, 9, 0)),
        ("2024年9月29日9点半", bj(2024, 9, 29, 9, 30)),
        ("2024-09-29 2:30 PM", bj(2024, 9, 29, 14, 30)),
        ("2024-09-2908:30:00", bj(2024, 9, 29, 8, 30)),
        ("2024年09月29日09:30", bj(2024, 9, 29, 9, 30)),
        ("2025年06月27日  17:52", bj(2025, 6, 27, 17, 52)),
        ("2024年09月29日（星期日）09:30", bj(2024, 9, 29, 9, 30)),
        ("２０２４年０９月２９日　０９：３０", bj(2024, 9, 29, 9, 30)),
        ("2024年9月29日下午2時30分", bj(2024, 9, 29, 14, 30)),
        ("2024-09-29 24:00", bj(2024, 9, 30, 0, 0)),
        ("2024-12-31 24:00", bj(2025, 1, 1, 0, 0)),
        ("二〇二四年十月二十一日", bj(2024, 10, 21)),
        ("二〇二五年一月三日", bj(2025, 1, 3)),
        ("2024-09-29T08:30:00+00:00", bj(2024, 9, 29, 16, 30)),
        ("2024-09-29T08:30:00Z", bj(2024, 9, 29, 16, 30)),
        ("2024-09-29T08:30+0800", bj(2024, 9, 29, 8, 30)),
        ("2024-09-29T08:30:00.123456+08:00", bj(2024, 9, 29, 8, 30)),
        ("2024-09-29 08:30:00-05:00", bj(2024, 9, 29, 8, 30)),  # no T: the hyphen is no offset
        ("二Ｏ二四年十月二十一日", bj(2024, 10, 21)),
        ("2024-09-29", bj(2024, 9, 29)),
        # Real snippets (corpus: other-medtext-004/011/012/015/018, news-004, zcy-detail-content-001).
        ("并于2024-09-2908:30:00(北京时间)前递交投标文", bj(2024, 9, 29, 8, 30)),
        ("投标人必须于2014年4月29日下午16时30分前将投标保证金", bj(2014, 4, 29, 16, 30)),
        ("8、招标响应文件提交截止时间为2015年9月15日9时30分整，", bj(2015, 9, 15, 9, 30)),
        ("七、投标文件递交截止时间：2015年9月23日 9:30分。", bj(2015, 9, 23, 9, 30)),
        ("招标递交截止时间：2015年11月3日 北京时间上午9:30", bj(2015, 11, 3, 9, 30)),
        ("十、投议标文件截止时间： 2014 年 12 月9 日17:00 时", bj(2014, 12, 9, 17, 0)),
        ("并于 2021-12-29 11:00:00 （北京时间）前提交（上传）申请文件", bj(2021, 12, 29, 11, 0)),
        ("8．投标截止时间：2015年10月22日 上午09：30（北京时间）", bj(2015, 10, 22, 9, 30)),
    ],
)
def test_parse_datetime_forms(text: str, expected: datetime) -> None:
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed is not None and parsed.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize(
    "text",
    [
        "2024-13-01",
        "2024年13月01日",
        "2024-02-30 10:00",
        "2023年2月29日",
        "项目编号：GXZC2021-G2-005022-GXZB",
        "SDGP370000000202502001234",
        "预算金额：1,322,675.00元",
        "电话：0851-12345678",
        "自本公告发布之日起5个工作日",
        "09:30",
        "2024年9月",
        "项目编号：2021-12-05022",
        "GXZC2021-12-05-GXZB",
        "",
    ],
)
def test_no_date(text: str) -> None:
    assert parse_datetime(text) is None
    assert find_datetimes(text) == []


def test_impossible_date_is_skipped_not_the_next_one() -> None:
    assert parse_datetime("2024-02-30 或 2024-03-01 09:00") == bj(2024, 3, 1, 9, 0)


def test_invalid_time_rejects_the_date() -> None:
    # Issue 15: hour 25 was read loosely as the bare day; a value the writer got wrong is blank.
    assert find_datetimes("2024-09-29 25:00") == []
    assert find_datetimes("2024年9月29日9时60分") == []
    assert find_datetimes("2024-09-29 24:30") == []
    assert find_datetimes("2024-09-29 24:00") == [(bj(2024, 9, 30), 0, 16, True)]


def test_end_of_day_and_default_tz() -> None:
    assert parse_datetime("2024年09月29日", end_of_day=True) == bj(2024, 9, 29, 23, 59, 59)
    assert parse_datetime("2024年09月29日 10:00", end_of_day=True) == bj(2024, 9, 29, 10, 0)
    tokyo = ZoneInfo("Asia/Tokyo")
    assert parse_datetime("2024-09-29 10:00", default_tz=tokyo) == datetime(2024, 9, 29, 10, tzinfo=tokyo)


def test_reference_gives_the_year_to_month_day_dates() -> None:
    september = bj(2024, 9, 1)
    assert parse_datetime("9月29日上午9:30") is None
    assert parse_datetime("9月29日上午9:30", reference=september) == bj(2024, 9, 29, 9, 30)
    assert parse_datetime("1月3日", reference=bj(2024, 12, 20)) == bj(2025, 1, 3)
    assert parse_datetime("12月28日", reference=bj(2025, 1, 2)) == bj(2024, 12, 28)
    assert parse_datetime("2月29日", reference=bj(2023, 3, 1)) == bj(2024, 2, 29)


def test_find_datetimes_spans_and_time_flags() -> None:
    text = "获取时间：2024年08月24日到 2024年08月31日；开标时间：2024-09-18 09:00(北京时间)"
    found = find_datetimes(text)
    assert [(value, has_time) for value, _, _, has_time in found] == [
        (bj(2024, 8, 24), False),
        (bj(2024, 8, 31), False),
        (bj(2024, 9, 18, 9, 0), True),
    ]
    assert [text[start:end] for _, start, end, _ in found] == [
        "2024年08月24日",
        "2024年08月31日",
        "2024-09-18 09:00",
    ]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        (
            "2026年09月08日 至 2026年09月14日，每天上午09:00至12:00，下午12:00至16:00（北京时间，法定节假日除外）",
            bj(2026, 9, 8),
            bj(2026, 9, 14, 23, 59, 59),
        ),
        ("2024年08月24日到 2024年08月31日", bj(2024, 8, 24), bj(2024, 8, 31, 23, 59, 59)),
        ("2024年08月24日至08月31日", bj(2024, 8, 24), bj(2024, 8, 31, 23, 59, 59)),
        ("2015年8月26日起至2015年9月14日 期间", bj(2015, 8, 26), bj(2015, 9, 14, 23, 59, 59)),
        ("2016年2月25日～2016年3月16日（法定节假日照常休息）", bj(2016, 2, 25), bj(2016, 3, 16, 23, 59, 59)),
        ("2016年2月29日-2016年3月4日(节假日除外)", bj(2016, 2, 29), bj(2016, 3, 4, 23, 59, 59)),
        ("2015-08-17至2015-08-20", bj(2015, 8, 17), bj(2015, 8, 20, 23, 59, 59)),
        ("时间：2015年11月18日 08:00 至 2015年11月24日 18:00(双休日)", bj(2015, 11, 18, 8), bj(2015, 11, 24, 18)),
        ("1.时间：2015年08月21日 09时00分 - 2015年08月27日 16时00分", bj(2015, 8, 21, 9), bj(2015, 8, 27, 16)),
        ("投标文件递交起止时间： 2014 年5月4日上午8时00分 至9时00分。", bj(2014, 5, 4, 8), bj(2014, 5, 4, 9)),
        ("2024年12月28日至1月5日", bj(2024, 12, 28), bj(2025, 1, 5, 23, 59, 59)),
        ("2015-08-17-2015-08-20", bj(2015, 8, 17), bj(2015, 8, 20, 23, 59, 59)),
        ("2024年08月24日至31日", bj(2024, 8, 24), bj(2024, 8, 31, 23, 59, 59)),
        ("自2024年9月1日起至2024年9月7日止", bj(2024, 9, 1), bj(2024, 9, 7, 23, 59, 59)),
        ("2024年9月1日—9月7日", bj(2024, 9, 1), bj(2024, 9, 7, 23, 59, 59)),
        ("2024-09-18 09:00-17:00", bj(2024, 9, 18, 9), bj(2024, 9, 18, 17)),
        ("2024-09-18 09:00-10:00", bj(2024, 9, 18, 9), bj(2024, 9, 18, 10)),
        ("2024-09-18T09:00-2024-09-20T17:00", bj(2024, 9, 18, 9), bj(2024, 9, 20, 17)),
    ],
)
def test_parse_period(text: str, start: datetime, end: datetime) -> None:
    assert parse_period(text) == (start, end)


@pytest.mark.parametrize(
    "text",
    [
        "公告发布之日起至2026年9月15日",
        "2024年09月14日 至 2024年09月08日",
        "2024年08月24日至3日",
        "2024年09月08日",
        "详见公告",
        "",
    ],
)
def test_no_period(text: str) -> None:
    assert parse_period(text) is None


# --- Properties -------------------------------------------------------------------------------

_CN_DIGITS = "〇一二三四五六七八九"


def _cn_small(number: int) -> str:
    """1..31 in Chinese numerals as dates write them (十, 十一, 二十一)."""
    tens, units = divmod(number, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens] + "十")
    return head + (_CN_DIGITS[units] if units else "")


def _twelve_hour(local: datetime) -> str:
    """下午2:30 style: the hour on a 12-hour clock with its Chinese half-day word."""
    if local.hour < 12:
        return f"上午{local.hour}:{local.minute:02d}"
    return f"下午{(local.hour - 12) or 12}:{local.minute:02d}"


Render = Callable[[datetime], str]
_RENDERINGS: list[Render] = [
    lambda t: f"{t:%Y}年{t:%m}月{t:%d}日 {t:%H}点{t:%M}分（北京时间）",
    lambda t: f"{t:%Y}年{t:%m}月{t:%d}日 {t:%H}时{t:%M}分 (北京时间)",
    lambda t: f"{t:%Y}年{t:%m}月{t:%d}日{t:%H}时{t:%M}分00秒（北京时间）",
    lambda t: f"{t:%Y-%m-%d %H:%M}(北京时间)",
    lambda t: f"{t:%Y-%m-%d}\n{t:%H:%M}",
    lambda t: f"{t:%Y-%m-%d %H:%M:%S}",
    lambda t: f"{t:%Y.%m.%d %H:%M:%S}",
    lambda t: f"{t:%Y/%m/%d %H:%M}",
    lambda t: f"{t.year}年{t.month}月{t.day}日{_twelve_hour(t)}",
    lambda t: f"{t.year}年{t.month}月{t.day}日 {t.hour}:{t:%M}时",
    lambda t: f"{t.year}年{t.month}月{t.day}日{t.hour}时{t.minute}分",
    lambda t: f"{t:%Y-%m-%d}{t:%H:%M:%S}",
    lambda t: f"{t:%Y}年{t:%m}月{t:%d}日{t:%H:%M}",
    lambda t: f"{t:%Y}年{t:%m}月{t:%d}日  {t:%H:%M}",
    lambda t: f"并于{t:%Y}年{t:%m}月{t:%d}日 {t:%H}时{t:%M}分 (北京时间)前递交投标文件",
    lambda t: f"{t:%Y-%m-%d %H:%M}".translate({code: code + 0xFEE0 for code in b"0123456789:-"}),
]


def _real_minute(moment: datetime) -> datetime:
    """The moment to the minute, in UTC.

    Via UTC because hypothesis builds wall times in DST gaps (02:30 on a New York spring-forward day),
    and Python never finds an ambiguous (fold) time equal to a time in another zone (PEP 495).
    """
    return moment.replace(second=0, microsecond=0).astimezone(UTC)


_ZONES = st.sampled_from([TZ, UTC, ZoneInfo("America/New_York"), timezone(timedelta(hours=5, minutes=30))])
# Inside the sanity window (2000 … today + 5 years): dates outside it are blank by design (issue 15).
_LAST_YEAR = date.today().year + 4
_MOMENTS = st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(_LAST_YEAR, 12, 30), timezones=_ZONES)


@given(_MOMENTS)
@example(datetime(2024, 9, 29, 0, 0, tzinfo=TZ))
@example(datetime(2024, 9, 29, 12, 30, tzinfo=TZ))
@example(datetime(2024, 12, 31, 23, 59, tzinfo=TZ))
@example(datetime(2029, 3, 11, 2, 0, tzinfo=ZoneInfo("America/New_York")))  # a DST gap
@example(datetime(2000, 10, 29, 1, 0, fold=1, tzinfo=ZoneInfo("America/New_York")))
def test_property_renderings_round_trip(moment: datetime) -> None:
    iso = moment.replace(second=0, microsecond=0).isoformat()
    moment = _real_minute(moment)
    local = moment.astimezone(TZ)
    for render in _RENDERINGS:
        text = render(local)
        for variant in (text, normalize(text)):
            assert [(value, has_time) for value, _, _, has_time in find_datetimes(variant)] == [(moment, True)], variant
    assert parse_datetime(iso) == moment


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(_LAST_YEAR, 12, 31)))
def test_property_dates_round_trip(day: date) -> None:
    midnight = datetime(day.year, day.month, day.day, tzinfo=TZ)
    renderings = [
        f"{day:%Y年%m月%d日}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day:%Y-%m-%d}",
        f"{day.year}-{day.month}-{day.day}",
        f"{day:%Y.%m.%d}",
        f"{day:%Y/%m/%d}",
        "".join(_CN_DIGITS[int(ch)] for ch in str(day.year)) + f"年{_cn_small(day.month)}月{_cn_small(day.day)}日",
    ]
    for text in renderings:
        assert parse_datetime(text) == midnight, text
        assert find_datetimes(text) == [(midnight, 0, len(text), False)], text
    later = day + timedelta(days=3)
    period = parse_period(f"{day:%Y年%m月%d日} 至 {later:%Y年%m月%d日}")
    assert period == (midnight, datetime(later.year, later.month, later.day, 23, 59, 59, tzinfo=TZ))


@given(st.text())
@example("2024-09-2908:30:00" * 3)
@example("2024年02月30日 24:00 至 二〇二四年十三月一日")
def test_property_arbitrary_text_never_raises(text: str) -> None:
    found = find_datetimes(text)
    first = parse_datetime(text)
    assert first == (found[0][0] if found else None)
    for value, start, end, _ in found:
        assert value.tzinfo is not None
        assert 0 <= start < end <= len(text)
    parse_datetime(text, reference=bj(2024, 6, 1), end_of_day=True)
    period = parse_period(text)
    assert period is None or period[0] <= period[1]


_DATEISH = st.text(alphabet="0123456789-/.:年月日时点分秒上下午晚至到起~ T+Z〇一二三四五十\n")


@given(_DATEISH)
def test_property_dateish_text_never_raises(text: str) -> None:
    for value, start, end, _ in find_datetimes(text, reference=bj(2024, 6, 1)):
        assert value.utcoffset() is not None
        assert start < end
    parse_period(text)
