"""Province (short name) and city of a notice's buyer, from the strongest evidence available.

Order (research/domain.md §6.3): the 行政区域 row, source hints, the 政采云 district code, the
portal host, the buyer's name, the buyer's address, the title. Place names are taken only where
they are unambiguous: a name followed by a road word is a street (北京路 in an address is no
province); city names that are also common words need their suffix (中山大学 is not 中山市, 朝阳分局
is 北京's 朝阳区); 人民医院 holds no place at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from tenderbot.extract.gazetteer import CITIES, CITY_FULL_NAMES, DISTRICT_PREFIX, HOSTS, PROVINCES
from tenderbot.models import Region

_CITY_SUFFIX = r"(?:市|地区|自治州|州|盟)"
# A place name followed by a road word is a street (北京路, 江西路), not a place.
_ROAD_AFTER = ("路", "街", "大道", "南路", "北路", "东路", "西路", "中路", "大街", "巷", "道")
# City names that are also common words or other places' names (朝阳区 of 北京, 大理石, 阿里巴巴, 哈密瓜)
# count only with their suffix; 中山大学 is named after a person.
_SUFFIX_ONLY = frozenset({
    "朝阳", "中山", "大理", "阿里", "来宾", "普洱", "白银", "哈密", "和田", "红河", "文山", "兴安", "三沙", "白山",
    "玉树", "黄山", "怒江", "山南", "海东", "海西", "海北", "金昌", "黄南", "果洛",
})


@dataclass(frozen=True, slots=True)
class Place:
    """A province and/or city found in one piece of text."""

    province: str | None = None
    city: str | None = None


@lru_cache(maxsize=1)
def _place_regex() -> re.Pattern[str]:
    """One regex over all province and city names, longest first."""
    names = sorted(set(PROVINCES) | set(CITIES), key=len, reverse=True)
    return re.compile("|".join(re.escape(name) for name in names))


def find_place(text: str) -> Place:
    """The first unambiguous province and the first city (with its province) named in ``text``."""
    province: str | None = None
    city: str | None = None
    if not text:
        return Place()
    for match in _place_regex().finditer(text):
        name, end = match.group(0), match.end()
        rest = text[end:]
        if rest.startswith(_ROAD_AFTER) or rest.startswith("时间"):
            continue  # 北京路 is a street; "(北京时间)" after every deadline is no place (zcy Lingyun 2022)
        city_suffixed = name in CITIES and re.match(_CITY_SUFFIX, rest) is not None
        if province is None and name in PROVINCES and not city_suffixed:
            province = name
            continue
        if city is None and name in CITIES:
            suffixed = re.match(_CITY_SUFFIX, rest) is not None
            if suffixed or (name not in _SUFFIX_ONLY and name not in PROVINCES):
                city = name
                if province is None:
                    province = CITIES[name]
        if province is not None and city is not None:
            break
    if city is not None and CITIES.get(city) != province:
        city = None
    return Place(province, city)


def province_of_host(url: str) -> str | None:
    """The province of a provincial portal URL (ccgp-guangxi.gov.cn → 广西)."""
    if not url:
        return None
    host = urlsplit(url if "//" in url else f"//{url}").netloc.lower()
    for marker, province in HOSTS.items():
        if marker in host:
            return province
    return None


def province_of_district(code: str | None) -> str | None:
    """The province of a GB/T 2260 district code (政采云 ``districtCode`` 339900 → 浙江)."""
    if not code or len(code) < 2 or not code[:2].isdigit():
        return None
    return DISTRICT_PREFIX.get(code[:2])


def short_province(value: str | None) -> str | None:
    """A province given in any form (广西壮族自治区, 广西, 江苏省) → its short name."""
    if not value:
        return None
    value = value.strip()
    if value in PROVINCES:
        return value
    for short, full in PROVINCES.items():
        if value == full or value.startswith(full) or value.startswith(short):
            return short
    return None


def detect_region(
    *,
    region_text: str | None = None,
    hints: Mapping[str, str] | None = None,
    district_code: str | None = None,
    url: str = "",
    buyer_name: str | None = None,
    buyer_address: str | None = None,
    title: str | None = None,
    extra: Sequence[str] = (),
) -> Region | None:
    """The region of a notice from all evidence, strongest first; None when nothing names a place."""
    hints = hints or {}
    province: str | None = None
    city: str | None = None
    candidates: list[Place] = []
    if region_text:
        candidates.append(find_place(region_text))
        province = short_province(region_text)
    for key in ("province", "region", "district"):
        hinted = hints.get(key)
        if hinted:
            candidates.append(Place(short_province(hinted) or find_place(hinted).province, find_place(hinted).city))
    candidates.append(Place(province_of_district(district_code or hints.get("district_code"))))
    candidates.append(Place(province_of_host(url)))
    for text in (buyer_name, buyer_address, title, *extra):
        if text:
            candidates.append(find_place(text))
    for place in candidates:
        if province is None and place.province:
            province = place.province
        if city is None and place.city and (province is None or CITIES.get(place.city) == province):
            city = place.city
            province = province or CITIES[place.city]
    if province is None and city is None:
        return None
    return Region(province=province, city=CITY_FULL_NAMES.get(city, city) if city else None)
