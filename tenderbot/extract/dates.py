"""Dates and times in announcement text → aware datetimes (Asia/Shanghai unless the text says otherwise).

Covers the forms of research/domain.md §2.2: ``2026年09月29日 09点30分（北京时间）``,
``2025年08月12日09时30分00秒``, ``2024-09-18\\n09:00``, ``2022.06.04 19:22:22``, ``2024/09/29 08:30``,
``2024年9月29日下午2:30``, glued ``2024-09-2908:30:00``, ``24:00`` and ``二〇二四年十月二十一日``.
Impossible dates (month 13, 30 February, 25:00), and dates outside ``sanity.plausible_date``'s
window (before 2000, beyond today + 5 years) are skipped, never raised nor wrapped.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from tenderbot.extract.numerals import parse_cn_integer
from tenderbot.extract.sanity import plausible_date

__all__ = ["TZ", "find_datetimes", "parse_datetime", "parse_period"]

TZ = ZoneInfo("Asia/Shanghai")

# One-to-one character mapping, so spans in the prepared text are spans of the caller's text.
_PREPARE: dict[int, int] = {
    **{code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)},
    0x3000: ord(" "),
    0xA0: ord(" "),
    ord("〜"): ord("~"),
    # Raw Traditional text: 時 點 號 (2024年9月29日9時30分) read like their Simplified forms.
    ord("時"): ord("时"),
    ord("點"): ord("点"),
    ord("號"): ord("号"),
}

_AMPM = r"上午|下午|中午|晚上|早上|早晨|凌晨|傍晚|AM|PM|am|pm|a\.m\.|p\.m\."
# H:MM[:SS] (optionally followed by 时, as in `9:30时`) or H时[MM分][SS秒] / H点[半].
_TIME = (
    rf"(?P<ampm>{_AMPM})?\s*"
    r"(?:(?P<h>\d{1,2})\s*:\s*(?P<mi>\d{2})(?:\s*:\s*(?P<s>\d{2})(?:\.\d+)?)?(?!\d)(?:\s*[时点](?!\d))?"
    r"|(?P<h2>\d{1,2})\s*[时点]"
    r"(?:\s*(?P<mi2>\d{1,2})\s*分(?:\s*(?P<s2>\d{1,2})\s*秒)?|(?P<mi3>\d{1,2})(?![\d年月/.\-])|(?P<half>半))?)"
    rf"(?:\s*(?P<ampm2>AM|PM|am|pm))?"
)
_WEEKDAY = r"(?:\s*\(?\s*(?:星期|周|礼拜)[一二三四五六日天]\s*\)?)?"
# `2015年11月3日 北京时间上午9:30` (a real 2015 Hebei notice) names the zone before the time.
_ZONE_WORD = r"(?:\s*\(?\s*北京时间\s*\)?)?"
# An ISO zone counts only after `T…`: in `2024-09-18 09:00-10:00` and `2015-08-17-2015-08-20` the
# hyphen starts the end of a period, not an offset.
_OFFSET = r"[+-](?:0\d|1[0-4]):?[0-5]\d(?![\d\-/.:])"
_DATE = re.compile(
    r"(?<![\dA-Za-z.])(?P<y>(?:19|20)\d{2})\s*(?P<sep1>[-/.年])\s*(?P<m>\d{1,2})\s*(?P<sep2>[-/.月])\s*"
    r"(?P<d>\d{1,2})(?:\s*[日号])?"
    rf"{_WEEKDAY}(?:(?P<tsep>T|{_ZONE_WORD}\s*)(?:{_TIME}))?"
    rf"(?P<tz>(?<=\d)(?:Z|{_OFFSET}))?"
)
_CN_DIGIT = "〇零○O一二三四五六七八九"
_CN_DATE = re.compile(
    rf"(?P<y>[{_CN_DIGIT}]{{4}})\s*年\s*(?P<m>[一二三四五六七八九十]{{1,3}})\s*月"
    r"\s*(?P<d>[一二三四五六七八九十]{1,3})\s*[日号]"
)
_MONTH_DAY = re.compile(
    r"(?<![\d年./\-])(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]" rf"{_WEEKDAY}(?:\s*(?:{_TIME}))?"
)
_TIME_ONLY = re.compile(_TIME)
_DAY_ONLY = re.compile(r"(?P<d>\d{1,2})\s*[日号]")
_PERIOD_JOIN = re.compile(r"\s*(?:起\s*)?(?:至|到|止|~|-|—|－)\s*")
_PM = {"下午", "晚上", "傍晚", "PM", "pm", "p.m."}
_AM = {"AM", "am", "a.m.", "凌晨", "上午", "早上", "早晨"}
_END_OF_DAY = time(23, 59, 59)


@dataclass(frozen=True, slots=True)
class _Found:
    """One date found: the value, its span and whether a time of day was written."""

    value: datetime
    start: int
    end: int
    has_time: bool


def _prepare(text: str) -> str:
    """Map full-width forms to ASCII, keeping every index in place."""
    return text.translate(_PREPARE)


def _time_of(match: re.Match[str]) -> tuple[int, int, int] | None:
    """(hour, minute, second) from a `_TIME` match, 24:00 kept as hour 24; None when invalid or absent."""
    hour_text = match.group("h") or match.group("h2")
    if hour_text is None:
        return None
    hour = int(hour_text)
    minute_text = match.group("mi") or match.group("mi2") or match.group("mi3")
    minute = 30 if match.group("half") else int(minute_text or 0)
    second = int(match.group("s") or match.group("s2") or 0)
    marker = match.group("ampm") or match.group("ampm2")
    if marker in _PM and 1 <= hour < 12:
        hour += 12  # 下午2:30 is 14:30; 下午14:30 stays as written
    elif marker == "中午" and hour < 11:
        hour += 12  # 中午1点 is 13:00
    elif marker in _AM and hour == 12 and marker.lower().startswith("a"):
        hour = 0
    if hour == 24 and minute == 0 and second == 0:
        return (24, 0, 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return (hour, minute, second)


def _bad_clock(match: re.Match[str], clock: tuple[int, int, int] | None) -> bool:
    """True when a time of day was written but is no valid clock (25:00, 9时60分, 24:30).

    Such a date is rejected whole rather than read as a bare day: the writer meant some other value.
    """
    return clock is None and (match.group("h") or match.group("h2")) is not None


def _combine(day: date, clock: tuple[int, int, int] | None, tz: tzinfo) -> datetime:
    """An aware datetime from a day and an optional clock; 24:00 rolls over to the next day."""
    if clock is None:
        return datetime(day.year, day.month, day.day, tzinfo=tz)
    hour, minute, second = clock
    if hour == 24:
        following = day + timedelta(days=1)
        return datetime(following.year, following.month, following.day, tzinfo=tz)
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=tz)


def _make_date(year: int, month: int, day: int) -> date | None:
    """The date, or None for month 13, 30 February and the like."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _offset(text: str) -> tzinfo | None:
    """The zone of an ISO suffix such as Z or +08:00."""
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 14 or minutes > 59:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _numeric_dates(text: str, tz: tzinfo) -> list[_Found]:
    """Dates written with Arabic figures, with their times when present."""
    found: list[_Found] = []
    for match in _DATE.finditer(text):
        sep1, sep2 = match.group("sep1"), match.group("sep2")
        if (sep1 == "年") != (sep2 == "月") or (sep1 != "年" and sep1 != sep2):
            continue
        day = _make_date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
        if day is None:
            continue
        clock = _time_of(match)
        if _bad_clock(match, clock):
            continue
        if match.group("tsep") == "T" and clock is None:
            continue
        if clock is None and text[match.end("d") : match.end("d") + 1].isdigit():
            continue  # 项目编号:2021-12-05022 is a code, not 5 December
        iso_zone = match.group("tz") if match.group("tsep") == "T" else None
        zone = (_offset(iso_zone) or tz) if iso_zone else tz
        end = match.start("tz") if match.group("tz") and not iso_zone else match.end()
        if clock is None:
            # The day and any 日 / weekday, but not a time we could not read.
            end = match.start("tsep") if match.group("tsep") is not None else end
        value = _combine(day, clock, zone)
        if zone is not tz:
            value = value.astimezone(tz)
        found.append(_Found(value, match.start(), end, clock is not None))
    return found


