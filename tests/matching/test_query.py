"""The subscription query language: every syntax element, folding, errors, canonical round-trip."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tenderbot.errors import QueryError
from tenderbot.matching.query import MAX_TERM_LENGTH, MAX_TERMS, Query, Term, parse_query
from tenderbot.models import Category, NoticeType

DESIGN_EXAMPLE = (
    '液相色谱 质谱 +仪 -维修 -试剂 "液相 色谱" 预算:50万-500万 地区:江苏,浙江 类型:招标,更正 类别:仪器 ~液相色谱'
)


def test_design_example_parses_into_every_part() -> None:
    query = parse_query(DESIGN_EXAMPLE)
    # "液相 色谱" folds to 液相色谱 (spaces between CJK carry no meaning), a repeat of the first word.
    assert query.any_terms == (Term("液相色谱"), Term("质谱"), Term("液相色谱", widen=True))
    assert query.all_terms == (Term("仪"),)
    assert query.none_terms == (Term("维修"), Term("试剂"))
    assert (query.budget_min, query.budget_max) == (Decimal(500_000), Decimal(5_000_000))
    assert query.regions == {"江苏", "浙江"}
    assert query.types == {NoticeType.TENDER, NoticeType.AMENDMENT}
    assert query.categories == {Category.INSTRUMENT}


def test_plain_words_are_any_terms_in_order() -> None:
    assert parse_query("彩超 超声 B超").any_terms == (Term("彩超"), Term("超声"), Term("b超"))


def test_exclusion_with_minus_or_bang() -> None:
    query = parse_query("监护仪 -维修 !耗材")
    assert query.none_terms == (Term("维修"), Term("耗材"))


def test_required_term_is_removed_from_any_terms() -> None:
    query = parse_query("仪器 +仪器 质谱")
    assert query.all_terms == (Term("仪器"),)
    assert query.any_terms == (Term("质谱"),)


def test_repeated_words_are_kept_once() -> None:
    assert parse_query("质谱 质谱 質譜").any_terms == (Term("质谱"),)


@pytest.mark.parametrize(
    "text",
    ['"mass spec"', "“mass spec”", "「mass spec」", "＂mass spec＂"],
)
def test_quoted_phrase_is_one_term(text: str) -> None:
    assert parse_query(text).any_terms == (Term("mass spec"),)


def test_quoted_phrase_may_carry_a_prefix_and_a_colon() -> None:
    query = parse_query('+"型号:ABC" -"二手 设备" ~"液相色谱"')
    assert query.all_terms == (Term("型号:abc"),)
    assert query.none_terms == (Term("二手设备"),)
    assert query.any_terms == (Term("液相色谱", widen=True),)


def test_widen_combines_with_sign() -> None:
    query = parse_query("+~彩超 -~维修 质谱")
    assert query.all_terms == (Term("彩超", widen=True),)
    assert query.none_terms == (Term("维修", widen=True),)


def test_traditional_fullwidth_uppercase_query_folds_to_simplified() -> None:
    query = parse_query("液相層析　＋儀器　－維修　ＰＣＲ　預算：５０萬－５００萬　地區：江蘇　類型：招標")
    assert query.any_terms == (Term("液相层析"), Term("pcr"))
    assert query.all_terms == (Term("仪器"),)
    assert query.none_terms == (Term("维修"),)
    assert (query.budget_min, query.budget_max) == (Decimal(500_000), Decimal(5_000_000))
    assert query.regions == {"江苏"}
    assert query.types == {NoticeType.TENDER}


def test_short_latin_terms_are_whole_token_terms() -> None:
    query = parse_query("CT PCR 彩超 HPLC UHPLC")
    assert [term.whole_token for term in query.any_terms] == [True, True, False, True, False]


@pytest.mark.parametrize(
    ("value", "low", "high"),
    [
        ("50万-500万", 500_000, 5_000_000),
        ("50万-", 500_000, None),
        ("-500万", None, 5_000_000),
        (">=50万", 500_000, None),
        ("≥50万", 500_000, None),
        ("<=500万", None, 5_000_000),
        ("50万以上", 500_000, None),
        ("500万以下", None, 5_000_000),
        ("100000-2000000", 100_000, 2_000_000),
        ("10万元-1亿元", 100_000, 100_000_000),
        ("1.5亿-2亿", 150_000_000, 200_000_000),
        ("5000元-8000元", 5000, 8000),
        ("50-500万", 500_000, 5_000_000),
        ("50万~500万", 500_000, 5_000_000),
        ("50万至500万", 500_000, 5_000_000),
        ("1,000,000-2,000,000", 1_000_000, 2_000_000),
    ],
)
def test_budget_forms(value: str, low: int | None, high: int | None) -> None:
    query = parse_query(f"质谱 预算:{value}")
    assert query.budget_min == (Decimal(low) if low is not None else None)
    assert query.budget_max == (Decimal(high) if high is not None else None)


@pytest.mark.parametrize("text", ["质谱 budget:50万-500万", "质谱 预算：50万-500万", "质谱 预算: 50万-500万"])
def test_budget_keys_and_colons(text: str) -> None:
    assert parse_query(text).budget_min == Decimal(500_000)


def test_budget_open_lower_bound_after_a_space() -> None:
    query = parse_query("质谱 预算: -500万")
    assert (query.budget_min, query.budget_max) == (None, Decimal(5_000_000))


@pytest.mark.parametrize(
    "value",
    ["江苏,浙江", "江苏省,浙江省", "江苏、浙江", "江苏，浙江", "江蘇|浙江", "jiangsu,Zhejiang", "江苏, 浙江"],
)
def test_region_spellings(value: str) -> None:
    assert parse_query(f"质谱 地区:{value}").regions == {"江苏", "浙江"}


def test_region_full_names_of_autonomous_regions() -> None:
    query = parse_query("质谱 region:广西壮族自治区,内蒙古,新疆维吾尔自治区 地区:北京市")
    assert query.regions == {"广西", "内蒙古", "新疆", "北京"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("招标,更正", {NoticeType.TENDER, NoticeType.AMENDMENT}),
        ("tender,amendment", {NoticeType.TENDER, NoticeType.AMENDMENT}),
        ("结果|中标", {NoticeType.AWARD}),
        ("终止|废标", {NoticeType.TERMINATION}),
        ("意向、预审", {NoticeType.INTENTION, NoticeType.PREQUALIFICATION}),
        ("合同,其他", {NoticeType.CONTRACT, NoticeType.OTHER}),
        ("award,termination,intention,prequalification,contract,other", set(NoticeType) - {
            NoticeType.TENDER, NoticeType.AMENDMENT}),
    ],
)
def test_notice_types(value: str, expected: set[NoticeType]) -> None:
    assert parse_query(f"质谱 类型:{value}").types == expected
    assert parse_query(f"质谱 type:{value}").types == expected


@pytest.mark.parametrize("text", ["类别:仪器|医疗", "cat:instrument,medical", "類別:儀器 类别:医疗"])
def test_categories(text: str) -> None:
    assert parse_query(f"监护仪 {text}").categories == {Category.INSTRUMENT, Category.MEDICAL}


def test_filters_alone_are_a_valid_query() -> None:
    query = parse_query("地区:江苏 类型:招标 -维修")
    assert query.any_terms == () and query.all_terms == ()
    assert query.none_terms == (Term("维修"),)


def _error(text: str) -> str:
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    return str(caught.value)


def test_error_lower_bound_above_upper_bound_says_what_to_write() -> None:
    assert _error("质谱 预算:500万-50万") == "预算范围“500万-50万”的下限大于上限，请写成 预算:50万-500万"


@pytest.mark.parametrize("text", ["", "   ", "\u3000"])
def test_error_empty_query(text: str) -> None:
    message = _error(text)
    assert "查询是空的" in message and "液相色谱" in message


def test_error_only_exclusions() -> None:
    message = _error("-维修 !试剂")
    assert "只有排除词" in message and "-维修 -试剂" in message


def test_error_unknown_filter_key_suggests_keys_and_quotes() -> None:
    message = _error("质谱 价格:50万")
    assert "未知的筛选条件“价格:”" in message
    assert "预算:" in message and '"价格:50万"' in message


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("质谱 地区:火星", ["不认识的地区“火星”", "地区:江苏,浙江"]),
        ("质谱 地区:南京", ["不认识的地区“南京”", "城市名请写成关键词"]),
        ("质谱 类型:招聘", ["不认识的公告类型“招聘”", "招标", "类型:招标,更正"]),
        ("质谱 类别:食品", ["不认识的类别“食品”", "仪器、医疗"]),
        ("质谱 地区:", ["“地区:”后面缺少内容", "地区:江苏,浙江"]),
    ],
)
def test_error_unknown_filter_values(text: str, fragments: list[str]) -> None:
    message = _error(text)
    for fragment in fragments:
        assert fragment in message


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("五十万", "不是一个范围"),
        ("50万", "不是一个范围"),
        ("abc-100万", "“abc”不是金额"),
        ("50万-500万-800万", "不是一个范围"),
        ("-", "既没有下限也没有上限"),
        ("", "后面缺少金额"),
        (">=", "不是金额"),
        ("99999999999999亿-", "不是金额"),
    ],
)
def test_error_bad_budget(value: str, fragment: str) -> None:
    message = _error(f"质谱 预算:{value}")
    assert fragment in message
    assert "预算:50万-500万" in message


def test_error_budget_written_twice() -> None:
    assert "预算写了两次" in _error("质谱 预算:50万- 预算:-500万")


@pytest.mark.parametrize(("text", "closing"), [('质谱 "液相 色谱', '"'), ("“液相 色谱", "”"), ("「液相", "」")])
def test_error_unterminated_quote(text: str, closing: str) -> None:
    message = _error(text)
    assert "引号没有结束" in message and f"补上 {closing}" in message


def test_error_term_too_long() -> None:
    message = _error("仪" * (MAX_TERM_LENGTH + 1))
    assert f"最多 {MAX_TERM_LENGTH} 个字" in message
    parse_query("仪" * MAX_TERM_LENGTH)


def test_error_too_many_terms() -> None:
    words = [f"词{i}" for i in range(MAX_TERMS + 1)]
    assert f"关键词太多（{MAX_TERMS + 1} 个）" in _error(" ".join(words))
    parse_query(" ".join(words[:MAX_TERMS]))


def test_error_term_both_wanted_and_excluded() -> None:
    assert "既是搜索词又是排除词" in _error("维修 -维修")


def test_error_comma_between_words_suggests_spaces() -> None:
    assert _error("液相色谱,质谱").endswith("写成 液相色谱 质谱")
    assert _error("液相色谱、质谱").endswith("写成 液相色谱 质谱")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("+", "请在“+”后面写上词"),
        ('""', "请去掉空引号"),
        ("+-质谱", "每个词前最多一个 + 或 -"),
        ('"液相 色谱"仪', "引号后面紧跟着“仪”"),
        ('质"谱', "引号不成对"),
        ('"质"谱" 仪', "引号后面紧跟着"),
        ('「液相"色谱」', "又有引号"),
        ("质谱 -地区:江苏", "筛选条件前不能加“-”"),
    ],
)
def test_error_malformed_terms(text: str, fragment: str) -> None:
    assert fragment in _error(text)


@pytest.mark.parametrize(
    "text",
    [
        DESIGN_EXAMPLE,
        "CT 256排 +医院 -维修 预算:1.5亿-",
        '"mass spec" +"型号:abc" -"-80℃冰箱" ~「液相 色谱」 !租赁',
        "地区:中央,新疆生产建设兵团 类型:other 类别:medical 预算:-12345.67元",
        "质谱 预算:0.5万-1万元",
        "质谱 预算:100000-2000000",
        "~彩超 +~超声 -~维修",
    ],
)
def test_canonical_round_trip(text: str) -> None:
    query = parse_query(text)
    canonical = query.canonical()
    assert parse_query(canonical) == query
    assert parse_query(canonical).canonical() == canonical


def test_canonical_form_is_normalised() -> None:
    query = parse_query("質譜  ！維修 +儀器 region:jiangsu,BEIJING type:award,tender 预算:500000-")
    assert query.canonical() == "质谱 +仪器 -维修 预算:50万- 地区:北京,江苏 类型:招标,结果"


def test_describe_summarises_in_chinese() -> None:
    text = parse_query(DESIGN_EXAMPLE).describe()
    assert text.startswith("含任一：液相色谱、质谱、液相色谱（含同义词）")
    pieces = ["必须含：仪", "排除：维修、试剂", "预算：50万–500万", "地区：江苏、浙江"]
    pieces += ["类型：招标、更正", "类别：仪器"]
    for piece in pieces:
        assert piece in text


def test_describe_open_budget_and_no_terms() -> None:
    expected = "不限关键词；预算：500万以下（预算未知的也推送）；地区：江苏"
    assert parse_query("地区:江苏 预算:-500万").describe() == expected


def test_query_is_hashable_and_comparable() -> None:
    assert parse_query("质谱 地区:江苏") == parse_query("質譜 地區:江蘇省")
    assert len({parse_query("质谱"), parse_query("质谱 ")}) == 1
    assert isinstance(parse_query("质谱"), Query)
