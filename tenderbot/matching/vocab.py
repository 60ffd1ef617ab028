"""Filter vocabularies of the query language: filter keys, provinces, notice types, categories.

Every lookup key is folded (Simplified, half-width, lower case), so 地區/REGION/江蘇 work as well.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from tenderbot.models import Category, NoticeType

BUDGET = "budget"
REGION = "region"
TYPE = "type"
CATEGORY = "category"

FILTER_KEYS: Mapping[str, str] = MappingProxyType(
    {
        "预算": BUDGET,
        "金额": BUDGET,
        "budget": BUDGET,
        "地区": REGION,
        "省份": REGION,
        "区域": REGION,
        "region": REGION,
        "类型": TYPE,
        "公告类型": TYPE,
        "type": TYPE,
        "类别": CATEGORY,
        "品类": CATEGORY,
        "cat": CATEGORY,
        "category": CATEGORY,
    }
)

# The key each filter is written with in canonical queries and in help texts.
FILTER_LABELS: Mapping[str, str] = MappingProxyType(
    {BUDGET: "预算", REGION: "地区", TYPE: "类型", CATEGORY: "类别"}
)

# (short name as stored in Region.province, full name, pinyin); table from research/domain.md §6.2,
# plus 中央 (central buyers, domain.md §6.3) and 兵团 (its own ccgp sub-site).
_PROVINCES: tuple[tuple[str, str, str], ...] = (
    ("北京", "北京市", "beijing"),
    ("天津", "天津市", "tianjin"),
    ("河北", "河北省", "hebei"),
    ("山西", "山西省", "shanxi"),
    ("内蒙古", "内蒙古自治区", "neimenggu"),
    ("辽宁", "辽宁省", "liaoning"),
    ("吉林", "吉林省", "jilin"),
    ("黑龙江", "黑龙江省", "heilongjiang"),
    ("上海", "上海市", "shanghai"),
    ("江苏", "江苏省", "jiangsu"),
    ("浙江", "浙江省", "zhejiang"),
    ("安徽", "安徽省", "anhui"),
    ("福建", "福建省", "fujian"),
    ("江西", "江西省", "jiangxi"),
    ("山东", "山东省", "shandong"),
    ("河南", "河南省", "henan"),
    ("湖北", "湖北省", "hubei"),
    ("湖南", "湖南省", "hunan"),
    ("广东", "广东省", "guangdong"),
    ("广西", "广西壮族自治区", "guangxi"),
    ("海南", "海南省", "hainan"),
    ("重庆", "重庆市", "chongqing"),
    ("四川", "四川省", "sichuan"),
    ("贵州", "贵州省", "guizhou"),
    ("云南", "云南省", "yunnan"),
    ("西藏", "西藏自治区", "xizang"),
    ("陕西", "陕西省", "shaanxi"),
    ("甘肃", "甘肃省", "gansu"),
    ("青海", "青海省", "qinghai"),
    ("宁夏", "宁夏回族自治区", "ningxia"),
    ("新疆", "新疆维吾尔自治区", "xinjiang"),
    ("兵团", "新疆生产建设兵团", "bingtuan"),
    ("台湾", "台湾省", "taiwan"),
    ("香港", "香港特别行政区", "hongkong"),
    ("澳门", "澳门特别行政区", "macao"),
    ("中央", "中央单位", "central"),
)

PROVINCE_ORDER: tuple[str, ...] = tuple(short for short, _, _ in _PROVINCES)


def _province_names() -> dict[str, str]:
    """Every accepted spelling of a province → its short name."""
    names: dict[str, str] = {}
    for short, full, pinyin in _PROVINCES:
        names[short] = short
        names[full] = short
        names[pinyin] = short
    names["内蒙"] = "内蒙古"
    names["macau"] = "澳门"
    return names


PROVINCE_NAMES: Mapping[str, str] = MappingProxyType(_province_names())

# Notice types: Chinese words as users write them (research/domain.md, type table) and the enum values.
NOTICE_TYPE_NAMES: Mapping[str, NoticeType] = MappingProxyType(
    {
        "招标": NoticeType.TENDER,
        "采购": NoticeType.TENDER,
        "招标公告": NoticeType.TENDER,
        "采购公告": NoticeType.TENDER,
        "更正": NoticeType.AMENDMENT,
        "变更": NoticeType.AMENDMENT,
        "澄清": NoticeType.AMENDMENT,
        "更正公告": NoticeType.AMENDMENT,
        "结果": NoticeType.AWARD,
        "中标": NoticeType.AWARD,
        "成交": NoticeType.AWARD,
        "中标公告": NoticeType.AWARD,
        "终止": NoticeType.TERMINATION,
        "废标": NoticeType.TERMINATION,
        "流标": NoticeType.TERMINATION,
        "意向": NoticeType.INTENTION,
        "采购意向": NoticeType.INTENTION,
        "预审": NoticeType.PREQUALIFICATION,
        "资格预审": NoticeType.PREQUALIFICATION,
        "合同": NoticeType.CONTRACT,
        "其他": NoticeType.OTHER,
        **{kind.value: kind for kind in NoticeType},
    }
)

NOTICE_TYPE_LABELS: Mapping[NoticeType, str] = MappingProxyType(
    {
        NoticeType.INTENTION: "意向",
        NoticeType.PREQUALIFICATION: "预审",
        NoticeType.TENDER: "招标",
        NoticeType.AMENDMENT: "更正",
        NoticeType.AWARD: "结果",
        NoticeType.TERMINATION: "终止",
        NoticeType.CONTRACT: "合同",
        NoticeType.OTHER: "其他",
    }
)

CATEGORY_NAMES: Mapping[str, Category] = MappingProxyType(
    {
        "仪器": Category.INSTRUMENT,
        "仪器仪表": Category.INSTRUMENT,
        "科学仪器": Category.INSTRUMENT,
        "医疗": Category.MEDICAL,
        "医疗设备": Category.MEDICAL,
        "医疗器械": Category.MEDICAL,
        **{category.value: category for category in Category},
    }
)

CATEGORY_LABELS: Mapping[Category, str] = MappingProxyType(
    {Category.INSTRUMENT: "仪器", Category.MEDICAL: "医疗"}
)

NOTICE_TYPE_ORDER: tuple[NoticeType, ...] = tuple(NoticeType)
CATEGORY_ORDER: tuple[Category, ...] = tuple(Category)