def _chinese_dates(text: str, tz: tzinfo) -> list[_Found]:
    """Dates in Chinese numerals (二〇二四年十月二十一日), as found in signature blocks."""
    found: list[_Found] = []
    for match in _CN_DATE.finditer(text):
        year = parse_cn_integer(match.group("y").replace("O", "〇"))  # NFKC turns 二Ｏ二四 into 二O二四
        month = parse_cn_integer(match.group("m"))
        day_number = parse_cn_integer(match.group("d"))
        if year is None or month is None or day_number is None:
            continue
        day = _make_date(year, month, day_number)
        if day is not None:
            found.append(_Found(_combine(day, None, tz), match.start(), match.end(), False))
    return found


def _nearest_year(month: int, day_number: int, reference: datetime) -> date | None:
    """The date with that month and day closest to the reference (around New Year it may be next year)."""
    candidates = [_make_date(reference.year + delta, month, day_number) for delta in (-1, 0, 1)]
    valid = [candidate for candidate in candidates if candidate is not None]
    if not valid:
        return None
    anchor = reference.date()
    return min(valid, key=lambda candidate: abs((candidate - anchor).days))


def _month_day(match: re.Match[str], tz: tzinfo, reference: datetime) -> _Found | None:
    """A date without a year (9月29日上午9:30), placed in the year nearest to `reference`."""
    day = _nearest_year(int(match.group("m")), int(match.group("d")), reference)
    if day is None:
        return None
    clock = _time_of(match)
    if _bad_clock(match, clock):
        return None
    end = match.end() if clock is not None else match.end("d") + 1
    return _Found(_combine(day, clock, tz), match.start(), end, clock is not None)


