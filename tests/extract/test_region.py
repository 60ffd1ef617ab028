"""Region detection: 行政区域, hints, district codes, hosts, buyer names and the classic pitfalls."""

from __future__ import annotations

import pytest

from tenderbot.extract.region import detect_region, find_place, province_of_district, province_of_host, short_province
from tenderbot.models import Region


@pytest.mark.parametrize(
    ("text", "province", "city"),
    [
        ("汕头市中心医院", "广东", "汕头"),
        ("广东省人民医院", "广东", None),
        ("贵州省贵阳市观山湖区金华园街道", "贵州", "贵阳"),
        ("吉林市人民医院", "吉林", "吉林"),
        ("吉林大学第一医院", "吉林", None),
        ("中山大学附属第一医院", None, None),  # named after a person, not 中山市
        ("中山市人民医院", "广东", "中山"),
        ("某县人民医院", None, None),  # 人民 is no place
        ("济南市北京路1号", "山东", "济南"),  # 北京路 is a street
        ("北京市公安局朝阳分局", "北京", None),  # 朝阳 here is 北京's district, not 辽宁's city
        ("青岛大学附属医院", "山东", "青岛"),
        ("广西科技师范学院", "广西", None),
    ],
)
def test_find_place(text: str, province: str | None, city: str | None) -> None:
    place = find_place(text)
    assert (place.province, place.city) == (province, city)


def test_hosts_and_district_codes() -> None:
    assert province_of_host("http://www.ccgp-guangxi.gov.cn/site/detail?x=1") == "广西"
    assert province_of_host("https://zfcg.czt.zj.gov.cn/portal/detail") == "浙江"
    assert province_of_host("http://www.ccgp.gov.cn/cggg/zygg/gkzb/") is None
    assert province_of_district("339900") == "浙江"
    assert province_of_district("451027") == "广西"
    assert province_of_district("xx") is None
    assert short_province("宁夏回族自治区") == "宁夏"
    assert short_province("江苏省") == "江苏"


def test_priority_region_row_first() -> None:
    region = detect_region(region_text="贵州省", buyer_name="清镇市麦格苗族布依族乡人民政府",
                           buyer_address="清镇市麦格乡", url="http://www.ccgp-guangxi.gov.cn/x")
    assert region == Region(province="贵州", city=None)


def test_hint_then_host_then_buyer() -> None:
    assert detect_region(hints={"province": "江苏"}, buyer_name="汕头市中心医院") == Region("江苏", None)
    assert detect_region(url="http://www.ccgp-shandong.gov.cn/x", buyer_name="某医院") == Region("山东", None)
    assert detect_region(buyer_name="汕头市中心医院") == Region("广东", "汕头市")
    assert detect_region(buyer_name="延边大学附属医院") == Region("吉林", "延边朝鲜族自治州")
    assert detect_region(buyer_name="某医院") is None


def test_city_must_agree_with_province() -> None:
    region = detect_region(region_text="广西壮族自治区", buyer_name="广西交通职业技术学院",
                           buyer_address="南宁市兴宁区昆仑大道1258号")
    assert region == Region("广西", "南宁市")
    assert detect_region(region_text="江苏省", buyer_address="南宁市某路") == Region("江苏", None)
