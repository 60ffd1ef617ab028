"""The Matcher: term semantics, filters, whole-token rule, folding, synonyms, updates, why-terms."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import pytest

from tenderbot.errors import QueryError
from tenderbot.matching.engine import Matcher, MatchResult, notice_budget
from tenderbot.matching.query import Query, Term, parse_query
from tenderbot.models import Category, Lot, Money, Notice, NoticeType, Party, Region
from tests.matching.reference import naive_match

FIXTURES = Path(__file__).parent / "fixtures"


def notice(
    title: str = "",
    text: str = "",
    *,
    province: str | None = "江苏",
    notice_type: NoticeType = NoticeType.TENDER,
    budget: int | None = None,
    lots: tuple[Lot, ...] = (),
    categories: tuple[Category, ...] = (),
    buyer: str | None = None,
) -> Notice:
    """A notice with just the fields matching reads."""
    return Notice(
        title=title,
        text=text,
        region=Region(province=province) if province else None,
        notice_type=notice_type,
        budget=Money(Decimal(budget)) if budget is not None else None,
        lots=lots,
        categories=categories,
        buyer=Party(name=buyer) if buyer else None,
    )


def ids(matcher: Matcher, item: Notice) -> list[int]:
    """The matching subscription ids."""
    return [result.subscription_id for result in matcher.match(item)]


def single(query: str, item: Notice, synonyms: object = None) -> MatchResult | None:
    """Match one query against one notice."""
    matcher = Matcher(synonyms) if synonyms else Matcher()  # type: ignore[arg-type]
    matcher.add(1, query)
    results = matcher.match(item)
    return results[0] if results else None


def test_any_terms_need_one_occurrence() -> None:
    assert single("质谱 色谱", notice("液相色谱仪采购")) == MatchResult(1, ("色谱",))
    assert single("质谱 色谱", notice("全自动生化分析仪采购")) is None


def test_all_terms_are_all_required() -> None:
    assert single("+仪 +色谱", notice("液相色谱仪")) is not None
    assert single("+仪 +质谱", notice("液相色谱仪")) is None
    assert single("色谱 +质谱", notice("液相色谱仪")) is None


def test_excluded_terms_veto() -> None:
    assert single("色谱 -维修", notice("液相色谱仪维修服务")) is None
    assert single("色谱 !维修", notice("液相色谱仪维修服务")) is None
    assert single("色谱 -维修", notice("液相色谱仪采购")) is not None


def test_quoted_phrase_matches_as_one_string() -> None:
    assert single('"mass spec"', notice("Thermo MASS  SPEC system")) is not None
    assert single('"mass spec"', notice("spec of mass")) is None


def test_matching_reads_title_text_lot_names_and_buyer() -> None:
    assert single("酶标仪", notice("某项目", lots=(Lot(name="多功能酶标仪"),))) is not None
    assert single("齐鲁医院", notice("某项目", buyer="山东大学齐鲁医院")) is not None
    assert single("色谱", notice("某项目", "采购液相色谱仪一台")) is not None


def test_words_do_not_join_across_fields() -> None:
    assert single("色谱仪", notice("液相色谱", "仪器")) is None


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("项目编号：GDCT2024", False),
        ("256排CT采购", True),
        ("CT机一台", True),
        ("螺旋CT", True),
        ("CT", True),
        ("ct-2024 型", True),
        ("ACT检测", False),
        ("CT2 型", False),
        ("PET/CT", True),
        ("PET-CT", True),
        ("ＣＴ机", True),
    ],
)
def test_short_latin_terms_match_as_whole_tokens(text: str, matches: bool) -> None:
    assert (single("CT", notice(text)) is not None) is matches


def test_short_latin_rule_uses_every_occurrence() -> None:
    # The first CT is glued to a project code, the second stands alone.
    assert single("CT", notice("GDCT2024 采购 64排CT")) == MatchResult(1, ("ct",))


def test_longer_latin_terms_match_inside_words() -> None:
    assert single("UHPLC", notice("UHPLC2024")) is not None


def test_traditional_notice_matches_simplified_query_and_back() -> None:
    assert single("液相色谱仪 -维修", notice("高效液相色譜儀採購項目")) is not None
    assert single("液相色譜儀 地區:江蘇", notice("高效液相色谱仪采购项目")) is not None
    assert single("-維修 色谱", notice("液相色谱仪维修")) is None


def test_region_filter() -> None:
    assert single("色谱 地区:江苏,浙江", notice("色谱仪", province="浙江")) is not None
    assert single("色谱 地区:江苏,浙江", notice("色谱仪", province="山东")) is None
    assert single("色谱 地区:江苏", notice("色谱仪", province=None)) is None


def test_type_filter() -> None:
    assert single("色谱 类型:招标,更正", notice("色谱仪", notice_type=NoticeType.AMENDMENT)) is not None
    assert single("色谱 类型:招标,更正", notice("色谱仪", notice_type=NoticeType.AWARD)) is None


def test_category_filter() -> None:
    item = notice("监护仪", categories=(Category.MEDICAL,))
    assert single("监护仪 类别:医疗", item) is not None
    assert single("监护仪 类别:仪器", item) is None
    assert single("监护仪 类别:仪器", notice("监护仪")) is None


@pytest.mark.parametrize(
    ("budget", "matches"),
    [(500_000, True), (5_000_000, True), (499_999, False), (5_000_001, False), (None, True)],
)
def test_budget_filter_is_inclusive_and_unknown_budget_passes(budget: int | None, matches: bool) -> None:
    item = notice("色谱仪", budget=budget)
    assert (single("色谱 预算:50万-500万", item) is not None) is matches


def test_budget_falls_back_to_the_sum_of_lot_budgets() -> None:
    lots = (Lot(name="包1", budget=Money(Decimal(300_000))), Lot(name="包2", budget=Money(Decimal(400_000))))
    item = notice("色谱仪", lots=lots)
    assert notice_budget(item) == Decimal(700_000)
    assert single("色谱 预算:-60万", item) is None
    assert single("色谱 预算:60万-", item) is not None


def test_filters_alone_match_every_notice_that_passes_them() -> None:
    matcher = Matcher()
    matcher.add(7, "地区:江苏 类型:招标 -维修")
    assert ids(matcher, notice("办公家具采购")) == [7]
    assert ids(matcher, notice("设备维修")) == []
    assert ids(matcher, notice("办公家具采购", province="浙江")) == []


def synonyms(term: str) -> Iterable[str]:
    """A tiny taxonomy: 液相色谱 ↔ HPLC, 彩超 ↔ 彩色多普勒超声诊断仪 (Traditional, to test folding)."""
    table = {
        "液相色谱": ["HPLC", "高效液相色谱", ""],
        "彩超": ["彩色多普勒超聲診斷儀"],
        "维修": ["维保"],
    }
    return table.get(term, [])


def test_widened_term_matches_synonyms_and_says_which() -> None:
    item = notice("HPLC 一台")
    assert single("~液相色谱", item, synonyms) == MatchResult(1, ("hplc",))
    assert single("液相色谱", item, synonyms) is None
    assert single("~彩超", notice("彩色多普勒超声诊断仪采购"), synonyms) == MatchResult(1, ("彩色多普勒超声诊断仪",))


def test_widened_short_synonym_obeys_the_token_rule() -> None:
    assert single("~液相色谱", notice("编号 XHPLC1"), synonyms) is None


def test_widened_exclusion_excludes_synonyms_too() -> None:
    assert single("彩超 -~维修", notice("彩超维保服务"), synonyms) is None
    assert single("彩超 -维修", notice("彩超维保服务"), synonyms) is not None


def test_widen_without_a_synonym_source_is_the_plain_term() -> None:
    assert single("~液相色谱", notice("液相色谱仪")) == MatchResult(1, ("液相色谱",))


def test_why_terms_list_required_then_any_terms_that_fired() -> None:
    query = "质谱 液相 色谱 +仪 -维修"
    assert single(query, notice("液相色谱-质谱联用仪")) == MatchResult(1, ("仪", "质谱", "液相", "色谱"))


def test_results_are_sorted_by_subscription_id() -> None:
    matcher = Matcher()
    for subscription_id in (30, 4, 17, 9):
        matcher.add(subscription_id, "色谱")
    matcher.add(5, "质谱")
    assert ids(matcher, notice("色谱仪")) == [4, 9, 17, 30]


def test_add_remove_replace() -> None:
    matcher = Matcher()
    matcher.add(1, "色谱")
    matcher.add(2, parse_query("质谱"))
    assert len(matcher) == 2
    assert ids(matcher, notice("色谱仪")) == [1]
    matcher.add(1, "质谱 -色谱")
    assert len(matcher) == 2
    assert ids(matcher, notice("色谱仪")) == []
    assert ids(matcher, notice("质谱仪")) == [1, 2]
    matcher.remove(2)
    matcher.remove(99)
    assert len(matcher) == 1
    assert ids(matcher, notice("质谱仪")) == [1]
    matcher.remove(1)
    assert len(matcher) == 0
    assert ids(matcher, notice("质谱仪")) == []


def test_a_bad_query_leaves_the_old_subscription_in_place() -> None:
    matcher = Matcher()
    matcher.add(1, "色谱")
    with pytest.raises(QueryError):
        matcher.add(1, "色谱 预算:500万-50万")
    assert ids(matcher, notice("色谱仪")) == [1]


def test_keyword_shared_by_two_subscriptions_survives_removing_one() -> None:
    matcher = Matcher()
    matcher.add(1, "色谱")
    matcher.add(2, "色谱 质谱")
    assert ids(matcher, notice("色谱仪")) == [1, 2]
    matcher.remove(2)
    assert ids(matcher, notice("色谱仪")) == [1]
    matcher.remove(1)
    matcher.add(3, "色谱")
    assert ids(matcher, notice("色谱仪")) == [3]


def test_many_updates_after_compiling_agree_with_the_reference() -> None:
    # Enough churn to go through the secondary automaton, its merge, and the tombstone purge.
    words = [f"产品{index}型" for index in range(3000)]
    matcher = Matcher()
    queries = {index: parse_query(f"{words[index]} {words[(index * 7) % 3000]}") for index in range(1500)}
    for index, query in queries.items():
        matcher.add(index, query)
    matcher.compile()
    for index in range(1500, 3000):
        queries[index] = parse_query(words[index])
        matcher.add(index, queries[index])
        if index % 3 == 0:
            matcher.remove(index - 1500)
            del queries[index - 1500]
        if index % 250 == 0:
            item = notice(" ".join(words[index - 300 : index : 7]))
            expected = [key for key, query in sorted(queries.items()) if naive_match(query, item) is not None]
            assert ids(matcher, item) == expected
    item = notice(" ".join(words[::5]))
    expected = [key for key, query in sorted(queries.items()) if naive_match(query, item) is not None]
    assert ids(matcher, item) == expected
    assert len(matcher) == len(queries)


def test_real_announcement_text() -> None:
    """A real 2016 tender (corpus other-medtext-002: 山东大学齐鲁医院 ICU equipment, two lots)."""
    text = (FIXTURES / "medtext_shandong_icu_tender.txt").read_text(encoding="utf-8")
    item = notice(
        "山东大学齐鲁医院医疗设备(ICU及心血管实验室)采购项目公开招标公告",
        text,
        province="山东",
        budget=840_000,
        categories=(Category.MEDICAL,),
    )
    matcher = Matcher()
    matcher.add(1, "监护仪 酶标仪 地区:山东 预算:50万-100万")
    matcher.add(2, "监护仪 地区:江苏")
    matcher.add(3, "ICU +心血管")
    matcher.add(4, "201")  # only glued to digits: 201601, 2016年
    # A hyphen is not a letter or digit, so GK in SDJW-QLYY-GK-201601 is a whole token: the rule
    # must keep PET-CT matching CT, and pays with hits inside hyphenated project codes.
    matcher.add(5, "GK")
    matcher.add(6, "监护仪 -试剂")
    matcher.add(7, "酶标仪 类型:结果")
    assert matcher.match(item) == [
        MatchResult(1, ("监护仪", "酶标仪")),
        MatchResult(3, ("心血管", "icu")),
        MatchResult(5, ("gk",)),
        MatchResult(6, ("监护仪",)),
    ]


def test_hand_built_query_terms_are_folded() -> None:
    matcher = Matcher()
    matcher.add(1, Query(any_terms=(Term("CT"),), all_terms=(Term("醫院"),)))
    assert ids(matcher, notice("某医院 64排CT")) == [1]


def test_hand_built_query_with_an_empty_term_is_refused() -> None:
    matcher = Matcher()
    with pytest.raises(QueryError):
        matcher.add(1, Query(any_terms=(Term(" "),)))
    assert len(matcher) == 0


def test_budget_ranges_shared_by_subscriptions_survive_removals() -> None:
    matcher = Matcher()
    matcher.add(1, "色谱 预算:50万-500万")
    matcher.add(2, "色谱 预算:50万-500万 地区:江苏")
    matcher.add(3, "色谱 预算:-10万")
    assert ids(matcher, notice("色谱仪", budget=1_000_000)) == [1, 2]
    matcher.remove(1)
    assert ids(matcher, notice("色谱仪", budget=1_000_000)) == [2]
    assert ids(matcher, notice("色谱仪", budget=50_000)) == [3]
    matcher.add(2, "色谱 预算:-10万")
    assert ids(matcher, notice("色谱仪", budget=1_000_000)) == []
    assert ids(matcher, notice("色谱仪", budget=None)) == [2, 3]