def _month_day_dates(text: str, tz: tzinfo, reference: datetime, taken: list[_Found]) -> list[_Found]:
    """Dates without a year outside the spans of full dates already found (sorted by start)."""
    starts = [hit.start for hit in taken]
    found: list[_Found] = []
    for match in _MONTH_DAY.finditer(text):
        index = bisect_right(starts, match.start()) - 1
        if index >= 0 and match.start() < taken[index].end:
            continue
        hit = _month_day(match, tz, reference)
        if hit is not None:
            found.append(hit)
    return found


def _scan(text: str, tz: tzinfo, reference: datetime | None) -> list[_Found]:
    """Every date in the text, in order."""
    if not text:
        return []
    prepared = _prepare(text)
    found = _numeric_dates(prepared, tz) + _chinese_dates(prepared, tz)
    if reference is not None:
        found.sort(key=lambda hit: hit.start)
        found += _month_day_dates(prepared, tz, reference, found)
    # Year 1, 1900 or 9999 is no deadline nor publication date (sanity.plausible_date).
    return sorted((hit for hit in found if plausible_date(hit.value)), key=lambda hit: hit.start)


def find_datetimes(
    text: str, *, default_tz: tzinfo = TZ, reference: datetime | None = None
) -> list[tuple[datetime, int, int, bool]]:
    """All dates in text with spans; the bool says whether a time of day was present.

    With a `reference`, dates without a year (9月29日) are found too, in the year nearest to it.
    """
    return [(hit.value, hit.start, hit.end, hit.has_time) for hit in _scan(text, default_tz, reference)]


def parse_datetime(
    text: str,
    *,
    default_tz: tzinfo = TZ,
    reference: datetime | None = None,
    end_of_day: bool = False,
) -> datetime | None:
    """First date(+time) in text as an aware datetime; date-only → 00:00 unless `end_of_day` (23:59:59)."""
    hits = _scan(text, default_tz, reference)
    if not hits:
        return None
    first = hits[0]
    if end_of_day and not first.has_time:
        return datetime.combine(first.value.date(), _END_OF_DAY, tzinfo=first.value.tzinfo)
    return first.value


def parse_period(text: str) -> tuple[datetime, datetime] | None:
    """The first period such as ``2026年09月08日 至 2026年09月14日``; a date-only end means 23:59:59.

    The end may omit the year (``2024年08月24日至08月31日``) or be a bare time on the same day.
    """
    prepared = _prepare(text)
    hits = _scan(prepared, TZ, None)
    for index, start in enumerate(hits):
        join = _PERIOD_JOIN.match(prepared, start.end)
        if join is None:
            continue
        after = join.end()
        end: _Found | None = None
        if index + 1 < len(hits) and hits[index + 1].start == after:
            end = hits[index + 1]
        else:
            end = _short_end(prepared, after, start)
        if end is None:
            continue
        finish = end.value
        if not end.has_time:
            finish = datetime.combine(finish.date(), _END_OF_DAY, tzinfo=finish.tzinfo)
        if finish >= start.value:
            return (start.value, finish)
    return None


def _short_end(text: str, position: int, start: _Found) -> _Found | None:
    """The end of a period written without its year (08月31日), its month (31日) or as a time (17:00)."""
    month_day = _MONTH_DAY.match(text, position)
    if month_day is not None:
        return _month_day(month_day, TZ, start.value)
    # `2024年08月24日至31日`: the same month.
    day_only = _DAY_ONLY.match(text, position)
    if day_only is not None:
        first = start.value.date()
        day = _make_date(first.year, first.month, int(day_only.group("d")))
        if day is not None:
            return _Found(_combine(day, None, TZ), position, day_only.end(), False)
    clock_match = _TIME_ONLY.match(text, position)
    if start.has_time and clock_match is not None and clock_match.end() > position:
        clock = _time_of(clock_match)
        if clock is not None:
            value = _combine(start.value.date(), clock, start.value.tzinfo or TZ)
            return _Found(value, position, clock_match.end(), True)
    return None
